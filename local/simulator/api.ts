// The Racing API endpoints over the simulated world: parameter parsing and validation (FastAPI-shaped
// errors), plan rules, paging envelopes and the `query` echo. Pure: (state, path, query) → response.
import { courseList, horsePro, horseStandard, racecardRace, regionList, resultRace } from "./format.ts";
import {
  dateOf,
  dayNumber,
  generateDay,
  horse,
  isWorldHorseNumber,
  type RaceModel,
  raceOffMs,
  ukOffsetHours,
} from "./world.ts";

export type Plan = "pro" | "standard";
export interface ApiState {
  seed: number;
  plan: Plan;
  /** epoch ms of "now" */
  nowMs: number;
}
export interface ApiResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Earliest racecards pro date ("when our tracking began") and how far ahead cards exist. */
export const RACECARDS_FIRST_DATE = "2023-01-23";
export const RACECARDS_DAYS_AHEAD = 7;
export const RESULTS_MAX_LIMIT = 50, RESULTS_DEFAULT_LIMIT = 25, RESULTS_MAX_SKIP = 20000;
export const RACECARDS_MAX_LIMIT = 500, RACECARDS_MAX_SKIP = 500;
const DAY_MS = 86_400_000;

/** The UK calendar date at an instant. */
export function ukDate(ms: number): string {
  const utc = dateOf(Math.floor(ms / DAY_MS));
  return dateOf(Math.floor((ms + ukOffsetHours(utc) * 3_600_000) / DAY_MS));
}

type Pairs = [string, string][];
interface ValidationItem {
  loc: (string | number)[];
  msg: string;
  type: string;
  ctx?: Record<string, unknown>;
}
class Invalid extends Error {
  constructor(public items: ValidationItem[]) {
    super("invalid");
  }
}
const notFound = (): ApiResponse => ({ status: 404, body: { detail: "Not Found" } });
const detail = (status: number, msg: string): ApiResponse => ({ status, body: { detail: msg } });

function intParam(
  q: URLSearchParams,
  name: string,
  min: number | null,
  max: number | null,
  errors: ValidationItem[],
): number | undefined {
  const raw = q.get(name);
  if (raw === null) return undefined;
  if (!/^\s*[+-]?\d+\s*$/.test(raw)) {
    errors.push({ loc: ["query", name], msg: "value is not a valid integer", type: "type_error.integer" });
    return undefined;
  }
  const v = Number(raw);
  if (min !== null && v < min) {
    errors.push({
      loc: ["query", name],
      msg: `ensure this value is greater than or equal to ${min}`,
      type: "value_error.number.not_ge",
      ctx: { limit_value: min },
    });
  } else if (max !== null && v > max) {
    errors.push({
      loc: ["query", name],
      msg: `ensure this value is less than or equal to ${max}`,
      type: "value_error.number.not_le",
      ctx: { limit_value: max },
    });
  }
  return v;
}
function validDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  return dateOf(dayNumber(s)) === s;
}
function dateParam(q: URLSearchParams, name: string, errors: ValidationItem[]): string | undefined {
  const raw = q.get(name);
  if (raw === null) return undefined;
  if (!validDate(raw)) {
    errors.push({
      loc: ["query", name],
      msg: "invalid date format, expected YYYY-MM-DD",
      type: "value_error.date",
    });
    return undefined;
  }
  return raw;
}
/** The parameters the endpoint knows, in the order they were sent: the API's `query` echo. */
function echo(q: URLSearchParams, known: string[]): Pairs {
  const out: Pairs = [];
  for (const [k, v] of q) if (known.includes(k)) out.push([k, v]);
  return out;
}

// ---------------------------------------------------------------------------------------------------
const RESULTS_PARAMS = [
  "start_date",
  "end_date",
  "region",
  "course",
  "type",
  "going",
  "race_class",
  "min_distance_y",
  "max_distance_y",
  "age_band",
  "sex_restriction",
  "limit",
  "skip",
];

function goingKey(g: string): string {
  return g.toLowerCase().replaceAll(" ", "_");
}
function typeKey(t: string): string {
  return t.toLowerCase().replaceAll(" ", "_");
}

/** Filters shared by the results endpoint. */
function resultFilter(q: URLSearchParams): (r: RaceModel) => boolean {
  const courses = new Set(q.getAll("course"));
  const regions = new Set(q.getAll("region").map((r) => r.toUpperCase()));
  const types = new Set(q.getAll("type").map((t) => t.toLowerCase()));
  const goings = new Set(q.getAll("going").map((t) => t.toLowerCase()));
  const classes = new Set(q.getAll("race_class").map((t) => t.toLowerCase()));
  const ages = new Set(q.getAll("age_band"));
  const sexes = new Set(q.getAll("sex_restriction").map((s) => s.toLowerCase()));
  const minY = q.get("min_distance_y") !== null ? Number(q.get("min_distance_y")) : -Infinity;
  const maxY = q.get("max_distance_y") !== null ? Number(q.get("max_distance_y")) : Infinity;
  return (r) => {
    if (courses.size) {
      if (!courses.has(r.course.id)) return false;
    } else if (regions.size && !regions.has(r.region)) return false;
    if (types.size && !types.has(typeKey(r.type))) return false;
    if (goings.size && !goings.has(goingKey(r.going))) return false;
    if (classes.size && !classes.has(r.cls.toLowerCase().replace(" ", "_"))) return false;
    if (ages.size && !ages.has(r.ageBand)) return false;
    if (sexes.size && !sexes.has(r.sexRest.toLowerCase())) return false;
    return r.yards >= minY && r.yards <= maxY;
  };
}

