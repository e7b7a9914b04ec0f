// Turns whatever an IPC call rejected with into one Chinese line for staff.
import type { ErrorInfo } from "../bindings";

export function isDeskError(e: unknown): e is ErrorInfo {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** The message staff see; unknown failures never show raw English. */
export function staffMessage(e: unknown): string {
  if (isDeskError(e)) return e.message;
  return "操作失败，请重试；如反复出现请联系技术支持";
}
