// Streaming export of public.ra_ml_runner_features. Memory stays flat whatever the range: CSV, JSONL and Parquet
// read cursor batches (--batch rows) written to the file batch by batch, and the Parquet writer holds one row
// group (--row-group rows) at a time.
import postgres from "postgres";
import parquet from "@dsnp/parquetjs";
import type { ExportOptions } from "./args.ts";
import { OID, parquetSchemaDefinition, rowConverter } from "./columns.ts";
import type { PgColumn } from "./columns.ts";

export const VIEW = "public.ra_ml_runner_features";

export interface ExportProgress {
  rows: number;
  total: number;
  elapsedMs: number;
}
export interface ExportResult {
  rows: number;
  total: number;
  columns: PgColumn[];
  notReady: number;
  elapsedMs: number;
  out: string;
}

export class ExportError extends Error {
  override name = "ExportError";
}

/** Dates, timestamps, numerics and int8 arrive as the text Postgres sends (typed by ./columns.ts). */
const RAW = (x: string) => x;
const TEXT_TYPES = {
  ml_raw_date: {
    to: OID.date,
    from: [OID.date, OID.timestamp, OID.timestamptz, OID.numeric, OID.int8],
    serialize: RAW,
    parse: RAW,
  },
};

export function connectForExport(url: string) {
  return postgres(url, {
    max: 1,
    onnotice: () => {},
    prepare: false,
    connection: { TimeZone: "UTC", application_name: "ra_export" },
    types: TEXT_TYPES,
  });
}

/** The export query (dates validated by parseExportArgs, so they are safe as literals for COPY). */
export function exportQuery(opts: Pick<ExportOptions, "from" | "to" | "labelledOnly">, select = "*"): string {
  for (const d of [opts.from, opts.to]) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new ExportError(`bad date ${d}`);
  }
  return `select ${select} from ${VIEW} where race_date between date '${opts.from}' and date '${opts.to}'` +
    (opts.labelledOnly ? " and label_has_result" : "");
}

/** Opens the destination (FILE.partial) before any query, so a bad path fails at once with a clear message. */
async function openDestination(
  out: string,
): Promise<
  { path: string; file: Deno.FsFile | null; finish: () => Promise<void>; abort: () => Promise<void> }
> {
  if (out === "-") return { path: "-", file: null, finish: async () => {}, abort: async () => {} };
  try {
    const st = await Deno.stat(out);
    if (st.isDirectory) throw new ExportError(`--out ${out} is a directory`);
  } catch (err) {
    if (err instanceof ExportError) throw err;
    if (!(err instanceof Deno.errors.NotFound)) {
      throw new ExportError(`cannot write --out ${out}: ${(err as Error).message}`);
    }
  }
  const path = `${out}.partial`;
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { write: true, create: true, truncate: true });
  } catch (err) {
    throw new ExportError(`cannot write --out ${out}: ${(err as Error).message}`);
  }
  return {
    path,
    file,
    finish: async () => {
      await Deno.rename(path, out);
    },
    abort: async () => {
      await Deno.remove(path).catch(() => {});
    },
  };
}

