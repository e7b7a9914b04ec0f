// The idle lock: after IDLE_LOCK_MS without a key or a click the screen locks (the core's
// lock_session): the candidate is kept but hidden, so nobody walks up to a candidate left on
// screen, and sync goes on in the core. The time is the station's setting `idle_lock_minutes`
// (`commands.ui_settings`); this is the fallback when it cannot be read.
export const IDLE_LOCK_MS = 10 * 60 * 1000;

const EVENTS = ["keydown", "mousedown", "wheel", "touchstart"] as const;

/** Calls onIdle after `ms` without input (a getter is read again at every input); returns a
 *  function that stops watching. */
export function watchIdle(onIdle: () => void, ms: number | (() => number) = IDLE_LOCK_MS): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(onIdle, typeof ms === "function" ? ms() : ms);
  };
  for (const e of EVENTS) window.addEventListener(e, arm, { capture: true, passive: true });
  arm();
  return () => {
    clearTimeout(timer);
    for (const e of EVENTS) window.removeEventListener(e, arm, { capture: true });
  };
}
