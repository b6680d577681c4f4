// Statistics refresh benchmark (issue 7): full refresh and incremental new day, medians of a few runs.
// Standalone: deno run -A local/bench/statistics.ts [--db URL] [--runs 3] [--full-runs N]
//
// full:        ra_internal.refresh_statistics() on the database as it is (committed; the tables already hold the
//              previous refresh, as in production, so the diff-write only touches what changed).
// incremental: one new day arriving, in a transaction that is rolled back afterwards: the latest day with
//              results is removed (races, runners, results; an untimed incremental refresh takes it out), then
//              re-inserted as the nightly ingest would, and the timed ra_internal.refresh_statistics_incremental()
//              processes it (new base rows, the runners' horses, every affected aggregate group).
// Also reports the database backend CPU seconds of each timed call (Linux /proc; null elsewhere), which is a
// steadier figure than wall time on a shared 2-core machine, and for the full refresh the CPU seconds of its
// parallel workers (the CPU of the postmaster's children that exited during the call: the workers of the
// refresh, plus any other backend that happened to end meanwhile, so an upper bound).
import postgres from "postgres";

// deno-lint-ignore no-explicit-any
type Any = any;
type Sql = Any;

export interface StatisticsBenchResult {
  fullSeconds: number;
  incrementalDaySeconds: number;
  runners: number;
  fullCpuSeconds: number | null;
  /** CPU seconds of the full refresh's parallel workers (median; upper bound, see the header). */
  fullWorkersCpuSeconds: number | null;
  incrementalDayCpuSeconds: number | null;
  incrementalDay: string | null;
  incrementalRaces: number;
  fullRuns: number[];
  incrementalRuns: number[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? NaN
    : s.length % 2
    ? s[(s.length - 1) / 2]
    : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// utime + stime of the backend, and cutime + cstime of its parent (the postmaster: CPU of exited children, i.e.
// parallel workers), in seconds (clock ticks at 100 Hz)
async function backendCpu(sql: Sql): Promise<{ own: number; children: number } | null> {
  try {
    const [{ pid }] = await sql`select pg_backend_pid() as pid`;
    const fields = async (p: number | string) => {
      const stat = await Deno.readTextFile(`/proc/${p}/stat`);
      return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    };
    const f = await fields(pid);
    const pm = await fields(f[1]);
    return { own: (Number(f[11]) + Number(f[12])) / 100, children: (Number(pm[13]) + Number(pm[14])) / 100 };
  } catch {
    return null;
  }
}

async function timed(
  sql: Sql,
  q: (s: Sql) => Promise<unknown>,
): Promise<{ s: number; cpu: number | null; workersCpu: number | null }> {
  const c0 = await backendCpu(sql);
  const t0 = performance.now();
  await q(sql);
  const s = (performance.now() - t0) / 1000;
  const c1 = await backendCpu(sql);
  return c0 === null || c1 === null
    ? { s, cpu: null, workersCpu: null }
    : { s, cpu: c1.own - c0.own, workersCpu: c1.children - c0.children };
}

/** Median full-refresh and incremental-day seconds over `runs` repetitions (default 3). */
export async function benchStatistics(
  sql: Sql,
  opts: { runs?: number; fullRuns?: number; log?: (line: string) => void } = {},
): Promise<StatisticsBenchResult> {
  const runs = opts.runs ?? 3;
  const log = opts.log ?? (() => {});
  // one pinned connection, so the backend CPU is the refresh's own
  const conn = await sql.reserve();
  try {
    const [{ n }] = await conn`select count(*)::int as n from public.ra_runners`;
    // bring the statistics up to date first (falls back to a full refresh when none has run; filling empty
    // tables is not what is measured)
    await conn`select ra_internal.refresh_statistics_incremental()`;
    const full: number[] = [], fullCpu: number[] = [], fullWorkersCpu: number[] = [];
    for (let i = 0; i < (opts.fullRuns ?? runs); i++) {
      const r = await timed(conn, (s) => s`select ra_internal.refresh_statistics()`);
      full.push(r.s);
      if (r.cpu !== null) fullCpu.push(r.cpu);
      if (r.workersCpu !== null) fullWorkersCpu.push(r.workersCpu);
      log(
        `full refresh ${r.s.toFixed(1)} s (backend cpu ${r.cpu?.toFixed(1) ?? "?"} s, parallel workers ${
          r.workersCpu?.toFixed(1) ?? "?"
        } s)`,
      );
    }

    const [{ day }] = await conn`select max(race_date)::text as day from public.ra_races where has_result`;
    const incr: number[] = [], incrCpu: number[] = [];
    let races = 0;
    for (let i = 0; day && i < runs; i++) {
      await conn`begin`;
      try {
        const tx = conn;
        await tx`create temp table bench_races on commit drop as select * from public.ra_races where race_date = ${day}::date`;
        await tx`create temp table bench_runners on commit drop as
          select ru.* from public.ra_runners ru join bench_races r using (race_id)`;
        await tx`create temp table bench_results on commit drop as
          select rr.* from public.ra_race_results rr join bench_races r using (race_id)`;
        await tx`delete from public.ra_race_results where race_id in (select race_id from bench_races)`;
        await tx`delete from public.ra_runners where race_id in (select race_id from bench_races)`;
        await tx`delete from public.ra_races where race_id in (select race_id from bench_races)`;
        await tx`select ra_internal.refresh_statistics_incremental()`;
        await tx`insert into public.ra_races select * from bench_races`;
        await tx`insert into public.ra_runners select * from bench_runners`;
        await tx`insert into public.ra_race_results select * from bench_results`;
        let res: Any = null;
        const r = await timed(tx, async (s) => {
          res = (await s`select ra_internal.refresh_statistics_incremental() as r`)[0].r;
        });
        races = res?.changed_races ?? 0;
        incr.push(r.s);
        if (r.cpu !== null) incrCpu.push(r.cpu);
        log(
          `incremental day ${day}: ${r.s.toFixed(2)} s (backend cpu ${
            r.cpu?.toFixed(2) ?? "?"
          } s; ${races} races, ${res?.affected_horses} horses; ${JSON.stringify(res?.details?.ms)})`,
        );
      } finally {
        await conn`rollback`;
      }
    }
    return {
      fullSeconds: median(full),
      incrementalDaySeconds: median(incr),
      runners: n,
      fullCpuSeconds: fullCpu.length ? median(fullCpu) : null,
      fullWorkersCpuSeconds: fullWorkersCpu.length ? median(fullWorkersCpu) : null,
      incrementalDayCpuSeconds: incrCpu.length ? median(incrCpu) : null,
      incrementalDay: day ?? null,
      incrementalRaces: races,
      fullRuns: full,
      incrementalRuns: incr,
    };
  } finally {
    conn.release();
  }
}

if (import.meta.main) {
  const a = Deno.args;
  const arg = (k: string) => (a.indexOf(k) >= 0 ? a[a.indexOf(k) + 1] : undefined);
  const url = arg("--db") ?? Deno.env.get("DATABASE_URL") ??
    "postgresql://postgres:postgres@127.0.0.1:54322/postgres";
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  try {
    const r = await benchStatistics(sql, {
      runs: Number(arg("--runs") ?? 3),
      fullRuns: arg("--full-runs") === undefined ? undefined : Number(arg("--full-runs")),
      log: (l) => console.log(`  ${l}`),
    });
    console.log(JSON.stringify(r, null, 2));
  } finally {
    await sql.end();
  }
}
