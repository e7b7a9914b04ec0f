import { expect, test } from "@playwright/test";
import { mockIpc } from "./mock-ipc";

test("the 同步 page shows the queue, the last error in Chinese and parked items", async ({ page }) => {
  await mockIpc(page, [{ staff_id: "A001", name: "王主管", role: "supervisor", password: "zhuguan-2026" }]);
  await page.goto("/");
  await page.fill("#staff-id", "A001");
  await page.fill("#password", "zhuguan-2026");
  await page.click("#login-button");
  await page.click("#nav button[data-page=sync]");
  await expect(page.locator("#sync-station")).toContainText("ST-420102-01");
  await expect(page.locator("#sync-pending")).toHaveText("2");
  await expect(page.locator("#sync-error")).toContainText("无法连接省平台");
  await expect(page.locator("#sync-page")).toContainText("超过 5 分钟");
  await expect(page.locator("#sync-parked-table tbody tr")).toHaveCount(1);
  // The province's code in Chinese, the code itself kept for support.
  await expect(page.locator("#sync-parked-table")).toContainText("已完成现场确认（ALREADY_CONFIRMED）");
  await expect(page.locator("#sync-parked-table")).toContainText("现场确认");
  await page.click("#sync-now");
  expect(await page.evaluate(() => (window as any).__ipcCalls.includes("sync_now"))).toBe(true);
  await page.screenshot({ path: "../artifacts/playwright/sync.png" });
});
