// SQL ingest throughput: runner rows/s of ra_internal.ingest_batch for a realistic synthetic day, first load and
// re-load (every row conflicts). Used by `deno task bench`; standalone: `deno run -A local/bench/ingest_throughput.ts`.
//
// The day is built here from the real captures' record shapes (results-sample-1, racecards-pro-sample-2): N races
// of M runners, paged like the API (50 races per page), with the entity mix of a real day (a jockey rides several
// races, trainers/sires/damsires recur, owners/dams mostly unique) and the raw bodies stored (storeRaw default).
// Each repetition runs in its own transaction as service_role and is rolled back; the figures are medians.
// Timing covers ingestBatch(tx, payload) as the backfill worker calls it (client serialisation + SQL), not the
// TypeScript mapping (reported separately as mapMs).
import postgres from "postgres";
import { fixturesDir, loadFixture } from "../../tests/_helpers/fixtures.ts";
import { buildIngestPayload } from "../../shared/ingest/payload.ts";
import type { ApiResponse } from "../../shared/ingest/payload.ts";
import { ingestBatch } from "../../shared/ingest/ingest.ts";
import type { Sql } from "../../shared/ingest/ingest.ts";
import type { IngestPayload } from "../../shared/ingest/types.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

export type BenchScenario = "results" | "racecards+results";

export interface BenchIngestOptions {
  /** Races in the synthetic day (default 400). */
  races?: number;
  /** Runners per race (default 12). */
  runnersPerRace?: number;
  /** Timed repetitions (default 5); the medians are reported. */
  repetitions?: number;
  /**
   * "results" (default): /v1/results pages only (a historical backfill day).
   * "racecards+results": /v1/racecards/pro pages then /v1/results pages for the same races in one payload.
   */
  scenario?: BenchScenario;
  /** Store the raw bodies in ra_internal.raw_responses (default true, as production does). */
  storeRaw?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface BenchIngestResult {
  scenario: BenchScenario;
  /** ra_runners rows in the batch (distinct race/horse). */
  runners: number;
  /** Rows of each payload key (runner rows of both sources, results, races, entities, raw responses). */
  payloadRows: Record<string, number>;
  /** Size of the payload as JSON (bytes). */
  payloadBytes: number;
  /** TypeScript mapping (buildIngestPayload) of the day, ms. */
  mapMs: number;
  firstLoadMs: number;
  reloadMs: number;
  firstLoadRowsPerSec: number;
  reloadRowsPerSec: number;
  /** Database backend CPU (ms) of the call, median; null when /proc of the backend is not readable (remote DB). */
  firstLoadDbCpuMs: number | null;
  reloadDbCpuMs: number | null;
  /** runners / backend CPU seconds: the rate an otherwise idle machine would reach, stable under other load. */
  firstLoadRowsPerDbCpuSec: number | null;
  reloadRowsPerDbCpuSec: number | null;
  /** Every repetition (ms), for the record. */
  samples: { firstLoadMs: number[]; reloadMs: number[] };
  repetitions: number;
}

const PAGE = 50;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Entity ids of runner j in race i, with the recurrence of a real day. */
function ids(i: number, j: number, tag: string) {
  const k = i * 100 + j;
  return {
    horse_id: `hrs_9${tag}${String(k).padStart(6, "0")}`,
    jockey_id: `jky_9${tag}${(i * 7 + j * 13) % 180}`,
    trainer_id: `trn_9${tag}${(i * 3 + j * 31) % 450}`,
    owner_id: `own_9${tag}${(i * 12 + j) % 3900}`,
    sire_id: `sir_9${tag}${(i * 11 + j * 17) % 700}`,
    dam_id: `dam_9${tag}${k}`,
    damsire_id: `dsi_9${tag}${(i * 5 + j * 19) % 900}`,
  };
}

function pages<T>(xs: T[]): T[][] {
  const out: T[][] = [];
  for (let p = 0; p < xs.length; p += PAGE) out.push(xs.slice(p, p + PAGE));
  return out;
}

/** Synthetic day as the API would return it (ApiResponse pages). Needs the real captures (fixturesDir()). */
export function syntheticDay(
  opts: { races?: number; runnersPerRace?: number; scenario?: BenchScenario; tag?: string; date?: string } =
    {},
): ApiResponse[] {
  const nRaces = opts.races ?? 400, per = opts.runnersPerRace ?? 12, tag = opts.tag ?? "0";
  const date = opts.date ?? "2025-10-14";
  const resTmpl = loadFixture<Any>("results-sample-1.json").results[0];
  const results = [];
  for (let i = 0; i < nRaces; i++) {
    const runners = [];
    for (let j = 0; j < per; j++) {
      const u = resTmpl.runners[j % resTmpl.runners.length];
      const id = ids(i, j, tag);
      runners.push({
        ...u,
        ...id,
        horse: `Bench Horse ${tag}-${i}-${j} (IRE)`,
        jockey: `Bench Jockey ${id.jockey_id}`,
        trainer: `Bench Trainer ${id.trainer_id}`,
        owner: `Bench Owner ${id.owner_id}`,
        sire: `Bench Sire ${id.sire_id} (IRE)`,
        dam: `Bench Dam ${id.dam_id} (GB)`,
        damsire: `Bench Damsire ${id.damsire_id} (USA)`,
        position: String(j + 1),
      });
    }
    results.push({
      ...resTmpl,
      race_id: `rac_9${tag}${String(i).padStart(6, "0")}`,
      course_id: `crs_9${tag}${i % 30}`,
      course: `Bench Park ${i % 30}`,
      date,
      race_name: `Bench Stakes ${i}`,
      runners,
    });
  }
  const out: ApiResponse[] = [];
  if (opts.scenario === "racecards+results") {
    const card = loadFixture<Any>("racecards-pro-sample-2.json").racecards[0];
    const cards = results.map((r, i) => ({
      ...card,
      race_id: r.race_id,
      course_id: r.course_id,
      course: r.course,
      date,
      race_name: r.race_name,
      runners: r.runners.map((ru: Any, j: number) => {
        const u = card.runners[j % card.runners.length];
        const id = ids(i, j, tag);
        return {
          ...u,
          ...id,
          horse: `Bench Horse ${tag}-${i}-${j}`,
          jockey: ru.jockey,
          trainer: ru.trainer,
          owner: ru.owner,
          sire: `Bench Sire ${id.sire_id}`,
          dam: `Bench Dam ${id.dam_id}`,
          damsire: `Bench Damsire ${id.damsire_id}`,
          number: String(j + 1),
          draw: String(j + 1),
        };
      }),
    }));
    pages(cards).forEach((racecards, p) =>
      out.push({
        endpoint: "/v1/racecards/pro",
        params: { date, region: ["gb", "ire"], limit: PAGE, skip: p * PAGE },
        page: p,
        body: { racecards, total: cards.length, limit: PAGE, skip: p * PAGE, query: [] },
        fetchedAt: `${date}T07:00:0${p % 10}Z`,
      })
    );
  }
  pages(results).forEach((page, p) =>
    out.push({
      endpoint: "/v1/results",
      params: { start_date: date, end_date: date, region: ["gb", "ire"], limit: PAGE, skip: p * PAGE },
      page: p,
      body: { results: page, total: results.length, limit: PAGE, skip: p * PAGE, query: [] },
      fetchedAt: `${date}T22:00:0${p % 10}Z`,
    })
  );
  return out;
}

function payloadRows(p: IngestPayload): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(p)) if (Array.isArray(v)) out[k] = v.length;
  return out;
}

