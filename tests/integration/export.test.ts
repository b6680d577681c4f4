// deno task export end to end (local/cli/export.ts as a subprocess against the local DB):
//  - CSV and Parquet of a simulated period: row counts equal the view's; the Parquet file is read back with
//    @dsnp/parquetjs and its column types are the expected ones (INT32 counts, DOUBLE numerics, DATE, TIMESTAMP,
//    BOOLEAN labels, UTF8 text); JSONL parses line by line;
//  - peak memory (VmHWM of the export process, sampled from /proc) does not grow with the range: a short range
//    and a range several times longer, generously bounded;
//  - bad arguments and an unwritable path fail with exit code 2 / 1 and a clear message, leaving no file.
// Data: committed simulator data EXPORT_TEST_FROM..EXPORT_TEST_TO (default 2023-04-01..2023-05-31, seed 1) is
// reused when present, else loaded (idempotent upserts) and refreshed with ra_internal.refresh_ml_features(true).
// EXPORT_TEST_DB points the test at another database (e.g. a benchmark copy) instead.
import assert from "node:assert/strict";
import parquet from "@dsnp/parquetjs";
import postgres from "postgres";
import { loadSimulated } from "../../local/cli/load_simulated.ts";
import type { Sql } from "../../shared/ingest/ingest.ts";
import { DB_MISSING, dbReachable, TEST_DB_URL } from "../_helpers/db.ts";

// deno-lint-ignore no-explicit-any
type Any = any;
const DB_URL = Deno.env.get("EXPORT_TEST_DB") ?? TEST_DB_URL;
const FROM = Deno.env.get("EXPORT_TEST_FROM") ?? "2023-04-01";
const TO = Deno.env.get("EXPORT_TEST_TO") ?? "2023-05-31";
const SHORT_TO = Deno.env.get("EXPORT_TEST_SHORT_TO") ?? addDays(FROM, 13);
const DB_OK = await dbReachable();
if (!DB_OK) console.warn(`export tests skipped: ${DB_MISSING}`);
const DENO = Deno.execPath();
const CLI = new URL("../../local/cli/export.ts", import.meta.url).pathname;

function addDays(d: string, n: number) {
  return new Date(Date.parse(d + "T00:00:00Z") + n * 86_400_000).toISOString().slice(0, 10);
}

async function ensureData(): Promise<void> {
  const sql = postgres(DB_URL, { max: 1, onnotice: () => {}, prepare: false });
  try {
    const have =
      (await sql`select count(*)::int as n, count(distinct race_date)::int as days from public.ra_races
      where race_date between ${FROM} and ${TO} and has_result`)[0];
    const want = (Date.parse(TO) - Date.parse(FROM)) / 86_400_000 + 1;
    if (have.days < want * 0.9) {
      console.log(`  loading simulator data ${FROM}..${TO} (committed; found ${have.days}/${want} days)`);
      const first = addDays(FROM, 2);
      await loadSimulated(sql as unknown as Sql, { from: FROM, to: first, seed: 1, daysPerBatch: 7 });
      await sql`analyze public.ra_races, public.ra_runners, public.ra_race_results`;
      await loadSimulated(sql as unknown as Sql, {
        from: addDays(first, 1),
        to: TO,
        seed: 1,
        daysPerBatch: 14,
      });
    }
    const notReady = (await sql`select count(*)::int as n from public.ra_ml_runner_features
      where race_date between ${FROM} and ${TO} and not features_ready`)[0].n;
    if (notReady > 0) await sql`select ra_internal.refresh_ml_features(true)`;
  } finally {
    await sql.end();
  }
}

async function viewCount(from: string, to: string): Promise<number> {
  const sql = postgres(DB_URL, { max: 1, onnotice: () => {} });
  try {
    return (await sql`select count(*)::int as n from public.ra_ml_runner_features where race_date between ${from} and ${to}`)[
      0
    ].n;
  } finally {
    await sql.end();
  }
}

