// Counter screen logic, kept pure for Vitest: what each key does, what a refusal offers,
// and the guide overlay's geometry.
import type { CounterView, Refusal } from "../bindings";

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
  kind: "supervisor" | "attach" | "none";
  label: string;
}

export function refusalAction(r: Refusal): RefusalAction {
  if (r.override_flag === "paper_prior_education") return { kind: "attach", label: "扫描上传纸质学历认证报告" };
  if (r.needs_supervisor && r.override_flag) return { kind: "supervisor", label: "主管授权" };
  return { kind: "none", label: "" };
}

export const STAGES: Record<string, string> = {
  idle: "请考生将身份证放在读卡器上",
  refused: "不能确认",
  matched: "信息已核对，请拍照（空格键）",
  photo_taken: "请核对照片，按回车确认",
  confirmed: "确认完成，请打印回执",
};

export function stageLabel(stage: string): string {
  return STAGES[stage] ?? stage;
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

export const PRIOR_STATUS: Record<string, string> = {
  verified: "已认证",
  approved: "已审核通过",
  pending: "待认证",
  report_uploaded: "已上传认证报告，待审核",
  rejected: "认证未通过",
  not_required: "不需要",
};

export const GENDER: Record<string, string> = { "1": "男", "2": "女", "9": "未说明", "0": "未知" };
