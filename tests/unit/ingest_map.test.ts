// Schemas + mappers against the REAL captures: every fixture validates, counts are exact, bad records are
// rejected one by one, every API field is accounted for, and validation+mapping CPU per day is measured.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fixtureNames, fixturesDir, loadFixture } from "../_helpers/fixtures.ts";
import {
  ApiErrorSchema,
  CourseSchema,
  CoursesPageSchema,
  HorseProSchema,
  HorseStandardSchema,
  OddsEntrySchema,
  RacecardProRaceSchema,
  RacecardProRunnerSchema,
  RacecardsProPageSchema,
  RegionSchema,
  ResultRaceSchema,
  ResultRunnerSchema,
  ResultsPageSchema,
} from "../../shared/racing_api/schemas.ts";
import {
  mapHorse,
  mapRacecardProRace,
  mapRacecardsProPage,
  mapResultsPage,
  RACECARD_RACE_FIELDS,
  RACECARD_RUNNER_FIELDS,
  RESULT_RACE_FIELDS,
  RESULT_RUNNER_FIELDS,
} from "../../shared/ingest/map.ts";
import { buildIngestPayload } from "../../shared/ingest/payload.ts";
import type { Batch } from "../../shared/ingest/types.ts";

const NO_FIX = fixturesDir() === null;
const ctx = { fetchedAt: "2025-10-14T06:00:00+00:00" };
// deno-lint-ignore no-explicit-any
type Any = any;

const RESULTS = [
  "results-sample-1.json",
  "results-sample-2.json",
  "results-sample-3.json",
  "results-sample-4.json",
];
const ENTITY_RESULTS = [
  "dam-results-sample-1.json",
  "damsire-results-sample-1.json",
  "horse-results-sample-1.json",
  "jockey-results-sample-1.json",
  "owner-results-sample-1.json",
  "trainer-results-sample-1.json",
];
const RACECARDS = [
  "racecards-pro-sample-1.json",
  "racecards-pro-sample-2.json",
  "racecards-pro-sample-3.json",
];

function count(body: Any, key: string) {
  const races = body[key] as Any[];
  return { races: races.length, runners: races.reduce((n, r) => n + r.runners.length, 0) };
}

Deno.test({
  name: "every real results / racecards-pro / horse / courses / error capture validates",
  ignore: NO_FIX,
  fn() {
    for (const f of [...RESULTS, ...ENTITY_RESULTS]) {
      const b = loadFixture<Any>(f);
      assert.ok(ResultsPageSchema.safeParse(b).success, f);
      for (const r of b.results) {
        const p = ResultRaceSchema.safeParse(r);
        assert.ok(p.success, `${f} ${r.race_id} ${p.error?.message}`);
        for (const u of r.runners) assert.ok(ResultRunnerSchema.safeParse(u).success, `${f} ${u.horse_id}`);
      }
    }
    for (const f of RACECARDS) {
      const b = loadFixture<Any>(f);
      assert.ok(RacecardsProPageSchema.safeParse(b).success, f);
      for (const r of b.racecards) {
        assert.ok(RacecardProRaceSchema.safeParse(r).success, `${f} ${r.race_id}`);
        for (const u of r.runners) {
          assert.ok(RacecardProRunnerSchema.safeParse(u).success, `${f} ${u.horse_id}`);
          for (const o of u.odds) assert.ok(OddsEntrySchema.safeParse(o).success, `${f} ${u.horse_id} odds`);
        }
      }
    }
    const single = loadFixture<Any>("racecard-race-pro-sample-1.json");
    assert.ok(RacecardProRaceSchema.safeParse(single).success);
    assert.ok(HorseProSchema.safeParse(loadFixture("horse-pro-sample-1.json")).success);
    assert.ok(HorseStandardSchema.safeParse(loadFixture("horse-standard-sample-1.json")).success);
    for (const f of fixtureNames("courses-sample-")) {
      const b = loadFixture<Any>(f);
      assert.ok(CoursesPageSchema.safeParse(b).success, f);
      for (const c of b.courses) assert.ok(CourseSchema.safeParse(c).success, f);
    }
    for (const r of loadFixture<Any[]>("courses-regions-sample-1.json")) {
      assert.ok(RegionSchema.safeParse(r).success);
    }
    assert.ok(ApiErrorSchema.safeParse(loadFixture("error-404-sample-1.json")).success);
    assert.ok(ApiErrorSchema.safeParse(loadFixture("error-422-sample-1.json")).success);
  },
});

