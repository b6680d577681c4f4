// Statistics on simulator data (local DB at 127.0.0.1:54322):
//  1. cross-check: a deliberately naive SQL definition (correlated LATERAL subqueries straight over the source
//     tables, its own going/distance/AW/jumps expressions) and the fast functions agree on EVERY row of all four
//     tables; incremental refreshes after a new day and after an out-of-order older day equal full rebuilds.
//     Everything runs in one transaction that is rolled back (nothing is left in the shared database).
//     Period: STATS_TEST_FROM..STATS_TEST_TO (default 2023-04-01..2023-05-31: ≈ 20k runners, results; racecards
//     for the last 14 days, so non-runners appear, plus 2 days of future racecards). A full flat season runs
//     with STATS_TEST_FROM=2023-04-01 STATS_TEST_TO=2023-10-31 (several minutes: the ingest is ≈ 1.5k rows/s).
//  2. readers never see an empty or half-built table: a second connection polls the four tables while a full
//     refresh of committed synthetic data runs (the synthetic rows, ids *_stx*, are deleted afterwards).
import assert from "node:assert/strict";
import postgres from "postgres";
import { loadSimulated } from "../../local/cli/load_simulated.ts";
import type { Sql } from "../../shared/ingest/ingest.ts";

// deno-lint-ignore no-explicit-any
type Any = any;
const DB_URL = Deno.env.get("DATABASE_URL") ?? "postgresql://postgres:postgres@127.0.0.1:54322/postgres";
const FROM = Deno.env.get("STATS_TEST_FROM") ?? "2023-04-01";
const TO = Deno.env.get("STATS_TEST_TO") ?? "2023-05-31";

async function dbReachable(): Promise<boolean> {
  const sql = postgres(DB_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    const r =
      await sql`select to_regprocedure('ra_internal.refresh_statistics_incremental()') is not null as ok`;
    return r[0].ok === true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}
const DB_OK = await dbReachable();
if (!DB_OK) console.warn("statistics integration tests skipped: local DB not reachable or not migrated");

const DAY_MS = 86_400_000;
const addDays = (d: string, n: number) =>
  new Date(Date.parse(d + "T00:00:00Z") + n * DAY_MS).toISOString().slice(0, 10);

const TABLES: [string, string][] = [
  ["ra_runner_statistics", "race_id, horse_id"],
  ["ra_entity_combinations", "jockey_id, trainer_id"],
  ["ra_performance_by_distance", "entity_type, entity_id, distance_yards"],
  ["ra_performance_by_venue", "entity_type, entity_id, course_id"],
];

async function hashes(tx: Sql): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [t, key] of TABLES) {
    const r = await tx.unsafe(
      `select md5(coalesce(string_agg(x::text, '|' order by ${key}), '')) as h, count(*)::int as n from public.${t} x`,
    );
    out[t] = `${r[0].h}/${r[0].n}`;
  }
  return out;
}

// The naive definitions. Runs = result rows of runners not marked non-runner; only strictly earlier offs.
const NAIVE_RUNS = `
  create temp table nv_runs on commit drop as
  select ru.race_id, ru.horse_id, ru.jockey_id, ru.trainer_id, ru.sire_id, ra.course_id, ra.race_date,
         coalesce(ra.off_dt, (ra.race_date + time '12:00') at time zone 'Europe/London') as off_ts,
         case when ra.distance_furlongs_round is not null then (round(ra.distance_furlongs_round * 2) * 110)::int
              else (round(ra.distance_yards / 110.0) * 110)::int end as dist,
         ra.distance_yards, ra.going, ra.surface, ra.race_type,
         rr.position as pos, case when rr.sp_decimal > 0 then rr.sp_decimal end as sp, rr.time_seconds,
         rr.prize, rr.prize_currency
  from public.ra_runners ru
  join public.ra_races ra on ra.race_id = ru.race_id
  join public.ra_race_results rr on rr.race_id = ru.race_id and rr.horse_id = ru.horse_id
  where ru.is_non_runner is not true;
  create index on nv_runs (horse_id, off_ts);
  analyze nv_runs;`;

// 4 counts of a family over the prior runs p that satisfy <cond>
const fam = (cond: string) => `
  cross join lateral (
    select count(*)::int as n, count(*) filter (where p.pos = 1)::int as w, count(*) filter (where p.pos = 2)::int as s,
           count(*) filter (where p.pos = 3)::int as t
    from nv_runs p where p.horse_id = r.horse_id and p.off_ts < r.off_ts and (${cond}))`;
