// Racing dates are UK local dates; these helpers keep date arithmetic in plain YYYY-MM-DD strings.

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Today's date in the UK (Europe/London), as the API dates races. */
export function ukToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(now);
}

/** The first day /v1/racecards/pro serves (the API started keeping racecards then). */
export const RACECARDS_PRO_FIRST_DAY = "2023-01-23";
/** How far ahead racecards are published. */
export const RACECARDS_DAYS_AHEAD = 7;
/** The earliest results the API holds ("over three decades"). */
export const RESULTS_FIRST_DAY = "1988-01-01";
