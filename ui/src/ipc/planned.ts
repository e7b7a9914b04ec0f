// PLANNED IPC commands: asked of the Rust side (see the issue-11 report), not yet in api.rs and so
// not yet in the generated bindings.ts. They are called exactly as the generated wrappers will be
// (`invoke(name, { args })`); until the core has them, the call is rejected and the screen says
// so. Nothing here invents a result. When bindings.ts gains a command, delete it here and import
// it from there.
import { invoke } from "@tauri-apps/api/core";
import type { Receipt, StaffIdArgs } from "../bindings";

export interface RegistrationIdArgs {
  registration_id: string;
}

export const planned = {
  /** Re-enables a disabled staff account (supervisor only; audited). */
  staff_enable: (args: StaffIdArgs): Promise<void> => invoke("staff_enable", { args }),
  /** The receipt of the live (not revoked) confirmation of a registration, any day. */
  receipt_by_registration: (args: RegistrationIdArgs): Promise<Receipt> => invoke("receipt_by_registration", { args }),
};

/** True when a rejection means the command does not exist in this build of the core. */
export function isMissingCommand(e: unknown): boolean {
  const text = typeof e === "string" ? e : e instanceof Error ? e.message : "";
  return /not found|unknown command/i.test(text);
}

export const MISSING_COMMAND_TEXT = "此功能需要更新工作站程序（核心尚未提供该命令）";
