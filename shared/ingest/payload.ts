// Builder: one day's (or page's) raw API responses → ONE jsonb payload for ra_internal.ingest_batch(payload).
// Rows describing the same key are merged here with the same rule the SQL applies (newer fetch wins, a null
// never replaces a known value), so the payload has one row per key and stays small.
import {
  mapCoursesPage,
  mapHorse,
  mapRacecardProRace,
  mapRacecardsProPage,
  mapRegions,
  mapResultRace,
  mapResultsPage,
} from "./map.ts";
import type { Batch, IngestPayload, Json, RawResponseRow } from "./types.ts";
import { emptyBatch } from "./types.ts";

/** One API response as fetched. */
export interface ApiResponse {
  /** Path as called, e.g. `/v1/results`, `/v1/racecards/pro`, `/v1/horses/hrs_1/pro`, `/v1/courses`. */
  endpoint: string;
  /** Query parameters as sent (object or [k,v] pairs); stored with the raw body. */
  params?: Json;
  /** 0-based page number (skip / limit); 0 for unpaged endpoints. */
  page?: number;
  /** The parsed JSON body. */
  body: unknown;
  /** The body as received, if kept: stored verbatim (must be the text `body` was parsed from). */
  text?: string;
  /** When it was fetched (ISO-8601 with offset, or a Date). */
  fetchedAt: string | Date;
}

export interface BuildOptions {
  /** Store each raw body in ra_internal.raw_responses (default true). */
  storeRaw?: boolean;
}

/** Which mapper handles an endpoint path (null = unsupported; stored raw only). */
export function endpointKind(
  endpoint: string,
): "results" | "result" | "racecards_pro" | "racecard_pro" | "horse" | "courses" | "regions" | null {
  const p = endpoint.replace(/^https?:\/\/[^/]+/, "").replace(/\?.*$/, "").replace(/\/+$/, "");
  if (p === "/v1/results" || p === "/v1/results/today") return "results";
  if (/^\/v1\/(horses|jockeys|trainers|owners|sires|dams|damsires)\/[^/]+\/results$/.test(p)) {
    return "results";
  }
  if (/^\/v1\/results\/rac_[^/]+$/.test(p)) return "result";
  if (p === "/v1/racecards/pro") return "racecards_pro";
  if (/^\/v1\/racecards\/rac_[^/]+\/pro$/.test(p)) return "racecard_pro";
  if (/^\/v1\/horses\/[^/]+\/(pro|standard)$/.test(p)) return "horse";
  if (p === "/v1/courses") return "courses";
  if (p === "/v1/courses/regions") return "regions";
  return null;
}

function iso(t: string | Date): string {
  return t instanceof Date ? t.toISOString() : t;
}

/** Map one response into `b` (no raw storage). */
export function mapResponse(r: ApiResponse, b: Batch = emptyBatch()): Batch {
  const ctx = { fetchedAt: iso(r.fetchedAt) };
  switch (endpointKind(r.endpoint)) {
    case "results":
      return mapResultsPage(r.body, ctx, b);
    case "result":
      return mapResultRace(r.body, ctx, b);
    case "racecards_pro":
      return mapRacecardsProPage(r.body, ctx, b);
    case "racecard_pro":
      return mapRacecardProRace(r.body, ctx, b);
    case "horse":
      return mapHorse(r.body, ctx, b);
    case "courses":
      return mapCoursesPage(r.body, ctx, b);
    case "regions":
      return mapRegions(r.body, ctx, b);
    default:
      return b;
  }
}

type Row = { fetched_at?: string; seen_at?: string };

/**
 * Merge rows sharing a key: iterate oldest → newest fetch; a newer non-null value replaces, a null never does.
 * Result order = first appearance of each key (deterministic).
 */
export function mergeRows<T extends object>(rows: T[], key: (r: T) => string): T[] {
  if (rows.length < 2) return rows;
  const order: string[] = [];
  const groups = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const g = groups.get(k);
    if (g) g.push(r);
    else {
      groups.set(k, [r]);
      order.push(k);
    }
  }
  const out: T[] = [];
  for (const k of order) {
    const g = groups.get(k)!;
    if (g.length === 1) {
      out.push(g[0]);
      continue;
    }
    // stable sort by fetched_at ascending (ISO strings of one format compare lexically; use Date for safety)
    const stamp = (r: T) => (r as Row).fetched_at ?? (r as Row).seen_at;
    const sorted = g.map((r, i) => ({ r, i, t: stamp(r) ? Date.parse(stamp(r)!) : 0 }))
      .sort((a, b) => a.t - b.t || a.i - b.i).map((x) => x.r);
    const m = { ...sorted[0] } as Record<string, unknown>;
    for (let i = 1; i < sorted.length; i++) {
      for (const [f, v] of Object.entries(sorted[i])) if (v !== null && v !== undefined) m[f] = v;
    }
    out.push(m as T);
  }
  return out;
}

