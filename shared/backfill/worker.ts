// One backfill invocation: claim a chunk under a lease, then for each undone day fetch it (the next day's
// fetch overlaps this day's ingest, so the API pipe stays full at the rate limit), ingest it and advance the
// chunk's cursor in ONE transaction, until the chunk is done or the invocation's budget says stop.
// Guarantees: a crash loses at most the day in flight (its transaction never committed); a worker whose
// lease was taken over cannot record a day (record_backfill_day raises); terminal API errors halt every
// worker instead of producing a retry storm.
import { buildIngestPayload } from "../ingest/payload.ts";
import { ingestBatch } from "../ingest/ingest.ts";
import type { RacingApiClient } from "../racing_api/client.ts";
import { DeadlineExceededError, RacingApiAuthError, RacingApiError } from "../racing_api/errors.ts";
import type { Sql } from "../db.ts";
import { fetchDay, type FetchedDay } from "../day/fetch_day.ts";
import type { InvocationBudget } from "./budget.ts";

export interface WorkerDeps {
  sql: Sql;
  client: RacingApiClient;
  workerId: string;
  budget: InvocationBudget;
  /** UK date of today. */
  today: string;
  leaseSeconds?: number;
  /**
   * Called once, as soon as the worker knows it is on its last day (budget), before ingesting it: the caller
   * starts the next invocation then, so its boot and claim overlap this day's ingest and the API stays busy.
   */
  onLastDay?: () => void;
  /** How long to keep trying to claim while another worker still holds the only open chunk (hand-over). */
  claimWaitMs?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export type StopReason = "idle" | "budget" | "halted" | "lease_lost" | "database_error";

export interface InvocationSummary {
  worker_id: string;
  days_done: number;
  days_failed: number;
  pages: number;
  runners: number;
  chunks_claimed: number;
  stopped_because: StopReason;
  /** True when work remains that this invocation left for the next one. */
  more_work: boolean;
  error?: string;
  budget: ReturnType<InvocationBudget["summary"]>;
}

interface ClaimedChunk {
  chunk_id: string;
  regions: string;
  range_start: string;
  range_end: string;
  cursor_date: string;
}

type FetchOutcome = { ok: true; day: FetchedDay; wallMs: number } | {
  ok: false;
  error: unknown;
  wallMs: number;
};

function isoDay(v: unknown): string {
  return v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);
}

/** A short, credential-free message for the ledger and progress. */
export function errorMessage(err: unknown): string {
  const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return msg.length > 1000 ? `${msg.slice(0, 1000)}…` : msg;
}

function isLeaseLost(err: unknown): boolean {
  return err instanceof Error && /backfill lease lost/.test(err.message);
}

