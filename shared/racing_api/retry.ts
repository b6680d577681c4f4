// Small, pure helpers for the retry loop: Retry-After parsing, full-jitter backoff, abortable sleep.

/**
 * Milliseconds a `Retry-After` header asks for, from either form: delta-seconds ("2", "1.5") or an
 * HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT"). A date in the past gives 0. Absent/unparseable → null.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const v = value.trim();
  if (v === "") return null;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  // An HTTP-date must contain letters (day/month names); bare numbers above were seconds.
  if (!/[a-z]/i.test(v)) return null;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

export interface BackoffOptions {
  /** First retry's ceiling (ms). */
  baseMs: number;
  /** Never wait longer than this (ms). */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 20_000 };

/**
 * Exponential backoff with full jitter (AWS style): a uniform draw from [0, min(cap, base * 2^(retry-1))].
 * `retry` counts from 1 (the wait before the second attempt).
 */
export function backoffMs(
  retry: number,
  opts: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const n = Math.max(1, Math.floor(retry));
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.min(n - 1, 30));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

/** Resolve after `ms`, or reject with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Normalise a caller's deadline (epoch ms or Date) to epoch ms, or undefined for none. */
export function toDeadline(deadline: number | Date | undefined | null): number | undefined {
  if (deadline === undefined || deadline === null) return undefined;
  return deadline instanceof Date ? deadline.getTime() : deadline;
}
