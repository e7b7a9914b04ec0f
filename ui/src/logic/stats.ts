// Counts for the charts, pure so they are unit-tested.
import type { ConfirmationRow } from "../bindings";

/** Confirmations per office hour (the hour as written in confirmed_at, which carries +08:00). */
export function byHour(rows: readonly ConfirmationRow[], from = 8, to = 18): { hours: string[]; counts: number[] } {
  const hours: string[] = [];
  for (let h = from; h <= to; h++) hours.push(String(h).padStart(2, "0"));
  const counts = hours.map(() => 0);
  for (const r of rows) {
    if (r.state === "revoked") continue;
    const i = hours.indexOf(r.confirmed_at.slice(11, 13));
    if (i >= 0) counts[i]++;
  }
  return { hours, counts };
}
