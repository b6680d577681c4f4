// Column typing for the export: Postgres type oids → Parquet fields and JSON values (pure, unit-tested in
// tests/unit/export_columns.test.ts). The connection returns dates, timestamps, numerics and int8 as the text
// Postgres sends (see TEXT_TYPES in ./run.ts), and these functions turn them into typed values.

export interface PgColumn {
  name: string;
  /** Postgres type oid. */
  type: number;
}

export const OID = {
  bool: 16,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  float4: 700,
  float8: 701,
  varchar: 1043,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
} as const;

export type ParquetType = "BOOLEAN" | "INT32" | "INT64" | "DOUBLE" | "UTF8" | "DATE" | "TIMESTAMP_MILLIS";

export function parquetType(oid: number): ParquetType {
  switch (oid) {
    case OID.bool:
      return "BOOLEAN";
    case OID.int2:
    case OID.int4:
      return "INT32";
    case OID.int8:
      return "INT64";
    case OID.float4:
    case OID.float8:
    case OID.numeric:
      return "DOUBLE";
    case OID.date:
      return "DATE";
    case OID.timestamp:
    case OID.timestamptz:
      return "TIMESTAMP_MILLIS";
    default:
      return "UTF8";
  }
}

/** A @dsnp/parquetjs schema definition: every column optional (nullable), snappy-compressed. */
export function parquetSchemaDefinition(
  cols: PgColumn[],
): Record<string, { type: ParquetType; optional: true; compression: "SNAPPY" }> {
  const def: Record<string, { type: ParquetType; optional: true; compression: "SNAPPY" }> = {};
  for (const c of cols) {
    def[c.name] = {
      type: parquetType(c.type),
      optional: true,
      compression: "SNAPPY",
      statistics: false,
    } as never;
  }
  return def;
}

const DAY_MS = 86_400_000;

/** Postgres timestamp text ("2023-04-01 13:30:00+00", "… 13:30:00.5+01") → epoch milliseconds. */
export function timestampMillis(s: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2}(?::?\d{2})?)?$/.exec(s);
  if (!m) throw new Error(`unexpected timestamp "${s}"`);
  let tz = m[3] ?? "+00:00";
  if (/^[+-]\d{2}$/.test(tz)) tz += ":00";
  else if (/^[+-]\d{4}$/.test(tz)) tz = tz.slice(0, 3) + ":" + tz.slice(3);
  const ms = Date.parse(`${m[1]}T${m[2]}${tz}`);
  if (Number.isNaN(ms)) throw new Error(`unexpected timestamp "${s}"`);
  return ms;
}

/** The value a Parquet writer gets for one cell (null stays null: every field is optional). */
export function parquetValue(oid: number, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (parquetType(oid)) {
    case "BOOLEAN":
      return Boolean(v);
    case "INT32":
      return Number(v);
    case "INT64":
      return BigInt(v as string | number);
    case "DOUBLE":
      return Number(v);
    case "DATE":
      return Math.round(Date.parse(String(v) + "T00:00:00Z") / DAY_MS);
    case "TIMESTAMP_MILLIS":
      return timestampMillis(String(v));
    default:
      return typeof v === "string" ? v : JSON.stringify(v);
  }
}

/** The value a JSON line gets: numbers for numerics/int8 (exact for the counts and odds here), ISO 8601 for timestamps,
 *  YYYY-MM-DD for dates. */
export function jsonValue(oid: number, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (parquetType(oid)) {
    case "INT64":
    case "DOUBLE":
    case "INT32":
      return Number(v);
    case "TIMESTAMP_MILLIS":
      return new Date(timestampMillis(String(v))).toISOString();
    case "DATE":
      return String(v);
    default:
      return v;
  }
}

/** Builds a row converter once per export (column list fixed), so the per-row loop is a plain for. */
export function rowConverter(
  cols: PgColumn[],
  kind: "parquet" | "json",
): (row: Record<string, unknown>) => Record<string, unknown> {
  const f = kind === "parquet" ? parquetValue : jsonValue;
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const c of cols) {
      const x = f(c.type, row[c.name]);
      // parquetjs treats a missing key as null for optional fields; leaving nulls out keeps its shredder fast
      if (x !== null || kind === "json") out[c.name] = x;
    }
    return out;
  };
}
