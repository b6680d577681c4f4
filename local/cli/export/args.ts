// Argument parsing for `deno task export` (pure: no I/O, unit-tested in tests/unit/export_args.test.ts).
import { parseArgs } from "node:util";

export const FORMATS = ["csv", "parquet", "jsonl"] as const;
export type Format = typeof FORMATS[number];

export interface ExportOptions {
  from: string;
  to: string;
  format: Format;
  /** Output file; "-" = stdout (csv and jsonl only). */
  out: string;
  /** Only rows with a result (label_has_result): the training set without the racecards still to run. */
  labelledOnly: boolean;
  /** Rows per cursor batch (jsonl, parquet). */
  batch: number;
  /** Rows per Parquet row group (bounded memory: the writer buffers one group). */
  rowGroup: number;
  quiet: boolean;
  dbUrl: string;
}

export const HELP =
  `Usage: deno task export --from YYYY-MM-DD --to YYYY-MM-DD --out FILE [--format csv|parquet|jsonl]
Streams public.ra_ml_runner_features (leak-free features + label_* columns, docs/ML.md) for races dated
from..to (inclusive), ordered by off time, race and horse.
  --format F        csv (COPY, with header), parquet (typed columns, snappy) or jsonl; default from the
                    extension of --out (.csv/.parquet/.jsonl), else csv
  --out FILE        output file (written to FILE.partial, renamed when complete); - = stdout (csv, jsonl)
  --labelled-only   only rows with a result (leave out racecard rows still to run)
  --batch N         rows per cursor batch for jsonl/parquet (default 2000)
  --row-group N     rows per Parquet row group (default 5000)
  --quiet           no progress bar
  --db URL          database (default: env DATABASE_URL, else the local stack)`;

export class ExportArgError extends Error {
  override name = "ExportArgError";
}

const DEFAULT_DB = "postgresql://postgres:postgres@127.0.0.1:54322/postgres";

/** A real calendar date written YYYY-MM-DD (rejects 2023-02-30, 2023-2-1, …). */
export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(s + "T00:00:00Z");
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function positiveInt(name: string, v: string | undefined, dflt: number, max: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) {
    throw new ExportArgError(`--${name} must be a whole number from 1 to ${max}, got "${v}"`);
  }
  return Number(v);
}

export function formatFromPath(path: string): Format | null {
  const m = /\.(csv|parquet|jsonl)$/i.exec(path);
  return m ? (m[1].toLowerCase() as Format) : null;
}

/** Parses and validates the command line; throws ExportArgError with a message meant for the user. */
export function parseExportArgs(
  argv: string[],
  env: Record<string, string | undefined> = {},
): ExportOptions | "help" {
  let v;
  try {
    v = parseArgs({
      args: argv,
      options: {
        from: { type: "string" },
        to: { type: "string" },
        format: { type: "string" },
        out: { type: "string", short: "o" },
        "labelled-only": { type: "boolean", default: false },
        batch: { type: "string" },
        "row-group": { type: "string" },
        quiet: { type: "boolean", default: false },
        db: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new ExportArgError(err instanceof Error ? err.message : String(err));
  }
  if (v.help) return "help";
  if (v.from === undefined) throw new ExportArgError("missing --from YYYY-MM-DD");
  if (v.to === undefined) throw new ExportArgError("missing --to YYYY-MM-DD");
  if (!isIsoDate(v.from)) throw new ExportArgError(`--from is not a date YYYY-MM-DD: "${v.from}"`);
  if (!isIsoDate(v.to)) throw new ExportArgError(`--to is not a date YYYY-MM-DD: "${v.to}"`);
  if (v.from > v.to) throw new ExportArgError(`--from ${v.from} is after --to ${v.to}`);
  if (v.out === undefined || v.out === "") throw new ExportArgError("missing --out FILE (use - for stdout)");
  let format: Format;
  if (v.format !== undefined) {
    const f = v.format.toLowerCase();
    if (!(FORMATS as readonly string[]).includes(f)) {
      throw new ExportArgError(`unknown --format "${v.format}" (expected ${FORMATS.join(", ")})`);
    }
    format = f as Format;
  } else {
    format = formatFromPath(v.out) ?? "csv";
  }
  if (v.out === "-" && format === "parquet") {
    throw new ExportArgError("parquet needs a file for --out (it cannot be written to stdout)");
  }
  return {
    from: v.from,
    to: v.to,
    format,
    out: v.out,
    labelledOnly: v["labelled-only"] ?? false,
    batch: positiveInt("batch", v.batch, 2000, 100_000),
    rowGroup: positiveInt("row-group", v["row-group"], 5_000, 1_000_000),
    quiet: v.quiet ?? false,
    dbUrl: v.db ?? env.DATABASE_URL ?? DEFAULT_DB,
  };
}
