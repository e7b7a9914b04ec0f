// The real Tauri window: one review decision end to end (issue 13). The supervisor opens 审核任务,
// opens the oldest photo task, rejects it with a reason; the decision shows at once, the app's
// scheduler pushes it to the simulator, and the task shows the province's acceptance.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { By, until } from "selenium-webdriver";
import { assertFits, logIn, shot, startApp } from "./window-driver.mjs";

let driver;

before(async () => {
  driver = await startApp();
});

after(async () => {
  await driver?.quit();
});

const text = (selector) => driver.executeScript(`return document.querySelector(arguments[0])?.textContent ?? ""`, selector);
/** el-table rows answer clicks on their cells (WebKitWebDriver calls the row not interactable). */
const openRow = (name) =>
  driver.executeScript(
    `const row = [...document.querySelectorAll("#task-table tbody tr")].find((r) => r.textContent.includes(arguments[0])); row?.querySelector("td").click(); return !!row;`,
    name,
  );

test("a supervisor rejects a photo task with a reason and the province accepts the decision", async () => {
  await logIn(driver, "A001", "window-test-pw");
  await driver.findElement(By.css("#nav button[data-page=review]")).click();
  await driver.wait(until.elementLocated(By.css("#task-table tbody tr")), 15000);
  await driver.findElement(By.css("#task-kind option[value=photo]")).click();
  await driver.wait(async () => (await text("#task-counts")).includes("照片人工审核") && !(await text("#task-counts")).includes("学历"), 10000, "photo tasks only");
  const first = await driver.wait(until.elementLocated(By.css("#task-table tbody tr")), 10000);
  const name = (await first.findElement(By.css("td:nth-child(2)")).getText()).trim();
  assert.ok(await openRow(name), "the oldest photo task is listed");
  await driver.wait(async () => (await text("#task-detail")).includes(name), 10000, "the task opens");
  await driver.wait(until.elementLocated(By.id("task-photo")), 10000);
  assert.match(await text("#reasons"), /2\. 模糊/);
  await shot(driver, "window-review-task");
  await assertFits(driver, ["#task-photo", "#approve", "#reject", "#reasons"]);

  await driver.findElement(By.css("#reasons input[data-reason=blurred]")).click();
  await driver.findElement(By.id("decision-comment")).sendKeys("照片模糊，请重新上传");
  await driver.findElement(By.id("reject")).click();
  await driver.wait(async () => /不通过 · /.test(await text("#decision-state")), 10000, "the decision shows at once");
  assert.match(await text("#review-message"), /已不通过/);
  // The task's row shows the decision, or it has left the open list (the province closed it already).
  await driver.wait(
    async () => {
      const rows = await text("#task-table tbody");
      return !rows.includes(name) || /已决定|省平台已接受/.test(rows);
    },
    10000,
    "the row shows the decision or leaves the open list",
  );
  await shot(driver, "window-review-decided");

  // The scheduler sent it (a sync runs at once after a decision): reopen until the province's answer shows.
  await driver.findElement(By.css("#task-status option[value='']")).click();
  await driver.wait(
    async () => {
      await openRow(name);
      await driver.sleep(500);
      return /省平台已接受/.test(await text("#decision-state"));
    },
    60000,
    "the province accepts the decision",
  );
  assert.match(await text("#decision-state"), /不通过 · 省平台已接受/);
  assert.equal(await text("#decided-elsewhere"), "", "closed by our own decision, not by another station");
  await assertFits(driver, ["#task-photo", "#decision-state", "#approve", "#reject"]);
  await shot(driver, "window-review-accepted");
});
