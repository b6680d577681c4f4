// The status document (GET /functions/v1/status) as a zod schema: the contract the page, `deno task report`
// and the tests rely on. Prose description of every field: shared/status/SHAPE.md.
import { z } from "zod";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const ts = z.string().min(10); // timestamptz as Postgres' JSON renders it
const count = z.number().int().nonnegative();
const num = z.number();

export const CALENDAR_STATES = {
  D: "done",
  P: "partial",
  F: "failed",
  N: "no_racing",
  W: "pending",
} as const;
export type CalendarLetter = keyof typeof CALENDAR_STATES;

/** The 18 tables of the data model in reading order (14 source, then 4 statistics); row_counts has these keys. */
export const DATA_MODEL_TABLES = [
  "ra_races",
  "ra_runners",
  "ra_race_results",
  "ra_horse_pedigree",
  "ra_mst_horses",
  "ra_mst_jockeys",
  "ra_mst_trainers",
  "ra_mst_owners",
  "ra_mst_sires",
  "ra_mst_dams",
  "ra_mst_damsires",
  "ra_mst_courses",
  "ra_mst_bookmakers",
  "ra_mst_regions",
  "ra_runner_statistics",
  "ra_entity_combinations",
  "ra_performance_by_distance",
  "ra_performance_by_venue",
] as const;

export const BackfillProgress = z.object({
  state: z.enum(["not_started", "running", "waiting", "done", "halted"]),
  halted_reason: z.string().nullable(),
  planned: z.object({ from: day.nullable(), to: day.nullable(), started_at: ts.nullable() }),
  chunks: z.object({ total: count, done: count, running: count, pending: count }),
  days: z.object({ in_plan: count, done: count, failed: count, pending: count }),
  failed_days: z.array(z.object({ day, error: z.string().nullable(), attempts: count, at: ts })),
  api_calls: z.object({
    pages: count,
    attempts: count,
    failed_attempts: count,
    last_minute: count,
    per_second: num,
    pages_per_day: num.nullable(),
  }),
  rows: z.object({ races: count, runners: count, results: count, rejects: count }),
  eta_seconds: num.nullable(),
  workers: z.array(z.object({
    worker: z.string().nullable(),
    chunk: day,
    cursor: day,
    lease_expires_at: ts.nullable(),
  })),
  last_day_at: ts.nullable(),
  generated_at: ts,
});

export const Calendar = z.object({
  from: day.nullable(),
  to: day.nullable(),
  days: count,
  states: z.string().regex(/^[DPFNW]*$/),
  races: z.array(count),
  runners: z.array(count),
  missing_results: z.array(count),
  counts: z.object({ done: count, partial: count, failed: count, no_racing: count, pending: count }),
}).refine(
  (c) =>
    c.states.length === c.days && c.races.length === c.days && c.runners.length === c.days &&
    c.missing_results.length === c.days,
  { message: "calendar arrays must have one entry per day" },
);

export const Reject = z.object({
  id: count,
  source: z.string(),
  record_key: z.string(),
  reason: z.string(),
  seen_count: count,
  first_seen: ts,
  last_seen: ts,
  raw_excerpt: z.string().nullable(),
});

export const CoverageYear = z.object({
  year: z.number().int(),
  races: count,
  races_with_racecard: count,
  races_with_result: count,
  runners: count,
  results: count,
  runners_per_race: num.nullable(),
  pct_races_with_result: num.nullable(),
  runners_with_pedigree: count,
  pct_runners_with_pedigree: num.nullable(),
  first_day: day,
  last_day: day,
});

export const StatisticsFreshness = z.object({
  last_run: z.object({
    kind: z.string(),
    started_at: ts,
    finished_at: ts,
    duration_ms: count,
    changed_races: count.nullable(),
    runner_statistics_rows: count.nullable(),
  }).nullable(),
  last_full_run_at: ts.nullable(),
  age_seconds: num.nullable(),
  runs_total: count,
  pending_changes: count.nullable(),
  oldest_pending_change_at: ts.nullable(),
  stale: z.boolean(),
});

export const ScheduledJob = z.object({
  jobid: count,
  jobname: z.string().nullable(),
  schedule: z.string(),
  active: z.boolean(),
  command: z.string(),
  last_status: z.string().nullable(),
  last_start: ts.nullable(),
  last_end: ts.nullable(),
  last_message: z.string().nullable(),
  runs_24h: count,
  failures_24h: count,
  next_run: ts.nullable(),
});

export const HealthCheck = z.object({
  check_name: z.string(),
  status: z.enum(["ok", "warn", "fail"]),
  value: z.string().nullable(),
  detail: z.string(),
});

export const StatusDocument = z.object({
  version: z.literal(1),
  generated_at: ts,
  today: day,
  /** true for ?light=1: coverage_by_year is null and large tables are estimated (row_counts_estimated). */
  light: z.boolean(),
  backfill: BackfillProgress,
  calendar: Calendar,
  rejects: z.object({ total: count, last_24h: count, recent: z.array(Reject) }),
  row_counts: z.record(z.string().regex(/^ra_/), count.nullable()).refine(
    (r) => Object.keys(r).length === 18 && DATA_MODEL_TABLES.every((t) => t in r),
    { message: "row_counts lists the 18 tables of the data model" },
  ),
  other_row_counts: z.record(z.string().regex(/^ra_/), count),
  row_counts_estimated: z.array(z.string()),
  internal_counts: z.object({ raw_responses: count, rejects: count, api_calls: count }),
  coverage_by_year: z.array(CoverageYear).nullable(),
  statistics: StatisticsFreshness.nullable(),
  scheduled_jobs: z.array(ScheduledJob),
  scheduled_runs: z.object({
    recent: z.array(z.record(z.string(), z.unknown())),
    latest_by_job: z.record(z.string(), z.record(z.string(), z.unknown())).nullable(),
  }).nullable(),
  api: z.object({
    last_minute: count,
    per_second: num,
    last_hour: count,
    errors_last_hour: count,
    retries_last_hour: count,
    per_minute: z.array(count).length(30),
    last_call_at: ts.nullable(),
    total: count,
  }),
  health: z.array(HealthCheck),
  /** Milliseconds the database took (added by the function). */
  query_ms: count.optional(),
});
export type StatusDocument = z.infer<typeof StatusDocument>;

export interface CalendarDay {
  day: string;
  state: (typeof CALENDAR_STATES)[CalendarLetter];
  races: number;
  runners: number;
  missingResults: number;
}

/** Adds n days to an ISO date (UTC arithmetic, no time zone surprises). */
export function addIsoDays(d: string, n: number): string {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

/** Expands the compact calendar into one object per day. */
export function decodeCalendar(c: z.infer<typeof Calendar>): CalendarDay[] {
  if (!c.from) return [];
  const out: CalendarDay[] = [];
  for (let i = 0; i < c.days; i++) {
    out.push({
      day: addIsoDays(c.from, i),
      state: CALENDAR_STATES[c.states[i] as CalendarLetter],
      races: c.races[i],
      runners: c.runners[i],
      missingResults: c.missing_results[i],
    });
  }
  return out;
}