const FIRM = `lower(p.going) ~ '^\\s*(hard|firm|good to firm)\\s*(\\(|$)'`;
const GOOD = `lower(p.going) ~ '^\\s*(good|good to yielding)\\s*(\\(|$)'`;
const SOFT = `lower(p.going) ~ '^\\s*(good to soft|yielding|yielding to soft|soft)\\s*(\\(|$)'`;
const HEAVY = `lower(p.going) ~ '^\\s*(soft to heavy|heavy)\\s*(\\(|$)'`;
const NAIVE_RUNNER = `
  insert into nv_stats
  select r.race_id, r.horse_id, r.race_date,
    c.n, c.w, c.s, c.t,
    case when c.n > 0 then round(100.0 * c.w / c.n, 2) end, case when c.n > 0 then round(100.0 * (c.w + c.s + c.t) / c.n, 2) end,
    c.gbp, c.eur,
    crs.n, crs.w, crs.s, crs.t,
    case when r.dist is not null then cd.n end, case when r.dist is not null then cd.w end,
    case when r.dist is not null then cd.s end, case when r.dist is not null then cd.t end,
    case when r.dist is not null then d.n end, case when r.dist is not null then d.w end,
    case when r.dist is not null then d.s end, case when r.dist is not null then d.t end,
    fi.n, fi.w, fi.s, fi.t, go.n, go.w, go.s, go.t, so.n, so.w, so.s, so.t, he.n, he.w, he.s, he.t,
    aw.n, aw.w, aw.s, aw.t,
    case when r.jockey_id is not null then j.n end, case when r.jockey_id is not null then j.w end,
    case when r.jockey_id is not null then j.s end, case when r.jockey_id is not null then j.t end,
    ju.n, ju.w, ju.s, ju.t,
    l10.n, l10.w, l10.s, l10.t,
    l12.n, l12.w, l12.s, l12.t,
    c.last_raced, c.last_won, r.race_date - c.last_raced, c.min_win, c.max_win
  from (
    select ru.race_id, ru.horse_id, ru.jockey_id, ra.course_id, ra.race_date,
           coalesce(ra.off_dt, (ra.race_date + time '12:00') at time zone 'Europe/London') as off_ts,
           case when ra.distance_furlongs_round is not null then (round(ra.distance_furlongs_round * 2) * 110)::int
                else (round(ra.distance_yards / 110.0) * 110)::int end as dist
    from public.ra_runners ru join public.ra_races ra on ra.race_id = ru.race_id
    %FILTER%
  ) r
  cross join lateral (
    select count(*)::int as n, count(*) filter (where p.pos = 1)::int as w, count(*) filter (where p.pos = 2)::int as s,
           count(*) filter (where p.pos = 3)::int as t,
           coalesce(sum(p.prize) filter (where p.prize_currency = 'GBP'), 0) as gbp,
           coalesce(sum(p.prize) filter (where p.prize_currency = 'EUR'), 0) as eur,
           max(p.race_date) as last_raced, max(p.race_date) filter (where p.pos = 1) as last_won,
           min(coalesce(p.distance_yards, p.dist)) filter (where p.pos = 1) as min_win,
           max(coalesce(p.distance_yards, p.dist)) filter (where p.pos = 1) as max_win
    from nv_runs p where p.horse_id = r.horse_id and p.off_ts < r.off_ts) c
  ${fam("p.course_id = r.course_id")} crs
  ${fam("p.course_id = r.course_id and p.dist = r.dist")} cd
  ${fam("p.dist = r.dist")} d
  ${fam(FIRM)} fi ${fam(GOOD)} go ${fam(SOFT)} so ${fam(HEAVY)} he
  ${fam("upper(p.surface) = 'AW'")} aw
  ${fam("p.jockey_id = r.jockey_id")} j
  ${fam("p.race_type in ('Hurdle', 'Chase', 'NH Flat')")} ju
  ${fam("p.off_ts >= r.off_ts - interval '1 year'")} l12
  cross join lateral (
    select count(*)::int as n, count(*) filter (where z.pos = 1)::int as w, count(*) filter (where z.pos = 2)::int as s,
           count(*) filter (where z.pos = 3)::int as t
    from (select p.pos from nv_runs p where p.horse_id = r.horse_id and p.off_ts < r.off_ts
          order by p.off_ts desc, p.race_id collate "C" desc limit 10) z) l10`;

