// Sync state for the 同步 page and the status bar, fed by "sync-status" events.
import type { SyncEvent, SyncReport } from "../bindings";
import { SYNC_PHASE_LABEL } from "./labels";

export interface SyncView {
  running: boolean;
  phase: string | null;
  done: number;
  last: SyncReport | null;
  failure: string | null;
}

export const initialSyncView: SyncView = { running: false, phase: null, done: 0, last: null, failure: null };

/** Folds one event into the view (pure, so it is unit-tested). */
export function applySyncEvent(v: SyncView, e: SyncEvent): SyncView {
  switch (e.kind) {
    case "started":
      return { ...v, running: true, phase: null, done: 0, failure: null };
    case "progress":
      return { ...v, running: true, phase: e.progress.phase, done: e.progress.done };
    case "finished":
      return { ...v, running: false, phase: null, last: e.report, failure: e.report.error ?? null };
    case "failed":
      return { ...v, running: false, phase: null, failure: e.message };
  }
}

export function phaseLabel(phase: string | null): string {
  return phase ? ((SYNC_PHASE_LABEL as Record<string, string>)[phase] ?? phase) : "";
}

/** One line for staff about the last finished cycle. */
export function reportLine(r: SyncReport): string {
  if (r.skipped) return "等待重试中";
  const parts = [`报名更新 ${r.registrations_applied} 条`, `上传成功 ${r.accepted} 条`];
  if (r.parked > 0) parts.push(`被退回 ${r.parked} 条`);
  if (r.blocks_leased > 0) parts.push(`新号段 ${r.blocks_leased} 个`);
  return parts.join("，");
}
