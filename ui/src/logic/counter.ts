// Counter screen logic, kept pure for Vitest: what each key does, what a refusal offers,
// and the guide overlay's geometry.
import type { CounterView, Refusal } from "../bindings";
import { STAGE_LABEL } from "./labels";

export type Action = "capture" | "confirm" | "cancel" | null;

/** Space captures, Enter confirms, Esc cancels — only when the core says that step is allowed. */
export function keyAction(key: string, v: CounterView | null, typing: boolean): Action {
  if (typing || !v) return null;
  if (key === "Escape") return v.stage === "idle" ? null : "cancel";
  if (key === " " || key === "Spacebar") return v.can_capture ? "capture" : null;
  if (key === "Enter") return v.can_confirm ? "confirm" : null;
  return null;
}

export interface RefusalAction {
  kind: "supervisor" | "attach" | "reprint" | "none";
  label: string;
}

export function refusalAction(r: Refusal): RefusalAction {
  if (r.override_flag === "paper_prior_education") return { kind: "attach", label: "上传纸质学历认证报告" };
  if (r.needs_supervisor && r.override_flag) return { kind: "supervisor", label: "主管授权" };
  if (r.code === "ALREADY_CONFIRMED") return { kind: "reprint", label: "重打回执" };
  return { kind: "none", label: "" };
}

export const STAGES = STAGE_LABEL;

export function stageLabel(stage: string): string {
  return (STAGE_LABEL as Record<string, string>)[stage] ?? stage;
}

/** The head-and-shoulders guide on a w×h preview: an oval for the head, the band where eyes belong. */
export function guide(w: number, h: number) {
  // The preview is 4:3; the photo is 3:4 in its middle.
  const pw = (h * 3) / 4;
  const px = (w - pw) / 2;
  return {
    frame: { x: px, y: 0, w: pw, h },
    head: { cx: w / 2, cy: h * 0.4, rx: pw * 0.26, ry: h * 0.24 },
    eyes: { y0: h * 0.3, y1: h * 0.5 },
  };
}

/** True when a new view is a different candidate than the one before (a new card or entry). */
export function isNewCandidate(prev: CounterView | null, next: CounterView): boolean {
  const a = prev?.card?.id_number ?? prev?.registration?.registration_id ?? null;
  const b = next.card?.id_number ?? next.registration?.registration_id ?? null;
  return b !== null && a !== b;
}

/** Whether the view deserves a cue: a new candidate or a new refusal. */
export function cueFor(prev: CounterView | null, next: CounterView): "ok" | "bad" | null {
  const newCard = isNewCandidate(prev, next);
  const moreRefusals = next.refusals.length > 0 && next.refusals.length !== (prev?.refusals.length ?? 0);
  if (!newCard && !moreRefusals) return null;
  return next.refusals.length === 0 ? "ok" : "bad";
}