const naiveMetrics =
  `count(*)::int, count(*) filter (where pos = 1)::int, count(*) filter (where pos = 2)::int,
  count(*) filter (where pos = 3)::int, round(100.0 * count(*) filter (where pos = 1) / count(*), 2),
  round(100.0 * count(*) filter (where pos in (1, 2, 3)) / count(*), 2),
  count(*) filter (where sp is not null)::int, count(*) filter (where sp is not null and pos = 1)::int,
  round(sum(1 / sp), 4), round(count(*) filter (where sp is not null and pos = 1) / sum(1 / sp), 2),
  round(sum(case when pos = 1 then sp - 1 else -1 end) filter (where sp is not null), 2)`;
const band = (y: string) =>
  `case when ${y} < 1600 then 'sprint' when ${y} < 2000 then 'mile' when ${y} < 2700 then 'middle' else 'staying' end`;
const naiveAggregates = (minC: number, minD: number, minV: number) => [
  `insert into nv_comb select jockey_id, trainer_id, ${naiveMetrics}, min(race_date), max(race_date) from nv_runs
   where jockey_id is not null and trainer_id is not null group by 1, 2 having count(*) >= ${minC}`,
  ...["horse", "jockey", "trainer", "sire"].map((e) =>
    `insert into nv_dist select '${e}', ${e}_id, dist, ${
      band("dist")
    }, ${naiveMetrics}, count(time_seconds)::int,
     min(time_seconds), round(avg(time_seconds), 2), min(race_date), max(race_date) from nv_runs
     where ${e}_id is not null and dist is not null group by ${e}_id, dist having count(*) >= ${minD}`
  ),
  ...["horse", "jockey", "trainer"].map((e) =>
    `insert into nv_venue select '${e}', ${e}_id, course_id, ${naiveMetrics}, min(race_date), max(race_date)
     from nv_runs where ${e}_id is not null group by ${e}_id, course_id having count(*) >= ${minV}`
  ),
];

async function diffCount(tx: Sql, a: string, b: string): Promise<{ n: number; sample: Any[] }> {
  const r = await tx.unsafe(`select * from ((select * from ${a} except select * from ${b})) x limit 3`);
  const n = await tx.unsafe(
    `select count(*)::int as n from (select * from ${a} except select * from ${b}) x`,
  );
  return { n: n[0].n, sample: [...r] };
}

const ROLLBACK = new Error("rollback");