Deno.test("truly malformed records are rejected (missing ids, wrong essential types)", () => {
  assert.equal(ResultRaceSchema.safeParse({ date: "2025-10-07", runners: [] }).success, false);
  assert.equal(
    ResultRunnerSchema.safeParse({ horse_id: "", horse: "X" }).success,
    false,
    "empty horse id",
  );
  assert.equal(ResultRunnerSchema.safeParse({ horse_id: 123, horse: "X" }).success, false);
  assert.equal(
    ResultRunnerSchema.safeParse({ horse_id: "hrs_1", horse: "X", jockey_id: "trn_1" }).success,
    false,
  );
  assert.equal(ResultRunnerSchema.safeParse({ horse_id: "hrs_1", horse: "X", jockey_id: "" }).success, true);
  assert.equal(RacecardProRaceSchema.safeParse({ race_id: "rac_1", runners: "none" }).success, false);
  assert.equal(ResultsPageSchema.safeParse({ results: [], total: "3", limit: 5, skip: 0 }).success, false);
  assert.equal(HorseProSchema.safeParse({ name: "No Id" }).success, false);
  // unknown extra fields pass through
  const extra = HorseProSchema.parse({ id: "hrs_1", brand_new_field: 1 }) as Any;
  assert.equal(extra.brand_new_field, 1);
});

Deno.test({
  name: "mappers produce the exact race and runner counts of every fixture",
  ignore: NO_FIX,
  fn() {
    for (const f of [...RESULTS, ...ENTITY_RESULTS]) {
      const body = loadFixture<Any>(f);
      const want = count(body, "results");
      const b = mapResultsPage(body, ctx);
      assert.equal(b.rejects.length, 0, f);
      assert.equal(b.races.length, want.races, f);
      assert.equal(b.runners.length, want.runners, f);
      assert.equal(b.results.length, want.runners, f);
      for (const r of b.races) {
        assert.equal(
          r.listed_runner_count,
          body.results.find((x: Any) => x.race_id === r.race_id).runners.length,
        );
      }
    }
    for (const f of RACECARDS) {
      const body = loadFixture<Any>(f);
      const want = count(body, "racecards");
      const b = mapRacecardsProPage(body, ctx);
      assert.equal(b.rejects.length, 0, f);
      assert.equal(b.races.length, want.races, f);
      assert.equal(b.runners.length, want.runners, f);
      assert.equal(b.results.length, 0);
    }
    const single = mapRacecardProRace(loadFixture("racecard-race-pro-sample-1.json"), ctx);
    assert.equal(single.races.length, 1);
    assert.equal(single.runners.length, 5);
    // results-sample-1: 5 races, 36 runners (the capture's full first page)
    assert.deepEqual(count(loadFixture("results-sample-1.json"), "results"), { races: 5, runners: 36 });
  },
});

