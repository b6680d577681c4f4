// The Racing API client used by every function and tool.
//
// - ky for HTTP, Basic auth from config (credentials checked when the client is constructed).
// - One shared rate limiter (RateLimiter; Postgres token bucket in production): a token before EVERY attempt.
// - Retries 429 / 5xx / timeouts / network errors / unreadable bodies, honouring Retry-After (seconds or
//   HTTP date), else exponential backoff with full jitter; bounded attempts; never past the caller's deadline.
//   401/403/404/422 (and other 4xx) are terminal, with messages naming the cause.
// - Every attempt is recorded (CallRecorder; ra_internal.api_calls in production).
// - Methods return the raw parsed JSON pages with their request params, page index, fetched_at, and the
//   response body's SHA-256 and size. Validation/mapping is shared/racing_api/schemas.ts's job.
import ky from "ky";
import type { RacingApiConfig } from "../config.ts";
import {
  type ApiCallEntry,
  type CallOutcome,
  type CallRecorder,
  type ErrorClass,
  PostgresCallRecorder,
} from "./call_log.ts";
import {
  type ApiParams,
  DeadlineExceededError,
  RacingApiAuthError,
  RacingApiError,
  RacingApiHttpError,
  RacingApiNotFoundError,
  RacingApiPagingError,
  RacingApiPlanError,
  RacingApiRateLimitedError,
  RacingApiRetriesExhaustedError,
  RacingApiUsageError,
  RacingApiValidationError,
} from "./errors.ts";
import { accountKey, PostgresRateLimiter, type RateLimiter, sha256Hex, type Sql } from "./rate_limiter.ts";
import {
  backoffMs,
  type BackoffOptions,
  DEFAULT_BACKOFF,
  parseRetryAfter,
  sleep,
  toDeadline,
} from "./retry.ts";

// ---------------------------------------------------------------------------------------------------------
// Public types

/** Per-call options. Without a deadline the call is bounded by maxAttempts and the per-wait caps only. */
export interface CallOptions {
  /** Epoch ms (or Date) by which the call must be over; the client stops early rather than overrun it. */
  deadline?: number | Date;
  /** Aborts the call (rejects with the signal's reason; not retried). */
  signal?: AbortSignal;
}

export interface RegionOptions extends CallOptions {
  /** Lower-case region codes; default config.regions (RACING_API_REGIONS, default gb,ire). */
  regions?: readonly string[];
}

/** One HTTP response, as received. `body` is the parsed JSON, unvalidated. */
export interface FetchedPage<T = unknown> {
  /** Endpoint template, e.g. "/v1/results". */
  endpoint: string;
  /** Concrete path without host. */
  path: string;
  /** Query parameters sent, as [key, value] pairs in order (repeated keys repeated). */
  query: [string, string][];
  /** Same parameters as an object (repeated keys become arrays). */
  params: Record<string, string | string[]>;
  /** 0-based page number within a paged fetch (0 for single requests). */
  pageIndex: number;
  /** ISO timestamp when the body was received. */
  fetchedAt: string;
  status: number;
  /** Attempts this page took (1 = first try). */
  attempts: number;
  /** Size of the response body in bytes. */
  bytes: number;
  /** SHA-256 (hex) of the response body bytes. */
  sha256: string;
  body: T;
  /** The body exactly as received (it parsed as JSON): stored verbatim as the raw response. */
  text: string;
}

/** All pages of one paged query. */
export interface PagedFetch<T = unknown> {
  endpoint: string;
  /** The racing date asked for. */
  date: string;
  regions: string[];
  pages: FetchedPage<T>[];
  /** Items of every page concatenated (results[] / racecards[]), in server order. */
  items: unknown[];
  /** The server's `total` (from the last consistent pass). */
  total: number;
  /** How often paging restarted from page 0 because `total` changed between pages. */
  restarts: number;
}

export interface HorseProfileFetch {
  /** "pro" = detailed profile; "standard" = basic profile (pro had none (404), or the plan is standard). */
  kind: "pro" | "standard";
  /** The id asked for, and the hrs_ id actually requested (sir_/dam_/dsi_ are swapped to hrs_ per the spec). */
  requestedId: string;
  horseId: string;
  page: FetchedPage;
}

