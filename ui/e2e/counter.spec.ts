// The whole counter flow in Chromium at 1366×768 with the IPC mocked. The views replayed here were
// produced by the real core (tests/tests/counter.rs writes fixtures/counter-views.json), so every
// refusal message checked below is the one staff will read. Preview frames come from the real
// test-pattern source (`zkctl camera frames`).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { mockIpc } from "./mock-ipc";

const fixture = (file: string) => JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), "utf8"));
// The face-match views come from tests/tests/face_counter.rs, which runs the models.
const views = { ...fixture("counter-views.json"), ...fixture("face-mismatch-views.json"), ...fixture("same-face-views.json") };
const REFUSALS = ["ID_NUMBER_INVALID", "CARD_EXPIRED", "NOT_FOUND", "NOT_ELIGIBLE", "ALREADY_CONFIRMED", "WRONG_COUNTY", "PRIOR_EDUCATION_PENDING", "NAME_MISMATCH", "BLACKLISTED"];
const SWIPES = ["matched", ...REFUSALS];
const STAFF = [
  { staff_id: "S001", name: "李受理", role: "counter" as const, password: "shouli-2026" },
  { staff_id: "S002", name: "张受理", role: "counter" as const, password: "shouli-2027" },
  { staff_id: "A001", name: "王主管", role: "supervisor" as const, password: "zhuguan-2026" },
];
const zkctl = process.env.ZKCTL ?? `${process.env.CARGO_TARGET_DIR ?? "../target"}/debug/zkctl`;

function patternFrames(): Buffer[] {
  const dir = mkdtempSync(join(tmpdir(), "zkcam-"));
  execFileSync(zkctl, ["camera", "frames", "--camera", "pattern", "--count", "12", "-o", dir]);
  return readdirSync(dir).sort().map((f) => readFileSync(join(dir, f)));
}
const frames = patternFrames();

async function login(page: Page, id = "S001", pw = "shouli-2026") {
  await page.fill("#staff-id", id);
  await page.fill("#password", pw);
  await page.click("#login-button");
  await expect(page.locator("#counter-page")).toBeVisible();
}

const swipe = (page: Page, code: string) => page.click(`#sim-cards button[data-sim='${SWIPES.indexOf(code)}']`);

/** Nothing on the page scrolls: the document and every scrolling container fit. */
async function expectNoScrolling(page: Page) {
  const overflow = await page.evaluate(() => {
    const out: string[] = [];
    const doc = document.scrollingElement!;
    if (doc.scrollHeight > window.innerHeight || doc.scrollWidth > window.innerWidth) out.push("document");
    for (const el of document.querySelectorAll<HTMLElement>("#content, .counter-left, .actions, .panel")) {
      if (el.scrollHeight > el.clientHeight + 1) out.push(el.id || el.className);
    }
    return out;
  });
  expect(overflow).toEqual([]);
}

test.beforeEach(async ({ page }) => {
  let n = 0;
  await page.route("**/preview/frame*", (route) => route.fulfill({ contentType: "image/jpeg", body: frames[n++ % frames.length] }));
  await page.addInitScript(() => ((window as any).__ZKDESK_PREVIEW_URL__ = "/preview/frame"));
  await mockIpc(page, STAFF, { views, swipes: SWIPES, supervisorPassword: "zhuguan-2026" });
  await page.goto("/");
  await login(page);
});

test("the preview shows frames from the test-pattern source under the guide", async ({ page }) => {
  const img = page.locator("#preview");
  await expect.poll(async () => Number(await img.getAttribute("data-frames")), { timeout: 10_000 }).toBeGreaterThanOrEqual(10);
  // Inside the guide frame at x = 300 the pattern has its green bar (0, 192, 0).
  // Read the pixel as a frame finishes loading: between frames the <img> is fetching the next one
  // and has nothing to draw.
  const px = await page.evaluate(
    () =>
      new Promise<number[]>((resolve) => {
        const im = document.getElementById("preview") as HTMLImageElement;
        im.addEventListener(
          "load",
          () => {
            const c = document.createElement("canvas");
            c.width = 640;
            c.height = 480;
            const ctx = c.getContext("2d")!;
            ctx.drawImage(im, 0, 0, 640, 480);
            resolve(Array.from(ctx.getImageData(300, 100, 1, 1).data));
          },
          { once: true },
        );
      }),
  );
  expect(px[1]).toBeGreaterThan(140);
  expect(px[0]).toBeLessThan(60);
  await expect(page.locator(".preview-box svg.guide ellipse")).toHaveCount(1);
  await page.screenshot({ path: "../artifacts/playwright/counter-preview.png" });
});

