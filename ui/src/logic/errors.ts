// Turns whatever an IPC call rejected with into one Chinese line for staff.
import type { ErrorInfo } from "../bindings";
import { isMissingCommand, MISSING_COMMAND_TEXT } from "../ipc/planned";

export function isDeskError(e: unknown): e is ErrorInfo {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** The message staff see; unknown failures never show raw English. */
export function staffMessage(e: unknown): string {
  if (isDeskError(e)) return e.message;
  if (isMissingCommand(e)) return MISSING_COMMAND_TEXT;
  return "操作失败，请重试；如反复出现请联系技术支持";
}
