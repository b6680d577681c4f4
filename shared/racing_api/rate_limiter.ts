// The one rate limiter every worker and function shares: a token bucket keyed by API account.
//
// Contract (same for both implementations): `take` returns the moment (on this process's clock) the caller
// may send. Tokens may go negative, which is a reservation: the n-th caller in a burst is given a slot n/rate
// seconds away, so callers never poll. The Postgres bucket (ra_internal.take_api_slot) serialises callers on
// the bucket row, so any number of processes together stay under `rate` (long run) with at most `burst` back
// to back. A token is taken before every attempt, retries included. A caller that wakes after its slot (a
// stalled event loop) re-takes: it sends at once if nobody is queued behind its missed slot (the spacing
// restarts from then), else it queues again. `penalize(s)` drains the bucket so that nobody sends for `s`
// seconds (after a 429). Callers that already hold a reservation at that moment still send at their slot; a
// resulting 429 drains the bucket again.
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
  /** The earliest slot a caller in this process is sleeping until (epoch ms), or null. */
  nextDue?(): number | null;
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
   * Extra spacing added to every 1/rate interval (default 30 ms). A request reaches the server some time
   * after its slot (a timer firing late, a busy event loop or CPU, the network), and a late request followed
   * by on-time ones puts rate+1 requests in one server-side second under a strict sliding window. At 2/s this
   * gives 530 ms spacing (1.89 requests/s, 6% under the limit): request k and k+2 are 1060 ms apart, so their
   * arrival delays may differ by 60 ms. Slots are absolute, a caller more than `lateToleranceMs` late
   * re-takes, and the backfill maps a day only when no request of its own is on its way; what remains is
   * scheduling and network jitter (up to ~45 ms seen at the simulator on a busy two-core machine, where a
   * 20 ms margin let 429s through).
   */
  safetyMarginMs?: number;
  /** A caller waking more than this after its slot re-takes instead of sending late (default 10). */
  lateToleranceMs?: number;
  now?: () => number;
}

const MAX_RETAKES = 3;

/** When a caller may send, on this process's clock and on the bucket's (epoch ms). */
interface Slot {
  local: number;
  bucket: number;
}

/** Shared acquire logic: optional stricter endpoint bucket first, then the account bucket. */
abstract class BucketLimiter implements RateLimiter {
  readonly account: Promise<string>;
  readonly rate: number;
  readonly burst: number;
  readonly endpointLimits: Readonly<Record<string, number>>;
  readonly safetyMarginMs: number;
  readonly lateToleranceMs: number;
  protected readonly now: () => number;
  /** Slots this process's callers are sleeping until. */
  readonly #sleeping = new Set<{ slot: number }>();

  constructor(opts: BucketLimiterOptions) {
    this.account = Promise.resolve(opts.account);
    this.account.catch(() => {}); // surfaced on first use
    this.rate = opts.ratePerSecond ?? 2;
    this.burst = opts.burst ?? 1;
    if (!(this.rate > 0)) throw new RangeError("ratePerSecond must be > 0");
    if (!(this.burst >= 1 && this.burst <= 2)) throw new RangeError("burst must be within 1..2 tokens");
    this.endpointLimits = opts.endpointLimits ?? ENDPOINT_RATE_LIMITS;
    this.safetyMarginMs = Math.max(0, opts.safetyMarginMs ?? 30);
    this.lateToleranceMs = Math.max(0, opts.lateToleranceMs ?? 10);
    this.now = opts.now ?? Date.now;
  }

