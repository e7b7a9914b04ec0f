// Entry: show the login screen, then the main layout for the logged-in staff member.
import "./style.css";
import { commands, type SessionInfo } from "./bindings";
import { renderLogin } from "./views/login";
import { renderLayout } from "./views/layout";

const root = document.getElementById("app")!;

function showLogin() {
  root.replaceChildren(renderLogin(showMain));
}

function showMain(session: SessionInfo) {
  root.replaceChildren(
    renderLayout(session, async () => {
      await commands.logout().catch(() => undefined);
      showLogin();
    }),
  );
}

commands
  .current_session()
  .then((s) => (s ? showMain(s) : showLogin()))
  .catch(showLogin);
