// The supervisor desk at 1366×768 over the IPC mock: 今日确认 (filters, sign-off, revoke with its
// confirmation, reprint, badge), 日结, 审核任务 (both kinds, PDF drawn, keys, reject with a reason),
// 报表 (charts, export), 设置 (staff edit/reset/enable, blacklist, devices, settings errors).
import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { mockIpc } from "./mock-ipc";
import * as desk from "./fixtures/desk";

const views = JSON.parse(readFileSync(new URL("./fixtures/counter-views.json", import.meta.url), "utf8"));
const photo: string = views.confirmed.receipt.photo_jpeg_base64;
const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const STAFF = [
  { staff_id: "A001", name: "王主管", role: "supervisor" as const, password: "zhuguan-2026" },
  { staff_id: "S001", name: "李受理", role: "counter" as const, password: "shouli-2026" },
  { staff_id: "S009", name: "赵停用", role: "counter" as const, password: "tingyong-2026", disabled: true },
];
const fixtures = {
  today,
  photo,
  entries: desk.entries.map((e) => ({ ...e, confirmed_at: e.confirmed_at.replace("2026-11-22", today) })),
  reconcile: desk.reconcile,
  range: desk.range,
  tasks: desk.tasks(photo),
  blacklist: desk.blacklist,
  settings: desk.settings,
  devices: desk.devices,
  devicesPlugged: desk.devicesPlugged,
  printers: ["HP_LaserJet_M1136", "Brother_HL_2260"],
};

async function login(page: Page, id = "A001", password = "zhuguan-2026") {
  await page.addInitScript(() => ((window as any).__ZKDESK_PREVIEW_URL__ = "/preview/none"));
  await mockIpc(page, STAFF, { views, swipes: [] }, fixtures);
  await page.goto("/");
  await page.fill("#staff-id", id);
  await page.fill("#password", password);
  await page.click("#login-button");
  await expect(page.locator("#counter-page")).toBeVisible();
}
const calls = (page: Page, cmd: string) => page.evaluate((c) => (window as any).__ipcArgs.filter((a: any) => a.cmd === c).map((a: any) => a.args?.args ?? null), cmd);

test("今日确认 (supervisor): totals, filters and search go to day_report; the badge counts entries needing sign-off", async ({ page }) => {
  await login(page);
  await expect(page.locator("#signoff-badge")).toHaveText("1");
  await page.click("#nav button[data-page=today]");
  const table = page.locator("#day-table");
  await expect(table.locator("tbody tr")).toHaveCount(3);
  await expect(page.locator("#day-totals [data-total=confirmed] b")).toHaveText("3");
  await expect(page.locator("#day-totals [data-total=flagged] b")).toHaveText("1");
  await expect(table).toContainText("姓名不一致（主管核实），主管授权放行");
  await expect(table.locator("tbody tr", { hasText: "张三" }).locator("[data-tag=needs-signoff]")).toHaveText("待复核");
  await expect(table).toContainText("被退回");
  // The face match score, coloured by the configured band; none without a chip photo.
  await expect(table.locator("tbody tr", { hasText: "王五" }).locator("[data-tag=face]")).toHaveText("72 分 通过");
  await expect(table.locator("tbody tr", { hasText: "王五" }).locator("[data-tag=face]")).toHaveClass(/el-tag--success/);
  await expect(table.locator("tbody tr", { hasText: "张三" }).locator("[data-tag=face]")).toHaveClass(/el-tag--warning/);
  await expect(table.locator("tbody tr", { hasText: "李四" }).locator("[data-tag=face]")).toHaveCount(0);
  await expect(table.locator("thead")).toContainText("人证比对");
  expect(await table.innerText()).not.toMatch(/name_mismatch|pending|rejected|accepted|review|pass/);
  await page.selectOption("#filter-sync", "rejected");
  await expect(table.locator("tbody tr")).toHaveCount(1);
  await expect(table).toContainText("李四");
  await page.selectOption("#filter-sync", "");
  await page.selectOption("#filter-staff", "S001");
  await expect(table.locator("tbody tr")).toHaveCount(2);
  await page.selectOption("#filter-flag", "name_mismatch");
  await expect(table.locator("tbody tr")).toHaveCount(1);
  await page.selectOption("#filter-flag", "");
  await page.selectOption("#filter-staff", "");
  await page.fill("#day-search", "R20260003");
  await page.click("#day-search-go");
  await expect(table.locator("tbody tr")).toHaveCount(1);
  await expect(table).toContainText("王五");
  const last = (await calls(page, "day_report")).at(-1);
  expect(last).toEqual({ date: today, search: "R20260003" });
  await page.screenshot({ path: "../artifacts/playwright/desk-today.png" });
  expect(await page.evaluate(() => document.scrollingElement!.scrollHeight <= window.innerHeight)).toBe(true);
});