interface Run {
  code: number;
  stderr: string;
  peakKb: number;
  seconds: number;
}
/** Runs the CLI, sampling the process's peak resident set (VmHWM) every 25 ms. */
async function runExport(args: string[], v8: string[] = []): Promise<Run> {
  const t0 = performance.now();
  const child = new Deno.Command(DENO, {
    args: ["run", "-A", ...v8, CLI, "--db", DB_URL, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
  }).spawn();
  let peakKb = 0;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(await Deno.readTextFile(`/proc/${child.pid}/status`));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch { /* exited */ }
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  const out = await child.output();
  done = true;
  await sampler;
  return {
    code: out.code,
    stderr: new TextDecoder().decode(out.stderr),
    peakKb,
    seconds: (performance.now() - t0) / 1000,
  };
}

const dir = await Deno.makeTempDir({ prefix: "ra_export_test_" });

Deno.test({
  name: `export: CSV, Parquet and JSONL row counts = view; Parquet types; flat memory (${FROM}..${TO})`,
  ignore: !DB_OK,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await ensureData();
    const nLong = await viewCount(FROM, TO);
    const nShort = await viewCount(FROM, SHORT_TO);
    assert.ok(nLong > 2 * nShort && nShort > 0, `ranges differ in size (${nShort} vs ${nLong})`);

    const csv = `${dir}/season.csv`;
    const rc = await runExport(["--from", FROM, "--to", TO, "--out", csv]);
    assert.equal(rc.code, 0, rc.stderr);
    const text = await Deno.readTextFile(csv);
    const lines = text.split("\n").filter((l) => l.length > 0);
    assert.equal(lines.length - 1, nLong, "CSV data rows = view rows");
    const header = lines[0].split(",");
    assert.equal(header[0], "race_id");
    assert.ok(header.includes("jockey_14d_win_percent") && header.includes("label_won"));
    assert.match(rc.stderr, /█+.*100\.0%/, "progress bar shown");
    // byte for byte what Postgres's own CSV writer gives for the same query (psql \copy, not postgres.js COPY)
    const q =
      `select * from public.ra_ml_runner_features where race_date between date '${FROM}' and date '${TO}'` +
      " order by off_dt, race_id, horse_id";
    const ps = await new Deno.Command("psql", {
      args: [DB_URL, "-X", "-q", "-c", `\\copy (${q}) to stdout with (format csv, header true)`],
      stdout: "piped",
      stderr: "piped",
      env: { PGTZ: "UTC" },
    }).output();
    assert.equal(ps.code, 0, new TextDecoder().decode(ps.stderr));
    assert.ok(text === new TextDecoder().decode(ps.stdout), "CSV = Postgres COPY CSV of the same rows");

    const pq = `${dir}/season.parquet`;
    const rp = await runExport(["--from", FROM, "--to", TO, "--format", "parquet", "--out", pq, "--quiet"]);
    assert.equal(rp.code, 0, rp.stderr);
    const reader = await parquet.ParquetReader.openFile(pq);
    try {
      assert.equal(Number(reader.getRowCount()), nLong, "Parquet rows = view rows");
      const fields = reader.getSchema().fields as Any;
      const t = (c: string) => fields[c].originalType ?? fields[c].primitiveType;
      assert.equal(t("race_id"), "UTF8");
      assert.equal(t("race_date"), "DATE");
      assert.equal(t("off_dt"), "TIMESTAMP_MILLIS");
      assert.equal(t("age"), "INT32");
      assert.equal(t("jockey_14d_runs"), "INT32");
      assert.equal(t("jockey_14d_win_percent"), "DOUBLE");
      assert.equal(t("horse_career_runs"), "INT32");
      assert.equal(t("label_won"), "BOOLEAN");
      assert.equal(t("label_sp_decimal"), "DOUBLE");
      assert.equal(header.length, Object.keys(fields).length, "same columns as the CSV");
      const cursor = reader.getCursor();
      const first = await cursor.next() as Any;
      assert.ok(first.race_date instanceof Date && first.off_dt instanceof Date);
      assert.equal(typeof first.horse_career_runs, "number");
      // read back the first rows (the row count is the file's; reading every row in JS takes minutes)
      let n = 1;
      let won = 0;
      for (let r = await cursor.next() as Any; r && n < 3000; r = await cursor.next() as Any) {
        n++;
        if (r.label_won === true) won++;
        assert.equal(typeof r.race_id, "string");
      }
      assert.ok(won > 0, "labels read back");
    } finally {
      await reader.close();
    }

    const jl = `${dir}/short.jsonl`;
    const rj = await runExport(["--from", FROM, "--to", SHORT_TO, "--out", jl, "--quiet"]);
    assert.equal(rj.code, 0, rj.stderr);
    const jlines = (await Deno.readTextFile(jl)).trim().split("\n");
    assert.equal(jlines.length, nShort);
    const j0 = JSON.parse(jlines[0]);
    assert.match(j0.race_date, /^\d{4}-\d{2}-\d{2}$/);
    assert.match(j0.off_dt, /Z$/);

    // memory: the same export over a short and a long range, JS heap capped at 160 MB (uncapped, V8 grows its
    // heap lazily and RSS says little; capped, an export that kept rows would run out of memory and crash)
    const peak: Record<string, number[]> = {};
    const cap = ["--v8-flags=--max-old-space-size=160"];
    for (const fmt of ["csv", "jsonl", "parquet"]) {
      const common = ["--quiet", "--row-group", "1000", "--from", FROM];
      const s = await runExport([...common, "--to", SHORT_TO, "--out", `${dir}/m_short.${fmt}`], cap);
      const l = await runExport([...common, "--to", TO, "--out", `${dir}/m_long.${fmt}`], cap);
      assert.equal(s.code, 0, s.stderr);
      assert.equal(l.code, 0, l.stderr);
      peak[fmt] = [s.peakKb, l.peakKb];
      console.log(
        `  ${fmt}: ${nShort} rows peak RSS ${(s.peakKb / 1024).toFixed(0)} MB (${s.seconds.toFixed(1)} s); ` +
          `${nLong} rows peak RSS ${(l.peakKb / 1024).toFixed(0)} MB (${l.seconds.toFixed(1)} s)`,
      );
      assert.ok(s.peakKb > 0 && l.peakKb > 0, "RSS sampled");
      // generous: flat = the long range (≥ 2× the rows) may not need more than 1.5× the short one's peak + 64 MB
      assert.ok(
        l.peakKb < s.peakKb * 1.5 + 64 * 1024,
        `${fmt} peak memory grows with rows: ${s.peakKb} kB → ${l.peakKb} kB`,
      );
    }
  },
});

