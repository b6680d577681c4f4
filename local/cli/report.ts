// `deno task report`: the coverage summary in the terminal (the end of `npm run demo`).
//
//   deno task report                         read the local database directly (ra_internal.status_report())
//   deno task report --db <postgres URL>     another database (or env SUPABASE_DB_URL)
//   deno task report --url <functions URL> [--key <service role key | read-only token>]
//                                            read a (hosted) project's status function instead; the key
//                                            defaults to env STATUS_READ_TOKEN, then SUPABASE_SERVICE_ROLE_KEY
//   --json                                   print the status document as JSON
//
// The database path needs no running functions (the demo calls it right after its backfill); the function path
// needs no database password. Both read the same document (shared/status/SHAPE.md).
import { parseArgs } from "node:util";
import { connectDb } from "../../shared/db.ts";
import { DATA_MODEL_TABLES, decodeCalendar, StatusDocument } from "../../shared/status/schema.ts";
import { DB_URL } from "../stack/constants.ts";

const USAGE =
  "usage: deno task report [--db <postgres URL> | --url <functions URL> [--key <key or token>]] [--json]";

async function fromDatabase(url: string): Promise<unknown> {
  const sql = connectDb(url, { max: 1, applicationName: "status report" });
  try {
    const [row] = await sql<{ r: unknown }[]>`select ra_internal.status_report(10) as r`;
    return row.r;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function fromFunction(base: string, key: string): Promise<unknown> {
  let u = base.replace(/\/+$/, "");
  if (!/\/functions\/v1\/status$/.test(u)) {
    u = /\/functions\/v1$/.test(u) ? `${u}/status` : `${u}/functions/v1/status`;
  }
  const isKey = /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/.test(key) || key.startsWith("sb_secret_");
  const resp = await fetch(`${u}?rejects=10`, {
    headers: isKey ? { authorization: `Bearer ${key}` } : { "x-status-token": key },
    signal: AbortSignal.timeout(30_000),
  });
  const body = await resp.json().catch(() => null);
  if (!resp.ok) {
    throw new Error(`${u} answered ${resp.status}: ${body?.message ?? body?.error ?? resp.statusText}`);
  }
  return body;
}

const n = (v: number | null | undefined) => v === null || v === undefined ? "–" : v.toLocaleString("en-GB");
const pad = (s: string, w: number) => s.length >= w ? s : " ".repeat(w - s.length) + s;
const padEnd = (s: string, w: number) => s.length >= w ? s : s + " ".repeat(w - s.length);

function duration(s: number | null): string {
  if (s === null) return "–";
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

export function formatReport(d: StatusDocument): string {
  const out: string[] = [];
  const b = d.backfill;
  out.push(`Racing data status · ${d.generated_at.slice(0, 19).replace("T", " ")} UTC · today ${d.today}`);
  out.push("");
  out.push(
    `Backfill  ${b.state}${b.halted_reason ? ` (${b.halted_reason})` : ""}` +
      (b.planned.from ? ` · ${b.planned.from} → ${b.planned.to}` : ""),
  );
  out.push(
    `  days ${n(b.days.done)} done / ${n(b.days.in_plan)} planned · ${n(b.days.failed)} failed · ` +
      `${n(b.days.pending)} pending · chunks ${n(b.chunks.done)}/${n(b.chunks.total)} · ` +
      `API pages ${n(b.api_calls.pages)} · ${b.api_calls.per_second} calls/s · ETA ${
        duration(b.eta_seconds)
      }`,
  );
  const c = d.calendar.counts;
  if (d.calendar.from) {
    out.push(
      `Calendar  ${d.calendar.from} → ${d.calendar.to}: ${n(c.done)} done · ${n(c.partial)} partly done · ` +
        `${n(c.failed)} failed · ${n(c.no_racing)} no racing · ${n(c.pending)} pending`,
    );
    const partial = decodeCalendar(d.calendar).filter((x) => x.state === "partial").slice(-5);
    if (partial.length) {
      out.push(
        `  partly done (latest): ${
          partial.map((x) => `${x.day} (${x.missingResults} results missing)`).join(", ")
        }`,
      );
    }
  }
  for (const f of b.failed_days.slice(0, 10)) out.push(`  failed ${f.day}: ${f.error ?? "?"}`);
  if (b.failed_days.length > 10) out.push(`  … ${b.failed_days.length - 10} more failed days`);
  out.push("");

  out.push("Coverage by year");
  const head = ["year", "races", "racecards", "results", "% res", "runners", "per race", "% pedigree"];
  const widths = [6, 9, 10, 9, 7, 11, 9, 11];
  out.push(head.map((h, i) => i === 0 ? padEnd(h, widths[i]) : pad(h, widths[i])).join(""));
  const tot = { races: 0, rc: 0, res: 0, runners: 0, ped: 0 };
  const coverage = d.coverage_by_year ?? [];
  for (const y of coverage) {
    tot.races += y.races;
    tot.rc += y.races_with_racecard;
    tot.res += y.races_with_result;
    tot.runners += y.runners;
    tot.ped += y.runners_with_pedigree;
    out.push([
      padEnd(String(y.year), widths[0]),
      pad(n(y.races), widths[1]),
      pad(n(y.races_with_racecard), widths[2]),
      pad(n(y.races_with_result), widths[3]),
      pad(y.pct_races_with_result === null ? "–" : y.pct_races_with_result.toFixed(1), widths[4]),
      pad(n(y.runners), widths[5]),
      pad(y.runners_per_race === null ? "–" : y.runners_per_race.toFixed(2), widths[6]),
      pad(y.pct_runners_with_pedigree === null ? "–" : y.pct_runners_with_pedigree.toFixed(1), widths[7]),
    ].join(""));
  }
  if (coverage.length === 0) out.push("  (no races yet)");
  else {
    const pct = (a: number, b: number) => b ? (100 * a / b).toFixed(1) : "–";
    out.push([
      padEnd("all", widths[0]),
      pad(n(tot.races), widths[1]),
      pad(n(tot.rc), widths[2]),
      pad(n(tot.res), widths[3]),
      pad(pct(tot.res, tot.races), widths[4]),
      pad(n(tot.runners), widths[5]),
      pad(tot.races ? (tot.runners / tot.races).toFixed(2) : "–", widths[6]),
      pad(pct(tot.ped, tot.runners), widths[7]),
    ].join(""));
  }
  out.push("");

  out.push("Rows");
  const rows = [
    ...DATA_MODEL_TABLES.map((t) => [t, d.row_counts[t]] as const),
    ...Object.entries(d.other_row_counts),
  ];
  for (let i = 0; i < rows.length; i += 3) {
    out.push(
      "  " +
        rows.slice(i, i + 3).map(([t, v]) => padEnd(`${padEnd(t, 27)}${pad(n(v), 10)}`, 40)).join("")
          .trimEnd(),
    );
  }
  out.push(
    `  rejects ${n(d.rejects.total)} (${n(d.rejects.last_24h)} in 24 h) · raw responses ${
      n(d.internal_counts.raw_responses)
    }`,
  );
  out.push("");

  const s = d.statistics;
  out.push(
    s === null
      ? "Statistics  not installed"
      : `Statistics  ${s.stale ? "STALE" : "fresh"} · last run ${
        s.last_run ? `${s.last_run.kind} ${s.last_run.finished_at.slice(0, 16)}` : "never"
      } · ${n(s.pending_changes)} changed races waiting`,
  );
  if (d.scheduled_jobs.length) {
    out.push("Scheduled jobs");
    for (const j of d.scheduled_jobs) {
      out.push(
        `  ${padEnd(j.jobname ?? String(j.jobid), 24)} ${padEnd(j.schedule, 16)} last ${
          j.last_status ?? "never"
        }${j.last_start ? ` ${j.last_start.slice(0, 16)}` : ""} · next ${j.next_run?.slice(0, 16) ?? "–"}${
          j.active ? "" : " (inactive)"
        }`,
      );
    }
  } else out.push("Scheduled jobs  none installed");
  const problems = d.health.filter((h) => h.status !== "ok");
  if (problems.length) {
    out.push("Health");
    for (const h of problems) out.push(`  ${h.status.toUpperCase()} ${h.check_name}: ${h.detail}`);
  }
  return out.join("\n");
}

if (import.meta.main) {
  let args;
  try {
    args = parseArgs({
      args: Deno.args,
      options: {
        db: { type: "string" },
        url: { type: "string" },
        key: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : err}\n${USAGE}`);
    Deno.exit(2);
  }
  if (args.help) {
    console.log(USAGE);
    Deno.exit(0);
  }
  try {
    let raw: unknown;
    if (args.url) {
      const key = args.key ?? Deno.env.get("STATUS_READ_TOKEN") ?? Deno.env.get("SUPABASE_SERVICE_ROLE_KEY");
      if (!key) throw new Error("--url needs --key (or env STATUS_READ_TOKEN / SUPABASE_SERVICE_ROLE_KEY)");
      raw = await fromFunction(args.url, key);
    } else {
      raw = await fromDatabase(args.db ?? Deno.env.get("SUPABASE_DB_URL") ?? DB_URL);
    }
    if (args.json) {
      console.log(JSON.stringify(raw, null, 2));
      Deno.exit(0);
    }
    const parsed = StatusDocument.safeParse(raw);
    if (!parsed.success) {
      throw new Error(`unexpected status document: ${JSON.stringify(parsed.error.issues.slice(0, 3))}`);
    }
    console.log(formatReport(parsed.data));
  } catch (err) {
    console.error(`report: ${err instanceof Error ? err.message : err}`);
    Deno.exit(1);
  }
}
