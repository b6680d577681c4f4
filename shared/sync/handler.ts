// The sync function's logic behind its thin index.ts. POST (service role only) syncs racecards for today
// through the forward window and results for the last few days, recording the run in
// ra_internal.scheduled_runs; {"async":true} (the cron job's mode) answers 202 at once and works in the
// background. When the invocation's budget runs out with days left, it hands the rest to a fresh invocation
// (same run), at most MAX_HANDOVERS times; otherwise the run records what is left. GET lists recent runs.
import { InvocationBudget } from "../backfill/budget.ts";
import { ConfigError, loadDatabaseConfig, loadRacingApiConfig, loadSupabaseConfig } from "../config.ts";
import { ukToday } from "../day/dates.ts";
import { connectDb, type Sql } from "../db.ts";
import { requireServiceRole } from "../http/auth.ts";
import { errorResponse, json, methodNotAllowed, preflight, readBodyText } from "../http/respond.ts";
import { createRacingApiClient } from "../racing_api/client.ts";
import { beatRun, type Env, finishRun, intEnv, type RunStatus, serveRecordedRun } from "../schedule/runs.ts";
import { DEFAULT_RESULTS_DAYS_BACK, planSync, type SyncDay } from "./plan.ts";
import { BadRequest, parseSyncBody, SYNC_USAGE, type SyncPost } from "./request.ts";
import { emptyTotals, errorMessage, runSync, type SyncSummary, type SyncTotals } from "./worker.ts";

// Every invocation must finish at least one day to hand over, so a chain is at most as long as the window.
export const MAX_HANDOVERS = 20;