  /**
   * Take a token; returns the moment the caller may send, on this process's clock (`local`) and on the
   * bucket's (`bucket`). `missed`: the caller woke after that slot (bucket clock): it may send at once if
   * nobody took a slot after it.
   */
  protected abstract take(key: string, rate: number, burst: number, missed: number | null): Promise<Slot>;
  /** Give back an unused reservation. */
  protected abstract giveBack(key: string, rate: number, burst: number): Promise<void>;
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
      let missed: number | null = null;
      for (let retake = 0;; retake++) {
        opts.signal?.throwIfAborted();
        const taken = await this.take(key, rate, burst, missed);
        const slot = taken.local;
        const waitMs = Math.max(0, slot - this.now());
        if (opts.deadline !== undefined && slot > opts.deadline) {
          await this.giveBack(key, rate, burst).catch(() => {}); // hand the unused reservation back
          throw new DeadlineExceededError({
            endpoint: opts.endpoint ?? "(rate limiter)",
            deadline: opts.deadline,
            waitMs,
            reason: "waiting for a shared rate-limit token",
          });
        }
        const sleeper = { slot };
        this.#sleeping.add(sleeper);
        try {
          await sleep(waitMs, opts.signal);
        } catch (e) {
          await this.giveBack(key, rate, burst).catch(() => {});
          throw e;
        } finally {
          this.#sleeping.delete(sleeper);
        }
        // Woken late (a stalled event loop)? Sending now could crowd the caller holding the next slot, so
        // we re-take: at once if nobody took a slot after the missed one, else behind everyone (bounded).
        if (this.now() - slot <= this.lateToleranceMs || retake >= MAX_RETAKES) break;
        missed = taken.bucket;
      }
    }
  }

  nextDue(): number | null {
    let due: number | null = null;
    for (const x of this.#sleeping) if (due === null || x.slot < due) due = x.slot;
    return due;
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

  protected take(key: string, rate: number, burst: number, missed: number | null): Promise<Slot> {
    const now = this.now();
    const b = this.#buckets.get(key) ?? { tokens: burst, updatedMs: now };
    // The last slot handed out: negative tokens are reservations up to updatedMs + -tokens / rate.
    const last = b.updatedMs + (Math.max(0, -b.tokens) / rate) * 1000;
    const elapsedS = Math.max(0, now - b.updatedMs) / 1000;
    const tokens = Math.min(burst, b.tokens + elapsedS * rate);
    // Late, and nobody took a slot after the missed one: send now, next slot a full interval away.
    const sendNow = missed !== null && last <= missed + 1;
    b.tokens = sendNow ? Math.min(tokens, 0) : tokens - 1;
    b.updatedMs = Math.max(b.updatedMs, now);
    this.#buckets.set(key, b);
    const slot = now + (b.tokens >= 0 || sendNow ? 0 : (-b.tokens / rate) * 1000);
    return Promise.resolve({ local: slot, bucket: slot });
  }

  protected giveBack(key: string, rate: number, burst: number): Promise<void> {
    const now = this.now();
    const b = this.#buckets.get(key) ?? { tokens: burst, updatedMs: now };
    const elapsedS = Math.max(0, now - b.updatedMs) / 1000;
    b.tokens = Math.min(burst, b.tokens + elapsedS * rate) + 1;
    b.updatedMs = Math.max(b.updatedMs, now);
    this.#buckets.set(key, b);
    return Promise.resolve();
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
 * The shared bucket in Postgres (migrations 20251103000000, 20251111000300): one round trip per token. Call it
 * with a plain `sql` instance, not inside a long transaction (the bucket row stays locked until that
 * transaction ends). Slots come on the database clock; the offset to this process's clock is estimated from
 * the round trips (the one with the shortest round trip so far: its error is at most half of it).
 */
export class PostgresRateLimiter extends BucketLimiter {
  readonly #sql: Sql;
  #offsetMs = 0;
  #offsetErrMs = Infinity;
  #warm: Promise<void> | null = null;
  constructor(sql: Sql, opts: BucketLimiterOptions) {
    super(opts);
    this.#sql = sql;
  }

  /** One reading of the database clock: the offset estimate improves when this round trip is shorter. */
  #sample(atMs: number, t0: number, t1: number) {
    if ((t1 - t0) / 2 < this.#offsetErrMs) {
      this.#offsetErrMs = (t1 - t0) / 2;
      this.#offsetMs = atMs - (t0 + t1) / 2;
    }
  }

  /**
   * Before the first token: open the connection and read the clock on it. The first round trip of a
   * process includes connecting (tens of ms), so a slot read from it would be known only that roughly,
   * and a first request sent late by as much crowds the next-but-one.
   */
  #warmUp(): Promise<void> {
    this.#warm ??= (async () => {
      await this.#sql`select 1`;
      for (let i = 0; i < 2; i++) {
        const t0 = this.now();
        const [r]: { at_ms: number }[] = await this.#sql`
          select extract(epoch from clock_timestamp())::float8 * 1000 as at_ms`;
        this.#sample(Number(r.at_ms), t0, this.now());
      }
    })().catch(() => {}); // the take itself reports a database that is not there
    return this.#warm;
  }

  protected async take(key: string, rate: number, burst: number, missed: number | null): Promise<Slot> {
    await this.#warmUp();
    const t0 = this.now();
    const [row]: { wait: number; at_ms: number }[] = await this.#sql`
      select wait, extract(epoch from computed_at)::float8 * 1000 as at_ms
      from ra_internal.take_api_slot(${key}::text, ${rate}::numeric, ${burst}::numeric,
        ${missed === null ? null : new Date(missed).toISOString()}::timestamptz)`;
    const t1 = this.now();
    const atMs = Number(row.at_ms);
    // The database computed the slot somewhere between t0 and t1 on our clock.
    this.#sample(atMs, t0, t1);
    const waitMs = Number(row.wait) * 1000;
    // Never early: the estimate plus its error, and within what the round trip itself allows.
    const local = Math.min(t1, Math.max(t0, atMs - this.#offsetMs + this.#offsetErrMs)) + waitMs;
    return { local, bucket: atMs + waitMs };
  }

  protected async giveBack(key: string, rate: number, burst: number): Promise<void> {
    await this.#sql`
      select ra_internal.take_api_token(${key}::text, ${rate}::numeric, ${burst}::numeric, -1::numeric)`;
  }

  protected async drain(key: string, seconds: number, rate: number): Promise<void> {
    await this.#sql`select ra_internal.drain_api_bucket(${key}::text, ${seconds}::numeric, ${rate}::numeric)`;
  }
}
