// Unit tests of the offline Racing API simulator's world and endpoint logic (no HTTP).
import assert from "node:assert/strict";
import { fixtureNames, fixturesDir, loadFixture } from "../_helpers/fixtures.ts";
import {
  type ApiState,
  horseProfile,
  racecardsPro,
  results,
  route,
  runHandler,
} from "../../local/simulator/api.ts";
import { courseList, regionList } from "../../local/simulator/format.ts";
import {
  clearWorldCaches,
  dateOf,
  dayNumber,
  dayTruth,
  generateDay,
  horse,
  off12,
  offDt,
  ukOffsetHours,
} from "../../local/simulator/world.ts";

const SEED = 1;
const NOW = "2025-10-14T12:00:00Z";
const pro: ApiState = { seed: SEED, plan: "pro", nowMs: Date.parse(NOW) };
const standard: ApiState = { ...pro, plan: "standard" };
type Obj = Record<string, unknown>;

function call(state: ApiState, path: string, query: string) {
  const h = route(path);
  assert.ok(h, `no route for ${path}`);
  return runHandler(h, state, new URLSearchParams(query));
}
function resultsOf(query: string, state = pro) {
  const r = call(state, "/v1/results", query);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body as { results: Obj[]; total: number; limit: number; skip: number; query: [string, string][] };
}
function cardsOf(query: string, state = pro) {
  const r = call(state, "/v1/racecards/pro", query);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body as {
    racecards: Obj[];
    total: number;
    limit: number;
    skip: number;
    query: [string, string][];
  };
}

Deno.test("same request gives the same bytes, also after the day cache was evicted", () => {
  const q = "start_date=2024-05-04&end_date=2024-05-04&region=gb&region=ire&limit=50";
  const a = JSON.stringify(results(pro, new URLSearchParams(q)).body);
  clearWorldCaches();
  const b = JSON.stringify(results(pro, new URLSearchParams(q)).body);
  assert.equal(a, b);
  const c1 = JSON.stringify(racecardsPro(pro, new URLSearchParams("date=2024-05-04")).body);
  const c2 = JSON.stringify(racecardsPro(pro, new URLSearchParams("date=2024-05-04")).body);
  assert.equal(c1, c2);
  // another seed gives another world
  const other = JSON.stringify(results({ ...pro, seed: 2 }, new URLSearchParams(q)).body);
  assert.notEqual(a, other);
});

Deno.test("calendar: Dec 24 and Dec 25 blank, Boxing Day > 50 GB+IRE races, realistic yearly averages", () => {
  for (const y of [2015, 2020, 2024]) {
    assert.equal(dayTruth(SEED, `${y}-12-24`).races, 0);
    assert.equal(dayTruth(SEED, `${y}-12-25`, []).racecardRaces, 0);
    assert.ok(dayTruth(SEED, `${y}-12-26`).races > 50, `Boxing Day ${y}`);
  }
  let races = 0, runners = 0, fr = 0, sat = 0, satDays = 0, days = 0;
  // every third day of a year (all weekdays and seasons are covered)
  for (let d = dayNumber("2024-01-01"); d < dayNumber("2025-01-01"); d += 3) {
    const date = dateOf(d);
    const t = dayTruth(SEED, date);
    races += t.races;
    runners += t.runners;
    fr += dayTruth(SEED, date, ["fr"]).racecardRaces;
    if ((d + 4) % 7 === 6) {
      sat += t.races;
      satDays++;
    }
    days++;
  }
  const avg = races / days;
  assert.ok(avg > 30 && avg < 42, `average races/day ${avg}`);
  assert.ok(runners / races > 7 && runners / races < 11, `runners/race ${runners / races}`);
  assert.ok(sat / satDays > avg * 1.3, "Saturdays are busier");
  assert.ok(fr > 50, "some French races exist");
});