test("swipe, capture with Space, confirm with Enter, receipt — all on one screen", async ({ page }) => {
  await expect(page.locator("#counter-stage")).toHaveText("请考生将身份证放在读卡器上");
  await swipe(page, "matched");
  await expect(page.locator("#counter-stage")).toHaveText("信息已核对，请拍照（空格键）");
  await expect(page.locator("#card-name")).toHaveText(views.matched.card.name);
  await expect(page.locator("#reg-id")).toHaveText(views.matched.registration.registration_id);
  await expectNoScrolling(page);
  await page.keyboard.press("Space");
  await expect(page.locator("#counter-page")).toHaveAttribute("data-stage", "photo_taken");
  await expect(page.locator("#photo-checks li")).toHaveCount(views.photo_taken.photo.checks.length);
  for (const sel of ["#preview", "#captured", "#photo-checks", "#confirm"]) await expect(page.locator(sel)).toBeInViewport({ ratio: 1 });
  await expect(page.locator("#confirm")).toBeEnabled();
  await expectNoScrolling(page);
  await page.screenshot({ path: "../artifacts/playwright/counter-photo.png" });
  await page.keyboard.press("Enter");
  await expect(page.locator("#receipt")).toContainText("现场确认回执");
  await expect(page.locator("#receipt")).toContainText(views.confirmed.receipt.admission_number);
  await expect(page.locator("#receipt")).toContainText("考生签名");
  await expect(page.locator("#print")).toBeInViewport({ ratio: 1 });
  await expectNoScrolling(page);
  await page.screenshot({ path: "../artifacts/playwright/counter-receipt.png" });
  await page.keyboard.press("Escape");
  await expect(page.locator("#counter-page")).toHaveAttribute("data-stage", "idle");
});

for (const code of REFUSALS) {
  test(`refusal ${code}: the core's message, its way out, and photo, checks, reason and confirm in view`, async ({ page }) => {
    await swipe(page, code);
    const r = views[code].refusals[0];
    const box = page.locator(`.refusal[data-code='${code}']`);
    await expect(box).toContainText(r.message);
    await expect(page.locator("#confirm")).toBeDisabled();
    await expect(box.locator("button[data-override]")).toHaveCount(r.needs_supervisor && r.override_flag ? 1 : 0);
    await expect(box.locator("input[type=file]")).toHaveCount(r.override_flag === "paper_prior_education" ? 1 : 0);
    for (const sel of ["#preview", ".checks-panel", `.refusal[data-code='${code}']`, "#confirm", "#counter-stage"]) await expect(page.locator(sel)).toBeInViewport({ ratio: 1 });
    await expectNoScrolling(page);
    // No raw English code anywhere staff can read.
    expect(await page.locator("#counter-page").innerText()).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
    await page.screenshot({ path: `../artifacts/playwright/counter-${code}.png` });
  });
}

test("a failed photo is refused with its reasons, all in view", async ({ page }) => {
  await swipe(page, "matched");
  await page.evaluate(() => ((window as any).__nextPhoto = "PHOTO_REJECTED"));
  await page.click("#capture");
  await expect(page.locator(".refusal[data-code='PHOTO_REJECTED']")).toContainText(views.PHOTO_REJECTED.refusals[0].message);
  await expect(page.locator("#photo-checks li.fail")).toHaveCount(1);
  await expect(page.locator("#confirm")).toBeDisabled();
  for (const sel of ["#preview", "#captured", "#photo-checks", ".refusal[data-code='PHOTO_REJECTED']", "button[data-override='supervisor_override']", "#confirm"]) await expect(page.locator(sel)).toBeInViewport({ ratio: 1 });
  await expectNoScrolling(page);
  await page.screenshot({ path: "../artifacts/playwright/counter-PHOTO_REJECTED.png" });
});

