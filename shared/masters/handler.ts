// The masters function's logic behind its thin index.ts. POST (service role only): courses + regions from the
// API, the bookmakers report, and the budgeted horse enrichment lane, recorded in ra_internal.scheduled_runs.
// {"async":true} (the cron job's mode) answers 202 at once and works in the background. GET lists recent runs.
import { InvocationBudget } from "../backfill/budget.ts";
import { ConfigError, loadDatabaseConfig, loadRacingApiConfig } from "../config.ts";
import { connectDb, type Sql } from "../db.ts";
import { requireServiceRole } from "../http/auth.ts";
import { errorResponse, json, methodNotAllowed, preflight, readBodyText } from "../http/respond.ts";
import { createRacingApiClient } from "../racing_api/client.ts";
import { beatRun, type Env, finishRun, intEnv, type RunStatus, serveRecordedRun } from "../schedule/runs.ts";
import { type EnrichSummary, runEnrichment } from "./enrich.ts";
import { BadRequest, MASTERS_PARTS, MASTERS_USAGE, type MastersPost, parseMastersBody } from "./request.ts";
import {
  bookmakersReport,
  type BookmakersSummary,
  type CoursesSummary,
  refreshCourses,
} from "./reference.ts";

export const DEFAULT_ENRICH_BUDGET = 200;

export interface MastersHandlerDeps {
  env: Env;
  waitUntil: (p: Promise<unknown>) => void;
  fetch?: typeof fetch;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface MastersReport {
  run_id: number;
  status: RunStatus;
  courses?: CoursesSummary;
  bookmakers?: BookmakersSummary;
  enrich?: EnrichSummary;
  errors: string[];
  budget?: ReturnType<InvocationBudget["summary"]>;
}

function defaultLog(msg: string, fields: Record<string, unknown> = {}) {
  console.log(JSON.stringify({ at: new Date().toISOString(), fn: "masters", msg, ...fields }));
}

function errorMessage(err: unknown): string {
  const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return msg.length > 1000 ? `${msg.slice(0, 1000)}…` : msg;
}

export function createMastersHandler(deps: MastersHandlerDeps): (req: Request) => Promise<Response> {
  const log = deps.log ?? defaultLog;

  async function work(sql: Sql, runId: number, body: MastersPost, startedAt: number): Promise<MastersReport> {
    const racing = loadRacingApiConfig(deps.env);
    const parts = new Set(body.parts ?? MASTERS_PARTS);
    const budget = new InvocationBudget({
      wallMs: intEnv(deps.env, "MASTERS_WALL_BUDGET_MS", 110_000),
      cpuMs: intEnv(deps.env, "MASTERS_CPU_BUDGET_MS", 1_500),
    }, startedAt);
    const workerId = `masters:${runId}`;
    const r: MastersReport = { run_id: runId, status: "running", errors: [] };

    if (parts.has("courses")) {
      try {
        const client = createRacingApiClient({ config: racing, sql, workerId, fetch: deps.fetch });
        r.courses = await refreshCourses(sql, client, { regions: racing.regions, deadline: budget.deadline });
      } catch (err) {
        r.errors.push(`courses: ${errorMessage(err)}`);
      }
      await beatRun(sql, runId, r as never);
    }
    if (parts.has("bookmakers")) {
      try {
        r.bookmakers = await bookmakersReport(sql);
      } catch (err) {
        r.errors.push(`bookmakers: ${errorMessage(err)}`);
      }
    }
    if (parts.has("enrich")) {
      try {
        r.enrich = await runEnrichment({
          sql,
          config: racing,
          budget,
          callBudget: body.enrich_budget ??
            intEnv(deps.env, "MASTERS_ENRICH_BUDGET", DEFAULT_ENRICH_BUDGET, 0),
          workerId,
          concurrency: intEnv(deps.env, "MASTERS_ENRICH_CONCURRENCY", 3),
          fetch: deps.fetch,
          onBatch: (e) => beatRun(sql, runId, { ...r, enrich: e } as never),
          log: (msg, f) => log(msg, { run_id: runId, ...f }),
        });
        if (r.enrich.stopped_because === "halted" || r.enrich.stopped_because === "database_error") {
          r.errors.push(`enrich: ${r.enrich.error_message}`);
        }
      } catch (err) {
        r.errors.push(`enrich: ${errorMessage(err)}`);
      }
    }
    r.budget = budget.summary();
    const partsFailed = r.errors.length;
    r.status = partsFailed === 0 ? "succeeded" : partsFailed >= parts.size ? "failed" : "partial";
    await finishRun(sql, runId, r.status, r as never, r.errors.length ? r.errors.join("; ") : null);
    log("run finished", { run_id: runId, status: r.status, enrich: r.enrich, courses: r.courses });
    return r;
  }

  return async (req: Request): Promise<Response> => {
    const startedAt = Date.now();
    if (req.method === "OPTIONS") return preflight();
    const denied = requireServiceRole(req);
    if (denied) return denied;
    if (req.method !== "GET" && req.method !== "POST") return methodNotAllowed(["GET", "POST"]);

    let body: MastersPost = {};
    if (req.method === "POST") {
      const text = await readBodyText(req, 8_000);
      if (text === null) return errorResponse(413, "body_too_large", `Body over 8 kB. ${MASTERS_USAGE}`);
      try {
        body = parseMastersBody(text);
      } catch (err) {
        if (err instanceof BadRequest) return errorResponse(400, "bad_request", err.message);
        throw err;
      }
    }
    let sql: Sql;
    try {
      sql = connectDb(loadDatabaseConfig(deps.env).dbUrl.reveal(), { max: 2, applicationName: "masters" });
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
          select run_id::int, trigger, status, queued_at, started_at, finished_at, counts, error
          from ra_internal.scheduled_runs where job = 'masters' order by run_id desc limit 10`;
        return json({ runs });
      } finally {
        await sql.end({ timeout: 5 });
      }
    }

    return await serveRecordedRun<MastersReport>({
      sql,
      job: "masters",
      body,
      work: (runId) => work(sql, runId, body, startedAt),
      waitUntil: deps.waitUntil,
      log,
      errorMessage,
    });
  };
}