test("今日确认: a row opens the detail; 复核签字 with a note; 重打回执 shows the outcome", async ({ page }) => {
  await login(page);
  await page.click("#nav button[data-page=today]");
  await page.locator("#day-table tbody tr", { hasText: "张三" }).click();
  const d = page.locator("#entry-detail");
  await expect(d.locator("#entry-flags")).toHaveText("姓名不一致（主管核实），主管授权放行");
  await expect(d.locator("#entry-card-source")).toHaveText("读卡（芯片）");
  await expect(d.locator("#entry-face")).toHaveText("38 分（存疑）");
  await expect(d.locator("#entry-face .el-tag")).toHaveClass(/el-tag--warning/);
  await expect(d.locator("dt", { hasText: "人证比对" })).toBeVisible();
  await expect(d.locator("#entry-signoff")).toHaveText("待主管复核签字");
  await expect(d.locator("#entry-audit")).toContainText("现场确认");
  await expect(d.locator("#entry-photo")).toBeVisible();
  await page.fill("#signoff-note", "已核对户口本");
  await page.click("#signoff");
  await expect(d.locator("#entry-signoff")).toHaveText("已复核（A001）");
  expect(await page.evaluate(() => (window as any).__signoff)).toEqual({ confirmation_id: "C1", note: "已核对户口本" });
  await expect(page.locator("#signoff-badge")).toHaveCount(0);
  await page.click("#reprint");
  await expect(d.locator("#entry-message")).toHaveText("尚未选择打印机，请在设置中选择回执打印机；文件已保存");
  await page.screenshot({ path: "../artifacts/playwright/desk-detail.png" });
});

test("今日确认: 撤销 needs a reason and asks first; cancelling does not revoke", async ({ page }) => {
  await login(page);
  await page.click("#nav button[data-page=today]");
  await page.locator("#day-table tbody tr", { hasText: "李四" }).click();
  const d = page.locator("#entry-detail");
  await expect(d.locator("#entry-sync")).toHaveText("被退回：该考生已在其他考点确认");
  await page.click("#revoke");
  await expect(d.locator("#entry-error")).toHaveText("撤销须填写原因");
  await page.fill("#revoke-reason", "考生要求撤销");
  await page.click("#revoke");
  const box = page.locator(".el-message-box");
  await expect(box).toContainText("撤销 李四 的现场确认");
  await page.click(".el-message-box button:has-text('取消')");
  await expect(box).toBeHidden();
  expect(await calls(page, "revoke")).toEqual([]);
  await page.click("#revoke");
  await page.click(".el-message-box button:has-text('撤销')");
  await expect(d.locator("#entry-status")).toHaveText("已撤销");
  await expect(d.locator("#entry-revocation")).toHaveText("撤销待上传（考生要求撤销）");
  expect(await calls(page, "revoke")).toEqual([{ confirmation_id: "C2", reason: "考生要求撤销" }]);
});

test("日结: the reconciliation in Chinese; 打印日结单 exports a one-day PDF and shows its path", async ({ page }) => {
  await login(page);
  await page.click("#nav button[data-page=closing]");
  await expect(page.locator("#closing-balance")).toHaveText("本机与省平台不一致，请核对下列项目");
  await expect(page.locator("#closing-counts [data-count=matched] b")).toHaveText("1");
  await expect(page.locator("#list-missing")).toContainText("C1");
  await expect(page.locator("#list-unknown")).toContainText("P-9001");
  await expect(page.locator("#list-differs")).toContainText("C2");
  await expect(page.locator("#list-unsigned")).toContainText("C1");
  await page.click("#print-sheet");
  await expect(page.locator("#closing-saved")).toContainText(`日结单-${today}-${today}.pdf`);
  expect(await calls(page, "export_report")).toEqual([{ from: today, to: today, format: "pdf" }]);
  expect(await calls(page, "reconcile")).toEqual([{ date: today }]);
  await page.screenshot({ path: "../artifacts/playwright/desk-closing.png" });
});

