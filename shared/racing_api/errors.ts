// Errors thrown by the Racing API client. Messages name the endpoint (path without host), the cause and
// what to do; they never contain credentials (the client never puts them anywhere but the Authorization
// header, and params are sanitised before they reach an error).

export type ApiParams = Readonly<Record<string, string | readonly string[]>>;

export interface RacingApiErrorContext {
  /** Endpoint template, e.g. "/v1/horses/{horse_id}/pro". */
  endpoint: string;
  /** Concrete path without host, e.g. "/v1/horses/hrs_1/pro". */
  path?: string;
  params?: ApiParams;
  status?: number | null;
  attempt?: number;
  cause?: unknown;
}

/** Base class of everything the client throws on purpose. `retryable` says if a later run may succeed. */
export class RacingApiError extends Error {
  override name = "RacingApiError";
  readonly endpoint: string;
  readonly path: string;
  readonly params: ApiParams;
  readonly status: number | null;
  readonly attempt: number;
  /** Would running the same request later plausibly succeed? (Not: will the client retry it.) */
  readonly retryable: boolean = false;
  constructor(message: string, ctx: RacingApiErrorContext) {
    super(message, ctx.cause === undefined ? undefined : { cause: ctx.cause });
    this.endpoint = ctx.endpoint;
    this.path = ctx.path ?? ctx.endpoint;
    this.params = ctx.params ?? {};
    this.status = ctx.status ?? null;
    this.attempt = ctx.attempt ?? 0;
  }
}

/** 401/403: bad credentials / inactive account, OR the plan does not include the endpoint. Never retried. */
export class RacingApiAuthError extends RacingApiError {
  override name = "RacingApiAuthError";
  constructor(ctx: RacingApiErrorContext & { status: number; requiredPlan?: string }) {
    const plan = ctx.requiredPlan ? ` (this endpoint needs the ${ctx.requiredPlan} plan)` : "";
    super(
      `Racing API ${ctx.status} on ${
        ctx.path ?? ctx.endpoint
      }: either the credentials are wrong or the account ` +
        `is inactive, OR your plan does not include this endpoint${plan}. Check RACING_API_USERNAME and ` +
        `RACING_API_PASSWORD; if they are right, upgrade the plan or set RACING_API_PLAN to the plan you have ` +
        `so this endpoint is not called. Not retried.`,
      ctx,
    );
  }
}

/** 404: the thing does not exist (an unknown id, or a path the API does not have). Never retried. */
export class RacingApiNotFoundError extends RacingApiError {
  override name = "RacingApiNotFoundError";
  constructor(ctx: RacingApiErrorContext & { detail?: string }) {
    super(
      `Racing API 404 Not Found on ${ctx.path ?? ctx.endpoint}${ctx.detail ? ` (${ctx.detail})` : ""}: ` +
        `no such resource. Not retried.`,
      ctx,
    );
  }
}

/** 422: the server rejected the parameters (FastAPI validation). Carries the server's detail. Never retried. */
export class RacingApiValidationError extends RacingApiError {
  override name = "RacingApiValidationError";
  readonly detail: unknown;
  constructor(ctx: RacingApiErrorContext & { detail: unknown }) {
    super(
      `Racing API 422 bad parameters on ${ctx.path ?? ctx.endpoint} with ${
        JSON.stringify(ctx.params ?? {})
      }: ` +
        `${describeDetail(ctx.detail)}. Fix the request; not retried.`,
      ctx,
    );
    this.detail = ctx.detail;
  }
}

/** Any other non-retryable HTTP status (400, 405, ...). */
export class RacingApiHttpError extends RacingApiError {
  override name = "RacingApiHttpError";
  constructor(ctx: RacingApiErrorContext & { status: number; detail?: string }) {
    super(
      `Racing API HTTP ${ctx.status} on ${ctx.path ?? ctx.endpoint}${ctx.detail ? `: ${ctx.detail}` : ""}. ` +
        `Not retried.`,
      ctx,
    );
  }
}

