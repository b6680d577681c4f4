// The simulated racing world. Pure and deterministic: every entity (horse, jockey, trainer, owner,
// pedigree animal) is a function of (seed, number), and every day's racing is a function of (seed, date)
// plus those entities. Building one day costs O(races on that day), so any date can be served without
// generating the days before it.
import {
  BREEDER_SUFFIXES,
  COURSE_BY_NAME,
  type CourseDef,
  COURSES,
  FIRST_NAMES,
  OWNER_SUFFIXES,
  SURNAMES,
  SYL1,
  SYL2,
  TRAINER_TOWNS,
  WORDS_A,
  WORDS_B,
} from "./data.ts";
import { hash, Rng, unit } from "./prng.ts";

// ---------------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------------
const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a civil date (proleptic Gregorian; H. Hinnant's algorithm, no Date objects). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
/** Days since 1970-01-01 of an ISO date (YYYY-MM-DD). */
export function dayNumber(date: string): number {
  return daysFromCivil(+date.slice(0, 4), +date.slice(5, 7), +date.slice(8, 10));
}
/** ISO date of a day number. */
export function dateOf(day: number): string {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, "0")}-${m < 10 ? "0" : ""}${m}-${d < 10 ? "0" : ""}${d}`;
}
/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: number): number {
  return (day + 4) % 7;
}
function lastSunday(year: number, month: number): number {
  const last = dayNumber(`${year}-${String(month).padStart(2, "0")}-${month === 3 ? "31" : "31"}`);
  return last - weekday(last);
}
/** UK offset in hours (0 = GMT, 1 = BST) for daytime on a date (BST: last Sunday of March to last Sunday of October). */
export function ukOffsetHours(date: string): number {
  const y = Number(date.slice(0, 4));
  const d = dayNumber(date);
  return d >= lastSunday(y, 3) && d < lastSunday(y, 10) ? 1 : 0;
}
/** Epoch milliseconds of a UK local wall time (minutes after midnight) on a date. */
export function ukEpochMs(date: string, minutes: number): number {
  return dayNumber(date) * DAY_MS + minutes * 60_000 - ukOffsetHours(date) * 3_600_000;
}
const pad2 = (n: number) => String(n).padStart(2, "0");
/** `2025-10-07T20:30:00+01:00` */
export function offDt(date: string, minutes: number): string {
  const h = Math.floor(minutes / 60), m = minutes % 60;
  return `${date}T${pad2(h)}:${pad2(m)}:00+0${ukOffsetHours(date)}:00`;
}
/** 12-hour clock without am/pm, as the API sends it: 20:30 → `8:30`, 12:15 → `12:15`. */
export function off12(minutes: number): string {
  const h = Math.floor(minutes / 60) % 12 || 12;
  return `${h}:${pad2(minutes % 60)}`;
}

// ---------------------------------------------------------------------------------------------------
// Names (bijective, so names are unique within each kind)
// ---------------------------------------------------------------------------------------------------
const WORDS_W: string[] = [];
for (const a of SYL1) for (const b of SYL2) WORDS_W.push(a + b);
const NA = WORDS_A.length, NB = WORDS_B.length, NW = WORDS_W.length;
const NAME_PATTERNS = [NA * NB, NA * NW, NW, NW * NB];
const NAME_TOTAL = NAME_PATTERNS.reduce((a, b) => a + b, 0);
function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
let NAME_STEP = 1_000_003;
while (gcd(NAME_STEP, NAME_TOTAL) !== 1) NAME_STEP += 2;
/** Unique invented name for animal ordinal `o` (o < NAME_TOTAL). */
function animalNameByOrdinal(seed: number, o: number): string {
  let i = (((o % NAME_TOTAL) * NAME_STEP) % NAME_TOTAL + (hash(seed, 77) % NAME_TOTAL)) % NAME_TOTAL;
  if (i < NAME_PATTERNS[0]) return `${WORDS_A[i % NA]} ${WORDS_B[Math.floor(i / NA)]}`;
  i -= NAME_PATTERNS[0];
  if (i < NAME_PATTERNS[1]) return `${WORDS_A[i % NA]} ${WORDS_W[Math.floor(i / NA)]}`;
  i -= NAME_PATTERNS[1];
  if (i < NAME_PATTERNS[2]) return WORDS_W[i];
  i -= NAME_PATTERNS[2];
  return `${WORDS_W[i % NW]} ${WORDS_B[Math.floor(i / NW)]}`;
}
const NF = FIRST_NAMES.length, NS = SURNAMES.length;
function personName(seed: number, kind: number, k: number, initialStyle: boolean): string {
  const total = NF * NS;
  const i = ((k * 7919 + hash(seed, kind) % total) % total + total) % total;
  const first = FIRST_NAMES[i % NF], last = SURNAMES[Math.floor(i / NF) % NS];
  return initialStyle ? `${first[0]} ${last}` : `${first} ${last}`;
}

// ---------------------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------------------
export const JOCKEY_COUNT = 3000, TRAINER_COUNT = 2500, OWNER_COUNT = 60000;
const JKY_BASE = 240_000, TRN_BASE = 100_000, OWN_BASE = 1_000_000;

export interface Jockey {
  id: string;
  name: string;
  code: "flat" | "jumps";
  base: "GB" | "IRE";
  start: number;
  end: number;
  apprentice: boolean;
}
let peopleSeed = NaN;
let jockeyArr: Jockey[] = [], trainerArr: Trainer[] = [];
const ownerCache = new Map<number, Owner>();
function ensurePeople(seed: number) {
  if (peopleSeed === seed) return;
  peopleSeed = seed;
  jockeyArr = Array.from({ length: JOCKEY_COUNT }, (_, k) => buildJockey(seed, k));
  trainerArr = Array.from({ length: TRAINER_COUNT }, (_, k) => buildTrainer(seed, k));
  ownerCache.clear();
}
export function jockey(seed: number, k: number): Jockey {
  ensurePeople(seed);
  return jockeyArr[k];
}
export function trainer(seed: number, k: number): Trainer {
  ensurePeople(seed);
  return trainerArr[k];
}
export function owner(seed: number, k: number): Owner {
  ensurePeople(seed);
  let o = ownerCache.get(k);
  if (!o) {
    if (ownerCache.size > 50_000) ownerCache.clear();
    o = buildOwner(seed, k);
    ownerCache.set(k, o);
  }
  return o;
}
function buildJockey(seed: number, k: number): Jockey {
  const startYear = 1978 + Math.floor(unit(seed, 31, k) * 49);
  const start = dayNumber(`${startYear}-01-01`) + Math.floor(unit(seed, 32, k) * 365);
  const end = start + Math.floor((3 + unit(seed, 33, k) * 22) * 365);
  const fem = unit(seed, 35, k) < 0.12;
  const nm = personName(seed, 1, k, false);
  return {
    id: `jky_${JKY_BASE + k}`,
    name: fem && unit(seed, 36, k) < 0.3 ? `Miss ${nm}` : nm,
    code: unit(seed, 34, k) < 0.55 ? "flat" : "jumps",
    base: unit(seed, 37, k) < 0.72 ? "GB" : "IRE",
    start,
    end,
    apprentice: unit(seed, 38, k) < 0.6,
  };
}
/** Weight allowance claimed by a jockey on a day (apprentices/conditionals lose it with experience). */
export function jockeyClaim(j: Jockey, day: number): number {
  if (!j.apprentice) return 0;
  const years = (day - j.start) / 365;
  return years < 1 ? 7 : years < 2 ? 5 : years < 3.5 ? 3 : 0;
}
const IRE_TOWNS = TRAINER_TOWNS.filter((t) => t.includes("Co."));
const GB_TOWNS = TRAINER_TOWNS.filter((t) => !t.includes("Co."));
export interface Trainer {
  id: string;
  name: string;
  base: "GB" | "IRE";
  start: number;
  end: number;
  location: string;
}
function buildTrainer(seed: number, k: number): Trainer {
  const startYear = 1970 + Math.floor(unit(seed, 41, k) * 55);
  const start = dayNumber(`${startYear}-01-01`) + Math.floor(unit(seed, 42, k) * 365);
  const base = unit(seed, 43, k) < 0.7 ? "GB" : "IRE";
  const towns = base === "IRE" ? IRE_TOWNS : GB_TOWNS;
  return {
    id: `trn_${TRN_BASE + k}`,
    name: personName(seed, 2, k, unit(seed, 44, k) < 0.35),
    base,
    start,
    end: start + Math.floor((8 + unit(seed, 45, k) * 40) * 365),
    location: unit(seed, 46, k) < 0.15 ? "" : towns[hash(seed, 47, k) % towns.length],
  };
}
export interface Owner {
  id: string;
  name: string;
  silk: number;
}
function buildOwner(seed: number, k: number): Owner {
  const u = unit(seed, 51, k);
  const p = personName(seed, 3, k, false);
  const q = personName(seed, 3, k + 7777, false);
  let name: string;
  if (u < 0.35) name = `${p.split(" ")[0][0]} ${p.split(" ")[1]}`;
  else if (u < 0.5) name = `Mr & Mrs ${p}`;
  else if (u < 0.85) name = `${p.split(" ")[1]} ${OWNER_SUFFIXES[hash(seed, 52, k) % OWNER_SUFFIXES.length]}`;
  else name = `${p} & ${q}`;
  return { id: `own_${OWN_BASE + k * 7}`, name, silk: 100000 + (hash(seed, 53, k) % 300000) };
}

// ---------------------------------------------------------------------------------------------------
// Horses and pedigree animals
// ---------------------------------------------------------------------------------------------------
export const FIRST_FOAL_YEAR = 1980, COHORT = 8000, HRS_BASE = 1_000_000;
const LAST_FOAL_YEAR = 2035;
const STALLION_BASE = 100_000, STALLIONS = 800, MARE_BASE = 300_000, MARES = 60000;
const STUD_EVERY = 97; // idx % 97 == 0: a colt kept entire who goes to stud after racing

export type SexCode = "C" | "F" | "G";
export interface Horse {
  n: number;
  id: string;
  raced: boolean;
  foalYear: number;
  name: string;
  bred: string;
  sex0: SexCode;
  colour: string;
  dob: string;
  code: "flat" | "jumps" | "dual";
  base: "GB" | "IRE";
  careerStart: number;
  careerEnd: number;
  ability: number;
  sire: number;
  dam: number;
  trainers: { k: number; from: number }[];
  owners: { k: number; from: number }[];
  breeder: string;
  headgear: string;
}

const BRED = ["GB", "IRE", "FR", "USA", "GER"];
function pickBred(seed: number, n: number, jumps: boolean): string {
  const u = unit(seed, n, 5);
  if (jumps) return u < 0.45 ? "IRE" : u < 0.75 ? "GB" : u < 0.95 ? "FR" : "GER";
  return u < 0.5 ? "GB" : u < 0.8 ? "IRE" : u < 0.9 ? "USA" : u < 0.97 ? "FR" : "GER";
}
const COLOURS = ["b", "b", "b", "b", "b", "ch", "ch", "br", "gr", "b/br", "bl", "ro"];
export const COLOUR_CODE: Record<string, string> = {
  b: "B",
  ch: "CH",
  br: "BR",
  gr: "GR",
  "b/br": "B/BR",
  bl: "BL",
  ro: "RO",
};

/** Horse number from cohort (foal year) and index. */
export function horseNumber(foalYear: number, idx: number): number {
  return HRS_BASE + (foalYear - FIRST_FOAL_YEAR) * COHORT + idx;
}
export function isWorldHorseNumber(n: number): boolean {
  return n >= HRS_BASE && n < horseNumber(LAST_FOAL_YEAR + 1, 0);
}
export function isPedigreeNumber(n: number): boolean {
  return (n >= STALLION_BASE && n < STALLION_BASE + STALLIONS) || (n >= MARE_BASE && n < MARE_BASE + MARES);
}
function sexOf(seed: number, n: number, idx: number, code: string): SexCode {
  if (idx % STUD_EVERY === 0) return "C";
  if (unit(seed, n, 2) < 0.42) return "F";
  return code === "flat" && unit(seed, n, 3) < 0.45 ? "C" : "G";
}
function codeOf(seed: number, n: number, idx: number): Horse["code"] {
  if (idx % STUD_EVERY === 0) return "flat";
  const u = unit(seed, n, 1);
  return u < 0.52 ? "flat" : u < 0.9 ? "jumps" : "dual";
}

const horseCache = new Map<number, Horse>();
let horseCacheSeed = NaN;

function pickTrainer(seed: number, n: number, salt: number, day: number, base: string): number {
  for (let t = 0; t < 40; t++) {
    const k = Math.floor(TRAINER_COUNT * Math.pow(unit(seed, n, salt, t), 1.6));
    const tr = trainer(seed, k);
    if (tr.start <= day && tr.end >= day && (tr.base === base || t > 30)) return k;
  }
  return hash(seed, n, salt) % TRAINER_COUNT;
}

/** A horse or pedigree animal by number, or null when the number is not part of the world. */
export function horse(seed: number, n: number): Horse | null {
  if (horseCacheSeed !== seed) {
    horseCache.clear();
    horseCacheSeed = seed;
  }
  const hit = horseCache.get(n);
  if (hit) return hit;
  let h: Horse | null = null;
  if (isWorldHorseNumber(n)) h = buildRacedHorse(seed, n);
  else if (isPedigreeNumber(n)) h = buildPedigreeAnimal(seed, n);
  if (h) {
    if (horseCache.size > 200_000) horseCache.clear();
    horseCache.set(n, h);
  }
  return h;
}

function sirePick(seed: number, n: number, foalYear: number): number {
  if (unit(seed, n, 11) < 0.35) {
    const y = foalYear - 4 - Math.floor(unit(seed, n, 12) * 12);
    if (y >= FIRST_FOAL_YEAR) {
      const k = Math.floor((COHORT / STUD_EVERY) * Math.pow(unit(seed, n, 13), 2));
      return horseNumber(y, k * STUD_EVERY);
    }
  }
  return STALLION_BASE + Math.floor(STALLIONS * Math.pow(unit(seed, n, 14), 2.5));
}
function damPick(seed: number, n: number, foalYear: number): number {
  if (unit(seed, n, 15) < 0.4) {
    for (let t = 0; t < 8; t++) {
      const y = foalYear - 5 - Math.floor(unit(seed, n, 16, t) * 10);
      if (y < FIRST_FOAL_YEAR) break;
      const idx = 1 + (hash(seed, n, 17, t) % (COHORT - 1));
      const m = horseNumber(y, idx);
      if (idx % STUD_EVERY !== 0 && sexOf(seed, m, idx, codeOf(seed, m, idx)) === "F") return m;
    }
  }
  return MARE_BASE + (hash(seed, n, 18) % MARES);
}

/** The cheap part of a raced horse (no names, no connections): enough to decide if it can run in a race. */
export interface HorseCore {
  n: number;
  foalYear: number;
  idx: number;
  code: Horse["code"];
  sex0: SexCode;
  careerStart: number;
  careerEnd: number;
  base: "GB" | "IRE";
}
export function horseCore(seed: number, n: number): HorseCore {
  const ord = n - HRS_BASE;
  const foalYear = FIRST_FOAL_YEAR + Math.floor(ord / COHORT);
  const idx = ord % COHORT;
  const code = codeOf(seed, n, idx);
  const sex0 = sexOf(seed, n, idx, code);
  const stud = idx % STUD_EVERY === 0;
  let startAge: number;
  const u7 = unit(seed, n, 7);
  if (code === "jumps") startAge = 4 + Math.floor(u7 * 2.6);
  else startAge = u7 < 0.45 ? 2 : u7 < 0.88 ? 3 : 4;
  const yStart = (foalYear + startAge - 1970) * 365 + Math.floor((foalYear + startAge - 1969) / 4);
  const careerStart = yStart +
    (code === "jumps" ? Math.floor(unit(seed, n, 8) * 330) : 100 + Math.floor(unit(seed, n, 8) * 200));
  const len = 120 + Math.floor(-Math.log(1 - unit(seed, n, 9)) * (stud ? 300 : 800));
  const maxEnd = (foalYear + 14 - 1970) * 365 + Math.floor((foalYear + 14 - 1969) / 4) - 1;
  const careerEnd = Math.min(careerStart + len, maxEnd);
  const base = unit(seed, n, 10) < (code === "jumps" ? 0.62 : 0.74) ? "GB" : "IRE";
  return { n, foalYear, idx, code, sex0, careerStart, careerEnd, base };
}

/** Per-cohort typed arrays of the fields runner selection needs (built once per seed and foal year). */
interface CohortTable {
  start: Int32Array;
  end: Int32Array;
  /** bit0-1: code (0 flat, 1 jumps, 2 dual); bit2: female; bit3: based in Ireland */
  flags: Uint8Array;
}
let cohortSeed = NaN;
let cohortTables: (CohortTable | undefined)[] = [];
function cohortTable(seed: number, foalYear: number): CohortTable {
  if (cohortSeed !== seed) {
    cohortSeed = seed;
    cohortTables = [];
  }
  const key = foalYear - FIRST_FOAL_YEAR;
  let t = cohortTables[key];
  if (t) return t;
  t = { start: new Int32Array(COHORT), end: new Int32Array(COHORT), flags: new Uint8Array(COHORT) };
  for (let i = 0; i < COHORT; i++) {
    const c = horseCore(seed, horseNumber(foalYear, i));
    t.start[i] = c.careerStart;
    t.end[i] = c.careerEnd;
    t.flags[i] = (c.code === "flat" ? 0 : c.code === "jumps" ? 1 : 2) | (c.sex0 === "F" ? 4 : 0) |
      (c.base === "IRE" ? 8 : 0);
  }
  cohortTables[key] = t;
  return t;
}

function buildRacedHorse(seed: number, n: number): Horse {
  const c = horseCore(seed, n);
  const { foalYear, idx, code, sex0, careerStart, careerEnd, base } = c;
  const ord = n - HRS_BASE;
  const bred = pickBred(seed, n, code === "jumps");
  const dobDay = dayNumber(`${foalYear}-01-20`) + Math.floor(unit(seed, n, 6) * 110);
  const stud = idx % STUD_EVERY === 0;
  const len = careerEnd - careerStart;
  const trainers = [{ k: pickTrainer(seed, n, 21, careerStart, base), from: careerStart }];
  const owners = [{ k: Math.floor(OWNER_COUNT * Math.pow(unit(seed, n, 22), 1.4)), from: careerStart }];
  if (unit(seed, n, 23) < 0.25 && len > 200) {
    const change = careerStart + 60 + Math.floor(unit(seed, n, 24) * (len - 60));
    trainers.push({ k: pickTrainer(seed, n, 25, change, base), from: change });
    owners.push({ k: Math.floor(OWNER_COUNT * Math.pow(unit(seed, n, 26), 1.4)), from: change });
  }
  const mu = code === "flat" ? 68 : 108;
  const ability = Math.round(
    mu + (unit(seed, n, 27) + unit(seed, n, 28) + unit(seed, n, 29) - 1.5) * (code === "flat" ? 38 : 45),
  ) +
    (stud ? 18 : 0);
  const hg = unit(seed, n, 30);
  const headgear = hg < 0.55
    ? ""
    : hg < 0.72
    ? "p"
    : hg < 0.8
    ? "t"
    : hg < 0.86
    ? "b"
    : hg < 0.9
    ? "h"
    : hg < 0.93
    ? "v"
    : hg < 0.96
    ? "tp"
    : hg < 0.98
    ? "tb"
    : hg < 0.99
    ? "tv"
    : "hp";
  const br = personName(seed, 4, hash(seed, n, 31) % 5000, true);
  return {
    n,
    id: `hrs_${n}`,
    raced: true,
    foalYear,
    name: animalNameByOrdinal(seed, ord),
    bred,
    sex0,
    colour: COLOURS[hash(seed, n, 4) % COLOURS.length],
    dob: dateOf(dobDay),
    code,
    base,
    careerStart,
    careerEnd,
    ability,
    sire: sirePick(seed, n, foalYear),
    dam: damPick(seed, n, foalYear),
    trainers,
    owners,
    breeder: unit(seed, n, 32) < 0.5
      ? br
      : `${br.split(" ")[1]} ${BREEDER_SUFFIXES[hash(seed, n, 33) % BREEDER_SUFFIXES.length]}`,
    headgear,
  };
}

function buildPedigreeAnimal(seed: number, n: number): Horse {
  const stallion = n < MARE_BASE;
  const ordinal = horseNumber(LAST_FOAL_YEAR + 1, 0) - HRS_BASE + (n - STALLION_BASE);
  const foalYear = 1965 + (hash(seed, n, 1) % 50);
  const bred = BRED[hash(seed, n, 2) % 4];
  return {
    n,
    id: `hrs_${n}`,
    raced: false,
    foalYear,
    name: animalNameByOrdinal(seed, ordinal),
    bred,
    sex0: stallion ? "C" : "F",
    colour: COLOURS[hash(seed, n, 4) % COLOURS.length],
    dob: dateOf(dayNumber(`${foalYear}-02-01`) + (hash(seed, n, 6) % 100)),
    code: "flat",
    base: "GB",
    careerStart: 0,
    careerEnd: 0,
    ability: 0,
    sire: stallion ? 0 : STALLION_BASE + (hash(seed, n, 14) % STALLIONS),
    dam: 0,
    trainers: [],
    owners: [],
    breeder: "",
    headgear: "",
  };
}

/** Name with the breeding-country suffix: `Create (IRE)`. */
export function suffixed(h: Horse): string {
  return `${h.name} (${h.bred})`;
}
export function sexAt(h: Horse, age: number): { code: string; word: string } {
  if (h.sex0 === "G") return { code: "G", word: "gelding" };
  if (h.sex0 === "F") return age >= 5 ? { code: "M", word: "mare" } : { code: "F", word: "filly" };
  return age >= 5 ? { code: "H", word: "horse" } : { code: "C", word: "colt" };
}
export function trainerAt(h: Horse, day: number): { k: number; prev: { k: number; from: number }[] } {
  let cur = h.trainers[0], prev: { k: number; from: number }[] = [];
  for (let i = 1; i < h.trainers.length; i++) {
    if (day >= h.trainers[i].from) {
      prev = [{ k: cur.k, from: h.trainers[i].from }];
      cur = h.trainers[i];
    }
  }
  return { k: cur.k, prev };
}
export function ownerAt(h: Horse, day: number): { k: number; prev: { k: number; from: number }[] } {
  let cur = h.owners[0], prev: { k: number; from: number }[] = [];
  for (let i = 1; i < h.owners.length; i++) {
    if (day >= h.owners[i].from) {
      prev = [{ k: cur.k, from: h.owners[i].from }];
      cur = h.owners[i];
    }
  }
  return { k: cur.k, prev };
}
/** The horse's rating on a day: improves early in the career, declines late. */
export function ratingAt(h: Horse, day: number): number {
  const yrs = (day - h.careerStart) / 365;
  return Math.round(h.ability - 12 + Math.min(1, yrs / 1.5) * 12 - Math.max(0, yrs - 4) * 4);
}

// ---------------------------------------------------------------------------------------------------
// Fixtures: which courses race on a day
// ---------------------------------------------------------------------------------------------------
interface MeetingPlan {
  course: CourseDef;
  races: number;
  festival: boolean;
}
function md(date: string): string {
  return date.slice(5);
}
/** First day number on/after `from` (MM-DD in the year of `date`) with the given weekday. */
function firstWeekdayOnOrAfter(year: number, mmdd: string, wd: number): number {
  const d = dayNumber(`${year}-${mmdd}`);
  return d + ((wd - weekday(d) + 7) % 7);
}
/** Festivals: [course names, first day, number of days, races a day]. */
function festivals(year: number): { courses: string[]; first: number; days: number; races: number }[] {
  return [
    { courses: ["Cheltenham"], first: firstWeekdayOnOrAfter(year, "03-10", 2), days: 4, races: 7 },
    { courses: ["Aintree"], first: firstWeekdayOnOrAfter(year, "04-01", 6) - 2, days: 3, races: 7 },
    { courses: ["Punchestown"], first: firstWeekdayOnOrAfter(year, "04-25", 2), days: 5, races: 7 },
    { courses: ["Ascot"], first: firstWeekdayOnOrAfter(year, "06-14", 2), days: 5, races: 7 },
    { courses: ["Goodwood"], first: firstWeekdayOnOrAfter(year, "07-25", 2), days: 5, races: 7 },
    { courses: ["Galway"], first: firstWeekdayOnOrAfter(year, "07-25", 1), days: 7, races: 8 },
    { courses: ["York"], first: firstWeekdayOnOrAfter(year, "08-17", 3), days: 4, races: 7 },
    { courses: ["Leopardstown", "Limerick"], first: dayNumber(`${year}-12-27`), days: 3, races: 8 },
  ];
}
const BOXING_DAY = [
  "Kempton",
  "Wetherby",
  "Wincanton",
  "Huntingdon",
  "Market Rasen",
  "Sedgefield",
  "Fontwell",
  "Wolverhampton (AW)",
  "Leopardstown",
  "Limerick",
  "Down Royal",
];
const NEW_YEARS_DAY = [
  "Cheltenham",
  "Exeter",
  "Fakenham",
  "Musselburgh",
  "Lingfield (AW)",
  "Fairyhouse",
  "Tramore",
];
// expected meetings per weekday (Sun..Sat), outside festivals
const GB_MEETINGS = [2.4, 2.3, 2.8, 3.0, 3.2, 3.8, 6.0];
const IRE_MEETINGS = [2.0, 1.0, 1.0, 1.0, 1.2, 1.8, 2.0];

function courseWeight(c: CourseDef, month: number): number {
  switch (c.kind) {
    case "aw":
      return c.weight * (month >= 11 || month <= 3 ? 1.4 : 0.6);
    case "flat":
      return month >= 4 && month <= 10 ? c.weight : month === 3 || month === 11 ? c.weight * 0.15 : 0;
    case "jumps":
      return month >= 10 || month <= 4 ? c.weight : month === 5 || month === 9 ? c.weight * 0.3 : 0;
    case "summerjumps":
      return c.weight * (month >= 5 && month <= 9 ? 1.3 : 0.5);
    case "mixed":
      return c.weight;
    default:
      return 0;
  }
}

function planMeetings(seed: number, date: string): MeetingPlan[] {
  const mmdd = md(date);
  if (mmdd === "12-24" || mmdd === "12-25") return [];
  const day = dayNumber(date);
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const rng = new Rng(hash(seed, day, 101));
  const plans: MeetingPlan[] = [];
  const used = new Set<string>();
  const add = (name: string, races: number, festival: boolean) => {
    const c = COURSE_BY_NAME.get(name);
    if (c && !used.has(name)) {
      used.add(name);
      plans.push({ course: c, races, festival });
    }
  };
  if (mmdd === "12-26") {
    for (const n of BOXING_DAY) add(n, 7, true);
  } else if (mmdd === "01-01") {
    for (const n of NEW_YEARS_DAY) add(n, 7, false);
  } else {
    for (const f of festivals(year)) {
      if (day >= f.first && day < f.first + f.days) { for (const n of f.courses) add(n, f.races, true); }
    }
    const wd = weekday(day);
    const summer = month >= 5 && month <= 8 && wd >= 1 && wd <= 5;
    const nGb = Math.floor(GB_MEETINGS[wd] + (summer ? 0.6 : 0) + rng.next());
    const nIre = Math.floor(IRE_MEETINGS[wd] + (summer ? 0.3 : 0) + rng.next());
    for (const [region, count] of [["GB", nGb], ["IRE", nIre]] as const) {
      const pool = COURSES.filter((c) => c.region === region && !used.has(c.name));
      const weights = pool.map((c) => courseWeight(c, month));
      let have = plans.filter((p) => p.course.region === region && !p.festival).length;
      while (have < count && weights.some((w) => w > 0)) {
        const i = rng.weighted(weights);
        weights[i] = 0;
        const r = region === "GB"
          ? [6, 7, 7, 7, 7, 8, 8, 9][rng.int(0, 7)] - (rng.chance(0.2) ? 1 : 0)
          : rng.int(7, 8);
        add(pool[i].name, r, false);
        have++;
      }
    }
  }
  // a French meeting on some days: only its group/selected races are covered
  if (rng.chance(weekday(day) === 0 ? 0.7 : 0.25)) {
    const fr = COURSES.filter((c) =>
      c.region === "FR" && (month >= 3 && month <= 11 ? true : c.kind === "jumps")
    );
    if (fr.length) add(rng.pick(fr).name, rng.int(1, 3), false);
  }
  return plans;
}

// ---------------------------------------------------------------------------------------------------
// Races
// ---------------------------------------------------------------------------------------------------
export type RaceType = "Flat" | "Hurdle" | "Chase" | "NH Flat";
export interface RunnerModel {
  horse: Horse;
  age: number;
  number: number;
  draw: number; // 0 = none
  lbs: number;
  jockey: Jockey;
  claim: number;
  trainerK: number;
  prevTrainers: { k: number; from: number }[];
  ownerK: number;
  prevOwners: { k: number; from: number }[];
  headgear: string;
  headgearFirst: boolean;
  rating: number;
  hasOr: boolean;
  nr: boolean;
  nrReason: string;
  // results (runners only)
  position: string; // "1".., or PU/F/UR/BD/RO/SU
  finishOrder: number; // 0-based among all who ran; non-finishers last
  btn: string;
  ovrBtn: string;
  timeSec: number; // 0 = did not finish
  spIdx: number; // index into SP_LADDER
  spSuffix: "" | "F" | "J";
  prize: number; // 0 = none
  rpr: number; // 0 = none
  tsr: number; // 0 = none
  seed: number; // per-runner randomness for cosmetic fields
}
export interface RaceModel {
  id: string;
  date: string;
  day: number;
  course: CourseDef;
  region: "GB" | "IRE" | "FR";
  offMin: number;
  name: string;
  type: RaceType;
  cls: string;
  pattern: string;
  ratingBand: string;
  ageBand: string;
  sexRest: string;
  halfF: number;
  yards: number;
  going: string;
  surface: "AW" | "Turf";
  jumps: string;
  winnerPrize: number;
  currency: "£" | "€";
  bigRace: boolean;
  abandoned: boolean;
  handicap: boolean;
  runners: RunnerModel[]; // declared runners, by saddle-cloth number
  winTimeSec: number;
  slowBy: number;
  seed: number;
}
export interface DayModel {
  seed: number;
  date: string;
  day: number;
  races: RaceModel[]; // ascending off time
}

// deno-fmt-ignore
export const SP_LADDER: [number, number][] = [[1,10],[1,8],[2,11],[1,5],[2,9],[1,4],[2,7],[3,10],[1,3],[4,11],[2,5],[4,9],[1,2],[8,15],[4,7],[8,13],[4,6],[8,11],[4,5],[5,6],[10,11],[1,1],[11,10],[6,5],[5,4],[11,8],[6,4],[13,8],[7,4],[15,8],[2,1],[85,40],[9,4],[5,2],[11,4],[3,1],[100,30],[7,2],[4,1],[9,2],[5,1],[11,2],[6,1],[13,2],[7,1],[15,2],[8,1],[17,2],[9,1],[10,1],[11,1],[12,1],[14,1],[16,1],[18,1],[20,1],[22,1],[25,1],[28,1],[33,1],[40,1],[50,1],[66,1],[80,1],[100,1],[125,1],[150,1],[200,1],[250,1]];
export function spDecimal(i: number): number {
  const [a, b] = SP_LADDER[i];
  return a / b + 1;
}
const SP_LOG = SP_LADDER.map((_, i) => Math.log(spDecimal(i)));
function nearestSp(dec: number): number {
  let best = 0, bd = Infinity;
  const ld = Math.log(dec);
  for (let i = 0; i < SP_LOG.length; i++) {
    const d = Math.abs(SP_LOG[i] - ld);
    if (d < bd) {
      bd = d;
      best = i;
    }
  }
  return best;
}

const FLAT_DIST = [10, 11, 12, 14, 15, 16, 17, 18, 20, 21, 22, 24, 26, 28, 32, 36];
const FLAT_W = [10, 2, 12, 12, 2, 12, 3, 4, 9, 2, 3, 7, 1, 3, 2, 0.5];
const HURDLE_DIST = [32, 33, 34, 36, 38, 40, 42, 44, 46, 48, 50, 52, 54];
const CHASE_DIST = [32, 34, 36, 38, 40, 42, 44, 46, 48, 50, 52, 56, 60, 66];
const TURF_SUMMER = [
  "Firm",
  "Good To Firm",
  "Good To Firm",
  "Good",
  "Good",
  "Good",
  "Good To Soft",
  "Good To Soft",
  "Soft",
];
const TURF_WINTER = [
  "Good",
  "Good To Soft",
  "Good To Soft",
  "Soft",
  "Soft",
  "Soft",
  "Heavy",
  "Heavy",
  "Soft To Heavy",
];
const IRE_EXTRA = ["Yielding", "Yielding To Soft", "Yielding"];
const AW_GOING = [
  "Standard",
  "Standard",
  "Standard",
  "Standard",
  "Standard",
  "Standard To Slow",
  "Standard To Slow",
  "Standard To Fast",
];

// winner's prize by class (GB £); pattern races separately
const CLASS_PRIZE: Record<string, [number, number]> = {
  "Class 1": [20000, 60000],
  "Class 2": [9000, 20000],
  "Class 3": [5500, 9000],
  "Class 4": [3900, 6000],
  "Class 5": [3000, 4500],
  "Class 6": [2500, 3400],
  "Class 7": [1800, 2400],
};
const PATTERN_PRIZE: Record<string, [number, number]> = {
  "Group 1": [150000, 550000],
  "Grade 1": [80000, 250000],
  "Group 2": [55000, 120000],
  "Grade 2": [30000, 70000],
  "Group 3": [30000, 60000],
  "Grade 3": [25000, 60000],
  Listed: [18000, 30000],
};

/** Distance rounded to the half furlong, as results give it: `5½f`, `2m½f`, `1m3f`. */
export function formatDistance(halfF: number): string {
  const f = Math.floor(halfF / 2), half = halfF % 2 === 1;
  const m = Math.floor(f / 8), rf = f % 8;
  let s = m ? `${m}m` : "";
  if (rf || half) s += `${rf || ""}${half ? "\u00bd" : ""}f`;
  return s;
}

/** Distance with yards, as racecards give it: `2m53y`, `1m7f209y`. */
export function formatYards(yards: number): string {
  const m = Math.floor(yards / 1760), rem = yards % 1760, f = Math.floor(rem / 220), y = rem % 220;
  return `${m ? m + "m" : ""}${f ? f + "f" : ""}${y ? y + "y" : ""}` || "0y";
}

interface RaceSpec {
  type: RaceType;
  kind: string;
  ageBand: string;
  minAge: number;
  maxAge: number;
  sexRest: string;
  handicap: boolean;
  cls: string;
  pattern: string;
  ratingBand: string;
  fieldMean: number;
}

function raceSpec(rng: Rng, region: string, type: RaceType, month: number, festival: boolean): RaceSpec {
  const gb = region === "GB";
  let pattern = "";
  let cls = "";
  const pu = rng.next();
  const patternP = festival ? 0.55 : region === "FR" ? 0.8 : 0.04;
  if (pu < patternP && type !== "NH Flat") {
    const flat = type === "Flat";
    const g = rng.next();
    pattern = g < 0.2
      ? (flat ? "Group 1" : "Grade 1")
      : g < 0.45
      ? (flat ? "Group 2" : "Grade 2")
      : g < 0.7
      ? (flat ? "Group 3" : "Grade 3")
      : "Listed";
    cls = gb ? "Class 1" : "";
    const fm = festival ? 14 : 9;
    if (type === "Flat") {
      return {
        type,
        kind: "Stakes",
        ageBand: rng.chance(0.3) ? "3yo" : "3yo+",
        minAge: 3,
        maxAge: 9,
        sexRest: rng.chance(0.2) ? "F" : "",
        handicap: false,
        cls,
        pattern,
        ratingBand: "",
        fieldMean: fm,
      };
    }
    return {
      type,
      kind: type === "Chase" ? "Chase" : "Hurdle",
      ageBand: "4yo+",
      minAge: 4,
      maxAge: 12,
      sexRest: rng.chance(0.12) ? "M" : "",
      handicap: false,
      cls,
      pattern,
      ratingBand: "",
      fieldMean: fm - 2,
    };
  }
  const handicap = type !== "NH Flat" && rng.chance(festival ? 0.6 : 0.55);
  if (gb) {
    const c = rng.weighted(
      festival ? [0, 0.3, 0.5, 0.2, 0, 0, 0] : [0.02, 0.07, 0.13, 0.25, 0.28, 0.23, 0.02],
    );
    cls = `Class ${c + 1}`;
  }
  let ratingBand = "";
  if (handicap) {
    if (gb) {
      const caps = type === "Flat" ? [110, 105, 95, 85, 75, 65, 50] : [150, 145, 135, 120, 105, 100, 90];
      const capv = caps[Number(cls.slice(6)) - 1];
      ratingBand = `0-${capv - (rng.chance(0.5) ? 0 : 5)}`;
    } else if (region === "IRE") {
      const lo = type === "Flat" ? rng.pick([45, 50, 55, 60, 70, 80]) : rng.pick([80, 90, 100, 109]);
      ratingBand = `${lo}-${lo + (type === "Flat" ? rng.pick([15, 20, 25]) : rng.pick([20, 29, 30]))}`;
    }
  }
  if (type === "Flat") {
    const twoYo = month >= 5 && month <= 10 && rng.chance(0.22);
    if (twoYo) {
      return {
        type,
        kind: handicap
          ? "Nursery Handicap"
          : rng.pick(["Maiden Stakes", "Novice Stakes", "EBF Novice Stakes", "Maiden Auction Stakes"]),
        ageBand: "2yo",
        minAge: 2,
        maxAge: 2,
        sexRest: rng.chance(0.15) ? "F" : "",
        handicap,
        cls,
        pattern,
        ratingBand,
        fieldMean: 8,
      };
    }
    const threeOnly = (month <= 6 && rng.chance(0.3)) || rng.chance(0.08);
    const fillies = rng.chance(0.12);
    return {
      type,
      kind: handicap ? (fillies ? "Fillies' Handicap" : "Handicap") : rng.pick([
        "Maiden Stakes",
        "Novice Stakes",
        "Conditions Stakes",
        "Claiming Stakes",
        "Selling Stakes",
      ]),
      ageBand: threeOnly ? "3yo" : rng.chance(0.85) ? "3yo+" : "4yo+",
      minAge: threeOnly ? 3 : 3,
      maxAge: threeOnly ? 3 : 10,
      sexRest: fillies ? "F" : "",
      handicap,
      cls,
      pattern,
      ratingBand,
      fieldMean: handicap ? 10.5 : 8.5,
    };
  }
  if (type === "NH Flat") {
    return {
      type,
      kind: gb ? "Standard Open NH Flat Race" : "INH Flat Race",
      ageBand: "4-6yo",
      minAge: 4,
      maxAge: 6,
      sexRest: rng.chance(0.15) ? "M" : "",
      handicap: false,
      cls,
      pattern,
      ratingBand,
      fieldMean: 10,
    };
  }
  const mares = rng.chance(0.1);
  const kind = type === "Hurdle"
    ? handicap ? "Handicap Hurdle" : rng.pick(
      mares
        ? ["Mares' Novices' Hurdle", "Mares' Maiden Hurdle"]
        : ["Novices' Hurdle", "Maiden Hurdle", "Novices' Hurdle", "Juvenile Hurdle"],
    )
    : handicap
    ? "Handicap Chase"
    : rng.pick(
      gb ? ["Novices' Chase", "Novices' Handicap Chase", "Chase"] : ["Beginners Chase", "Novice Chase"],
    );
  const juvenile = kind === "Juvenile Hurdle";
  return {
    type,
    kind,
    ageBand: juvenile
      ? (month >= 8 ? "3yo" : "4yo")
      : type === "Chase"
      ? (rng.chance(0.6) ? "5yo+" : "4yo+")
      : "4yo+",
    minAge: juvenile ? (month >= 8 ? 3 : 4) : type === "Chase" ? 5 : 4,
    maxAge: juvenile ? 4 : 13,
    sexRest: mares ? "M" : "",
    handicap,
    cls,
    pattern,
    ratingBand,
    fieldMean: type === "Chase" ? 7 : 8.5,
  };
}

function raceName(rng: Rng, region: string, spec: RaceSpec, course: CourseDef): string {
  if (region === "FR") {
    const n = rng.pick([
      "Prix de Saussay",
      "Prix du Moulin",
      "Prix Daniel Wildenstein",
      "Prix Foy",
      "Prix de la Foret",
      "Prix Niel",
      "Prix Vermeille",
      "Prix du Cadran",
    ]);
    return `${n} (${spec.pattern || "Conditions"}) (${spec.ageBand}) (${
      course.kind === "jumps" ? "Hurdle" : "Turf"
    })`;
  }
  const sponsor = rng.pick(SPONSORS_LOCAL);
  let base: string;
  if (spec.pattern) {
    const title = rng.pick(["Stakes", "Trophy", "Cup", "Championship", "Stakes", "Novices' Hurdle", "Chase"]);
    base = `${sponsor} ${
      rng.pick(["Queen's", "Champion", "Gold", "Silver", "Coronation", "Golden", "King's", "Royal"])
    } ${
      spec.type === "Flat"
        ? (title.includes("Hurdle") || title === "Chase" ? "Stakes" : title)
        : spec.type === "Chase"
        ? "Chase"
        : "Hurdle"
    } (${spec.pattern})`;
  } else {
    base = `${sponsor} ${spec.kind}`;
    if (region === "GB" && spec.type !== "Flat" && !spec.handicap && rng.chance(0.5)) base += " (GBB Race)";
    if (rng.chance(0.04)) base += rng.chance(0.5) ? " (Div I)" : " (Div II)";
  }
  return base;
}
// deno-fmt-ignore
const SPONSORS_LOCAL = ["Sky Bet","Bet365","William Hill","Coral","Ladbrokes","Betfred","Paddy Power","Unibet","BetMGM","Racing TV","Sky Sports Racing","BetVictor","Boyle Sports","Virgin Bet","Quinnbet","Star Sports","talkSPORT BET","Irish Stallion Farms EBF","Tote","At The Races","British Stallion Studs EBF","Follow @AtTheRaces On X","Download The Racing Post App","Watch Racing TV Now","Every Race Live On Racing TV","Injured Jockeys Fund","Weatherbys","Jockey Club Live","Arc All-Weather £1Million Bonus Returns","Bet £20 Get £20 With Unibet"];

function raceTypesForMeeting(rng: Rng, course: CourseDef, month: number, races: number): RaceType[] {
  let jumps: boolean;
  switch (course.kind) {
    case "flat":
    case "aw":
      jumps = false;
      break;
    case "jumps":
    case "summerjumps":
      jumps = true;
      break;
    default:
      jumps = !(month >= 4 && month <= 9);
  }
  if (course.region === "FR") jumps = course.kind === "jumps";
  const out: RaceType[] = [];
  const mixedIre = course.region === "IRE" && course.kind === "mixed" && month >= 5 && month <= 9 &&
    rng.chance(0.3);
  for (let i = 0; i < races; i++) {
    if (!jumps && !mixedIre) out.push("Flat");
    else if (mixedIre) out.push(i < races - 3 ? "Flat" : i === races - 1 ? "NH Flat" : "Hurdle");
    else if (i === races - 1 && course.region !== "FR" && rng.chance(0.5)) out.push("NH Flat");
    else {out.push(
        course.kind === "summerjumps"
          ? (rng.chance(0.6) ? "Hurdle" : "Chase")
          : rng.chance(0.55)
          ? "Hurdle"
          : "Chase",
      );}
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Runner selection and the race outcome
// ---------------------------------------------------------------------------------------------------
function chooseHorse(
  seed: number,
  rng: Rng,
  day: number,
  year: number,
  spec: RaceSpec,
  region: string,
  used: Set<number>,
): Horse {
  const span = spec.maxAge - spec.minAge + 1;
  const flat = spec.type === "Flat";
  const wantF = spec.sexRest === "F" || spec.sexRest === "M";
  const wantIre = region === "IRE";
  let fallback = -1;
  for (let t = 0; t < 400; t++) {
    // younger ages are more common
    const age = spec.minAge + Math.min(span - 1, Math.floor(Math.pow(rng.next(), 1.6) * span));
    const fy = year - age;
    if (fy < FIRST_FOAL_YEAR) continue;
    const idx = rng.int(0, COHORT - 1);
    const n = horseNumber(fy, idx);
    if (used.has(n)) continue;
    const tab = cohortTable(seed, fy);
    const f = tab.flags[idx], code = f & 3;
    if (flat ? code === 1 : code === 0) continue;
    if (wantF && !(f & 4)) continue;
    if (fallback < 0) fallback = n;
    if (day < tab.start[idx] || day > tab.end[idx]) continue;
    if (region !== "FR" && ((f & 8) !== 0) !== wantIre && t < 300 && rng.next() < 0.9) continue;
    if (spec.type === "NH Flat" && day - tab.start[idx] > 400) continue;
    used.add(n);
    return horse(seed, n)!;
  }
  const n = fallback >= 0 ? fallback : horseNumber(year - spec.minAge, rng.int(0, COHORT - 1));
  used.add(n);
  return horse(seed, n)!;
}

// active jockeys of a day, by code and base (ascending k, so low k = busier riders)
let poolKey = "";
let pools: Record<string, number[]> = {};
function jockeyPools(seed: number, day: number): Record<string, number[]> {
  const key = `${seed}|${day}`;
  if (key === poolKey) return pools;
  ensurePeople(seed);
  pools = { "flat|GB": [], "flat|IRE": [], "jumps|GB": [], "jumps|IRE": [], any: [] };
  for (let k = 0; k < JOCKEY_COUNT; k++) {
    const j = jockeyArr[k];
    if (j.start > day || j.end < day) continue;
    pools[`${j.code}|${j.base}`].push(k);
    pools.any.push(k);
  }
  poolKey = key;
  return pools;
}
function chooseJockey(seed: number, rng: Rng, day: number, flat: boolean, region: string): Jockey {
  const p = jockeyPools(seed, day);
  let list = p[`${flat ? "flat" : "jumps"}|${region === "IRE" ? "IRE" : "GB"}`];
  if (region === "FR" || list.length === 0 || rng.next() < 0.08) list = p.any.length ? p.any : [0];
  return jockeyArr[list[Math.floor(list.length * Math.pow(rng.next(), 2))]] ?? jockey(seed, 0);
}

const NON_FINISH_JUMPS: [string, number][] = [["PU", 0.07], ["F", 0.025], ["UR", 0.025], ["BD", 0.004], [
  "RO",
  0.003,
], ["SU", 0.003]];
const NON_FINISH_HURDLE: [string, number][] = [["PU", 0.05], ["F", 0.012], ["UR", 0.01], ["BD", 0.002], [
  "RO",
  0.002,
]];
const SMALL_MARGINS = [0.05, 0.1, 0.2, 0.3];

function fmtLengths(x: number, small: boolean): string {
  if (x === 0) return "0";
  if (small) return String(x);
  const s = String(Math.round(x * 100) / 100);
  return s.startsWith("0.") ? s.slice(1) : s;
}

function buildRace(
  seed: number,
  date: string,
  day: number,
  idx: number,
  raceNo: string,
  course: CourseDef,
  type: RaceType,
  offMin: number,
  going: string,
  festival: boolean,
  abandoned: boolean,
  used: Set<number>,
): RaceModel {
  const rseed = hash(seed, day, 200 + idx);
  const rng = new Rng(rseed);
  const month = Number(date.slice(5, 7));
  const year = Number(date.slice(0, 4));
  const region = course.region;
  const spec = raceSpec(rng, region, type, month, festival);
  // distance
  let halfF: number;
  if (type === "Flat") {
    const pool = spec.ageBand === "2yo" ? FLAT_DIST.slice(0, 6) : FLAT_DIST;
    halfF = pool[rng.weighted(FLAT_W.slice(0, pool.length))];
  } else if (type === "Chase") halfF = rng.pick(CHASE_DIST);
  else if (type === "Hurdle") halfF = rng.pick(HURDLE_DIST);
  else halfF = rng.pick([32, 32, 33, 34, 28]);
  const yards = halfF * 110 +
    Math.floor(unit(seed, hash(9, course.id.length, halfF), Number(course.id.slice(4))) * 105) - 50;
  const surface = course.kind === "aw" ? "AW" : "Turf";
  const jumps = type === "Hurdle"
    ? `${Math.round(halfF / 4)} hurdles`
    : type === "Chase"
    ? `${Math.round(halfF * 0.3)} fences`
    : "";
  // prize
  const currency = region === "GB" ? "£" : "€";
  let [lo, hi] = spec.pattern ? PATTERN_PRIZE[spec.pattern] : CLASS_PRIZE[spec.cls] ?? [6000, 15000];
  if (region === "IRE" && !spec.pattern) [lo, hi] = spec.handicap ? [6500, 16000] : [5900, 12000];
  const winnerPrize = Math.round((lo + rng.next() * (hi - lo)) * (region === "FR" ? 1.5 : 1));
  // field
  const fieldMean = spec.fieldMean + (festival ? 5 : 0);
  const declared = Math.max(2, Math.min(26, Math.round(fieldMean + rng.normal() * (fieldMean / 3))));
  const flat = type === "Flat";
  const runners: RunnerModel[] = [];
  for (let i = 0; i < declared; i++) {
    const h = chooseHorse(seed, rng, day, year, spec, region, used);
    const age = year - h.foalYear;
    const j = chooseJockey(seed, rng, day, flat, region);
    const tr = trainerAt(h, day);
    const ow = ownerAt(h, day);
    const rating = ratingAt(h, day);
    const claim = jockeyClaim(j, day);
    runners.push({
      horse: h,
      age,
      number: 0,
      draw: 0,
      lbs: 0,
      jockey: j,
      claim: spec.pattern ? 0 : claim,
      trainerK: tr.k,
      prevTrainers: tr.prev,
      ownerK: ow.k,
      prevOwners: ow.prev,
      headgear: rng.chance(0.9) ? h.headgear : "",
      headgearFirst: false,
      rating,
      hasOr: day - h.careerStart > 75 && rng.chance(0.95),
      nr: rng.chance(declared > 3 ? 0.06 : 0.02),
      nrReason: "",
      position: "",
      finishOrder: 0,
      btn: "-",
      ovrBtn: "-",
      timeSec: 0,
      spIdx: 0,
      spSuffix: "",
      prize: 0,
      rpr: 0,
      tsr: 0,
      seed: rng.int(0, 0x7fffffff),
    });
  }
  for (const r of runners) r.headgearFirst = r.headgear !== "" && unit(r.seed, 1) < 0.08;
  // weights: handicaps by rating, others by age/sex
  const [wMin, wMax] = flat ? [113, 140] : [140, 168];
  const topRating = Math.max(...runners.map((r) => r.rating));
  for (const r of runners) {
    if (spec.handicap) r.lbs = Math.max(wMin, wMax - (topRating - r.rating));
    else {r.lbs = (flat ? 126 + Math.min(r.age - 2, 2) * 4 : 154 + Math.min(r.age - 4, 2) * 3) -
        (r.horse.sex0 === "F" ? 5 : 0) + (unit(r.seed, 2) < 0.3 ? 7 : 0);}
    r.lbs = Math.max(wMin, Math.min(wMax, r.lbs));
  }
  // saddle-cloth numbers by weight (top weight = 1), draws for flat races
  const byWeight = runners.map((r, i) => [r, i] as const).sort((a, b) => b[0].lbs - a[0].lbs || a[1] - b[1]);
  byWeight.forEach(([r], i) => (r.number = i + 1));
  runners.sort((a, b) => a.number - b.number);
  if (flat) {
    const draws = runners.map((_, i) => i + 1);
    for (let i = draws.length - 1; i > 0; i--) {
      const k = rng.int(0, i);
      [draws[i], draws[k]] = [draws[k], draws[i]];
    }
    runners.forEach((r, i) => (r.draw = draws[i]));
  }
  // keep at least two runners
  let running = runners.filter((r) => !r.nr);
  if (running.length < 2) {
    for (const r of runners) r.nr = false;
    running = runners;
  }
  for (const r of runners) {
    if (r.nr) r.nrReason = NR_REASONS_LOCAL[unit(r.seed, 3) * NR_REASONS_LOCAL.length | 0];
  }
  // market: strengths → probabilities → SPs
  const strength = running.map((r) => r.rating + (r.claim ? r.claim * 0.5 : 0) + rng.normal() * 7);
  const ex = strength.map((s) => Math.exp(s / 8));
  const sum = ex.reduce((a, b) => a + b, 0);
  const probs = ex.map((e) => e / sum);
  const over = 1.12 + 0.02 * running.length;
  running.forEach((r, i) => {
    const dec = Math.min(251, Math.max(1.1, 1 / (probs[i] * over) * Math.exp(rng.normal() * 0.15)));
    r.spIdx = nearestSp(dec);
  });
  const minSp = Math.min(...running.map((r) => r.spIdx));
  const favs = running.filter((r) => r.spIdx === minSp);
  for (const r of favs) r.spSuffix = favs.length > 1 ? "J" : "F";
  // outcome: non-finishers, then a Plackett-Luce order by the true probabilities
  const nf = type === "Chase" ? NON_FINISH_JUMPS : type === "Hurdle" ? NON_FINISH_HURDLE : [];
  const finishers: RunnerModel[] = [], nonFinishers: RunnerModel[] = [];
  const winProb = new Map<RunnerModel, number>();
  running.forEach((r, i) => winProb.set(r, 1 / spDecimal(r.spIdx) * 0.5 + probs[i] * 0.5));
  for (const r of running) {
    let code = "";
    for (const [c, p] of nf) if (!code && rng.chance(p)) code = c;
    if (code && nonFinishers.length < running.length - 1) {
      r.position = code;
      nonFinishers.push(r);
    }
  }
  const pool = running.filter((r) => !r.position);
  while (pool.length) {
    const i = rng.weighted(pool.map((r) => winProb.get(r)!));
    finishers.push(pool.splice(i, 1)[0]);
  }
  // time: seconds per furlong by code and going
  const goingAdj: Record<string, number> = {
    "Firm": -0.02,
    "Good To Firm": -0.01,
    "Good": 0,
    "Good To Soft": 0.025,
    "Soft": 0.05,
    "Heavy": 0.1,
    "Soft To Heavy": 0.08,
    "Yielding": 0.02,
    "Yielding To Soft": 0.04,
    "Standard": 0.005,
    "Standard To Slow": 0.02,
    "Standard To Fast": -0.005,
  };
  const spf = type === "Flat" ? 12.1 : type === "Chase" ? 15.0 : type === "Hurdle" ? 14.3 : 14.0;
  const furlongs = yards / 220;
  const standard = furlongs * spf;
  const slowBy = Math.round((standard * (goingAdj[going] ?? 0) + rng.normal() * 1.5 + 1.5) * 100) / 100;
  const winTimeSec = Math.round((standard + slowBy) * 100) / 100;
  let cum = 0;
  const prizeShares = [0.55, 0.2, 0.1, 0.06, 0.045, 0.03];
  const paid = finishers.length >= 16
    ? 6
    : finishers.length >= 8
    ? 5
    : finishers.length >= 5
    ? 4
    : Math.min(finishers.length, 3);
  finishers.forEach((r, i) => {
    r.position = String(i + 1);
    r.finishOrder = i;
    if (i === 0) {
      r.btn = "0";
      r.ovrBtn = "0";
    } else {
      const small = rng.chance(0.3);
      const l = small ? rng.pick(SMALL_MARGINS) : Math.min(
        99,
        Math.max(0.25, Math.round(-Math.log(1 - rng.next()) * (type === "Flat" ? 1.6 : 4) * 4) / 4),
      );
      cum += l;
      r.btn = fmtLengths(l, small);
      r.ovrBtn = fmtLengths(Math.round(cum * 4) / 4, false);
    }
    r.timeSec = Math.round((winTimeSec + cum * 0.2) * 100) / 100;
    if (i < paid) r.prize = Math.round(winnerPrize * prizeShares[i] / prizeShares[0] * 100) / 100;
    const perf = r.rating + Math.round(rng.normal() * 6) - Math.round(cum);
    r.rpr = rng.chance(0.94) ? Math.max(1, perf) : 0;
    r.tsr = rng.chance(0.75) ? Math.max(1, perf - 20 - rng.int(0, 30)) : 0;
  });
  nonFinishers.forEach((r, i) => {
    r.finishOrder = finishers.length + i;
    r.rpr = 0;
    r.tsr = 0;
  });
  if (region === "IRE") { for (const r of runners) r.prize = Math.round(r.prize); }
  return {
    id: raceNo,
    date,
    day,
    course,
    region,
    offMin,
    name: raceName(rng, region, spec, course),
    type,
    cls: spec.cls,
    pattern: spec.pattern,
    ratingBand: spec.ratingBand,
    ageBand: spec.ageBand,
    sexRest: spec.sexRest,
    halfF,
    yards,
    going,
    surface,
    jumps,
    winnerPrize,
    currency,
    bigRace: festival && (spec.pattern !== "" || spec.cls === "Class 1" || spec.cls === "Class 2"),
    abandoned,
    handicap: spec.handicap,
    runners,
    winTimeSec,
    slowBy,
    seed: rseed,
  };
}
// deno-fmt-ignore
const NR_REASONS_LOCAL = ["self certificate","unsuitable ground","self certificate, coughing","vet's certificate, lame","travel problems","withdrawn","self certificate, off feed","self certificate, off colour","vet's certificate, abscess",""];

// ---------------------------------------------------------------------------------------------------
// Days
// ---------------------------------------------------------------------------------------------------
const RAC_BASE = 8_000_000, RACES_PER_DAY_SLOT = 160;

const dayCache = new Map<string, DayModel>();
const DAY_CACHE_MAX = 96;

/** The full racing day (all regions, including abandoned meetings). Cached (bounded LRU). */
export function generateDay(seed: number, date: string): DayModel {
  const key = `${seed}|${date}`;
  const hit = dayCache.get(key);
  if (hit) {
    dayCache.delete(key);
    dayCache.set(key, hit);
    return hit;
  }
  const d = buildDay(seed, date);
  dayCache.set(key, d);
  if (dayCache.size > DAY_CACHE_MAX) dayCache.delete(dayCache.keys().next().value!);
  return d;
}

function buildDay(seed: number, date: string): DayModel {
  const day = dayNumber(date);
  const month = Number(date.slice(5, 7));
  const plans = planMeetings(seed, date);
  const rng = new Rng(hash(seed, day, 102));
  const used = new Set<number>();
  const races: RaceModel[] = [];
  let raceIdx = 0;
  plans.forEach((p, mi) => {
    const c = p.course;
    const jumpsCourse = c.kind === "jumps" || c.kind === "summerjumps" ||
      (c.kind === "mixed" && !(month >= 4 && month <= 9));
    const winter = month >= 11 || month <= 2;
    const evening = !jumpsCourse && month >= 5 && month <= 8 && rng.chance(0.4) ||
      c.kind === "aw" && winter && rng.chance(0.5) ||
      c.kind === "summerjumps" && month >= 5 && month <= 8 && rng.chance(0.35);
    let first = evening
      ? 16 * 60 + 30 + rng.int(0, 5) * 15
      : winter
      ? 12 * 60 + rng.int(0, 4) * 15
      : 13 * 60 + 30 + rng.int(0, 4) * 10;
    if (c.region === "FR") first = 13 * 60 + 30 + rng.int(0, 6) * 15;
    first += (mi % 6) * 5;
    const interval = jumpsCourse ? 35 : 30;
    const types = raceTypesForMeeting(rng, c, month, p.races);
    const turf = month >= 4 && month <= 9 ? TURF_SUMMER : TURF_WINTER;
    let going = c.kind === "aw" ? rng.pick(AW_GOING) : rng.pick(turf);
    if (c.region === "IRE" && c.kind !== "aw" && rng.chance(0.25)) going = rng.pick(IRE_EXTRA);
    const abandoned = c.kind !== "aw" && rng.chance(winter ? 0.02 : 0.003);
    types.forEach((t, ri) => {
      const offMin = Math.min(
        first + ri * interval + (ri % 2 === 1 && rng.chance(0.3) ? 5 : 0),
        23 * 60 + 30,
      );
      const id = `rac_${RAC_BASE + day * RACES_PER_DAY_SLOT + (raceIdx % RACES_PER_DAY_SLOT)}`;
      races.push(buildRace(seed, date, day, raceIdx, id, c, t, offMin, going, p.festival, abandoned, used));
      raceIdx++;
    });
  });
  races.sort((a, b) => a.offMin - b.offMin || a.id.localeCompare(b.id));
  return { seed, date, day, races };
}

/** Drop every cache (days, horses, cohorts, people). For tests of determinism. */
export function clearWorldCaches(): void {
  dayCache.clear();
  horseCache.clear();
  cohortTables = [];
  cohortSeed = NaN;
  peopleSeed = NaN;
  poolKey = "";
}

/** A day's races (all regions, or the given region codes), with runners. */
export function racesOn(seed: number, date: string, regions?: string[]): RaceModel[] {
  const rs = generateDay(seed, date).races;
  if (!regions || regions.length === 0) return rs;
  const want = new Set(regions.map((r) => r.toUpperCase()));
  return rs.filter((r) => want.has(r.region));
}

export interface DayTruth {
  date: string;
  /** races that were run (results), i.e. not abandoned */
  races: number;
  /** horses that ran (results runners; excludes non-runners) */
  runners: number;
  nonRunners: number;
  raceIds: string[];
  runnersByRace: Record<string, number>;
  /** racecards view: every race on the card, abandoned included, and every declared runner, NRs included */
  racecardRaces: number;
  racecardRunners: number;
  abandonedRaceIds: string[];
  horseIds: string[];
}

/** Ground truth for a day: what the results and racecards endpoints serve for these regions (all when empty). */
export function dayTruth(seed: number, date: string, regions: string[] = ["gb", "ire"]): DayTruth {
  const rs = racesOn(seed, date, regions);
  const run = rs.filter((r) => !r.abandoned);
  const runnersByRace: Record<string, number> = {};
  let runners = 0, nonRunners = 0, rcRunners = 0;
  const horseIds = new Set<string>();
  for (const r of rs) {
    rcRunners += r.runners.length;
    if (r.abandoned) continue;
    const n = r.runners.filter((x) => !x.nr).length;
    runnersByRace[r.id] = n;
    runners += n;
    nonRunners += r.runners.length - n;
    for (const x of r.runners) if (!x.nr) horseIds.add(x.horse.id);
  }
  return {
    date,
    races: run.length,
    runners,
    nonRunners,
    raceIds: run.map((r) => r.id),
    runnersByRace,
    racecardRaces: rs.length,
    racecardRunners: rcRunners,
    abandonedRaceIds: rs.filter((r) => r.abandoned).map((r) => r.id),
    horseIds: [...horseIds].sort(),
  };
}

/** The off time in epoch ms. */
export function raceOffMs(r: RaceModel): number {
  return ukEpochMs(r.date, r.offMin);
}
