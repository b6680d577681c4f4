// Run records for scheduled work (ra_internal.scheduled_runs): a pg_net call "succeeds" as soon as it is
// queued, so the functions record their own start, heartbeats and finish. The cron job passes the run_id of
// the row it queued; a manual call gets a new row; a hand-over continues the same row.
import type { Sql } from "../db.ts";

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
