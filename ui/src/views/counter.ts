// 现场确认: the counter screen. Candidate data and the live photo side by side, big type,
// keyboard shortcuts (Space capture, Enter confirm, Esc cancel), a tone and colour on every
// read and refusal. The core decides everything; this screen only shows and asks.
import { listen } from "@tauri-apps/api/event";
import { commands, events, previewScheme, type CounterView, type Refusal, type SimCard } from "../bindings";
import { cue } from "../logic/cue";
import { h } from "../logic/dom";
import { staffMessage } from "../logic/errors";
import { GENDER, PRIOR_STATUS, guide, keyAction, refusalAction, stageLabel } from "../logic/counter";
import { printReceipt, renderReceipt, renderResetSlip } from "./receipt";

/** The preview frame URL: custom schemes look different per platform; tests may point it elsewhere. */
export function previewUrl(): string {
  const override = (window as any).__ZKDESK_PREVIEW_URL__ as string | undefined;
  if (override) return override;
  return navigator.userAgent.includes("Windows") ? `http://${previewScheme}.localhost/frame` : `${previewScheme}://localhost/frame`;
}

/** Drops the absent parts of a list of children. */
function present(...xs: (HTMLElement | null)[]): HTMLElement[] {
  return xs.filter((x): x is HTMLElement => x !== null);
}

function field(label: string, value: string | null | undefined, id?: string): HTMLElement {
  return h("div", { class: "field" }, h("span", { class: "label" }, label), h("span", { class: "value", id }, value ?? "—"));
}

/** Asks for a supervisor's credentials (and for manual entry, the id number). */
function supervisorDialog(title: string, withId: boolean, onSubmit: (id: string, sup: string, pw: string) => Promise<void>): HTMLElement {
  const idInput = h("input", { id: "dlg-id-number", placeholder: "身份证号码（18 位）" }) as HTMLInputElement;
  const sup = h("input", { id: "dlg-supervisor", placeholder: "主管工号" }) as HTMLInputElement;
  const pw = h("input", { id: "dlg-password", type: "password", placeholder: "主管密码" }) as HTMLInputElement;
  const err = h("p", { class: "error", id: "dlg-error" });
  const form = h(
    "form",
    { class: "dialog", id: "supervisor-dialog" },
    h("h3", {}, title),
    withId ? idInput : null,
    sup,
    pw,
    err,
    h("div", { class: "row" }, h("button", { type: "submit", class: "primary", id: "dlg-ok" }, "授权"), h("button", { type: "button", id: "dlg-cancel", onclick: () => form.remove() }, "取消")),
  ) as HTMLFormElement;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await onSubmit(idInput.value.trim(), sup.value.trim(), pw.value);
      form.remove();
    } catch (e) {
      err.textContent = staffMessage(e);
      pw.value = "";
    }
  });
  setTimeout(() => (withId ? idInput : sup).focus(), 0);
  return form;
}

