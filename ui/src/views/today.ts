// 今日确认: today's confirmations, their sync state, and reprinting a receipt.
import { commands } from "../bindings";
import { h } from "../logic/dom";
import { staffMessage } from "../logic/errors";
import { printReceipt, renderReceipt } from "./receipt";

const STATE: Record<string, string> = { pending: "待上传", accepted: "已上传", rejected: "被退回", revoked: "已撤销" };

export function renderToday(): HTMLElement {
  const page = h("section", { class: "page", id: "today-page" }, h("h2", {}, "今日确认"));
  const holder = h("div");
  const detail = h("div", { id: "today-receipt" });
  page.append(holder, detail);
  commands
    .confirmations_today()
    .then((rows) => {
      if (rows.length === 0) return holder.replaceChildren(h("p", {}, "今天还没有现场确认记录。"));
      holder.replaceChildren(
        h("p", {}, `共 ${rows.length} 人`),
        h(
          "table",
          { class: "grid", id: "today-table" },
          h("thead", {}, h("tr", {}, ...["时间", "姓名", "身份证号", "准考证号", "受理人", "标记", "状态", ""].map((t) => h("th", {}, t)))),
          h(
            "tbody",
            {},
            ...rows.map((r) =>
              h(
                "tr",
                {},
                h("td", {}, r.confirmed_at.slice(11, 19)),
                h("td", {}, r.name),
                h("td", {}, r.id_number_masked),
                h("td", {}, r.admission_number ?? "待分配"),
                h("td", {}, r.staff_id),
                h("td", {}, r.flags.join("，")),
                h("td", { title: r.reject_reason ?? "" }, STATE[r.state] ?? r.state),
                h(
                  "td",
                  {},
                  h(
                    "button",
                    {
                      class: "link",
                      onclick: async () => {
                        const rc = await commands.receipt({ id: r.confirmation_id });
                        detail.replaceChildren(renderReceipt(rc), h("button", { class: "primary", onclick: printReceipt }, "打印回执"));
                      },
                    },
                    "重打回执",
                  ),
                ),
              ),
            ),
          ),
        ),
      );
    })
    .catch((e) => holder.replaceChildren(h("p", { class: "error" }, staffMessage(e))));
  return page;
}
