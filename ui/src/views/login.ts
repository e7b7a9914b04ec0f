// 登录: staff number and password; the core checks them and audits every attempt.
import { commands, type SessionInfo } from "../bindings";
import { h } from "../logic/dom";
import { staffMessage } from "../logic/errors";
import { loginFormProblem } from "../logic/login";

export function renderLogin(onLoggedIn: (s: SessionInfo) => void): HTMLElement {
  const staffId = h("input", { id: "staff-id", name: "staff_id", autocomplete: "username", autofocus: true }) as HTMLInputElement;
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password" }) as HTMLInputElement;
  const error = h("p", { id: "login-error", class: "error", role: "alert" });
  const button = h("button", { id: "login-button", type: "submit", class: "primary" }, "登录") as HTMLButtonElement;

  const form = h(
    "form",
    { class: "login-card", id: "login-form" },
    h("h1", {}, "自考现场确认工作站"),
    h("p", { class: "subtitle" }, "湖北省高等教育自学考试 · 县（区）自考办"),
    h("label", { for: "staff-id" }, "工号"),
    staffId,
    h("label", { for: "password" }, "密码"),
    password,
    error,
    button,
  );

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const problem = loginFormProblem({ staffId: staffId.value, password: password.value });
    if (problem) {
      error.textContent = problem;
      return;
    }
    button.disabled = true;
    error.textContent = "";
    try {
      const session = await commands.login({ staff_id: staffId.value.trim(), password: password.value });
      onLoggedIn(session);
    } catch (e) {
      error.textContent = staffMessage(e);
      password.value = "";
      password.focus();
    } finally {
      button.disabled = false;
    }
  });

  return h("div", { class: "login-page" }, form);
}
