// The app's processes and what they cost, read from /proc: the zkdesk binary and every process
// below it (WebKitWebProcess, WebKitNetworkProcess, …). Linux only.
import { readFileSync, readdirSync, readlinkSync, realpathSync } from "node:fs";

const TICKS = 100; // USER_HZ on Linux

function read(p) {
  try {
    return readFileSync(p, "utf8");
  } catch {
    return null;
  }
}

function stat(pid) {
  const s = read(`/proc/${pid}/stat`);
  if (!s) return null;
  const rest = s.slice(s.lastIndexOf(")") + 2).split(" ");
  return { ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) };
}

export function findApp(appPath) {
  const want = realpathSync(appPath);
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readlinkSync(`/proc/${d}/exe`) === want) return Number(d);
    } catch {}
  }
  return null;
}

/** The app and all its descendants, with names. */
export function tree(root) {
  const all = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    const st = stat(d);
    if (st) all.push({ pid: Number(d), ppid: st.ppid });
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const p of all) if (p.ppid === out[i]) out.push(p.pid);
  return out.map((pid) => ({ pid, name: (read(`/proc/${pid}/comm`) ?? "?").trim() }));
}

export function cpuTicks(pids) {
  const m = {};
  for (const { pid } of pids) m[pid] = stat(pid)?.ticks ?? 0;
  return m;
}

/** RSS and PSS in MiB per process (PSS shares shared pages fairly between processes). */
export function memory(pids) {
  return pids.map(({ pid, name }) => {
    const status = read(`/proc/${pid}/status`) ?? "";
    const rollup = read(`/proc/${pid}/smaps_rollup`) ?? "";
    const kb = (text, key) => Number(text.match(new RegExp(`^${key}:\\s+(\\d+)`, "m"))?.[1] ?? 0);
    return { pid, name, rss_mib: kb(status, "VmRSS") / 1024, pss_mib: kb(rollup, "Pss") / 1024, anon_mib: kb(rollup, "Pss_Anon") / 1024 };
  });
}

/** Resident memory of one process grouped by mapping (what is in it), biggest first. */
export function smapsByMapping(pid, top = 12) {
  const text = read(`/proc/${pid}/smaps`) ?? "";
  const groups = {};
  let current = "[anon]";
  for (const line of text.split("\n")) {
    const head = line.match(/^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/);
    if (head) {
      const path = head[1].trim();
      current = path === "" ? "[anon]" : path.startsWith("/memfd:") ? "[memfd]" : path;
      continue;
    }
    const m = line.match(/^Rss:\s+(\d+) kB/);
    if (m) groups[current] = (groups[current] ?? 0) + Number(m[1]);
  }
  return Object.entries(groups)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([mapping, kb]) => ({ mapping, rss_mib: +(kb / 1024).toFixed(1) }));
}

export function cpuCores(before, after, seconds) {
  let t = 0;
  const per = {};
  for (const pid of Object.keys(after)) {
    const d = (after[pid] ?? 0) - (before[pid] ?? 0);
    per[pid] = d / TICKS / seconds;
    t += d;
  }
  return { total: t / TICKS / seconds, per };
}

export const sum = (xs, k) => xs.reduce((a, x) => a + x[k], 0);
