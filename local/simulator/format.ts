// Turns the world model into the Racing API's JSON objects, field for field as the real captures show
// them (every scalar a string, key order as sent by the server).
import {
  BOOKMAKERS_2023,
  BOOKMAKERS_2025,
  CMT_LOSE,
  CMT_MID,
  CMT_PLACE,
  CMT_START,
  CMT_WIN,
  COURSES,
  REGION_NAME,
  REGIONS,
  SPOTLIGHT,
} from "./data.ts";
import { Rng, unit } from "./prng.ts";
import {
  COLOUR_CODE,
  dateOf,
  formatDistance,
  formatYards,
  type Horse,
  horse,
  off12,
  offDt,
  owner,
  type RaceModel,
  type RunnerModel,
  sexAt,
  SP_LADDER,
  spDecimal,
  suffixed,
  trainer,
} from "./world.ts";

type Obj = Record<string, unknown>;

const EN_DASH = "\u2013";

function money(cur: string, v: number): string {
  const r = Math.round(v * 100) / 100;
  return Number.isInteger(r) ? `${cur}${r}` : `${cur}${r.toFixed(2)}`;
}
function commas(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
function stLb(lbs: number): string {
  return `${Math.floor(lbs / 14)}-${lbs % 14}`;
}
/** Race time as the API writes it: `1:43.25`, `1:0.13`, `0:59.68` (seconds not zero-padded). */
export function raceTime(sec: number): string {
  const m = Math.floor(sec / 60);
  return `${m}:${(sec - m * 60).toFixed(2)}`;
}
function winningTime(sec: number): string {
  const m = Math.floor(sec / 60);
  const s = (sec - m * 60).toFixed(2);
  return m ? `${m}m ${s}s` : `${s}s`;
}
export function spString(i: number, suffix: string): string {
  const [a, b] = SP_LADDER[i];
  return (a === b ? "Evens" : `${a}/${b}`) + suffix;
}
function forecastPrice(i: number): string {
  const [a, b] = SP_LADDER[i];
  return a === b ? "Evs" : `${a}/${b}`;
}
function trimDec(x: number): string {
  return String(Math.round(x * 100) / 100);
}
function silkUrl(silk: number): string {
  const d = String(silk);
  return `https://www.rp-assets.com/svg/${d[d.length - 1]}/${d[d.length - 2]}/${d[d.length - 3]}/${d}.svg`;
}
function pedigreeName(h: Horse | null, withSuffix: boolean): string {
  if (!h) return "";
  // older pedigree animals often come without a country suffix
  return withSuffix && h.foalYear >= 1990 ? suffixed(h) : h.name;
}

function resultComment(r: RunnerModel, race: RaceModel): string {
  const rng = new Rng(r.seed ^ 0x5bd1e995);
  const parts = [rng.pick(CMT_START)];
  if (rng.chance(0.7)) parts.push(rng.pick(CMT_MID));
  if (r.position === "PU") parts.push(`pulled up before ${rng.int(2, 5)} out`);
  else if (r.position === "F") parts.push(`fell ${rng.int(2, 12)}th`);
  else if (r.position === "UR") parts.push(`unseated rider ${rng.int(1, 10)}th`);
  else if (r.position === "BD") parts.push(`brought down ${rng.int(3, 10)}th`);
  else if (r.position === "RO") parts.push(`ran out ${rng.int(2, 9)}th`);
  else if (r.position === "SU") parts.push(`slipped up bend after ${rng.int(2, 9)}th`);
  else if (r.position === "1") parts.push(rng.pick(CMT_WIN));
  else if (Number(r.position) <= 4) parts.push(rng.pick(CMT_PLACE));
  else parts.push(rng.pick(CMT_LOSE));
  const sp = spString(r.spIdx, "");
  const market = rng.chance(0.5)
    ? `(op ${spString(Math.min(SP_LADDER.length - 1, r.spIdx + rng.int(1, 3)), "")})`
    : `(tchd ${spString(Math.max(0, r.spIdx - 1), "")})`;
  void race;
  return parts.join(" - ") + (sp === "Evens" ? "" : market);
}

/** One `/v1/results` race. */
export function resultRace(seed: number, race: RaceModel): Obj {
  const ran = race.runners.filter((r) => !r.nr).sort((a, b) => a.finishOrder - b.finishOrder);
  const cur = race.currency;
  const nrs = race.runners.filter((r) => r.nr).map((
    r,
  ) => (r.nrReason ? `${r.horse.name} (${r.nrReason})` : r.horse.name));
  const rng = new Rng(race.seed ^ 0x1234567);
  const winner = ran[0];
  const wdec = spDecimal(winner.spIdx);
  const tote = (v: number) => money(cur, Math.max(1.1, Math.round(v * 10) / 10));
  const finishers = ran.filter((r) => /^\d+$/.test(r.position));
  const places = ran.length >= 16 ? 4 : ran.length >= 8 ? 3 : ran.length >= 5 ? 2 : 0;
  const plc = finishers.slice(0, places).map((r) =>
    tote(1 + (spDecimal(r.spIdx) - 1) / 4 * (0.8 + rng.next() * 0.5))
  );
  const second = finishers[1] ? spDecimal(finishers[1].spIdx) : 2;
  const third = finishers[2] ? spDecimal(finishers[2].spIdx) : 2;
  const ex = wdec * second * (0.7 + rng.next() * 0.6);
  const runners = ran.map((r) => resultRunner(seed, race, r));
  return {
    race_id: race.id,
    date: race.date,
    region: race.region,
    course: race.course.name,
    course_id: race.course.id,
    off: off12(race.offMin),
    off_dt: offDt(race.date, race.offMin),
    race_name: race.name,
    type: race.type,
    class: race.cls,
    pattern: race.pattern,
    rating_band: race.ratingBand,
    age_band: race.ageBand,
    sex_rest: race.sexRest,
    dist: formatDistance(race.halfF),
    dist_y: String(race.yards),
    dist_m: String(Math.round(race.yards * 0.9144)),
    dist_f: `${race.halfF / 2}f`,
    going: race.going,
    surface: race.surface,
    jumps: race.jumps,
    runners,
    winning_time_detail: `${winningTime(race.winTimeSec)} (${race.slowBy >= 0 ? "slow" : "fast"} by ${
      Math.abs(race.slowBy).toFixed(2)
    }s)`,
    comments: "",
    non_runners: nrs.join(", "),
    tote_win: tote(wdec * (0.8 + rng.next() * 0.5)),
    tote_pl: plc.join(" "),
    tote_ex: finishers.length >= 2 ? tote(ex) : "",
    tote_csf: finishers.length >= 2 ? money(cur, Math.round(ex * 0.85 * 100) / 100) : "",
    tote_tricast: cur === "£" && race.handicap && ran.length >= 8 && finishers.length >= 3
      ? money(cur, Math.round(ex * third * 0.8 * 100) / 100)
      : "",
    tote_trifecta: finishers.length >= 3 ? tote(ex * third * 0.9) : "",
  };
}

function resultRunner(seed: number, race: RaceModel, r: RunnerModel): Obj {
  const h = r.horse;
  const sire = horse(seed, h.sire), dam = horse(seed, h.dam);
  const damsire = dam ? horse(seed, dam.sire) : null;
  const tr = trainer(seed, r.trainerK), ow = owner(seed, r.ownerK);
  const finished = r.timeSec > 0;
  const cur = race.currency;
  return {
    horse_id: h.id,
    horse: suffixed(h),
    sp: spString(r.spIdx, r.spSuffix),
    sp_dec: spDecimal(r.spIdx).toFixed(2),
    number: String(r.number),
    position: r.position,
    draw: r.draw ? String(r.draw) : "",
    btn: r.btn,
    ovr_btn: r.ovrBtn,
    age: String(r.age),
    sex: sexAt(h, r.age).code,
    weight: stLb(r.lbs - r.claim),
    weight_lbs: String(r.lbs - r.claim),
    headgear: r.headgear,
    time: finished ? raceTime(r.timeSec) : "-",
    or: r.hasOr ? String(Math.max(1, r.rating)) : EN_DASH,
    rpr: r.rpr ? String(r.rpr) : EN_DASH,
    tsr: r.tsr ? String(r.tsr) : EN_DASH,
    prize: r.prize ? (cur === "£" ? r.prize.toFixed(2) : `${cur}${Math.round(r.prize)}`) : "",
    jockey: r.jockey.name,
    jockey_claim_lbs: String(r.claim),
    jockey_id: r.jockey.id,
    trainer: tr.name,
    trainer_id: tr.id,
    owner: ow.name,
    owner_id: ow.id,
    sire: pedigreeName(sire, true),
    sire_id: `sir_${h.sire}`,
    dam: pedigreeName(dam, true),
    dam_id: `dam_${h.dam}`,
    damsire: pedigreeName(damsire, true),
    damsire_id: dam ? `dsi_${dam.sire}` : "",
    comment: resultComment(r, race),
    silk_url: silkUrl(ow.silk),
  };
}

// ---------------------------------------------------------------------------------------------------
// Racecards pro
// ---------------------------------------------------------------------------------------------------
function formString(rng: Rng, runs: number, jumps: boolean): string {
  let s = "";
  for (let i = 0; i < runs; i++) {
    const u = rng.next();
    let c = u < 0.14
      ? "1"
      : u < 0.27
      ? "2"
      : u < 0.39
      ? "3"
      : u < 0.5
      ? "4"
      : u < 0.58
      ? "5"
      : u < 0.66
      ? "6"
      : u < 0.72
      ? "7"
      : u < 0.77
      ? "8"
      : u < 0.81
      ? "9"
      : "0";
    if (jumps && rng.chance(0.08)) c = rng.pick(["P", "F", "U"]);
    s += c;
    if (i < runs - 1 && rng.chance(0.18)) s += rng.chance(0.85) ? "-" : "/";
  }
  return s;
}

function ewTerms(race: RaceModel, running: number): [string, string] {
  if (running < 5) return ["", ""];
  if (running < 8) return ["2", "4"];
  if (race.handicap && running >= 16) return ["4", "4"];
  if (race.handicap && running >= 12) return ["3", "4"];
  return ["3", "5"];
}

function oddsFor(race: RaceModel, r: RunnerModel, running: number): Obj[] {
  if (race.region === "FR") return [];
  const modern = race.date >= "2024-01-01";
  const books = modern ? BOOKMAKERS_2025 : BOOKMAKERS_2023;
  const [ewp, ewd] = ewTerms(race, running);
  const upd = race.offMin - 1 - (race.seed % 9);
  const updated = `${race.date} ${String(Math.floor(upd / 60)).padStart(2, "0")}:${
    String(upd % 60).padStart(2, "0")
  }:${String(race.seed % 60).padStart(2, "0")}`;
  return books.map((b, bi) => {
    if (r.nr) {
      return {
        bookmaker: b,
        fractional: "-",
        decimal: "-",
        ew_places: ewp,
        ew_denom: ewd,
        updated,
        history: [],
      };
    }
    if (b === "Betfair Exchange") {
      const d = trimDec(Math.round(spDecimal(r.spIdx) * (1.05 + unit(r.seed, bi) * 0.2) * 10) / 10);
      return { bookmaker: b, fractional: d, decimal: d, ew_places: "", ew_denom: "", updated, history: [] };
    }
    const shift = Math.floor(unit(r.seed, bi, 7) * 4) - 1;
    const i = Math.max(0, Math.min(SP_LADDER.length - 1, r.spIdx + shift));
    const [a, c] = SP_LADDER[i];
    const frac = modern ? `${a}/${c}` : c === 1 ? String(a) : `${a}/${c}`;
    return {
      bookmaker: b,
      fractional: frac,
      decimal: trimDec(a / c + 1),
      ew_places: ewp,
      ew_denom: ewd,
      updated,
      history: [],
    };
  });
}

/** One `/v1/racecards/pro` race. */
export function racecardRace(seed: number, race: RaceModel): Obj {
  const running = race.runners.filter((r) => !r.nr);
  const fr = race.region === "FR";
  const byPrice = [...running].sort((a, b) => a.spIdx - b.spIdx || a.number - b.number);
  let prev = -1;
  const forecast = byPrice.map((r) => {
    const s = r.spIdx === prev ? ` ${r.horse.name}` : `${forecastPrice(r.spIdx)} ${r.horse.name}`;
    prev = r.spIdx;
    return s;
  }).join(", ");
  const tip = byPrice[0];
  const rate = race.currency === "£" ? 1 : 0.86;
  return {
    race_id: race.id,
    course: race.course.name,
    course_id: race.course.id,
    date: race.date,
    off_time: off12(race.offMin),
    off_dt: offDt(race.date, race.offMin),
    race_name: race.name,
    distance_round: formatDistance(race.halfF),
    distance: formatYards(race.yards),
    distance_f: (race.halfF / 2).toFixed(1),
    region: race.region,
    pattern: race.pattern,
    sex_restriction: race.sexRest,
    race_class: race.cls,
    type: race.type,
    age_band: race.ageBand,
    rating_band: race.ratingBand,
    prize: `£${commas(race.winnerPrize * rate)}`,
    field_size: String(running.length),
    going_detailed: "",
    rail_movements: "",
    stalls: "",
    weather: "",
    going: race.going,
    surface: race.surface,
    jumps: race.jumps,
    runners: race.runners.map((r) => racecardRunner(seed, race, r, running.length)),
    big_race: race.bigRace,
    is_abandoned: race.abandoned,
    tip: fr ? "" : tip.horse.name,
    verdict: fr
      ? ""
      : `${tip.horse.name.toUpperCase()} has solid claims and is taken to confirm the promise of recent runs.`,
    betting_forecast: fr ? "" : forecast,
  };
}

function racecardRunner(seed: number, race: RaceModel, r: RunnerModel, running: number): Obj {
  const h = r.horse;
  const rng = new Rng(r.seed ^ 0x2545f491);
  const sire = horse(seed, h.sire), dam = horse(seed, h.dam);
  const damsire = dam ? horse(seed, dam.sire) : null;
  const tr = trainer(seed, r.trainerK), ow = owner(seed, r.ownerK);
  const sex = sexAt(h, r.age);
  const fr = race.region === "FR";
  const sinceStart = race.day - h.careerStart;
  const debut = sinceStart <= 0;
  const jumps = race.type !== "Flat";
  let lastRun = "";
  if (!debut) {
    lastRun = String(Math.min(sinceStart, 7 + Math.floor(-Math.log(1 - rng.next()) * 45)));
    if (h.code === "dual" && rng.chance(0.3)) lastRun += ` (${rng.int(20, 300)}${jumps ? "F" : "J"})`;
  }
  const runs = debut ? 0 : Math.max(1, Math.min(6, Math.floor(sinceStart / 40)));
  const runs14 = rng.int(0, 40);
  const wins14 = Math.min(runs14, Math.floor(runs14 * rng.next() * 0.35));
  const medical = !debut && rng.chance(0.03)
    ? [{ date: dateOf(race.day - rng.int(30, 400)), type: "Wind Surgery" }]
    : [];
  const jname = r.claim ? `${r.jockey.name}(${r.claim})` : r.jockey.name;
  return {
    horse_id: h.id,
    horse: h.name,
    dob: h.dob,
    age: String(r.age),
    sex: sex.word,
    sex_code: sex.code,
    colour: h.colour,
    region: h.bred,
    breeder: h.breeder,
    dam: dam?.name ?? "",
    dam_id: `dam_${h.dam}`,
    dam_region: dam?.bred ?? "",
    sire: sire?.name ?? "",
    sire_id: `sir_${h.sire}`,
    sire_region: sire?.bred ?? "",
    damsire: damsire?.name ?? "",
    damsire_id: dam ? `dsi_${dam.sire}` : "",
    damsire_region: damsire?.bred ?? "",
    trainer: tr.name,
    trainer_id: tr.id,
    trainer_location: tr.location,
    trainer_14_days: {
      runs: String(runs14),
      wins: String(wins14),
      percent: String(runs14 ? Math.round(100 * wins14 / runs14) : 0),
    },
    owner: ow.name,
    owner_id: ow.id,
    prev_trainers: r.prevTrainers.map((p) => {
      const t = trainer(seed, p.k);
      return { trainer: t.name, trainer_id: t.id, change_date: dateOf(p.from) };
    }),
    prev_owners: r.prevOwners.map((p) => {
      const o = owner(seed, p.k);
      return { owner: o.name, owner_id: o.id, change_date: dateOf(p.from) };
    }),
    comment: fr ? "" : rng.pick(SPOTLIGHT).split(" and ")[0],
    spotlight: fr ? "" : `${rng.pick(SPOTLIGHT)}.`,
    quotes: [],
    stable_tour: [],
    medical,
    number: r.nr ? "NR" : String(r.number),
    draw: String(r.draw),
    headgear: r.headgear,
    headgear_run: r.headgearFirst ? "1" : "",
    wind_surgery: medical.length ? "w" : "",
    wind_surgery_run: medical.length && rng.chance(0.5) ? "1" : "",
    past_results_flags: !debut && rng.chance(0.2) ? ["D"] : [],
    lbs: String(r.lbs),
    ofr: r.hasOr ? String(Math.max(1, r.rating)) : "-",
    rpr: debut ? "-" : String(Math.max(1, r.rating + rng.int(-6, 6))),
    ts: debut || rng.chance(0.3) ? "-" : String(Math.max(1, r.rating - rng.int(10, 40))),
    jockey: r.nr && rng.chance(0.6) ? `NON-RUNNER${r.claim ? `(${r.claim})` : ""}` : jname,
    jockey_id: r.jockey.id,
    silk_url: silkUrl(ow.silk),
    last_run: lastRun,
    form: debut ? "" : formString(rng, runs, jumps),
    trainer_rtf: rng.chance(0.1) ? "" : String(rng.int(0, 100)),
    odds: oddsFor(race, r, running),
  };
}

// ---------------------------------------------------------------------------------------------------
// Horses, courses
// ---------------------------------------------------------------------------------------------------
function ageOn(h: Horse, date: string): number {
  return Number(date.slice(0, 4)) - h.foalYear;
}
/** `/v1/horses/{id}/pro` */
export function horsePro(seed: number, h: Horse, today: string): Obj {
  const sire = horse(seed, h.sire), dam = horse(seed, h.dam);
  const damsire = dam ? horse(seed, dam.sire) : null;
  const sex = sexAt(h, ageOn(h, today));
  return {
    id: h.id,
    breeder: h.breeder,
    colour: h.colour,
    colour_code: COLOUR_CODE[h.colour] ?? h.colour.toUpperCase(),
    dam: pedigreeName(dam, true),
    dam_id: h.dam ? `dam_${h.dam}` : "",
    damsire: pedigreeName(damsire, true),
    damsire_id: dam ? `dsi_${dam.sire}` : "",
    dob: h.dob,
    name: suffixed(h),
    sex: sex.word,
    sex_code: sex.code,
    sire: pedigreeName(sire, true),
    sire_id: h.sire ? `sir_${h.sire}` : "",
  };
}
/** `/v1/horses/{id}/standard` (damsire without a suffix, as the real API sends it). */
export function horseStandard(seed: number, h: Horse): Obj {
  const sire = horse(seed, h.sire), dam = horse(seed, h.dam);
  const damsire = dam ? horse(seed, dam.sire) : null;
  return {
    id: h.id,
    dam: pedigreeName(dam, true),
    dam_id: h.dam ? `dam_${h.dam}` : "",
    damsire: pedigreeName(damsire, false),
    damsire_id: dam ? `dsi_${dam.sire}` : "",
    name: suffixed(h),
    sire: pedigreeName(sire, true),
    sire_id: h.sire ? `sir_${h.sire}` : "",
  };
}

export function courseList(regionCodes: string[]): Obj[] {
  const want = new Set(regionCodes.map((r) => r.toLowerCase()));
  return COURSES.filter((c) => want.size === 0 || want.has(c.region.toLowerCase())).map((c) => ({
    id: c.id,
    course: c.name,
    region_code: c.region.toLowerCase(),
    region: REGION_NAME[c.region],
  }));
}
export function regionList(): Obj[] {
  return REGIONS.map((r) => ({ ...r }));
}