export async function exportFeatures(
  opts: ExportOptions,
  onProgress: (p: ExportProgress) => void = () => {},
): Promise<ExportResult> {
  const t0 = performance.now();
  const dest = await openDestination(opts.out);
  const sql = connectForExport(opts.dbUrl);
  let ok = false;
  try {
    try {
      await sql`select 1`;
    } catch (err) {
      throw new ExportError(`cannot connect to the database: ${(err as Error).message}`);
    }
    const exists = await sql`select to_regclass(${VIEW}) is not null as ok`;
    if (!exists[0].ok) {
      throw new ExportError(`${VIEW} does not exist: apply the migrations (deno task db reset|migrate)`);
    }

    const described = await sql.unsafe(exportQuery(opts) + " limit 0");
    const columns: PgColumn[] = described.columns.map((c: { name: string; type: number }) => ({
      name: c.name,
      type: c.type,
    }));
    const [{ n: total, not_ready: notReady }] = await sql.unsafe(
      exportQuery(opts, "count(*)::int as n, (count(*) filter (where not features_ready))::int as not_ready"),
    );
    const query = exportQuery(opts) + " order by off_dt, race_id, horse_id";
    let rows = 0;
    let lastTick = 0;
    const tick = (force = false) => {
      const now = performance.now();
      if (force || now - lastTick > 200) {
        lastTick = now;
        onProgress({ rows, total, elapsedMs: now - t0 });
      }
    };
    tick(true);

    if (opts.format === "csv") {
      // Not COPY … TO STDOUT: postgres.js's COPY readable sometimes never ends (porsager/postgres#917; here it
      // sat until the connection's max_lifetime, 30–60 min). Raw cursor rows are the same text Postgres's COPY
      // CSV writes (booleans t/f, ISO dates), quoted here by the same rules.
      const w = dest.file ?? Deno.stdout;
      const enc = new TextEncoder();
      await writeAll(w, enc.encode(columns.map((c) => csvField(c.name)).join(",") + "\n"));
      for await (const batch of sql.unsafe(query).raw().cursor(opts.batch)) {
        let text = "";
        for (const r of batch as unknown as (Uint8Array | null)[][]) text += csvLine(r);
        await writeAll(w, enc.encode(text));
        rows += batch.length;
        tick();
      }
    } else if (opts.format === "jsonl") {
      const convert = rowConverter(columns, "json");
      const enc = new TextEncoder();
      const w = dest.file ?? Deno.stdout;
      for await (const batch of sql.unsafe(query).cursor(opts.batch)) {
        let text = "";
        for (const r of batch) text += JSON.stringify(convert(r)) + "\n";
        await writeAll(w, enc.encode(text));
        rows += batch.length;
        tick();
      }
    } else {
      const schema = new parquet.ParquetSchema(parquetSchemaDefinition(columns));
      dest.file!.close();
      const writer = await parquet.ParquetWriter.openFile(schema, dest.path, {
        rowGroupSize: opts.rowGroup,
        pageIndex: false,
      });
      const convert = rowConverter(columns, "parquet");
      try {
        for await (const batch of sql.unsafe(query).cursor(opts.batch)) {
          for (const r of batch) await writer.appendRow(convert(r));
          rows += batch.length;
          tick();
        }
      } finally {
        await writer.close();
      }
    }
    if (dest.file && opts.format !== "parquet") dest.file.close();
    tick(true);
    if (rows !== total) {
      throw new ExportError(
        `exported ${rows} rows but the view had ${total} (data changed during the export?)`,
      );
    }
    await dest.finish();
    ok = true;
    return { rows, total, columns, notReady, elapsedMs: performance.now() - t0, out: opts.out };
  } finally {
    await sql.end({ timeout: 5 });
    if (!ok) {
      try {
        dest.file?.close();
      } catch { /* already closed */ }
      await dest.abort();
    }
  }
}

const utf8 = new TextDecoder();
const CSV_QUOTE = /[",\r\n]/;
/** A value as Postgres's CSV writes it: quoted when it holds a quote, comma or line break, or is empty (so an
 * empty string differs from NULL, which is written as nothing). */
export function csvField(v: string): string {
  return v === "" || CSV_QUOTE.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}
/** One CSV line from a raw row (text-format column values, null for NULL). */
export function csvLine(row: readonly (Uint8Array | null)[]): string {
  let line = "";
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (i > 0) line += ",";
    if (v !== null) line += csvField(utf8.decode(v));
  }
  return line + "\n";
}

async function writeAll(w: { write(p: Uint8Array): Promise<number> }, data: Uint8Array) {
  let off = 0;
  while (off < data.length) off += await w.write(data.subarray(off));
}

const fmtInt = (n: number) => n.toLocaleString("en-GB");

/** One progress line: bar, percent, rows, rate, ETA. */
export function renderExportProgress(p: ExportProgress, width = 30): string {
  const frac = p.total > 0 ? Math.min(1, p.rows / p.total) : 1;
  const filled = Math.round(frac * width);
  const secs = p.elapsedMs / 1000;
  const rate = secs > 0 ? p.rows / secs : 0;
  const eta = rate > 0 && p.total > p.rows ? `${Math.ceil((p.total - p.rows) / rate)}s` : "–";
  return `${"█".repeat(filled)}${"░".repeat(width - filled)} ${(frac * 100).toFixed(1)}% ` +
    `${fmtInt(p.rows)}/${fmtInt(p.total)} rows | ${fmtInt(Math.round(rate))} rows/s | ${
      secs.toFixed(1)
    }s ETA ${eta}`;
}
