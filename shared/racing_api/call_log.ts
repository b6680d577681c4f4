// Recording every Racing API attempt (retries included) for the status views: ra_internal.api_calls.
import type { Sql } from "./rate_limiter.ts";

export type CallOutcome = "ok" | "retry" | "error";

export type ErrorClass =
  | "http_429"
  | "http_5xx"
  | "timeout"
  | "network"
  | "invalid_json"
  | "invalid_body"
  | "auth"
  | "not_found"
  | "validation"
  | "http_4xx"
  | "aborted";

/** One attempt. Contains no credentials: params are the query parameters sent, account is a hash. */
export interface ApiCallEntry {
  startedAt: Date;
  /** Hash of the API username (the bucket key), or null. */
  account: string | null;
  workerId: string | null;
  /** Endpoint template, e.g. "/v1/horses/{horse_id}/pro". */
  endpoint: string;
  /** Concrete path without host or query. */
  path: string;
  /** Query parameters; repeated keys become arrays. */
  params: Record<string, string | string[]>;
  /** The racing date the call is about (YYYY-MM-DD), if any. */
  dateParam: string | null;
  pageIndex: number | null;
  attempt: number;
  status: number | null;
  outcome: CallOutcome;
  errorClass: ErrorClass | null;
  errorDetail: string | null;
  latencyMs: number;
  tokenWaitMs: number | null;
  retryAfterMs: number | null;
  responseBytes: number | null;
  responseSha256: string | null;
}

export interface CallRecorder {
  record(entry: ApiCallEntry): Promise<void>;
}

/** Keeps entries in memory (unit tests, local tools). */
export class InMemoryCallRecorder implements CallRecorder {
  readonly entries: ApiCallEntry[] = [];
  record(entry: ApiCallEntry): Promise<void> {
    this.entries.push(entry);
    return Promise.resolve();
  }
}

/** Records nothing. */
export const NO_CALL_RECORDING: CallRecorder = { record: () => Promise.resolve() };

/** Inserts one row per attempt into ra_internal.api_calls (migration 20251103000100). */
export class PostgresCallRecorder implements CallRecorder {
  readonly #sql: Sql;
  constructor(sql: Sql) {
    this.#sql = sql;
  }
  async record(e: ApiCallEntry): Promise<void> {
    await this.#sql`
      insert into ra_internal.api_calls (
        started_at, account, worker_id, endpoint, path, params, date_param, page_index, attempt, status,
        outcome, error_class, error_detail, latency_ms, token_wait_ms, retry_after_ms, response_bytes,
        response_sha256)
      values (
        ${e.startedAt.toISOString()}::timestamptz, ${e.account}, ${e.workerId}, ${e.endpoint}, ${e.path},
        ${
      JSON.stringify(e.params)
    }::text::jsonb, ${e.dateParam}::date, ${e.pageIndex}::int, ${e.attempt}::int,
        ${e.status}::int, ${e.outcome}, ${e.errorClass}, ${e.errorDetail}, ${Math.round(e.latencyMs)}::int,
        ${e.tokenWaitMs === null ? null : Math.round(e.tokenWaitMs)}::int,
        ${e.retryAfterMs === null ? null : Math.round(e.retryAfterMs)}::int, ${e.responseBytes}::int,
        ${e.responseSha256})`;
  }
}
