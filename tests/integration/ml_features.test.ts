// ra_ml_runner_features on simulator data (local DB at 127.0.0.1:54322): for a sample of rows, every feature
// and label recomputed by a deliberately naive query (correlated subqueries straight over the source tables, its
// own definitions) equals the view's value, column by column. Plus: the master form columns agree with a naive
// count, and a second refresh writes nothing.
// Period ML_TEST_FROM..ML_TEST_TO (default 2023-05-01..2023-05-31 ≈ 10k runners; racecards for the last 7 days
// so non-runners appear, plus 2 days of future racecards). Everything runs in ONE transaction that is rolled back.
import assert from "node:assert/strict";
import { loadSimulated } from "../../local/cli/load_simulated.ts";
import type { Sql } from "../../shared/ingest/ingest.ts";
import { connect, DB_MISSING, dbReachable } from "../_helpers/db.ts";

// deno-lint-ignore no-explicit-any
type Any = any;
const FROM = Deno.env.get("ML_TEST_FROM") ?? "2023-05-01";
const TO = Deno.env.get("ML_TEST_TO") ?? "2023-05-31";
const SAMPLE = Number(Deno.env.get("ML_TEST_SAMPLE") ?? "400");
const DB_OK = await dbReachable();
if (!DB_OK) console.warn(`ml features tests skipped: ${DB_MISSING}`);
const ROLLBACK = new Error("rollback");
const DAY_MS = 86_400_000;
const addDays = (d: string, n: number) =>
  new Date(Date.parse(d + "T00:00:00Z") + n * DAY_MS).toISOString().slice(0, 10);

// Naive definitions: runs = result rows of runners not marked non-runner; "before" = strictly earlier off.
const NAIVE = `
  create temp table nv_all on commit drop as
  select ru.race_id, ru.horse_id, ru.jockey_id, ru.trainer_id, ru.headgear, ru.headgear_run, ra.course_id, ra.race_date,
         coalesce(ra.off_dt, (ra.race_date::text || ' 12:00')::timestamp at time zone 'Europe/London') as off_ts,
         (rr.race_id is not null and ru.is_non_runner is not true) as is_run, rr.position as pos
  from public.ra_runners ru
  join public.ra_races ra on ra.race_id = ru.race_id
  left join public.ra_race_results rr on rr.race_id = ru.race_id and rr.horse_id = ru.horse_id;
  create index on nv_all (jockey_id, off_ts);
  create index on nv_all (trainer_id, off_ts);
  create index on nv_all (horse_id, off_ts);
  analyze nv_all;`;
const NAIVE_FEATURES = `
  create temp table nv_features on commit drop as
  select r.race_id, r.horse_id, jsonb_build_object(
    'race_date', ra.race_date, 'course_id', ra.course_id, 'region_code', ra.region_code, 'race_type', ra.race_type,
    'race_class', ra.race_class, 'pattern', ra.pattern, 'distance_yards', ra.distance_yards, 'going', ra.going,
    'surface', ra.surface, 'prize', ra.prize,
    'field_size', case when ra.field_size > 0 then ra.field_size
                       else coalesce((select nullif(count(*), 0) from public.ra_race_results x where x.race_id = r.race_id),
                                     (select nullif(count(*), 0) from public.ra_runners x where x.race_id = r.race_id
                                      and x.is_non_runner is not true)) end,
    'age', ru.age, 'sex_code', ru.sex_code, 'weight_lbs', ru.weight_lbs, 'draw', ru.draw,
    'official_rating', case when ru.ofr is not null then ru.ofr else rr.official_rating end,
    'rpr', ru.rpr, 'ts', ru.ts, 'headgear', ru.headgear, 'jockey_claim_lbs', ru.jockey_claim_lbs, 'form', ru.form,
    'days_since_last_run', r.race_date - (select max(p.race_date) from nv_all p where p.horse_id = r.horse_id and p.is_run and p.off_ts < r.off_ts),
    'horse_career_runs', (select count(*) from nv_all p where p.horse_id = r.horse_id and p.is_run and p.off_ts < r.off_ts),
    'horse_career_wins', (select count(*) from nv_all p where p.horse_id = r.horse_id and p.is_run and p.pos = 1 and p.off_ts < r.off_ts),
    'horse_course_runs', (select count(*) from nv_all p where p.horse_id = r.horse_id and p.is_run and p.course_id = r.course_id and p.off_ts < r.off_ts),
    'horse_last_won', (select max(p.race_date) from nv_all p where p.horse_id = r.horse_id and p.pos = 1 and p.is_run and p.off_ts < r.off_ts),
    'headgear_first_time', case when nullif(trim(ru.headgear), '') is null then false
                                when nullif(trim(ru.headgear_run), '') is not null then trim(ru.headgear_run) = '1'
                                else not exists (select 1 from nv_all p where p.horse_id = r.horse_id and p.is_run
                                                 and trim(p.headgear) = trim(ru.headgear) and p.off_ts < r.off_ts) end,
    'label_has_result', rr.race_id is not null,
    'label_won', case when rr.race_id is not null then rr.position is not distinct from 1 end,
    'label_placed', case when rr.race_id is not null then coalesce(rr.position in (1, 2, 3), false) end,
    'label_position', rr.position, 'label_position_raw', rr.position_raw, 'label_btn', rr.btn,
    'label_sp_decimal', rr.sp_decimal, 'label_finished', case when rr.race_id is not null then rr.position is not null end
  ) || jk.j || tk.j || jt.j as j
  from nv_sample s
  join nv_all r on r.race_id = s.race_id and r.horse_id = s.horse_id
  join public.ra_runners ru on ru.race_id = r.race_id and ru.horse_id = r.horse_id
  join public.ra_races ra on ra.race_id = r.race_id
  left join public.ra_race_results rr on rr.race_id = r.race_id and rr.horse_id = r.horse_id
  cross join lateral (select %JOCKEY%) jk
  cross join lateral (select %TRAINER%) tk
  cross join lateral (
    select jsonb_build_object('jockey_trainer_runs', case when r.jockey_id is not null and r.trainer_id is not null then n end,
      'jockey_trainer_wins', case when r.jockey_id is not null and r.trainer_id is not null then w end,
      'jockey_trainer_win_percent', case when r.jockey_id is not null and r.trainer_id is not null and n > 0 then round(100.0 * w / n, 2) end) as j
    from (select count(*) as n, count(*) filter (where p.pos = 1) as w from nv_all p
          where p.jockey_id = r.jockey_id and p.trainer_id = r.trainer_id and p.is_run and p.off_ts < r.off_ts) c) jt`;

