// Pure mappers: raw Racing API bodies → table row objects (see ./types.ts). Validation is per record: a race or
// runner that fails its zod schema becomes a RejectRow (raw JSON + reason) and the rest of the page is mapped.
import {
  CourseSchema,
  CoursesPageSchema,
  HorseProSchema,
  RacecardProRaceSchema,
  RacecardProRunnerSchema,
  RacecardsProPageSchema,
  RegionSchema,
  RegionsListSchema,
  ResultRaceSchema,
  ResultRunnerSchema,
  ResultsPageSchema,
  safeParseRecord,
  zodReason,
} from "../racing_api/schemas.ts";
import type { RacecardProRace, RacecardProRunner, ResultRace, ResultRunner } from "../racing_api/schemas.ts";
import {
  bookmakerCode,
  idOrNull,
  int,
  isoDate,
  num,
  parseDistance,
  parseFurlongs,
  parseJockey,
  parseMoney,
  parseOffDt,
  parsePosition,
  parseRaceTime,
  parseSp,
  parseWeightStLb,
  rating,
  regionCode,
  splitCountrySuffix,
  text,
} from "./parse.ts";
import type { Scalar } from "./parse.ts";
import type { Batch, Json, RaceRow, RejectRow, RunnerRow } from "./types.ts";
import { emptyBatch } from "./types.ts";

export interface MapContext {
  /** When the response was fetched (ISO-8601 with offset). Drives the newer-fetch-wins merge. */
  fetchedAt: string;
}

function reject(b: Batch, ctx: MapContext, source: string, key: string | null, raw: unknown, reason: string) {
  const r: RejectRow = {
    source,
    record_key: key,
    raw: (raw ?? null) as Json,
    reason,
    seen_at: ctx.fetchedAt,
  };
  b.rejects.push(r);
}

function keyOf(raw: unknown, ...fields: string[]): string | null {
  if (raw === null || typeof raw !== "object") return null;
  const o = raw as Record<string, unknown>;
  const parts = fields.map((f) => (typeof o[f] === "string" && o[f] !== "" ? o[f] as string : null));
  return parts.every((p) => p === null) ? null : parts.map((p) => p ?? "?").join("/");
}

/** Non-empty array → as is; empty / missing → null (so an empty list never overwrites a known one). */
const bookmakerNamesSeen = new WeakMap<Batch, Set<string>>();
function seenBookmakers(b: Batch): Set<string> {
  let s = bookmakerNamesSeen.get(b);
  if (!s) bookmakerNamesSeen.set(b, s = new Set());
  return s;
}

function jsonList(v: unknown): Json | null {
  return Array.isArray(v) && v.length > 0 ? (v as Json) : null;
}
function jsonObj(v: unknown): Json | null {
  return v !== null && typeof v === "object" && Object.keys(v as object).length > 0 ? (v as Json) : null;
}

/** `1773` or `2400.0` → integer; null otherwise. */
function wholeNumber(v: Scalar): number | null {
  const n = num(v);
  return n === null ? null : Math.round(n);
}

/** GB bare-number prizes are pounds; IRE and others carry their symbol. */
function defaultCurrency(region: string | null): string | null {
  return region === "gb" ? "GBP" : null;
}

function nullRaceRow(id: string, source: "racecard" | "result", ctx: MapContext): RaceRow {
  return {
    race_id: id,
    source,
    fetched_at: ctx.fetchedAt,
    course_id: "",
    course_name: null,
    race_date: "",
    off_time: null,
    off_dt: null,
    race_name: null,
    region_code: null,
    race_type: null,
    race_class: null,
    pattern: null,
    rating_band: null,
    age_band: null,
    sex_restriction: null,
    distance: null,
    distance_round: null,
    distance_yards: null,
    distance_furlongs: null,
    distance_furlongs_round: null,
    distance_metres: null,
    going: null,
    going_detailed: null,
    surface: null,
    jumps: null,
    rail_movements: null,
    stalls: null,
    weather: null,
    prize: null,
    prize_currency: null,
    prize_text: null,
    field_size: null,
    is_big_race: null,
    is_abandoned: null,
    race_status: null,
    tip: null,
    verdict: null,
    betting_forecast: null,
    listed_runner_count: null,
    non_runner_count: null,
    winning_time_detail: null,
    comments: null,
    non_runners: null,
    tote_win: null,
    tote_pl: null,
    tote_ex: null,
    tote_csf: null,
    tote_tricast: null,
    tote_trifecta: null,
  };
}

