// Pure value parsers for Racing API strings. No I/O, no dependencies; every function is total (never throws)
// and returns null for "missing" rather than guessing. Inputs are `Scalar` because the API sends strings but the
// schemas tolerate numbers and null.

export type Scalar = string | number | null | undefined;

/** Trimmed text, or null for missing / empty / whitespace. */
export function text(v: Scalar): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v).trim();
  return s === "" ? null : s;
}

/** Ids: `""` (the API's "unknown", e.g. jockey not booked yet) becomes null. */
export function idOrNull(v: Scalar): string | null {
  return text(v);
}

/** Placeholders that mean "no value" in ratings and similar fields: hyphen, en-dash, em-dash, minus. */
const MISSING = new Set(["-", "\u2013", "\u2014", "\u2212", "n/a", "N/A"]);

/** Integer, or null for missing/placeholder/non-integer text. */
export function int(v: Scalar): number | null {
  const s = text(v);
  if (s === null || MISSING.has(s)) return null;
  if (!/^[+-]?\d+$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

/** Decimal number (accepts a leading dot `.5`), or null. */
export function num(v: Scalar): number | null {
  const s = text(v);
  if (s === null || MISSING.has(s)) return null;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** Ratings (OR, RPR, TS): int; `-` (racecards) and `–` (results) mean missing. */
export function rating(v: Scalar): number | null {
  return int(v);
}

// ---------------------------------------------------------------------------------------------------------------
// Distance

export interface Distance {
  /** Whole yards. */
  yards: number;
  /** Furlongs, exact (yards / 220) rounded to 2 dp. */
  furlongs: number;
}

const YARDS_PER_MILE = 1760;
const YARDS_PER_FURLONG = 220;

/**
 * Any distance notation → yards + furlongs.
 * `5½f`, `2m½f`, `2m53y`, `1m7f209y`, `1m`, `8f`, `5.5f`, `16.5f`, `8.0` (bare number = furlongs), `2m 4f`.
 */
export function parseDistance(v: Scalar): Distance | null {
  const s0 = text(v);
  if (s0 === null) return null;
  const s = s0.toLowerCase().replace(/\s+/g, "").replace(/½/g, ".5").replace(/¼/g, ".25").replace(
    /¾/g,
    ".75",
  );
  let yards: number;
  if (/^\d+(\.\d+)?$/.test(s)) {
    yards = Number(s) * YARDS_PER_FURLONG;
  } else {
    const m = /^(?:(\d+(?:\.\d+)?)m)?(?:(\d*\.?\d+)f)?(?:(\d+)y)?$/.exec(s);
    if (!m || (m[1] === undefined && m[2] === undefined && m[3] === undefined)) return null;
    // "2m.5f" after the ½ substitution of "2m½f"
    yards = Number(m[1] ?? 0) * YARDS_PER_MILE + Number(m[2] ?? 0) * YARDS_PER_FURLONG + Number(m[3] ?? 0);
  }
  if (!Number.isFinite(yards) || yards <= 0) return null;
  const y = Math.round(yards);
  return { yards: y, furlongs: Math.round((y / YARDS_PER_FURLONG) * 100) / 100 };
}

/** Furlongs as the API rounds them (`8f`, `5.5f`, `16.0`) → numeric. */
export function parseFurlongs(v: Scalar): number | null {
  const s = text(v);
  if (s === null) return null;
  return num(s.replace(/f$/i, ""));
}

// ---------------------------------------------------------------------------------------------------------------
// Money

export interface Money {
  amount: number;
  /** ISO 4217 code, or null when the text carried no symbol and no default was given. */
  currency: string | null;
}

const CURRENCY_SYMBOLS: Record<string, string> = { "£": "GBP", "€": "EUR", "$": "USD" };

/**
 * `€7080` → 7080 EUR, `£4,193` → 4193 GBP, `3245.08` → 3245.08 (currency = `defaultCurrency`).
 * Empty / `-` → null. Text with several amounts (tote place `£1.70 £1.20`) is not a single amount → null.
 */
export function parseMoney(v: Scalar, defaultCurrency: string | null = null): Money | null {
  const s = text(v);
  if (s === null || MISSING.has(s)) return null;
  const m = /^([£€$])?\s*([\d,]*\.?\d+)$/.exec(s);
  if (!m) return null;
  const amount = Number(m[2].replace(/,/g, ""));
  if (!Number.isFinite(amount)) return null;
  return { amount, currency: m[1] ? CURRENCY_SYMBOLS[m[1]] : defaultCurrency };
}

// ---------------------------------------------------------------------------------------------------------------
// Position

export interface Position {
  /** As sent: `1`, `PU`, `UR`, `F`, `DSQ`, `Died as a 5` ... */
  raw: string;
  /** Finishing place where numeric (dead-heat markers `3=`/`3dh` accepted), else null. */
  place: number | null;
}

export function parsePosition(v: Scalar): Position | null {
  const s = text(v);
  if (s === null) return null;
  const m = /^(\d+)\s*(?:=|dh)?$/i.exec(s);
  return { raw: s, place: m ? Number(m[1]) : null };
}

// ---------------------------------------------------------------------------------------------------------------
// Starting price

export interface StartingPrice {
  /** As sent (`9/4F`, `Evs`, `SP`), null for `-`/empty. */
  text: string | null;
  /** Decimal odds (stake included), 2 dp; null when there is no price (`-`, `SP`). */
  decimal: number | null;
  /** `F` favourite, `J` joint favourite, `C` co-favourite, else null. */
  favourite: string | null;
}

/** `9/4F` → 3.25 F, `Evs`/`EvsF` → 2.0, `100/30J` → 4.33 J, `4` → 5.0, `-` → null, `SP` → text only. */
export function parseSp(v: Scalar): StartingPrice | null {
  const s = text(v);
  if (s === null || MISSING.has(s)) return null;
  const m = /^(?:(evs|evens)|(\d+)\s*\/\s*(\d+)|(\d+(?:\.\d+)?))\s*([FJC])?$/i.exec(s);
  if (!m) return { text: s, decimal: null, favourite: null };
  let decimal: number | null;
  if (m[1]) decimal = 2;
  else if (m[2] !== undefined) decimal = Number(m[3]) === 0 ? null : 1 + Number(m[2]) / Number(m[3]);
  else decimal = 1 + Number(m[4]);
  return {
    text: s,
    decimal: decimal === null ? null : Math.round(decimal * 100) / 100,
    favourite: m[5] ? m[5].toUpperCase() : null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Weight, jockey, names

/** `8-10` (stones-pounds) → 122 lbs. */
export function parseWeightStLb(v: Scalar): number | null {
  const s = text(v);
  if (s === null) return null;
  const m = /^(\d+)\s*-\s*(\d+)$/.exec(s);
  return m ? Number(m[1]) * 14 + Number(m[2]) : null;
}

export interface Jockey {
  /** Name without the claim; null for the `NON-RUNNER(5)` placeholder. */
  name: string | null;
  /** Apprentice claim in lbs from the `(3)` suffix, else null. */
  claim: number | null;
  /** True when the name was the `NON-RUNNER` placeholder. */
  nonRunner: boolean;
}

/** `Luke Scott(3)` → Luke Scott, 3; `Kieran O'Neill` → claim null; `NON-RUNNER(5)` → name null. */
export function parseJockey(v: Scalar): Jockey | null {
  const s = text(v);
  if (s === null) return null;
  const m = /^(.*?)\s*\((\d+)\)$/.exec(s);
  const name = m ? m[1].trim() : s;
  const nonRunner = /^non-?runner$/i.test(name);
  return { name: nonRunner || name === "" ? null : name, claim: m ? Number(m[2]) : null, nonRunner };
}

export interface SplitName {
  /** Name without the breeding-country suffix. */
  name: string;
  /** Lower-case country code from the suffix (`ire`, `gb`, `fr`, `usa` ...), null when absent. */
  region: string | null;
}

/** `Create (IRE)` → Create, ire. `Pivotal` → Pivotal, null. */
export function splitCountrySuffix(v: Scalar): SplitName | null {
  const s = text(v);
  if (s === null) return null;
  const m = /^(.*?)\s*\(([A-Za-z]{2,3})\)$/.exec(s);
  if (!m || m[1].trim() === "") return { name: s.replace(/\s+/g, " "), region: null };
  return { name: m[1].trim().replace(/\s+/g, " "), region: m[2].toLowerCase() };
}

/** Matching key for horse / sire / dam names: suffix stripped, whitespace collapsed, lower-case. Mirrors SQL ra_internal.normalise_name. */
export function normaliseName(v: Scalar): string | null {
  const sp = splitCountrySuffix(v);
  return sp ? sp.name.toLowerCase() : null;
}

/** Region / country code, lower-case (`GB` → `gb`). */
export function regionCode(v: Scalar): string | null {
  const s = text(v);
  return s === null ? null : s.toLowerCase();
}

/** Bookmaker code from a display name: lower-case alphanumerics (`Boyle Sports` → `boylesports`, `10 Bet` → `10bet`). */
export function bookmakerCode(name: Scalar): string | null {
  const s = text(name);
  if (s === null) return null;
  const c = s.toLowerCase().replace(/[^a-z0-9]/g, "");
  return c === "" ? null : c;
}

// ---------------------------------------------------------------------------------------------------------------
// Times

/** Race time `1:43.25` / `3:5.82` / `58.40` → seconds; `-` → null. */
export function parseRaceTime(v: Scalar): number | null {
  const s = text(v);
  if (s === null || MISSING.has(s)) return null;
  const m = /^(?:(\d+):)?(\d+(?:\.\d+)?)$/.exec(s);
  if (!m) return null;
  return Math.round((Number(m[1] ?? 0) * 60 + Number(m[2])) * 100) / 100;
}

/**
 * The race's start as an ISO-8601 string WITH its offset (for a timestamptz column).
 * Uses `off_dt` when it is a valid offset timestamp. Otherwise derives it from `date` + the 12-hour `off`
 * (`8:30` has no am/pm: hours 1..10 are taken as pm, 11 and 12 as-is; UK racing runs ~11:00..21:30) in
 * Europe/London. Returns null when neither works.
 */
export function parseOffDt(offDt: Scalar, date: Scalar, off: Scalar): string | null {
  const o = text(offDt);
  if (o !== null && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(o)) {
    if (!Number.isNaN(Date.parse(o))) return o;
  }
  const d = text(date);
  const t = text(off);
  if (d === null || t === null || !/^\d{4}-\d{2}-\d{2}$/.test(d)) return null;
  const m = /^(\d{1,2}):(\d{2})$/.exec(t);
  if (!m) return null;
  let h = Number(m[1]);
  const mi = Number(m[2]);
  if (h > 23 || mi > 59) return null;
  if (h >= 1 && h <= 10) h += 12;
  const wall = `${d}T${String(h).padStart(2, "0")}:${m[2]}:00`;
  return withLondonOffset(wall);
}

/** `YYYY-MM-DDTHH:MM:SS` London wall-clock → same with the London offset of that instant appended. */
export function withLondonOffset(wall: string): string | null {
  const asUtc = Date.parse(`${wall}Z`);
  if (Number.isNaN(asUtc)) return null;
  // Offset of London at (approximately) that instant; correct except inside the DST change hour itself.
  const off = londonOffsetMinutes(asUtc - 60 * 60 * 1000);
  const sign = off >= 0 ? "+" : "-";
  const a = Math.abs(off);
  return `${wall}${sign}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
}

const londonFmt = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
});

function londonOffsetMinutes(utcMs: number): number {
  const parts = Object.fromEntries(londonFmt.formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]));
  const asIfUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
  );
  return Math.round((asIfUtc - Math.floor(utcMs / 60000) * 60000) / 60000);
}

/** `YYYY-MM-DD` or null. */
export function isoDate(v: Scalar): string | null {
  const s = text(v);
  return s !== null && /^\d{4}-\d{2}-\d{2}$/.test(s) ? s : null;
}