Deno.test("UK offset follows real DST and off is a 12-hour clock without am/pm", () => {
  assert.equal(ukOffsetHours("2025-03-29"), 0);
  assert.equal(ukOffsetHours("2025-03-30"), 1);
  assert.equal(ukOffsetHours("2025-10-25"), 1);
  assert.equal(ukOffsetHours("2025-10-26"), 0);
  assert.equal(ukOffsetHours("2024-03-31"), 1);
  assert.equal(off12(20 * 60 + 30), "8:30");
  assert.equal(off12(12 * 60 + 15), "12:15");
  assert.equal(offDt("2025-10-07", 20 * 60 + 30), "2025-10-07T20:30:00+01:00");
  assert.equal(offDt("2025-01-07", 13 * 60 + 5), "2025-01-07T13:05:00+00:00");
  for (const r of resultsOf("start_date=2025-01-11&end_date=2025-01-11&limit=50").results) {
    assert.match(r.off as string, /^(1[0-2]|[1-9]):[0-5]\d$/);
    assert.match(r.off_dt as string, /^2025-01-11T\d\d:\d\d:00\+00:00$/);
  }
});

Deno.test("results: paging a Boxing Day with limit 50 returns every race once, latest off first", () => {
  const truth = dayTruth(SEED, "2024-12-26");
  const seen: string[] = [];
  let total = -1;
  for (let skip = 0; total < 0 || skip < total; skip += 50) {
    const page = resultsOf(
      `start_date=2024-12-26&end_date=2024-12-26&region=gb&region=ire&limit=50&skip=${skip}`,
    );
    total = page.total;
    assert.equal(page.limit, 50);
    assert.equal(page.skip, skip);
    seen.push(...page.results.map((r) => r.race_id as string));
    const offs = page.results.map((r) => r.off_dt as string);
    assert.deepEqual([...offs].sort().reverse(), offs);
  }
  assert.equal(total, truth.races);
  assert.ok(total > 50);
  assert.equal(new Set(seen).size, total);
  assert.deepEqual([...seen].sort(), [...truth.raceIds].sort());
});

Deno.test("results: envelope, query echo, defaults, region filtering and upper-case region field", () => {
  let frDay = dayNumber("2024-06-02");
  while (dayTruth(SEED, dateOf(frDay), ["fr"]).races === 0) frDay++;
  const fr = dateOf(frDay);
  const all = resultsOf(`start_date=${fr}&end_date=${fr}&limit=50`);
  assert.deepEqual(all.query, [["start_date", fr], ["end_date", fr], ["limit", "50"]]);
  assert.equal(all.total, dayTruth(SEED, fr, []).races);
  assert.equal(
    resultsOf(`start_date=${fr}&end_date=${fr}&region=gb&region=ire&limit=50`).total,
    dayTruth(SEED, fr).races,
  );
  const gbIre = resultsOf("limit=5&skip=0&start_date=2024-06-02&end_date=2024-06-02&region=gb&region=ire");
  assert.deepEqual(gbIre.query, [
    ["limit", "5"],
    ["skip", "0"],
    ["start_date", "2024-06-02"],
    ["end_date", "2024-06-02"],
    ["region", "gb"],
    ["region", "ire"],
  ]);
  assert.equal(gbIre.total, dayTruth(SEED, "2024-06-02").races);
  assert.ok(all.total > dayTruth(SEED, fr).races, "the unfiltered day includes French races");
  for (
    const r of resultsOf("start_date=2024-06-02&end_date=2024-06-02&region=gb&region=ire&limit=50").results
  ) assert.ok(["GB", "IRE"].includes(r.region as string));
  const d = resultsOf("start_date=2024-06-02&end_date=2024-06-02");
  assert.equal(d.limit, 25);
  assert.equal(d.results.length, 25);
  const ire = resultsOf("start_date=2024-06-02&end_date=2024-06-02&region=ire&limit=50");
  assert.ok(ire.results.length > 0 && ire.results.every((r) => r.region === "IRE"));
});

Deno.test("results: only races whose off time has passed; nothing in the future", () => {
  const today = resultsOf("start_date=2025-10-14&end_date=2025-10-14&limit=50");
  for (const r of today.results) assert.ok(Date.parse(r.off_dt as string) <= Date.parse(NOW));
  assert.ok(today.total < dayTruth(SEED, "2025-10-14", []).races);
  assert.equal(resultsOf("start_date=2025-10-16&end_date=2025-10-16").total, 0);
});