export function renderCounter(): HTMLElement {
  let view: CounterView | null = null;
  const page = h("section", { class: "page counter", id: "counter-page" });
  const status = h("div", { class: "stage", id: "counter-stage" });
  const message = h("p", { class: "error big", id: "counter-error", role: "alert" });
  const left = h("div", { class: "candidate", id: "candidate" });
  const canvas = h("canvas", { id: "preview", width: 640, height: 480 }) as HTMLCanvasElement;
  const photoPane = h("div", { class: "photo-pane", id: "photo-pane" });
  const tools = h("div", { class: "tools", id: "counter-tools" });
  const right = h("div", { class: "camera" }, canvas, photoPane);
  page.append(tools, status, message, h("div", { class: "counter-grid" }, left, right));

  const run = async (f: () => Promise<CounterView | void>) => {
    message.textContent = "";
    try {
      const v = await f();
      if (v) show(v);
    } catch (e) {
      message.textContent = staffMessage(e);
      cue(false);
    }
  };
  const capture = () => run(() => commands.counter_capture());
  const confirm = () => run(() => commands.counter_confirm());
  const cancel = () => run(() => commands.counter_cancel());

  function refusalBox(r: Refusal): HTMLElement {
    const act = refusalAction(r);
    const box = h("div", { class: `refusal ${r.override_flag ? "soft" : "hard"}`, "data-code": r.code }, h("strong", {}, r.message));
    if (act.kind === "supervisor") {
      box.append(
        h(
          "button",
          {
            class: "primary",
            "data-override": r.override_flag ?? "",
            onclick: () =>
              page.append(
                supervisorDialog(`${act.label}：${r.message}`, false, async (_id, sup, pw) => {
                  show(await commands.counter_override({ flag: r.override_flag!, supervisor_id: sup, password: pw }));
                }),
              ),
          },
          act.label,
        ),
      );
    } else if (act.kind === "attach") {
      const file = h("input", { type: "file", accept: "application/pdf,image/jpeg,image/png", id: "attach-report" }) as HTMLInputElement;
      file.addEventListener("change", async () => {
        const f = file.files?.[0];
        if (!f) return;
        const b64 = await new Promise<string>((res) => {
          const rd = new FileReader();
          rd.onload = () => res(String(rd.result).split(",")[1] ?? "");
          rd.readAsDataURL(f);
        });
        await run(() => commands.counter_attach({ media_type: f.type || "application/pdf", content_base64: b64 }));
      });
      box.append(h("label", { class: "attach" }, act.label, file));
    }
    return box;
  }

  function show(v: CounterView) {
    const previous = view;
    view = v;
    page.dataset.stage = v.stage;
    status.textContent = stageLabel(v.stage);
    status.className = `stage ${v.stage}`;
    if (v.notice) message.textContent = v.notice;
    const card = v.card;
    const reg = v.registration;
    left.replaceChildren(
      ...present(
      h("h3", {}, "身份证信息", v.card_source === "manual" ? h("span", { class: "tag" }, "手工录入") : null),
      v.chip_photo_jpeg_base64 ? h("img", { class: "chip-photo", id: "chip-photo", src: `data:image/jpeg;base64,${v.chip_photo_jpeg_base64}`, alt: "证件照片" }) : null,
      field("姓名", card?.name, "card-name"),
      field("性别", card ? (GENDER[card.gender] ?? card.gender) : null),
      field("出生日期", card?.birth_date),
      field("身份证号", card?.id_number, "card-id"),
      field("有效期", card ? `${card.valid_from ?? ""} 至 ${card.valid_to === "long_term" ? "长期" : (card.valid_to ?? "")}` : null),
      h("h3", {}, "报名信息"),
      field("报名号", reg?.registration_id, "reg-id"),
      field("报名姓名", reg?.name, "reg-name"),
      field("专业", reg ? `${reg.major.name}（${reg.major.code}，${reg.major.level}）` : null, "reg-major"),
      field("类别", reg ? (reg.kind === "enrolled" ? `在籍（准考证号 ${reg.admission_number ?? ""}）` : "新生") : null),
      field("专升本", reg ? (reg.upgrade ? `是，前置学历${PRIOR_STATUS[reg.prior_education_status] ?? reg.prior_education_status}` : "否") : null),
      ...v.refusals.map(refusalBox),
      v.flags.length ? h("p", { class: "flags", id: "counter-flags" }, `标记：${v.flags.join("，")}`) : null,
      ),
    );
    photoPane.replaceChildren(
      ...present(
      v.photo_jpeg_base64 ? h("img", { id: "captured", src: `data:image/jpeg;base64,${v.photo_jpeg_base64}`, alt: "采集的照片" }) : h("div", { class: "placeholder" }, "尚未拍照"),
      v.photo
        ? h("ul", { class: "checks", id: "photo-checks" }, ...v.photo.checks.map((c) => h("li", { class: c.result, "data-check": c.name }, c.message)))
        : null,
      h(
        "div",
        { class: "row" },
        h("button", { id: "capture", class: "primary", disabled: !v.can_capture, onclick: capture }, v.photo ? "重拍（空格）" : "拍照（空格）"),
        h("button", { id: "confirm", class: "primary big", disabled: !v.can_confirm, onclick: confirm }, "确认（回车）"),
        h("button", { id: "cancel", disabled: v.stage === "idle", onclick: cancel }, "取消（Esc）"),
      ),
      ),
    );
    if (v.receipt) {
      left.replaceChildren(
        renderReceipt(v.receipt),
        h("div", { class: "row" }, h("button", { class: "primary", id: "print", onclick: printReceipt }, "打印回执"), h("button", { id: "next", onclick: cancel }, "下一位考生")),
      );
    }
    // A tone and a colour for every new read and every new refusal.
    const newCard = card && card.id_number !== previous?.card?.id_number;
    if (newCard || (v.refusals.length > 0 && v.refusals.length !== previous?.refusals.length)) {
      cue(v.refusals.length === 0);
      page.classList.remove("flash-ok", "flash-bad");
      void page.offsetWidth;
      page.classList.add(v.refusals.length === 0 ? "flash-ok" : "flash-bad");
    }
  }

  // Tools: demo swipes, manual entry, search.
  const searchBox = h("input", { id: "search", placeholder: "身份证号后 6 位或姓名" }) as HTMLInputElement;
  const results = h("div", { id: "search-results", class: "search-results" });
  const manual = () =>
    page.append(
      supervisorDialog("手工录入（需主管授权）", true, async (id, sup, pw) => {
        show(await commands.counter_manual({ id_number: id, supervisor_id: sup, password: pw }));
      }),
    );
  // A search hit carries no full id number: the core finds it by the registration id.
  const manualHit = (registrationId: string) =>
    page.append(
      supervisorDialog("手工录入（需主管授权）", false, async (_id, sup, pw) => {
        show(await commands.counter_manual({ id_number: "", registration_id: registrationId, supervisor_id: sup, password: pw }));
      }),
    );
  tools.append(
    h("button", { id: "manual-entry", onclick: () => manual() }, "手工录入"),
    searchBox,
    h(
      "button",
      {
        id: "search-go",
        onclick: () =>
          run(async () => {
            const found = await commands.counter_search({ query: searchBox.value });
            results.replaceChildren(
              ...(found.length
                ? found.map((r) =>
                    h(
                      "button",
                      {
                        class: "link",
                        onclick: () => {
                          results.replaceChildren();
                          manualHit(r.registration_id);
                        },
                      },
                      `${r.name} ${r.id_number_masked} ${r.major_name}`,
                    ),
                  )
                : [h("span", {}, "没有找到")]),
            );
          }),
      },
      "查找",
    ),
    h(
      "button",
      {
        id: "password-reset",
        onclick: () =>
          run(async () => {
            const slip = await commands.password_reset();
            left.replaceChildren(renderResetSlip(slip), h("div", { class: "row" }, h("button", { class: "primary", onclick: printReceipt }, "打印回执"), h("button", { onclick: cancel }, "下一位考生")));
          }),
      },
      "密码重置",
    ),
    results,
  );
  void commands.devices().then((d) => {
    if (d.sim_cards.length === 0) return;
    tools.prepend(
      h(
        "span",
        { class: "sim-cards", id: "sim-cards" },
        "模拟刷卡：",
        ...d.sim_cards.map((c: SimCard) => h("button", { "data-sim": String(c.index), onclick: () => run(() => commands.sim_swipe({ index: c.index })) }, c.name)),
      ),
    );
  });

  // Live preview: pull JPEG frames at ~15 fps and draw them with the guide.
  const ctx = canvas.getContext("2d")!;
  let frames = 0;
  const drawGuide = () => {
    const g = guide(canvas.width, canvas.height);
    ctx.fillStyle = "rgba(0,0,0,0.35)";
    ctx.fillRect(0, 0, g.frame.x, canvas.height);
    ctx.fillRect(g.frame.x + g.frame.w, 0, canvas.width - g.frame.x - g.frame.w, canvas.height);
    ctx.strokeStyle = "rgba(255,255,255,0.9)";
    ctx.setLineDash([8, 6]);
    ctx.beginPath();
    ctx.ellipse(g.head.cx, g.head.cy, g.head.rx, g.head.ry, 0, 0, Math.PI * 2);
    ctx.stroke();
    ctx.fillStyle = "rgba(255,255,0,0.12)";
    ctx.fillRect(g.frame.x, g.eyes.y0, g.frame.w, g.eyes.y1 - g.eyes.y0);
    ctx.setLineDash([]);
  };
  const tick = () => {
    if (!page.isConnected) return;
    const img = new Image();
    img.onload = () => {
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      drawGuide();
      frames++;
      canvas.dataset.frames = String(frames);
      setTimeout(tick, 66);
    };
    img.onerror = () => setTimeout(tick, 500);
    img.src = `${previewUrl()}?n=${frames}`;
  };
  // After the page is in the document (tick stops once it leaves).
  setTimeout(tick, 0);

  const onKey = (ev: KeyboardEvent) => {
    if (!page.isConnected) return document.removeEventListener("keydown", onKey);
    const typing = ev.target instanceof HTMLInputElement || document.getElementById("supervisor-dialog") !== null;
    const a = keyAction(ev.key, view, typing);
    if (!a) return;
    ev.preventDefault();
    if (a === "capture") void capture();
    if (a === "confirm") void confirm();
    if (a === "cancel") void cancel();
  };
  document.addEventListener("keydown", onKey);
  void listen<CounterView>(events.counter, (ev) => page.isConnected && show(ev.payload)).catch(() => undefined);
  void commands.counter_view().then(show).catch((e) => (message.textContent = staffMessage(e)));
  return page;
}
