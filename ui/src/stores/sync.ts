// The sync state, fed by the core's "sync-status" events once for the whole app.
import { defineStore } from "pinia";
import { ref } from "vue";
import { listen } from "@tauri-apps/api/event";
import { events, type SyncEvent } from "../bindings";
import { applySyncEvent, initialSyncView, type SyncView } from "../logic/sync";

export const useSyncStore = defineStore("sync", () => {
  const view = ref<SyncView>(initialSyncView);
  /** Bumped on every event, so pages can reload what they show. */
  const tick = ref(0);
  let subscribed = false;

  function apply(e: SyncEvent) {
    view.value = applySyncEvent(view.value, e);
    tick.value++;
  }

  function watch() {
    if (subscribed) return;
    subscribed = true;
    void listen<SyncEvent>(events.sync, (ev) => apply(ev.payload)).catch(() => undefined);
  }

  return { view, tick, apply, watch };
});
