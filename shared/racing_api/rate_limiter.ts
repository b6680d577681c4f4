// The one rate limiter every worker and function shares: a token bucket keyed by API account.
//
// Contract (same for both implementations): `take` returns the seconds the caller must wait before sending.
// Tokens may go negative, which is a reservation: the n-th caller in a burst is told to wait n/rate seconds,
// so callers never poll. The Postgres bucket (ra_internal.take_api_token) serialises callers on the bucket
// row, so any number of processes together stay under `rate` (long run) with at most `burst` back to back.
// A token is taken before every attempt, retries included. `penalize(s)` drains the bucket so that nobody
// sends for `s` seconds (after a 429). Callers that already hold a reservation at that moment still send at
// their slot; a resulting 429 drains the bucket again.
//
// Per-endpoint limits from the vendor spec (v1.4.3) are honoured with a second, stricter bucket for the
// endpoints whose limit is below the account rate: /v1/courses and /v1/courses/regions (1 request/s).
// /v1/racecards/pro states 2/s, /v1/results and /v1/horses/* 5/s, so the 2/s account limit governs them.
// The analysis endpoints ("1 active request per user") are not used by this client.
import type { Secret } from "../config.ts";
import { DeadlineExceededError } from "./errors.ts";
import { sleep } from "./retry.ts";

export interface AcquireOptions {
  /** Epoch ms by which the token's wait must be over; a longer wait throws DeadlineExceededError. */
  deadline?: number;
  signal?: AbortSignal;
  /** Endpoint template (e.g. "/v1/courses"), for per-endpoint limits. */
  endpoint?: string;
}

export interface RateLimiter {
  /** Take a token, waiting as long as the bucket says. Throws DeadlineExceededError instead of overrunning. */
  acquire(opts?: AcquireOptions): Promise<void>;
  /** Drain the shared bucket so nobody sends for `seconds` (after a 429 / Retry-After). */
  penalize(seconds: number): Promise<void>;
}

/** Requests per second stated by the vendor spec for endpoints stricter than the 2/s account limit. */
export const ENDPOINT_RATE_LIMITS: Readonly<Record<string, number>> = Object.freeze({
  "/v1/courses": 1,
  "/v1/courses/regions": 1,
  "/v1/racecards/pro": 2,
  "/v1/results": 5,
  "/v1/horses/{horse_id}/pro": 5,
  "/v1/horses/{horse_id}/standard": 5,
});

/** Hex SHA-256 of a string or bytes (Web Crypto; no node types needed). */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The bucket key for an account: "ra_" + a salted SHA-256 of the username (never the username itself). */
export async function accountKey(username: Secret | string): Promise<string> {
  const u = typeof username === "string" ? username : username.reveal();
  return "ra_" + (await sha256Hex(`racing-api-account:${u}`)).slice(0, 32);
}

export interface BucketLimiterOptions {
  /** Bucket key (use accountKey(config.username)); a promise of one is fine. */
  account: string | Promise<string>;
  /** Account-wide requests per second (default 2). */
  ratePerSecond?: number;
  /** Bucket capacity in tokens, 1..2 (default 1: requests spaced 1/rate apart, no bursts). */
  burst?: number;
  endpointLimits?: Readonly<Record<string, number>>;
  /**
   * Extra spacing added to every 1/rate interval (default 40 ms). A request reaches the server some time
   * after its slot (connection set-up, TLS, a busy event loop), and a late request followed by on-time ones
   * puts rate+1 requests in one server-side second under a strict sliding window (seen: 493 ms gaps at
   * exactly 500 ms spacing). At 2/s this gives 540 ms spacing (1.85 requests/s): a request may be up to
   * ~80 ms late before the next-but-one crowds it, while the backfill stays within 10% of the API floor.
   */
  safetyMarginMs?: number;
  /** A caller waking more than this after its slot takes a fresh slot instead of sending late (default 25). */
  lateToleranceMs?: number;
  now?: () => number;
}

const MAX_RETAKES = 3;

/** Shared acquire logic: optional stricter endpoint bucket first, then the account bucket. */
abstract class BucketLimiter implements RateLimiter {
  readonly account: Promise<string>;
  readonly rate: number;
  readonly burst: number;
  readonly endpointLimits: Readonly<Record<string, number>>;
  readonly safetyMarginMs: number;
  readonly lateToleranceMs: number;
  protected readonly now: () => number;

  constructor(opts: BucketLimiterOptions) {
    this.account = Promise.resolve(opts.account);
    this.account.catch(() => {}); // surfaced on first use
    this.rate = opts.ratePerSecond ?? 2;
    this.burst = opts.burst ?? 1;
    if (!(this.rate > 0)) throw new RangeError("ratePerSecond must be > 0");
    if (!(this.burst >= 1 && this.burst <= 2)) throw new RangeError("burst must be within 1..2 tokens");
    this.endpointLimits = opts.endpointLimits ?? ENDPOINT_RATE_LIMITS;
    this.safetyMarginMs = Math.max(0, opts.safetyMarginMs ?? 40);
    this.lateToleranceMs = Math.max(0, opts.lateToleranceMs ?? 25);
    this.now = opts.now ?? Date.now;
  }

  /** Take `cost` tokens (negative = give back); returns seconds to wait. */
  protected abstract take(key: string, rate: number, burst: number, cost: number): Promise<number>;
  protected abstract drain(key: string, seconds: number, rate: number): Promise<void>;

