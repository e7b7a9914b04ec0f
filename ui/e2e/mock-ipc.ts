// A stand-in for the Rust side in the browser: answers the IPC commands the UI sends,
// with the same shapes (types from bindings.ts) and the same Chinese errors as the core.
import type { Page } from "@playwright/test";

export interface MockStaff {
  staff_id: string;
  name: string;
  role: "counter" | "supervisor";
  password: string;
  disabled?: boolean;
}

export async function mockIpc(page: Page, staff: MockStaff[]): Promise<void> {
  await page.addInitScript((staff: MockStaff[]) => {
    let session: { staff_id: string; name: string; role: string } | null = null;
    const calls: string[] = [];
    const fail = (code: string, message: string) => Promise.reject({ code, message, detail: code });
    const handlers: Record<string, (args: any) => Promise<unknown>> = {
      current_session: async () => session,
      login: async ({ args }) => {
        const s = staff.find((x) => x.staff_id === args.staff_id);
        if (!s || s.password !== args.password) return fail("BAD_CREDENTIALS", "工号或密码错误");
        if (s.disabled) return fail("ACCOUNT_DISABLED", "该账号已停用，请联系主管");
        session = { staff_id: s.staff_id, name: s.name, role: s.role };
        return session;
      },
      logout: async () => {
        session = null;
        return null;
      },
      status_bar: async () => ({
        reader: { health: "off", label: "读卡器：尚未实现" },
        camera: { health: "off", label: "摄像头：尚未实现" },
        network: { health: "off", label: "未登记工作站" },
        queue: { health: "ok", label: "待上传 0" },
      }),
      staff_list: async () =>
        session?.role === "supervisor"
          ? staff.map(({ password: _p, ...s }) => ({ ...s, disabled: !!s.disabled, created_at: "2026-11-22T08:00:00+08:00" }))
          : fail("NOT_AUTHORIZED", "此操作需要主管权限"),
    };
    (window as any).__ipcCalls = calls;
    (window as any).__TAURI_INTERNALS__ = {
      invoke: (cmd: string, args: unknown) => {
        calls.push(cmd);
        const h = handlers[cmd];
        return h ? h(args ?? {}) : fail("INVALID_INPUT", `mock: unknown command ${cmd}`);
      },
      transformCallback: () => 0,
      metadata: { currentWindow: { label: "main" }, currentWebview: { label: "main" } },
    };
  }, staff);
}