function nullRunnerRow(
  raceId: string,
  horseId: string,
  source: "racecard" | "result",
  ctx: MapContext,
): RunnerRow {
  return {
    race_id: raceId,
    horse_id: horseId,
    source,
    fetched_at: ctx.fetchedAt,
    horse_name: null,
    number: null,
    is_non_runner: null,
    draw: null,
    age: null,
    sex: null,
    sex_code: null,
    weight_lbs: null,
    headgear: null,
    headgear_run: null,
    wind_surgery: null,
    wind_surgery_run: null,
    jockey_id: null,
    jockey_name: null,
    jockey_claim_lbs: null,
    trainer_id: null,
    trainer_name: null,
    trainer_location: null,
    owner_id: null,
    owner_name: null,
    sire_id: null,
    dam_id: null,
    damsire_id: null,
    ofr: null,
    rpr: null,
    ts: null,
    form: null,
    last_run: null,
    trainer_rtf: null,
    trainer_14_days: null,
    prev_trainers: null,
    prev_owners: null,
    quotes: null,
    stable_tour: null,
    medical: null,
    past_results_flags: null,
    comment: null,
    spotlight: null,
    silk_url: null,
    odds: null,
  };
}

/** The earlier of a race's off time and the fetch time, as an ISO string (the fetch time when unknown). */
export function asOfStamp(offDt: string | null | undefined, fetchedAt: string): string {
  if (!offDt) return fetchedAt;
  const off = Date.parse(offDt), fetched = Date.parse(fetchedAt);
  return Number.isFinite(off) && Number.isFinite(fetched) && off < fetched
    ? new Date(off).toISOString()
    : fetchedAt;
}

