// Who is logged in. Logging out (or locking) clears every store that holds a candidate.
import { defineStore } from "pinia";
import { computed, ref } from "vue";
import { commands, type SessionInfo } from "../bindings";
import { useCounterStore } from "./counter";

export const useSessionStore = defineStore("session", () => {
  const session = ref<SessionInfo | null>(null);
  const checked = ref(false);
  /** Why the last session ended, shown on the login screen (e.g. the idle lock). */
  const endedBecause = ref("");
  const isSupervisor = computed(() => session.value?.role === "supervisor");

  async function restore(): Promise<SessionInfo | null> {
    if (!checked.value) {
      session.value = await commands.current_session().catch(() => null);
      checked.value = true;
    }
    return session.value;
  }

  async function login(staffId: string, password: string): Promise<SessionInfo> {
    useCounterStore().reset();
    endedBecause.value = "";
    const s = await commands.login({ staff_id: staffId, password });
    session.value = s;
    checked.value = true;
    return s;
  }

  /** The first supervisor on a new workstation: creates the encrypted store and logs them in. */
  async function setup(staffId: string, name: string, password: string): Promise<SessionInfo> {
    useCounterStore().reset();
    const s = await commands.setup_store({ staff_id: staffId, name, role: "supervisor", password });
    session.value = s;
    checked.value = true;
    return s;
  }

  async function logout(): Promise<void> {
    // The UI forgets first: even if the core cannot be reached, the screen shows no candidate.
    useCounterStore().reset();
    session.value = null;
    await commands.logout().catch(() => undefined);
  }

  /** The idle lock: like logout, with the reason kept for the login screen. */
  async function lock(minutes: number): Promise<void> {
    await logout();
    endedBecause.value = `已因 ${minutes} 分钟无操作自动锁定，请重新登录`;
  }

  return { session, checked, endedBecause, isSupervisor, restore, login, setup, logout, lock };
});
