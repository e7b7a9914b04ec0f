import { describe, expect, it } from "vitest";
import { guide, keyAction, refusalAction, stageLabel } from "../src/logic/counter";
import type { CounterView, Refusal } from "../src/bindings";

const view = (over: Partial<CounterView>): CounterView => ({
  stage: "idle", card: null, card_source: null, registration: null, refusals: [], flags: [], photo: null,
  photo_jpeg_base64: null, receipt: null, notice: null, chip_photo_jpeg_base64: null, face_match_score: null, face_match_text: null, same_face: null, can_capture: false, can_confirm: false, ...over,
});
const reg = { registration_id: "R1" } as CounterView["registration"];

describe("keyboard", () => {
  it("Space captures only when the core says a photo may be taken", () => {
    expect(keyAction(" ", view({}), false)).toBeNull();
    expect(keyAction(" ", view({ stage: "matched", registration: reg, can_capture: true }), false)).toBe("capture");
    expect(keyAction(" ", view({ stage: "matched", registration: reg }), false)).toBeNull();
    expect(keyAction(" ", view({ stage: "confirmed", registration: reg }), false)).toBeNull();
  });
  it("Enter confirms only when the core says it can", () => {
    expect(keyAction("Enter", view({ stage: "photo_taken", registration: reg }), false)).toBeNull();
    expect(keyAction("Enter", view({ stage: "photo_taken", registration: reg, can_confirm: true }), false)).toBe("confirm");
  });
  it("Esc cancels anything but idle, and nothing fires while typing", () => {
    expect(keyAction("Escape", view({}), false)).toBeNull();
    expect(keyAction("Escape", view({ stage: "refused" }), false)).toBe("cancel");
    expect(keyAction("Enter", view({ can_confirm: true }), true)).toBeNull();
  });
});

describe("refusals", () => {
  const r = (over: Partial<Refusal>): Refusal => ({ code: "NOT_FOUND", message: "m", override_flag: null, needs_supervisor: false, ...over });
  it("offers the right way out", () => {
    expect(refusalAction(r({ code: "ALREADY_CONFIRMED" })).kind).toBe("reprint");
    expect(refusalAction(r({ code: "NOT_FOUND" })).kind).toBe("none");
    expect(refusalAction(r({ override_flag: "name_mismatch", needs_supervisor: true })).label).toBe("主管授权");
    expect(refusalAction(r({ override_flag: "paper_prior_education" })).kind).toBe("attach");
  });
  it("labels every stage in Chinese", () => {
    for (const s of ["idle", "refused", "matched", "photo_taken", "confirmed"]) expect(stageLabel(s)).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe("guide overlay", () => {
  it("puts the 3:4 frame in the middle and the eye band at 30–50%", () => {
    const g = guide(640, 480);
    expect(g.frame).toEqual({ x: 140, y: 0, w: 360, h: 480 });
    expect([g.eyes.y0, g.eyes.y1]).toEqual([144, 240]);
    expect(g.head.cx).toBe(320);
  });
});