export function results(state: ApiState, q: URLSearchParams): ApiResponse {
  const errors: ValidationItem[] = [];
  const limit = intParam(q, "limit", 1, RESULTS_MAX_LIMIT, errors) ?? RESULTS_DEFAULT_LIMIT;
  const skip = intParam(q, "skip", 0, RESULTS_MAX_SKIP, errors) ?? 0;
  intParam(q, "min_distance_y", null, null, errors);
  intParam(q, "max_distance_y", null, null, errors);
  const today = ukDate(state.nowMs);
  const start = dateParam(q, "start_date", errors) ?? dateOf(dayNumber(today) - 365);
  const end = dateParam(q, "end_date", errors) ?? today;
  if (errors.length) throw new Invalid(errors);
  const d0 = dayNumber(start), d1 = dayNumber(end);
  if (d1 - d0 > 365) return detail(422, "Maximum range between start_date and end_date is 365 days");
  if (state.plan === "standard" && d0 < dayNumber(today) - 365) {
    return detail(
      422,
      `Your plan only includes results from the last 12 months: start_date must be on or after ${
        dateOf(dayNumber(today) - 365)
      }`,
    );
  }
  const keep = resultFilter(q);
  const races: RaceModel[] = [];
  const last = Math.min(d1, dayNumber(today));
  for (let d = last; d >= d0; d--) {
    const day = generateDay(state.seed, dateOf(d));
    for (const r of day.races) if (!r.abandoned && keep(r) && raceOffMs(r) <= state.nowMs) races.push(r);
  }
  // latest off first, as the real API orders them
  races.sort((a, b) => b.day - a.day || b.offMin - a.offMin || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return {
    status: 200,
    body: {
      results: races.slice(skip, skip + limit).map((r) => resultRace(state.seed, r)),
      total: races.length,
      limit,
      skip,
      query: echo(q, RESULTS_PARAMS),
    },
  };
}

// ---------------------------------------------------------------------------------------------------
const RACECARD_PARAMS = ["date", "region_codes", "course_ids", "limit", "skip"];

export function racecardsPro(state: ApiState, q: URLSearchParams): ApiResponse {
  if (state.plan !== "pro") return planLacks();
  const errors: ValidationItem[] = [];
  const limit = intParam(q, "limit", 1, RACECARDS_MAX_LIMIT, errors) ?? RACECARDS_MAX_LIMIT;
  const skip = intParam(q, "skip", 0, RACECARDS_MAX_SKIP, errors) ?? 0;
  const today = ukDate(state.nowMs);
  const date = dateParam(q, "date", errors) ?? today;
  if (errors.length) throw new Invalid(errors);
  const lastDate = dateOf(dayNumber(today) + RACECARDS_DAYS_AHEAD);
  if (date < RACECARDS_FIRST_DATE || date > lastDate) {
    return detail(
      422,
      `Racecards are available from ${RACECARDS_FIRST_DATE} up to ${RACECARDS_DAYS_AHEAD} days in advance (${lastDate}); date ${date} is outside that range`,
    );
  }
  const courses = new Set(q.getAll("course_ids"));
  const regions = new Set(q.getAll("region_codes").map((r) => r.toUpperCase()));
  const races = generateDay(state.seed, date).races.filter((r) =>
    courses.size ? courses.has(r.course.id) : regions.size === 0 || regions.has(r.region)
  );
  return {
    status: 200,
    body: {
      racecards: races.slice(skip, skip + limit).map((r) => racecardRace(state.seed, r)),
      total: races.length,
      limit,
      skip,
      query: echo(q, RACECARD_PARAMS),
    },
  };
}

export function planLacks(): ApiResponse {
  return detail(401, "Your plan does not include access to this endpoint. Please upgrade your plan.");
}

// ---------------------------------------------------------------------------------------------------
export function horseProfile(state: ApiState, id: string, kind: "pro" | "standard"): ApiResponse {
  if (kind === "pro" && state.plan !== "pro") return planLacks();
  const m = /^hrs_(\d{1,12})$/.exec(id);
  if (!m) return notFound();
  const n = Number(m[1]);
  const h = horse(state.seed, n);
  if (!h) return notFound();
  const today = ukDate(state.nowMs);
  if (isWorldHorseNumber(n)) {
    // the API only knows horses that have been declared for a race by now
    if (h.careerStart > dayNumber(today) + RACECARDS_DAYS_AHEAD) return notFound();
  } else if (kind === "pro") {
    // pedigree-only animals have no detailed profile; the spec points to /standard for those
    return notFound();
  }
  return {
    status: 200,
    body: kind === "pro" ? horsePro(state.seed, h, today) : horseStandard(state.seed, h),
  };
}

export function courses(q: URLSearchParams): ApiResponse {
  const list = courseList(q.getAll("region_codes"));
  return { status: 200, body: { courses: list, total: list.length } };
}

/** Route a GET. Returns null for unknown paths (the caller answers 404 before checking auth). */
export function route(path: string): ((state: ApiState, q: URLSearchParams) => ApiResponse) | null {
  if (path === "/v1/results") return results;
  if (path === "/v1/racecards/pro") return racecardsPro;
  if (path === "/v1/courses") return (_s, q) => courses(q);
  if (path === "/v1/courses/regions") return () => ({ status: 200, body: regionList() });
  const m = /^\/v1\/horses\/([^/]+)\/(pro|standard)$/.exec(path);
  if (m) return (s) => horseProfile(s, decodeURIComponent(m[1]), m[2] as "pro" | "standard");
  return null;
}

/** Run a handler, turning validation failures into the FastAPI 422 shape. */
export function runHandler(
  h: (state: ApiState, q: URLSearchParams) => ApiResponse,
  state: ApiState,
  q: URLSearchParams,
): ApiResponse {
  try {
    return h(state, q);
  } catch (e) {
    if (e instanceof Invalid) return { status: 422, body: { detail: e.items } };
    throw e;
  }
}