test("审核任务: photo task (photo, checks, reject with reason key 2), 学历 task with the PDF drawn, stale decision", async ({ page }) => {
  await login(page);
  await page.click("#nav button[data-page=review]");
  const table = page.locator("#task-table");
  await expect(table.locator("tbody tr")).toHaveCount(3);
  await expect(page.locator("#task-counts [data-kind=photo]")).toContainText("照片人工审核 2");
  // Oldest first: 王五 (11-19), 张三 (11-20), 李四 (11-21).
  await expect(table.locator("tbody tr").first()).toContainText("王五");
  await page.keyboard.press("j");
  await expect(page.locator("#task-detail")).toContainText("王五");
  await expect(page.locator("#decision-state")).toContainText("任务已更新，请重新审核");
  await page.keyboard.press("ArrowDown");
  await expect(page.locator("#task-detail")).toContainText("张三");
  await expect(page.locator("#task-photo")).toBeVisible();
  await expect(page.locator("#task-counter-photo")).toBeVisible();
  await expect(page.locator("#auto-failures")).toContainText("背景颜色不符合要求");
  await expect(page.locator("#our-checks")).toContainText("背景颜色：注意");
  await expect(page.locator("#reasons")).toContainText("2. 模糊");
  await expect(page.locator("#our-checks")).toContainText("视线朝向：合格");
  expect(await page.locator("#our-checks").innerText()).not.toContain("未知");
  for (const id of ["#approve", "#reject", "#task-photo"]) {
    const box = (await page.locator(id).boundingBox())!;
    expect(box.y + box.height, `${id} inside the viewport with every check listed`).toBeLessThanOrEqual(768);
  }
  await page.keyboard.press("2");
  await expect(page.locator("#decision-state")).toContainText("不通过 · 已决定，待上传");
  expect(await page.evaluate(() => (window as any).__decided)).toEqual([{ task_id: "T-photo-1", approve: false, reason_code: "blurred" }]);
  await page.keyboard.press("j");
  await expect(page.locator("#task-detail")).toContainText("李四");
  await expect(page.locator("#declared")).toContainText("华中师范大学");
  const canvas = page.locator("#documents canvas.pdf-page[data-page='1']");
  await expect(canvas).toBeVisible();
  await expect(page.locator("#documents .pdf-pages[data-rendered=true]")).toHaveCount(1);
  const ink = await canvas.evaluate((c: HTMLCanvasElement) => {
    const px = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 0 && (px[i] < 200 || px[i + 1] < 200)) n++;
    return n;
  });
  expect(ink).toBeGreaterThan(1000);
  await page.locator(".image-doc button[data-action=rotate]").click();
  await expect(page.locator(".image-doc img")).toHaveAttribute("data-rotate", "90");
  await page.locator(".image-doc button[data-action=zoom-in]").click();
  await expect(page.locator(".image-doc img")).toHaveAttribute("data-zoom", "1.25");
  // 学历: reject only with 其他 and a comment.
  await page.keyboard.press("1");
  await expect(page.locator("#decision-error")).toHaveText("选择“其他”时须填写说明");
  await page.fill("#decision-comment", "报告编号与证书不符");
  await page.click("#reject");
  await expect(page.locator("#decision-state")).toContainText("不通过");
  expect((await page.evaluate(() => (window as any).__decided)).at(-1)).toEqual({ task_id: "T-edu-1", approve: false, reason_code: "other", comment: "报告编号与证书不符" });
  await page.screenshot({ path: "../artifacts/playwright/desk-review.png" });
});

