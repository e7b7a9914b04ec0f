// The whole counter flow in Chromium with the IPC mocked. The views replayed here were produced by
// the real core (tests/tests/counter.rs writes fixtures/counter-views.json), so every refusal
// message checked below is the one staff will read. Preview frames come from the real test-pattern
// source (`zkctl camera frames`).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { mockIpc } from "./mock-ipc";

const views = JSON.parse(readFileSync(new URL("./fixtures/counter-views.json", import.meta.url), "utf8"));
const REFUSALS = ["ID_NUMBER_INVALID", "CARD_EXPIRED", "NOT_FOUND", "NOT_ELIGIBLE", "ALREADY_CONFIRMED", "WRONG_COUNTY", "PRIOR_EDUCATION_PENDING", "NAME_MISMATCH", "BLACKLISTED"];
const SWIPES = ["matched", ...REFUSALS];
const STAFF = [{ staff_id: "S001", name: "李受理", role: "counter" as const, password: "shouli-2026" }];

function patternFrames(): Buffer[] {
  const dir = mkdtempSync(join(tmpdir(), "zkcam-"));
  execFileSync("../target/debug/zkctl", ["camera", "frames", "--camera", "pattern", "--count", "12", "-o", dir]);
  return readdirSync(dir).sort().map((f) => readFileSync(join(dir, f)));
}

test.beforeEach(async ({ page }) => {
  const frames = patternFrames();
  let n = 0;
  await page.route("**/preview/frame*", (route) => route.fulfill({ contentType: "image/jpeg", body: frames[n++ % frames.length] }));
  await page.addInitScript(() => ((window as any).__ZKDESK_PREVIEW_URL__ = "/preview/frame"));
  await mockIpc(page, STAFF, { views, swipes: SWIPES, supervisorPassword: "zhuguan-2026" });
  await page.goto("/");
  await page.fill("#staff-id", "S001");
  await page.fill("#password", "shouli-2026");
  await page.click("#login-button");
  await expect(page.locator("#counter-page")).toBeVisible();
});

test("the preview draws frames from the test-pattern source with the guide", async ({ page }) => {
  const canvas = page.locator("#preview");
  await expect.poll(async () => Number(await canvas.getAttribute("data-frames")), { timeout: 10_000 }).toBeGreaterThanOrEqual(10);
  // Inside the guide frame at x = 300 the pattern has its green bar (0, 192, 0).
  const px = await page.evaluate(() => {
    const c = document.getElementById("preview") as HTMLCanvasElement;
    return Array.from(c.getContext("2d")!.getImageData(300, 100, 1, 1).data);
  });
  expect(px[1]).toBeGreaterThan(140);
  expect(px[0]).toBeLessThan(60);
  await page.screenshot({ path: "../artifacts/playwright/counter-preview.png" });
});

test("swipe, capture with Space, confirm with Enter, receipt", async ({ page }) => {
  await expect(page.locator("#counter-stage")).toHaveText("请考生将身份证放在读卡器上");
  await page.click("#sim-cards button[data-sim='0']");
  await expect(page.locator("#counter-stage")).toHaveText("信息已核对，请拍照（空格键）");
  await expect(page.locator("#card-name")).toHaveText(views.matched.card.name);
  await expect(page.locator("#reg-id")).toHaveText(views.matched.registration.registration_id);
  await page.keyboard.press("Space");
  await expect(page.locator("#counter-page")).toHaveAttribute("data-stage", "photo_taken");
  await expect(page.locator("#photo-checks li")).toHaveCount(views.photo_taken.photo.checks.length);
  await page.keyboard.press("Enter");
  await expect(page.locator("#receipt")).toContainText("现场确认回执");
  await expect(page.locator("#receipt")).toContainText(views.confirmed.receipt.admission_number);
  await expect(page.locator("#receipt")).toContainText("考生签名");
  await page.screenshot({ path: "../artifacts/playwright/counter-receipt.png" });
  await page.keyboard.press("Escape");
  await expect(page.locator("#counter-page")).toHaveAttribute("data-stage", "idle");
});

for (const [i, code] of REFUSALS.entries()) {
  test(`refusal ${code} shows the core's message`, async ({ page }) => {
    await page.click(`#sim-cards button[data-sim='${i + 1}']`);
    const box = page.locator(`.refusal[data-code='${code}']`);
    await expect(box).toContainText(views[code].refusals[0].message);
    await expect(page.locator("#confirm")).toBeDisabled();
    const r = views[code].refusals[0];
    await expect(box.locator("button[data-override]")).toHaveCount(r.needs_supervisor && r.override_flag ? 1 : 0);
    await expect(box.locator("input[type=file]")).toHaveCount(r.override_flag === "paper_prior_education" ? 1 : 0);
  });
}

test("a failed photo is refused with its reasons", async ({ page }) => {
  await page.click("#sim-cards button[data-sim='0']");
  await page.evaluate(() => ((window as any).__nextPhoto = "PHOTO_REJECTED"));
  await page.click("#capture");
  await expect(page.locator(".refusal[data-code='PHOTO_REJECTED']")).toContainText(views.PHOTO_REJECTED.refusals[0].message);
  await expect(page.locator("#photo-checks li.fail")).toHaveCount(1);
  await expect(page.locator("#confirm")).toBeDisabled();
});

test("a supervisor lifts a name mismatch; a wrong password is refused", async ({ page }) => {
  await page.click(`#sim-cards button[data-sim='${SWIPES.indexOf("NAME_MISMATCH")}']`);
  await page.click("button[data-override='name_mismatch']");
  await page.fill("#dlg-supervisor", "A001");
  await page.fill("#dlg-password", "wrong");
  await page.click("#dlg-ok");
  await expect(page.locator("#dlg-error")).toHaveText("工号或密码错误");
  await page.fill("#dlg-password", "zhuguan-2026");
  await page.click("#dlg-ok");
  await expect(page.locator("#supervisor-dialog")).toHaveCount(0);
  await expect(page.locator("#counter-page")).toHaveAttribute("data-stage", "matched");
});
