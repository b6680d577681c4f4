// The shared Postgres token bucket and call log, against the real local database: separate connection pools
// stand in for separate processes. Skips with a message when the database or the migrations are absent.
import assert from "node:assert/strict";
import postgres from "postgres";
import { PostgresCallRecorder } from "../../shared/racing_api/call_log.ts";
import { PostgresRateLimiter } from "../../shared/racing_api/rate_limiter.ts";

const DB_URL = Deno.env.get("SUPABASE_DB_URL") ??
  "postgresql://postgres:postgres@127.0.0.1:54322/postgres?sslmode=disable";

async function dbReady(): Promise<string | null> {
  const sql = postgres(DB_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    const [r] = await sql`select to_regprocedure(
      'ra_internal.take_api_token(text,numeric,numeric,numeric,timestamptz)') is not null as ok`;
    return r.ok ? null : "migration 20251103000000 (ra_internal.take_api_token) is not applied: run db reset";
  } catch (e) {
    return `database unreachable at ${DB_URL.replace(/:[^:@/]*@/, ":***@")} (${(e as Error).message})`;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

const skipReason = await dbReady();
if (skipReason) console.warn(`SKIP api_rate_bucket integration tests: ${skipReason}`);

function pool() {
  return postgres(DB_URL, { max: 4, onnotice: () => {} });
}

const testAccount = () => `ra_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;

async function cleanup(account: string) {
  const sql = postgres(DB_URL, { max: 1, onnotice: () => {} });
  try {
    await sql`delete from ra_internal.api_rate_buckets where account = ${account} or account like ${
      account + "|%"
    }`;
    await sql`delete from ra_internal.api_calls where account = ${account}`;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

Deno.test({
  name: "two processes sharing one bucket together stay under the rate",
  ignore: skipReason !== null,
  fn: async () => {
    const account = testAccount();
    const a = pool();
    const b = pool();
    try {
      const rate = 4; // 250 ms apart
      const la = new PostgresRateLimiter(a, { account, ratePerSecond: rate, safetyMarginMs: 0 });
      const lb = new PostgresRateLimiter(b, { account, ratePerSecond: rate, safetyMarginMs: 0 });
      const sends: number[] = [];
      const burst = (l: PostgresRateLimiter) =>
        Promise.all(Array.from({ length: 6 }, () => l.acquire().then(() => sends.push(performance.now()))));
      const t0 = performance.now();
      await Promise.all([burst(la), burst(lb)]);
      sends.sort((x, y) => x - y);
      const gaps = sends.slice(1).map((t, i) => t - sends[i]);
      // 12 sends at 4/s, burst 1: every gap ~250 ms (timer/DB jitter tolerated), whole run ~2.75 s
      assert.ok(gaps.every((g) => g >= 200), `gaps: ${gaps.map((g) => g.toFixed(0)).join(", ")}`);
      const span = sends[sends.length - 1] - t0;
      assert.ok(span >= 2_600 && span < 4_000, `12 tokens took ${span.toFixed(0)} ms`);
      // and in every 1 s window at most rate + burst sends
      for (const t of sends) {
        const inWindow = sends.filter((s) => s >= t && s < t + 1000).length;
        assert.ok(inWindow <= rate + 1, `${inWindow} sends within 1 s`);
      }
    } finally {
      await Promise.all([a.end({ timeout: 1 }), b.end({ timeout: 1 })]);
      await cleanup(account);
    }
  },
});

Deno.test({
  name: "a drain (429) by one process pauses the other",
  ignore: skipReason !== null,
  fn: async () => {
    const account = testAccount();
    const a = pool();
    const b = pool();
    try {
      const la = new PostgresRateLimiter(a, { account, ratePerSecond: 10 });
      const lb = new PostgresRateLimiter(b, { account, ratePerSecond: 10 });
      await la.acquire();
      await la.penalize(1.2);
      const t0 = performance.now();
      await lb.acquire();
      const waited = performance.now() - t0;
      assert.ok(waited >= 1_100 && waited < 3_000, `other process waited ${waited.toFixed(0)} ms`);
      const [row] = await a`select drains, paused_until > now() - interval '5 seconds' as recent
        from ra_internal.api_rate_buckets where account = ${account}`;
      assert.equal(Number(row.drains), 1);
      assert.equal(row.recent, true);
    } finally {
      await Promise.all([a.end({ timeout: 1 }), b.end({ timeout: 1 })]);
      await cleanup(account);
    }
  },
});

Deno.test({
  name: "20 concurrent takers across connections get 20 distinct slots",
  ignore: skipReason !== null,
  fn: async () => {
    const account = testAccount();
    const sqls = [pool(), pool()];
    try {
      const t0 = Date.now();
      const results = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
        const sql = sqls[i % 2];
        const [r] =
          await sql`select ra_internal.take_api_token(${account}, 2, 1) as wait, clock_timestamp() as at`;
        // the moment this caller may send, on the database clock
        return new Date(r.at).getTime() + Number(r.wait) * 1000 - t0;
      }));
      results.sort((x, y) => x - y);
      const gaps = results.slice(1).map((t, i) => t - results[i]);
      assert.ok(gaps.every((g) => g >= 450), `slot gaps: ${gaps.map((g) => g.toFixed(0)).join(", ")}`);
    } finally {
      await Promise.all(sqls.map((s) => s.end({ timeout: 1 })));
      await cleanup(account);
    }
  },
});

Deno.test({
  name: "per-endpoint bucket: /v1/courses is held to 1/s while the account allows more",
  ignore: skipReason !== null,
  fn: async () => {
    const account = testAccount();
    const sql = pool();
    try {
      const lim = new PostgresRateLimiter(sql, { account, ratePerSecond: 10 });
      const t0 = performance.now();
      await lim.acquire({ endpoint: "/v1/courses" });
      await lim.acquire({ endpoint: "/v1/courses" });
      const courses = performance.now() - t0;
      assert.ok(courses >= 950, `two /v1/courses took ${courses.toFixed(0)} ms`);
      const [r] = await sql`select count(*)::int as n from ra_internal.api_rate_buckets
        where account in (${account}, ${account + "|/v1/courses"})`;
      assert.equal(r.n, 2);
    } finally {
      await sql.end({ timeout: 1 });
      await cleanup(account);
    }
  },
});

Deno.test({
  name: "PostgresCallRecorder writes one row per attempt into ra_internal.api_calls",
  ignore: skipReason !== null,
  fn: async () => {
    const account = testAccount();
    const sql = pool();
    try {
      const rec = new PostgresCallRecorder(sql);
      await rec.record({
        startedAt: new Date("2025-10-20T12:00:00Z"),
        account,
        workerId: "it-worker",
        endpoint: "/v1/results",
        path: "/v1/results",
        params: {
          start_date: "2025-10-07",
          end_date: "2025-10-07",
          region: ["gb", "ire"],
          limit: "50",
          skip: "0",
        },
        dateParam: "2025-10-07",
        pageIndex: 0,
        attempt: 2,
        status: 429,
        outcome: "retry",
        errorClass: "http_429",
        errorDetail: "Too Many Requests",
        latencyMs: 12.4,
        tokenWaitMs: 499.6,
        retryAfterMs: 1000,
        responseBytes: 31,
        responseSha256: "ab".repeat(32),
      });
      const rows = await sql`select * from ra_internal.api_calls where account = ${account}`;
      assert.equal(rows.length, 1);
      const r = rows[0];
      assert.equal(r.endpoint, "/v1/results");
      assert.deepEqual(r.params.region, ["gb", "ire"]);
      assert.equal(r.status, 429);
      assert.equal(r.latency_ms, 12);
      assert.equal(r.token_wait_ms, 500);
      assert.equal(r.attempt, 2);
      assert.equal(r.worker_id, "it-worker");
      assert.equal(new Date(r.date_param).toISOString().slice(0, 10), "2025-10-07");
    } finally {
      await sql.end({ timeout: 1 });
      await cleanup(account);
    }
  },
});
