// Every value the Rust side can send has a Chinese label. The unions are read from the generated
// bindings.ts (rendered from the Rust enums by src-tauri/src/gui/bindings.rs), so a flag added in
// Rust fails here until the dictionary has it.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  CHECK_RESULT_LABEL, CONFIRMATION_STATE_LABEL, ENTRY_STATUS_LABEL, ENTRY_SYNC_LABEL, FLAG_LABEL, HEALTH_LABEL, LOCAL_STATUS_LABEL, ROLE_LABEL, STAGE_LABEL, SYNC_PHASE_LABEL,
  flagLabel, flagsText, label,
} from "../src/logic/labels";

const bindings = readFileSync(new URL("../src/bindings.ts", import.meta.url), "utf8");

/** The members of `export type NAME = "a" | "b" | …;` in bindings.ts. */
function union(name: string): string[] {
  const m = bindings.match(new RegExp(`export type ${name} = ([^;]+);`));
  if (!m) throw new Error(`${name} is not in bindings.ts`);
  const members = m[1].split("|").map((s: string) => s.trim());
  for (const s of members) if (!/^"[a-z_]+"$/.test(s)) throw new Error(`${name} has a member that is not a string literal: ${s}`);
  return members.map((s: string) => s.slice(1, -1));
}

const HAN = /^[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef（），、]+/;

const dictionaries: [string, Record<string, string>][] = [
  ["FlagName", FLAG_LABEL],
  ["ConfirmationStateName", CONFIRMATION_STATE_LABEL],
  ["LocalStatusName", LOCAL_STATUS_LABEL],
  ["CheckResult", CHECK_RESULT_LABEL],
  ["Role", ROLE_LABEL],
  ["Health", HEALTH_LABEL],
  ["StageName", STAGE_LABEL],
  ["SyncPhase", SYNC_PHASE_LABEL],
  ["EntryStatus", ENTRY_STATUS_LABEL],
  ["EntrySync", ENTRY_SYNC_LABEL],
];

describe("the dictionary covers every enum the core exports", () => {
  for (const [name, dict] of dictionaries) {
    it(`${name}: every member has a Chinese label, and no label is for a member that does not exist`, () => {
      const members = union(name);
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