test("审核任务: a long 学历 task fits 1366×768 — the decision buttons stay in view, nothing scrolls", async ({ page }) => {
  const edu = desk.tasks(photo)[1];
  const long = {
    ...edu,
    task_id: "T-edu-long",
    name: "欧阳娜娜娜",
    registration: { ...edu.registration!, name: "欧阳娜娜娜", major: { code: "C050105", name: "汉语言文学（师范教育方向，含中小学语文教学法与教育心理学）", level: "本科" } },
    declared: { school: "华中科技大学继续教育学院（原武汉城市建设学院成人高等教育函授部）", certificate_no: "105111201005001234567890", graduation_date: "2010-07-01" },
    documents: [
      { name: "教育部学历证书电子注册备案表（学信网在线验证报告，含二维码与验证码）.pdf", media_type: "application/pdf", content_base64: desk.PDF_BASE64 },
      { name: "毕业证书扫描件（正面，彩色，300dpi）.jpg", media_type: "image/jpeg", content_base64: photo },
      { name: "学位证书扫描件.jpg", media_type: "image/jpeg", content_base64: photo },
    ],
  };
  await page.addInitScript(() => ((window as any).__ZKDESK_PREVIEW_URL__ = "/preview/none"));
  await mockIpc(page, STAFF, { views, swipes: [] }, { ...fixtures, tasks: [long] });
  await page.goto("/");
  await page.fill("#staff-id", "A001");
  await page.fill("#password", "zhuguan-2026");
  await page.click("#login-button");
  await page.click("#nav button[data-page=review]");
  await expect(page.locator("#task-table tbody tr")).toHaveCount(1);
  await page.keyboard.press("j");
  await expect(page.locator("#task-detail")).toContainText("欧阳娜娜娜");
  await expect(page.locator("#documents .pdf-pages[data-rendered=true]")).toHaveCount(1);
  await page.fill("#decision-comment", "报告编号与证书编号不一致，且毕业日期与学信网记录不符，请考生重新上传学历认证报告。");
  for (const id of ["#approve", "#reject", "#decision-comment", "#declared"]) {
    const box = (await page.locator(id).boundingBox())!;
    expect(box.y, `${id} top`).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height, `${id} inside the viewport`).toBeLessThanOrEqual(768);
    expect(box.x + box.width, `${id} right`).toBeLessThanOrEqual(1366);
  }
  const scrolls = await page.evaluate(() => {
    const content = document.getElementById("content")!;
    return { page: document.scrollingElement!.scrollHeight > innerHeight, content: content.scrollHeight > content.clientHeight + 1 };
  });
  expect(scrolls).toEqual({ page: false, content: false });
  await page.screenshot({ path: "../artifacts/playwright/desk-review-long.png" });
});

test("审核任务: A approves; filter by kind", async ({ page }) => {
  await login(page);
  await page.click("#nav button[data-page=review]");
  await page.selectOption("#task-kind", "prior_education");
  await expect(page.locator("#task-table tbody tr")).toHaveCount(1);
  await page.selectOption("#task-kind", "photo");
  await expect(page.locator("#task-table tbody tr")).toHaveCount(2);
  await page.locator("#task-table tbody tr", { hasText: "张三" }).click();
  await expect(page.locator("#task-detail")).toContainText("张三");
  await page.keyboard.press("a");
  await expect(page.locator("#decision-state")).toContainText("通过 · 已决定，待上传");
  expect(await page.evaluate(() => (window as any).__decided)).toEqual([{ task_id: "T-photo-1", approve: true }]);
});

test("报表: the core's numbers in charts and tables; export XLSX shows the saved path", async ({ page }) => {
  await login(page);
  await page.click("#nav button[data-page=report]");
  for (const id of ["chart-hour", "chart-level", "chart-days"]) await expect(page.locator(`#${id} canvas`)).toBeVisible();
  await expect(page.locator("#report-totals")).toContainText("确认 14");
  await expect(page.locator("#table-staff")).toContainText("S002");
  await expect(page.locator("#table-sync")).toContainText("被退回");
  await page.click("#export-xlsx");
  await expect(page.locator("#report-saved")).toContainText(".xlsx");
  const args = (await calls(page, "export_report"))[0];
  expect(args.format).toBe("xlsx");
  expect(args.to).toBe(today);
  await page.screenshot({ path: "../artifacts/playwright/desk-report.png" });
});

test("设置: edit a name, reset a password (asks; must change at next login), enable asks first", async ({ page }) => {
  await login(page);
  await page.click("#nav button[data-page=settings]");
  const row = (id: string) => page.locator("#staff-table tbody tr", { hasText: id });
  await row("S001").locator("button[data-action=edit]").click();
  await expect(page.locator("#edit-staff-name")).toBeFocused();
  await page.fill("#edit-staff-name", "李受理二");
  await page.selectOption("#edit-staff-role", "supervisor");
  await page.click("#staff-edit-ok");
  await expect(row("S001")).toContainText("李受理二");
  await expect(row("S001")).toContainText("主管");
  await row("S001").locator("button[data-action=reset]").click();
  await expect(page.locator("#reset-password")).toBeFocused();
  await page.fill("#reset-password", "short");
  await page.click("#password-reset-ok");
  await expect(page.locator("#password-reset-error")).toHaveText("临时密码至少 8 位");
  await page.fill("#reset-password", "linshi-2026");
  await page.click("#password-reset-ok");
  await page.click(".el-message-box button:has-text('重置')");
  await expect(page.locator("#staff-message")).toHaveText("已重置 李受理二 的密码，该账号下次登录时须修改密码");
  expect(await calls(page, "staff_reset_password")).toEqual([{ staff_id: "S001", new_password: "linshi-2026" }]);
  await row("S009").locator("button[data-action=enable]").click();
  await page.click(".el-message-box button:has-text('启用')");
  await expect(row("S009")).toContainText("正常");
});