Deno.test("validation errors have the FastAPI 422 shape", () => {
  for (
    const [q, loc, type] of [
      ["limit=51", "limit", "value_error.number.not_le"],
      ["limit=0", "limit", "value_error.number.not_ge"],
      ["limit=abc", "limit", "type_error.integer"],
      ["skip=20001", "skip", "value_error.number.not_le"],
      ["start_date=2024-13-01", "start_date", "value_error.date"],
    ]
  ) {
    const r = call(pro, "/v1/results", q);
    assert.equal(r.status, 422, q);
    const items = (r.body as { detail: { loc: string[]; msg: string; type: string }[] }).detail;
    assert.deepEqual(items[0].loc, ["query", loc]);
    assert.equal(items[0].type, type);
    assert.equal(typeof items[0].msg, "string");
  }
  assert.equal(call(pro, "/v1/racecards/pro", "limit=501").status, 422);
  assert.equal(call(pro, "/v1/racecards/pro", "skip=501").status, 422);
  assert.equal(call(pro, "/v1/results", "start_date=2023-01-01&end_date=2024-06-01").status, 422);
  assert.equal(route("/v1/horses"), null);
  assert.equal(route("/v1/jockeys"), null);
});

Deno.test("plan rules: racecards window, standard plan lacks racecards pro and horse pro, 12-month results", () => {
  assert.equal(call(pro, "/v1/racecards/pro", "date=2023-01-22").status, 422);
  assert.equal(call(pro, "/v1/racecards/pro", "date=2023-01-23").status, 200);
  assert.equal(call(pro, "/v1/racecards/pro", "date=2025-10-21").status, 200);
  assert.equal(call(pro, "/v1/racecards/pro", "date=2025-10-22").status, 422);
  assert.equal(call(standard, "/v1/racecards/pro", "date=2025-10-14").status, 401);
  assert.equal(call(standard, "/v1/results", "start_date=2024-10-13&end_date=2024-10-13").status, 422);
  assert.equal(call(standard, "/v1/results", "start_date=2024-10-15&end_date=2024-10-15").status, 200);
  assert.equal(call(pro, "/v1/results", "start_date=2015-01-01&end_date=2015-01-01").status, 200);
  const anyHorse = resultsOf("start_date=2024-06-01&end_date=2024-06-01").results[0].runners as Obj[];
  assert.equal(horseProfile(standard, anyHorse[0].horse_id as string, "pro").status, 401);
  assert.equal(horseProfile(standard, anyHorse[0].horse_id as string, "standard").status, 200);
});

Deno.test("racecards pro: region filter, field formats, NR runners, claims, odds", () => {
  const all = cardsOf("date=2025-10-11");
  const gb = cardsOf("date=2025-10-11&region_codes=gb&region_codes=ire");
  assert.deepEqual(gb.query, [["date", "2025-10-11"], ["region_codes", "gb"], ["region_codes", "ire"]]);
  assert.equal(gb.limit, 500);
  assert.equal(gb.total, dayTruth(SEED, "2025-10-11").racecardRaces);
  assert.ok(all.total >= gb.total);
  let nr = 0, claims = 0;
  for (const r of gb.racecards) {
    assert.ok(["GB", "IRE"].includes(r.region as string));
    assert.match(r.prize as string, /^£\d{1,3}(,\d{3})*$/);
    assert.match(r.distance_f as string, /^\d+\.\d$/);
    assert.match(r.off_time as string, /^(1[0-2]|[1-9]):[0-5]\d$/);
    assert.equal(typeof r.big_race, "boolean");
    const runners = r.runners as Obj[];
    assert.equal(Number(r.field_size), runners.filter((x) => x.number !== "NR").length);
    for (const x of runners) {
      for (const k of ["ofr", "rpr", "ts"]) assert.match(x[k] as string, /^(\d+|-)$/);
      if (x.number === "NR") {
        nr++;
        assert.ok((x.odds as Obj[]).every((o) => o.fractional === "-"));
      }
      if (/\(\d\)$/.test(x.jockey as string)) claims++;
      assert.ok(!/\([A-Z]{2,3}\)$/.test(x.horse as string), "racecard horse names carry no suffix");
      assert.ok((x.odds as Obj[]).length > 0);
    }
  }
  assert.ok(nr > 0 && claims > 0);
});

