// zod (v4) schemas for the raw shapes of the Racing API endpoints this project ingests.
//
// Design:
// - Validation is per RECORD. A page envelope only checks its own fields and that the item list is an array;
//   each race and each runner is then validated on its own (`safeParse`), so one malformed record is rejected
//   with its reason while the rest of the page is stored (see shared/ingest/map.ts).
// - Every object is `looseObject`: unknown extra fields pass through (the whole raw body is kept in
//   ra_internal.raw_responses anyway, so nothing is lost when the vendor adds a field).
// - Essentials are strict: ids must be present and carry their prefix, names must be strings, the runners list
//   must be an array. Non-essential scalars accept string | number | null | missing, because the vendor spec
//   marks most of them nullable and the real server sends every scalar as a string.
// - Odds arrays (the bulk of a racecards-pro day) are NOT deep-validated: they are kept raw (jsonb) and the
//   mapper only reads `bookmaker` with cheap type checks. This keeps CPU proportionate on Edge Functions.
import { z } from "zod";

// Plain-JS checks for the per-record hot path (every race and runner of a day): each field helper below
// registers a check that accepts only what its zod schema accepts (or less), and `withFastPath` compiles an
// object schema's checks into one. `safeParseRecord` returns a record that passes as it is and asks zod only
// about the rest, so the reasons of rejects still come from zod. On a fresh Edge Function worker zod's first
// ~1,000 parses of a day cost ~90 ms of CPU; the checks ~5 ms (tested equivalent on every captured record and
// on mutations of them: tests/unit/schemas_fast_path.test.ts).
const FAST_CHECKS = new WeakMap<z.ZodType, (v: unknown) => boolean>();
function fast<T extends z.ZodType>(schema: T, check: (v: unknown) => boolean): T {
  FAST_CHECKS.set(schema, check);
  return schema;
}
const isNil = (v: unknown) => v === undefined || v === null;
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) =>
  isNil(v) || typeof v === "string" || (typeof v === "number" && Number.isFinite(v));

/** An object schema whose fields all have fast checks; throws at load time when one lacks it. */
function withFastPath<T extends z.ZodObject>(schema: T): T {
  const fields = Object.entries(schema.shape as Record<string, z.ZodType>).map(([k, f]) => {
    const check = FAST_CHECKS.get(f);
    if (!check) throw new Error(`schemas.ts: field "${k}" has no fast check (use the helpers of this file)`);
    return [k, check] as const;
  });
  return fast(schema, (v) => {
    if (!isPlainObject(v)) return false;
    for (const [k, check] of fields) if (!check(v[k])) return false;
    return true;
  });
}

/**
 * `schema.safeParse(raw)`, except that a record passing the schema's fast check is returned as it is (not
 * copied). Same outcome as safeParse for every input; only schemas built with `withFastPath` take the shortcut.
 */
export function safeParseRecord<T extends z.ZodType>(
  schema: T,
  raw: unknown,
): z.ZodSafeParseResult<z.output<T>> {
  const check = FAST_CHECKS.get(schema);
  if (check && check(raw)) return { success: true, data: raw as z.output<T> };
  return schema.safeParse(raw) as z.ZodSafeParseResult<z.output<T>>;
}

/** A non-essential scalar: the API sends strings; the spec allows null; numbers are tolerated. */
const scalar = fast(z.union([z.string(), z.number()]).nullish(), isScalar);
/** A non-essential boolean (racecards `big_race`, `is_abandoned`). */
const flag = fast(z.boolean().nullish(), (v) => isNil(v) || typeof v === "boolean");
/** A required string. */
const str = fast(z.string(), (v) => typeof v === "string");
/** An optional string. */
const optStr = fast(z.string().nullish(), (v) => isNil(v) || typeof v === "string");
/** A list whose items are validated one by one elsewhere (runners) or kept raw (odds). */
const list = fast(z.array(z.unknown()), Array.isArray);
const optList = fast(z.array(z.unknown()).nullish(), (v) => isNil(v) || Array.isArray(v));
/** An id that may be empty (`""` = unknown / not booked yet) but must have the prefix when present. */
const optId = (prefix: string) =>
  fast(
    z.string().refine((s) => s === "" || s.startsWith(prefix), {
      message: `expected "" or an id starting ${prefix}`,
    })
      .nullish(),
    (v) => isNil(v) || (typeof v === "string" && (v === "" || v.startsWith(prefix))),
  );