Deno.test({
  name: "edge values from the fixtures round-trip through the mappers",
  ignore: NO_FIX,
  fn() {
    const res = mapResultsPage(loadFixture("results-sample-1.json"), ctx);
    const race = res.races.find((r) => r.race_id === "rac_11745682")!;
    assert.equal(race.off_time, "8:30");
    assert.equal(new Date(race.off_dt!).toISOString(), "2025-10-07T19:30:00.000Z");
    assert.equal(race.distance_yards, 1773);
    assert.equal(race.distance_furlongs_round, 8);
    const win = res.results.find((r) => r.race_id === "rac_11745682" && r.position === 1)!;
    assert.deepEqual([win.prize, win.prize_currency, win.sp, win.sp_decimal], [3245.08, "GBP", "9/4", 3.25]);
    const res2 = mapResultsPage(loadFixture("results-sample-2.json"), ctx);
    const fav = [...res.results, ...res2.results].find((r) => r.sp === "9/4F")!;
    assert.deepEqual([fav.sp_decimal, fav.sp_favourite], [3.25, "F"]);
    const noRpr = res.results.find((r) => r.rpr === null)!;
    assert.ok(noRpr, "en-dash RPR maps to null");
    // PU / UR and a 5½f race (jockey results fixture)
    const jr = mapResultsPage(loadFixture("jockey-results-sample-1.json"), ctx);
    const dr = mapResultsPage(loadFixture("dam-results-sample-1.json"), ctx);
    const all = [
      ...jr.results,
      ...dr.results,
      ...mapResultsPage(loadFixture("trainer-results-sample-1.json"), ctx).results,
    ];
    const pu = all.find((r) => r.position_raw === "PU");
    assert.ok(pu, "a PU in the captures");
    assert.equal(pu!.position, null);
    const allRaces = [
      ...jr.races,
      ...dr.races,
      ...mapResultsPage(loadFixture("trainer-results-sample-1.json"), ctx).races,
    ];
    const half = allRaces.find((r) => r.distance_round === "5½f");
    assert.ok(half, "a 5½f race in the captures");
    assert.equal(half!.distance_furlongs_round, 5.5);
    // racecards: £4,193, 2m53y, NR non-runner with the NON-RUNNER placeholder jockey, Luke Scott(3)
    const rc = mapRacecardsProPage(loadFixture("racecards-pro-sample-2.json"), ctx);
    const h = rc.races.find((r) => r.race_id === "rac_11744434")!;
    assert.deepEqual([h.prize, h.prize_currency, h.distance, h.distance_yards], [4193, "GBP", "2m53y", 3573]);
    assert.equal(new Date(h.off_dt!).toISOString(), "2025-10-13T13:12:00.000Z");
    const nr = rc.runners.find((r) => r.horse_id === "hrs_40591908")!;
    assert.deepEqual([nr.is_non_runner, nr.number, nr.jockey_name, nr.jockey_id], [
      true,
      null,
      null,
      "jky_224913",
    ]);
    assert.ok(!rc.jockeys.some((j) => j.name?.toUpperCase().includes("NON-RUNNER")));
    const nrRace = rc.races.find((r) => r.race_id === "rac_11744499")!;
    assert.equal(nrRace.non_runner_count, 1);
    const rc1 = mapRacecardsProPage(loadFixture("racecards-pro-sample-1.json"), ctx);
    const luke = [...rc.runners, ...rc1.runners].find((r) => r.jockey_name === "Luke Scott");
    assert.ok(luke);
    assert.equal(luke!.jockey_claim_lbs, 3);
    assert.ok(rc.runners.every((r) => r.ofr === null || Number.isInteger(r.ofr)), "- ratings → null");
    assert.ok(rc.bookmakers.some((b) => b.bookmaker_code === "boylesports" && b.name === "Boyle Sports"));
    // € prize: synthetic IRE runner (no € runner in the captures' first pages)
    const ire = structuredClone(loadFixture<Any>("results-sample-1.json"));
    ire.results = [ire.results[0]];
    ire.results[0].region = "IRE";
    ire.results[0].runners[0].prize = "€7080";
    const m = mapResultsPage(ire, ctx);
    assert.deepEqual([m.results[0].prize, m.results[0].prize_currency], [7080, "EUR"]);
    // horse pro: suffix stripped, region kept, pedigree rows
    const hp = mapHorse(loadFixture("horse-pro-sample-1.json"), ctx);
    assert.deepEqual([hp.horses[0].name, hp.horses[0].region, hp.horses[0].colour_code], [
      "Flaggan",
      "ire",
      "B",
    ]);
    assert.deepEqual([hp.pedigree[0].damsire, hp.pedigree[0].damsire_region], ["Thatching", "gb"]);
  },
});

Deno.test({
  name: "one bad record is rejected with its reason; the rest of the page is mapped",
  ignore: NO_FIX,
  fn() {
    const body = structuredClone(loadFixture<Any>("results-sample-1.json"));
    delete body.results[1].race_id; // whole race bad
    body.results[0].runners[2].horse_id = 42; // one runner bad
    const b = mapResultsPage(body, ctx);
    assert.equal(b.races.length, 4);
    assert.equal(b.rejects.length, 2);
    const race = b.rejects.find((r) => r.source === "results.race")!;
    assert.match(race.reason, /race_id/);
    const run = b.rejects.find((r) => r.source === "results.runner")!;
    assert.equal(run.record_key, `${body.results[0].race_id}/?`);
    assert.match(run.reason, /horse_id/);
    assert.equal(b.runners.length, 36 - body.results[1].runners.length - 1);
    const bad = mapRacecardsProPage({ racecards: "x", total: 1, limit: 1, skip: 0 }, ctx);
    assert.equal(bad.rejects[0].source, "racecards_pro.page");
  },
});