export async function runBackfillInvocation(deps: WorkerDeps): Promise<InvocationSummary> {
  const { sql, client, workerId, budget } = deps;
  const lease = deps.leaseSeconds ?? 60;
  const log = deps.log ?? (() => {});
  const summary: InvocationSummary = {
    worker_id: workerId,
    days_done: 0,
    days_failed: 0,
    pages: 0,
    runners: 0,
    chunks_claimed: 0,
    stopped_because: "idle",
    more_work: false,
    budget: budget.summary(),
  };

  const startFetch = (day: string, regions: string[]): Promise<FetchOutcome> => {
    const t0 = Date.now();
    return fetchDay(client, day, { regions, today: deps.today, deadline: budget.deadline })
      .then((d) => ({ ok: true as const, day: d, wallMs: Date.now() - t0 }))
      .catch((error) => ({ ok: false as const, error, wallMs: Date.now() - t0 }));
  };

  let handedOver = false;
  const lastDay = () => {
    if (!handedOver) {
      handedOver = true;
      deps.onLastDay?.();
    }
  };
  const claim = async (): Promise<ClaimedChunk | undefined> => {
    const waitUntil = Date.now() + (summary.chunks_claimed === 0 ? deps.claimWaitMs ?? 0 : 0);
    while (true) {
      const [c] = await sql<ClaimedChunk[]>`
        select chunk_id::text, regions, range_start::text, range_end::text, cursor_date::text
        from ra_internal.claim_backfill_chunk(${workerId}, ${lease})`;
      if (c || Date.now() >= waitUntil) return c;
      // A previous invocation may be finishing its last day on the chunk we are meant to continue.
      const [busy] = await sql<{ n: number }[]>`
        select count(*)::int as n from ra_internal.backfill_chunks
        where status = 'running' and lease_expires_at > now()`;
      if (busy.n === 0) return undefined;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  outer: while (true) {
    if (!budget.allows(1)) {
      summary.stopped_because = "budget";
      summary.more_work = true;
      break;
    }
    let chunk: ClaimedChunk | undefined;
    try {
      chunk = await claim();
    } catch (err) {
      summary.stopped_because = "database_error";
      summary.error = errorMessage(err);
      summary.more_work = true;
      break;
    }
    if (!chunk) {
      const [state] = await sql<{ halted_reason: string | null }[]>`
        select halted_reason from ra_internal.backfill_state`;
      summary.stopped_because = state?.halted_reason ? "halted" : "idle";
      break;
    }
    summary.chunks_claimed++;
    const regions = chunk.regions.split(",");
    const days = (await sql<{ day: string }[]>`
      select d::date::text as day from generate_series(${chunk.cursor_date}::date, ${chunk.range_end}::date,
        interval '1 day') d
      where not exists (select 1 from ra_internal.backfill_days b
                        where b.regions = ${chunk.regions} and b.day = d::date and b.status = 'done')
      order by d`).map((r) => isoDay(r.day));
    log("claimed chunk", {
      chunk_id: chunk.chunk_id,
      from: chunk.cursor_date,
      to: chunk.range_end,
      days: days.length,
    });

    let next: Promise<FetchOutcome> | null = days.length > 0 ? startFetch(days[0], regions) : null;
    for (let i = 0; i < days.length; i++) {
      const day = days[i];
      const fetched = await next!;
      // Prefetch the following day only if the budget has room for it as well as this one.
      next = i + 1 < days.length && budget.allows(2) ? startFetch(days[i + 1], regions) : null;
      if (next === null && i + 1 < days.length) lastDay();
      const cpuBefore = budget.cpuUsedMs();

      if (!fetched.ok) {
        const err = fetched.error;
        if (err instanceof DeadlineExceededError) {
          summary.stopped_because = "budget";
          summary.more_work = true;
          await next?.catch(() => {});
          await release(sql, chunk.chunk_id, workerId);
          break outer;
        }
        if (err instanceof RacingApiAuthError) {
          await sql`select ra_internal.halt_backfill(${errorMessage(err)})`;
          summary.stopped_because = "halted";
          summary.error = errorMessage(err);
          await next?.catch(() => {});
          break outer;
        }
        // Retries exhausted, bad parameters, unreadable bodies: the day fails, the chunk moves on.
        const message = err instanceof RacingApiError || err instanceof Error
          ? errorMessage(err)
          : String(err);
        try {
          await sql`select ra_internal.record_backfill_day(${chunk.chunk_id}::bigint, ${workerId}, ${day}::date,
            'failed', ${sql.json({ wall_ms: fetched.wallMs })}, ${message}, ${lease})`;
          summary.days_failed++;
          log("day failed", { day, error: message });
        } catch (dbErr) {
          summary.stopped_because = isLeaseLost(dbErr) ? "lease_lost" : "database_error";
          summary.error = errorMessage(dbErr);
          summary.more_work = true;
          await next?.catch(() => {});
          break outer;
        }
        continue;
      }

      const payload = budget.measure(() => buildIngestPayload(fetched.day.responses));
      const stats = {
        api_calls: fetched.day.pages,
        // A race (runner) can come from both racecards and results: count each once.
        races: new Set(payload.races.map((r) => r.race_id)).size,
        runners: new Set(payload.runners.map((r) => `${r.race_id}|${r.horse_id}`)).size,
        results: new Set(payload.results.map((r) => `${r.race_id}|${r.horse_id}`)).size,
        rejects: payload.rejects.length,
        wall_ms: fetched.wallMs,
        cpu_ms: 0,
      };
      try {
        await sql.begin(async (tx) => {
          // Never wait on a lock (or a slow statement) past the invocation's budget: fail the transaction
          // cleanly, give the chunk back, let the next invocation redo the day.
          const remaining = Math.max(5_000, budget.deadline - Date.now());
          await tx`select set_config('statement_timeout', ${String(remaining)}, true),
            set_config('lock_timeout', ${String(remaining)}, true)`;
          await ingestBatch(tx, payload);
          stats.cpu_ms = Math.round(budget.cpuUsedMs() - cpuBefore);
          await tx`select ra_internal.record_backfill_day(${
            chunk!.chunk_id
          }::bigint, ${workerId}, ${day}::date,
            'done', ${tx.json(stats)}, null, ${lease})`;
        });
      } catch (err) {
        summary.stopped_because = isLeaseLost(err) ? "lease_lost" : "database_error";
        summary.error = errorMessage(err);
        summary.more_work = true;
        log("day not recorded", { day, error: summary.error });
        await next?.catch(() => {});
        if (!isLeaseLost(err)) await release(sql, chunk.chunk_id, workerId).catch(() => {});
        break outer;
      }
      summary.days_done++;
      summary.pages += fetched.day.pages;
      summary.runners += stats.runners;
      budget.recordDay(fetched.wallMs, budget.cpuUsedMs() - cpuBefore);

      if (next === null && i + 1 < days.length) {
        summary.stopped_because = "budget";
        summary.more_work = true;
        await release(sql, chunk.chunk_id, workerId);
        break outer;
      }
    }
  }
  summary.budget = budget.summary();
  // An invocation that could not finish a single day must not hand over (that would loop without end);
  // the minute cron job retries later and the log says why.
  if (
    summary.more_work && summary.stopped_because === "budget" && summary.days_done + summary.days_failed > 0
  ) {
    lastDay();
  } else if (summary.more_work && summary.stopped_because === "budget") {
    log("budget too small for one day; not handing over", { budget: budget.summary() });
  }
  return summary;
}

async function release(sql: Sql, chunkId: string, workerId: string) {
  await sql`select ra_internal.release_backfill_chunk(${chunkId}::bigint, ${workerId})`;
}
