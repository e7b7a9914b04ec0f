// 现场确认回执: rendered in the page and printed through the webview (the system print dialog
// also saves it as PDF).
import type { Receipt, ResetSlip } from "../bindings";
import { h } from "../logic/dom";

export function renderReceipt(r: Receipt): HTMLElement {
  const row = (k: string, v: string) => h("tr", {}, h("th", {}, k), h("td", {}, v));
  return h(
    "div",
    { class: "receipt", id: "receipt" },
    h("h2", {}, "湖北省高等教育自学考试现场确认回执"),
    h(
      "div",
      { class: "receipt-body" },
      h(
        "table",
        {},
        row("姓名", r.name),
        row("身份证号", r.id_number_masked),
        row("报考专业", r.major),
        row("层次", r.level),
        row("考生类别", r.kind),
        row("准考证号", r.admission_number),
        row("确认时间", r.confirmed_at.replace("T", " ").slice(0, 19)),
        row("确认点", `${r.office_name}（${r.station_id}）`),
        row("受理人", r.staff),
      ),
      h("img", { class: "receipt-photo", src: `data:image/jpeg;base64,${r.photo_jpeg_base64}`, alt: "考生照片" }),
    ),
    h("p", { class: "receipt-note" }, "准考证号及登录密码将以短信发送至考生报名时登记的手机号码。"),
    h("p", { class: "signature" }, "考生签名：________________　　日期：____年__月__日"),
  );
}

export function printReceipt(): void {
  window.print();
}

/** The slip for an in-person password reset (printed the same way as the receipt). */
export function renderResetSlip(s: ResetSlip): HTMLElement {
  const row = (k: string, v: string) => h("tr", {}, h("th", {}, k), h("td", {}, v));
  return h(
    "div",
    { class: "receipt", id: "reset-slip" },
    h("h2", {}, "自学考试考生密码重置受理单"),
    h(
      "table",
      {},
      row("姓名", s.name),
      row("身份证号", s.id_number_masked),
      row("报名号", s.registration_id),
      row("受理时间", s.requested_at.replace("T", " ").slice(0, 19)),
      row("受理点", s.office_name),
      row("受理人", s.staff),
      row("受理编号", s.request_id),
    ),
    h("p", { class: "receipt-note" }, "新密码由省考试院以短信发送至考生报名时登记的手机号码，本站不掌握密码。"),
    h("p", { class: "signature" }, "考生签名：________________"),
  );
}
