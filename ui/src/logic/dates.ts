// Office days are in +08:00 whatever the machine's zone.
export function officeDay(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** The date `days` before `day` (YYYY-MM-DD). */
export function daysBefore(day: string, days: number): string {
  const t = Date.parse(`${day}T00:00:00Z`) - days * 86400_000;
  return new Date(t).toISOString().slice(0, 10);
}
