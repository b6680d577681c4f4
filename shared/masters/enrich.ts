// The enrichment lane: horses known only from results (no dob / colour / breeder) get their profile from
// /v1/horses/{id}/pro (the client falls back to /standard on 404), newest race first, within a per-run API-call
// budget and the invocation's wall-clock/CPU budget.
//
// Rate-limit arithmetic (why enrichment never starves the sync): every caller takes tokens from the same
// Postgres bucket (ra_internal.take_api_token, RACING_API_RATE_PER_SECOND, 2/s on every plan). A masters run
// uses 2 calls for courses + regions and at most MASTERS_ENRICH_BUDGET (default 200) for horses — at 2/s that is
// ≤ 100 s of the bucket once a day at 13:00 UK, i.e. ≤ 0.12 % of the day's 172,800 tokens. The sync needs ~12
// calls (4 results days + 8 racecards days, one page each on a normal day) four hours apart, so even if a
// sync started while enrichment was running it would wait at most for its fair share of the bucket (tokens
// are handed out first come, first served at 1/rate spacing): ~12 more seconds, never a missed run.
//
// The budget counts HTTP attempts (retries included). A horse is started only when its worst case without
// retries (2 calls on Pro: pro 404 → standard) fits in what is left, so the budget is exceeded only if a
// retry (429/5xx) happens on the last horses; the client is given few attempts to bound that.
import type { InvocationBudget } from "../backfill/budget.ts";
import type { RacingApiConfig } from "../config.ts";
import type { Sql } from "../db.ts";
import { ingestBatch } from "../ingest/ingest.ts";
import { type ApiResponse, buildIngestPayload } from "../ingest/payload.ts";
import { createRacingApiClient, type HorseProfileFetch } from "../racing_api/client.ts";
import {
  DeadlineExceededError,
  RacingApiAuthError,
  RacingApiNotFoundError,
  RacingApiPlanError,
} from "../racing_api/errors.ts";

export type EnrichOutcome = "pro" | "standard" | "not_found" | "error";

export interface EnrichSummary {
  budget_calls: number;
  calls: number;
  horses_attempted: number;
  pro: number;
  standard: number;
  not_found: number;
  error: number;
  /** Horses that now have a dob (filled by this run). */
  filled: number;
  stopped_because: "done" | "call_budget" | "invocation_budget" | "halted" | "database_error";
  error_message?: string;
  /** Candidates still waiting after this run (eligible now). */
  candidates_left?: number;
}

