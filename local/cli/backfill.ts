// deno task backfill --from 2015-01-01 [--to 2025-10-23] [--workers 2] [--resume] [--retry-failed] [--no-wait]
// Triggers the backfill function (supabase-js functions.invoke) and shows a live progress bar until done.
// Targets the local stack by default; set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY for a hosted project.
import { createClient } from "@supabase/supabase-js";
import { parseArgs } from "node:util";
import { API_URL, SERVICE_ROLE_KEY } from "../stack/constants.ts";
import { formatDuration, renderProgress } from "./progress.ts";

const HELP = `Usage: deno task backfill --from YYYY-MM-DD [--to YYYY-MM-DD] [--workers N] [--regions gb,ire]
       deno task backfill --resume          continue an interrupted backfill
       deno task backfill --retry-failed    retry the days that failed
Options: --no-wait (return once accepted), --quiet (no progress bar).
Target: SUPABASE_URL (default ${API_URL}) with SUPABASE_SERVICE_ROLE_KEY (default: the local demo key).`;

function fail(msg: string): never {
  console.error(`backfill: ${msg}`);
  Deno.exit(2);
}

let args;
try {
  args = parseArgs({
    args: Deno.args,
    options: {
      from: { type: "string" },
      to: { type: "string" },
      workers: { type: "string" },
      regions: { type: "string" },
      resume: { type: "boolean", default: false },
      "retry-failed": { type: "boolean", default: false },
      "no-wait": { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  }).values;
} catch (err) {
  fail(`${err instanceof Error ? err.message : err}\n${HELP}`);
}
if (args.help) {
  console.log(HELP);
  Deno.exit(0);
}

const url = Deno.env.get("SUPABASE_URL") ?? API_URL;
const key = Deno.env.get("SUPABASE_SERVICE_ROLE_KEY") ?? (url === API_URL ? SERVICE_ROLE_KEY : undefined);
if (!key) fail("SUPABASE_SERVICE_ROLE_KEY is not set (needed for a hosted project).");

let body: Record<string, unknown>;
if (args.resume) body = { continue: true };
else if (args["retry-failed"]) body = { retry: "failed" };
else if (args.from) {
  body = { from: args.from };
  if (args.to) body.to = args.to;
  if (args.regions) body.regions = args.regions.split(",").map((r) => r.trim().toLowerCase());
} else fail(`give --from, --resume or --retry-failed.\n${HELP}`);
if (args.workers) body.workers = Number(args.workers);

const supabase = createClient(url, key!, { auth: { persistSession: false } });

async function invoke(method: "GET" | "POST", payload?: Record<string, unknown>) {
  const { data, error } = await supabase.functions.invoke("backfill", { method, body: payload });
  if (error) {
    // FunctionsHttpError carries the function's JSON answer: show its message, which says what to do.
    const ctx = (error as { context?: Response }).context;
    let detail = error.message;
    if (ctx && typeof ctx.json === "function") {
      try {
        const j = await ctx.json();
        detail = `${ctx.status}: ${j.message ?? JSON.stringify(j)}`;
      } catch { /* keep the generic message */ }
    }
    fail(detail);
  }
  return data;
}

const accepted = await invoke("POST", body);
if (accepted?.plan) {
  const p = accepted.plan;
  console.log(
    p.days_in_range !== undefined
      ? `planned ${p.from} → ${p.to} (${p.regions}): ${p.days_in_range} days, ${p.days_already_done} already done, ` +
        `${p.chunks_created} new monthly chunks`
      : `accepted: ${JSON.stringify(p)}`,
  );
}
if (args["no-wait"]) Deno.exit(0);

const tty = Deno.stdout.isTerminal() && !args.quiet;
const started = Date.now();
let lastPrint = 0;
let idleSince: number | null = null;
while (true) {
  const p = await invoke("GET");
  const line = renderProgress(p, Date.now() - started);
  if (tty) Deno.stdout.writeSync(new TextEncoder().encode(`\r\x1b[2K${line}`));
  else if (Date.now() - lastPrint > 5_000 || p.state === "done" || p.state === "halted") {
    console.log(line);
    lastPrint = Date.now();
  }
  if (p.state === "done") {
    if (tty) console.log();
    const failed = p.days.failed;
    console.log(
      `done in ${formatDuration(Date.now() - started)}: ${p.days.done} days, ${p.rows.races} races, ` +
        `${p.rows.runners} runners, ${p.api_calls.pages} API pages` +
        (failed ? `; ${failed} day(s) failed — run with --retry-failed` : ""),
    );
    Deno.exit(failed ? 1 : 0);
  }
  if (p.state === "halted") {
    if (tty) console.log();
    fail(`halted: ${p.halted_reason}`);
  }
  if (p.state === "not_started") {
    if (tty) console.log();
    fail("the backfill plan is gone (was the database reset while it ran?). Post the range again.");
  }
  if (p.state === "waiting") {
    idleSince ??= Date.now();
    if (Date.now() - idleSince > 120_000) {
      if (tty) console.log();
      fail(
        "no worker has run for 2 minutes. The minute cron job resumes work on a scheduled project; " +
          "run `deno task backfill --resume` to continue now.",
      );
    }
  } else idleSince = null;
  await new Promise((r) => setTimeout(r, 1000));
}
