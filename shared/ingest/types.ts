// Row objects produced by the mappers and the jsonb payload accepted by ra_internal.ingest_batch(payload jsonb).
// Field names are exactly the SQL column names of the ra_internal.*_in composite types
// (supabase/migrations/20251102000700_ingest_functions.sql), which mirror the public tables.
// Every row carries `fetched_at` (ISO-8601 with offset): when the API response it came from was fetched.
// The SQL merge uses it so an older fetch replayed later never overwrites newer values.

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** Which endpoint family a race/runner row came from. Racecard-only and result-only columns merge independently. */
export type RowSource = "racecard" | "result";

export interface RegionRow {
  region_code: string;
  name: string | null;
  fetched_at: string;
}

export interface CourseRow {
  course_id: string;
  name: string | null;
  region_code: string | null;
  region_name: string | null;
  /** `courses` = /v1/courses (authoritative, newer wins); `race` = stub seen on a race (only fills gaps). */
  source: "courses" | "race";
  fetched_at: string;
}

export interface BookmakerRow {
  bookmaker_code: string;
  name: string;
}

export interface HorseRow {
  horse_id: string;
  name: string | null;
  region: string | null;
  dob: string | null;
  sex: string | null;
  sex_code: string | null;
  colour: string | null;
  colour_code: string | null;
  breeder: string | null;
  sire_id: string | null;
  dam_id: string | null;
  damsire_id: string | null;
  fetched_at: string;
}

export interface JockeyRow {
  jockey_id: string;
  name: string | null;
  fetched_at: string;
}
export interface TrainerRow {
  trainer_id: string;
  name: string | null;
  location: string | null;
  fetched_at: string;
}
export interface OwnerRow {
  owner_id: string;
  name: string | null;
  fetched_at: string;
}
/** Sire, dam and damsire rows share this shape (id column = sire_id / dam_id / damsire_id). */
export interface SireRow {
  sire_id: string;
  name: string | null;
  region: string | null;
  fetched_at: string;
}
export interface DamRow {
  dam_id: string;
  name: string | null;
  region: string | null;
  fetched_at: string;
}
export interface DamsireRow {
  damsire_id: string;
  name: string | null;
  region: string | null;
  fetched_at: string;
}

export interface PedigreeRow {
  horse_id: string;
  sire_id: string | null;
  sire: string | null;
  sire_region: string | null;
  dam_id: string | null;
  dam: string | null;
  dam_region: string | null;
  damsire_id: string | null;
  damsire: string | null;
  damsire_region: string | null;
  breeder: string | null;
  fetched_at: string;
}

export interface RaceRow {
  race_id: string;
  source: RowSource;
  fetched_at: string;
  course_id: string;
  course_name: string | null;
  race_date: string;
  off_time: string | null;
  off_dt: string | null;
  race_name: string | null;
  region_code: string | null;
  race_type: string | null;
  race_class: string | null;
  pattern: string | null;
  rating_band: string | null;
  age_band: string | null;
  sex_restriction: string | null;
  distance: string | null;
  distance_round: string | null;
  distance_yards: number | null;
  distance_furlongs: number | null;
  distance_furlongs_round: number | null;
  distance_metres: number | null;
  going: string | null;
  going_detailed: string | null;
  surface: string | null;
  jumps: string | null;
  rail_movements: string | null;
  stalls: string | null;
  weather: string | null;
  prize: number | null;
  prize_currency: string | null;
  prize_text: string | null;
  field_size: number | null;
  is_big_race: boolean | null;
  is_abandoned: boolean | null;
  race_status: string | null;
  tip: string | null;
  verdict: string | null;
  betting_forecast: string | null;
  /** Number of runners listed on the racecard (incl. non-runners) / in the result. */
  listed_runner_count: number | null;
  non_runner_count: number | null;
  winning_time_detail: string | null;
  comments: string | null;
  non_runners: string | null;
  tote_win: string | null;
  tote_pl: string | null;
  tote_ex: string | null;
  tote_csf: string | null;
  tote_tricast: string | null;
  tote_trifecta: string | null;
}

