// Retry-After parsing, full-jitter backoff bounds, and the in-memory token bucket (same contract as the
// Postgres one): waits, refunds on deadline, per-endpoint buckets, penalties.
import assert from "node:assert/strict";
import { backoffMs, parseRetryAfter, sleep, toDeadline } from "../../shared/racing_api/retry.ts";
import { accountKey, InMemoryRateLimiter, sha256Hex } from "../../shared/racing_api/rate_limiter.ts";
import { DeadlineExceededError } from "../../shared/racing_api/errors.ts";

Deno.test("parseRetryAfter: delta-seconds form", () => {
  assert.equal(parseRetryAfter("2"), 2000);
  assert.equal(parseRetryAfter(" 0 "), 0);
  assert.equal(parseRetryAfter("1.5"), 1500);
  assert.equal(parseRetryAfter("120"), 120_000);
});

Deno.test("parseRetryAfter: HTTP-date form, relative to now; past dates give 0", () => {
  const now = Date.parse("2025-10-20T12:00:00Z");
  assert.equal(parseRetryAfter("Mon, 20 Oct 2025 12:00:05 GMT", now), 5000);
  assert.equal(parseRetryAfter(new Date(now + 30_000).toUTCString(), now), 30_000);
  assert.equal(parseRetryAfter("Mon, 20 Oct 2025 11:59:00 GMT", now), 0);
});

Deno.test("parseRetryAfter: absent or garbage gives null", () => {
  assert.equal(parseRetryAfter(null), null);
  assert.equal(parseRetryAfter(undefined), null);
  assert.equal(parseRetryAfter(""), null);
  assert.equal(parseRetryAfter("soon"), null);
  assert.equal(parseRetryAfter("-3"), null);
  assert.equal(parseRetryAfter("1e3"), null);
});

Deno.test("backoffMs: full jitter stays within [0, min(cap, base*2^(n-1))]", () => {
  const opts = { baseMs: 100, capMs: 3000 };
  for (let n = 1; n <= 12; n++) {
    const ceiling = Math.min(3000, 100 * 2 ** (n - 1));
    assert.equal(backoffMs(n, opts, () => 0), 0, `retry ${n} with r=0`);
    const top = backoffMs(n, opts, () => 0.999999);
    assert.ok(top <= ceiling && top >= ceiling - 1, `retry ${n}: ${top} near ceiling ${ceiling}`);
    for (let i = 0; i < 200; i++) {
      const d = backoffMs(n, opts);
      assert.ok(d >= 0 && d <= ceiling, `retry ${n}: ${d} within [0, ${ceiling}]`);
    }
  }
  // the cap holds for absurd retry counts and random() out of range
  assert.ok(backoffMs(10_000, opts, () => 5) <= 3000);
  assert.equal(backoffMs(3, opts, () => -1), 0);
});

Deno.test("backoffMs: jitter is spread, not fixed", () => {
  const seen = new Set<number>();
  for (let i = 0; i < 50; i++) seen.add(backoffMs(6, { baseMs: 100, capMs: 10_000 }));
  assert.ok(seen.size > 10, "full jitter gives varied waits");
});

Deno.test("sleep: rejects at once with the abort reason", async () => {
  const ctl = new AbortController();
  const t0 = performance.now();
  const p = sleep(5_000, ctl.signal);
  ctl.abort(new Error("stop"));
  await assert.rejects(p, /stop/);
  assert.ok(performance.now() - t0 < 500);
});

Deno.test("toDeadline accepts epoch ms and Date", () => {
  assert.equal(toDeadline(123), 123);
  assert.equal(toDeadline(new Date(456)), 456);
  assert.equal(toDeadline(undefined), undefined);
});

Deno.test("accountKey: a stable salted hash, never the username", async () => {
  const k = await accountKey("alice@example.com");
  assert.match(k, /^ra_[0-9a-f]{32}$/);
  assert.equal(k, await accountKey("alice@example.com"));
  assert.notEqual(k, await accountKey("bob"));
  assert.ok(!k.includes("alice"));
  assert.notEqual(k.slice(3), (await sha256Hex("alice@example.com")).slice(0, 32), "salted");
});

Deno.test("InMemoryRateLimiter: spaces a burst at 1/rate (burst 1)", async () => {
  const lim = new InMemoryRateLimiter({ ratePerSecond: 20, safetyMarginMs: 0 }); // 50 ms apart
  const t0 = performance.now();
  const done: number[] = [];
  await Promise.all([0, 1, 2, 3, 4].map(() => lim.acquire().then(() => done.push(performance.now() - t0))));
  done.sort((a, b) => a - b);
  assert.ok(done[0] < 25, `first immediate (${done[0]})`);
  assert.ok(done[4] >= 195, `fifth after ~200 ms (${done[4]})`);
  for (let i = 1; i < 5; i++) assert.ok(done[i] - done[i - 1] >= 40, `gap ${i}: ${done[i] - done[i - 1]}`);
});