/** Check every fixture field is in the map, and that mapped columns are filled whenever the API sent a value. */
function coverage(
  items: Any[],
  raceMap: Record<string, string>,
  runnerMap: Record<string, string>,
  b: Batch,
) {
  const missing = new Set<string>();
  const unfilled = new Set<string>();
  const rowsFor = (table: string) => {
    switch (table) {
      case "ra_races":
        return b.races as Any[];
      case "ra_runners":
        return b.runners as Any[];
      case "ra_race_results":
        return b.results as Any[];
      case "ra_horse_pedigree":
        return b.pedigree as Any[];
      case "ra_mst_horses":
        return b.horses as Any[];
      default:
        return null;
    }
  };
  const check = (map: Record<string, string>, obj: Any, match: (row: Any) => boolean, what: string) => {
    for (const [k, v] of Object.entries(obj)) {
      if (!(k in map)) {
        missing.add(`${what}.${k}`);
        continue;
      }
      const m = /^(ra_\w+)\.(\w+)$/.exec(map[k]);
      const empty = v === "" || v === null || (Array.isArray(v) && v.length === 0) ||
        (typeof v === "object" && v !== null && Object.keys(v).length === 0) || v === "-" || v === "–" ||
        (k === "jockey" && /^NON-RUNNER/.test(String(v))); // placeholder, deliberately not stored as a name
      if (!m || empty) continue;
      const rows = rowsFor(m[1]);
      if (!rows) continue;
      const row = rows.find(match);
      if (!row || row[m[2]] === null || row[m[2]] === undefined) unfilled.add(`${what}.${k} → ${map[k]}`);
    }
  };
  for (const r of items) {
    check(raceMap, r, (x) => x.race_id === r.race_id, "race");
    for (const u of r.runners) {
      check(
        runnerMap,
        u,
        (x) => (x.race_id === undefined || x.race_id === r.race_id) && x.horse_id === u.horse_id,
        "runner",
      );
    }
  }
  return { missing: [...missing], unfilled: [...unfilled] };
}

Deno.test({
  name: "field coverage: every results and racecards-pro field lands in a column",
  ignore: NO_FIX,
  fn() {
    for (const f of [...RESULTS, ...ENTITY_RESULTS]) {
      const body = loadFixture<Any>(f);
      const cov = coverage(body.results, RESULT_RACE_FIELDS, RESULT_RUNNER_FIELDS, mapResultsPage(body, ctx));
      assert.deepEqual(cov.missing, [], `${f}: fields with no column`);
      // non-numeric positions are raw-only by design; everything else must be filled
      assert.deepEqual(cov.unfilled, [], `${f}: fields sent but not mapped`);
    }
    for (const f of [...RACECARDS]) {
      const body = loadFixture<Any>(f);
      const cov = coverage(
        body.racecards,
        RACECARD_RACE_FIELDS,
        RACECARD_RUNNER_FIELDS,
        mapRacecardsProPage(body, ctx),
      );
      assert.deepEqual(cov.missing, [], `${f}: fields with no column`);
      // `number: NR` is carried by is_non_runner; draw 0 means "no draw" → null
      const allowed = new Set(["runner.number → ra_runners.number", "runner.draw → ra_runners.draw"]);
      assert.deepEqual(cov.unfilled.filter((u) => !allowed.has(u)), [], `${f}: fields sent but not mapped`);
    }
  },
});

