// The other screens at 1366×768: 今日确认 (reprint in a dialog), 设置 (staff accounts: disabling
// asks first and can be undone, adding uses a labelled dialog), the pages not built yet.
import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { mockIpc } from "./mock-ipc";

const views = JSON.parse(readFileSync(new URL("./fixtures/counter-views.json", import.meta.url), "utf8"));
const STAFF = [
  { staff_id: "A001", name: "王主管", role: "supervisor" as const, password: "zhuguan-2026" },
  { staff_id: "S001", name: "李受理", role: "counter" as const, password: "shouli-2026" },
  { staff_id: "S009", name: "赵停用", role: "counter" as const, password: "tingyong-2026", disabled: true },
];

async function asSupervisor(page: Page) {
  await page.addInitScript(() => ((window as any).__ZKDESK_PREVIEW_URL__ = "/preview/none"));
  await mockIpc(page, STAFF, { views, swipes: [] });
  await page.goto("/");
  await page.fill("#staff-id", "A001");
  await page.fill("#password", "zhuguan-2026");
  await page.click("#login-button");
  await expect(page.locator("#counter-page")).toBeVisible();
}

async function asCounter(page: Page) {
  await page.addInitScript(() => ((window as any).__ZKDESK_PREVIEW_URL__ = "/preview/none"));
  await mockIpc(page, STAFF, { views, swipes: [] });
  await page.goto("/");
  await page.fill("#staff-id", "S001");
  await page.fill("#password", "shouli-2026");
  await page.click("#login-button");
  await expect(page.locator("#counter-page")).toBeVisible();
}

const row = (page: Page, id: string) => page.locator("#staff-table tbody tr", { hasText: id });

test("设置: 停用 asks first; cancelling changes nothing; a disabled account is enabled again", async ({ page }) => {
  await asSupervisor(page);
  await page.click("#nav button[data-page=settings]");
  await expect(page.locator("#staff-table tbody tr")).toHaveCount(3);
  // Nobody disables their own account from here.
  await expect(row(page, "A001").locator("button[data-action=disable], button[data-action=enable]")).toHaveCount(0);
  await row(page, "S001").locator("button[data-action=disable]").click();
  const box = page.locator(".el-message-box");
  await expect(box).toContainText("停用账号 李受理（S001）");
  await page.keyboard.press("Escape");
  await expect(box).toBeHidden();
  expect(await page.evaluate(() => (window as any).__ipcCalls.includes("staff_disable"))).toBe(false);
  await row(page, "S001").locator("button[data-action=disable]").click();
  await page.click(".el-message-box button:has-text('停用')");
  await expect(row(page, "S001")).toContainText("已停用");
  await row(page, "S001").locator("button[data-action=enable]").click();
  await page.click(".el-message-box button:has-text('启用')");
  await expect(row(page, "S001")).toContainText("正常");
  await row(page, "S009").locator("button[data-action=enable]").click();
  await page.click(".el-message-box button:has-text('启用')");
  await expect(row(page, "S009")).toContainText("正常");
  await page.screenshot({ path: "../artifacts/playwright/settings.png" });
});

test("设置: 添加账号 is a labelled dialog with the focus in 工号; Esc closes it", async ({ page }) => {
  await asSupervisor(page);
  await page.click("#nav button[data-page=settings]");
  await page.click("#staff-add");
  await expect(page.locator("#new-staff-id")).toBeFocused();
  for (const [id, text] of [["new-staff-id", "工号"], ["new-staff-name", "姓名"], ["new-staff-role", "角色"]]) await expect(page.locator(`label[for=${id}]`)).toHaveText(text);
  await page.keyboard.press("Enter");
  await expect(page.locator("#staff-add-error")).toHaveText("请输入工号");
  await page.keyboard.press("Escape");
  await expect(page.locator("#staff-add-dialog")).toHaveCount(0);
});

test("今日确认 (counter staff): flags and states in Chinese; 重打回执 opens the receipt; Esc closes it", async ({ page }) => {
  await page.addInitScript(() => {
    (window as any).__today = [
      { confirmation_id: "C1", registration_id: "R1", name: "张三", id_number_masked: "420102********0010", admission_number: "010227100101", confirmed_at: "2026-11-22T10:00:00+08:00", staff_id: "S001", flags: ["name_mismatch", "supervisor_override"], state: "pending", reject_reason: null },
      { confirmation_id: "C2", registration_id: "R2", name: "李四", id_number_masked: "420102********0029", admission_number: null, confirmed_at: "2026-11-22T10:05:00+08:00", staff_id: "S001", flags: [], state: "rejected", reject_reason: "ALREADY_CONFIRMED" },
    ];
  });
  await asCounter(page);
  await page.click("#nav button[data-page=today]");
  const table = page.locator("#today-table");
  await expect(table.locator("tbody tr")).toHaveCount(2);
  await expect(table).toContainText("姓名不一致（主管核实），主管授权放行");
  await expect(table).toContainText("待上传");
  await expect(table).toContainText("被退回");
  await expect(table).toContainText("待分配");
  expect(await table.innerText()).not.toMatch(/name_mismatch|pending|rejected/);
  // The chart of the day draws (ECharts on a canvas).
  await expect(page.locator("#hour-chart canvas")).toBeVisible();
  await page.screenshot({ path: "../artifacts/playwright/today.png" });
  await table.locator("tbody tr", { hasText: "张三" }).locator("button[data-action=reprint]").click();
  await expect(page.locator("#today-receipt #receipt")).toContainText("现场确认回执");
  await page.keyboard.press("Escape");
  await expect(page.locator("#today-receipt #receipt")).toBeHidden();
});
