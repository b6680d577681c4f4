// One backfill invocation: claim a chunk under a lease, then for each undone day fetch it, ingest it and
// advance the chunk's cursor in ONE transaction, until the chunk is done or the invocation's budget says stop.
// Fetching runs ahead of ingesting (up to FETCH_AHEAD days, all within the budget), so a slow ingest never
// leaves the API idle; at the end of its budget an invocation starts its successor early and hands the chunk
// straight to it, and the successor fetches the next days while this one ingests its last.
// Guarantees: a crash loses at most the days in flight (their transactions never committed); a worker whose
// lease was taken over cannot record a day (record_backfill_day raises); terminal API errors halt every
// worker instead of producing a retry storm.
import { buildIngestPayload } from "../ingest/payload.ts";
import type { IngestPayload } from "../ingest/types.ts";
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
   * Called once, as soon as the worker knows it will stop with work left (budget), before ingesting its last
   * days: the caller starts the next invocation then, so its boot overlaps this one's last ingests. `next`
   * names the chunk and the first day the successor may start fetching at once (null: it claims as usual).
   * Resolves to the successor's worker id once it has accepted (the chunk is then handed to it instead of
   * released), or null.
   */
  onLastDay?: (next: HandOverHint | null) => Promise<string | null> | void;
  /** This invocation continues a predecessor that named the chunk and day to start fetching at. */
  inherit?: HandOverHint;
  /** How long to keep trying to claim while another worker still holds the only open chunk (hand-over). */
  claimWaitMs?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** Where a successor picks up: the chunk its predecessor hands over and the first day nobody fetched. */
export interface HandOverHint {
  chunkId: string;
  from: string;
}

/** Longest a day's mapping is expected to hold the event loop (racecards days: ~30-250 ms of CPU). */
const MAPPING_QUIET_MS = 300;
/** Longest the serialisation of a day's payload is expected to hold it (~15-50 ms for 2-4 MB). */
const SERIALISE_QUIET_MS = 100;

/**
 * A named successor stops waiting for its chunk this long before half its wall-clock budget is gone (after
 * that the budget would not let it start a day).
 */
const INHERIT_WAIT_RESERVE_MS = 5_000;

/** Days fetched ahead of the one being ingested (each ~0.5-1 MB in memory). */
export const FETCH_AHEAD = 2;

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

