// Who is logged in. Logging out (or locking) clears every store that holds a candidate.
import { defineStore } from "pinia";
import { computed, ref } from "vue";
import { commands, type SessionInfo } from "../bindings";
import { useCounterStore } from "./counter";

export const useSessionStore = defineStore("session", () => {
  const session = ref<SessionInfo | null>(null);
  const checked = ref(false);
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
    const s = await commands.login({ staff_id: staffId, password });
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

  return { session, checked, isSupervisor, restore, login, logout };
});
