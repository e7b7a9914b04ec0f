// One form's submit: the busy flag while its action runs (the submit button is off, so a second
// Enter does nothing) and the error line, set from the staff message of a rejection. Shared by the
// form dialogs, the login and the lock screen.
import { nextTick, ref, type Ref } from "vue";
import { staffMessage } from "./errors";

export function useSubmit() {
  const busy = ref(false);
  const error = ref("");

  /**
   * Runs `action` unless one is still running. Resolves true when it went through: not when it
   * rejected (its message is shown and `failed` runs) nor when it resolved to false (it declined,
   * e.g. the staff did not confirm).
   */
  async function run(action: () => Promise<unknown>, failed?: () => unknown): Promise<boolean> {
    if (busy.value) return false;
    busy.value = true;
    error.value = "";
    try {
      return (await action()) !== false;
    } catch (e) {
      error.value = staffMessage(e);
      await failed?.();
      return false;
    } finally {
      busy.value = false;
    }
  }

  return { busy, error, run };
}

/** A refused password is typed again, not edited: a `failed` for run() that empties it and
 *  puts the focus back in it. */
export function retypePassword(password: Ref<string>, input: Ref<HTMLInputElement | null>): () => Promise<void> {
  return async () => {
    password.value = "";
    await nextTick();
    input.value?.focus();
  };
}