/** The plan configured in RACING_API_PLAN does not include the endpoint; no request was sent. */
export class RacingApiPlanError extends RacingApiError {
  override name = "RacingApiPlanError";
  constructor(ctx: RacingApiErrorContext & { plan: string; requiredPlan: string }) {
    super(
      `${ctx.endpoint} needs the ${ctx.requiredPlan} plan but RACING_API_PLAN is "${ctx.plan}"; no request sent. ` +
        `Upgrade the plan and set RACING_API_PLAN, or do not call this endpoint.`,
      ctx,
    );
  }
}

/** Retryable failures (429, 5xx, timeouts, network, unreadable bodies) persisted through every attempt. */
export class RacingApiRetriesExhaustedError extends RacingApiError {
  override name = "RacingApiRetriesExhaustedError";
  override readonly retryable = true;
  readonly lastErrorClass: string;
  constructor(ctx: RacingApiErrorContext & { attempts: number; lastErrorClass: string }) {
    super(
      `Racing API ${ctx.path ?? ctx.endpoint} still failing after ${ctx.attempts} attempts ` +
        `(last: ${ctx.lastErrorClass}${ctx.status ? ` HTTP ${ctx.status}` : ""}). Try again later.`,
      ctx,
    );
    this.lastErrorClass = ctx.lastErrorClass;
  }
}

/** The server asked us to wait longer than the client allows in one call (Retry-After beyond maxWaitMs). */
export class RacingApiRateLimitedError extends RacingApiError {
  override name = "RacingApiRateLimitedError";
  override readonly retryable = true;
  readonly retryAfterMs: number;
  constructor(ctx: RacingApiErrorContext & { retryAfterMs: number; maxWaitMs: number }) {
    super(
      `Racing API rate-limited ${ctx.path ?? ctx.endpoint} and asked to wait ${fmtS(ctx.retryAfterMs)}, ` +
        `more than the ${
          fmtS(ctx.maxWaitMs)
        } allowed per wait. The shared bucket is paused; try again later.`,
      ctx,
    );
    this.retryAfterMs = ctx.retryAfterMs;
  }
}

/**
 * The next wait (for a token, a Retry-After, a backoff) or the request itself would run past the caller's
 * deadline, so the client stopped early instead of overrunning it.
 */
export class DeadlineExceededError extends RacingApiError {
  override name = "DeadlineExceededError";
  override readonly retryable = true;
  readonly deadline: number;
  /** The wait (ms) that would have overrun the deadline. */
  readonly waitMs: number;
  constructor(ctx: RacingApiErrorContext & { deadline: number; waitMs: number; reason: string }) {
    super(
      `Deadline exceeded for ${ctx.path ?? ctx.endpoint}: ${ctx.reason} needs ${fmtS(ctx.waitMs)} but the ` +
        `caller's deadline (${new Date(ctx.deadline).toISOString()}) is ` +
        `${
          fmtS(Math.max(0, ctx.deadline - Date.now()))
        } away; stopped without waiting. Resume in a later run.`,
      ctx,
    );
    this.deadline = ctx.deadline;
    this.waitMs = ctx.waitMs;
  }
}

/** Paging did not converge: `total` kept changing between pages, or the server did not advance. */
export class RacingApiPagingError extends RacingApiError {
  override name = "RacingApiPagingError";
  override readonly retryable = true;
  constructor(message: string, ctx: RacingApiErrorContext) {
    super(`Paging ${ctx.endpoint}: ${message}`, ctx);
  }
}

/** A caller passed something the client refuses to send (bad date, empty id). No request was sent. */
export class RacingApiUsageError extends RacingApiError {
  override name = "RacingApiUsageError";
}

function fmtS(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 0)} s`;
}

function describeDetail(detail: unknown): string {
  if (Array.isArray(detail)) {
    return detail.map((d) => {
      if (d && typeof d === "object") {
        const o = d as { loc?: unknown[]; msg?: string };
        return `${Array.isArray(o.loc) ? o.loc.join(".") : "?"}: ${o.msg ?? JSON.stringify(d)}`;
      }
      return String(d);
    }).join("; ");
  }
  if (typeof detail === "string") return detail;
  return detail === undefined ? "no detail" : JSON.stringify(detail);
}
