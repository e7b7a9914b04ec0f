// The supervisor desk's logic: office days, the sign-off badge, and the dictionaries for values
// documented in bindings.ts comments (not unions there, so read from the comments).
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createPinia, setActivePinia } from "pinia";
import { daysBefore, officeDay } from "../src/logic/dates";
import { DECISION_STATE_LABEL, REVOCATION_LABEL, TASK_KIND_LABEL, TASK_REASON_LABEL, TASK_STATUS_LABEL } from "../src/logic/labels";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...a: unknown[]) => invoke(...a) }));
const { useDeskStore } = await import("../src/stores/desk");

const bindings = readFileSync(new URL("../src/bindings.ts", import.meta.url), "utf8");
/** The values a doc comment lists as `a | b | c` right before `field:` in the type `type`. */
function documented(type: string, field: string): string[] {
  const body = bindings.match(new RegExp(`export type ${type} = \\{([\\s\\S]*?)\\};`))![1];
  const m = body.match(new RegExp(`\\* ([a-z_| ]+)(?:,[^\\n]*)?\\n\\s*\\*/\\n${field}[?]?:`));
  if (!m) throw new Error(`${type}.${field} has no documented values`);
  return m[1].split("|").map((s) => s.trim());
}

describe("office days", () => {
  it("are in +08:00 whatever the machine's zone", () => {
    expect(officeDay(new Date("2026-11-21T16:30:00Z"))).toBe("2026-11-22");
    expect(officeDay(new Date("2026-11-21T15:59:00Z"))).toBe("2026-11-21");
  });
  it("count back across months", () => {
    expect(daysBefore("2026-12-01", 6)).toBe("2026-11-25");
  });
});

describe("dictionaries for documented values", () => {
  it("TaskDecisionInfo.state, TaskItem.kind and status, DayEntry.revocation", () => {
    for (const [type, field, dict] of [
      ["TaskDecisionInfo", "state", DECISION_STATE_LABEL],
      ["TaskItem", "kind", TASK_KIND_LABEL],
      ["TaskItem", "status", TASK_STATUS_LABEL],
      ["DayEntry", "revocation", REVOCATION_LABEL],
    ] as const) {
      const values = documented(type, field);
      expect(values.length).toBeGreaterThan(1);
      expect(Object.keys(dict).sort(), `${type}.${field}`).toEqual([...values].sort());
    }
  });
  it("the stale and superseded decisions say what to do", () => {
    expect(DECISION_STATE_LABEL.stale).toBe("任务已更新，请重新审核");
    expect(DECISION_STATE_LABEL.superseded).toBe("已由其他考点审核");
  });
  it("photo reasons match the core's (src-tauri/src/desk/tasks.rs)", () => {
    const rs = readFileSync(new URL("../../src-tauri/src/desk/tasks.rs", import.meta.url), "utf8");
    const block = rs.match(/PHOTO_REASONS[^=]*=\s*&\[([\s\S]*?)\];/)![1];
    const codes = [...block.matchAll(/\("([a-z_]+)", "([^"]+)"\)/g)].map((m) => [m[1], m[2]]);
    expect(codes.length).toBe(8);
    expect(Object.entries(TASK_REASON_LABEL)).toEqual(codes);
  });
});

describe("desk store", () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    invoke.mockReset();
  });
  const entry = (id: string, needs: boolean) => ({ confirmation_id: id, needs_signoff: needs });
  it("the badge counts today's entries needing sign-off", async () => {
    invoke.mockResolvedValue({ date: officeDay(), items: [entry("C1", true), entry("C2", false), entry("C3", true)], totals: {} });
    const s = useDeskStore();
    await s.refreshBadge();
    expect(s.needsSignoff).toBe(2);
    expect(invoke).toHaveBeenCalledWith("day_report", { args: {} });
  });
  it("a filtered or other day's list does not change the badge", async () => {
    const s = useDeskStore();
    s.needsSignoff = 5;
    invoke.mockResolvedValue({ date: officeDay(), items: [], totals: {} });
    await s.load({ date: officeDay(), sync: "rejected" });
    expect(s.needsSignoff).toBe(5);
    invoke.mockResolvedValue({ date: "2020-01-01", items: [], totals: {} });
    await s.load({ date: "2020-01-01" });
    expect(s.needsSignoff).toBe(5);
    invoke.mockResolvedValue({ date: officeDay(), items: [entry("C1", true)], totals: {} });
    await s.load({ date: officeDay() });
    expect(s.needsSignoff).toBe(1);
    expect(s.report?.items).toHaveLength(1);
  });
  it("a failed refresh keeps the badge", async () => {
    const s = useDeskStore();
    s.needsSignoff = 3;
    invoke.mockRejectedValue({ code: "NOT_AUTHORIZED", message: "此操作需要主管权限" });
    await s.refreshBadge();
    expect(s.needsSignoff).toBe(3);
  });
});
