// Shared by the real-window tests (scripts/window-test.sh: Xvfb + tauri-driver on :4444, the app
// binary in ZKDESK_APP, its seeded data directory in ZKDESK_DATA_DIR). Not a test file itself.
import assert from "node:assert/strict";
import { writeFileSync, mkdirSync } from "node:fs";
import { Builder, By, Capabilities, until } from "selenium-webdriver";

export const artifacts = process.env.ZKDESK_ARTIFACTS ?? "../artifacts";

/** Starts the app in a WebDriver session. */
export async function startApp() {
  const caps = new Capabilities();
  caps.set("tauri:options", { application: process.env.ZKDESK_APP, args: ["--data-dir", process.env.ZKDESK_DATA_DIR] });
  caps.setBrowserName("wry");
  return new Builder().withCapabilities(caps).usingServer("http://127.0.0.1:4444/").build();
}

export async function shot(driver, name) {
  // WebKit paints asynchronously: let two frames pass so the screenshot shows the current DOM.
  // A page that does not change may get no frames under Xvfb, so a timer ends the wait after 1 s.
  await driver.executeAsyncScript("const done = arguments[arguments.length - 1]; let over = false; const fin = () => { if (!over) { over = true; setTimeout(done, 300); } }; requestAnimationFrame(() => requestAnimationFrame(fin)); setTimeout(fin, 1000);");
  // WebKitWebDriver's screenshot waits for the next paint. A page at rest has none until something
  // changes (on 今日确认 the status bar's poll, 30 s later), so a 1-pixel, nearly transparent dot
  // in a corner flickers while the screenshot is taken.
  await driver.executeScript(`
    const dot = Object.assign(document.createElement("div"), { id: "__shot-dot" });
    dot.style.cssText = "position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;z-index:99999";
    document.body.append(dot);
    let on = false;
    window.__shotTick = setInterval(() => (dot.style.background = (on = !on) ? "rgba(0,0,0,0.02)" : "rgba(0,0,0,0.01)"), 50);`);
  try {
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(`${artifacts}/${name}.png`, await driver.takeScreenshot(), "base64");
  } finally {
    await driver.executeScript("clearInterval(window.__shotTick); document.getElementById('__shot-dot')?.remove();");
  }
}

/** The window is 1366×768 and each element is wholly inside it, with nothing scrolled. */
export async function assertFits(driver, selectors) {
  const r = await driver.executeScript(`
    const out = { w: innerWidth, h: innerHeight, scroll: document.scrollingElement.scrollHeight > innerHeight, outside: [] };
    for (const s of arguments[0]) {
      const el = document.querySelector(s);
      const b = el && el.getBoundingClientRect();
      if (!b || b.width === 0 || b.top < 0 || b.left < 0 || b.bottom > innerHeight || b.right > innerWidth) out.outside.push(s);
    }
    const content = document.getElementById("content");
    if (content && content.scrollHeight > content.clientHeight + 1) out.scroll = true;
    return out;`, selectors);
  assert.deepEqual([r.w, r.h], [1366, 768], "the window is 1366×768");
  assert.equal(r.scroll, false, "nothing scrolls");
  assert.deepEqual(r.outside, [], "every element is inside the window");
}

/** Logs in through the login form and waits for the main layout. */
export async function logIn(driver, id, password) {
  const field = await driver.wait(until.elementLocated(By.id("staff-id")), 15000);
  await field.clear();
  await field.sendKeys(id);
  await driver.findElement(By.id("password")).sendKeys(password);
  await driver.findElement(By.id("login-button")).click();
  await driver.wait(until.elementLocated(By.id("who")), 10000);
}