Deno.test("results formats: en-dash ratings, € prizes in Ireland, dist_f, positions, SPs", () => {
  let dash = 0, euro = 0, nonFinish = 0, fav = 0;
  for (const date of ["2024-12-26", "2024-12-27", "2025-03-12", "2025-01-01"]) {
    for (let skip = 0; skip < 100; skip += 50) {
      for (const r of resultsOf(`start_date=${date}&end_date=${date}&limit=50&skip=${skip}`).results) {
        assert.match(r.dist_f as string, /^\d+(\.5)?f$/);
        assert.match(r.dist as string, /^(\d+m)?(\d*½?f)?$/);
        assert.equal(r.region, (r.region as string).toUpperCase());
        for (const x of r.runners as Obj[]) {
          for (const k of ["or", "rpr", "tsr"]) {
            assert.match(x[k] as string, /^(\d+|–)$/);
            if (x[k] === "–") dash++;
          }
          if (r.region === "IRE" && x.prize) {
            assert.match(x.prize as string, /^€\d+$/);
            euro++;
          }
          if (r.region === "GB" && x.prize) assert.match(x.prize as string, /^\d+\.\d\d$/);
          assert.match(x.sp as string, /^(\d+\/\d+|Evens)[FJ]?$/);
          assert.match(x.sp_dec as string, /^\d+\.\d\d$/);
          if (/[FJ]$/.test(x.sp as string)) fav++;
          if (["PU", "F", "UR", "BD", "RO", "SU"].includes(x.position as string)) {
            nonFinish++;
            assert.equal(x.time, "-");
            assert.equal(x.btn, "-");
          } else {
            assert.match(x.position as string, /^\d+$/);
            assert.match(x.time as string, /^\d+:\d{1,2}\.\d\d$/);
          }
          assert.match(x.jockey_claim_lbs as string, /^[0357]$/);
          assert.match(x.weight as string, /^\d+-\d+$/);
        }
      }
    }
  }
  assert.ok(dash > 0 && euro > 0 && nonFinish > 0 && fav > 0);
});

Deno.test("persistent world: horses run on several days, pedigree is consistent, raced sires have hrs_ profiles", () => {
  const runs = new Map<string, number>();
  let raceSire = 0, checkedDamsire = 0;
  for (let d = dayNumber("2024-03-01"); d < dayNumber("2024-05-01"); d++) {
    for (const r of generateDay(SEED, dateOf(d)).races) {
      for (const x of r.runners) {
        runs.set(x.horse.id, (runs.get(x.horse.id) ?? 0) + 1);
        const dam = horse(SEED, x.horse.dam)!;
        assert.ok(dam, "every dam exists");
        checkedDamsire++;
        const sire = horse(SEED, x.horse.sire)!;
        if (sire.raced) {
          raceSire++;
          const prof = horseProfile(pro, `hrs_${x.horse.sire}`, "pro");
          assert.equal(prof.status, 200);
          assert.equal((prof.body as Obj).sex_code, "H");
        }
      }
    }
  }
  const repeaters = [...runs.values()].filter((n) => n >= 2).length;
  assert.ok(repeaters > runs.size * 0.2, `horses running more than once: ${repeaters}/${runs.size}`);
  assert.ok(raceSire > 0 && checkedDamsire > 0);
  // the damsire of a runner is the sire of its dam
  const first = resultsOf("start_date=2024-04-06&end_date=2024-04-06").results[0].runners as Obj[];
  for (const x of first) {
    const h = horse(SEED, Number((x.horse_id as string).slice(4)))!;
    assert.equal(x.damsire_id, `dsi_${horse(SEED, h.dam)!.sire}`);
    assert.equal(x.sire_id, `sir_${h.sire}`);
  }
  assert.equal(horseProfile(pro, "hrs_999", "pro").status, 404);
  assert.equal(horseProfile(pro, "abc", "pro").status, 404);
});

// ---- shapes against the real captures
function keysOf(objs: Obj[]): Set<string> {
  const s = new Set<string>();
  for (const o of objs) for (const k of Object.keys(o)) s.add(k);
  return s;
}
function assertKeys(what: string, real: Set<string>, sim: Obj[], except: string[] = []) {
  assert.ok(sim.length > 0, `${what}: no simulated objects`);
  for (const o of sim) {
    for (const k of real) {
      if (!except.includes(k)) assert.ok(k in o, `${what}: simulated object lacks "${k}"`);
    }
    for (const k of Object.keys(o)) assert.ok(real.has(k), `${what}: simulated object has extra key "${k}"`);
  }
}