Deno.test("InMemoryRateLimiter: a wait past the deadline throws and hands the slot back", async () => {
  const lim = new InMemoryRateLimiter({ ratePerSecond: 5, safetyMarginMs: 0 }); // 200 ms apart
  await lim.acquire();
  const t0 = performance.now();
  await assert.rejects(
    lim.acquire({ deadline: Date.now() + 50, endpoint: "/v1/results" }),
    (e: unknown) => e instanceof DeadlineExceededError && /deadline/i.test(e.message) && e.waitMs > 100,
  );
  assert.ok(performance.now() - t0 < 50, "did not wait before refusing");
  // the refused reservation was returned: the next caller waits ~200 ms, not ~400 ms
  const t1 = performance.now();
  await lim.acquire();
  const waited = performance.now() - t1;
  assert.ok(waited < 300, `refund worked (${waited} ms)`);
});

Deno.test("InMemoryRateLimiter: stricter per-endpoint bucket applies only to that endpoint", async () => {
  const lim = new InMemoryRateLimiter({
    ratePerSecond: 50,
    endpointLimits: { "/v1/courses": 5 },
    safetyMarginMs: 0,
  });
  let t0 = performance.now();
  await lim.acquire({ endpoint: "/v1/courses" });
  await lim.acquire({ endpoint: "/v1/courses" });
  assert.ok(performance.now() - t0 >= 180, "courses limited to 5/s");
  t0 = performance.now();
  await lim.acquire({ endpoint: "/v1/results" });
  await lim.acquire({ endpoint: "/v1/results" });
  assert.ok(performance.now() - t0 < 100, "results governed by the 50/s account rate");
});

Deno.test("InMemoryRateLimiter: penalize pauses the next acquire", async () => {
  const lim = new InMemoryRateLimiter({ ratePerSecond: 100 });
  await lim.penalize(0.3);
  const t0 = performance.now();
  await lim.acquire();
  const waited = performance.now() - t0;
  assert.ok(waited >= 280 && waited < 600, `waited ${waited} ms`);
  assert.deepEqual(lim.penalties, [0.3]);
});

Deno.test("InMemoryRateLimiter: the safety margin widens every interval (default 30 ms)", async () => {
  const lim = new InMemoryRateLimiter({ ratePerSecond: 10 }); // 100 ms + 30 ms margin
  const t0 = performance.now();
  for (let i = 0; i < 4; i++) await lim.acquire();
  const took = performance.now() - t0;
  assert.ok(took >= 380 && took < 680, `3 intervals of ~130 ms took ${took.toFixed(0)} ms`);
  assert.equal(lim.safetyMarginMs, 30);
  assert.equal(lim.lateToleranceMs, 10);
});

Deno.test("InMemoryRateLimiter: a caller woken late sends at once only if nobody took a slot after it", async () => {
  let now = 1_000_000;
  const lim = new InMemoryRateLimiter({ ratePerSecond: 2, safetyMarginMs: 0, now: () => now });
  // take() is private to the limiter; the test drives it directly with a chosen "missed" slot
  type Take = (k: string, rate: number, burst: number, missed: number | null) => Promise<{ local: number }>;
  const take = (missed: number | null): Promise<number> =>
    (lim as unknown as { take: Take }).take("k", 2, 1, missed).then((s) => s.local);
  assert.equal(await take(null), now, "first token is free");
  const slot = await take(null);
  assert.equal(slot, now + 500, "next slot 500 ms away");
  now = slot + 80; // woke 80 ms late, nobody else took a token
  assert.equal(await take(slot), now, "late re-take: send at once");
  assert.equal(await take(null), now + 500, "the spacing restarts from the late send");
  // Two callers hold passed slots (both woke late, e.g. after a stalled event loop): neither may send at once.
  now = 2_000_000;
  const a = await take(null); // free (the bucket refilled)
  const b = await take(null); // a + 500
  const c = await take(null); // a + 1000
  now = c + 50;
  assert.ok((await take(b)) > now, "b's slot was not the last one handed out: b queues");
  assert.ok(a < b && b < c);
});

Deno.test("InMemoryRateLimiter: rejects burst outside 1..2 and non-positive rates", () => {
  assert.throws(() => new InMemoryRateLimiter({ burst: 3 }), RangeError);
  assert.throws(() => new InMemoryRateLimiter({ ratePerSecond: 0 }), RangeError);
});
