// Load simulated Racing API data straight into the database, without HTTP:
//   deno run -A local/cli/load_simulated.ts --from 2023-01-01 --to 2023-12-31 [--seed 1] [--racecards | --racecards-from DATE]
//       [--cards-ahead N] [--raw] [--days-per-batch 7] [--db URL]
// For every date it builds the day's /v1/results body (GB + IRE races that were run) and, with --racecards,
// the /v1/racecards/pro body (dates the Pro plan covers, from RACECARDS_FIRST_DATE) from the simulator's pure
// functions (local/simulator: generateDay, resultRace, racecardRace), maps them with shared/ingest's payload
// builder and upserts them with ra_internal.ingest_batch. --cards-ahead N adds racecards only (no results) for
// the N days after --to: future races whose runners have no result yet. Re-running is idempotent (upserts).
// Used by the statistics tests (a season) and the benchmarks (a decade ≈ 1.4M runners).
import postgres from "postgres";
import { buildIngestPayload } from "../../shared/ingest/payload.ts";
import type { ApiResponse } from "../../shared/ingest/payload.ts";
import { ingestBatch } from "../../shared/ingest/ingest.ts";
import type { Sql } from "../../shared/ingest/ingest.ts";
import { generateDay } from "../simulator/world.ts";
import { racecardRace, resultRace } from "../simulator/format.ts";
import { RACECARDS_FIRST_DATE } from "../simulator/api.ts";

export interface LoadOptions {
  from: string;
  to: string;
  seed?: number;
  /** Also ingest racecards (Pro) for dates from RACECARDS_FIRST_DATE (default false). */
  racecards?: boolean;
  /** With racecards: only for dates from this one on (default: all dates the plan covers). */
  racecardsFrom?: string;
  /** Racecards only for this many days after `to` (future races; default 0). */
  cardsAhead?: number;
  /** Store raw bodies in ra_internal.raw_responses (default false: the loader is for volume). */
  raw?: boolean;
  /** Days per ingest_batch call (default 7). */
  daysPerBatch?: number;
  /** Regions to keep (default GB and IRE, like the project). */
  regions?: string[];
  /** Progress callback (default: none). */
  progress?: (p: LoadProgress) => void;
}
export interface LoadProgress {
  date: string;
  days: number;
  races: number;
  runners: number;
  results: number;
  seconds: number;
}

const DAY_MS = 86_400_000;
function addDays(date: string, n: number): string {
  return new Date(Date.parse(date + "T00:00:00Z") + n * DAY_MS).toISOString().slice(0, 10);
}

/** The responses the ingest would have fetched for one date (results the morning after, cards the day before). */
export function simulatedResponses(
  seed: number,
  date: string,
  opts: { results: boolean; racecards: boolean; regions?: string[] },
): ApiResponse[] {
  const want = new Set((opts.regions ?? ["GB", "IRE"]).map((r) => r.toUpperCase()));
  const races = generateDay(seed, date).races.filter((r) => want.has(r.region));
  const out: ApiResponse[] = [];
  if (opts.racecards && date >= RACECARDS_FIRST_DATE && races.length > 0) {
    out.push({
      endpoint: "/v1/racecards/pro",
      params: { date },
      page: 0,
      body: { racecards: races.map((r) => racecardRace(seed, r)), total: races.length, limit: 500, skip: 0 },
      fetchedAt: `${addDays(date, -1)}T18:00:00Z`,
    });
  }
  if (opts.results) {
    const run = races.filter((r) => !r.abandoned);
    if (run.length > 0) {
      out.push({
        endpoint: "/v1/results",
        params: { start_date: date, end_date: date },
        page: 0,
        body: { results: run.map((r) => resultRace(seed, r)), total: run.length, limit: 50, skip: 0 },
        fetchedAt: `${addDays(date, 1)}T06:00:00Z`,
      });
    }
  }
  return out;
}

/** Generate and ingest [from, to] (+ cardsAhead days of racecards). Returns totals. */
export async function loadSimulated(sql: Sql, o: LoadOptions): Promise<LoadProgress> {
  const seed = o.seed ?? 1;
  const per = Math.max(1, o.daysPerBatch ?? 7);
  const last = addDays(o.to, o.cardsAhead ?? 0);
  const t0 = performance.now();
  const tot: LoadProgress = { date: o.from, days: 0, races: 0, runners: 0, results: 0, seconds: 0 };
  let d = o.from;
  while (d <= last) {
    const responses: ApiResponse[] = [];
    let end = d;
    for (let i = 0; i < per && end <= last; i++) {
      const isPast = end <= o.to;
      responses.push(
        ...simulatedResponses(seed, end, {
          results: isPast,
          racecards: isPast ? o.racecards === true && end >= (o.racecardsFrom ?? o.from) : true,
          regions: o.regions,
        }),
      );
      tot.days++;
      end = addDays(end, 1);
    }
    if (responses.length > 0) {
      const payload = buildIngestPayload(responses, { storeRaw: o.raw === true });
      const counts = await ingestBatch(sql, payload) as unknown as Record<string, number>;
      tot.races += payload.races.length;
      tot.runners += payload.runners.length;
      tot.results += payload.results.length;
      void counts;
    }
    tot.date = addDays(end, -1);
    tot.seconds = (performance.now() - t0) / 1000;
    o.progress?.({ ...tot });
    d = end;
  }
  return tot;
}

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

if (import.meta.main) {
  const a = Deno.args;
  const from = arg(a, "--from"), to = arg(a, "--to");
  if (!from || !to || !/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) {
    console.error(
      "usage: load_simulated.ts --from YYYY-MM-DD --to YYYY-MM-DD [--seed 1] [--racecards | --racecards-from DATE] [--cards-ahead N] [--raw] [--days-per-batch 7] [--db URL]",
    );
    Deno.exit(2);
  }
  const url = arg(a, "--db") ?? Deno.env.get("DATABASE_URL") ??
    "postgresql://postgres:postgres@127.0.0.1:54322/postgres";
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  let lastPrint = 0;
  try {
    const tot = await loadSimulated(sql, {
      from,
      to,
      seed: Number(arg(a, "--seed") ?? 1),
      racecards: a.includes("--racecards") || arg(a, "--racecards-from") !== undefined,
      racecardsFrom: arg(a, "--racecards-from"),
      cardsAhead: Number(arg(a, "--cards-ahead") ?? 0),
      raw: a.includes("--raw"),
      daysPerBatch: Number(arg(a, "--days-per-batch") ?? 7),
      progress: (p) => {
        if (p.seconds - lastPrint < 2) return;
        lastPrint = p.seconds;
        console.log(
          `${p.date}  days ${p.days}  races ${p.races}  runners ${p.runners}  results ${p.results}  ` +
            `${(p.runners / p.seconds).toFixed(0)} runner rows/s`,
        );
      },
    });
    console.log(
      `done ${from}..${to}: ${tot.days} days, ${tot.races} race rows, ${tot.runners} runner rows, ` +
        `${tot.results} results in ${tot.seconds.toFixed(1)} s (${
          (tot.runners / tot.seconds).toFixed(0)
        } runner rows/s)`,
    );
  } finally {
    await sql.end();
  }
}