/** Entity rows shared by both runner shapes: horse, jockey, trainer, owner, sire, dam, damsire, pedigree. */
function pushEntities(
  b: Batch,
  ctx: MapContext,
  r: {
    horseId: string;
    horse: Scalar;
    horseRegion: Scalar;
    dob?: Scalar;
    sex?: Scalar;
    sexCode?: Scalar;
    colour?: Scalar;
    colourCode?: Scalar;
    breeder?: Scalar;
    jockeyId?: Scalar;
    jockeyName?: string | null;
    trainerId?: Scalar;
    trainer?: Scalar;
    trainerLocation?: Scalar;
    ownerId?: Scalar;
    owner?: Scalar;
    sireId: Scalar;
    sire: Scalar;
    sireRegion?: Scalar;
    damId: Scalar;
    dam: Scalar;
    damRegion?: Scalar;
    damsireId: Scalar;
    damsire: Scalar;
    damsireRegion?: Scalar;
    /** When the facts were true: the race's off time (ISO), for races already run. */
    asOf?: string | null;
  },
) {
  // Entity facts change over a career (a filly becomes a mare, a colt is gelded): they are stamped with when
  // they were true (the race's off time, or the fetch for a race still to come), so the merge keeps the
  // newest facts whatever order days are fetched in (parallel backfill chunks, a backfill behind the sync).
  const at = asOfStamp(r.asOf, ctx.fetchedAt);
  const h = splitCountrySuffix(r.horse);
  const sire = splitCountrySuffix(r.sire);
  const dam = splitCountrySuffix(r.dam);
  const dsi = splitCountrySuffix(r.damsire);
  const sireId = idOrNull(r.sireId), damId = idOrNull(r.damId), damsireId = idOrNull(r.damsireId);
  const sireRegion = regionCode(r.sireRegion) ?? sire?.region ?? null;
  const damRegion = regionCode(r.damRegion) ?? dam?.region ?? null;
  const damsireRegion = regionCode(r.damsireRegion) ?? dsi?.region ?? null;
  b.horses.push({
    horse_id: r.horseId,
    name: h?.name ?? null,
    region: regionCode(r.horseRegion) ?? h?.region ?? null,
    dob: isoDate(r.dob),
    sex: text(r.sex),
    sex_code: text(r.sexCode),
    colour: text(r.colour),
    colour_code: text(r.colourCode),
    breeder: text(r.breeder),
    sire_id: sireId,
    dam_id: damId,
    damsire_id: damsireId,
    fetched_at: at,
  });
  const jid = idOrNull(r.jockeyId);
  if (jid) b.jockeys.push({ jockey_id: jid, name: r.jockeyName ?? null, fetched_at: at });
  const tid = idOrNull(r.trainerId);
  if (tid) {
    b.trainers.push({
      trainer_id: tid,
      name: text(r.trainer),
      location: text(r.trainerLocation),
      fetched_at: at,
    });
  }
  const oid = idOrNull(r.ownerId);
  if (oid) b.owners.push({ owner_id: oid, name: text(r.owner), fetched_at: at });
  if (sireId) b.sires.push({ sire_id: sireId, name: sire?.name ?? null, region: sireRegion, fetched_at: at });
  if (damId) b.dams.push({ dam_id: damId, name: dam?.name ?? null, region: damRegion, fetched_at: at });
  if (damsireId) {
    b.damsires.push({
      damsire_id: damsireId,
      name: dsi?.name ?? null,
      region: damsireRegion,
      fetched_at: at,
    });
  }
  if (sireId || damId || damsireId || text(r.breeder)) {
    b.pedigree.push({
      horse_id: r.horseId,
      sire_id: sireId,
      sire: sire?.name ?? null,
      sire_region: sireRegion,
      dam_id: damId,
      dam: dam?.name ?? null,
      dam_region: damRegion,
      damsire_id: damsireId,
      damsire: dsi?.name ?? null,
      damsire_region: damsireRegion,
      breeder: text(r.breeder),
      fetched_at: at,
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// /v1/results

/** Map one /v1/results page (or per-entity results page). Invalid races/runners become rejects. */
export function mapResultsPage(body: unknown, ctx: MapContext, b: Batch = emptyBatch()): Batch {
  const page = ResultsPageSchema.safeParse(body);
  if (!page.success) {
    reject(b, ctx, "results.page", null, body, zodReason(page.error));
    return b;
  }
  for (const raw of page.data.results ?? []) mapResultRace(raw, ctx, b);
  return b;
}

/** Map one race object of /v1/results (also the body of /v1/results/{race_id}). */
export function mapResultRace(raw: unknown, ctx: MapContext, b: Batch = emptyBatch()): Batch {
  const p = safeParseRecord(ResultRaceSchema, raw);
  if (!p.success) {
    reject(b, ctx, "results.race", keyOf(raw, "race_id"), raw, zodReason(p.error));
    return b;
  }
  const r: ResultRace = p.data;
  const region = regionCode(r.region);
  const dist = parseDistance(r.dist);
  // dist_y / dist_m are whole numbers for UK/IRE races but come as "2400.0" for some foreign ones
  const yards = wholeNumber(r.dist_y);
  const row = nullRaceRow(r.race_id, "result", ctx);
  Object.assign(
    row,
    {
      course_id: r.course_id,
      course_name: text(r.course),
      race_date: r.date,
      off_time: text(r.off),
      off_dt: parseOffDt(r.off_dt, r.date, r.off),
      race_name: text(r.race_name),
      region_code: region,
      race_type: text(r.type),
      race_class: text(r.class),
      pattern: text(r.pattern),
      rating_band: text(r.rating_band),
      age_band: text(r.age_band),
      sex_restriction: text(r.sex_rest),
      distance_round: text(r.dist),
      distance_yards: yards ?? dist?.yards ?? null,
      distance_furlongs: yards !== null ? Math.round((yards / 220) * 100) / 100 : dist?.furlongs ?? null,
      distance_furlongs_round: parseFurlongs(r.dist_f) ?? dist?.furlongs ?? null,
      distance_metres: wholeNumber(r.dist_m),
      going: text(r.going),
      surface: text(r.surface),
      jumps: text(r.jumps),
      winning_time_detail: text(r.winning_time_detail),
      comments: text(r.comments),
      non_runners: text(r.non_runners),
      tote_win: text(r.tote_win),
      tote_pl: text(r.tote_pl),
      tote_ex: text(r.tote_ex),
      tote_csf: text(r.tote_csf),
      tote_tricast: text(r.tote_tricast),
      tote_trifecta: text(r.tote_trifecta),
    } satisfies Partial<RaceRow>,
  );
  b.races.push(row);
  b.courses.push({
    course_id: r.course_id,
    name: text(r.course),
    region_code: region,
    region_name: null,
    source: "race",
    fetched_at: ctx.fetchedAt,
  });
  let listed = 0;
  for (const rr of r.runners) {
    const q = safeParseRecord(ResultRunnerSchema, rr);
    if (!q.success) {
      reject(
        b,
        ctx,
        "results.runner",
        `${r.race_id}/${keyOf(rr, "horse_id") ?? "?"}`,
        rr,
        zodReason(q.error),
      );
      continue;
    }
    listed++;
    mapResultRunner(r, q.data, region, ctx, b);
  }
  row.listed_runner_count = listed;
  return b;
}

function mapResultRunner(
  race: ResultRace,
  u: ResultRunner,
  region: string | null,
  ctx: MapContext,
  b: Batch,
) {
  const jockey = parseJockey(u.jockey);
  const claim = int(u.jockey_claim_lbs) ?? jockey?.claim ?? null;
  const weightLbs = int(u.weight_lbs) ?? parseWeightStLb(u.weight);
  const h = splitCountrySuffix(u.horse);
  const run = nullRunnerRow(race.race_id, u.horse_id, "result", ctx);
  Object.assign(
    run,
    {
      horse_name: h?.name ?? null,
      number: int(u.number),
      is_non_runner: false,
      draw: int(u.draw),
      age: int(u.age),
      sex_code: text(u.sex),
      weight_lbs: weightLbs,
      headgear: text(u.headgear),
      jockey_id: idOrNull(u.jockey_id),
      jockey_name: jockey?.name ?? null,
      jockey_claim_lbs: claim,
      trainer_id: idOrNull(u.trainer_id),
      trainer_name: text(u.trainer),
      owner_id: idOrNull(u.owner_id),
      owner_name: text(u.owner),
      sire_id: idOrNull(u.sire_id),
      dam_id: idOrNull(u.dam_id),
      damsire_id: idOrNull(u.damsire_id),
      silk_url: text(u.silk_url),
    } satisfies Partial<RunnerRow>,
  );
  b.runners.push(run);
  const pos = parsePosition(u.position);
  const sp = parseSp(u.sp);
  const prize = parseMoney(u.prize, defaultCurrency(region));
  b.results.push({
    race_id: race.race_id,
    horse_id: u.horse_id,
    fetched_at: ctx.fetchedAt,
    position: pos?.place ?? null,
    position_raw: pos?.raw ?? null,
    btn: num(u.btn),
    ovr_btn: num(u.ovr_btn),
    sp: sp?.text ?? null,
    sp_decimal: num(u.sp_dec) || sp?.decimal || null,
    sp_favourite: sp?.favourite ?? null,
    bsp: num(u.bsp),
    time_text: text(u.time),
    time_seconds: parseRaceTime(u.time),
    official_rating: rating(u.or),
    rpr: rating(u.rpr),
    tsr: rating(u.tsr),
    prize: prize?.amount ?? null,
    prize_currency: prize?.currency ?? null,
    weight_st_lbs: text(u.weight),
    weight_lbs: weightLbs,
    jockey_claim_lbs: claim,
    comment: text(u.comment),
  });
  pushEntities(b, ctx, {
    asOf: parseOffDt(race.off_dt, race.date, race.off),
    horseId: u.horse_id,
    horse: u.horse,
    horseRegion: null,
    sexCode: u.sex,
    jockeyId: u.jockey_id,
    jockeyName: jockey?.name ?? null,
    trainerId: u.trainer_id,
    trainer: u.trainer,
    ownerId: u.owner_id,
    owner: u.owner,
    sireId: u.sire_id,
    sire: u.sire,
    damId: u.dam_id,
    dam: u.dam,
    damsireId: u.damsire_id,
    damsire: u.damsire,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// /v1/racecards/pro

/** Map one /v1/racecards/pro page. */
export function mapRacecardsProPage(body: unknown, ctx: MapContext, b: Batch = emptyBatch()): Batch {
  const page = RacecardsProPageSchema.safeParse(body);
  if (!page.success) {
    reject(b, ctx, "racecards_pro.page", null, body, zodReason(page.error));
    return b;
  }
  for (const raw of page.data.racecards) mapRacecardProRace(raw, ctx, b);
  return b;
}

/** Map one racecard-pro race (an item of the page, or the body of /v1/racecards/{race_id}/pro). */
export function mapRacecardProRace(raw: unknown, ctx: MapContext, b: Batch = emptyBatch()): Batch {
  const p = safeParseRecord(RacecardProRaceSchema, raw);
  if (!p.success) {
    reject(b, ctx, "racecards_pro.race", keyOf(raw, "race_id"), raw, zodReason(p.error));
    return b;
  }
  const r: RacecardProRace = p.data;
  const region = regionCode(r.region);
  const exact = parseDistance(r.distance) ?? parseDistance(r.distance_round);
  const prize = parseMoney(r.prize, defaultCurrency(region));
  const row = nullRaceRow(r.race_id, "racecard", ctx);
  Object.assign(
    row,
    {
      course_id: r.course_id,
      course_name: text(r.course),
      race_date: r.date,
      off_time: text(r.off_time),
      off_dt: parseOffDt(r.off_dt, r.date, r.off_time),
      race_name: text(r.race_name),
      region_code: region,
      race_type: text(r.type),
      race_class: text(r.race_class),
      pattern: text(r.pattern),
      rating_band: text(r.rating_band),
      age_band: text(r.age_band),
      sex_restriction: text(r.sex_restriction),
      distance: text(r.distance),
      distance_round: text(r.distance_round),
      distance_yards: exact?.yards ?? null,
      distance_furlongs: exact?.furlongs ?? null,
      distance_furlongs_round: parseFurlongs(r.distance_f) ?? parseDistance(r.distance_round)?.furlongs ??
        null,
      going: text(r.going),
      going_detailed: text(r.going_detailed),
      surface: text(r.surface),
      jumps: text(r.jumps),
      rail_movements: text(r.rail_movements),
      stalls: text(r.stalls),
      weather: text(r.weather),
      prize: prize?.amount ?? null,
      prize_currency: prize?.currency ?? null,
      prize_text: text(r.prize),
      field_size: int(r.field_size),
      is_big_race: r.big_race ?? null,
      is_abandoned: r.is_abandoned ?? null,
      race_status: text(r.race_status),
      tip: text(r.tip),
      verdict: text(r.verdict),
      betting_forecast: text(r.betting_forecast),
    } satisfies Partial<RaceRow>,
  );
  b.races.push(row);
  b.courses.push({
    course_id: r.course_id,
    name: text(r.course),
    region_code: region,
    region_name: null,
    source: "race",
    fetched_at: ctx.fetchedAt,
  });
  let listed = 0, nonRunners = 0;
  for (const rr of r.runners) {
    const q = safeParseRecord(RacecardProRunnerSchema, rr);
    if (!q.success) {
      reject(
        b,
        ctx,
        "racecards_pro.runner",
        `${r.race_id}/${keyOf(rr, "horse_id") ?? "?"}`,
        rr,
        zodReason(q.error),
      );
      continue;
    }
    listed++;
    if (mapRacecardRunner(r, q.data, ctx, b)) nonRunners++;
  }
  row.listed_runner_count = listed;
  row.non_runner_count = nonRunners;
  return b;
}

/** Returns true when the runner is a non-runner. */
function mapRacecardRunner(race: RacecardProRace, u: RacecardProRunner, ctx: MapContext, b: Batch): boolean {
  const jockey = parseJockey(u.jockey);
  const numberText = text(u.number);
  const nonRunner = (numberText !== null && /^nr$/i.test(numberText)) || jockey?.nonRunner === true;
  const draw = int(u.draw);
  const h = splitCountrySuffix(u.horse);
  const run = nullRunnerRow(race.race_id, u.horse_id, "racecard", ctx);
  Object.assign(
    run,
    {
      horse_name: h?.name ?? null,
      number: int(u.number),
      is_non_runner: nonRunner,
      draw: draw === 0 ? null : draw,
      age: int(u.age),
      sex: text(u.sex),
      sex_code: text(u.sex_code),
      weight_lbs: int(u.lbs),
      headgear: text(u.headgear),
      headgear_run: text(u.headgear_run),
      wind_surgery: text(u.wind_surgery),
      wind_surgery_run: text(u.wind_surgery_run),
      jockey_id: idOrNull(u.jockey_id),
      jockey_name: jockey?.name ?? null,
      jockey_claim_lbs: jockey?.claim ?? (jockey?.name ? 0 : null),
      trainer_id: idOrNull(u.trainer_id),
      trainer_name: text(u.trainer),
      trainer_location: text(u.trainer_location),
      owner_id: idOrNull(u.owner_id),
      owner_name: text(u.owner),
      sire_id: idOrNull(u.sire_id),
      dam_id: idOrNull(u.dam_id),
      damsire_id: idOrNull(u.damsire_id),
      ofr: rating(u.ofr),
      rpr: rating(u.rpr),
      ts: rating(u.ts),
      form: text(u.form),
      last_run: text(u.last_run),
      trainer_rtf: int(u.trainer_rtf),
      trainer_14_days: jsonObj(u.trainer_14_days),
      prev_trainers: jsonList(u.prev_trainers),
      prev_owners: jsonList(u.prev_owners),
      quotes: jsonList(u.quotes),
      stable_tour: jsonList(u.stable_tour),
      medical: jsonList(u.medical),
      past_results_flags: jsonList(u.past_results_flags),
      comment: text(u.comment),
      spotlight: text(u.spotlight),
      silk_url: text(u.silk_url),
      odds: jsonList(u.odds),
    } satisfies Partial<RunnerRow>,
  );
  b.runners.push(run);
  // Bookmakers seen in odds: cheap scan of the `bookmaker` key only (odds stay raw jsonb). A racecards day
  // has ~40 prices per runner, so each name is coded and pushed once per batch, not once per price.
  if (Array.isArray(u.odds)) {
    const seen = seenBookmakers(b);
    for (const o of u.odds) {
      const name = o !== null && typeof o === "object" ? (o as Record<string, unknown>).bookmaker : null;
      if (typeof name === "string" && !seen.has(name)) {
        seen.add(name);
        const code = bookmakerCode(name);
        if (code) b.bookmakers.push({ bookmaker_code: code, name: name.trim() });
      }
    }
  }
  pushEntities(b, ctx, {
    asOf: parseOffDt(race.off_dt, race.date, race.off_time),
    horseId: u.horse_id,
    horse: u.horse,
    horseRegion: u.region,
    dob: u.dob,
    sex: u.sex,
    sexCode: u.sex_code,
    colour: u.colour,
    breeder: u.breeder,
    // The NON-RUNNER(5) placeholder must not become the jockey's name.
    jockeyId: u.jockey_id,
    jockeyName: jockey?.name ?? null,
    trainerId: u.trainer_id,
    trainer: u.trainer,
    trainerLocation: u.trainer_location,
    ownerId: u.owner_id,
    owner: u.owner,
    sireId: u.sire_id,
    sire: u.sire,
    sireRegion: u.sire_region,
    damId: u.dam_id,
    dam: u.dam,
    damRegion: u.dam_region,
    damsireId: u.damsire_id,
    damsire: u.damsire,
    damsireRegion: u.damsire_region,
  });
  return nonRunner;
}

// ---------------------------------------------------------------------------------------------------------------
// /v1/horses/{id}/pro and /standard

/** Map /v1/horses/{id}/pro or /standard → horse + pedigree + sire/dam/damsire rows. */
export function mapHorse(body: unknown, ctx: MapContext, b: Batch = emptyBatch()): Batch {
  const p = HorseProSchema.safeParse(body);
  if (!p.success) {
    reject(b, ctx, "horses.horse", keyOf(body, "id"), body, zodReason(p.error));
    return b;
  }
  const h = p.data;
  pushEntities(b, ctx, {
    horseId: h.id,
    horse: h.name,
    horseRegion: null,
    dob: h.dob,
    sex: h.sex,
    sexCode: h.sex_code,
    colour: h.colour,
    colourCode: h.colour_code,
    breeder: h.breeder,
    sireId: h.sire_id,
    sire: h.sire,
    damId: h.dam_id,
    dam: h.dam,
    damsireId: h.damsire_id,
    damsire: h.damsire,
  });
  return b;
}

// ---------------------------------------------------------------------------------------------------------------
// /v1/courses and /v1/courses/regions

/** Map /v1/courses → course rows (authoritative names) and region stubs. */
export function mapCoursesPage(body: unknown, ctx: MapContext, b: Batch = emptyBatch()): Batch {
  const page = CoursesPageSchema.safeParse(body);
  if (!page.success) {
    reject(b, ctx, "courses.page", null, body, zodReason(page.error));
    return b;
  }
  for (const raw of page.data.courses) {
    const c = CourseSchema.safeParse(raw);
    if (!c.success) {
      reject(b, ctx, "courses.course", keyOf(raw, "id"), raw, zodReason(c.error));
      continue;
    }
    const rc = regionCode(c.data.region_code)!;
    b.courses.push({
      course_id: c.data.id,
      name: text(c.data.course),
      region_code: rc,
      region_name: text(c.data.region),
      source: "courses",
      fetched_at: ctx.fetchedAt,
    });
    b.regions.push({ region_code: rc, name: text(c.data.region), fetched_at: ctx.fetchedAt });
  }
  return b;
}

/** Map /v1/courses/regions (a bare array). */
export function mapRegions(body: unknown, ctx: MapContext, b: Batch = emptyBatch()): Batch {
  const list = RegionsListSchema.safeParse(body);
  if (!list.success) {
    reject(b, ctx, "regions.page", null, body, zodReason(list.error));
    return b;
  }
  for (const raw of list.data) {
    const r = RegionSchema.safeParse(raw);
    if (!r.success) {
      reject(b, ctx, "regions.region", keyOf(raw, "region_code"), raw, zodReason(r.error));
      continue;
    }
    b.regions.push({
      region_code: regionCode(r.data.region_code)!,
      name: text(r.data.region),
      fetched_at: ctx.fetchedAt,
    });
  }
  return b;
}

// ---------------------------------------------------------------------------------------------------------------
// Field coverage: where every API field of the race and runner objects lands. `raw` = kept only in
// ra_internal.raw_responses.body (and the per-runner jsonb columns say which). The unit test fails when a
// fixture field is missing here, and checks that each listed column is filled for fixture values.

export const RESULT_RACE_FIELDS: Record<string, string> = {
  race_id: "ra_races.race_id",
  date: "ra_races.race_date",
  region: "ra_races.region_code",
  course: "ra_races.course_name",
  course_id: "ra_races.course_id",
  off: "ra_races.off_time",
  off_dt: "ra_races.off_dt",
  race_name: "ra_races.race_name",
  type: "ra_races.race_type",
  class: "ra_races.race_class",
  pattern: "ra_races.pattern",
  rating_band: "ra_races.rating_band",
  age_band: "ra_races.age_band",
  sex_rest: "ra_races.sex_restriction",
  dist: "ra_races.distance_round",
  dist_y: "ra_races.distance_yards",
  dist_m: "ra_races.distance_metres",
  dist_f: "ra_races.distance_furlongs_round",
  going: "ra_races.going",
  surface: "ra_races.surface",
  jumps: "ra_races.jumps",
  runners: "ra_runners + ra_race_results (one row each per runner)",
  winning_time_detail: "ra_races.winning_time_detail",
  comments: "ra_races.comments",
  non_runners: "ra_races.non_runners",
  tote_win: "ra_races.tote_win",
  tote_pl: "ra_races.tote_pl",
  tote_ex: "ra_races.tote_ex",
  tote_csf: "ra_races.tote_csf",
  tote_tricast: "ra_races.tote_tricast",
  tote_trifecta: "ra_races.tote_trifecta",
};

export const RESULT_RUNNER_FIELDS: Record<string, string> = {
  horse_id: "ra_runners.horse_id",
  horse: "ra_runners.horse_name",
  sp: "ra_race_results.sp",
  sp_dec: "ra_race_results.sp_decimal",
  bsp: "ra_race_results.bsp",
  number: "ra_runners.number",
  position: "ra_race_results.position_raw",
  draw: "ra_runners.draw",
  btn: "ra_race_results.btn",
  ovr_btn: "ra_race_results.ovr_btn",
  age: "ra_runners.age",
  sex: "ra_runners.sex_code",
  weight: "ra_race_results.weight_st_lbs",
  weight_lbs: "ra_race_results.weight_lbs",
  headgear: "ra_runners.headgear",
  time: "ra_race_results.time_text",
  or: "ra_race_results.official_rating",
  rpr: "ra_race_results.rpr",
  tsr: "ra_race_results.tsr",
  prize: "ra_race_results.prize",
  jockey: "ra_runners.jockey_name",
  jockey_claim_lbs: "ra_race_results.jockey_claim_lbs",
  jockey_id: "ra_runners.jockey_id",
  trainer: "ra_runners.trainer_name",
  trainer_id: "ra_runners.trainer_id",
  owner: "ra_runners.owner_name",
  owner_id: "ra_runners.owner_id",
  sire: "ra_horse_pedigree.sire",
  sire_id: "ra_runners.sire_id",
  dam: "ra_horse_pedigree.dam",
  dam_id: "ra_runners.dam_id",
  damsire: "ra_horse_pedigree.damsire",
  damsire_id: "ra_runners.damsire_id",
  comment: "ra_race_results.comment",
  silk_url: "ra_runners.silk_url",
};

export const RACECARD_RACE_FIELDS: Record<string, string> = {
  race_id: "ra_races.race_id",
  course: "ra_races.course_name",
  course_id: "ra_races.course_id",
  date: "ra_races.race_date",
  off_time: "ra_races.off_time",
  off_dt: "ra_races.off_dt",
  race_name: "ra_races.race_name",
  distance_round: "ra_races.distance_round",
  distance: "ra_races.distance",
  distance_f: "ra_races.distance_furlongs_round",
  region: "ra_races.region_code",
  pattern: "ra_races.pattern",
  sex_restriction: "ra_races.sex_restriction",
  race_class: "ra_races.race_class",
  type: "ra_races.race_type",
  age_band: "ra_races.age_band",
  rating_band: "ra_races.rating_band",
  prize: "ra_races.prize",
  field_size: "ra_races.field_size",
  going_detailed: "ra_races.going_detailed",
  rail_movements: "ra_races.rail_movements",
  stalls: "ra_races.stalls",
  weather: "ra_races.weather",
  going: "ra_races.going",
  surface: "ra_races.surface",
  jumps: "ra_races.jumps",
  runners: "ra_runners (one row per runner)",
  big_race: "ra_races.is_big_race",
  is_abandoned: "ra_races.is_abandoned",
  tip: "ra_races.tip",
  verdict: "ra_races.verdict",
  betting_forecast: "ra_races.betting_forecast",
  race_status: "ra_races.race_status",
};

export const RACECARD_RUNNER_FIELDS: Record<string, string> = {
  horse_id: "ra_runners.horse_id",
  horse: "ra_runners.horse_name",
  dob: "ra_mst_horses.dob",
  age: "ra_runners.age",
  sex: "ra_runners.sex",
  sex_code: "ra_runners.sex_code",
  colour: "ra_mst_horses.colour",
  region: "ra_mst_horses.region",
  breeder: "ra_horse_pedigree.breeder",
  dam: "ra_horse_pedigree.dam",
  dam_id: "ra_runners.dam_id",
  dam_region: "ra_horse_pedigree.dam_region",
  sire: "ra_horse_pedigree.sire",
  sire_id: "ra_runners.sire_id",
  sire_region: "ra_horse_pedigree.sire_region",
  damsire: "ra_horse_pedigree.damsire",
  damsire_id: "ra_runners.damsire_id",
  damsire_region: "ra_horse_pedigree.damsire_region",
  trainer: "ra_runners.trainer_name",
  trainer_id: "ra_runners.trainer_id",
  trainer_location: "ra_runners.trainer_location",
  trainer_14_days: "ra_runners.trainer_14_days",
  owner: "ra_runners.owner_name",
  owner_id: "ra_runners.owner_id",
  prev_trainers: "ra_runners.prev_trainers",
  prev_owners: "ra_runners.prev_owners",
  comment: "ra_runners.comment",
  spotlight: "ra_runners.spotlight",
  quotes: "ra_runners.quotes",
  stable_tour: "ra_runners.stable_tour",
  medical: "ra_runners.medical",
  number: "ra_runners.number",
  draw: "ra_runners.draw",
  headgear: "ra_runners.headgear",
  headgear_run: "ra_runners.headgear_run",
  wind_surgery: "ra_runners.wind_surgery",
  wind_surgery_run: "ra_runners.wind_surgery_run",
  past_results_flags: "ra_runners.past_results_flags",
  lbs: "ra_runners.weight_lbs",
  ofr: "ra_runners.ofr",
  rpr: "ra_runners.rpr",
  ts: "ra_runners.ts",
  jockey: "ra_runners.jockey_name",
  jockey_id: "ra_runners.jockey_id",
  silk_url: "ra_runners.silk_url",
  last_run: "ra_runners.last_run",
  form: "ra_runners.form",
  trainer_rtf: "ra_runners.trainer_rtf",
  odds: "ra_runners.odds",
};