  async acquire(opts: AcquireOptions = {}): Promise<void> {
    const account = await this.account;
    const buckets: Array<[string, number, number]> = [];
    const epRate = opts.endpoint ? this.endpointLimits[opts.endpoint] : undefined;
    if (epRate !== undefined && epRate < this.rate) {
      buckets.push([`${account}|${opts.endpoint}`, this.#effective(epRate), 1]);
    }
    buckets.push([account, this.#effective(this.rate), this.burst]);
    // Sequential on purpose: the account token is reserved only once the endpoint wait is over, so the
    // account slot we are given is the moment we really send.
    for (const [key, rate, burst] of buckets) {
      for (let retake = 0;; retake++) {
        opts.signal?.throwIfAborted();
        const waitMs = Math.max(0, (await this.take(key, rate, burst, 1)) * 1000);
        const slot = this.now() + waitMs;
        if (opts.deadline !== undefined && slot > opts.deadline) {
          await this.take(key, rate, burst, -1).catch(() => {}); // hand the unused reservation back
          throw new DeadlineExceededError({
            endpoint: opts.endpoint ?? "(rate limiter)",
            deadline: opts.deadline,
            waitMs,
            reason: "waiting for a shared rate-limit token",
          });
        }
        try {
          await sleep(waitMs, opts.signal);
        } catch (e) {
          await this.take(key, rate, burst, -1).catch(() => {});
          throw e;
        }
        // Woken late (a stalled event loop)? Sending now could crowd the caller holding the next slot, so
        // the stale slot is left unused and we queue again behind everyone (bounded).
        if (this.now() - slot <= this.lateToleranceMs || retake >= MAX_RETAKES) break;
      }
    }
  }

  async penalize(seconds: number): Promise<void> {
    if (!(seconds > 0)) return;
    await this.drain(await this.account, seconds, this.#effective(this.rate));
  }

  /** The rate actually applied: one request per (1/rate + safety margin). */
  #effective(rate: number): number {
    return 1 / (1 / rate + this.safetyMarginMs / 1000);
  }
}

// -----------------------------------------------------------------------------------------------------------

interface MemBucket {
  tokens: number;
  updatedMs: number;
}

/**
 * Same algorithm as ra_internal.take_api_token, in process memory. Share one instance between the clients
 * of a process. Only for tests and local tools: it does NOT coordinate separate processes.
 */
export class InMemoryRateLimiter extends BucketLimiter {
  readonly #buckets = new Map<string, MemBucket>();
  readonly penalties: number[] = [];

  constructor(opts: Partial<BucketLimiterOptions> = {}) {
    super({ account: "memory", ...opts });
  }

  protected take(key: string, rate: number, burst: number, cost: number): Promise<number> {
    const now = this.now();
    const b = this.#buckets.get(key) ?? { tokens: burst, updatedMs: now };
    const elapsedS = Math.max(0, now - b.updatedMs) / 1000;
    b.tokens = Math.min(burst, b.tokens + elapsedS * rate) - cost;
    b.updatedMs = Math.max(b.updatedMs, now);
    this.#buckets.set(key, b);
    return Promise.resolve(b.tokens >= 0 ? 0 : -b.tokens / rate);
  }

  protected drain(key: string, seconds: number, rate: number): Promise<void> {
    this.penalties.push(seconds);
    const now = this.now();
    const b = this.#buckets.get(key) ?? { tokens: this.burst, updatedMs: now };
    const elapsedS = Math.max(0, now - b.updatedMs) / 1000;
    const refilled = Math.min(this.burst, b.tokens + elapsedS * rate);
    b.tokens = Math.min(refilled, 1 - seconds * rate);
    b.updatedMs = Math.max(b.updatedMs, now);
    this.#buckets.set(key, b);
    return Promise.resolve();
  }
}

/** No limiting at all (unit tests that are not about rate). */
export const NO_RATE_LIMIT: RateLimiter = {
  acquire: () => Promise.resolve(),
  penalize: () => Promise.resolve(),
};

// -----------------------------------------------------------------------------------------------------------

/**
 * The slice of a porsager `postgres` instance the client uses: the tagged-template call. Declared
 * structurally so that this module does not pull in postgres' type declarations (which need @types/node);
 * any `postgres(...)` instance is assignable to it.
 */
// deno-lint-ignore no-explicit-any
export type Sql = (strings: TemplateStringsArray, ...values: any[]) => PromiseLike<any>;

/**
 * The shared bucket in Postgres (migration 20251103000000): one round trip per token. Call it with a plain
 * `sql` instance, not inside a long transaction (the bucket row stays locked until that transaction ends).
 */
export class PostgresRateLimiter extends BucketLimiter {
  readonly #sql: Sql;
  constructor(sql: Sql, opts: BucketLimiterOptions) {
    super(opts);
    this.#sql = sql;
  }

  protected async take(key: string, rate: number, burst: number, cost: number): Promise<number> {
    const [row]: { wait: number }[] = await this.#sql`
      select ra_internal.take_api_token(${key}::text, ${rate}::numeric, ${burst}::numeric, ${cost}::numeric)
        as wait`;
    return Number(row.wait);
  }

  protected async drain(key: string, seconds: number, rate: number): Promise<void> {
    await this.#sql`select ra_internal.drain_api_bucket(${key}::text, ${seconds}::numeric, ${rate}::numeric)`;
  }
}