export interface RacingApiClientOptions {
  config: RacingApiConfig;
  limiter: RateLimiter;
  recorder: CallRecorder;
  /** Identifies the worker/invocation in the call log. */
  workerId?: string;
  /** Attempts per request, first try included (default 5). */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  /** Per-attempt timeout covering headers and body (default 30 s). */
  requestTimeoutMs?: number;
  /** Don't start an attempt with less than this left before the deadline (default 1 s). */
  minAttemptMs?: number;
  /** Longest single wait (Retry-After or backoff) the client accepts; longer → RacingApiRateLimitedError. */
  maxWaitMs?: number;
  /** Restarts of a paged query when `total` changes between pages (default 2). */
  maxPagingRestarts?: number;
  /** Page size for /v1/results (default 50; the server's own `limit` decides the step). */
  resultsPageSize?: number;
  /** Page size for /v1/racecards/pro (default 500). */
  racecardsPageSize?: number;
  /** Injected for tests. */
  fetch?: typeof fetch;
  random?: () => number;
  now?: () => number;
}

// ---------------------------------------------------------------------------------------------------------
// Endpoint facts (vendor spec v1.4.3 + real captures)

const EP = {
  results: "/v1/results",
  racecardsPro: "/v1/racecards/pro",
  horsePro: "/v1/horses/{horse_id}/pro",
  horseStandard: "/v1/horses/{horse_id}/standard",
  courses: "/v1/courses",
  regions: "/v1/courses/regions",
} as const;

const REQUIRED_PLAN: Record<string, string> = {
  [EP.results]: "Standard",
  [EP.racecardsPro]: "Pro",
  [EP.horsePro]: "Pro",
  [EP.horseStandard]: "Standard",
  [EP.courses]: "Free",
  [EP.regions]: "Free",
};

/** skip maxima from the spec: results 20000, racecards 500. */
const MAX_SKIP = { results: 20_000, racecards: 500 } as const;
const MAX_PAGES = 500;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const REGION_RE = /^[a-z]{2,4}$/;
const ID_RE = /^[a-z]{3}_[0-9A-Za-z]+$/;

// ---------------------------------------------------------------------------------------------------------

interface RequestSpec {
  endpoint: string;
  path: string;
  query: [string, string][];
  dateParam: string | null;
  pageIndex: number;
  /** Extra check of a 2xx body; return a reason to treat it as an unreadable (retryable) response. */
  validate?: (body: unknown) => string | null;
}

interface AttemptFailure {
  errorClass: ErrorClass;
  status: number | null;
  retryAfterMs: number | null;
  detail: string;
}

export class RacingApiClient {
  readonly config: RacingApiConfig;
  readonly workerId: string | null;
  readonly #limiter: RateLimiter;
  readonly #recorder: CallRecorder;
  readonly #authorization: string;
  readonly #secrets: string[];
  readonly #account: Promise<string>;
  readonly #fetch: typeof fetch;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #maxAttempts: number;
  readonly #backoff: BackoffOptions;
  readonly #requestTimeoutMs: number;
  readonly #minAttemptMs: number;
  readonly #maxWaitMs: number;
  readonly #maxRestarts: number;
  readonly #resultsPageSize: number;
  readonly #racecardsPageSize: number;
  /** Requests sent whose response has not arrived yet, and quiet() callers waiting for none. */
  #onTheWay = 0;
  #settled: (() => void)[] = [];