Deno.test({
  name: "shapes: every key of the real captures exists in the simulator's objects (and no others)",
  ignore: fixturesDir() === null,
  fn() {
    const realResults = fixtureNames("results-sample-").flatMap((f) =>
      loadFixture<{ results: Obj[] }>(f).results
    );
    const realCards = [
      ...fixtureNames("racecards-pro-sample-").flatMap((f) => loadFixture<{ racecards: Obj[] }>(f).racecards),
      loadFixture<Obj>("racecard-race-pro-sample-1.json"),
    ];
    const simResults = resultsOf("start_date=2025-10-11&end_date=2025-10-11&limit=50").results;
    const simCards = cardsOf("date=2025-10-11").racecards;
    assertKeys("results race", keysOf(realResults), simResults);
    assertKeys(
      "results runner",
      keysOf(realResults.flatMap((r) => r.runners as Obj[])),
      simResults.flatMap((r) => r.runners as Obj[]),
    );
    assertKeys("racecard race", keysOf(realCards), simCards);
    const simRunners = simCards.flatMap((r) => r.runners as Obj[]);
    assertKeys("racecard runner", keysOf(realCards.flatMap((r) => r.runners as Obj[])), simRunners);
    assertKeys(
      "odds",
      keysOf(realCards.flatMap((r) => (r.runners as Obj[]).flatMap((x) => x.odds as Obj[]))),
      simRunners.flatMap((x) => x.odds as Obj[]),
    );
    assertKeys(
      "trainer_14_days",
      keysOf(realCards.flatMap((r) => (r.runners as Obj[]).map((x) => x.trainer_14_days as Obj))),
      simRunners.map((x) => x.trainer_14_days as Obj),
    );
    const hid = (simResults[0].runners as Obj[])[0].horse_id as string;
    assertKeys("horse pro", keysOf([loadFixture<Obj>("horse-pro-sample-1.json")]), [
      horseProfile(pro, hid, "pro").body as Obj,
    ]);
    assertKeys("horse standard", keysOf([loadFixture<Obj>("horse-standard-sample-1.json")]), [
      horseProfile(pro, hid, "standard").body as Obj,
    ]);
    assertKeys(
      "course",
      keysOf(fixtureNames("courses-sample-").flatMap((f) => loadFixture<{ courses: Obj[] }>(f).courses)),
      courseList([]),
    );
    assertKeys("region", keysOf(loadFixture<Obj[]>("courses-regions-sample-1.json")), regionList());
    // envelopes
    assert.deepEqual(
      Object.keys(loadFixture<Obj>("results-sample-1.json")),
      Object.keys(resultsOf("start_date=2025-10-11&end_date=2025-10-11&limit=1")),
    );
    assert.deepEqual(
      Object.keys(loadFixture<Obj>("racecards-pro-sample-1.json")),
      Object.keys(cardsOf("date=2025-10-11")),
    );
    assert.deepEqual(
      Object.keys(loadFixture<Obj>("courses-sample-2.json")),
      Object.keys(call(pro, "/v1/courses", "region_codes=gb").body as Obj),
    );
    assert.deepEqual(loadFixture("error-404-sample-1.json"), { detail: "Not Found" });
    // course counts as in the real API
    assert.equal(courseList(["gb"]).length, 69);
    assert.equal(courseList(["ire"]).length, 32);
  },
});

Deno.test("speed: a day's results in milliseconds; a whole year in a few seconds (extrapolated from 60 days)", () => {
  const DAYS = 60;
  const t0 = performance.now();
  let bytes = 0;
  for (let d = dayNumber("2019-03-01"); d < dayNumber("2019-03-01") + DAYS; d++) {
    const date = dateOf(d);
    for (let skip = 0, total = 1; skip < total; skip += 50) {
      const r = results(
        pro,
        new URLSearchParams(`start_date=${date}&end_date=${date}&region=gb&region=ire&limit=50&skip=${skip}`),
      );
      const body = r.body as { total: number };
      total = body.total;
      bytes += JSON.stringify(body).length;
    }
  }
  const ms = performance.now() - t0;
  const yearMs = ms / DAYS * 365;
  console.log(
    `results incl. JSON: ${(ms / DAYS).toFixed(1)} ms/day, ~${(yearMs / 1000).toFixed(1)} s/year, ${
      (bytes / DAYS / 1e3).toFixed(0)
    } kB/day`,
  );
  assert.ok(ms / DAYS < 40, `${ms / DAYS} ms per day`);
});
