// deno task export --from 2015-01-01 --to 2025-12-31 [--format csv|parquet|jsonl] --out FILE
// Streams the leak-free ML feature view public.ra_ml_runner_features (docs/ML.md) to a file with a progress bar,
// without holding the set in memory: CSV, JSONL and Parquet (@dsnp/parquetjs) from cursor
// batches. Arguments: local/cli/export/args.ts (--help). Exit codes: 0 done, 2 bad arguments, 1 failure.
import { ExportArgError, HELP, parseExportArgs } from "./export/args.ts";
import { ExportError, exportFeatures, renderExportProgress } from "./export/run.ts";

function fail(msg: string, code: number): never {
  console.error(`export: ${msg}`);
  Deno.exit(code);
}

let opts;
try {
  opts = parseExportArgs(Deno.args, { DATABASE_URL: Deno.env.get("DATABASE_URL") });
} catch (err) {
  if (err instanceof ExportArgError) fail(`${err.message}\n\n${HELP}`, 2);
  throw err;
}
if (opts === "help") {
  console.log(HELP);
  Deno.exit(0);
}

const tty = Deno.stderr.isTerminal();
const enc = new TextEncoder();
let lastPct = -1;
const progress = opts.quiet ? undefined : (p: { rows: number; total: number; elapsedMs: number }) => {
  const line = renderExportProgress(p);
  if (tty) Deno.stderr.writeSync(enc.encode(`\r${line}`));
  else {
    // not a terminal (CI, logs): a line per 10 %
    const pct = p.total > 0 ? Math.floor((10 * p.rows) / p.total) : 10;
    if (pct !== lastPct) {
      lastPct = pct;
      Deno.stderr.writeSync(enc.encode(`${line}\n`));
    }
  }
};

try {
  const r = await exportFeatures(opts, progress);
  if (tty && !opts.quiet) Deno.stderr.writeSync(enc.encode("\n"));
  if (!opts.quiet) {
    console.error(
      `export: ${r.rows} rows × ${r.columns.length} columns (${opts.from}..${opts.to}, ${opts.format}) → ${r.out} in ${
        (r.elapsedMs / 1000).toFixed(1)
      } s`,
    );
  }
  if (r.notReady > 0) {
    console.error(
      `export: warning: ${r.notReady} rows have features_ready = false (ingested after the last refresh: ` +
        `run select ra_internal.refresh_ml_features() first for complete horse/jockey/trainer figures)`,
    );
  }
} catch (err) {
  if (tty && !opts.quiet) Deno.stderr.writeSync(enc.encode("\n"));
  if (err instanceof ExportError) fail(err.message, 1);
  fail(err instanceof Error ? err.message : String(err), 1);
}