  constructor(opts: RacingApiClientOptions) {
    const { config } = opts;
    const user = config?.username?.reveal?.() ?? "";
    const pass = config?.password?.reveal?.() ?? "";
    const missing = [
      ...(user === "" ? ["RACING_API_USERNAME"] : []),
      ...(pass === "" ? ["RACING_API_PASSWORD"] : []),
    ];
    if (missing.length > 0) {
      throw new RacingApiUsageError(
        `Racing API client: ${missing.join(" and ")} not set. Set the account's credentials ` +
          `(see shared/config.ts loadRacingApiConfig) before starting; refusing to send unauthenticated requests.`,
        { endpoint: "(client)" },
      );
    }
    this.config = config;
    this.workerId = opts.workerId ?? null;
    this.#limiter = opts.limiter;
    this.#recorder = opts.recorder;
    this.#authorization = "Basic " + base64Utf8(`${user}:${pass}`);
    // Longest first, and also in their JSON-escaped forms (a server may echo them inside JSON).
    this.#secrets = [
      ...new Set(
        [this.#authorization, base64Utf8(`${user}:${pass}`), user, pass].flatMap((s) => [
          s,
          JSON.stringify(s).slice(1, -1),
        ]),
      ),
    ].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
    this.#account = accountKey(user);
    this.#fetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
    this.#random = opts.random ?? Math.random;
    this.#now = opts.now ?? Date.now;
    this.#maxAttempts = Math.max(1, opts.maxAttempts ?? 5);
    this.#backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.#requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.#minAttemptMs = opts.minAttemptMs ?? 1_000;
    this.#maxWaitMs = opts.maxWaitMs ?? 60_000;
    this.#maxRestarts = opts.maxPagingRestarts ?? 2;
    this.#resultsPageSize = opts.resultsPageSize ?? 50;
    this.#racecardsPageSize = opts.racecardsPageSize ?? 500;
  }

  // -------------------------------------------------------------------------------------------------------
  // Endpoints

  /**
   * Every result of one date: GET /v1/results?start_date=D&end_date=D&region=gb&region=ire&limit=50&skip=N,
   * paged until the server's `total` is reached.
   */
  results(date: string, opts: RegionOptions = {}): Promise<PagedFetch> {
    checkDate(date, EP.results);
    const regions = this.#regions(opts.regions, EP.results);
    const base: [string, string][] = [
      ["start_date", date],
      ["end_date", date],
      ...regions.map((r): [string, string] => ["region", r]),
    ];
    return this.#paged({
      endpoint: EP.results,
      itemsKey: "results",
      base,
      pageSize: this.#resultsPageSize,
      maxSkip: MAX_SKIP.results,
      date,
      regions,
      opts,
    });
  }

  /** Every racecard of one date: GET /v1/racecards/pro?date=D&region_codes=gb&region_codes=ire&limit=500. */
  racecardsPro(date: string, opts: RegionOptions = {}): Promise<PagedFetch> {
    checkDate(date, EP.racecardsPro);
    if (this.config.plan !== "pro") {
      throw new RacingApiPlanError({
        endpoint: EP.racecardsPro,
        plan: this.config.plan,
        requiredPlan: "Pro",
      });
    }
    const regions = this.#regions(opts.regions, EP.racecardsPro);
    const base: [string, string][] = [
      ["date", date],
      ...regions.map((r): [string, string] => ["region_codes", r]),
    ];
    return this.#paged({
      endpoint: EP.racecardsPro,
      itemsKey: "racecards",
      base,
      pageSize: this.#racecardsPageSize,
      maxSkip: MAX_SKIP.racecards,
      date,
      regions,
      opts,
    });
  }

  /**
   * Detailed horse profile (/v1/horses/{id}/pro); when it has none (404) or the plan is standard, the basic
   * profile (/v1/horses/{id}/standard). sir_/dam_/dsi_ ids are swapped to hrs_ (same animal, per the spec).
   */
  async horsePro(id: string, opts: CallOptions = {}): Promise<HorseProfileFetch> {
    const horseId = horseIdFor(id, EP.horsePro);
    if (this.config.plan !== "pro") return this.horseStandard(id, opts);
    try {
      const page = await this.#request({
        endpoint: EP.horsePro,
        path: `/v1/horses/${encodeURIComponent(horseId)}/pro`,
        query: [],
        dateParam: null,
        pageIndex: 0,
        validate: expectObject,
      }, opts);
      return { kind: "pro", requestedId: id, horseId, page };
    } catch (e) {
      if (e instanceof RacingApiNotFoundError) return this.horseStandard(id, opts);
      throw e;
    }
  }

  /** Basic horse profile: GET /v1/horses/{id}/standard. A 404 throws RacingApiNotFoundError. */
  async horseStandard(id: string, opts: CallOptions = {}): Promise<HorseProfileFetch> {
    const horseId = horseIdFor(id, EP.horseStandard);
    const page = await this.#request({
      endpoint: EP.horseStandard,
      path: `/v1/horses/${encodeURIComponent(horseId)}/standard`,
      query: [],
      dateParam: null,
      pageIndex: 0,
      validate: expectObject,
    }, opts);
    return { kind: "standard", requestedId: id, horseId, page };
  }

  /** Courses of the regions: GET /v1/courses?region_codes=gb&region_codes=ire → {courses, total}. */
  courses(regions?: readonly string[], opts: CallOptions = {}): Promise<FetchedPage> {
    const rs = this.#regions(regions, EP.courses);
    return this.#request({
      endpoint: EP.courses,
      path: EP.courses,
      query: rs.map((r): [string, string] => ["region_codes", r]),
      dateParam: null,
      pageIndex: 0,
      validate: (b) => (isRecord(b) && Array.isArray(b.courses) ? null : "expected an object with courses[]"),
    }, opts);
  }

  /** All regions: GET /v1/courses/regions → a bare JSON array. */
  regions(opts: CallOptions = {}): Promise<FetchedPage> {
    return this.#request({
      endpoint: EP.regions,
      path: EP.regions,
      query: [],
      dateParam: null,
      pageIndex: 0,
      validate: (b) => (Array.isArray(b) ? null : "expected a JSON array"),
    }, opts);
  }

  // -------------------------------------------------------------------------------------------------------
  // Paging

  async #paged(a: {
    endpoint: string;
    itemsKey: string;
    base: [string, string][];
    pageSize: number;
    maxSkip: number;
    date: string;
    regions: string[];
    opts: CallOptions;
  }): Promise<PagedFetch> {
    const ctx = { endpoint: a.endpoint, path: a.endpoint };
    let restarts = 0;
    restart: while (true) {
      const pages: FetchedPage[] = [];
      const items: unknown[] = [];
      let skip = 0;
      let total: number | null = null;
      for (let pageIndex = 0;; pageIndex++) {
        if (pageIndex >= MAX_PAGES) {
          throw new RacingApiPagingError(
            `gave up after ${MAX_PAGES} pages (skip ${skip}, total ${total})`,
            ctx,
          );
        }
        const page = await this.#request({
          endpoint: a.endpoint,
          path: a.endpoint,
          query: [...a.base, ["limit", String(a.pageSize)], ["skip", String(skip)]],
          dateParam: a.date,
          pageIndex,
          validate: (b) =>
            isRecord(b) && Array.isArray(b[a.itemsKey]) ? null : `expected an object with ${a.itemsKey}[]`,
        }, a.opts);
        const body = page.body as Record<string, unknown>;
        const got = body[a.itemsKey] as unknown[];
        const pageTotal = toInt(body.total);
        const serverLimit = toInt(body.limit);

        if (total !== null && pageTotal !== null && pageTotal !== total) {
          if (restarts >= this.#maxRestarts) {
            throw new RacingApiPagingError(
              `total changed between pages (${total} → ${pageTotal}) on ${
                restarts + 1
              } passes for ${a.date}; ` +
                `the data is being updated, try again later`,
              ctx,
            );
          }
          restarts++;
          continue restart;
        }
        if (total === null) total = pageTotal;
        pages.push(page);
        items.push(...got);

        const received = skip + got.length;
        if (total === null) {
          // No total from the server: the last page is the first one shorter than what we asked for.
          if (got.length === 0 || got.length < Math.min(a.pageSize, serverLimit ?? a.pageSize)) {
            return { ...this.#pagedResult(a, pages, items, received), restarts };
          }
        } else if (received >= total) {
          return { ...this.#pagedResult(a, pages, items, total), restarts };
        } else if (got.length === 0) {
          // The page contradicts the total (data being updated, or a bad total): read the day again from the
          // start, like a total that changes between pages; give up only after the same bounded restarts.
          if (restarts >= this.#maxRestarts) {
            throw new RacingApiPagingError(
              `empty page at skip ${skip} although total is ${total} for ${a.date} on ${
                restarts + 1
              } passes; try again later`,
              ctx,
            );
          }
          restarts++;
          continue restart;
        }
        // Advance by what the server actually returned: it may cap `limit` below what we asked (the results
        // maximum differs between spec versions); stepping by the items received never skips a row.
        const step = Math.min(got.length, serverLimit !== null && serverLimit > 0 ? serverLimit : got.length);
        skip += step;
        if (skip > a.maxSkip) {
          throw new RacingApiPagingError(
            `${total} items for ${a.date} need skip ${skip}, beyond the API's maximum ${a.maxSkip}`,
            ctx,
          );
        }
      }
    }
  }

  #pagedResult(
    a: { endpoint: string; date: string; regions: string[] },
    pages: FetchedPage[],
    items: unknown[],
    total: number,
  ): Omit<PagedFetch, "restarts"> {
    return { endpoint: a.endpoint, date: a.date, regions: a.regions, pages, items, total };
  }

  // -------------------------------------------------------------------------------------------------------
  // One request with retries

  /**
   * Resolves at a moment when no request of this client is on its way (sent, no response yet) or due within
   * `withinMs`. A long synchronous section started then cannot hold a request back: in Deno a request is put
   * on the wire only when the event loop gets to it, so CPU work right after a send delays its arrival, and
   * a late arrival crowds the API's one-second window. Bounded (a few seconds at most).
   */
  async quiet(withinMs: number): Promise<void> {
    const giveUp = this.#now() + 5_000;
    while (this.#now() < giveUp) {
      if (this.#onTheWay > 0) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          new Promise<void>((r) => this.#settled.push(r)),
          new Promise<void>((r) => timer = setTimeout(r, Math.max(0, giveUp - this.#now()))),
        ]);
        clearTimeout(timer);
        continue;
      }
      const due = this.#limiter.nextDue?.() ?? null;
      if (due === null || due > this.#now() + withinMs) return;
      // Let that request go out, then wait for its response.
      await new Promise((r) => setTimeout(r, Math.max(0, due - this.#now()) + 1));
    }
  }

  async #request(spec: RequestSpec, opts: CallOptions): Promise<FetchedPage> {
    const deadline = toDeadline(opts.deadline);
    const signal = opts.signal;
    const params = paramsObject(spec.query);
    const ctx = { endpoint: spec.endpoint, path: spec.path, params };
    const account = await this.#account;
    let last: AttemptFailure | null = null;

    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      signal?.throwIfAborted();
      if (deadline !== undefined && deadline - this.#now() < this.#minAttemptMs) {
        throw new DeadlineExceededError({
          ...ctx,
          attempt,
          deadline,
          waitMs: this.#minAttemptMs,
          reason: `attempt ${attempt} (at least ${this.#minAttemptMs} ms per attempt)`,
        });
      }
      const waitStart = this.#now();
      await this.#limiter.acquire({
        deadline: deadline === undefined ? undefined : deadline - this.#minAttemptMs,
        signal,
        endpoint: spec.endpoint,
      }).catch((e) => {
        if (e instanceof DeadlineExceededError) {
          throw new DeadlineExceededError({
            ...ctx,
            attempt,
            deadline: deadline!,
            waitMs: e.waitMs + this.#minAttemptMs,
            reason: `waiting for a shared rate-limit token before attempt ${attempt}`,
          });
        }
        throw e;
      });
      const tokenWaitMs = this.#now() - waitStart;

      const startedAt = new Date(this.#now());
      const t0 = performance.now();
      this.#onTheWay++;
      const outcome = await this.#attempt(spec, deadline, signal).finally(() => {
        if (--this.#onTheWay === 0) { for (const r of this.#settled.splice(0)) r(); }
      });
      const latencyMs = performance.now() - t0;

      if (outcome.kind === "aborted") {
        await this.#record({
          spec,
          account,
          params,
          attempt,
          startedAt,
          latencyMs,
          tokenWaitMs,
          outcome: "error",
          failure: {
            errorClass: "aborted",
            status: null,
            retryAfterMs: null,
            detail: "aborted by the caller",
          },
        });
        throw outcome.reason;
      }

      if (outcome.kind === "ok") {
        await this.#record({
          spec,
          account,
          params,
          attempt,
          startedAt,
          latencyMs,
          tokenWaitMs,
          outcome: "ok",
          failure: null,
          status: outcome.status,
          bytes: outcome.bytes,
          sha256: outcome.sha256,
        });
        return {
          endpoint: spec.endpoint,
          path: spec.path,
          query: spec.query,
          params,
          pageIndex: spec.pageIndex,
          fetchedAt: new Date(this.#now()).toISOString(),
          status: outcome.status,
          attempts: attempt,
          bytes: outcome.bytes,
          sha256: outcome.sha256,
          body: outcome.body,
          text: outcome.text,
        };
      }

      const f = outcome.failure;
      const terminal = terminalError(f, spec, ctx, attempt, outcome.body, (t) => this.#scrub(t));
      const willRetry = terminal === null && attempt < this.#maxAttempts;
      await this.#record({
        spec,
        account,
        params,
        attempt,
        startedAt,
        latencyMs,
        tokenWaitMs,
        outcome: willRetry ? "retry" : "error",
        failure: f,
        bytes: outcome.bytes,
        sha256: outcome.sha256,
      });
      if (terminal) throw terminal;
      last = f;

      // How long to wait before the next attempt.
      const waitMs = f.retryAfterMs ?? backoffMs(attempt, this.#backoff, this.#random);
      if (f.errorClass === "http_429") {
        // Everyone pauses: drain the shared bucket; the next acquire() then waits it out.
        await this.#limiter.penalize(waitMs / 1000);
      }
      if (f.retryAfterMs !== null && f.retryAfterMs > this.#maxWaitMs) {
        throw new RacingApiRateLimitedError({
          ...ctx,
          status: f.status,
          attempt,
          retryAfterMs: f.retryAfterMs,
          maxWaitMs: this.#maxWaitMs,
        });
      }
      if (!willRetry) break;
      if (deadline !== undefined && this.#now() + waitMs + this.#minAttemptMs > deadline) {
        throw new DeadlineExceededError({
          ...ctx,
          status: f.status,
          attempt,
          deadline,
          waitMs: waitMs + this.#minAttemptMs,
          reason:
            `retrying after ${describeFailure(f)} (${f.retryAfterMs !== null ? "Retry-After" : "backoff"} ` +
            `${Math.round(waitMs)} ms, then an attempt)`,
        });
      }
      // 429 waits are served by the bucket (penalize above); others sleep here.
      if (f.errorClass !== "http_429") await sleep(waitMs, signal);
    }
    throw new RacingApiRetriesExhaustedError({
      ...ctx,
      status: last?.status ?? null,
      attempt: this.#maxAttempts,
      attempts: this.#maxAttempts,
      lastErrorClass: last?.errorClass ?? "unknown",
    });
  }

  async #attempt(spec: RequestSpec, deadline: number | undefined, signal: AbortSignal | undefined): Promise<
    | { kind: "ok"; status: number; body: unknown; text: string; bytes: number; sha256: string }
    | { kind: "fail"; failure: AttemptFailure; body: unknown; bytes: number | null; sha256: string | null }
    | { kind: "aborted"; reason: unknown }
  > {
    const timeoutMs = Math.max(
      1,
      Math.min(this.#requestTimeoutMs, deadline === undefined ? Infinity : deadline - this.#now()),
    );
    const ctl = new AbortController();
    const timeoutReason = new Error("timeout");
    const timer = setTimeout(() => ctl.abort(timeoutReason), timeoutMs);
    const onAbort = () => ctl.abort(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const url = `${this.config.url}${spec.path}`;
    try {
      let res: Response;
      let buf: Uint8Array;
      try {
        res = await ky.get(url, {
          searchParams: new URLSearchParams(spec.query),
          headers: { authorization: this.#authorization, accept: "application/json" },
          signal: ctl.signal,
          retry: 0,
          timeout: false,
          throwHttpErrors: false,
          fetch: this.#fetch,
        });
        buf = new Uint8Array(await res.arrayBuffer());
      } catch (e) {
        if (signal?.aborted) return { kind: "aborted", reason: signal.reason };
        const timedOut = ctl.signal.aborted && ctl.signal.reason === timeoutReason;
        return {
          kind: "fail",
          failure: {
            errorClass: timedOut ? "timeout" : "network",
            status: null,
            retryAfterMs: null,
            detail: timedOut ? `no complete response within ${timeoutMs} ms` : this.#scrub(errorText(e)),
          },
          body: null,
          bytes: null,
          sha256: null,
        };
      }
      const bytes = buf.byteLength;
      const sha256 = await sha256Hex(buf);
      const text = new TextDecoder().decode(buf);
      let body: unknown = undefined;
      let parsed = true;
      try {
        body = JSON.parse(text);
      } catch {
        parsed = false;
      }
      const status = res.status;
      if (status >= 200 && status < 300) {
        if (!parsed) {
          return {
            kind: "fail",
            failure: {
              errorClass: "invalid_json",
              status,
              retryAfterMs: null,
              detail: `unparseable JSON (${bytes} bytes)`,
            },
            body: null,
            bytes,
            sha256,
          };
        }
        const why = spec.validate?.(body) ?? null;
        if (why !== null) {
          return {
            kind: "fail",
            failure: { errorClass: "invalid_body", status, retryAfterMs: null, detail: why },
            body,
            bytes,
            sha256,
          };
        }
        return { kind: "ok", status, body, text, bytes, sha256 };
      }
      const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), this.#now());
      return {
        kind: "fail",
        failure: {
          errorClass: classifyStatus(status),
          status,
          retryAfterMs,
          detail: this.#scrub(detailText(parsed ? body : text)),
        },
        body: parsed ? body : null,
        bytes,
        sha256,
      };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  async #record(r: {
    spec: RequestSpec;
    account: string;
    params: Record<string, string | string[]>;
    attempt: number;
    startedAt: Date;
    latencyMs: number;
    tokenWaitMs: number;
    outcome: CallOutcome;
    failure: AttemptFailure | null;
    status?: number;
    bytes?: number | null;
    sha256?: string | null;
  }): Promise<void> {
    const entry: ApiCallEntry = {
      startedAt: r.startedAt,
      account: r.account,
      workerId: this.workerId,
      endpoint: r.spec.endpoint,
      path: r.spec.path,
      params: r.params,
      dateParam: r.spec.dateParam,
      pageIndex: r.spec.pageIndex,
      attempt: r.attempt,
      status: r.failure ? r.failure.status : r.status ?? null,
      outcome: r.outcome,
      errorClass: r.failure?.errorClass ?? null,
      errorDetail: r.failure ? this.#scrub(r.failure.detail).slice(0, 500) : null,
      latencyMs: Math.max(0, Math.round(r.latencyMs)),
      tokenWaitMs: Math.max(0, Math.round(r.tokenWaitMs)),
      retryAfterMs: r.failure?.retryAfterMs ?? null,
      responseBytes: r.bytes ?? null,
      responseSha256: r.sha256 ?? null,
    };
    try {
      await this.#recorder.record(entry);
    } catch (e) {
      // The call log must never break fetching.
      console.warn(`racing api: could not record a call to ${entry.path}: ${this.#scrub(errorText(e))}`);
    }
  }

  #regions(regions: readonly string[] | undefined, endpoint: string): string[] {
    const rs = (regions ?? this.config.regions).map((r) => r.trim().toLowerCase());
    if (rs.length === 0 || !rs.every((r) => REGION_RE.test(r))) {
      throw new RacingApiUsageError(`${endpoint}: regions must be region codes like gb, ire`, { endpoint });
    }
    return [...new Set(rs)];
  }

  /** Remove any credential that found its way into a text (defence in depth). */
  #scrub(text: string): string {
    let out = text;
    for (const s of this.#secrets) out = out.split(s).join("[redacted]");
    return out;
  }

  /** Never print credentials. */
  [Symbol.for("Deno.customInspect")](): string {
    return `RacingApiClient(${this.config.url}, plan ${this.config.plan}, worker ${this.workerId ?? "-"})`;
  }
  toJSON(): Record<string, unknown> {
    return { url: this.config.url, plan: this.config.plan, workerId: this.workerId };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Factory

export interface CreateRacingApiClientOptions
  extends Omit<RacingApiClientOptions, "limiter" | "recorder" | "config"> {
  config: RacingApiConfig;
  /** A porsager `postgres` instance (max 1-2 connections is plenty; prepare: false behind Supavisor). */
  sql: Sql;
  workerId: string;
  /** Bucket capacity 1..2 (default 1). */
  burst?: number;
  /** Override the limiter/recorder (tests). */
  limiter?: RateLimiter;
  recorder?: CallRecorder;
}

/**
 * The client every function uses: shared Postgres token bucket (keyed by a hash of the username, at
 * config.ratePerSecond) and the call log in ra_internal.api_calls. Throws at once if credentials are missing.
 */
export function createRacingApiClient(opts: CreateRacingApiClientOptions): RacingApiClient {
  const { sql, burst, limiter, recorder, ...rest } = opts;
  return new RacingApiClient({
    ...rest,
    limiter: limiter ?? new PostgresRateLimiter(sql, {
      account: accountKey(opts.config?.username?.reveal?.() ?? ""),
      ratePerSecond: opts.config?.ratePerSecond,
      burst,
      // "off": no per-endpoint buckets, only the account's (ENDPOINT_RATE_LIMITS otherwise)
      ...(opts.config?.endpointLimits === "off" ? { endpointLimits: {} } : {}),
    }),
    recorder: recorder ?? new PostgresCallRecorder(sql),
  });
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

function classifyStatus(status: number): ErrorClass {
  if (status === 429) return "http_429";
  if (status >= 500) return "http_5xx";
  if (status === 408) return "timeout";
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  if (status === 422) return "validation";
  return "http_4xx";
}

function terminalError(
  f: AttemptFailure,
  spec: RequestSpec,
  ctx: { endpoint: string; path: string; params: ApiParams },
  attempt: number,
  body: unknown,
  scrub: (s: string) => string,
): RacingApiError | null {
  const scrubJson = (v: unknown): unknown => {
    try {
      return JSON.parse(scrub(JSON.stringify(v)));
    } catch {
      return scrub(String(v));
    }
  };
  const status = f.status ?? 0;
  switch (f.errorClass) {
    case "auth":
      return new RacingApiAuthError({ ...ctx, status, attempt, requiredPlan: REQUIRED_PLAN[spec.endpoint] });
    case "not_found":
      return new RacingApiNotFoundError({ ...ctx, status, attempt, detail: f.detail || undefined });
    case "validation":
      return new RacingApiValidationError({
        ...ctx,
        status,
        attempt,
        detail: isRecord(body) && "detail" in body ? scrubJson(body.detail) : f.detail,
      });
    case "http_4xx":
      return new RacingApiHttpError({ ...ctx, status, attempt, detail: f.detail || undefined });
    default:
      return null;
  }
}

function describeFailure(f: AttemptFailure): string {
  return f.status !== null ? `HTTP ${f.status}` : f.errorClass;
}

function checkDate(date: string, endpoint: string): void {
  const ok = typeof date === "string" && DATE_RE.test(date) &&
    new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) === date;
  if (!ok) {
    throw new RacingApiUsageError(`${endpoint}: date must be a real YYYY-MM-DD date`, { endpoint });
  }
}

function horseIdFor(id: string, endpoint: string): string {
  if (typeof id !== "string" || !ID_RE.test(id)) {
    throw new RacingApiUsageError(`${endpoint}: "${String(id).slice(0, 40)}" is not an id like hrs_123`, {
      endpoint,
    });
  }
  const prefix = id.slice(0, 4);
  return prefix === "sir_" || prefix === "dam_" || prefix === "dsi_" ? `hrs_${id.slice(4)}` : id;
}

function paramsObject(query: [string, string][]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const repeated = new Set(["region", "region_codes", "course", "course_ids"]);
  for (const [k, v] of query) {
    const cur = out[k];
    if (cur === undefined) out[k] = repeated.has(k) ? [v] : v;
    else out[k] = Array.isArray(cur) ? [...cur, v] : [cur, v];
  }
  return out;
}

function toInt(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  return null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function expectObject(b: unknown): string | null {
  return isRecord(b) ? null : "expected a JSON object";
}

function detailText(body: unknown): string {
  if (isRecord(body) && "detail" in body) {
    return typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail).slice(0, 300);
  }
  if (typeof body === "string") return body.slice(0, 200);
  return body === undefined || body === null ? "" : JSON.stringify(body).slice(0, 200);
}

function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`.slice(0, 300);
  return String(e).slice(0, 300);
}

function base64Utf8(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}