test("设置: blacklist add/filter/remove (asks first); devices detected and 重新检测; settings errors in Chinese", async ({ page }) => {
  await login(page);
  await page.click("#nav button[data-page=settings]");
  const bl = page.locator("#blacklist-table tbody tr");
  await expect(bl).toHaveCount(1);
  await page.fill("#blacklist-id", "42010219900101005X");
  await page.fill("#blacklist-reason", "伪造证件");
  await page.click("#blacklist-add-ok");
  await expect(bl).toHaveCount(2);
  await page.fill("#blacklist-filter", "伪造");
  await expect(bl).toHaveCount(1);
  await page.fill("#blacklist-filter", "");
  await page.fill("#blacklist-remove-id", "42010219900101005X");
  await page.click("#blacklist-remove-ok");
  await page.click(".el-message-box button:has-text('取消')");
  await expect(bl).toHaveCount(2);
  await page.click("#blacklist-remove-ok");
  await page.click(".el-message-box button:has-text('移出')");
  await expect(page.locator("#blacklist-message")).toHaveText("已移出禁止名单");
  await expect(bl).toHaveCount(1);
  // From the masked list itself: the row's 移出 asks first, then removes by the entry's key.
  await bl.first().locator("button[data-action=remove-entry]").click();
  await expect(page.locator(".el-message-box")).toContainText("420102********1234");
  await page.click(".el-message-box button:has-text('取消')");
  await expect(bl).toHaveCount(1);
  await bl.first().locator("button[data-action=remove-entry]").click();
  await page.click(".el-message-box button:has-text('移出')");
  await expect(page.locator("#blacklist-message")).toHaveText("已移出禁止名单");
  await expect(bl).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).__removedEntry)).toBe(desk.blacklist[0].key);
  // Devices: the detected reader with its label; a reader plugged in appears after 重新检测.
  await expect(page.locator("#reader-choice")).toContainText("串口读卡器：serial:/dev/ttyUSB0@115200");
  await page.evaluate(() => ((window as any).__plugged = true));
  await page.click("#detect-devices");
  await expect(page.locator("#reader-choice")).toContainText("内置 SAM 的 PC/SC 读卡器：pcsc:ACS ACR39U");
  await page.selectOption("#reader-choice", "pcsc:ACS ACR39U");
  await page.click("#devices button[type=submit]");
  expect(await calls(page, "set_devices")).toEqual([{ reader: "pcsc:ACS ACR39U", camera: "pattern" }]);
  // Other settings: the core's error in Chinese; the printer from printers().
  const sync = page.locator("[data-setting=sync_interval_secs]");
  await sync.locator("input").fill("5");
  await sync.locator("button[data-action=save]").click();
  await expect(sync.locator("[data-error]")).toHaveText("自动同步间隔（秒）须为 10 到 3600 之间的整数");
  const printer = page.locator("[data-setting=printer]");
  await printer.locator("select").selectOption("Brother_HL_2260");
  await printer.locator("button[data-action=save]").click();
  await expect(printer.locator("[data-saved]")).toBeVisible();
  expect((await calls(page, "settings_set")).at(-1)).toEqual({ key: "printer", value: "Brother_HL_2260" });
  await page.screenshot({ path: "../artifacts/playwright/desk-settings.png", fullPage: true });
});

test("counter staff see no supervisor pages; a typed URL goes back to the counter", async ({ page }) => {
  await login(page, "S001", "shouli-2026");
  for (const id of ["review", "closing", "report"]) await expect(page.locator(`#nav button[data-page=${id}]`)).toHaveCount(0);
  await expect(page.locator("#signoff-badge")).toHaveCount(0);
  await page.goto("/#/review");
  await expect(page.locator("#counter-page")).toBeVisible();
  await page.click("#nav button[data-page=today]");
  await expect(page.locator("#supervisor-day")).toHaveCount(0);
  expect(await calls(page, "day_report")).toEqual([]);
});