/**
 * CPU time (ms) the database backend has used so far, from /proc/<pid>/schedstat (Linux, same machine only);
 * null when unreadable. Wall clock on a shared 2-core box swings 2-3x with other load; backend CPU does not.
 */
function backendCpuMs(pid: number): number | null {
  try {
    return Number(Deno.readTextFileSync(`/proc/${pid}/schedstat`).split(" ")[0]) / 1e6;
  } catch {
    return null;
  }
}

interface Rep {
  first: number;
  again: number;
  firstCpu: number | null;
  againCpu: number | null;
}

/** Run ingestBatch twice in one rolled-back transaction (as service_role): first load, then re-load. */
async function oneRep(sql: Sql, payload: IngestPayload, runners: number): Promise<Rep> {
  const ROLLBACK = new Error("rollback");
  let first = 0, again = 0, firstCpu: number | null = null, againCpu: number | null = null;
  await (sql as postgres.Sql).begin(async (tx) => {
    await tx`set local role service_role`;
    const [{ pid }] = await tx`select pg_backend_pid() as pid`;
    const c0 = backendCpuMs(pid);
    const t0 = performance.now();
    const c1 = await ingestBatch(tx, payload);
    const t1 = performance.now();
    const cpu1 = backendCpuMs(pid);
    await ingestBatch(tx, payload);
    const t2 = performance.now();
    const cpu2 = backendCpuMs(pid);
    if (c0 !== null && cpu1 !== null && cpu2 !== null) {
      firstCpu = cpu1 - c0;
      againCpu = cpu2 - cpu1;
    }
    if (c1.runners < runners) {
      throw new Error(`bench: expected ${runners} runner rows, ingest wrote ${c1.runners}`);
    }
    const [n] = await tx`select count(*)::int as n from public.ra_runners where race_id like 'rac_9%'`;
    if (n.n < runners) throw new Error(`bench: only ${n.n} runner rows present after the load`);
    first = t1 - t0;
    again = t2 - t1;
    throw ROLLBACK;
  }).catch((e) => {
    if (e !== ROLLBACK) throw e;
  });
  return { first, again, firstCpu, againCpu };
}

