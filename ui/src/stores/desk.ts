// The supervisor desk: entries needing sign-off (the navigation badge) and the day's filter.
import { defineStore } from "pinia";
import { ref } from "vue";
import { commands, type DayFilter, type DayReport } from "../bindings";
import { officeDay } from "../logic/dates";

export const useDeskStore = defineStore("desk", () => {
  const needsSignoff = ref(0);
  const report = ref<DayReport | null>(null);

  /** Loads a day's entries; when the day is today, refreshes the badge too. */
  async function load(filter: DayFilter): Promise<DayReport> {
    const r = await commands.day_report(filter);
    report.value = r;
    const filtered = !!(filter.staff_id || filter.flag || filter.status || filter.sync || filter.search);
    if (!filtered && r.date === officeDay()) needsSignoff.value = r.items.filter((i) => i.needs_signoff).length;
    return r;
  }

  /** The badge: today's entries whose flags still need a supervisor's sign-off. */
  async function refreshBadge(): Promise<void> {
    const r = await commands.day_report({}).catch(() => null);
    if (r) needsSignoff.value = r.items.filter((i) => i.needs_signoff).length;
  }

  function reset() {
    needsSignoff.value = 0;
    report.value = null;
  }

  return { needsSignoff, report, load, refreshBadge, reset };
});
