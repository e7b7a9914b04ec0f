// A stand-in for the Rust side in the browser: answers the IPC commands the UI sends,
// with the same shapes (types from bindings.ts) and the same Chinese errors as the core.
import type { Page } from "@playwright/test";

export interface MockStaff {
  staff_id: string;
  name: string;
  role: "counter" | "supervisor";
  password: string;
  disabled?: boolean;
  /** A supervisor reset the password: the login answer says so and nothing else works until changed. */
  mustChange?: boolean;
}

/** Counter views produced by the real core (see tests/tests/counter.rs), replayed by the mock. */
export type CounterFixtures = Record<string, any>;

/** The supervisor desk's data (e2e/fixtures/desk.ts), answered statefully by the mock. */
export type DeskFixtures = Record<string, any>;

export async function mockIpc(page: Page, staff: MockStaff[], counter: { views: CounterFixtures; swipes: string[]; supervisorPassword?: string } = { views: {}, swipes: [] }, desk: DeskFixtures = {}): Promise<void> {
  await page.addInitScript(([staff, counter, desk]: [MockStaff[], { views: CounterFixtures; swipes: string[]; supervisorPassword?: string }, DeskFixtures]) => {
    let session: { staff_id: string; name: string; role: string; must_change_password: boolean; locked: boolean } | null = null;
    let recoveryKey: string | null = null;
    const calls: string[] = [];
    const fail = (code: string, message: string) => Promise.reject({ code, message, detail: code });
    const callbacks: Record<number, (e: unknown) => void> = {};
    const listeners: Record<string, number[]> = {};
    let nextId = 1;
    const emit = (event: string, payload: unknown) => (listeners[event] ?? []).forEach((id) => callbacks[id]?.({ event, id, payload }));
    (window as any).__emit = emit;
    const idle = { stage: "idle", card: null, card_source: null, registration: null, refusals: [], flags: [], photo: null, photo_jpeg_base64: null, receipt: null, notice: null, chip_photo_jpeg_base64: null, face_match_score: null, face_match_text: null, same_face: null, can_capture: false, can_confirm: false };
    let view = counter.views.idle ?? idle;
    const to = (name: string) => {
      view = counter.views[name];
      return view;
    };
    const supervisorOnly = () => (session?.role === "supervisor" ? null : fail("NOT_AUTHORIZED", "此操作需要主管权限"));
    // The supervisor desk, as the core answers it (filters, totals, sign-off, revocation, tasks).
    function deskHandlers(): Record<string, (args: any) => Promise<unknown>> {
      const entries: any[] = (desk.entries ?? []).map((e: any) => ({ ...e }));
      const tasks: any[] = (desk.tasks ?? []).map((t: any) => ({ ...t }));
      const blacklist: any[] = [...(desk.blacklist ?? [])];
      const settings: any[] = (desk.settings ?? []).map((s: any) => ({ ...s }));
      const totals = (items: any[]) => ({
        confirmed: items.filter((e) => e.status === "confirmed").length,
        revoked: items.filter((e) => e.status === "revoked").length,
        flagged: items.filter((e) => e.flags.length > 0).length,
        signed_off: items.filter((e) => e.signed_off_by).length,
        sync_pending: items.filter((e) => e.sync === "pending").length,
        sync_accepted: items.filter((e) => e.sync === "accepted").length,
        sync_rejected: items.filter((e) => e.sync === "rejected").length,
      });
      const guard = async <T>(f: () => T | Promise<T>) => supervisorOnly() ?? f();
      return {
        day_report: ({ args }) => guard(() => {
          const items = entries.filter((e) =>
            (!args.date || e.confirmed_at.startsWith(args.date)) && (!args.staff_id || e.staff_id === args.staff_id) && (!args.flag || e.flags.includes(args.flag)) &&
            (!args.status || e.status === args.status) && (!args.sync || e.sync === args.sync) &&
            (!args.search || e.name.startsWith(args.search) || e.registration_id === args.search || e.id_number_masked.replace(/\*/g, "").includes(args.search)));
          return { date: args.date ?? desk.today, items, totals: totals(items) };
        }),
        confirmation_detail: ({ args }) => guard(() => {
          const e = entries.find((x) => x.confirmation_id === args.id);
          return e ? { ...e, card_source: "chip", photo_jpeg_base64: desk.photo, audit: desk.audit ?? [{ seq: 42, at: e.confirmed_at, actor: e.staff_id, action: "confirmed" }] } : fail("NOT_FOUND", "未找到该确认记录");
        }),
        signoff: ({ args }) => guard(() => {
          const e = entries.find((x) => x.confirmation_id === args.confirmation_id);
          if (!e.needs_signoff) return fail("INVALID_INPUT", "该记录无需复核");
          Object.assign(e, { needs_signoff: false, signed_off_by: session!.staff_id });
          (window as any).__signoff = args;
          return null;
        }),
        revoke: ({ args }) => guard(() => {
          const e = entries.find((x) => x.confirmation_id === args.confirmation_id);
          Object.assign(e, { status: "revoked", revocation: "pending", revocation_reason: args.reason });
          return { revocation_id: "V1", confirmation_id: e.confirmation_id };
        }),
        reconcile: ({ args }) => guard(() => ({ ...desk.reconcile, date: args.date })),
        report_range: ({ args }) => guard(() => ({ ...desk.range, from: args.from, to: args.to })),
        export_report: ({ args }) => guard(() => ({ path: `/home/staff/Documents/zkdesk/${args.to}/${args.from === args.to && args.format === "pdf" ? "日结单" : "报表"}-${args.from}-${args.to}.${args.format}` })),
        tasks_list: ({ args }) => guard(() => tasks.filter((t) => (!args.kind || t.kind === args.kind) && (!args.status || t.status === args.status)).map(({ registration: _r, photo_jpeg_base64: _p, auto_check_failures: _a, our_checks: _o, counter_photo_jpeg_base64: _c, documents: _d, declared: _e, decided_elsewhere: _x, reasons: _s, ...item }) => item)),
        task_show: ({ args }) => guard(() => {
          const t = tasks.find((x) => x.task_id === args.id);
          if (!t) return fail("NOT_FOUND", "未找到该审核任务");
          t.locked_by = session!.staff_id;
          return t;
        }),
        task_decide: ({ args }) => guard(() => {
          const t = tasks.find((x) => x.task_id === args.task_id);
          if (!args.approve && !args.reason_code) return fail("INVALID_INPUT", "驳回须选择原因");
          t.decision = { decision_id: `D-${args.task_id}`, decision: args.approve ? "approve" : "reject", reason_code: args.reason_code ?? null, sync: "pending", state: "pending", reason: null };
          (window as any).__decided = [...((window as any).__decided ?? []), args];
          return { decision_id: t.decision.decision_id, task_id: t.task_id };
        }),
        staff_edit: ({ args }) => guard(() => {
          const s = staff.find((x) => x.staff_id === args.staff_id)!;
          if (args.name) s.name = args.name;
          if (args.role) s.role = args.role;
          return { staff_id: s.staff_id, name: s.name, role: s.role, disabled: !!s.disabled, created_at: "2026-11-22T08:00:00+08:00" };
        }),
        staff_reset_password: ({ args }) => guard(() => {
          const s = staff.find((x) => x.staff_id === args.staff_id)!;
          s.password = args.new_password;
          s.mustChange = true;
          return null;
        }),
        blacklist_list: () => guard(() => blacklist.map((b) => ({ ...b }))),
        blacklist_add: ({ args }) => guard(() => {
          if (!/^\d{17}[\dX]$/.test(args.id_number)) return fail("INVALID_INPUT", "身份证号码无效");
          blacklist.push({ key: `k-${args.id_number}`, id_number_masked: `${args.id_number.slice(0, 6)}********${args.id_number.slice(14)}`, reason: args.reason, added_by: session!.staff_id, added_at: "2026-11-22T11:00:00+08:00" });
          return null;
        }),
        blacklist_remove: ({ args }) => guard(() => {
          const m = `${args.id_number.slice(0, 6)}********${args.id_number.slice(14)}`;
          const i = blacklist.findIndex((b) => b.id_number_masked === m);
          if (i >= 0) blacklist.splice(i, 1);
          return i >= 0;
        }),
        blacklist_remove_entry: ({ args }) => guard(() => {
          const i = blacklist.findIndex((b) => b.key === args.key);
          if (i >= 0) blacklist.splice(i, 1);
          (window as any).__removedEntry = args.key;
          return i >= 0;
        }),
        settings_show: () => guard(() => settings.map((s) => ({ ...s }))),
        settings_set: ({ args }) => guard(() => {
          if (args.key === "sync_interval_secs" && !(Number(args.value) >= 10 && Number(args.value) <= 3600)) return fail("INVALID_INPUT", "自动同步间隔（秒）须为 10 到 3600 之间的整数");
          settings.find((s) => s.key === args.key).value = args.value;
          return null;
        }),
        printers: async () => desk.printers ?? [],
      };
    }
    const handlers: Record<string, (args: any) => Promise<unknown>> = {
      "plugin:event|listen": async ({ event, handler }) => {
        (listeners[event] ??= []).push(handler);
        return handler;
      },
      ...deskHandlers(),
      devices: async () => desk.devices ? ((window as any).__plugged ? desk.devicesPlugged : desk.devices) : ({
        reader: "sim:cards.json",
        camera: "pattern",
        cameras: [],
        sim_cards: counter.swipes.map((name, index) => ({ index, name, id_number_masked: "420102********0000" })),
      }),
      // __holdCounterView: the answer never comes, so a test sees what the UI shows on its own.
      counter_view: async () => ((window as any).__holdCounterView ? new Promise(() => undefined) : view),
      sim_swipe: async ({ args }) => {
        emit("counter", to(counter.swipes[args.index]));
        return null;
      },
      counter_capture: async () => (view.can_capture ? to((window as any).__nextPhoto ?? "photo_taken") : fail("INVALID_INPUT", "请先刷身份证")),
      counter_confirm: async () => (view.can_confirm ? to("confirmed") : fail("REFUSED", "不能确认")),
      counter_cancel: async () => to("idle"),
      counter_override: async ({ args }) => (args.password === counter.supervisorPassword ? to((window as any).__nextOverride ?? "matched") : fail("BAD_CREDENTIALS", "工号或密码错误")),
      counter_manual: async ({ args }) => (args.password === counter.supervisorPassword ? to((window as any).__nextOverride ?? "matched") : fail("BAD_CREDENTIALS", "工号或密码错误")),
      counter_attach: async ({ args }) => {
        (window as any).__attached = args;
        return to("matched");
      },
      counter_search: async ({ args }) => {
        (window as any).__searched = args.query;
        const m = counter.views.matched;
        return m ? [{ registration_id: m.registration.registration_id, name: m.registration.name, id_number_masked: m.card.id_number_masked, major_name: m.registration.major.name, county_code: m.registration.county_code }] : [];
      },
      password_reset: async () =>
        view.registration
          ? { request_id: "PR-0001", name: view.registration.name, id_number_masked: view.card?.id_number_masked ?? "", registration_id: view.registration.registration_id, requested_at: "2026-11-22T10:05:00+08:00", staff: "李受理（S001）", office_name: "武汉市江岸区自学考试办公室" }
          : fail("INVALID_INPUT", "请先刷身份证"),
      confirmations_today: async () => (window as any).__today ?? [],
      receipt: async ({ args }) => ({ ...counter.views.confirmed?.receipt, confirmation_id: args.id }),
      receipt_by_registration: async ({ args }) => ({ ...counter.views.confirmed?.receipt, registration_id: args.registration_id }),
      ui_settings: async () => ({ idle_lock_minutes: 10, sync_interval_secs: 30 }),
      print_receipt: async ({ args }) => ({ path: `/home/staff/Documents/zkdesk/2026-11-22/回执-${args.id}.pdf`, printed: false, message: "尚未选择打印机，请在设置中选择回执打印机；文件已保存" }),
      staff_enable: async ({ args }) => {
        const s = staff.find((x) => x.staff_id === args.staff_id);
        if (s) s.disabled = false;
        return null;
      },
      staff_disable: async ({ args }) => {
        const s = staff.find((x) => x.staff_id === args.staff_id);
        if (s) s.disabled = true;
        return null;
      },
      set_devices: async () => null,
      "plugin:event|unlisten": async () => null,
      sync_now: async () => null,
      sync_page: async () => ({
        station: { station_id: "ST-420102-01", server_url: "http://127.0.0.1:18080/api/county/v1", office_name: "武汉市江岸区自学考试办公室", region_code: "4201", region_name: "武汉市", county_code: "420102", county_name: "江岸区", device_name: "zkdesk", enrolled_at: "2026-11-22T08:00:00+08:00", token_revoked: false },
        status: { station_id: "ST-420102-01", registrations: 2200, outbox_pending: 2, outbox_parked: 1, last_sync: "2026-11-22T09:00:00+08:00", clock_offset_ms: 400000, clock_warning: true, last_error: "无法连接省平台（网络中断），数据已保存在本机，恢复后自动上传", schema_version: 1, staff: 2 },
        parked: [{ kind: "confirmation", client_id: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", reason: "ALREADY_CONFIRMED: registration already confirmed", at: "2026-11-22T09:00:00+08:00" }],
        retry_at: "2026-11-22T09:01:30+08:00",
      }),
      current_session: async () => session,
      // No account at all: a new workstation, whose first supervisor creates the store.
      first_run: async () => staff.length === 0,
      setup_store: async ({ args }) => {
        if (staff.length > 0) return fail("CONFLICT", "本工作站已有数据库，请登录");
        staff.push({ ...args, disabled: false });
        session = { staff_id: args.staff_id, name: args.name, role: args.role, must_change_password: false, locked: false };
        recoveryKey = "7Q2M-K9XD-3HPA-W0RT-BC5E-N8FJ-6YVS-1GZQ";
        return session;
      },
      take_recovery_key: async () => {
        const k = recoveryKey;
        recoveryKey = null;
        return k;
      },
      login: async ({ args }) => {
        const s = staff.find((x) => x.staff_id === args.staff_id);
        if (!s || s.password !== args.password) return fail("BAD_CREDENTIALS", "工号或密码错误");
        if (s.disabled) return fail("ACCOUNT_DISABLED", "该账号已停用，请联系主管");
        session = { staff_id: s.staff_id, name: s.name, role: s.role, must_change_password: !!s.mustChange, locked: false };
        return session;
      },
      change_password: async ({ args }) => {
        const s = staff.find((x) => x.staff_id === session?.staff_id);
        if (!s) return fail("NOT_LOGGED_IN", "请先登录");
        if ([...args.new_password].length < 8) return fail("INVALID_INPUT", "密码至少 8 位");
        if (args.new_password === args.old_password) return fail("INVALID_INPUT", "新密码不能与原密码相同");
        if (args.old_password !== s.password) return fail("BAD_CREDENTIALS", "原密码不正确");
        s.password = args.new_password;
        s.mustChange = false;
        (window as any).__passwordChanged = args;
        session = { ...session!, must_change_password: false };
        return session;
      },
      // The idle lock, as the core answers it: the session and the counter view stay; the
      // owner's password or a supervisor's credentials unlock (desk::session).
      lock_session: async () => {
        if (!session) return fail("NOT_LOGGED_IN", "请先登录");
        session = { ...session, locked: true };
        return session;
      },
      unlock_session: async ({ args }) => {
        if (!session) return fail("NOT_LOGGED_IN", "请先登录");
        const s = staff.find((x) => x.staff_id === args.staff_id);
        if (!s || s.password !== args.password) return fail("BAD_CREDENTIALS", "密码错误，未能解锁");
        if (s.staff_id !== session.staff_id && s.role !== "supervisor") return fail("NOT_AUTHORIZED", "只有本人或主管可以解锁");
        session = { ...session, locked: false };
        return session;
      },
      logout: async () => {
        if (session?.locked) return fail("SESSION_LOCKED", "屏幕已锁定，请先输入密码解锁");
        session = null;
        // As the core does: logging out ends the counter session.
        view = counter.views.idle ?? idle;
        return null;
      },
      status_bar: async () => ({
        reader: { health: "off", label: "读卡器：未启动" },
        camera: { health: "off", label: "摄像头：未启动" },
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
        (window as any).__ipcArgs = [...((window as any).__ipcArgs ?? []), { cmd, args }];
        const h = handlers[cmd];
        // As the core does: a reset password refuses everything but the change (and leaving).
        const free = ["change_password", "logout", "current_session", "login", "status_bar", "plugin:event|listen", "plugin:event|unlisten"];
        if (session?.must_change_password && !free.includes(cmd)) return fail("PASSWORD_CHANGE_REQUIRED", "密码已被主管重置，请先修改密码再进行其他操作");
        // As the core does: a locked session gets nothing but the lock's own commands.
        if (session?.locked && !["current_session", "lock_session", "unlock_session", "logout", "plugin:event|listen", "plugin:event|unlisten"].includes(cmd)) {
          return fail("SESSION_LOCKED", "屏幕已锁定，请先输入密码解锁");
        }
        return h ? h(args ?? {}) : fail("INVALID_INPUT", `mock: unknown command ${cmd}`);
      },
      transformCallback: (cb: (e: unknown) => void) => {
        const id = nextId++;
        callbacks[id] = cb;
        return id;
      },
      metadata: { currentWindow: { label: "main" }, currentWebview: { label: "main" } },
    };
  }, [staff, counter, desk] as [MockStaff[], typeof counter, DeskFixtures]);
}
