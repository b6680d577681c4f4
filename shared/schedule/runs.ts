// Run records for scheduled work (ra_internal.scheduled_runs): a pg_net call "succeeds" as soon as it is
// queued, so the functions record their own start, heartbeats and finish. The cron job passes the run_id of
// the row it queued; a manual call gets a new row; a hand-over continues the same row.
import type { Sql } from "../db.ts";
import { errorResponse, json } from "../http/respond.ts";

export type RunJob = "sync" | "masters";
export type RunTrigger = "cron" | "manual" | "handover";
export type RunStatus = "running" | "succeeded" | "partial" | "failed" | "skipped";

/** Marks the run running (or creates one) and returns its id. */
export async function startRun(
  sql: Sql,
  job: RunJob,
  opts: { runId?: number | null; trigger?: RunTrigger } = {},
): Promise<number> {
  const [row] = await sql<{ id: string }[]>`
    select ra_internal.scheduled_run_start(${job}, ${opts.runId ?? null}::bigint, ${
    opts.trigger ?? "manual"
  })::text as id`;
  return Number(row.id);
}

/** Heartbeat with the running totals. Never throws (a lost beat must not stop the work). */
export async function beatRun(sql: Sql, runId: number, counts: Record<string, unknown>): Promise<void> {
  try {
    await sql`select ra_internal.scheduled_run_beat(${runId}::bigint, ${sql.json(counts as never)})`;
  } catch { /* the next beat or the finish will tell */ }
}

export async function finishRun(
  sql: Sql,
  runId: number,
  status: RunStatus,
  counts: Record<string, unknown>,
  error: string | null = null,
): Promise<void> {
  await sql`select ra_internal.scheduled_run_finish(${runId}::bigint, ${status}, ${
    sql.json(counts as never)
  }, ${error})`;
}

export type Env = Record<string, string | undefined>;

/** A positive integer from the environment, else the fallback. */
export function intEnv(env: Env, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const v = Number(raw);
  return Number.isInteger(v) && v >= min ? v : fallback;
}

/**
 * The shared tail of a recorded function run (sync, masters): record the run, then do the work in the
 * background (`async`, the cron job's mode: answer 202 at once) or inline (answer with the report), marking
 * the run failed if the work throws. Closes `sql` when the work is over.
 */
export async function serveRecordedRun<R extends { status: string }>(opts: {
  sql: Sql;
  job: RunJob;
  body: { run_id?: number; trigger?: RunTrigger; async?: boolean };
  work: (runId: number) => Promise<R>;
  waitUntil: (p: Promise<unknown>) => void;
  log: (msg: string, fields?: Record<string, unknown>) => void;
  errorMessage: (err: unknown) => string;
}): Promise<Response> {
  const { sql, job, body, log } = opts;
  let runId: number;
  try {
    runId = await startRun(sql, job, {
      runId: body.run_id,
      trigger: body.trigger ?? (body.run_id ? "cron" : "manual"),
    });
  } catch (err) {
    await sql.end({ timeout: 5 });
    log("could not record the run", { error: opts.errorMessage(err) });
    return errorResponse(500, "internal_error", "Could not record the run; see the function log.");
  }
  const run = async (): Promise<R | null> => {
    try {
      return await opts.work(runId);
    } catch (err) {
      log(`${job} failed`, { run_id: runId, error: opts.errorMessage(err) });
      await finishRun(sql, runId, "failed", {}, opts.errorMessage(err)).catch(() => {});
      return null;
    } finally {
      await sql.end({ timeout: 5 });
    }
  };
  if (body.async) {
    opts.waitUntil(run());
    return json({ accepted: true, run_id: runId }, 202);
  }
  const r = await run();
  if (r === null) {
    const name = job === "sync" ? "Sync" : "Masters";
    return errorResponse(
      500,
      "internal_error",
      `${name} run ${runId} failed; see ra_internal.scheduled_runs.`,
      {
        run_id: runId,
      },
    );
  }
  return json(r, r.status === "failed" ? 502 : 200);
}