/** A required id with its prefix. */
const reqId = (prefix: string) =>
  fast(
    z.string().min(prefix.length + 1).refine((s) => s.startsWith(prefix), {
      message: `expected an id starting ${prefix}`,
    }),
    (v) => typeof v === "string" && v.length >= prefix.length + 1 && v.startsWith(prefix),
  );
/** `YYYY-MM-DD`. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const isoDate = fast(
  z.string().regex(ISO_DATE, "expected YYYY-MM-DD"),
  (v) => typeof v === "string" && ISO_DATE.test(v),
);
/** Echoed query: list of [key, value] pairs. */
const queryPairs = z.array(z.array(z.union([z.string(), z.number()]))).nullish();

// ---------------------------------------------------------------------------------------------------------------
// /v1/results  (ResultsStandardPage → ResultStandard → RunnerStandard)

/** Page envelope of /v1/results (and per-entity results). Items are validated one by one. */
export const ResultsPageSchema = z.looseObject({
  results: z.array(z.unknown()).nullable(),
  total: z.number().int().nonnegative(),
  limit: z.number().int().nonnegative(),
  skip: z.number().int().nonnegative(),
  query: queryPairs,
});

/** One race of /v1/results. `runners` is only checked to be an array; each runner is validated separately. */
export const ResultRaceSchema = withFastPath(z.looseObject({
  race_id: reqId("rac_"),
  date: isoDate,
  region: str,
  course: str,
  course_id: reqId("crs_"),
  off: scalar,
  off_dt: optStr,
  race_name: scalar,
  type: scalar,
  class: scalar,
  pattern: scalar,
  rating_band: scalar,
  age_band: scalar,
  sex_rest: scalar,
  dist: scalar,
  dist_y: scalar,
  dist_m: scalar,
  dist_f: scalar,
  going: scalar,
  surface: scalar,
  jumps: scalar,
  runners: list,
  winning_time_detail: scalar,
  comments: scalar,
  non_runners: scalar,
  tote_win: scalar,
  tote_pl: scalar,
  tote_ex: scalar,
  tote_csf: scalar,
  tote_tricast: scalar,
  tote_trifecta: scalar,
}));

/** One runner of a /v1/results race. */
export const ResultRunnerSchema = withFastPath(z.looseObject({
  horse_id: reqId("hrs_"),
  horse: str,
  sp: scalar,
  sp_dec: scalar,
  bsp: scalar,
  number: scalar,
  position: scalar,
  draw: scalar,
  btn: scalar,
  ovr_btn: scalar,
  age: scalar,
  sex: scalar,
  weight: scalar,
  weight_lbs: scalar,
  headgear: scalar,
  time: scalar,
  or: scalar,
  rpr: scalar,
  tsr: scalar,
  prize: scalar,
  jockey: scalar,
  jockey_claim_lbs: scalar,
  jockey_id: optId("jky_"),
  trainer: scalar,
  trainer_id: optId("trn_"),
  owner: scalar,
  owner_id: optId("own_"),
  sire: scalar,
  sire_id: optId("sir_"),
  dam: scalar,
  dam_id: optId("dam_"),
  damsire: scalar,
  damsire_id: optId("dsi_"),
  comment: scalar,
  silk_url: scalar,
}));

// ---------------------------------------------------------------------------------------------------------------
// /v1/racecards/pro  (RacecardsOddsProPage → RacecardOddsPro → RunnerOddsPro)