/** Properties of a component schema in the vendor spec (plain YAML text scan; no YAML dependency). */
function specProperties(yml: string, schema: string): string[] {
  const lines = yml.split("\n");
  const start = lines.findIndex((l) => l === `    ${schema}:`);
  assert.ok(start >= 0, schema);
  const props: string[] = [];
  let inProps = false;
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i];
    if (/^ {4}\S/.test(l)) break;
    if (/^ {6}\S/.test(l)) inProps = l === "      properties:";
    else if (inProps) {
      const m = /^ {8}([A-Za-z0-9_]+):/.exec(l);
      if (m) props.push(m[1]);
    }
  }
  return props;
}

const specPath = fileURLToPath(
  new URL("../../../shared/reference/racing-api-openapi-1.4.3.yml", import.meta.url),
);

Deno.test({
  name: "field coverage: every field of the vendor spec's race and runner objects is mapped too",
  ignore: !existsSync(specPath),
  fn() {
    const yml = readFileSync(specPath, "utf8");
    const pairs: [string, Record<string, string>][] = [
      ["ResultStandard", RESULT_RACE_FIELDS],
      ["RunnerStandard", RESULT_RUNNER_FIELDS],
      ["RacecardOddsPro", RACECARD_RACE_FIELDS],
      ["RunnerOddsPro", RACECARD_RUNNER_FIELDS],
    ];
    for (const [schema, map] of pairs) {
      const props = specProperties(yml, schema);
      assert.ok(props.length > 10, schema);
      assert.deepEqual(props.filter((p) => !(p in map)), [], `${schema}: spec fields with no column`);
    }
  },
});

/** A synthetic racecards-pro day: `races` races of `runners` runners, each with `books` odds entries + history. */
export function syntheticRacecardsDay(races: number, runners: number, books: number, history = 3): Any {
  const base = loadFixture<Any>("racecards-pro-sample-2.json").racecards[0];
  const runner = base.runners[0];
  const out = [];
  for (let i = 0; i < races; i++) {
    const r = { ...base, race_id: `rac_9${String(i).padStart(6, "0")}`, runners: [] as Any[] };
    for (let j = 0; j < runners; j++) {
      const odds = [];
      for (let k = 0; k < books; k++) {
        odds.push({
          bookmaker: `Book ${k}`,
          fractional: "5/1",
          decimal: "6",
          ew_places: "3",
          ew_denom: "5",
          updated: "2025-10-13 14:11:07",
          history: Array.from({ length: history }, (_, n) => ({
            fractional: `${n + 4}/1`,
            decimal: String(n + 5),
            changed_at: "2025-10-13 10:00:00",
          })),
        });
      }
      r.runners.push({ ...runner, horse_id: `hrs_9${i}${String(j).padStart(3, "0")}`, odds });
    }
    out.push(r);
  }
  return { racecards: out, total: races, limit: 500, skip: 0, query: [["date", "2025-10-13"]] };
}

Deno.test({
  name: "CPU: validation + mapping ms per fixture and per synthetic large racecards day (measurement)",
  ignore: NO_FIX,
  fn() {
    const time = (label: string, body: Any, endpoint: string) => {
      const json = JSON.stringify(body);
      const t0 = performance.now();
      const parsed = JSON.parse(json);
      const t1 = performance.now();
      const p = buildIngestPayload([{ endpoint, body: parsed, fetchedAt: ctx.fetchedAt }]);
      const t2 = performance.now();
      console.log(
        `  ${label}: ${
          (json.length / 1e6).toFixed(2)
        } MB, ${p.races.length} races, ${p.runners.length} runners: ` +
          `JSON.parse ${(t1 - t0).toFixed(1)} ms, validate+map ${(t2 - t1).toFixed(1)} ms`,
      );
      return t2 - t1;
    };
    for (const f of RESULTS) time(f, loadFixture(f), "/v1/results");
    for (const f of RACECARDS) time(f, loadFixture(f), "/v1/racecards/pro");
    // warm-up, then a big day: 70 races x 14 runners x 40 bookmakers with 3 history entries each
    time("synthetic warm-up", syntheticRacecardsDay(5, 10, 40), "/v1/racecards/pro");
    const ms = time(
      "synthetic racecards-pro day 70x14x40",
      syntheticRacecardsDay(70, 14, 40),
      "/v1/racecards/pro",
    );
    // Generous guard (the Edge budget is 2 s CPU per request); the printed number is the measurement.
    assert.ok(ms < 1500, `validate+map took ${ms} ms`);
  },
});