/** De-duplicate all row lists of a batch by their table keys. */
export function dedupeBatch(b: Batch): Batch {
  return {
    raw_responses: b.raw_responses,
    rejects: mergeRows(b.rejects, (r) => `${r.source}|${r.record_key ?? JSON.stringify(r.raw)}`),
    regions: mergeRows(b.regions, (r) => r.region_code),
    courses: mergeRows(b.courses, (r) => `${r.source}|${r.course_id}`),
    bookmakers: mergeRows(b.bookmakers, (r) => r.bookmaker_code),
    horses: mergeRows(b.horses, (r) => r.horse_id),
    jockeys: mergeRows(b.jockeys, (r) => r.jockey_id),
    trainers: mergeRows(b.trainers, (r) => r.trainer_id),
    owners: mergeRows(b.owners, (r) => r.owner_id),
    sires: mergeRows(b.sires, (r) => r.sire_id),
    dams: mergeRows(b.dams, (r) => r.dam_id),
    damsires: mergeRows(b.damsires, (r) => r.damsire_id),
    pedigree: mergeRows(b.pedigree, (r) => r.horse_id),
    races: mergeRows(b.races, (r) => `${r.source}|${r.race_id}`),
    runners: mergeRows(b.runners, (r) => `${r.source}|${r.race_id}|${r.horse_id}`),
    results: mergeRows(b.results, (r) => `${r.race_id}|${r.horse_id}`),
  };
}

/** Raw response row for ra_internal.raw_responses. */
export function rawRow(r: ApiResponse): RawResponseRow {
  return {
    endpoint: r.endpoint.replace(/^https?:\/\/[^/]+/, "").replace(/\?.*$/, ""),
    params: r.params ?? {},
    page: r.page ?? 0,
    body: (r.body ?? null) as Json,
    fetched_at: iso(r.fetchedAt),
    ...(r.text !== undefined ? { body_text: r.text } : {}),
  };
}

/** JSON text of the raw response rows; bodies kept as text are spliced in verbatim (the exact JSON the API sent). */
function serializeRawResponses(raw_responses: IngestPayload["raw_responses"]): string {
  const raws = raw_responses.map((r) => {
    const { body, body_text, ...meta } = r;
    const metaJson = JSON.stringify(meta);
    const bodyJson = body_text ?? JSON.stringify(body);
    return `${metaJson.slice(0, -1)},"body":${bodyJson}}`;
  });
  return `[${raws.join(",")}]`;
}

/**
 * The payload as the JSON text ra_internal.ingest_batch(jsonb) receives. Raw bodies kept as text are spliced in
 * verbatim, so only the mapped rows are serialised here.
 */
export function serializePayload(payload: IngestPayload): string {
  const { raw_responses, ...rest } = payload;
  const head = JSON.stringify(rest);
  return `${head.slice(0, -1)},"raw_responses":${serializeRawResponses(raw_responses)}}`;
}

/** Payload keys in the argument order of ra_internal.ingest_batch_parts (migration 20251109000000). */
export const INGEST_PART_KEYS = [
  "raw_responses",
  "rejects",
  "regions",
  "courses",
  "bookmakers",
  "jockeys",
  "trainers",
  "owners",
  "sires",
  "dams",
  "damsires",
  "horses",
  "pedigree",
  "races",
  "runners",
  "results",
] as const satisfies readonly (keyof IngestPayload)[];

/**
 * The payload as the arguments of ra_internal.ingest_batch_parts: each key's rows as JSON text, in
 * INGEST_PART_KEYS order, null where there are none. The database then reads each part once instead of parsing
 * the whole day into jsonb.
 */
export function serializePayloadParts(payload: IngestPayload): (string | null)[] {
  return INGEST_PART_KEYS.map((k) => {
    const rows = payload[k];
    if (rows.length === 0) return null;
    return k === "raw_responses" ? serializeRawResponses(payload.raw_responses) : JSON.stringify(rows);
  });
}

/**
 * Build the ONE payload for a day: maps every response, merges duplicates, attaches raw bodies (unless
 * storeRaw=false). Pass it to ingestBatch(sql, payload) (./ingest.ts).
 */
export function buildIngestPayload(responses: ApiResponse[], opts: BuildOptions = {}): IngestPayload {
  const b = emptyBatch();
  for (const r of responses) {
    mapResponse(r, b);
    if (opts.storeRaw !== false) b.raw_responses.push(rawRow(r));
  }
  return { version: 1, ...dedupeBatch(b) };
}
