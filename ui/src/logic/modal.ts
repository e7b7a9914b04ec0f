// How many modal dialogs are open: the counter's keys (Space, Enter, Esc) belong to the dialog
// while one is.
import { ref } from "vue";

export const openModals = ref(0);

export function modalOpened(): void {
  openModals.value++;
}

export function modalClosed(): void {
  openModals.value = Math.max(0, openModals.value - 1);
}

/** Asks before a destructive action (password reset, disabling an account, revocation). */
export async function confirmAction(message: string, title: string, confirmText: string): Promise<boolean> {
  modalOpened();
  try {
    await ElMessageBox.confirm(message, title, {
      confirmButtonText: confirmText,
      cancelButtonText: "取消",
      type: "warning",
      closeOnPressEscape: true,
      distinguishCancelAndClose: false,
      customClass: "confirm-box",
    });
    return true;
  } catch {
    return false;
  } finally {
    // The box closes on the next tick; keep the keys away from the counter until it has.
    setTimeout(modalClosed, 0);
  }
}
