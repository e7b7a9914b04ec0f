// The main layout: header with the staff member, navigation, the page, and the status bar.
import type { SessionInfo } from "../bindings";
import { h } from "../logic/dom";
import { navFor, type NavItem } from "../logic/nav";
import { renderSettings } from "./settings";
import { renderStatusBar } from "./statusbar";
import { renderSync, watchSync } from "./sync";
import { renderCounter } from "./counter";
import { renderToday } from "./today";

function notBuilt(item: NavItem): HTMLElement {
  return h("section", { class: "page not-built" }, h("h2", {}, item.label), h("p", { class: "notice" }, "尚未实现"), h("p", {}, item.notBuilt ?? ""));
}

export function renderLayout(session: SessionInfo, onLogout: () => void): HTMLElement {
  const items = navFor(session.role);
  watchSync();
  const main = h("main", { class: "content", id: "content" });
  const nav = h("nav", { class: "nav", id: "nav" });

  const show = (item: NavItem) => {
    for (const b of nav.querySelectorAll("button")) b.classList.toggle("active", b.dataset.page === item.id);
    const pages: Partial<Record<NavItem["id"], () => HTMLElement>> = {
      counter: renderCounter,
      today: renderToday,
      settings: () => renderSettings(session),
      sync: () => renderSync(session),
    };
    main.replaceChildren(pages[item.id]?.() ?? notBuilt(item));
  };
  for (const item of items) {
    const b = h("button", { "data-page": item.id, onclick: () => show(item) }, item.label);
    nav.append(b);
  }

  const header = h(
    "header",
    { class: "top" },
    h("span", { class: "brand" }, "自考现场确认工作站"),
    h("span", { class: "who", id: "who" }, `${session.name}（${session.role === "supervisor" ? "主管" : "受理员"}，工号 ${session.staff_id}）`),
    h("button", { id: "logout", class: "link", onclick: onLogout }, "退出登录"),
  );

  const layout = h("div", { class: "layout", id: "main-layout" }, header, h("div", { class: "body" }, nav, main), renderStatusBar());
  show(items[0]);
  return layout;
}
