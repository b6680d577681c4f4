// Which days a sync run fetches, and what for each: results for today and the last N days (late results and
// corrections), racecards pro for today through the forward window (Pro plan only). Order = priority: today
// first, then the recent results days newest first, then the coming days' racecards.
import { addDays, RACECARDS_DAYS_AHEAD } from "../day/dates.ts";

export interface SyncDay {
  day: string;
  results: boolean;
  racecards: boolean;
}

export interface SyncPlan {
  days: SyncDay[];
  notes: string[];
}

export const DEFAULT_RESULTS_DAYS_BACK = 3;

export function planSync(
  today: string,
  opts: { daysBack?: number; plan: "pro" | "standard"; daysAhead?: number },
): SyncPlan {
  const back = Math.max(0, opts.daysBack ?? DEFAULT_RESULTS_DAYS_BACK);
  const ahead = Math.max(0, Math.min(opts.daysAhead ?? RACECARDS_DAYS_AHEAD, RACECARDS_DAYS_AHEAD));
  const pro = opts.plan === "pro";
  const days: SyncDay[] = [{ day: today, results: true, racecards: pro }];
  for (let i = 1; i <= back; i++) days.push({ day: addDays(today, -i), results: true, racecards: false });
  if (pro) {
    for (let i = 1; i <= ahead; i++) days.push({ day: addDays(today, i), results: false, racecards: true });
  }
  const notes = pro ? [] : [
    "Racecards were not fetched: /v1/racecards/pro needs the Pro plan (RACING_API_PLAN=standard). " +
    "This run synced results only; races appear once their results are published.",
  ];
  return { days, notes };
}