/** Page envelope of /v1/racecards/pro. */
export const RacecardsProPageSchema = z.looseObject({
  racecards: z.array(z.unknown()),
  total: z.number().int().nonnegative(),
  limit: z.number().int().nonnegative(),
  skip: z.number().int().nonnegative(),
  query: queryPairs,
});

/** One race of /v1/racecards/pro (also the body of /v1/racecards/{race_id}/pro). */
export const RacecardProRaceSchema = withFastPath(z.looseObject({
  race_id: reqId("rac_"),
  course: str,
  course_id: reqId("crs_"),
  date: isoDate,
  off_time: scalar,
  off_dt: optStr,
  race_name: scalar,
  distance_round: scalar,
  distance: scalar,
  distance_f: scalar,
  region: str,
  pattern: scalar,
  sex_restriction: scalar,
  race_class: scalar,
  type: scalar,
  age_band: scalar,
  rating_band: scalar,
  prize: scalar,
  field_size: scalar,
  going_detailed: scalar,
  rail_movements: scalar,
  stalls: scalar,
  weather: scalar,
  going: scalar,
  surface: scalar,
  jumps: scalar,
  runners: list,
  big_race: flag,
  is_abandoned: flag,
  tip: scalar,
  verdict: scalar,
  betting_forecast: scalar,
  race_status: scalar,
}));

/** A list of scalars (past_results_flags). */
const scalarList = fast(
  z.array(scalar).nullish(),
  (v) => isNil(v) || (Array.isArray(v) && v.every(isScalar)),
);
/** trainer_14_days: {runs, wins, percent} strings. */
const Trainer14DaysObject = withFastPath(z.looseObject({ runs: scalar, wins: scalar, percent: scalar }));
const Trainer14DaysSchema = fast(
  Trainer14DaysObject.nullish(),
  (v) => isNil(v) || FAST_CHECKS.get(Trainer14DaysObject)!(v),
);
/** A list of small objects kept as jsonb (quotes, prev_trainers, ...): only shape-checked as objects. */
const objList = fast(
  z.array(z.looseObject({})).nullish(),
  (v) => isNil(v) || (Array.isArray(v) && v.every(isPlainObject)),
);

/** One runner of a /v1/racecards/pro race. `odds` is kept raw (array of unknown) for CPU reasons. */
export const RacecardProRunnerSchema = withFastPath(z.looseObject({
  horse_id: reqId("hrs_"),
  horse: str,
  dob: scalar,
  age: scalar,
  sex: scalar,
  sex_code: scalar,
  colour: scalar,
  region: scalar,
  breeder: scalar,
  dam: scalar,
  dam_id: optId("dam_"),
  dam_region: scalar,
  sire: scalar,
  sire_id: optId("sir_"),
  sire_region: scalar,
  damsire: scalar,
  damsire_id: optId("dsi_"),
  damsire_region: scalar,
  trainer: scalar,
  trainer_id: optId("trn_"),
  trainer_location: scalar,
  trainer_14_days: Trainer14DaysSchema,
  owner: scalar,
  owner_id: optId("own_"),
  prev_trainers: objList,
  prev_owners: objList,
  comment: scalar,
  spotlight: scalar,
  quotes: objList,
  stable_tour: objList,
  medical: objList,
  number: scalar,
  draw: scalar,
  headgear: scalar,
  headgear_run: scalar,
  wind_surgery: scalar,
  wind_surgery_run: scalar,
  past_results_flags: scalarList,
  lbs: scalar,
  ofr: scalar,
  rpr: scalar,
  ts: scalar,
  jockey: scalar,
  jockey_id: optId("jky_"),
  silk_url: scalar,
  last_run: scalar,
  form: scalar,
  trainer_rtf: scalar,
  odds: optList,
}));

/**
 * One bookmaker price inside `odds` (OddsHistory in the spec). Not applied on the ingest hot path (odds stay
 * raw jsonb); exported for tests and for consumers that want to read odds with types.
 */