test("FACE_MISMATCH: the score, the reason and the supervisor's way out, with the photos and confirm in view", async ({ page }) => {
  await swipe(page, "matched");
  await page.evaluate(() => ((window as any).__nextPhoto = "FACE_MISMATCH"));
  await page.click("#capture");
  await expect(page.locator(".refusal[data-code='FACE_MISMATCH']")).toContainText(views.FACE_MISMATCH.refusals[0].message);
  await expect(page.locator(".refusal[data-code='FACE_MISMATCH'] .refusal-title")).toHaveText("人证比对不一致");
  await expect(page.locator("#face-match")).toHaveText(views.FACE_MISMATCH.face_match_text);
  await expect(page.locator("#confirm")).toBeDisabled();
  for (const sel of ["#preview", "#captured", "#photo-checks", "#face-match", "#chip-photo", ".refusal[data-code='FACE_MISMATCH']", "button[data-override='face_mismatch']", "#confirm"]) await expect(page.locator(sel)).toBeInViewport({ ratio: 1 });
  await expectNoScrolling(page);
  await page.screenshot({ path: "../artifacts/playwright/counter-FACE_MISMATCH.png" });
});

test("替考 alert: both photos, the reason, the supervisor's way out and confirm all in view, before and after the lift", async ({ page }) => {
  await swipe(page, "matched");
  await page.evaluate(() => Object.assign(window as any, { __nextPhoto: "SAME_FACE_OTHER_ID", __nextOverride: "SAME_FACE_LIFTED" }));
  await page.click("#capture");
  const reason = page.locator(".refusal[data-code='SAME_FACE_OTHER_ID']");
  await expect(reason).toContainText(views.SAME_FACE_OTHER_ID.refusals[0].message);
  await expect(reason.locator(".refusal-title")).toHaveText("疑似替考");
  await expect(page.locator("#same-face-alert img")).toHaveCount(2);
  await expect(page.locator("#face-match")).toHaveText(views.SAME_FACE_OTHER_ID.face_match_text);
  await expect(page.locator("#confirm")).toBeDisabled();
  const inView = ["#preview", "#captured", "#photo-checks", "#face-match", "#same-face-alert", "#chip-photo", "#confirm", "#capture", "#cancel"];
  for (const sel of [...inView, ".refusal[data-code='SAME_FACE_OTHER_ID']", "button[data-override='supervisor_override']"]) await expect(page.locator(sel)).toBeInViewport({ ratio: 1 });
  await expectNoScrolling(page);
  await page.screenshot({ path: "../artifacts/playwright/counter-SAME_FACE_OTHER_ID.png" });
  await page.click("button[data-override='supervisor_override']");
  await page.fill("#dlg-supervisor", "A001");
  await page.fill("#dlg-password", "zhuguan-2026");
  await page.keyboard.press("Enter");
  await expect(page.locator("#supervisor-dialog")).toHaveCount(0);
  await expect(page.locator("#counter-flags")).toContainText("主管授权放行");
  await expect(page.locator("#confirm")).toBeEnabled();
  for (const sel of [...inView, "#counter-flags"]) await expect(page.locator(sel)).toBeInViewport({ ratio: 1 });
  await expectNoScrolling(page);
  await page.screenshot({ path: "../artifacts/playwright/counter-SAME_FACE_LIFTED.png" });
});