Deno.test({
  name: "export: bad arguments and paths fail clearly, leaving no file",
  ignore: !DB_OK,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const cases: [string[], number, RegExp][] = [
      [["--from", "2023-02-30", "--to", "2023-03-01", "--out", `${dir}/x.csv`], 2, /--from is not a date/],
      [["--from", "2023-03-02", "--to", "2023-03-01", "--out", `${dir}/x.csv`], 2, /after --to/],
      [
        ["--from", "2023-03-01", "--to", "2023-03-01", "--out", `${dir}/x.csv`, "--format", "xml"],
        2,
        /unknown --format/,
      ],
      [["--from", "2023-03-01", "--to", "2023-03-01"], 2, /missing --out/],
      [
        ["--from", "2023-03-01", "--to", "2023-03-01", "--out", `${dir}/no/such/dir/x.csv`],
        1,
        /cannot write --out/,
      ],
      [["--from", "2023-03-01", "--to", "2023-03-01", "--out", dir], 1, /is a directory/],
    ];
    for (const [args, code, re] of cases) {
      const r = await runExport(args);
      assert.equal(r.code, code, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
    for await (const e of Deno.readDir(dir)) assert.ok(!e.name.startsWith("x."), `left ${e.name}`);
  },
});

globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(dir, { recursive: true });
  } catch { /* gone */ }
});