export interface EnrichDeps {
  sql: Sql;
  config: RacingApiConfig;
  budget: InvocationBudget;
  /** API calls this run may spend on horses. */
  callBudget: number;
  workerId: string;
  concurrency?: number;
  /** Horses claimed (and ingested) per transaction. */
  batchSize?: number;
  fetch?: typeof fetch;
  onBatch?: (s: EnrichSummary) => Promise<void> | void;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

interface Attempt {
  horse_id: string;
  outcome: EnrichOutcome | null;
  error: string | null;
  response?: ApiResponse;
}

function message(err: unknown): string {
  const m = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return m.length > 500 ? `${m.slice(0, 500)}…` : m;
}

export async function runEnrichment(deps: EnrichDeps): Promise<EnrichSummary> {
  const { sql, budget } = deps;
  const log = deps.log ?? (() => {});
  const concurrency = Math.max(1, deps.concurrency ?? 3);
  const batchSize = Math.max(1, deps.batchSize ?? 25);
  const perHorseMax = deps.config.plan === "pro" ? 2 : 1;
  const s: EnrichSummary = {
    budget_calls: deps.callBudget,
    calls: 0,
    horses_attempted: 0,
    pro: 0,
    standard: 0,
    not_found: 0,
    error: 0,
    filled: 0,
    stopped_because: "done",
  };
  // Count every HTTP attempt the client makes (retries included).
  const baseFetch = deps.fetch ?? globalThis.fetch.bind(globalThis);
  const countingFetch: typeof fetch = (input, init) => {
    s.calls++;
    return baseFetch(input, init);
  };
  const client = createRacingApiClient({
    config: deps.config,
    sql,
    workerId: deps.workerId,
    fetch: countingFetch,
    maxAttempts: 3,
  });
  // Stop starting horses when less than this is left of the wall budget (a slow call takes a few seconds).
  const wallMargin = Math.min(10_000, budget.limits.wallMs / 5);
  const invocationRoom = () =>
    budget.elapsedMs() + wallMargin < budget.limits.wallMs && budget.cpuUsedMs() < budget.limits.cpuMs * 0.8;

  let halted = false;
  while (!halted) {
    if (s.calls + perHorseMax > deps.callBudget) {
      s.stopped_because = "call_budget";
      break;
    }
    if (!invocationRoom()) {
      s.stopped_because = "invocation_budget";
      break;
    }
    const want = Math.min(batchSize, deps.callBudget - s.calls);
    const claimed = await sql<{ horse_id: string }[]>`
      select horse_id from ra_internal.claim_enrichment(${deps.workerId}, ${want}, 300)`;
    if (claimed.length === 0) break;

    const attempts: Attempt[] = claimed.map((c) => ({ horse_id: c.horse_id, outcome: null, error: null }));
    let next = 0;
    let reserved = 0;
    const one = async (a: Attempt) => {
      try {
        const p: HorseProfileFetch = await client.horsePro(a.horse_id, { deadline: budget.deadline });
        a.outcome = p.kind;
        a.response = {
          endpoint: p.page.path,
          params: p.page.params,
          page: 0,
          body: p.page.body,
          fetchedAt: p.page.fetchedAt,
        };
      } catch (err) {
        if (err instanceof RacingApiNotFoundError) {
          a.outcome = "not_found";
        } else if (err instanceof DeadlineExceededError) {
          a.outcome = null; // not attempted for real: released, tried next run
        } else if (err instanceof RacingApiAuthError || err instanceof RacingApiPlanError) {
          halted = true;
          s.stopped_because = "halted";
          s.error_message = message(err);
          // A call that never got an answer is not an attempt on the horse.
          a.outcome = null;
        } else {
          a.outcome = "error";
          a.error = message(err);
        }
      }
    };
    const lane = async () => {
      while (!halted && next < attempts.length) {
        if (s.calls + reserved + perHorseMax > deps.callBudget) {
          s.stopped_because = "call_budget";
          return;
        }
        if (!invocationRoom()) {
          s.stopped_because = "invocation_budget";
          return;
        }
        const a = attempts[next++];
        // Reserve the horse's worst case while it runs; its real calls are counted in s.calls as they happen.
        reserved += perHorseMax;
        const before = s.calls;
        try {
          await one(a);
        } finally {
          reserved -= perHorseMax;
        }
        if (s.calls - before > perHorseMax) {
          log("horse took retries", { horse_id: a.horse_id, calls: s.calls - before });
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));

    const done = attempts.filter((a) => a.outcome !== null);
    for (const a of done) s[a.outcome!]++;
    s.horses_attempted += done.length;
    const responses = done.flatMap((a) => (a.response ? [a.response] : []));
    try {
      await sql.begin(async (tx) => {
        if (responses.length > 0) {
          const payload = budget.measure(() => buildIngestPayload(responses));
          await ingestBatch(tx, payload);
        }
        await tx`select ra_internal.record_enrichment(${deps.workerId}, ${
          tx.json(attempts.map((a) => ({ horse_id: a.horse_id, outcome: a.outcome, error: a.error })))
        })`;
      });
    } catch (err) {
      s.stopped_because = "database_error";
      s.error_message = message(err);
      log("enrichment batch not recorded", { error: s.error_message });
      break;
    }
    if (done.length > 0) {
      const [f] = await sql<{ n: number }[]>`
        select count(*)::int as n from public.ra_mst_horses
        where horse_id = any(${
        done.filter((a) => a.outcome === "pro").map((a) => a.horse_id)
      }) and dob is not null`;
      s.filled += f.n;
    }
    await deps.onBatch?.(s);
    if (s.stopped_because !== "done") break;
    if (claimed.length < want) break; // no more candidates
  }
  try {
    const [c] = await sql<{ n: number }[]>`
      select count(*)::int as n from ra_internal.enrichment_candidates(1000000)`;
    s.candidates_left = c.n;
  } catch { /* informative only */ }
  return s;
}
