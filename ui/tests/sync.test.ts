import { describe, expect, it } from "vitest";
import { applySyncEvent, initialSyncView, phaseLabel, reportLine } from "../src/logic/sync";
import type { SyncReport } from "../src/bindings";

const report: SyncReport = {
  skipped: false, reference_updated: true, registrations_applied: 1200, registrations_ignored: 0, registrations_unknown_values: 0, tasks_applied: 3,
  blocks_leased: 1, accepted: 5, parked: 1, resent_after_stale: 0, clock_offset_ms: 12, error: null, error_detail: null, retry_at: null,
};

describe("sync view", () => {
  it("runs from started through progress to finished", () => {
    let v = applySyncEvent(initialSyncView, { kind: "started" });
    expect(v.running).toBe(true);
    v = applySyncEvent(v, { kind: "progress", progress: { phase: "registrations", done: 1000 } });
    expect([v.phase, v.done]).toEqual(["registrations", 1000]);
    expect(phaseLabel(v.phase)).toBe("下载报名数据");
    v = applySyncEvent(v, { kind: "finished", report });
    expect(v.running).toBe(false);
    expect(v.failure).toBeNull();
    expect(reportLine(report)).toBe("报名更新 1200 条，上传成功 5 条，被退回 1 条，新号段 1 个");
  });
  it("keeps the reason of a cycle that stopped", () => {
    const v = applySyncEvent(initialSyncView, { kind: "finished", report: { ...report, error: "无法连接省平台" } });
    expect(v.failure).toBe("无法连接省平台");
    expect(applySyncEvent(v, { kind: "failed", message: "本工作站尚未登记" }).failure).toBe("本工作站尚未登记");
  });
});