Deno.test({
  name: `statistics: naive definition = fast functions on every row; incremental = full (${FROM}..${TO})`,
  ignore: !DB_OK,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const sql = postgres(DB_URL, { max: 1, onnotice: () => {} });
    const newDay = TO; // loaded last, as the nightly new day
    const oldDay = addDays(TO, -20); // backfilled out of order after that
    const t0 = performance.now();
    const log = (m: string) => console.log(`  [${((performance.now() - t0) / 1000).toFixed(1)} s] ${m}`);
    try {
      await sql.begin(async (tx) => {
        await tx`set local timezone = 'Europe/London'`;
        await tx`set local work_mem = '256MB'`;
        const load = (from: string, to: string, cardsAhead = 0) =>
          loadSimulated(tx, {
            from,
            to,
            seed: 1,
            racecards: true,
            racecardsFrom: addDays(TO, -14),
            cardsAhead,
            daysPerBatch: 14,
          });
        await load(FROM, addDays(oldDay, -1));
        await load(addDays(oldDay, 1), addDays(newDay, -1));
        log("loaded all but two days");
        await tx`select ra_internal.refresh_statistics(5, 5, 5)`;
        log("full refresh");

        // new day (results + 2 days of future racecards)
        await load(newDay, newDay, 2);
        const inc1 = (await tx`select ra_internal.refresh_statistics_incremental() as r`)[0].r;
        const hInc1 = await hashes(tx);
        await tx`select ra_internal.refresh_statistics()`;
        assert.deepEqual(hInc1, await hashes(tx), "incremental after a new day = full rebuild");
        log(`new day: incremental ${inc1.duration_ms} ms (${inc1.changed_races} races) = full`);

        // older day backfilled out of order
        await load(oldDay, oldDay);
        const inc2 = (await tx`select ra_internal.refresh_statistics_incremental() as r`)[0].r;
        const hInc2 = await hashes(tx);
        const full = (await tx`select ra_internal.refresh_statistics() as r`)[0].r;
        assert.deepEqual(
          hInc2,
          await hashes(tx),
          "incremental after backfilling an older day = full rebuild",
        );
        log(
          `backfilled day: incremental ${inc2.duration_ms} ms (${inc2.changed_races} races, ${inc2.affected_horses} horses) = full ${full.duration_ms} ms`,
        );

        const counts = (await tx`select (select count(*) from ra_runners)::int as runners,
          (select count(*) from ra_race_results)::int as results,
          (select count(*) from ra_runners where is_non_runner)::int as nrs,
          (select count(*) from ra_runners ru where not exists (select 1 from ra_race_results rr
             where rr.race_id = ru.race_id and rr.horse_id = ru.horse_id))::int as no_result,
          (select count(*) from ra_race_results where position is null)::int as non_finishers`)[0];
        log(`data: ${JSON.stringify(counts)}`);
        assert.ok(
          counts.nrs > 0 && counts.no_result > counts.nrs && counts.non_finishers > 0,
          "data has NRs, cards, PU/F",
        );

        // naive runner statistics over every row
        await tx.unsafe(NAIVE_RUNS);
        await tx.unsafe(`create temp table nv_stats (like public.ra_runner_statistics) on commit drop`);
        await tx.unsafe(NAIVE_RUNNER.replace("%FILTER%", ""));
        log("naive runner statistics computed");
        const d1 = await diffCount(tx, "public.ra_runner_statistics", "nv_stats");
        const d2 = await diffCount(tx, "nv_stats", "public.ra_runner_statistics");
        assert.equal(
          d1.n + d2.n,
          0,
          `runner statistics differ: fast-only ${d1.n} ${JSON.stringify(d1.sample)}, naive-only ${d2.n} ${
            JSON.stringify(d2.sample)
          }`,
        );
        const n = (await tx`select count(*)::int as n from public.ra_runner_statistics`)[0].n;
        assert.equal(n, counts.runners, "one row per runner row");
        const rich = (await tx`select count(*) filter (where last_10_runs = 10)::int as l10,
          count(*) filter (where jumps_runs > 0)::int as jumps, count(*) filter (where aw_runs > 0)::int as aw,
          count(*) filter (where career_prize_eur > 0)::int as eur from public.ra_runner_statistics`)[0];
        assert.ok(
          rich.l10 > 0 && rich.jumps > 0 && rich.aw > 0 && rich.eur > 0,
          `families exercised ${JSON.stringify(rich)}`,
        );

        // naive aggregates (thresholds 5/5/5 saved by the first full refresh)
        await tx.unsafe(`create temp table nv_comb (like public.ra_entity_combinations) on commit drop;
          create temp table nv_dist (like public.ra_performance_by_distance) on commit drop;
          create temp table nv_venue (like public.ra_performance_by_venue) on commit drop`);
        for (const q of naiveAggregates(5, 5, 5)) await tx.unsafe(q);
        for (
          const [fast, naive] of [["ra_entity_combinations", "nv_comb"], [
            "ra_performance_by_distance",
            "nv_dist",
          ], ["ra_performance_by_venue", "nv_venue"]]
        ) {
          const a = await diffCount(tx, `public.${fast}`, naive);
          const b = await diffCount(tx, naive, `public.${fast}`);
          const m = (await tx.unsafe(`select count(*)::int as n from ${naive}`))[0].n;
          assert.ok(m > 0, `${fast}: naive has rows`);
          assert.equal(
            a.n + b.n,
            0,
            `${fast} differs: fast-only ${a.n} ${JSON.stringify(a.sample)}, naive-only ${b.n} ${
              JSON.stringify(b.sample)
            }`,
          );
        }
        log(`naive = fast on ${n} runner rows and the three aggregates`);
        throw ROLLBACK;
      }).catch((e) => {
        if (e !== ROLLBACK) throw e;
      });
    } finally {
      await sql.end();
    }
  },
});