/**
 * Measure the SQL ingest of a synthetic day: first load (into tables without those rows) and re-load of the same
 * payload (all rows conflict). `sql` is a postgres.js instance (max ≥ 1) able to `set role service_role`.
 */
export async function benchIngestThroughput(
  sql: Sql,
  opts: BenchIngestOptions = {},
): Promise<BenchIngestResult> {
  if (fixturesDir() === null) throw new Error("bench: real Racing API captures not found (fixturesDir())");
  const scenario = opts.scenario ?? "results";
  const reps = opts.repetitions ?? 5;
  const day = syntheticDay({ races: opts.races, runnersPerRace: opts.runnersPerRace, scenario });
  const t0 = performance.now();
  const payload = buildIngestPayload(day, { storeRaw: opts.storeRaw ?? true });
  const mapMs = performance.now() - t0;
  const runners = new Set(payload.runners.map((r) => `${r.race_id}|${r.horse_id}`)).size;
  // warm-up (plans, caches), not counted
  await oneRep(sql, payload, runners);
  const firsts: number[] = [], agains: number[] = [], firstCpus: number[] = [], againCpus: number[] = [];
  for (let i = 0; i < reps; i++) {
    const r = await oneRep(sql, payload, runners);
    firsts.push(r.first);
    agains.push(r.again);
    if (r.firstCpu !== null && r.againCpu !== null) {
      firstCpus.push(r.firstCpu);
      againCpus.push(r.againCpu);
    }
    opts.log?.(
      `  rep ${i + 1}: first load ${r.first.toFixed(0)} ms (db cpu ${r.firstCpu?.toFixed(0) ?? "?"} ms), ` +
        `re-load ${r.again.toFixed(0)} ms (db cpu ${r.againCpu?.toFixed(0) ?? "?"} ms)`,
    );
  }
  const firstLoadMs = median(firsts), reloadMs = median(agains);
  const cpu = firstCpus.length === reps ? { first: median(firstCpus), again: median(againCpus) } : null;
  return {
    scenario,
    runners,
    payloadRows: payloadRows(payload),
    payloadBytes: JSON.stringify(payload).length,
    mapMs: Math.round(mapMs),
    firstLoadMs: Math.round(firstLoadMs),
    reloadMs: Math.round(reloadMs),
    firstLoadRowsPerSec: Math.round(runners / (firstLoadMs / 1000)),
    reloadRowsPerSec: Math.round(runners / (reloadMs / 1000)),
    firstLoadDbCpuMs: cpu ? Math.round(cpu.first) : null,
    reloadDbCpuMs: cpu ? Math.round(cpu.again) : null,
    firstLoadRowsPerDbCpuSec: cpu ? Math.round(runners / (cpu.first / 1000)) : null,
    reloadRowsPerDbCpuSec: cpu ? Math.round(runners / (cpu.again / 1000)) : null,
    samples: { firstLoadMs: firsts.map(Math.round), reloadMs: agains.map(Math.round) },
    repetitions: reps,
  };
}

if (import.meta.main) {
  const url = Deno.env.get("DATABASE_URL") ?? "postgresql://postgres:postgres@127.0.0.1:54322/postgres";
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const reps = Number(Deno.env.get("BENCH_REPS") ?? 5);
    const only = Deno.env.get("BENCH_SCENARIO") as BenchScenario | undefined;
    const scenarios: BenchScenario[] = only ? [only] : ["results", "racecards+results"];
    for (const scenario of scenarios) {
      const r = await benchIngestThroughput(sql, {
        scenario,
        repetitions: reps,
        log: console.log,
        storeRaw: Deno.env.get("BENCH_RAW") !== "0",
      });
      console.log(
        `ingest ${scenario} day: ${r.runners} runners, payload ${(r.payloadBytes / 1e6).toFixed(1)} MB ` +
          `(${
            Object.entries(r.payloadRows).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(", ")
          }), ` +
          `map ${r.mapMs} ms`,
      );
      console.log(
        `  first load ${r.firstLoadMs} ms → ${r.firstLoadRowsPerSec} runner rows/s; ` +
          `re-load ${r.reloadMs} ms → ${r.reloadRowsPerSec} runner rows/s (median of ${r.repetitions})`,
      );
      if (r.firstLoadDbCpuMs !== null) {
        console.log(
          `  db backend cpu: first load ${r.firstLoadDbCpuMs} ms → ${r.firstLoadRowsPerDbCpuSec} runner rows/cpu-s; ` +
            `re-load ${r.reloadDbCpuMs} ms → ${r.reloadRowsPerDbCpuSec} runner rows/cpu-s`,
        );
      }
    }
  } finally {
    await sql.end();
  }
}
