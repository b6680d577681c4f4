// deno task export: argument validation (local/cli/export/args.ts) and the progress line.
import assert from "node:assert/strict";
import { ExportArgError, formatFromPath, isIsoDate, parseExportArgs } from "../../local/cli/export/args.ts";
import { exportQuery, renderExportProgress } from "../../local/cli/export/run.ts";

const ok = (argv: string[]) => {
  const r = parseExportArgs(argv, {});
  assert.notEqual(r, "help");
  return r as Exclude<typeof r, "help">;
};
const bad = (argv: string[], re: RegExp) =>
  assert.throws(
    () => parseExportArgs(argv, {}),
    (e: unknown) => e instanceof ExportArgError && re.test(e.message),
  );

Deno.test("export args: the documented command line", () => {
  const o = ok(["--from", "2015-01-01", "--to", "2025-12-31", "--format", "parquet", "--out", "x.parquet"]);
  assert.equal(o.from, "2015-01-01");
  assert.equal(o.to, "2025-12-31");
  assert.equal(o.format, "parquet");
  assert.equal(o.out, "x.parquet");
  assert.equal(o.labelledOnly, false);
  assert.equal(o.batch, 2000);
  assert.equal(o.rowGroup, 5000);
  assert.match(o.dbUrl, /127\.0\.0\.1:54322/);
});

Deno.test("export args: format from the extension, csv by default, explicit wins, case-insensitive", () => {
  assert.equal(ok(["--from", "2023-01-01", "--to", "2023-01-02", "--out", "a.jsonl"]).format, "jsonl");
  assert.equal(ok(["--from", "2023-01-01", "--to", "2023-01-02", "--out", "a.PARQUET"]).format, "parquet");
  assert.equal(ok(["--from", "2023-01-01", "--to", "2023-01-02", "--out", "a.txt"]).format, "csv");
  assert.equal(
    ok(["--from", "2023-01-01", "--to", "2023-01-02", "--out", "a.csv", "--format", "JSONL"]).format,
    "jsonl",
  );
  assert.equal(formatFromPath("x/y.csv"), "csv");
  assert.equal(formatFromPath("x/y"), null);
});

Deno.test("export args: same day is a valid range; options parsed", () => {
  const o = ok([
    "--from=2023-05-01",
    "--to=2023-05-01",
    "--out=-",
    "--labelled-only",
    "--batch",
    "500",
    "--row-group",
    "7",
    "--quiet",
    "--db",
    "postgresql://u@h/db",
  ]);
  assert.deepEqual([o.labelledOnly, o.batch, o.rowGroup, o.quiet, o.dbUrl, o.out], [
    true,
    500,
    7,
    true,
    "postgresql://u@h/db",
    "-",
  ]);
  assert.equal(parseExportArgs(["--help"]), "help");
  assert.equal(
    (parseExportArgs(["--from", "2023-01-01", "--to", "2023-01-01", "--out", "a"], {
      DATABASE_URL: "postgres://env",
    }) as {
      dbUrl: string;
    }).dbUrl,
    "postgres://env",
  );
});

Deno.test("export args: clear errors", () => {
  bad(["--to", "2023-01-01", "--out", "a.csv"], /missing --from/);
  bad(["--from", "2023-01-01", "--out", "a.csv"], /missing --to/);
  bad(["--from", "2023-01-01", "--to", "2023-01-31"], /missing --out/);
  bad(["--from", "2023-02-30", "--to", "2023-03-01", "--out", "a"], /--from is not a date/);
  bad(["--from", "2023-2-1", "--to", "2023-03-01", "--out", "a"], /--from is not a date/);
  bad(["--from", "2023-01-01", "--to", "tomorrow", "--out", "a"], /--to is not a date/);
  bad(["--from", "2023-03-02", "--to", "2023-03-01", "--out", "a"], /after --to/);
  bad(
    ["--from", "2023-01-01", "--to", "2023-01-02", "--out", "a", "--format", "xlsx"],
    /unknown --format "xlsx"/,
  );
  bad(
    ["--from", "2023-01-01", "--to", "2023-01-02", "--out", "-", "--format", "parquet"],
    /parquet needs a file/,
  );
  bad(
    ["--from", "2023-01-01", "--to", "2023-01-02", "--out", "a", "--batch", "0"],
    /--batch must be a whole number/,
  );
  bad(["--from", "2023-01-01", "--to", "2023-01-02", "--out", "a", "--row-group", "1.5"], /--row-group/);
  bad(["--from", "2023-01-01", "--to", "2023-01-02", "--out", "a", "--bogus"], /bogus/);
  bad(["--from", "2023-01-01", "--to", "2023-01-02", "--out", "a", "extra"], /positional|extra/i);
});

Deno.test("export: calendar dates only", () => {
  assert.ok(isIsoDate("2024-02-29"));
  assert.ok(!isIsoDate("2023-02-29"));
  assert.ok(!isIsoDate("2023-13-01"));
  assert.ok(!isIsoDate("20230101"));
});

Deno.test("export: query filters by race date (and labels) on the view; refuses non-dates", () => {
  assert.equal(
    exportQuery({ from: "2023-01-01", to: "2023-01-31", labelledOnly: false }),
    "select * from public.ra_ml_runner_features where race_date between date '2023-01-01' and date '2023-01-31'",
  );
  assert.match(
    exportQuery({ from: "2023-01-01", to: "2023-01-31", labelledOnly: true }),
    / and label_has_result$/,
  );
  assert.throws(() =>
    exportQuery({ from: "2023-01-01'; drop table x; --", to: "2023-01-31", labelledOnly: false })
  );
});

Deno.test("export: progress line", () => {
  const line = renderExportProgress({ rows: 5000, total: 10000, elapsedMs: 2000 }, 10);
  assert.equal(line, "█████░░░░░ 50.0% 5,000/10,000 rows | 2,500 rows/s | 2.0s ETA 2s");
  assert.match(renderExportProgress({ rows: 0, total: 0, elapsedMs: 0 }, 4), /^████ 100\.0% 0\/0 rows/);
});
