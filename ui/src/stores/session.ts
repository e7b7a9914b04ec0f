// Who is logged in, and whether the screen is behind the idle lock. Logging out clears every
// store that holds a candidate; locking keeps them (the core keeps the counter session too) and
// only hides them: the lock screen shows nothing of the candidate. Who may unlock is the core's
// rule; this store only asks.
import { defineStore } from "pinia";
import { computed, ref } from "vue";
import { commands, type SessionInfo } from "../bindings";
import { useCounterStore } from "./counter";

export const useSessionStore = defineStore("session", () => {
  const session = ref<SessionInfo | null>(null);
  const checked = ref(false);
  const isSupervisor = computed(() => session.value?.role === "supervisor");
  /** A supervisor reset the password: nothing but the change is possible (the core refuses the rest). */
  const mustChangePassword = computed(() => session.value?.must_change_password === true);
  const locked = computed(() => session.value?.locked === true);

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

  /** The change a supervisor's reset forces; the session it answers is free to work. */
  async function changePassword(oldPassword: string, newPassword: string): Promise<void> {
    session.value = await commands.change_password({ old_password: oldPassword, new_password: newPassword });
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
    // Only unlocking leads away from the lock (the core refuses to log a locked session out).
    if (locked.value) return;
    // The UI forgets first: even if the core cannot be reached, the screen shows no candidate.
    useCounterStore().reset();
    session.value = null;
    await commands.logout().catch(() => undefined);
  }

  /** The idle lock. The screen is hidden at once, even before the core answers. */
  async function lock(): Promise<void> {
    if (!session.value || session.value.locked) return;
    session.value = { ...session.value, locked: true };
    session.value = await commands.lock_session().catch(() => session.value);
  }

  /** The session's own password, or a supervisor's id and password; the core decides. */
  async function unlock(staffId: string, password: string): Promise<SessionInfo> {
    const s = await commands.unlock_session({ staff_id: staffId, password });
    session.value = s;
    return s;
  }

  return { session, checked, isSupervisor, mustChangePassword, locked, restore, login, setup, changePassword, logout, lock, unlock };
});