export interface RunnerRow {
  race_id: string;
  horse_id: string;
  source: RowSource;
  fetched_at: string;
  horse_name: string | null;
  number: number | null;
  is_non_runner: boolean | null;
  draw: number | null;
  age: number | null;
  sex: string | null;
  sex_code: string | null;
  weight_lbs: number | null;
  headgear: string | null;
  headgear_run: string | null;
  wind_surgery: string | null;
  wind_surgery_run: string | null;
  jockey_id: string | null;
  jockey_name: string | null;
  jockey_claim_lbs: number | null;
  trainer_id: string | null;
  trainer_name: string | null;
  trainer_location: string | null;
  owner_id: string | null;
  owner_name: string | null;
  sire_id: string | null;
  dam_id: string | null;
  damsire_id: string | null;
  ofr: number | null;
  rpr: number | null;
  ts: number | null;
  form: string | null;
  last_run: string | null;
  trainer_rtf: number | null;
  trainer_14_days: Json | null;
  prev_trainers: Json | null;
  prev_owners: Json | null;
  quotes: Json | null;
  stable_tour: Json | null;
  medical: Json | null;
  past_results_flags: Json | null;
  comment: string | null;
  spotlight: string | null;
  silk_url: string | null;
  odds: Json | null;
}

export interface ResultRow {
  race_id: string;
  horse_id: string;
  fetched_at: string;
  position: number | null;
  position_raw: string | null;
  btn: number | null;
  ovr_btn: number | null;
  sp: string | null;
  sp_decimal: number | null;
  sp_favourite: string | null;
  bsp: number | null;
  time_text: string | null;
  time_seconds: number | null;
  official_rating: number | null;
  rpr: number | null;
  tsr: number | null;
  prize: number | null;
  prize_currency: string | null;
  weight_st_lbs: string | null;
  weight_lbs: number | null;
  jockey_claim_lbs: number | null;
  comment: string | null;
}

export interface RawResponseRow {
  endpoint: string;
  params: Json;
  page: number;
  body: Json;
  fetched_at: string;
  /**
   * The body exactly as received (valid JSON text), when the caller kept it. serializePayload() splices it
   * into the payload verbatim instead of serialising `body` again: on a racecards day that is megabytes of
   * JSON the function would otherwise spend its CPU budget re-encoding.
   */
  body_text?: string;
}

export interface RejectRow {
  /** e.g. `results.race`, `results.runner`, `racecards_pro.runner`, `results.page`. */
  source: string;
  /** Natural key of the record when it could be read (`rac_1`, `rac_1/hrs_2`); null → SQL uses md5 of raw. */
  record_key: string | null;
  raw: Json;
  reason: string;
  seen_at: string;
}

/** Everything one call of ra_internal.ingest_batch(payload) upserts. Every key is optional in SQL. */
export interface IngestPayload {
  /** Payload format version (currently 1). */
  version: 1;
  raw_responses: RawResponseRow[];
  rejects: RejectRow[];
  regions: RegionRow[];
  courses: CourseRow[];
  bookmakers: BookmakerRow[];
  horses: HorseRow[];
  jockeys: JockeyRow[];
  trainers: TrainerRow[];
  owners: OwnerRow[];
  sires: SireRow[];
  dams: DamRow[];
  damsires: DamsireRow[];
  pedigree: PedigreeRow[];
  races: RaceRow[];
  runners: RunnerRow[];
  results: ResultRow[];
}

/** The mapped rows of one or more responses (an IngestPayload without version/raw). */
export type Batch = Omit<IngestPayload, "version">;

export function emptyBatch(): Batch {
  return {
    raw_responses: [],
    rejects: [],
    regions: [],
    courses: [],
    bookmakers: [],
    horses: [],
    jockeys: [],
    trainers: [],
    owners: [],
    sires: [],
    dams: [],
    damsires: [],
    pedigree: [],
    races: [],
    runners: [],
    results: [],
  };
}

/** Counts returned by ra_internal.ingest_batch: rows written (inserted or updated) per table, plus rejects. */
export interface IngestCounts {
  raw_responses: number;
  rejects: number;
  regions: number;
  courses: number;
  bookmakers: number;
  horses: number;
  jockeys: number;
  trainers: number;
  owners: number;
  sires: number;
  dams: number;
  damsires: number;
  pedigree: number;
  races: number;
  runners: number;
  results: number;
  pedigree_links: number;
  /** Rejected records in this payload (= payload.rejects.length). */
  rejected: number;
}
