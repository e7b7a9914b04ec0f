// The stores: the counter forgets its candidate on logout (even when the core cannot be reached)
// and on reset; new candidates bump the sequence panels scroll on; cues follow reads and refusals.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createPinia, setActivePinia } from "pinia";
import type { CounterView } from "../src/bindings";

const core = vi.hoisted(() => ({
  logout: vi.fn(async () => undefined),
  login: vi.fn(async (a: { staff_id: string }) => ({ staff_id: a.staff_id, name: "李受理", role: "counter" as const, locked: false })),
  lock_session: vi.fn(async () => ({ staff_id: "S001", name: "李受理", role: "counter" as const, locked: true })),
  unlock_session: vi.fn(async () => ({ staff_id: "S001", name: "李受理", role: "counter" as const, locked: false })),
  current_session: vi.fn(async () => null),
  counter_view: vi.fn(),
  counter_capture: vi.fn(),
  counter_confirm: vi.fn(),
  counter_cancel: vi.fn(),
}));
vi.mock("../src/bindings", () => ({ commands: core, events: { sync: "sync-status", counter: "counter", reader: "reader" }, previewScheme: "zkcam" }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => undefined) }));

const { useCounterStore, IDLE_VIEW } = await import("../src/stores/counter");
const { useSessionStore } = await import("../src/stores/session");
const { useSyncStore } = await import("../src/stores/sync");

const card = (id: string, name: string) => ({ id_number: id, name }) as CounterView["card"];
const matched = (id = "420102199003070010", name = "张三"): CounterView => ({ ...IDLE_VIEW, stage: "matched", card: card(id, name), can_capture: true });
const refused = (): CounterView => ({ ...matched("420102199003070053", "钱七"), stage: "refused", can_capture: false, refusals: [{ code: "NOT_FOUND", message: "未找到", override_flag: null, needs_supervisor: false }] });

beforeEach(() => {
  setActivePinia(createPinia());
  vi.clearAllMocks();
});

describe("counter store", () => {
  it("shows the core's view and counts new candidates", () => {
    const c = useCounterStore();
    const seq = c.candidateSeq;
    c.show(matched());
    expect(c.view.card?.name).toBe("张三");
    expect(c.candidateSeq).toBe(seq + 1);
    expect(c.lastCue).toBe("ok");
    c.show({ ...matched(), stage: "photo_taken" });
    expect(c.candidateSeq).toBe(seq + 1);
    expect(c.lastCue).toBeNull();
    c.show(refused());
    expect(c.candidateSeq).toBe(seq + 2);
    expect(c.lastCue).toBe("bad");
  });

  it("a new candidate drops the previous one's search hits, slip and reprint", () => {
    const c = useCounterStore();
    c.show(matched());
    c.hits = [{ registration_id: "R1", name: "张三", id_number_masked: "", major_name: "", county_code: "" }];
    c.reprint = {} as never;
    c.show(refused());
    expect(c.hits).toBeNull();
    expect(c.reprint).toBeNull();
  });

  it("reset forgets everything", () => {
    const c = useCounterStore();
    c.show(refused());
    c.message = "x";
    c.reset();
    expect(c.view).toEqual(IDLE_VIEW);
    expect(c.message).toBe("");
    expect(c.hits).toBeNull();
  });

  it("a failed call shows the core's Chinese message and a bad cue", async () => {
    core.counter_capture.mockRejectedValueOnce({ code: "INVALID_INPUT", message: "请先刷身份证" });
    const c = useCounterStore();
    expect(await c.capture()).toBe(false);
    expect(c.message).toBe("请先刷身份证");
    expect(c.lastCue).toBe("bad");
  });
});

describe("session store", () => {
  it("logout clears the counter even when the core does not answer", async () => {
    core.logout.mockRejectedValueOnce(new Error("ipc down"));
    const s = useSessionStore();
    const c = useCounterStore();
    await s.login("S001", "pw");
    c.show(matched());
    await s.logout();
    expect(s.session).toBeNull();
    expect(c.view.stage).toBe("idle");
    expect(c.view.card).toBeNull();
  });

  it("a new login starts on an empty counter", async () => {
    const s = useSessionStore();
    const c = useCounterStore();
    c.show(matched());
    await s.login("S002", "pw");
    expect(c.view).toEqual(IDLE_VIEW);
    expect(s.session?.staff_id).toBe("S002");
  });
});

describe("sync store", () => {
  it("folds events and ticks", () => {
    const s = useSyncStore();
    s.apply({ kind: "started" });
    expect(s.view.running).toBe(true);
    s.apply({ kind: "failed", message: "无法连接省平台" });
    expect(s.view.failure).toBe("无法连接省平台");
    expect(s.tick).toBe(2);
  });
});

describe("idle lock", () => {
  it("lock keeps the session and the counter's candidate; unlock opens it again", async () => {
    const s = useSessionStore();
    const c = useCounterStore();
    await s.login("S001", "pw");
    c.show(matched());
    await s.lock();
    expect(core.lock_session).toHaveBeenCalled();
    expect(core.logout).not.toHaveBeenCalled();
    expect(s.locked).toBe(true);
    expect(s.session?.staff_id).toBe("S001");
    expect(c.view.card?.name).toBe("张三");
    await s.logout();
    expect(core.logout).not.toHaveBeenCalled();
    expect(s.session).not.toBeNull();
    await s.unlock("S001", "pw");
    expect(core.unlock_session).toHaveBeenCalledWith({ staff_id: "S001", password: "pw" });
    expect(s.locked).toBe(false);
    expect(c.view.card?.name).toBe("张三");
  });

  it("the screen locks at once, even when the core does not answer", async () => {
    const s = useSessionStore();
    await s.login("S001", "pw");
    core.lock_session.mockRejectedValueOnce(new Error("no core"));
    await s.lock();
    expect(s.locked).toBe(true);
  });

  it("a refused unlock leaves the lock on", async () => {
    const s = useSessionStore();
    await s.login("S001", "pw");
    await s.lock();
    core.unlock_session.mockRejectedValueOnce({ code: "BAD_CREDENTIALS", message: "密码错误，未能解锁" });
    await expect(s.unlock("S001", "bad")).rejects.toMatchObject({ message: "密码错误，未能解锁" });
    expect(s.locked).toBe(true);
  });
});
