import { expect, test } from "@playwright/test";
import { mockIpc } from "./mock-ipc";

const STAFF = [
  { staff_id: "A001", name: "王主管", role: "supervisor" as const, password: "zhuguan-2026" },
  { staff_id: "S001", name: "李受理", role: "counter" as const, password: "shouli-2026" },
  { staff_id: "S009", name: "赵停用", role: "counter" as const, password: "tingyong-2026", disabled: true },
  { staff_id: "S002", name: "钱重置", role: "counter" as const, password: "chongzhi-2026", mustChange: true },
];

test.beforeEach(async ({ page }) => {
  await mockIpc(page, STAFF);
  await page.goto("/");
});

test("the login screen is in Chinese", async ({ page }) => {
  await expect(page.locator("h1")).toHaveText("自考现场确认工作站");
  await expect(page.locator("label[for=staff-id]")).toHaveText("工号");
  await expect(page.locator("label[for=password]")).toHaveText("密码");
  await expect(page.locator("#login-button")).toHaveText("登录");
  await page.screenshot({ path: "../artifacts/playwright/login.png" });
});

test("an empty form is refused before asking the core", async ({ page }) => {
  await page.click("#login-button");
  await expect(page.locator("#login-error")).toHaveText("请输入工号");
});

test("a bad password shows the error and stays on the login screen", async ({ page }) => {
  await page.fill("#staff-id", "S001");
  await page.fill("#password", "wrong-password");
  await page.click("#login-button");
  await expect(page.locator("#login-error")).toHaveText("工号或密码错误");
  await expect(page.locator("#main-layout")).toHaveCount(0);
  await expect(page.locator("#password")).toHaveValue("");
});

test("a disabled account is refused with its reason", async ({ page }) => {
  await page.fill("#staff-id", "S009");
  await page.fill("#password", "tingyong-2026");
  await page.click("#login-button");
  await expect(page.locator("#login-error")).toHaveText("该账号已停用，请联系主管");
});

test("a good password reaches the main layout with navigation and status bar", async ({ page }) => {
  await page.fill("#staff-id", "A001");
  await page.fill("#password", "zhuguan-2026");
  await page.press("#password", "Enter");
  await expect(page.locator("#main-layout")).toBeVisible();
  await expect(page.locator("#who")).toContainText("王主管");
  await expect(page.locator("#nav button")).toHaveText(["现场确认", "今日确认", "审核任务", "同步", "日结", "报表", "设置"]);
  await expect(page.locator("#counter-stage")).toHaveText("请考生将身份证放在读卡器上");
  await page.click("#nav button[data-page=review]");
  await expect(page.locator("#review-page")).toBeVisible();
  await expect(page.locator("#status-queue")).toHaveText("待上传 0");
  await page.click("#nav button[data-page=settings]");
  await expect(page.locator("#staff-table tbody tr")).toHaveCount(STAFF.length);
  await page.screenshot({ path: "../artifacts/playwright/main.png" });
});

test("counter staff do not see supervisor pages", async ({ page }) => {
  await page.fill("#staff-id", "S001");
  await page.fill("#password", "shouli-2026");
  await page.click("#login-button");
  await expect(page.locator("#nav button")).toHaveText(["现场确认", "今日确认", "同步", "设置"]);
});

test("a reset password must be changed right after the login, before any page", async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.fill("#staff-id", "S002");
  await page.fill("#password", "chongzhi-2026");
  await page.press("#password", "Enter");
  const dialog = page.locator("#change-password-dialog");
  await expect(dialog).toBeVisible();
  await expect(page.locator("#counter-stage")).toHaveCount(0);
  await expect(page.locator("#cp-old")).toBeFocused();
  await expect(page.locator("label[for=cp-old]")).toHaveText("原密码（主管重置的密码）");
  await expect(page.locator("label[for=cp-new]")).toHaveText("新密码");
  await expect(page.locator("label[for=cp-repeat]")).toHaveText("再次输入新密码");
  // The form's own checks, then the core's answer.
  await page.fill("#cp-old", "chongzhi-2026");
  await page.fill("#cp-new", "chongzhi-2026");
  await page.fill("#cp-repeat", "chongzhi-2026");
  await page.press("#cp-repeat", "Enter");
  await expect(page.locator("#cp-error")).toHaveText("新密码不能与原密码相同");
  await page.fill("#cp-old", "not-the-old-one");
  await page.fill("#cp-new", "shouli-2027");
  await page.fill("#cp-repeat", "shouli-2027");
  await page.press("#cp-repeat", "Enter");
  await expect(page.locator("#cp-error")).toHaveText("原密码不正确");
  await page.screenshot({ path: "../artifacts/playwright/change-password.png" });
  await page.fill("#cp-old", "chongzhi-2026");
  await page.press("#cp-repeat", "Enter");
  await expect(dialog).toBeHidden();
  await expect(page.locator("#counter-stage")).toHaveText("请考生将身份证放在读卡器上");
  expect(await page.evaluate(() => (window as any).__passwordChanged)).toEqual({ old_password: "chongzhi-2026", new_password: "shouli-2027" });
});

test("Esc on the forced password change logs out", async ({ page }) => {
  await page.fill("#staff-id", "S002");
  await page.fill("#password", "chongzhi-2026");
  await page.press("#password", "Enter");
  await expect(page.locator("#cp-old")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.locator("#login-form")).toBeVisible();
  await expect(page.locator("#main-layout")).toHaveCount(0);
});
