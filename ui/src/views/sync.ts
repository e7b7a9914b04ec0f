// 同步: station, queue, parked items with reasons, the last error, and a progress bar.
import { listen } from "@tauri-apps/api/event";
import { commands, events, type SessionInfo, type SyncEvent, type SyncPage } from "../bindings";
import { h } from "../logic/dom";
import { staffMessage } from "../logic/errors";
import { applySyncEvent, initialSyncView, phaseLabel, reportLine, type SyncView } from "../logic/sync";

let view: SyncView = initialSyncView;
const listeners = new Set<() => void>();
let subscribed = false;

/** Starts listening once for the whole app; pages re-render on each event. */
export function watchSync(): void {
  if (subscribed) return;
  subscribed = true;
  void listen<SyncEvent>(events.sync, (ev) => {
    view = applySyncEvent(view, ev.payload);
    for (const l of listeners) l();
  }).catch(() => undefined);
}

function enrollForm(onDone: () => void, msg: HTMLElement): HTMLElement {
  const server = h("input", { id: "enroll-server", placeholder: "省平台地址，例如 https://zk.example/api/county/v1", size: 50 }) as HTMLInputElement;
  const code = h("input", { id: "enroll-code", placeholder: "登记码（8 位）" }) as HTMLInputElement;
  const form = h("form", { class: "inline-form", id: "enroll-form" }, server, code, h("button", { type: "submit", class: "primary" }, "登记工作站")) as HTMLFormElement;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await commands.enroll_station({ server_url: server.value.trim(), code: code.value.trim(), device_name: "zkdesk" });
      msg.textContent = "";
      onDone();
    } catch (e) {
      msg.textContent = staffMessage(e);
    }
  });
  return form;
}

function render(page: SyncPage, session: SessionInfo, refresh: () => void): HTMLElement[] {
  const s = page.status;
  const msg = h("p", { class: "error", role: "alert" });
  const out: HTMLElement[] = [];
  if (!page.station || page.station.token_revoked) {
    out.push(h("p", { class: "notice" }, page.station ? "省平台已拒绝本工作站的凭证，需要重新登记。" : "本工作站尚未登记到省平台。"));
    out.push(session.role === "supervisor" ? enrollForm(refresh, msg) : h("p", {}, "请联系主管登记工作站。"), msg);
  } else {
    out.push(h("p", { id: "sync-station" }, `工作站 ${page.station.station_id} · ${page.station.office_name}`));
  }
  const bar = h("div", { class: "progress", id: "sync-progress", hidden: !view.running }, h("div", { class: "progress-indeterminate" }));
  const runLine = h("p", { id: "sync-running" }, view.running ? `${phaseLabel(view.phase)}… 已处理 ${view.done} 条` : view.last ? `上次结果：${reportLine(view.last)}` : "");
  const button = h("button", { class: "primary", id: "sync-now", disabled: !page.station || page.station.token_revoked }, "立即同步") as HTMLButtonElement;
  button.addEventListener("click", async () => {
    try {
      await commands.sync_now();
    } catch (e) {
      msg.textContent = staffMessage(e);
    }
  });
  const error = view.failure ?? s.last_error;
  out.push(
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "缓存报名"), h("dd", { id: "sync-registrations" }, String(s.registrations)),
      h("dt", {}, "待上传"), h("dd", { id: "sync-pending" }, String(s.outbox_pending)),
      h("dt", {}, "被退回"), h("dd", { id: "sync-parked" }, String(s.outbox_parked)),
      h("dt", {}, "上次同步"), h("dd", {}, s.last_sync ?? "从未"),
      h("dt", {}, "时钟偏差"), h("dd", {}, s.clock_offset_ms === null ? "未知" : `${Math.round(s.clock_offset_ms / 1000)} 秒${s.clock_warning ? "（超过 5 分钟，请校准本机时间）" : ""}`),
    ),
    button,
    bar,
    runLine,
    h("p", { class: "error", id: "sync-error" }, error ? `最近的错误：${error}${page.retry_at ? `（将于 ${page.retry_at.slice(11, 19)} 自动重试）` : ""}` : ""),
  );
  if (page.parked.length > 0) {
    out.push(
      h("h3", {}, "被省平台退回的数据（需主管处理）"),
      h(
        "table",
        { class: "grid", id: "sync-parked-table" },
        h("thead", {}, h("tr", {}, h("th", {}, "类型"), h("th", {}, "编号"), h("th", {}, "原因"), h("th", {}, "时间"))),
        h("tbody", {}, ...page.parked.map((p) => h("tr", {}, h("td", {}, p.kind), h("td", {}, p.client_id.slice(0, 13)), h("td", {}, p.reason), h("td", {}, p.at.slice(0, 19))))),
      ),
    );
  }
  return out;
}

export function renderSync(session: SessionInfo): HTMLElement {
  const page = h("section", { class: "page", id: "sync-page" }, h("h2", {}, "同步"));
  const body = h("div");
  page.append(body);
  const refresh = async () => {
    try {
      body.replaceChildren(...render(await commands.sync_page(), session, () => void refresh()));
    } catch (e) {
      body.replaceChildren(h("p", { class: "error" }, staffMessage(e)));
    }
  };
  const onEvent = () => {
    if (!page.isConnected) {
      listeners.delete(onEvent);
      return;
    }
    void refresh();
  };
  listeners.add(onEvent);
  void refresh();
  return page;
}
