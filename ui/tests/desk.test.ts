// The supervisor desk's logic: office days, the sign-off badge, and that the desk's vocabulary
// fields are typed by the generated unions (whose labels tests/labels.test.ts checks).
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createPinia, setActivePinia } from "pinia";
import { daysBefore, officeDay } from "../src/logic/dates";
import { DECISION_STATE_LABEL, TASK_REASON_LABEL } from "../src/logic/labels";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...a: unknown[]) => invoke(...a) }));
const { useDeskStore } = await import("../src/stores/desk");

const bindings = readFileSync(new URL("../src/bindings.ts", import.meta.url), "utf8");
/** The TypeScript type of `field` in `export type TYPE = { … }`. */
function fieldType(type: string, field: string): string {
  const body = bindings.match(new RegExp(`export type ${type} = \\{([\\s\\S]*?)\\};`))![1];
  const m = body.match(new RegExp(`(?:^|[\\s,])${field}[?]?: ([^,\\n]+)`));
  if (!m) throw new Error(`${type}.${field} is not in bindings.ts`);
  return m[1].trim();
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

describe("dictionaries for the desk's vocabulary", () => {
  it("TaskDecisionInfo.state and decision, TaskItem.kind and status, DayEntry.revocation are enums, not strings", () => {
    for (const [type, field, union] of [
      ["TaskDecisionInfo", "state", "DecisionState"],
      ["TaskDecisionInfo", "decision", "DecisionName"],
      ["TaskDecisionInfo", "sync", "EntrySync"],
      ["TaskItem", "kind", "TaskKind"],
      ["TaskItem", "status", "TaskStatus"],
      ["DayEntry", "revocation", "RevocationState | null"],
      ["ConfirmationDetail", "card_source", "CardSourceName"],
      ["ParkedItem", "kind", "OutboxKindName"],
      ["ReaderInfo", "kind", "ReaderKindName"],
    ] as const) {
      expect(fieldType(type, field), `${type}.${field}`).toBe(union);
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
