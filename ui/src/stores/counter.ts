// The counter's state in the UI: the core's latest CounterView and what the screen shows around
// it (a message, search hits, a printed slip). The core decides; this store only holds and asks.
// reset() runs on logout and on lock, so the next person never sees the previous candidate.
import { defineStore } from "pinia";
import { computed, ref, shallowRef } from "vue";
import { commands, type CounterView, type Receipt, type ResetSlip, type SearchHit } from "../bindings";
import { cueFor, isNewCandidate } from "../logic/counter";
import { staffMessage } from "../logic/errors";

export const IDLE_VIEW: CounterView = {
  stage: "idle", card: null, card_source: null, registration: null, refusals: [], flags: [], photo: null,
  photo_jpeg_base64: null, receipt: null, notice: null, chip_photo_jpeg_base64: null, face_match_score: null, face_match_text: null, same_face: null, can_capture: false, can_confirm: false,
};

export const useCounterStore = defineStore("counter", () => {
  // shallowRef: a view is replaced whole, never mutated; no deep proxies over base64 photos.
  const view = shallowRef<CounterView>(IDLE_VIEW);
  const message = ref("");
  const hits = shallowRef<SearchHit[] | null>(null);
  const slip = shallowRef<ResetSlip | null>(null);
  /** A receipt opened for reprinting (可重打回执), shown over the counter. */
  const reprint = shallowRef<Receipt | null>(null);
  /** Bumped for every new candidate: panels scroll to the top, the page flashes. */
  const candidateSeq = ref(0);
  const lastCue = ref<"ok" | "bad" | null>(null);
  const busy = ref(false);

  const stage = computed(() => view.value.stage);

  function show(v: CounterView) {
    const prev = view.value;
    if (isNewCandidate(prev, v) || (v.stage === "idle" && prev.stage !== "idle")) {
      candidateSeq.value++;
      slip.value = null;
      reprint.value = null;
      hits.value = null;
    }
    lastCue.value = cueFor(prev, v);
    view.value = v;
    if (v.notice) message.value = v.notice;
  }

  async function run(f: () => Promise<CounterView | void>): Promise<boolean> {
    message.value = "";
    busy.value = true;
    try {
      const v = await f();
      if (v) show(v);
      return true;
    } catch (e) {
      message.value = staffMessage(e);
      lastCue.value = "bad";
      return false;
    } finally {
      busy.value = false;
    }
  }

  const load = () => run(() => commands.counter_view());
  const capture = () => run(() => commands.counter_capture());
  const confirm = () => run(() => commands.counter_confirm());
  const cancel = () => run(() => commands.counter_cancel());

  /** Forgets everything about the candidate on screen (logout, lock). */
  function reset() {
    view.value = IDLE_VIEW;
    message.value = "";
    hits.value = null;
    slip.value = null;
    reprint.value = null;
    lastCue.value = null;
    candidateSeq.value++;
  }

  return { view, message, hits, slip, reprint, candidateSeq, lastCue, busy, stage, show, run, load, capture, confirm, cancel, reset };
});