export const OddsEntrySchema = z.looseObject({
  bookmaker: z.string(),
  fractional: scalar,
  decimal: scalar,
  ew_places: scalar,
  ew_denom: scalar,
  updated: scalar,
  history: z.array(z.unknown()).nullish(),
});

// ---------------------------------------------------------------------------------------------------------------
// /v1/horses/{id}/pro and /standard

/** /v1/horses/{horse_id}/pro (HorsePro; only `id` is required by the spec). */
export const HorseProSchema = z.looseObject({
  id: reqId("hrs_"),
  breeder: scalar,
  colour: scalar,
  colour_code: scalar,
  dam: scalar,
  dam_id: optId("dam_"),
  damsire: scalar,
  damsire_id: optId("dsi_"),
  dob: scalar,
  name: scalar,
  sex: scalar,
  sex_code: scalar,
  sire: scalar,
  sire_id: optId("sir_"),
});

/** /v1/horses/{horse_id}/standard (Horse). */
export const HorseStandardSchema = z.looseObject({
  id: reqId("hrs_"),
  dam: scalar,
  dam_id: optId("dam_"),
  damsire: scalar,
  damsire_id: optId("dsi_"),
  name: scalar,
  sire: scalar,
  sire_id: optId("sir_"),
});

// ---------------------------------------------------------------------------------------------------------------
// /v1/courses and /v1/courses/regions

/** One course of /v1/courses. */
export const CourseSchema = z.looseObject({
  id: reqId("crs_"),
  course: z.string(),
  region_code: z.string().min(1),
  region: scalar,
});

/** /v1/courses envelope ({courses, total}; no limit/skip). */
export const CoursesPageSchema = z.looseObject({
  courses: z.array(z.unknown()),
  total: z.number().int().nonnegative().nullish(),
});

/** One region of /v1/courses/regions. */
export const RegionSchema = z.looseObject({
  region: z.string(),
  region_code: z.string().min(1),
});

/** /v1/courses/regions is a bare JSON array. */
export const RegionsListSchema = z.array(z.unknown());

// ---------------------------------------------------------------------------------------------------------------
// Error bodies: 401 / 404 `{"detail": "..."}`, 422 FastAPI `{"detail": [{loc, msg, type}]}`

/** 401/404 body. */
export const ErrorDetailSchema = z.looseObject({ detail: z.string() });
/** One FastAPI validation error. */
export const ValidationErrorSchema = z.looseObject({
  loc: z.array(z.union([z.string(), z.number()])),
  msg: z.string(),
  type: z.string(),
});
/** 422 body. */
export const HttpValidationErrorSchema = z.looseObject({ detail: z.array(ValidationErrorSchema) });
/** Any error body the API returns. */
export const ApiErrorSchema = z.union([ErrorDetailSchema, HttpValidationErrorSchema]);

// ---------------------------------------------------------------------------------------------------------------
// Inferred types

export type ResultsPage = z.infer<typeof ResultsPageSchema>;
export type ResultRace = z.infer<typeof ResultRaceSchema>;
export type ResultRunner = z.infer<typeof ResultRunnerSchema>;
export type RacecardsProPage = z.infer<typeof RacecardsProPageSchema>;
export type RacecardProRace = z.infer<typeof RacecardProRaceSchema>;
export type RacecardProRunner = z.infer<typeof RacecardProRunnerSchema>;
export type OddsEntry = z.infer<typeof OddsEntrySchema>;
export type HorsePro = z.infer<typeof HorseProSchema>;
export type HorseStandard = z.infer<typeof HorseStandardSchema>;
export type Course = z.infer<typeof CourseSchema>;
export type CoursesPage = z.infer<typeof CoursesPageSchema>;
export type Region = z.infer<typeof RegionSchema>;
export type ApiError = z.infer<typeof ApiErrorSchema>;

/** Human-readable one-line reason from a zod error (used as the reject reason). */
export function zodReason(error: z.ZodError): string {
  return error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
}