Deno.test({
  name: "statistics: a full refresh never shows readers an empty or partial table (second connection)",
  ignore: !DB_OK,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const w = postgres(DB_URL, { max: 1, onnotice: () => {} });
    const r = postgres(DB_URL, { max: 1, onnotice: () => {} });
    const synth = async (from: number, to: number) => {
      // races i (one a day from 2001-01-01), 8 runners each from 400 horses, 10 jockeys × 10 trainers
      await w.unsafe(`
        insert into public.ra_mst_courses (course_id, name, region_code) values ('crs_stx', 'Stx Park', 'gb') on conflict do nothing;
        insert into public.ra_mst_horses (horse_id, name) select 'hrs_stx_' || h, 'Stx ' || h from generate_series(0, 399) h on conflict do nothing;
        insert into public.ra_races (race_id, course_id, race_date, off_dt, race_type, going, surface, distance_yards,
          distance_furlongs_round, has_result, fetched_at)
        select 'rac_stx_' || i, 'crs_stx', date '2001-01-01' + i, (date '2001-01-01' + i) + time '14:00', 'Flat', 'Good', 'Turf',
               1100 + (i % 8) * 220, 5 + (i % 8), true, now() from generate_series(${from}, ${to}) i;
        insert into public.ra_runners (race_id, horse_id, is_non_runner, jockey_id, trainer_id, fetched_at)
        select 'rac_stx_' || i, 'hrs_stx_' || ((i * 8 + k) % 400), false, 'jky_stx_' || ((i + k) % 10), 'trn_stx_' || (k % 10), now()
        from generate_series(${from}, ${to}) i, generate_series(0, 7) k;
        insert into public.ra_race_results (race_id, horse_id, position, position_raw, sp_decimal, fetched_at)
        select 'rac_stx_' || i, 'hrs_stx_' || ((i * 8 + k) % 400), k + 1, (k + 1)::text, 2 + k, now()
        from generate_series(${from}, ${to}) i, generate_series(0, 7) k;`);
    };
    const cleanup = async () => {
      await w.unsafe(`delete from public.ra_races where race_id like 'rac\\_stx\\_%';
        delete from public.ra_mst_horses where horse_id like 'hrs\\_stx\\_%';
        delete from public.ra_mst_courses where course_id = 'crs_stx';`);
      await w`select ra_internal.refresh_statistics()`;
    };
    try {
      await cleanup();
      await synth(0, 1999);
      await w`select ra_internal.refresh_statistics(5, 5, 5)`;
      const countsSql = `select (select count(*) from public.ra_runner_statistics)::int as rs,
        (select count(*) from public.ra_entity_combinations)::int as ec,
        (select count(*) from public.ra_performance_by_distance)::int as pd,
        (select count(*) from public.ra_performance_by_venue)::int as pv`;
      const before = (await w.unsafe(countsSql))[0];
      await synth(2000, 3999);
      let done = false;
      const seen: Any[] = [];
      const reader = (async () => {
        while (!done) {
          // as a signed-in API user: RLS lets authenticated read
          const rows = await r.begin(async (tx) => {
            await tx`set local role authenticated`;
            return await tx.unsafe(countsSql);
          });
          seen.push(rows[0]);
        }
      })();
      await new Promise((res) => setTimeout(res, 50));
      const t = performance.now();
      const run = (await w`select ra_internal.refresh_statistics() as r`)[0].r;
      const ms = performance.now() - t;
      await new Promise((res) => setTimeout(res, 50));
      done = true;
      await reader;
      const after = (await w.unsafe(countsSql))[0];
      console.log(
        `  full refresh ${
          ms.toFixed(0)
        } ms (${run.runner_statistics_rows} runner rows); reader polled ${seen.length}×; before ${
          JSON.stringify(before)
        } after ${JSON.stringify(after)}`,
      );
      assert.ok(after.rs > before.rs, "the refresh added rows");
      assert.ok(seen.length >= 5, `reader polled during the refresh (${seen.length})`);
      for (const s of seen) {
        for (const k of ["rs", "ec", "pd", "pv"]) {
          assert.ok(s[k] > 0, `reader saw an empty ${k}: ${JSON.stringify(s)}`);
          assert.ok(
            s[k] === before[k] || s[k] === after[k],
            `reader saw a partial ${k}: ${JSON.stringify(s)}`,
          );
        }
      }
      assert.ok(seen.some((s) => s.rs === before.rs), "reader saw the old tables while the refresh ran");
    } finally {
      await cleanup().catch(() => {});
      await w.end();
      await r.end();
    }
  },
});
