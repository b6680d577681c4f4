// One sync invocation: for each planned day (priority order), fetch what it needs with the fewest calls
// (shared/day/fetch_day.ts), ingest it in one transaction with the same merge rules as the backfill
// (ra_internal.ingest_batch: idempotent, no-op upserts skipped), and stop early enough to stay inside the
// invocation's wall-clock and CPU budget. What is left is returned for a hand-over.
import { fetchDay } from "../day/fetch_day.ts";
import type { Sql } from "../db.ts";
import { ingestBatch } from "../ingest/ingest.ts";
import { buildIngestPayload } from "../ingest/payload.ts";
import type { RacingApiClient } from "../racing_api/client.ts";
import { DeadlineExceededError, RacingApiAuthError, RacingApiPlanError } from "../racing_api/errors.ts";
import type { InvocationBudget } from "../backfill/budget.ts";
import type { SyncDay } from "./plan.ts";

export interface SyncDayReport {
  day: string;
  results: boolean;
  racecards: boolean;
  status: "done" | "failed";
  pages: number;
  races: number;
  runners: number;
  results_rows: number;
  rejects: number;
  /** Fetch and ingest wall time, ms. */
  fetch_ms?: number;
  ingest_ms?: number;
  error?: string;
}

export interface SyncTotals {
  days_done: number;
  days_failed: number;
  pages: number;
  races: number;
  runners: number;
  results: number;
  rejects: number;
}

export type SyncStop = "done" | "budget" | "halted" | "database_error";

export interface SyncSummary {
  days: SyncDayReport[];
  totals: SyncTotals;
  days_left: SyncDay[];
  stopped_because: SyncStop;
  error?: string;
  budget: ReturnType<InvocationBudget["summary"]>;
}

export interface SyncDeps {
  sql: Sql;
  client: RacingApiClient;
  budget: InvocationBudget;
  today: string;
  days: SyncDay[];
  regions?: readonly string[];
  /** Called after every day with the running summary (heartbeat). */
  onDay?: (s: SyncSummary) => Promise<void> | void;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export function errorMessage(err: unknown): string {
  const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return msg.length > 1000 ? `${msg.slice(0, 1000)}…` : msg;
}

export function emptyTotals(): SyncTotals {
  return { days_done: 0, days_failed: 0, pages: 0, races: 0, runners: 0, results: 0, rejects: 0 };
}

export async function runSync(deps: SyncDeps): Promise<SyncSummary> {
  const { sql, client, budget } = deps;
  const log = deps.log ?? (() => {});
  const s: SyncSummary = {
    days: [],
    totals: emptyTotals(),
    days_left: [],
    stopped_because: "done",
    budget: budget.summary(),
  };
  for (let i = 0; i < deps.days.length; i++) {
    const d = deps.days[i];
    if (!budget.allows(1)) {
      s.stopped_because = "budget";
      s.days_left = deps.days.slice(i);
      break;
    }
    const t0 = Date.now();
    const cpu0 = budget.cpuUsedMs();
    let fetched;
    try {
      fetched = await fetchDay(client, d.day, {
        regions: deps.regions,
        today: deps.today,
        results: d.results,
        racecards: d.racecards,
        deadline: budget.deadline,
      });
    } catch (err) {
      if (err instanceof DeadlineExceededError) {
        s.stopped_because = "budget";
        s.days_left = deps.days.slice(i);
        break;
      }
      if (err instanceof RacingApiAuthError || err instanceof RacingApiPlanError) {
        s.stopped_because = "halted";
        s.error = errorMessage(err);
        s.days_left = deps.days.slice(i);
        break;
      }
      const report: SyncDayReport = {
        ...d,
        status: "failed",
        pages: 0,
        races: 0,
        runners: 0,
        results_rows: 0,
        rejects: 0,
        error: errorMessage(err),
      };
      s.days.push(report);
      s.totals.days_failed++;
      log("day failed", { day: d.day, error: report.error });
      await deps.onDay?.(s);
      continue;
    }
    const fetchMs = Date.now() - t0;
    const payload = budget.measure(() => buildIngestPayload(fetched.responses));
    const report: SyncDayReport = {
      ...d,
      status: "done",
      pages: fetched.pages,
      races: new Set(payload.races.map((r) => r.race_id)).size,
      runners: new Set(payload.runners.map((r) => `${r.race_id}|${r.horse_id}`)).size,
      results_rows: new Set(payload.results.map((r) => `${r.race_id}|${r.horse_id}`)).size,
      rejects: payload.rejects.length,
      fetch_ms: fetchMs,
    };
    const i0 = Date.now();
    try {
      await sql.begin((tx) => ingestBatch(tx, payload));
      report.ingest_ms = Date.now() - i0;
    } catch (err) {
      s.stopped_because = "database_error";
      s.error = errorMessage(err);
      s.days_left = deps.days.slice(i);
      log("day not ingested", { day: d.day, error: s.error });
      break;
    }
    s.days.push(report);
    s.totals.days_done++;
    s.totals.pages += report.pages;
    s.totals.races += report.races;
    s.totals.runners += report.runners;
    s.totals.results += report.results_rows;
    s.totals.rejects += report.rejects;
    budget.recordDay(Date.now() - t0, budget.cpuUsedMs() - cpu0);
    await deps.onDay?.(s);
  }
  s.budget = budget.summary();
  return s;
}
