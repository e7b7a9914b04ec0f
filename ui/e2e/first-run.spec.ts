import { expect, test } from "@playwright/test";
import { mockIpc } from "./mock-ipc";

// A new workstation: no account, no store. The first supervisor creates both, and the recovery
// key is shown once.
test("the first supervisor creates the store and sees the recovery key once", async ({ page }) => {
  await mockIpc(page, []);
  await page.goto("/");
  await expect(page.locator("#setup-form")).toBeVisible();
  await expect(page.locator("#login-form")).toHaveCount(0);
  await page.fill("#staff-id", "A001");
  await page.fill("#setup-name", "王主管");
  await page.fill("#password", "zhuguan-2026");
  await page.fill("#password2", "zhuguan-2025");
  await page.click("#setup-button");
  await expect(page.locator("#login-error")).toHaveText("两次输入的密码不一致");
  await page.fill("#password2", "zhuguan-2026");
  await page.click("#setup-button");
  await expect(page.locator("#recovery-key")).toHaveText("7Q2M-K9XD-3HPA-W0RT-BC5E-N8FJ-6YVS-1GZQ");
  await page.screenshot({ path: "../artifacts/playwright/recovery-key.png" });
  await expect(page.locator("#recovery-done")).toBeDisabled();
  await page.getByText("我已抄写并核对恢复密钥").click();
  await page.click("#recovery-done");
  await expect(page.locator("#main-layout")).toBeVisible();
});