/** A fetched day, mapped as soon as it arrived (mapCpuMs: the process CPU the mapping took). */
type DayInHand = (FetchOutcome & { ok: false }) | {
  ok: true;
  day: FetchedDay;
  wallMs: number;
  payload: IngestPayload;
  mapCpuMs: number;
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

/**
 * Fetches a chunk's days in order, one after the other (the shared rate limiter paces the pages anyway), up
 * to FETCH_AHEAD days ahead of the day being ingested, and only while the budget has room to ingest every day
 * in hand. The first time the budget says no, fetching stops for good: that is when the successor starts.
 */
class DayPipeline {
  readonly days: readonly string[];
  readonly #start: (day: string) => Promise<FetchOutcome>;
  readonly #prepare: (fetched: FetchOutcome & { ok: true }) => Promise<DayInHand>;
  readonly #budget: InvocationBudget;
  readonly #fetches: Promise<DayInHand>[] = [];
  #chain: Promise<unknown> = Promise.resolve();
  #stopped = false;
  /** Days whose fetch has been queued. */
  launched = 0;
  /** The budget refused a day: nothing more will be fetched by this invocation. */
  budgetStopped = false;

  constructor(
    days: readonly string[],
    start: (day: string) => Promise<FetchOutcome>,
    prepare: (fetched: FetchOutcome & { ok: true }) => Promise<DayInHand>,
    budget: InvocationBudget,
  ) {
    this.days = days;
    this.#start = start;
    this.#prepare = prepare;
    this.#budget = budget;
  }

  /** Queue fetches up to FETCH_AHEAD days past `current` (the index being ingested next or now). */
  fill(current: number): void {
    while (
      !this.#stopped && !this.budgetStopped && this.launched < this.days.length &&
      this.launched - current <= FETCH_AHEAD
    ) {
      // Room to ingest every day in hand, this one included?
      if (!this.#budget.allows(this.launched - current + 1)) {
        this.budgetStopped = true;
        return;
      }
      const day = this.days[this.launched];
      const p = this.#chain.then(() =>
        this.#stopped
          ? { ok: false as const, error: new Error(`fetch of ${day} not started`), wallMs: 0 }
          : this.#start(day)
      );
      this.#chain = p.then((o) => {
        // After a deadline or a terminal error the worker stops; fetch nothing more.
        if (!o.ok && (o.error instanceof DeadlineExceededError || o.error instanceof RacingApiAuthError)) {
          this.#stopped = true;
        }
      });
      // Each day is mapped as soon as it arrives (while the previous one is being ingested, say), apart
      // from the chain, which goes on to the next fetch at once.
      // A day that arrives after the pipeline was stopped will not be ingested: do not spend CPU mapping it.
      const prepared = p.then((o): DayInHand | Promise<DayInHand> =>
        o.ok && this.#stopped
          ? { ok: false, error: new Error(`${day} arrived after this invocation stopped`), wallMs: o.wallMs }
          : o.ok
          ? this.#prepare(o)
          : o
      );
      prepared.catch(() => {}); // a day never asked for must not fail the process; get() still throws
      this.#fetches[this.launched++] = prepared;
    }
  }

  get(i: number): Promise<DayInHand> {
    return this.#fetches[i];
  }

  /** Resolves once every fetch queued so far has ended (after budgetStopped: this invocation's last). */
  async drained(): Promise<void> {
    await this.#chain.catch(() => {});
  }

  /** Stop fetching; resolves once the fetch in flight (if any) has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#chain.catch(() => {});
  }
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

  // What a day costs before this invocation has measured one: a typical recent day of this backfill (their
  // recorded CPU includes each invocation's cold first day), else the budget's default.
  try {
    const [prior] = await sql<{ ms: number | null }[]>`
      select percentile_cont(0.5) within group (order by cpu_ms) as ms
      from (select cpu_ms from ra_internal.backfill_days where status = 'done' and cpu_ms is not null
            order by finished_at desc limit 30) d`;
    budget.usePriorDayCpuMs(prior?.ms);
  } catch (err) {
    log("could not read the recent days' cost; using the default", { error: errorMessage(err) });
  }

  // Mapping is a long synchronous section: run it when no request of ours is on its way or due soon (one
  // held up behind it would reach the API late and crowd its one-second window).
  const prepare = async (fetched: FetchOutcome & { ok: true }): Promise<DayInHand> => {
    await client.quiet(MAPPING_QUIET_MS);
    const cpu0 = budget.cpuUsedMs();
    const payload = budget.measure(() => buildIngestPayload(fetched.day.responses));
    return { ...fetched, payload, mapCpuMs: budget.cpuUsedMs() - cpu0 };
  };
  // What a day costs, for the budget's estimate: all the CPU since the previous day was done (fetching,
  // parsing and mapping run ahead, outside the day's own ingest), but never less than the day's own mapping
  // and ingest: a day mapped while another was ingested would otherwise look nearly free (after a chunk's
  // last day, the next chunk's first days were queued at that price, cost ~1.7 s and got the worker killed
  // at the 2 s limit). An invocation's first day counts only its own: its share of the CPU since the start
  // would include claiming, waiting and the first days' mapping.
  let cpuAtLastDay: number | null = null;
  const dayCpuMs = (own: number) =>
    cpuAtLastDay === null ? own : Math.max(own, budget.cpuUsedMs() - cpuAtLastDay);

  const startFetch = (day: string, regions: string[]): Promise<FetchOutcome> => {
    const t0 = Date.now();
    return fetchDay(client, day, { regions, today: deps.today, deadline: budget.deadline })
      .then((d) => ({ ok: true as const, day: d, wallMs: Date.now() - t0 }))
      .catch((error) => ({ ok: false as const, error, wallMs: Date.now() - t0 }));
  };

  // The successor, once started: resolves to its worker id when it accepted the hand-over. With a hint it
  // may start fetching once our own last fetch is over (`drained`): it is told so through the chunk row.
  let successor: Promise<string | null> | null = null;
  let letFetch: Promise<unknown> = Promise.resolve();
  const lastDay = (next: HandOverHint | null, drained?: Promise<void>) => {
    if (successor !== null) return;
    const started = Promise.resolve(deps.onLastDay?.(next) ?? null).catch(() => null);
    successor = started;
    if (next && drained) {
      letFetch = Promise.all([started, drained]).then(([to]) =>
        to
          ? sql`select ra_internal.let_backfill_successor_fetch(${next.chunkId}::bigint, ${workerId}, ${to})`
          : null
      ).catch((err) => log("could not let the successor fetch", { error: errorMessage(err) }));
    }
  };
  // A successor named by its predecessor waits for its chunk as long as the predecessor may still be on it
  // (its lease is renewed after every day), not just claimWaitMs: a chunk handed over to a successor that
  // gave up would sit idle until its lease expired. Waiting polls the chunk row, less often as time goes
  // by (its CPU counts against the budget).
  const firstClaimWaitMs = deps.inherit
    ? Math.max(deps.claimWaitMs ?? 0, budget.limits.wallMs / 2 - budget.elapsedMs() - INHERIT_WAIT_RESERVE_MS)
    : deps.claimWaitMs ?? 0;
  let pollMs = 25;
  const pause = () => new Promise((r) => setTimeout(r, pollMs = Math.min(1_000, pollMs * 1.25)));
  const claim = async (): Promise<ClaimedChunk | undefined> => {
    const waitUntil = Date.now() + (summary.chunks_claimed === 0 ? firstClaimWaitMs : 0);
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
      await pause();
    }
  };
  const undoneDays = async (regions: string, from: string, to: string): Promise<string[]> =>
    (await sql<{ day: string }[]>`
      select d::date::text as day from generate_series(${from}::date, ${to}::date, interval '1 day') d
      where not exists (select 1 from ra_internal.backfill_days b
                        where b.regions = ${regions} and b.day = d::date and b.status = 'done')
      order by d`).map((r) => isoDay(r.day));

  // A successor starts fetching the days its predecessor named before it holds the chunk: as soon as the
  // predecessor's own last fetch is over (it ingests its last days meanwhile), or its lease is gone. It then
  // claims only once that chunk is handed to it (or free): another free chunk must not lure it away from
  // the days it has fetched. The pipeline is kept if the claim confirms the chunk and days.
  let inherited: { chunkId: string; pipeline: DayPipeline } | null = null;
  if (deps.inherit) {
    const chunkId = deps.inherit.chunkId;
    type Inherited = { regions: string; range_end: string; fetch: boolean; claim: boolean };
    const waitFor = async (what: "fetch" | "claim"): Promise<Inherited | undefined> => {
      const waitUntil = Date.now() + firstClaimWaitMs;
      while (true) {
        const [c] = await sql<Inherited[]>`
          select regions, range_end::text,
            coalesce(fetch_handed_to = ${workerId} or lease_owner = ${workerId} or lease_owner is null
              or lease_expires_at < now(), false) as fetch,
            coalesce(lease_owner = ${workerId} or lease_owner is null or lease_expires_at < now(), false) as claim
          from ra_internal.backfill_chunks
          where chunk_id = ${chunkId}::bigint and status <> 'done'`;
        if (!c || c[what] || Date.now() >= waitUntil) return c;
        await pause();
      }
    };
    try {
      const c = await waitFor("fetch");
      if (c?.fetch) {
        const days = await undoneDays(c.regions, deps.inherit.from, isoDay(c.range_end));
        const pipeline = new DayPipeline(days, (d) => startFetch(d, c.regions.split(",")), prepare, budget);
        pipeline.fill(0);
        inherited = { chunkId, pipeline };
        pollMs = 25; // the hand-over itself follows soon after the predecessor's last fetch
        await waitFor("claim");
      }
    } catch (err) {
      log("could not start on the inherited days", { error: errorMessage(err) });
    }
  }

  outer: while (true) {
    // Days already fetched for an inherited chunk passed the budget when they were queued; the budget
    // decides again before the next one.
    const inHand = inherited !== null && inherited.pipeline.launched > 0;
    if (!inHand && !budget.allows(1)) {
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
    const days = await undoneDays(chunk.regions, chunk.cursor_date, chunk.range_end);
    let pipeline: DayPipeline;
    if (
      inherited && inherited.chunkId === chunk.chunk_id &&
      inherited.pipeline.days.join() === days.join()
    ) {
      pipeline = inherited.pipeline;
    } else {
      if (inherited) {
        log("inherited days do not match the claim; fetching afresh", { chunk_id: chunk.chunk_id });
        await inherited.pipeline.stop();
      }
      pipeline = new DayPipeline(days, (d) => startFetch(d, regions), prepare, budget);
    }
    inherited = null;
    log("claimed chunk", {
      chunk_id: chunk.chunk_id,
      from: chunk.cursor_date,
      to: chunk.range_end,
      days: days.length,
    });

    for (let i = 0; i < days.length; i++) {
      const day = days[i];
      pipeline.fill(i);
      if (pipeline.budgetStopped) {
        lastDay({ chunkId: chunk.chunk_id, from: days[pipeline.launched] }, pipeline.drained());
      }
      if (i >= pipeline.launched) {
        // The budget has no room for this day: stop here and hand the chunk over.
        summary.stopped_because = "budget";
        summary.more_work = true;
        await finish(chunk.chunk_id);
        break outer;
      }
      const fetched = await pipeline.get(i);
      const cpuBefore = budget.cpuUsedMs();

      if (!fetched.ok) {
        const err = fetched.error;
        if (err instanceof DeadlineExceededError) {
          summary.stopped_because = "budget";
          summary.more_work = true;
          await pipeline.stop();
          await release(sql, chunk.chunk_id, workerId);
          break outer;
        }
        if (err instanceof RacingApiAuthError) {
          await pipeline.stop();
          await sql`select ra_internal.halt_backfill(${errorMessage(err)})`;
          summary.stopped_because = "halted";
          summary.error = errorMessage(err);
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
          await pipeline.stop();
          break outer;
        }
        continue;
      }

      const payload = fetched.payload;
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
      // Days in hand were queued on an estimate; if they cost more, ingesting one more could pass the hosted
      // CPU limit and get the worker killed mid-day (its chunk then sits leased, idle, for a minute). Stop
      // before that day instead: the successor fetches it again. Never on an invocation's first day.
      if (summary.days_done > 0 && !budget.allowsFinishing()) {
        log("CPU budget spent on the days in hand; leaving this day to the successor", {
          day,
          budget: budget.summary(),
        });
        summary.stopped_because = "budget";
        summary.more_work = true;
        await pipeline.stop();
        await finish(chunk.chunk_id);
        break outer;
      }
      const ingestStart = Date.now();
      try {
        await sql.begin(async (tx) => {
          // Never wait on a lock (or a slow statement) past the invocation's budget: fail the transaction
          // cleanly, give the chunk back, let the next invocation redo the day.
          const remaining = Math.max(5_000, budget.deadline - Date.now());
          await tx`select set_config('statement_timeout', ${String(remaining)}, true),
            set_config('lock_timeout', ${String(remaining)}, true)`;
          await client.quiet(SERIALISE_QUIET_MS); // the payload is serialised synchronously as well
          await ingestBatch(tx, payload);
          stats.cpu_ms = Math.round(dayCpuMs(fetched.mapCpuMs + budget.cpuUsedMs() - cpuBefore));
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
        await pipeline.stop();
        if (!isLeaseLost(err)) await release(sql, chunk.chunk_id, workerId).catch(() => {});
        break outer;
      }
      summary.days_done++;
      summary.pages += fetched.day.pages;
      summary.runners += stats.runners;
      budget.recordDay(fetched.wallMs, dayCpuMs(fetched.mapCpuMs + budget.cpuUsedMs() - cpuBefore));
      cpuAtLastDay = budget.cpuUsedMs();
      log("day done", {
        day,
        pages: fetched.day.pages,
        fetch_ms: fetched.wallMs,
        map_cpu_ms: Math.round(fetched.mapCpuMs),
        ingest_ms: Date.now() - ingestStart,
        cpu_ms: Math.round(budget.cpuUsedMs()),
      });
    }
  }
  summary.budget = budget.summary();
  if (inherited) await (inherited as { pipeline: DayPipeline }).pipeline.stop();
  // A successor that ends without working on its chunk must not keep it if it was handed over meanwhile.
  if (deps.inherit && summary.chunks_claimed === 0) {
    await release(sql, deps.inherit.chunkId, workerId).catch(() => {});
  }
  // An invocation that could not finish a single day must not hand over (that would loop without end);
  // the minute cron job retries later and the log says why.
  if (
    summary.more_work && summary.stopped_because === "budget" && summary.days_done + summary.days_failed > 0
  ) {
    lastDay(null);
  } else if (summary.more_work && summary.stopped_because === "budget") {
    log("budget too small for one day; not handing over", { budget: budget.summary() });
  }
  await letFetch;
  return summary;

  /** End of the budget on a chunk with days left: hand it to the successor if one accepted, else release. */
  async function finish(chunkId: string) {
    const to = successor ? await successor : null;
    await letFetch;
    if (to) {
      const [r] = await sql<{ ok: boolean }[]>`
        select ra_internal.hand_over_backfill_chunk(${chunkId}::bigint, ${workerId}, ${to}, ${lease}) as ok`;
      if (r.ok) return;
    }
    await release(sql, chunkId, workerId);
  }
}

async function release(sql: Sql, chunkId: string, workerId: string) {
  await sql`select ra_internal.release_backfill_chunk(${chunkId}::bigint, ${workerId})`;
}
