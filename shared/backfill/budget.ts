// An invocation's budget under the hosted Edge Function limits: wall clock (150 s free / 400 s paid) and
// CPU (2 s per request, I/O excluded). The worker asks `allowsAnotherDay()` before starting a day and stops
// early enough that the invocation always ends inside both limits, then hands over.
import process from "node:process";

export interface BudgetLimits {
  /** Wall-clock budget for the invocation's work, ms (default 110 s: inside the free plan's 150 s). */
  wallMs: number;
  /** CPU budget, ms (default 1,500 ms of the 2,000 ms limit: the rest is the margin for one slow day). */
  cpuMs: number;
  /** Most CPU a day in hand may still be ingested below (default FINISHING_CEILING_MS). */
  finishingCeilingMs?: number;
}

export const DEFAULT_BUDGET: BudgetLimits = { wallMs: 110_000, cpuMs: 1_500 };

/**
 * A day's CPU before anything is known about the days being fetched: between a results-only day (~150 ms)
 * and a racecards-pro day mapped on a cold runtime (~400-900 ms here). The worker replaces it with a typical
 * recent day of the backfill; days queued on a low guess are caught by allowsFinishing().
 */
export const DEFAULT_PRIOR_DAY_CPU_MS = 300;

/**
 * The last check before a day already fetched and mapped is ingested: what is left of a day then (serialising
 * the payload, sending it, the transaction; ~50-150 ms of CPU here) must end below FINISHING_CEILING_MS, the
 * hosted 2 s less room for the start before the budget's clock and the hand-over after the last day. A fixed
 * ceiling, not the (configurable) budget: a small budget must not make a worker drop the days it fetched.
 */
export const INGEST_RESERVE_MS = 200;
export const FINISHING_CEILING_MS = 1_750;

/** Process CPU time in ms (user + system), or null where the runtime does not expose it. */
export function processCpuMs(): number | null {
  try {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  } catch {
    return null;
  }
}

export class InvocationBudget {
  readonly limits: BudgetLimits;
  readonly startedAt: number;
  readonly #cpuStart: number | null;
  #sectionCpuMs = 0;
  #dayWallMs: number | null = null;
  #dayCpuMs: number | null = null;
  #daysRecorded = 0;
  /** What a day is assumed to cost before this invocation has measured one (see usePriorDayCpuMs). */
  #priorDayCpuMs = DEFAULT_PRIOR_DAY_CPU_MS;

  constructor(limits: Partial<BudgetLimits> = {}, startedAt = Date.now()) {
    this.limits = { ...DEFAULT_BUDGET, ...limits };
    this.startedAt = startedAt;
    this.#cpuStart = processCpuMs();
  }

  /** Absolute wall-clock deadline (epoch ms) that API calls must not pass. */
  get deadline(): number {
    return this.startedAt + this.limits.wallMs;
  }

  elapsedMs(): number {
    return Date.now() - this.startedAt;
  }

  /** CPU used so far by this invocation: the process's own clock, or the sum of measured sections. */
  cpuUsedMs(): number {
    const now = processCpuMs();
    return now !== null && this.#cpuStart !== null ? now - this.#cpuStart : this.#sectionCpuMs;
  }

  /** Times a synchronous, CPU-bound section (the fallback meter where process CPU is unavailable). */
  measure<T>(fn: () => T): T {
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      this.#sectionCpuMs += performance.now() - t0;
    }
  }

  /**
   * What a day is assumed to cost until this invocation has measured one of its own, e.g. the recent days of
   * the same backfill (their recorded CPU, which includes each invocation's cold first day). Ignored unless
   * positive and finite.
   */
  usePriorDayCpuMs(ms: number | null | undefined) {
    if (typeof ms === "number" && Number.isFinite(ms) && ms > 0) this.#priorDayCpuMs = ms;
  }

  /**
   * Feed the cost of a finished day so the next decision is informed: wall time as a moving average; CPU as
   * the dearest warm day so far. An invocation's first day runs on a cold runtime (modules initialising, code
   * not yet optimised, the first connection) and costs 2-4× a warm one, so it stands for a day only until a
   * second has been measured: kept in a moving average it made every invocation stop after three days and
   * pay the start again. The maximum, not an average, because the days in hand are all budgeted at this cost
   * and a cheap Sunday must not let three dear Saturdays in.
   */
  recordDay(wallMs: number, cpuMs: number) {
    this.#daysRecorded++;
    this.#dayWallMs = this.#dayWallMs === null ? wallMs : 0.7 * this.#dayWallMs + 0.3 * wallMs;
    this.#dayCpuMs = this.#daysRecorded <= 2 ? cpuMs : Math.max(this.#dayCpuMs ?? 0, cpuMs);
  }

  /**
   * Room for `days` more days? Each is assumed to cost 1.25× what recordDay() makes of the days so far
   * (before any day has finished: 5 s wall and the prior day CPU). The budget itself stays under the hosted limit by a margin worth
   * several days, so one unusually slow day still ends inside the limit.
   */
  allows(days = 1): boolean {
    if (this.#dayWallMs === null && days === 1) {
      // Nothing measured yet: the first day is allowed while most of the budget is left.
      return this.elapsedMs() < this.limits.wallMs / 2 && this.cpuUsedMs() < this.limits.cpuMs / 2;
    }
    const wallPerDay = 1.25 * (this.#dayWallMs ?? Math.min(5_000, this.limits.wallMs / 4));
    const cpuPerDay = 1.25 * (this.#dayCpuMs ?? this.#priorDayCpuMs);
    return this.elapsedMs() + days * wallPerDay <= this.limits.wallMs &&
      this.cpuUsedMs() + days * cpuPerDay <= this.limits.cpuMs;
  }

  /** May a day already fetched and mapped still be ingested (see INGEST_RESERVE_MS)? */
  allowsFinishing(): boolean {
    return this.cpuUsedMs() + INGEST_RESERVE_MS <= (this.limits.finishingCeilingMs ?? FINISHING_CEILING_MS);
  }

  summary() {
    return {
      elapsed_ms: Math.round(this.elapsedMs()),
      cpu_ms: Math.round(this.cpuUsedMs()),
      limits: this.limits,
    };
  }
}