test("a supervisor lifts a name mismatch in a labelled dialog; a wrong password is refused; Enter submits", async ({ page }) => {
  await swipe(page, "NAME_MISMATCH");
  await page.click("button[data-override='name_mismatch']");
  await expect(page.locator("#dlg-supervisor")).toBeFocused();
  await expect(page.locator("label[for=dlg-supervisor]")).toHaveText("主管工号");
  await expect(page.locator("label[for=dlg-password]")).toHaveText("主管密码");
  await page.fill("#dlg-supervisor", "A001");
  await page.fill("#dlg-password", "wrong");
  await page.keyboard.press("Enter");
  await expect(page.locator("#dlg-error")).toHaveText("工号或密码错误");
  await expect(page.locator("#dlg-password")).toHaveValue("");
  // Enter in the dialog never confirms the candidate behind it.
  expect(await page.evaluate(() => (window as any).__ipcCalls.includes("counter_confirm"))).toBe(false);
  await page.fill("#dlg-password", "zhuguan-2026");
  await page.click("#dlg-ok");
  await expect(page.locator("#supervisor-dialog")).toHaveCount(0);
  await expect(page.locator("#counter-page")).toHaveAttribute("data-stage", "matched");
});

test("Esc closes a dialog and leaves the candidate on the counter", async ({ page }) => {
  await swipe(page, "CARD_EXPIRED");
  await page.click("button[data-override='card_expired']");
  await expect(page.locator("#supervisor-dialog")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.locator("#supervisor-dialog")).toHaveCount(0);
  await expect(page.locator("#counter-page")).toHaveAttribute("data-stage", "refused");
  expect(await page.evaluate(() => (window as any).__ipcCalls.includes("counter_cancel"))).toBe(false);
  // Manual entry: the id number comes first and has the focus.
  await page.click("#manual-entry");
  await expect(page.locator("#dlg-id-number")).toBeFocused();
  await expect(page.locator("label[for=dlg-id-number]")).toHaveText("身份证号码");
  await page.keyboard.press("Escape");
  await expect(page.locator("#supervisor-dialog")).toHaveCount(0);
  await expect(page.locator("#counter-page")).toHaveAttribute("data-stage", "refused");
});

test("logout clears the counter: the next staff member starts on an empty screen", async ({ page }) => {
  await swipe(page, "NAME_MISMATCH");
  await expect(page.locator("#card-name")).toHaveText(views.NAME_MISMATCH.card.name);
  await page.fill("#search", "王");
  await page.click("#search-go");
  await expect(page.locator("#search-results")).toBeVisible();
  await page.click("#logout");
  await expect(page.locator("#login-form")).toBeVisible();
  // The core's answer is held back: what shows next comes from the UI alone.
  await page.evaluate(() => ((window as any).__holdCounterView = true));
  await login(page, "S002", "shouli-2027");
  await expect(page.locator("#who")).toContainText("张受理");
  await expect(page.locator("#counter-page")).toHaveAttribute("data-stage", "idle");
  await expect(page.locator("#card-name")).toHaveText("—");
  await expect(page.locator("#reg-id")).toHaveText("—");
  await expect(page.locator(".refusal")).toHaveCount(0);
  await expect(page.locator("#search-results")).toHaveCount(0);
  await expect(page.locator("#search")).toHaveValue("");
});

test("已确认: 重打回执 opens the receipt of the confirmation", async ({ page }) => {
  await swipe(page, "ALREADY_CONFIRMED");
  await page.click(".refusal[data-code='ALREADY_CONFIRMED'] button[data-action=reprint]");
  await expect(page.locator("#receipt")).toContainText("现场确认回执");
  const args = await page.evaluate(() => (window as any).__ipcArgs.filter((a: any) => a.cmd === "receipt_by_registration"));
  expect(args).toEqual([{ cmd: "receipt_by_registration", args: { args: { registration_id: views.ALREADY_CONFIRMED.registration.registration_id } } }]);
  await expect(page.locator("#print")).toBeInViewport({ ratio: 1 });
  await page.keyboard.press("Escape");
  await expect(page.locator("#receipt")).toHaveCount(0);
  await expect(page.locator("#counter-page")).toHaveAttribute("data-stage", "refused");
});

test("可重打回执 asks the core for the registration's live confirmation, and 打印回执 prints it", async ({ page }) => {
  await swipe(page, "ALREADY_CONFIRMED");
  await page.click("button[data-action=reprint]");
  await expect(page.locator("#receipt")).toBeVisible();
  const asked = await page.evaluate(() =>
    (window as any).__ipcArgs.filter((a: any) => a.cmd === "receipt_by_registration").map((a: any) => a.args.args.registration_id),
  );
  expect(asked).toEqual([views.ALREADY_CONFIRMED.registration.registration_id]);
  await page.click("#print");
  // A failed print says why, in Chinese, and where the PDF was kept.
  await expect(page.locator("#print-result")).toContainText("尚未选择打印机");
  await expect(page.locator("#print-result")).toContainText("文件已保存");
});