export interface SyncHandlerDeps {
  env: Env;
  waitUntil: (p: Promise<unknown>) => void;
  now?: () => Date;
  fetch?: typeof fetch;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

function defaultLog(msg: string, fields: Record<string, unknown> = {}) {
  console.log(JSON.stringify({ at: new Date().toISOString(), fn: "sync", msg, ...fields }));
}

/** What a run reports (ra_internal.scheduled_runs.counts and the response body). */
export interface SyncRunReport {
  run_id: number;
  status: RunStatus;
  plan: "pro" | "standard";
  regions: readonly string[];
  today: string;
  notes: string[];
  totals: SyncTotals;
  days: SyncSummary["days"];
  days_left: SyncDay[];
  stopped_because: SyncSummary["stopped_because"];
  handed_over: boolean;
  invocation: { handover: number; budget: SyncSummary["budget"] };
  error?: string;
}

function addTotals(a: SyncTotals, b: SyncTotals): SyncTotals {
  const out = { ...a };
  for (const k of Object.keys(b) as (keyof SyncTotals)[]) out[k] = (a[k] ?? 0) + b[k];
  return out;
}

export function createSyncHandler(deps: SyncHandlerDeps): (req: Request) => Promise<Response> {
  const log = deps.log ?? defaultLog;
  const now = deps.now ?? (() => new Date());

  async function handOver(body: SyncPost): Promise<boolean> {
    try {
      const sb = loadSupabaseConfig(deps.env);
      const resp = await (deps.fetch ?? fetch)(`${sb.url}/functions/v1/sync`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${sb.serviceRoleKey.reveal()}`,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      await resp.body?.cancel();
      if (resp.status === 202) return true;
      log("hand-over refused", { status: resp.status });
    } catch (err) {
      log("hand-over failed", { error: errorMessage(err) });
    }
    return false;
  }

  /** One invocation's work on run `runId`; returns the report it recorded. */
  async function work(sql: Sql, runId: number, body: SyncPost, startedAt: number): Promise<SyncRunReport> {
    const racing = loadRacingApiConfig(deps.env);
    const today = ukToday(now());
    const daysBack = body.days_back ??
      intEnv(deps.env, "SYNC_RESULTS_DAYS_BACK", DEFAULT_RESULTS_DAYS_BACK, 0);
    const planned = planSync(today, { daysBack, plan: racing.plan });
    const days = body.days ?? planned.days;
    const handover = body.handover ?? 0;
    const budget = new InvocationBudget({
      wallMs: intEnv(deps.env, "SYNC_WALL_BUDGET_MS", 110_000),
      cpuMs: intEnv(deps.env, "SYNC_CPU_BUDGET_MS", 1_500),
    }, startedAt);
    const workerId = `sync:${runId}:${handover}`;
    const client = createRacingApiClient({ config: racing, sql, workerId });

    // A continuation adds to what the run already recorded.
    let prior: { totals: SyncTotals; days: SyncSummary["days"] } = { totals: emptyTotals(), days: [] };
    if (handover > 0) {
      const [row] = await sql<{ counts: Partial<SyncRunReport> }[]>`
        select counts from ra_internal.scheduled_runs where run_id = ${runId}::bigint`;
      prior = { totals: { ...emptyTotals(), ...row?.counts?.totals }, days: row?.counts?.days ?? [] };
    }
    const report = (s: SyncSummary, status: RunStatus, handedOver: boolean): SyncRunReport => ({
      run_id: runId,
      status,
      plan: racing.plan,
      regions: racing.regions,
      today,
      notes: planned.notes,
      totals: addTotals(prior.totals, s.totals),
      days: [...prior.days, ...s.days],
      days_left: s.days_left,
      stopped_because: s.stopped_because,
      handed_over: handedOver,
      invocation: { handover, budget: s.budget },
      ...(s.error ? { error: s.error } : {}),
    });

    const summary = await runSync({
      sql,
      client,
      budget,
      today,
      days,
      regions: racing.regions,
      onDay: (s) => beatRun(sql, runId, report(s, "running", false) as unknown as Record<string, unknown>),
      log: (msg, f) => log(msg, { run_id: runId, ...f }),
    });

    let handedOver = false;
    if (
      summary.stopped_because === "budget" && summary.days_left.length > 0 &&
      summary.totals.days_done + summary.totals.days_failed > 0 && handover < MAX_HANDOVERS
    ) {
      // Store the progress first: the next invocation reads it.
      await finishRun(sql, runId, "running", report(summary, "running", true) as never);
      handedOver = await handOver({
        run_id: runId,
        trigger: "handover",
        async: true,
        days: summary.days_left,
        handover: handover + 1,
      });
    }
    const failedDays = prior.days.filter((d) => d.status === "failed").length + summary.totals.days_failed;
    const status: RunStatus = handedOver
      ? "running"
      : summary.stopped_because === "halted" || summary.stopped_because === "database_error"
      ? "failed"
      : failedDays > 0 || summary.days_left.length > 0
      ? "partial"
      : "succeeded";
    const r = report(summary, status, handedOver);
    const error = summary.error ??
      (status === "partial"
        ? [
          failedDays > 0 ? `${failedDays} day(s) failed` : "",
          summary.days_left.length > 0
            ? `budget ran out with ${summary.days_left.length} day(s) left: ` +
              summary.days_left.map((d) => d.day).join(", ")
            : "",
        ].filter((x) => x).join("; ")
        : null);
    if (!handedOver) await finishRun(sql, runId, status, r as never, error);
    log("invocation finished", { run_id: runId, status, totals: r.totals, left: r.days_left.length });
    return error ? { ...r, error } : r;
  }

  return async (req: Request): Promise<Response> => {
    const startedAt = Date.now();
    if (req.method === "OPTIONS") return preflight();
    const denied = requireServiceRole(req);
    if (denied) return denied;
    if (req.method !== "GET" && req.method !== "POST") return methodNotAllowed(["GET", "POST"]);

    let body: SyncPost = {};
    if (req.method === "POST") {
      const text = await readBodyText(req, 16_000);
      if (text === null) return errorResponse(413, "body_too_large", `Body over 16 kB. ${SYNC_USAGE}`);
      try {
        body = parseSyncBody(text);
      } catch (err) {
        if (err instanceof BadRequest) return errorResponse(400, "bad_request", err.message);
        throw err;
      }
    }
    let sql: Sql;
    try {
      sql = connectDb(loadDatabaseConfig(deps.env).dbUrl.reveal(), { max: 2, applicationName: "sync" });
      if (req.method === "POST") loadRacingApiConfig(deps.env);
    } catch (err) {
      const hint = err instanceof ConfigError
        ? " Set the function secrets (supabase secrets set RACING_API_USERNAME=... RACING_API_PASSWORD=...)."
        : "";
      return errorResponse(500, "config_error", errorMessage(err) + hint);
    }

    if (req.method === "GET") {
      try {
        const runs = await sql`
          select run_id::int, trigger, status, queued_at, started_at, finished_at, invocations,
            counts -> 'totals' as totals, error
          from ra_internal.scheduled_runs where job = 'sync' order by run_id desc limit 10`;
        return json({ runs });
      } finally {
        await sql.end({ timeout: 5 });
      }
    }

    return await serveRecordedRun<SyncRunReport>({
      sql,
      job: "sync",
      body,
      work: (runId) => work(sql, runId, body, startedAt),
      waitUntil: deps.waitUntil,
      log,
      errorMessage,
    });
  };
}
