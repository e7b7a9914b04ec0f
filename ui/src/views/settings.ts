// 设置: staff accounts (supervisors manage them; the core refuses anyone else).
import { commands, type Role, type SessionInfo, type StaffInfo } from "../bindings";
import { h } from "../logic/dom";
import { staffMessage } from "../logic/errors";

function staffTable(list: StaffInfo[], refresh: () => void, msg: HTMLElement): HTMLElement {
  const rows = list.map((s) =>
    h(
      "tr",
      {},
      h("td", {}, s.staff_id),
      h("td", {}, s.name),
      h("td", {}, s.role === "supervisor" ? "主管" : "受理员"),
      h("td", {}, s.disabled ? "已停用" : "正常"),
      h(
        "td",
        {},
        s.disabled
          ? null
          : h(
              "button",
              {
                class: "link",
                onclick: async () => {
                  try {
                    await commands.staff_disable({ staff_id: s.staff_id });
                    refresh();
                  } catch (e) {
                    msg.textContent = staffMessage(e);
                  }
                },
              },
              "停用",
            ),
      ),
    ),
  );
  return h("table", { class: "grid" }, h("thead", {}, h("tr", {}, ...["工号", "姓名", "角色", "状态", ""].map((t) => h("th", {}, t)))), h("tbody", {}, ...rows));
}

/** Reader and camera choice; supervisors may change them (the core checks). */
function devicesForm(session: SessionInfo): HTMLElement {
  const box = h("div", { id: "devices" });
  const msg = h("p", { class: "error", role: "alert" });
  commands
    .devices()
    .then((d) => {
      const reader = h("input", { id: "reader-spec", value: d.reader, size: 40, disabled: session.role !== "supervisor" }) as HTMLInputElement;
      const camera = h(
        "select",
        { id: "camera-spec", disabled: session.role !== "supervisor" },
        ...[...d.cameras.map((c) => ({ spec: c.spec, name: c.name })), ...(d.cameras.some((c) => c.spec === d.camera) ? [] : [{ spec: d.camera, name: d.camera }])].map((c) =>
          h("option", { value: c.spec, selected: c.spec === d.camera }, c.name),
        ),
      ) as HTMLSelectElement;
      const form = h(
        "form",
        { class: "inline-form" },
        h("label", {}, "读卡器 ", reader),
        h("label", {}, "摄像头 ", camera),
        session.role === "supervisor" ? h("button", { type: "submit", class: "primary" }, "保存并重新连接") : null,
      );
      form.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        try {
          await commands.set_devices({ reader: reader.value.trim(), camera: camera.value });
          msg.textContent = "已保存";
        } catch (e) {
          msg.textContent = staffMessage(e);
        }
      });
      box.replaceChildren(form, h("p", { class: "hint" }, "读卡器：serial:/dev/ttyUSB0@115200（串口 SAM_V）、pcsc 或 pcsc:名称（PC/SC）、sim:文件（模拟）"), msg);
    })
    .catch((e) => box.replaceChildren(h("p", { class: "error" }, staffMessage(e))));
  return box;
}

export function renderSettings(session: SessionInfo): HTMLElement {
  const page = h("section", { class: "page" }, h("h2", {}, "设置"));
  page.append(h("h3", {}, "读卡器与摄像头"), devicesForm(session));
  if (session.role !== "supervisor") {
    page.append(h("p", {}, "账号管理需要主管权限。"));
    return page;
  }
  const msg = h("p", { class: "error", role: "alert" });
  const holder = h("div");
  const refresh = async () => {
    try {
      holder.replaceChildren(staffTable(await commands.staff_list(), refresh, msg));
    } catch (e) {
      msg.textContent = staffMessage(e);
    }
  };
  const id = h("input", { placeholder: "工号" }) as HTMLInputElement;
  const name = h("input", { placeholder: "姓名" }) as HTMLInputElement;
  const pw = h("input", { placeholder: "初始密码（至少 8 位）", type: "password" }) as HTMLInputElement;
  const role = h("select", {}, h("option", { value: "counter" }, "受理员"), h("option", { value: "supervisor" }, "主管")) as HTMLSelectElement;
  const form = h("form", { class: "inline-form" }, id, name, pw, role, h("button", { type: "submit", class: "primary" }, "添加账号")) as HTMLFormElement;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await commands.staff_add({ staff_id: id.value.trim(), name: name.value, role: role.value as Role, password: pw.value });
      msg.textContent = "";
      form.reset();
      void refresh();
    } catch (e) {
      msg.textContent = staffMessage(e);
    }
  });
  page.append(h("h3", {}, "工作人员账号"), form, msg, holder);
  void refresh();
  return page;
}