test("密码重置 asks first; cancelling sends nothing, confirming prints the slip", async ({ page }) => {
  await swipe(page, "matched");
  await page.click("#password-reset");
  const box = page.locator(".el-message-box");
  await expect(box).toContainText("确认密码重置");
  await expect(box).toContainText(views.matched.registration.name);
  await page.keyboard.press("Escape");
  await expect(box).toBeHidden();
  expect(await page.evaluate(() => (window as any).__ipcCalls.includes("password_reset"))).toBe(false);
  await expect(page.locator("#counter-page")).toHaveAttribute("data-stage", "matched");
  await page.click("#password-reset");
  await page.click(".el-message-box button:has-text('确认重置')");
  await expect(page.locator("#reset-slip")).toContainText("密码重置受理单");
  await expect(page.locator("#reset-slip")).toContainText("PR-0001");
});

test("search says what it looks for: name prefix (rare characters too), id-number tail, 报名号", async ({ page }) => {
  const kind = page.locator(".query-kind");
  await page.fill("#search", "王\u{2A6A5}");
  await expect(kind).toHaveText("按姓名开头");
  await page.fill("#search", "0037");
  await expect(kind).toHaveText("按身份证号后几位");
  await page.fill("#search", "R2027010200001");
  await expect(kind).toHaveText("按报名号");
  await page.press("#search", "Enter");
  const hit = page.locator(`#search-results button[data-registration='${views.matched.registration.registration_id}']`);
  await expect(hit).toBeVisible();
  expect(await page.evaluate(() => (window as any).__searched)).toBe("R2027010200001");
  await hit.click();
  await expect(page.locator("#dlg-supervisor")).toBeFocused();
  await page.fill("#dlg-supervisor", "A001");
  await page.fill("#dlg-password", "zhuguan-2026");
  await page.keyboard.press("Enter");
  await expect(page.locator("#counter-page")).toHaveAttribute("data-stage", "matched");
});

test("the paper 学历认证报告: drop zone, preview, then sent to the core", async ({ page }) => {
  await swipe(page, "PRIOR_EDUCATION_PENDING");
  const box = page.locator(".refusal[data-code='PRIOR_EDUCATION_PENDING']");
  await expect(box.locator(".el-upload-dragger")).toBeVisible();
  await expect(box).toContainText("拖到此处");
  const png = readFileSync(new URL("../../icons/32x32.png", import.meta.url));
  await box.locator("input[type=file]").setInputFiles({ name: "report.png", mimeType: "image/png", buffer: png });
  await expect(page.locator("#attach-preview img")).toBeVisible();
  await expect(page.locator("#attach-preview")).toContainText("report.png");
  await page.screenshot({ path: "../artifacts/playwright/counter-upload.png" });
  await page.click("#attach-send");
  await expect(page.locator("#counter-page")).toHaveAttribute("data-stage", "matched");
  const sent = await page.evaluate(() => (window as any).__attached);
  expect(sent.media_type).toBe("image/png");
  expect(Buffer.from(sent.content_base64, "base64").equals(png)).toBe(true);
});

/** A candidate with a photo on the counter, then no input until the lock screen shows. */
async function lockedWithCandidate(page: Page): Promise<string> {
  // A fresh page with a 1.5 s idle lock (the app's is 10 minutes).
  await page.addInitScript(() => ((window as any).__ZKDESK_IDLE_LOCK_MS__ = 1500));
  await page.reload();
  await login(page);
  await swipe(page, "matched");
  await expect(page.locator("#card-name")).toHaveText(views.matched.card.name);
  await page.keyboard.press("Space");
  await expect(page.locator("#counter-page")).toHaveAttribute("data-stage", "photo_taken");
  const photo = (await page.locator("#captured").getAttribute("src"))!;
  expect(photo).toContain(views.photo_taken.photo_jpeg_base64.slice(0, 200));
  await expect(page.locator("#lock-screen")).toBeVisible({ timeout: 10_000 });
  // Once locked, a long idle time again, so the screen does not lock again while the test types.
  await page.evaluate(() => ((window as any).__ZKDESK_IDLE_LOCK_MS__ = 600_000));
  return photo;
}