/** jsonb of <who>_{14d,30d,career,course}_{runs,wins,win_percent} by counting prior runs of r.<who>_id. */
function naiveForm(who: "jockey" | "trainer"): string {
  const parts: string[] = [];
  const windows: [string, string][] = [
    ["14d", "p.off_ts >= r.off_ts - interval '14 days'"],
    ["30d", "p.off_ts >= r.off_ts - interval '30 days'"],
    ["career", "true"],
    ["course", "p.course_id = r.course_id"],
  ];
  for (const [name, cond] of windows) {
    const base =
      `from nv_all p where p.${who}_id = r.${who}_id and p.is_run and p.off_ts < r.off_ts and ${cond}`;
    const n = `(select count(*) ${base})`;
    const w = `(select count(*) ${base} and p.pos = 1)`;
    parts.push(
      `jsonb_build_object('${who}_${name}_runs', case when r.${who}_id is not null then ${n} end,
        '${who}_${name}_wins', case when r.${who}_id is not null then ${w} end,
        '${who}_${name}_win_percent', case when r.${who}_id is not null and ${n} > 0 then round(100.0 * ${w} / ${n}, 2) end)`,
    );
  }
  return `${parts.join(" || ")} as j`;
}

Deno.test({
  name: `ml features: naive recomputation = view on sampled simulator rows (${FROM}..${TO})`,
  ignore: !DB_OK,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const sql = connect(1);
    const t0 = performance.now();
    const log = (m: string) => console.log(`  [${((performance.now() - t0) / 1000).toFixed(1)} s] ${m}`);
    try {
      await sql.begin(async (tx: Any) => {
        await tx`set local timezone = 'Europe/London'`;
        await tx`set local jit = off`;
        const load = (from: string, to: string, cardsAhead = 0) =>
          loadSimulated(tx as Sql, {
            from,
            to,
            seed: 1,
            racecards: true,
            racecardsFrom: addDays(TO, -7),
            cardsAhead,
            daysPerBatch: 14,
          });
        // a few days first, then ANALYZE (it counts this transaction's own rows): on a freshly reset, empty
        // database the ingest's plans are otherwise built for empty tables
        await load(FROM, addDays(FROM, 2));
        await tx.unsafe(
          `analyze public.ra_races, public.ra_runners, public.ra_race_results, public.ra_mst_horses,
          public.ra_mst_jockeys, public.ra_mst_trainers, public.ra_mst_owners`,
        );
        await load(addDays(FROM, 3), TO, 2);
        log("loaded");
        const r1 = (await tx`select ra_internal.refresh_ml_features(true) as r`)[0].r;
        log(`refresh_ml_features(full) ${r1.duration_ms} ms: form rows ${r1.rows_total}`);
        const r2 = (await tx`select ra_internal.refresh_ml_form() as r`)[0].r;
        assert.equal(r2.rows_written, 0, "a second form refresh with nothing new writes nothing");
        assert.equal(r2.rows_deleted, 0);

        const shape = (await tx`select count(*)::int as n,
            count(*) filter (where not features_ready)::int as not_ready,
            count(*) filter (where not label_has_result)::int as cards,
            count(*) filter (where label_finished = false)::int as non_finishers,
            count(*) filter (where jockey_14d_runs > 0)::int as j14,
            count(*) filter (where headgear_first_time)::int as first_hg
          from public.ra_ml_runner_features where race_date between ${FROM} and ${addDays(TO, 2)}`)[0];
        const runners =
          (await tx`select count(*)::int as n from public.ra_runners ru join public.ra_races ra using (race_id)
          where ra.race_date between ${FROM} and ${addDays(TO, 2)} and ru.is_non_runner is not true`)[0].n;
        const nrs = (await tx`select count(*)::int as n from public.ra_runners where is_non_runner`)[0].n;
        log(`view: ${JSON.stringify(shape)}; non-runner rows left out: ${nrs}`);
        assert.equal(shape.n, runners, "one row per runner that is not a non-runner");
        assert.equal(shape.not_ready, 0, "every row computed after the refresh");
        assert.ok(
          shape.cards > 0 && shape.non_finishers > 0 && shape.j14 > 0 && shape.first_hg > 0 && nrs > 0,
          "data exercises cards, PU/F, form, headgear, NRs",
        );
        const nrInView = (await tx`select count(*)::int as n from public.ra_ml_runner_features v
          join public.ra_runners ru using (race_id, horse_id) where ru.is_non_runner`)[0].n;
        assert.equal(nrInView, 0, "non-runners are not rows");

        await tx.unsafe(NAIVE);
        await tx`create temp table nv_sample on commit drop as
          select v.race_id, v.horse_id from public.ra_ml_runner_features v
          where v.race_date between ${FROM} and ${
          addDays(TO, 2)
        } order by md5(v.race_id || v.horse_id) limit ${SAMPLE}`;
        await tx.unsafe(
          NAIVE_FEATURES.replace("%JOCKEY%", naiveForm("jockey")).replace("%TRAINER%", naiveForm("trainer")),
        );
        log(`naive features for ${SAMPLE} sampled rows`);
        const rows = await tx`select n.race_id, n.horse_id, n.j as naive, to_jsonb(v) as view
          from nv_features n join public.ra_ml_runner_features v using (race_id, horse_id)`;
        assert.equal(rows.length, SAMPLE, "every sampled row is in the view");
        const keys = Object.keys(rows[0].naive);
        assert.ok(keys.length >= 60, `${keys.length} columns compared`);
        const diffs: string[] = [];
        for (const r of rows) {
          for (const k of keys) {
            const a = r.naive[k] ?? null;
            const b = r.view[k] ?? null;
            // numerics: compare as numbers (jsonb keeps 50.0 vs 50.00 apart)
            const same = typeof a === "number" && typeof b === "number"
              ? Math.abs(a - b) < 1e-9
              : JSON.stringify(a) === JSON.stringify(b);
            if (!same) {
              diffs.push(
                `${r.race_id}/${r.horse_id} ${k}: naive ${JSON.stringify(a)} view ${JSON.stringify(b)}`,
              );
            }
          }
        }
        assert.equal(diffs.length, 0, `differences:\n${diffs.slice(0, 15).join("\n")}`);
        log(`naive = view on ${rows.length} rows × ${keys.length} columns`);

        // master form: naive counts as of the last loaded day
        await tx`select ra_internal.refresh_master_form(${TO}::date)`;
        const m = await tx`
          with runs as (
            select ru.jockey_id, ra.race_date, rr.position from public.ra_runners ru join public.ra_races ra using (race_id)
            join public.ra_race_results rr using (race_id, horse_id) where ru.is_non_runner is not true and ra.race_date <= ${TO}::date),
          agg as (
            select jockey_id, count(*)::int as runs, sum((position = 1)::int)::int as wins,
              sum((position in (1, 2, 3))::int)::int as places,
              sum((race_date >= ${TO}::date - 13)::int)::int as runs_14d,
              sum((race_date >= ${TO}::date - 13 and position = 1)::int)::int as wins_14d,
              sum((race_date >= ${TO}::date - 29)::int)::int as runs_30d, max(race_date) as last_run_date
            from runs group by jockey_id)
          select j.jockey_id from public.ra_mst_jockeys j left join agg a using (jockey_id)
          where (j.runs, j.wins, j.places, j.runs_14d, j.wins_14d, j.runs_30d, j.last_run_date) is distinct from
                (coalesce(a.runs, 0), coalesce(a.wins, 0), coalesce(a.places, 0), coalesce(a.runs_14d, 0),
                 coalesce(a.wins_14d, 0), coalesce(a.runs_30d, 0), a.last_run_date)`;
        assert.equal(
          m.length,
          0,
          `master form differs for ${m.slice(0, 5).map((x: Any) => x.jockey_id).join(", ")}`,
        );
        log("master form = naive counts for every jockey");
        throw ROLLBACK;
      }).catch((e: unknown) => {
        if (e !== ROLLBACK) throw e;
      });
    } finally {
      await sql.end();
    }
  },
});
