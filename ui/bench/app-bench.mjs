// Benchmarks on the real window (started by scripts/app-bench.sh under Xvfb with tauri-driver):
//   preview  CPU of all the app's processes and frames shown per second on the counter page
//   memory   RSS/PSS of all the app's processes idle on the counter, then after N confirmations
// Numbers are reported (stdout and artifacts/bench/*.json), never asserted.
import { mkdirSync, writeFileSync } from "node:fs";
import { Builder, By, Capabilities, until } from "selenium-webdriver";
import { logIn } from "../e2e-window/window-driver.mjs";
import { cpuCores, cpuTicks, findApp, memory, smapsByMapping, sum, tree } from "./procs.mjs";

const mode = process.argv[2] ?? "preview";
const app = process.env.ZKDESK_APP;
const out = `${process.env.ZKDESK_ARTIFACTS ?? "../artifacts"}/bench`;
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const confirmations = Number(process.env.BENCH_CONFIRMATIONS ?? 50);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const caps = new Capabilities();
caps.set("tauri:options", { application: app, args: ["--data-dir", process.env.ZKDESK_DATA_DIR] });
caps.setBrowserName("wry");
const driver = await new Builder().withCapabilities(caps).usingServer(`http://127.0.0.1:${process.env.ZKDESK_DRIVER_PORT ?? 4444}/`).build();

async function stage() {
  return driver.findElement(By.id("counter-page")).getAttribute("data-stage");
}
async function waitStage(s, ms = 20000) {
  await driver.wait(async () => (await stage()) === s, ms, `stage ${s}`);
}
const frames = () => driver.executeScript("return Number(document.getElementById('preview')?.dataset.frames ?? 0)");

function report(name, data) {
  mkdirSync(out, { recursive: true });
  writeFileSync(`${out}/${name}.json`, JSON.stringify(data, null, 2));
  console.log(JSON.stringify(data, null, 2));
}

function snapshot(label, root) {
  const procs = tree(root);
  const mem = memory(procs);
  return {
    label,
    total_rss_mib: +sum(mem, "rss_mib").toFixed(1),
    total_pss_mib: +sum(mem, "pss_mib").toFixed(1),
    processes: mem.map((m) => ({ ...m, rss_mib: +m.rss_mib.toFixed(1), pss_mib: +m.pss_mib.toFixed(1), anon_mib: +m.anon_mib.toFixed(1) })),
  };
}

try {
  await logIn(driver, "A001", "window-test-pw");
  await driver.wait(until.elementLocated(By.id("counter-page")), 15000);
  await driver.wait(async () => (await frames()) >= 5, 20000, "preview frames arrive");
  const root = findApp(app);
  if (!root) throw new Error(`no process runs ${app}`);
  await sleep(3000); // settle

  if (mode === "preview") {
    const procs = tree(root);
    const f0 = await frames();
    const c0 = cpuTicks(procs);
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const c1 = cpuTicks(procs);
    const f1 = await frames();
    const dt = (performance.now() - t0) / 1000;
    const cpu = cpuCores(c0, c1, dt);
    report("preview", {
      app,
      camera: process.env.ZKDESK_CAMERA,
      seconds: +dt.toFixed(2),
      fps: +((f1 - f0) / dt).toFixed(1),
      cpu_cores_total: +cpu.total.toFixed(3),
      per_process: procs.map((p) => ({ ...p, cores: +(cpu.per[p.pid] ?? 0).toFixed(3) })),
      env: { WEBKIT_DISABLE_COMPOSITING_MODE: process.env.WEBKIT_DISABLE_COMPOSITING_MODE ?? null },
    });
  } else {
    const idle = snapshot("idle on the counter", root);
    const marks = [];
    const sims = await driver.executeScript("return (window.__TAURI_INTERNALS__ ? 1 : 0)");
    if (!sims) throw new Error("no IPC");
    for (let i = 0; i < confirmations; i++) {
      // Card i of the sample file: the same call the 模拟刷卡 button makes.
      await driver.executeScript("return window.__TAURI_INTERNALS__.invoke('sim_swipe', { args: { index: arguments[0] } })", i);
      await waitStage("matched");
      await driver.findElement(By.id("capture")).click();
      await waitStage("photo_taken", 60000);
      // One portrait for every candidate: from the second on the 替考 alert stands in the way, and
      // a supervisor lifts it through the dialog, as at the counter.
      const lifts = () => driver.findElements(By.css("[data-override]"));
      for (let left = (await lifts()).length, guard = 0; left > 0 && guard < 5; guard++) {
        await (await lifts())[0].click();
        const sup = await driver.wait(until.elementLocated(By.id("dlg-supervisor")), 10000);
        await driver.wait(until.elementIsVisible(sup), 10000);
        // The dialog focuses its first field once it has opened: typing before that would lose
        // the keys that land while the focus moves.
        await driver.wait(() => driver.executeScript("return document.activeElement?.id === 'dlg-supervisor'"), 10000, "dialog focused");
        await sup.clear();
        await sup.sendKeys("A001");
        const pw = await driver.findElement(By.id("dlg-password"));
        await pw.clear();
        await pw.sendKeys("window-test-pw");
        await driver.findElement(By.id("dlg-ok")).click();
        await driver.wait(async () => (await lifts()).length < left, 15000).catch(async (e) => {
          throw new Error(`confirmation ${i + 1}: override not applied (${await driver.findElement(By.tagName("body")).getText()})`, { cause: e });
        });
        left = (await lifts()).length;
      }
      // The dialog's overlay fades out: click once it no longer covers the button.
      await driver.wait(
        () => driver.findElement(By.id("confirm")).click().then(() => true, (e) => (e.name === "ElementClickInterceptedError" ? false : Promise.reject(e))),
        10000,
        "confirm clickable",
      );
      await driver.wait(until.elementLocated(By.id("receipt")), 15000).catch(async (e) => {
        throw new Error(`confirmation ${i + 1}: no receipt (${await driver.findElement(By.id("counter-page")).getText()})`, { cause: e });
      });
      await driver.findElement(By.id("next")).click();
      await waitStage("idle");
      if ((i + 1) % 10 === 0) marks.push(snapshot(`after ${i + 1} confirmations`, root));
    }
    await sleep(3000);
    const after = snapshot(`after ${confirmations} confirmations (+3 s)`, root);
    const web = tree(root).find((p) => p.name.startsWith("WebKitWebProces"));
    report("memory", {
      app,
      env: { WEBKIT_DISABLE_COMPOSITING_MODE: process.env.WEBKIT_DISABLE_COMPOSITING_MODE ?? null },
      idle,
      marks: marks.map((m) => ({ label: m.label, total_rss_mib: m.total_rss_mib, total_pss_mib: m.total_pss_mib })),
      after,
      where: { app: smapsByMapping(root), web_process: web ? smapsByMapping(web.pid) : null },
    });
  }
} catch (e) {
  // What the window showed when the run broke, for the log and artifacts/bench/failure.png.
  mkdirSync(out, { recursive: true });
  writeFileSync(`${out}/failure.png`, await driver.takeScreenshot(), "base64");
  console.error(`bench failed on this page: ${await driver.findElement(By.tagName("body")).getText()}`);
  throw e;
} finally {
  await driver.quit();
}
