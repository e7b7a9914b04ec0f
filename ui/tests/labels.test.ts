// Every value the Rust side can send has a Chinese label. The unions are read from the generated
// bindings.ts (rendered from the Rust enums by src-tauri/src/gui/bindings.rs), so a flag added in
// Rust fails here until the dictionary has it.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  CARD_SOURCE_LABEL, CHECK_RESULT_LABEL, CONFIRMATION_STATE_LABEL, DECISION_LABEL, DECISION_STATE_LABEL, ENTRY_STATUS_LABEL, ENTRY_SYNC_LABEL, FACE_BAND_LABEL, FLAG_LABEL, HEALTH_LABEL,
  LOCAL_STATUS_LABEL, OUTBOX_KIND_LABEL, REFUSAL_LABEL, REVOCATION_LABEL, ROLE_LABEL, STAGE_LABEL, SYNC_PHASE_LABEL, TASK_KIND_LABEL, TASK_STATUS_LABEL,
  flagLabel, flagsText, label,
} from "../src/logic/labels";

const bindings = readFileSync(new URL("../src/bindings.ts", import.meta.url), "utf8");

/** The members of `export type NAME = "a" | "b" | …;` in bindings.ts. An open vocabulary (the
 * province may add values, kept as received) ends in `| string`: `open` drops that member. */
function union(name: string, open = false): string[] {
  const m = bindings.match(new RegExp(`export type ${name} = ([^;]+);`));
  if (!m) throw new Error(`${name} is not in bindings.ts`);
  let members = m[1].split("|").map((s: string) => s.trim());
  if (open) {
    if (members[members.length - 1] !== "string") throw new Error(`${name} is not an open vocabulary`);
    members = members.slice(0, -1);
  }
  for (const s of members) if (!/^"([a-z_]+|[A-Z_]+)"$/.test(s)) throw new Error(`${name} has a member that is not a string literal: ${s}`);
  return members.map((s: string) => s.slice(1, -1));
}

const HAN = /^[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef（），、]+/;

const dictionaries: [string, Record<string, string>, boolean?][] = [
  ["FlagName", FLAG_LABEL],
  ["RefusalCodeName", REFUSAL_LABEL],
  ["ConfirmationStateName", CONFIRMATION_STATE_LABEL],
  ["LocalStatusName", LOCAL_STATUS_LABEL],
  ["CheckResult", CHECK_RESULT_LABEL],
  ["Role", ROLE_LABEL],
  ["Health", HEALTH_LABEL],
  ["StageName", STAGE_LABEL],
  ["SyncPhase", SYNC_PHASE_LABEL],
  ["EntryStatus", ENTRY_STATUS_LABEL],
  ["EntrySync", ENTRY_SYNC_LABEL],
  ["FaceBandName", FACE_BAND_LABEL],
  ["CardSourceName", CARD_SOURCE_LABEL],
  ["DecisionName", DECISION_LABEL],
  ["DecisionState", DECISION_STATE_LABEL],
  ["RevocationState", REVOCATION_LABEL],
  ["TaskKind", TASK_KIND_LABEL, true],
  ["TaskStatus", TASK_STATUS_LABEL, true],
  ["OutboxKindName", OUTBOX_KIND_LABEL, true],
];

describe("the dictionary covers every enum the core exports", () => {
  for (const [name, dict, open] of dictionaries) {
    it(`${name}: every member has a Chinese label, and no label is for a member that does not exist`, () => {
      const members = union(name, open);
      expect(members.length).toBeGreaterThan(0);
      for (const m of members) {
        expect(dict[m], `${name}.${m} has no label`).toBeDefined();
        expect(dict[m], `${name}.${m}`).toMatch(HAN);
      }
      expect(Object.keys(dict).sort()).toEqual([...members].sort());
    });
  }
  it("reads FlagName from the bindings (the test can see a new flag)", () => {
    expect(union("FlagName")).toContain("name_mismatch");
    expect(() => union("NoSuchType")).toThrow();
  });
});

describe("labels in use", () => {
  it("shows flags in Chinese, joined", () => {
    expect(flagLabel("name_mismatch")).toBe("姓名不一致（主管核实）");
    expect(flagsText(["manual_entry", "card_expired"])).toBe("手工录入，证件过期（主管授权）");
    expect(flagsText([])).toBe("无");
  });
  it("never shows a bare unknown code", () => {
    expect(label({ a: "甲" }, "b")).toBe("未知（b）");
    expect(label({ a: "甲" }, null)).toBe("—");
  });
});
