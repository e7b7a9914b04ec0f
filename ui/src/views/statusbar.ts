// The status bar: reader, camera, network and upload queue, refreshed every few seconds.
import { commands, type Indicator } from "../bindings";
import { h } from "../logic/dom";

const REFRESH_MS = 5000;

function item(id: string, title: string, ind: Indicator | null): HTMLElement {
  const health = ind?.health ?? "off";
  return h("span", { class: `status-item ${health}`, id, title }, h("i", { class: "dot" }), ind?.label ?? `${title}：…`);
}

export function renderStatusBar(): HTMLElement {
  const bar = h("footer", { class: "status-bar", id: "status-bar" });
  const refresh = async () => {
    if (!bar.isConnected && bar.dataset.started) return;
    bar.dataset.started = "1";
    try {
      const s = await commands.status_bar();
      bar.replaceChildren(
        item("status-reader", "读卡器", s.reader),
        item("status-camera", "摄像头", s.camera),
        item("status-network", "网络", s.network),
        item("status-queue", "上传队列", s.queue),
      );
    } catch {
      bar.replaceChildren(h("span", { class: "status-item down" }, "状态获取失败"));
    }
    setTimeout(refresh, REFRESH_MS);
  };
  void refresh();
  return bar;
}