/** Nothing of the candidate is on the lock screen: no name, id number, 报名号, photo. */
async function expectNoCandidate(page: Page) {
  const text = await page.locator("body").innerText();
  for (const secret of [views.matched.card.name, views.matched.card.id_number, views.matched.card.id_number_masked, views.matched.registration.registration_id, views.matched.registration.major.name]) {
    expect(text).not.toContain(secret);
  }
  await expect(page.locator("#captured")).toBeHidden();
  await expect(page.locator("#counter-page")).toBeHidden();
  const visibleImages = await page.locator("img:visible").count();
  expect(visibleImages).toBe(0);
}

test("the idle lock hides the candidate, keeps it, and the same person's password brings it back", async ({ page }) => {
  const photo = await lockedWithCandidate(page);
  await expectNoCandidate(page);
  await expect(page.locator("#lock-who")).toContainText("李受理");
  await expect(page.locator("#lock-who")).toContainText("S001");
  await expect(page.locator("#unlock-password")).toBeFocused();
  await expect(page.locator("#unlock-switch")).toHaveText("切换为主管解锁");
  await page.screenshot({ path: "../artifacts/playwright/idle-lock.png" });
  const calls = await page.evaluate(() => (window as any).__ipcCalls as string[]);
  expect(calls).toContain("lock_session");
  expect(calls).not.toContain("logout");

  // A wrong password: the core's Chinese message, the lock stays, the field is ready again.
  await page.keyboard.type("wrong-password");
  await page.keyboard.press("Enter");
  await expect(page.locator("#unlock-error")).toHaveText("密码错误，未能解锁");
  await expect(page.locator("#lock-screen")).toBeVisible();
  await expect(page.locator("#unlock-password")).toHaveValue("");
  await expect(page.locator("#unlock-password")).toBeFocused();
  await expectNoCandidate(page);

  // Enter in the password field unlocks; it never confirms the candidate underneath.
  await page.keyboard.type("shouli-2026");
  await page.keyboard.press("Enter");
  await expect(page.locator("#lock-screen")).toHaveCount(0);
  await expect(page.locator("#counter-page")).toHaveAttribute("data-stage", "photo_taken");
  await expect(page.locator("#card-name")).toHaveText(views.matched.card.name);
  await expect(page.locator("#reg-id")).toHaveText(views.matched.registration.registration_id);
  await expect(page.locator("#captured")).toBeVisible();
  expect(await page.locator("#captured").getAttribute("src")).toBe(photo);
  const after = await page.evaluate(() => (window as any).__ipcCalls as string[]);
  expect(after).not.toContain("counter_confirm");
  expect(after).not.toContain("logout");
});

test("the idle lock opens for a supervisor, not for another counter account", async ({ page }) => {
  await lockedWithCandidate(page);
  await page.click("#unlock-switch");
  await expect(page.locator("#unlock-supervisor")).toBeFocused();
  await page.fill("#unlock-supervisor", "S002");
  await page.fill("#unlock-password", "shouli-2027");
  await page.press("#unlock-password", "Enter");
  await expect(page.locator("#unlock-error")).toHaveText("只有本人或主管可以解锁");
  await expectNoCandidate(page);
  await page.fill("#unlock-supervisor", "A001");
  await page.fill("#unlock-password", "zhuguan-2026");
  await page.press("#unlock-password", "Enter");
  await expect(page.locator("#lock-screen")).toHaveCount(0);
  // The session goes on as the counter staff member who took the candidate in.
  await expect(page.locator("#who")).toContainText("李受理");
  await expect(page.locator("#card-name")).toHaveText(views.matched.card.name);
  await expect(page.locator("#captured")).toBeVisible();
});
