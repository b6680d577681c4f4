// The backfill function's logic behind its thin index.ts: progress on GET, plan/retry/continue on POST
// (service role only), then the worker runs in the background (EdgeRuntime.waitUntil) within the invocation's
// budget and hands over to a fresh invocation while work remains. The minute cron job is the safety net.
import { ConfigError, loadDatabaseConfig, loadRacingApiConfig, loadSupabaseConfig } from "../config.ts";
import { connectDb, type Sql } from "../db.ts";
import { ukToday } from "../day/dates.ts";
import { requireServiceRole } from "../http/auth.ts";
import { errorResponse, json, methodNotAllowed, preflight, readBodyText } from "../http/respond.ts";
import { createRacingApiClient } from "../racing_api/client.ts";
import { InvocationBudget } from "./budget.ts";
import { type BackfillCommand, BadRequest, parseBackfillBody, toCommand, USAGE } from "./request.ts";
import { errorMessage, runBackfillInvocation } from "./worker.ts";

type Env = Record<string, string | undefined>;

export interface BackfillHandlerDeps {
  env: Env;
  waitUntil: (p: Promise<unknown>) => void;
  now?: () => Date;
  fetch?: typeof fetch;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

function intEnv(env: Env, name: string, fallback: number): number {
  const v = Number(env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

function newWorkerId(): string {
  return `backfill:${crypto.randomUUID().slice(0, 8)}`;
}

export function defaultLog(msg: string, fields: Record<string, unknown> = {}) {
  console.log(JSON.stringify({ at: new Date().toISOString(), fn: "backfill", msg, ...fields }));
}

async function progress(sql: Sql): Promise<unknown> {
  const [row] = await sql<{ p: unknown }[]>`select ra_internal.backfill_progress() as p`;
  return row.p;
}

export function createBackfillHandler(deps: BackfillHandlerDeps): (req: Request) => Promise<Response> {
  const log = deps.log ?? defaultLog;
  const now = deps.now ?? (() => new Date());

  /** Runs one worker invocation, then hands over to a fresh invocation if work remains. */
  async function work(
    startedAt: number,
    env: Env,
    isContinuation: boolean,
    inherit?: { worker: string; chunk: string; from: string },
  ): Promise<void> {
    const racing = loadRacingApiConfig(env);
    const db = loadDatabaseConfig(env);
    const sql = connectDb(db.dbUrl.reveal(), { max: 3, applicationName: "backfill worker" });
    const workerId = inherit?.worker ?? newWorkerId();
    let handingOver: Promise<unknown> | null = null;
    try {
      const budget = new InvocationBudget({
        wallMs: intEnv(env, "BACKFILL_WALL_BUDGET_MS", 110_000),
        cpuMs: intEnv(env, "BACKFILL_CPU_BUDGET_MS", 1_500),
      }, startedAt);
      const client = createRacingApiClient({
        config: racing,
        sql,
        workerId,
        requestTimeoutMs: intEnv(env, "RACING_API_TIMEOUT_MS", 30_000),
      });
      const summary = await runBackfillInvocation({
        sql,
        client,
        workerId,
        budget,
        today: ukToday(now()),
        leaseSeconds: intEnv(env, "BACKFILL_LEASE_SECONDS", 60),
        claimWaitMs: isContinuation ? intEnv(env, "BACKFILL_CLAIM_WAIT_MS", 10_000) : 0,
        inherit: inherit ? { chunkId: inherit.chunk, from: inherit.from } : undefined,
        onLastDay: (next) => {
          const successor = next
            ? { worker: newWorkerId(), chunk: next.chunkId, from: next.from }
            : undefined;
          const started = handOver(env, successor).catch((err) => {
            log("hand-over failed; the minute cron job will resume", { error: errorMessage(err) });
            return false;
          });
          handingOver = started;
          return started.then((ok) => (ok && successor ? successor.worker : null));
        },
        log: (msg, fields) => log(msg, { worker: workerId, ...fields }),
      });
      log("invocation finished", { ...summary });
      await handingOver;
    } finally {
      await sql.end({ timeout: 5 });
    }
  }

  /**
   * Starts a fresh invocation of this function (hosted: a new worker with fresh limits); with `successor`,
   * it runs under that worker id and starts on the named chunk and day. Resolves true once it accepted.
   */
  async function handOver(
    env: Env,
    successor?: { worker: string; chunk: string; from: string },
  ): Promise<boolean> {
    const sb = loadSupabaseConfig(env);
    const resp = await (deps.fetch ?? fetch)(`${sb.url}/functions/v1/backfill`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${sb.serviceRoleKey.reveal()}` },
      body: JSON.stringify(successor ? { continue: true, handover: successor } : { continue: true }),
      signal: AbortSignal.timeout(15_000),
    });
    await resp.body?.cancel();
    if (resp.status !== 202) {
      log("hand-over was refused; the minute cron job will resume", { status: resp.status });
    }
    return resp.status === 202;
  }

  function startWorkers(
    n: number,
    startedAt: number,
    isContinuation: boolean,
    inherit?: { worker: string; chunk: string; from: string },
  ) {
    deps.waitUntil(
      work(startedAt, deps.env, isContinuation, inherit).catch((err) =>
        log("worker failed", { error: errorMessage(err) })
      ),
    );
    for (let i = 1; i < n; i++) {
      deps.waitUntil(
        handOver(deps.env).catch((err) => log("could not start worker", { error: errorMessage(err) })),
      );
    }
  }

  return async (req: Request): Promise<Response> => {
    const startedAt = Date.now();
    if (req.method === "OPTIONS") return preflight();
    const denied = requireServiceRole(req);
    if (denied) return denied;
    if (req.method !== "GET" && req.method !== "POST") return methodNotAllowed(["GET", "POST"]);

    let sql: Sql;
    try {
      sql = connectDb(loadDatabaseConfig(deps.env).dbUrl.reveal(), {
        max: 1,
        applicationName: "backfill api",
      });
    } catch (err) {
      return errorResponse(500, "config_error", errorMessage(err));
    }
    try {
      if (req.method === "GET") return json(await progress(sql));

      const text = await readBodyText(req, 10_000);
      if (text === null) return errorResponse(413, "body_too_large", `Body over 10 kB. ${USAGE}`);
      let command: BackfillCommand;
      let regions: readonly string[];
      let plan: "pro" | "standard";
      try {
        const racing = loadRacingApiConfig(deps.env);
        regions = racing.regions;
        plan = racing.plan;
      } catch (err) {
        if (err instanceof ConfigError) {
          return errorResponse(
            500,
            "config_error",
            `${err.message} Set the function secrets (supabase secrets set RACING_API_USERNAME=... ` +
              "RACING_API_PASSWORD=...) and post again.",
          );
        }
        throw err;
      }
      try {
        command = toCommand(parseBackfillBody(text), {
          today: ukToday(now()),
          plan,
          defaultRegions: regions,
        });
      } catch (err) {
        if (err instanceof BadRequest) return errorResponse(400, "bad_request", err.message);
        throw err;
      }

      let planned: unknown = null;
      if (command.kind === "plan") {
        const [row] = await sql<{ p: unknown }[]>`
          select ra_internal.plan_backfill(${command.from}::date, ${command.to}::date, ${command.regions}::text[]) as p`;
        planned = row.p;
      } else if (command.kind === "retry") {
        const [row] = await sql<{ p: unknown }[]>`select ra_internal.retry_failed_backfill_days() as p`;
        planned = row.p;
      }
      const state = await progress(sql) as { state: string; halted_reason: string | null };
      if (state.state === "halted") {
        return errorResponse(
          409,
          "halted",
          `The backfill is halted: ${state.halted_reason} Post a plan or ` +
            '{"retry":"failed"} after fixing the cause.',
          { progress: state },
        );
      }
      startWorkers(
        command.workers,
        startedAt,
        command.kind === "continue",
        command.kind === "continue" ? command.handover : undefined,
      );
      return json({ accepted: true, command: command.kind, plan: planned, progress: state }, 202);
    } catch (err) {
      log("request failed", { error: errorMessage(err) });
      return errorResponse(500, "internal_error", "The backfill request failed; see the function log.");
    } finally {
      await sql.end({ timeout: 5 });
    }
  };
}
