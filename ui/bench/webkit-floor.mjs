// scripts/app-bench.sh floor: RSS/PSS of a bare WebKitGTK window (ui/bench/webkit-floor.c, built
// by the script, path in argv[2]) and its WebKit processes after it has settled. Reported, never
// asserted: it is what the memory goal stands on before the app adds anything.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { memory, sum, tree } from "./procs.mjs";

const out = `${process.env.ZKDESK_ARTIFACTS ?? "../artifacts"}/bench`;
const child = spawn(process.argv[2], ["about:blank"], { stdio: "ignore" });
await new Promise((r) => setTimeout(r, Number(process.env.BENCH_SECONDS ?? 8) * 1000));
const mem = memory(tree(child.pid));
child.kill();
const data = {
  what: "bare WebKitGTK window, about:blank, 1366x768",
  env: { WEBKIT_DISABLE_COMPOSITING_MODE: process.env.WEBKIT_DISABLE_COMPOSITING_MODE ?? null },
  total_rss_mib: +sum(mem, "rss_mib").toFixed(1),
  total_pss_mib: +sum(mem, "pss_mib").toFixed(1),
  processes: mem.map((m) => ({ name: m.name, rss_mib: +m.rss_mib.toFixed(1), pss_mib: +m.pss_mib.toFixed(1), anon_mib: +m.anon_mib.toFixed(1) })),
};
mkdirSync(out, { recursive: true });
writeFileSync(`${out}/floor.json`, JSON.stringify(data, null, 2));
console.log(JSON.stringify(data, null, 2));
