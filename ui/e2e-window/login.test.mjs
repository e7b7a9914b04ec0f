// The real Tauri window: log in through WebDriver and keep a screenshot as an artifact.
// Started by scripts/window-test.sh (Xvfb + tauri-driver on :4444, app binary in ZKDESK_APP).
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { By, until } from "selenium-webdriver";
import { assertFits as fits, shot as snap, startApp } from "./window-driver.mjs";

let driver;
let confirmedName = "";

before(async () => {
  driver = await startApp();
});

after(async () => {
  await driver?.quit();
});

const shot = (name) => snap(driver, name);
const assertFits = (selectors) => fits(driver, selectors);

test("the login screen renders in Chinese", async () => {
  const h1 = await driver.wait(until.elementLocated(By.css("h1")), 15000);
  assert.equal(await h1.getText(), "自考现场确认工作站");
  await shot("window-login");
});

test("a wrong password is refused in the real app", async () => {
  await driver.findElement(By.id("staff-id")).sendKeys("A001");
  await driver.findElement(By.id("password")).sendKeys("not-the-password");
  await driver.findElement(By.id("login-button")).click();
  const err = await driver.findElement(By.id("login-error"));
  await driver.wait(async () => (await err.getText()) !== "", 5000);
  assert.equal(await err.getText(), "工号或密码错误");
});

test("the supervisor logs in and sees the main layout", async () => {
  const id = await driver.findElement(By.id("staff-id"));
  await id.clear();
  await id.sendKeys("A001");
  await driver.findElement(By.id("password")).sendKeys("window-test-pw");
  await driver.findElement(By.id("login-button")).click();
  const who = await driver.wait(until.elementLocated(By.id("who")), 10000);
  assert.match(await who.getText(), /窗口主管/);
  const nav = await driver.findElements(By.css("#nav button"));
  assert.equal(nav.length, 7);
  await driver.wait(until.elementLocated(By.id("status-queue")), 10000);
  assert.equal(await driver.findElement(By.id("status-queue")).getText(), "待上传 0");
  await shot("window-main");
});

test("the counter happy path with the simulated reader and camera", async () => {
  await driver.findElement(By.css("#nav button[data-page=counter]")).click();
  // The preview draws frames from the camera source through the zkcam protocol.
  const canvas = await driver.wait(until.elementLocated(By.id("preview")), 10000);
  await driver.wait(async () => Number((await canvas.getAttribute("data-frames")) ?? 0) >= 5, 15000, "preview frames arrive");
  const swipe = await driver.wait(until.elementLocated(By.css("#sim-cards button[data-sim='0']")), 10000);
  await swipe.click();
  await driver.wait(async () => (await driver.findElement(By.id("counter-page")).getAttribute("data-stage")) === "matched", 10000, "card matched");
  const name = await driver.findElement(By.id("card-name")).getText();
  confirmedName = name;
  assert.equal(await driver.findElement(By.id("reg-name")).getText(), name);
  await shot("window-counter-matched");
  await assertFits(["#preview", "#counter-stage", "#confirm", "#capture", "#card-name", "#reg-id"]);
  await driver.findElement(By.id("capture")).click();
  await driver.wait(async () => (await driver.findElement(By.id("counter-page")).getAttribute("data-stage")) === "photo_taken", 20000, "photo taken");
  await assertFits(["#preview", "#captured", "#photo-checks", "#confirm"]);
  await shot("window-counter-photo");
  await driver.findElement(By.id("confirm")).click();
  const receipt = await driver.wait(until.elementLocated(By.id("receipt")), 10000);
  const text = await receipt.getText();
  assert.match(text, /现场确认回执/);
  assert.match(text, new RegExp(name));
  assert.match(text, /准考证号\s*\d{12}/, "a number from the leased block is printed at once");
  await shot("window-receipt");
});

test("a refusal is shown in Chinese in the real window", async () => {
  await driver.findElement(By.id("next")).click();
  // Card 5 of the samples is a candidate of another county.
  await driver.findElement(By.css("#sim-cards button[data-sim='5']")).click();
  const refusal = await driver.wait(until.elementLocated(By.css(".refusal[data-code='WRONG_COUNTY']")), 10000);
  assert.match(await refusal.getText(), /请到.*自考办现场确认/);
  await assertFits([".refusal[data-code='WRONG_COUNTY']", "#preview", "#confirm"]);
  await shot("window-refusal");
});

test("the candidate confirmed a moment ago: 可重打回执 opens that receipt", async () => {
  await driver.findElement(By.id("cancel")).click();
  await driver.findElement(By.css("#sim-cards button[data-sim='0']")).click();
  const refusal = await driver.wait(until.elementLocated(By.css(".refusal[data-code='ALREADY_CONFIRMED']")), 10000);
  await refusal.findElement(By.css("button[data-action=reprint]")).click();
  const receipt = await driver.wait(until.elementLocated(By.id("receipt")), 10000);
  assert.match(await receipt.getText(), new RegExp(confirmedName));
  assert.match(await receipt.getText(), /准考证号\s*\d{12}/);
  await shot("window-reprint");
  await driver.findElement(By.id("close-document")).click();
});

test("logout clears the counter in the real app", async () => {
  await driver.findElement(By.id("logout")).click();
  await driver.wait(until.elementLocated(By.id("login-form")), 10000);
  await driver.findElement(By.id("staff-id")).sendKeys("A001");
  await driver.findElement(By.id("password")).sendKeys("window-test-pw");
  await driver.findElement(By.id("login-button")).click();
  const page = await driver.wait(until.elementLocated(By.id("counter-page")), 10000);
  await driver.wait(async () => (await page.getAttribute("data-stage")) === "idle", 10000, "the counter is idle after logout");
  assert.equal(await driver.findElement(By.id("card-name")).getText(), "—");
  assert.equal((await driver.findElements(By.css(".refusal"))).length, 0);
  await shot("window-after-logout");
});

test("the supervisor's 今日确认: today's confirmation opens its detail from the real core", async () => {
  await driver.findElement(By.css("#nav button[data-page=today]")).click();
  const table = await driver.wait(until.elementLocated(By.css("#day-table")), 10000);
  await driver.wait(async () => (await table.findElements(By.css("tbody tr"))).length >= 1, 10000, "today's rows arrive");
  assert.match(await driver.findElement(By.css("#day-totals [data-total=confirmed]")).getText(), /已确认 1/);
  const row = await table.findElement(By.xpath(`.//tbody//tr[contains(., "${confirmedName}")]`));
  await shot("window-supervisor-day");
  // WebKitWebDriver calls a table row not interactable; the cell's click is what el-table hears.
  await driver.executeScript("arguments[0].querySelector('td').click()", row);
  const detail = await driver.wait(until.elementLocated(By.css("#entry-detail #entry-status")), 10000);
  assert.equal(await detail.getText(), "已确认");
  assert.equal(await driver.findElement(By.id("entry-card-source")).getText(), "读卡（芯片）");
  // The audit trail, from the real core's chain (textContent: the drawer's body may be scrolled).
  const auditText = () => driver.executeScript("return document.getElementById('entry-audit')?.textContent ?? ''");
  await driver.wait(async () => /现场确认/.test(await auditText()), 10000).catch(async () => assert.fail(`audit: ${await auditText()}`));
  await shot("window-supervisor-today");
});
