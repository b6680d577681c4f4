// The Racing API client against an in-process stub server (Deno.serve on port 0): paging, parameter
// encoding, retries (Retry-After both forms, backoff), deadlines, terminal errors, call recording and
// credential redaction. The limiter and recorder are the in-memory implementations.
import assert from "node:assert/strict";
import { loadRacingApiConfig, type RacingApiConfig } from "../../shared/config.ts";
import { type ApiCallEntry, InMemoryCallRecorder } from "../../shared/racing_api/call_log.ts";
import { RacingApiClient, type RacingApiClientOptions } from "../../shared/racing_api/client.ts";
import {
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
} from "../../shared/racing_api/errors.ts";
import {
  InMemoryRateLimiter,
  NO_RATE_LIMIT,
  type RateLimiter,
} from "../../shared/racing_api/rate_limiter.ts";

const USER = "stub_user_Kq93";
const PASS = "stub_pass_Xv41!";
const AUTH = "Basic " + btoa(`${USER}:${PASS}`);

interface Seen {
  path: string;
  query: [string, string][];
  auth: string | null;
}

type Handler = (req: Request, url: URL, n: number) => Response | Promise<Response>;

function stub(handler: Handler) {
  const seen: Seen[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    seen.push({ path: url.pathname, query: [...url.searchParams], auth: req.headers.get("authorization") });
    if (req.headers.get("authorization") !== AUTH) return json({ detail: "Not authenticated" }, 401);
    return await handler(req, url, seen.length);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    seen,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function config(url: string, extra: Record<string, string> = {}): RacingApiConfig {
  return loadRacingApiConfig({
    RACING_API_USERNAME: USER,
    RACING_API_PASSWORD: PASS,
    RACING_API_URL: url,
    ...extra,
  });
}

function client(url: string, opts: Partial<RacingApiClientOptions> & { env?: Record<string, string> } = {}) {
  const recorder = new InMemoryCallRecorder();
  const { env, ...rest } = opts;
  const c = new RacingApiClient({
    config: config(url, env),
    limiter: NO_RATE_LIMIT,
    recorder,
    workerId: "unit-worker",
    backoff: { baseMs: 5, capMs: 20 },
    minAttemptMs: 50,
    ...rest,
  });
  return { c, recorder };
}

/** A fake /v1/results or /v1/racecards/pro that serves `total` items in pages of min(limit, cap). */
function pagedServer(
  itemsKey: string,
  total: (n: number) => number,
  opts: { cap?: number; omit?: string[] } = {},
) {
  return (_req: Request, url: URL, n: number) => {
    const t = total(n);
    const limit = Math.min(Number(url.searchParams.get("limit") ?? 25), opts.cap ?? Infinity);
    const skip = Number(url.searchParams.get("skip") ?? 0);
    const items = [];
    for (let i = skip; i < Math.min(t, skip + limit); i++) items.push({ race_id: `rac_${i}` });
    const body: Record<string, unknown> = {
      [itemsKey]: items,
      total: t,
      limit,
      skip,
      query: [...url.searchParams],
    };
    for (const k of opts.omit ?? []) delete body[k];
    return json(body);
  };
}

const ids = (items: unknown[]) => items.map((x) => (x as { race_id: string }).race_id);
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => `rac_${a + i}`);

// ---------------------------------------------------------------------------------------------------------
// Paging and parameter encoding

Deno.test("results: one query per date, region as repeated lower-case keys, limit 50, pages until total", async () => {
  await using s = stub(pagedServer("results", () => 120));
  const { c } = client(s.url);
  const r = await c.results("2025-12-26", { regions: ["GB", "ire"] });
  assert.equal(r.total, 120);
  assert.equal(r.pages.length, 3);
  assert.deepEqual(ids(r.items), range(0, 120));
  assert.deepEqual(s.seen.map((x) => x.path), ["/v1/results", "/v1/results", "/v1/results"]);
  assert.deepEqual(s.seen[0].query, [
    ["start_date", "2025-12-26"],
    ["end_date", "2025-12-26"],
    ["region", "gb"],
    ["region", "ire"],
    ["limit", "50"],
    ["skip", "0"],
  ]);
  assert.deepEqual(s.seen.map((x) => x.query.find(([k]) => k === "skip")?.[1]), ["0", "50", "100"]);
  // page metadata
  assert.deepEqual(r.pages.map((p) => p.pageIndex), [0, 1, 2]);
  assert.deepEqual(r.pages[1].params, {
    start_date: "2025-12-26",
    end_date: "2025-12-26",
    region: ["gb", "ire"],
    limit: "50",
    skip: "50",
  });
  for (const p of r.pages) {
    assert.match(p.sha256, /^[0-9a-f]{64}$/);
    assert.ok(p.bytes > 0);
    assert.ok(!Number.isNaN(Date.parse(p.fetchedAt)));
    assert.equal(p.status, 200);
    assert.equal(p.attempts, 1);
  }
});

Deno.test("results: default regions come from config (gb, ire)", async () => {
  await using s = stub(pagedServer("results", () => 3));
  const { c } = client(s.url);
  const r = await c.results("2025-10-07");
  assert.deepEqual(r.regions, ["gb", "ire"]);
  assert.deepEqual(s.seen[0].query.filter(([k]) => k === "region"), [["region", "gb"], ["region", "ire"]]);
  assert.equal(s.seen.length, 1, "a single short page is the last page");
});

Deno.test("results: short last page ends paging", async () => {
  await using s = stub(pagedServer("results", () => 55));
  const { c } = client(s.url);
  const r = await c.results("2025-10-07");
  assert.deepEqual(r.pages.map((p) => (p.body as { results: unknown[] }).results.length), [50, 5]);
  assert.equal(s.seen.length, 2);
});

Deno.test("results: exactly one full page (total = limit) needs no second request", async () => {
  await using s = stub(pagedServer("results", () => 50));
  const { c } = client(s.url);
  const r = await c.results("2025-10-07");
  assert.equal(r.items.length, 50);
  assert.equal(s.seen.length, 1);
});

Deno.test("results: an empty day is one request with no items", async () => {
  await using s = stub(pagedServer("results", () => 0));
  const { c } = client(s.url);
  const r = await c.results("2025-12-25");
  assert.equal(r.total, 0);
  assert.deepEqual(r.items, []);
  assert.equal(s.seen.length, 1);
});

Deno.test("results: follows the limit the server returns (server caps at 25)", async () => {
  await using s = stub(pagedServer("results", () => 60, { cap: 25 }));
  const { c } = client(s.url);
  const r = await c.results("2025-10-07");
  assert.deepEqual(ids(r.items), range(0, 60));
  assert.deepEqual(s.seen.map((x) => x.query.find(([k]) => k === "skip")?.[1]), ["0", "25", "50"]);
});

Deno.test("results: total changing between pages restarts from page 0", async () => {
  // first pass: total 60, then 61 on page 2 → restart; consistent 61 after that
  await using s = stub(pagedServer("results", (n) => (n === 1 ? 60 : 61)));
  const { c } = client(s.url);
  const r = await c.results("2025-10-07");
  assert.equal(r.restarts, 1);
  assert.equal(r.total, 61);
  assert.deepEqual(ids(r.items), range(0, 61), "no duplicates, nothing missing");
  assert.deepEqual(s.seen.map((x) => x.query.find(([k]) => k === "skip")?.[1]), ["0", "50", "0", "50"]);
});

Deno.test("results: total that never settles gives a retryable paging error, not an endless loop", async () => {
  await using s = stub(pagedServer("results", (n) => 100 + n));
  const { c } = client(s.url, { maxPagingRestarts: 2 });
  await assert.rejects(c.results("2025-10-07"), (e: unknown) => {
    assert.ok(e instanceof RacingApiPagingError);
    assert.match(e.message, /total changed between pages/);
    assert.equal(e.retryable, true);
    return true;
  });
  assert.equal(s.seen.length, 6, "3 passes of 2 pages");
});

Deno.test("results: empty page before total is an error, not a silent truncation", async () => {
  await using s = stub((_r, url) => {
    const skip = Number(url.searchParams.get("skip"));
    const results = skip === 0 ? Array.from({ length: 50 }, (_, i) => ({ race_id: `rac_${i}` })) : [];
    return json({ results, total: 80, limit: 50, skip });
  });
  const { c } = client(s.url);
  await assert.rejects(c.results("2025-10-07"), /empty page at skip 50 although total is 80/);
});

Deno.test("results: without total, pages until a short page", async () => {
  await using s = stub(pagedServer("results", () => 70, { omit: ["total"] }));
  const { c } = client(s.url);
  const r = await c.results("2025-10-07");
  assert.deepEqual(ids(r.items), range(0, 70));
  assert.equal(s.seen.length, 2);
});

Deno.test("racecardsPro: date + region_codes repeated keys, limit 500, and a skip ceiling guard", async () => {
  await using s = stub(pagedServer("racecards", () => 40));
  const { c } = client(s.url);
  const r = await c.racecardsPro("2025-10-13", { regions: ["gb", "ire"] });
  assert.equal(r.items.length, 40);
  assert.deepEqual(s.seen[0].path, "/v1/racecards/pro");
  assert.deepEqual(s.seen[0].query, [
    ["date", "2025-10-13"],
    ["region_codes", "gb"],
    ["region_codes", "ire"],
    ["limit", "500"],
    ["skip", "0"],
  ]);

  await using big = stub(pagedServer("racecards", () => 5000));
  const { c: c2 } = client(big.url);
  await assert.rejects(c2.racecardsPro("2025-10-13"), /beyond the API's maximum 500/);
  assert.equal(big.seen.length, 2, "stops once skip would pass the API maximum");
});

Deno.test("racecardsPro: the standard plan is refused before any request", async () => {
  await using s = stub(pagedServer("racecards", () => 1));
  const { c } = client(s.url, { env: { RACING_API_PLAN: "standard" } });
  assert.throws(() => c.racecardsPro("2025-10-13"), RacingApiPlanError);
  assert.equal(s.seen.length, 0);
});

Deno.test("bad dates and regions are refused before any request", async () => {
  await using s = stub(pagedServer("results", () => 1));
  const { c } = client(s.url);
  assert.throws(() => c.results("2025-02-30"), RacingApiUsageError);
  assert.throws(() => c.results("20251007"), RacingApiUsageError);
  assert.throws(() => c.results("2025-10-07", { regions: ["gb&x=1"] }), RacingApiUsageError);
  assert.throws(() => c.results("2025-10-07", { regions: [] }), RacingApiUsageError);
  await assert.rejects(c.horsePro("../x"), RacingApiUsageError);
  assert.equal(s.seen.length, 0);
});

Deno.test("horsePro: falls back to /standard on 404; sir_/dam_/dsi_ ids become hrs_", async () => {
  await using s = stub((_r, url) => {
    if (url.pathname === "/v1/horses/hrs_1/pro") return json({ id: "hrs_1", name: "Pro Horse" });
    if (url.pathname === "/v1/horses/hrs_2/pro") return json({ detail: "Not Found" }, 404);
    if (url.pathname === "/v1/horses/hrs_2/standard") return json({ id: "hrs_2", name: "Basic Horse" });
    return json({ detail: "Not Found" }, 404);
  });
  const { c, recorder } = client(s.url);
  const a = await c.horsePro("hrs_1");
  assert.equal(a.kind, "pro");
  assert.deepEqual(a.page.body, { id: "hrs_1", name: "Pro Horse" });
  const b = await c.horsePro("sir_2");
  assert.equal(b.kind, "standard");
  assert.equal(b.requestedId, "sir_2");
  assert.equal(b.horseId, "hrs_2");
  assert.deepEqual(s.seen.map((x) => x.path), [
    "/v1/horses/hrs_1/pro",
    "/v1/horses/hrs_2/pro",
    "/v1/horses/hrs_2/standard",
  ]);
  await assert.rejects(c.horsePro("hrs_3"), RacingApiNotFoundError);
  assert.equal(s.seen.length, 5, "404 on pro then on standard, neither retried");
  assert.deepEqual(recorder.entries.map((e) => e.endpoint).slice(0, 3), [
    "/v1/horses/{horse_id}/pro",
    "/v1/horses/{horse_id}/pro",
    "/v1/horses/{horse_id}/standard",
  ]);
});

Deno.test("horsePro: on the standard plan goes straight to /standard", async () => {
  await using s = stub(() => json({ id: "hrs_9" }));
  const { c } = client(s.url, { env: { RACING_API_PLAN: "standard" } });
  const r = await c.horsePro("hrs_9");
  assert.equal(r.kind, "standard");
  assert.deepEqual(s.seen.map((x) => x.path), ["/v1/horses/hrs_9/standard"]);
});

Deno.test("courses and regions: paths, region_codes, envelopes", async () => {
  await using s = stub((_r, url) => {
    if (url.pathname === "/v1/courses") return json({ courses: [{ id: "crs_52" }], total: 1 });
    if (url.pathname === "/v1/courses/regions") return json([{ region: "Great Britain", region_code: "gb" }]);
    return json({ detail: "Not Found" }, 404);
  });
  const { c } = client(s.url);
  const courses = await c.courses(["gb", "ire"]);
  assert.deepEqual(courses.body, { courses: [{ id: "crs_52" }], total: 1 });
  assert.deepEqual(s.seen[0].query, [["region_codes", "gb"], ["region_codes", "ire"]]);
  const regions = await c.regions();
  assert.ok(Array.isArray(regions.body));
  assert.equal(s.seen[1].path, "/v1/courses/regions");
});

// ---------------------------------------------------------------------------------------------------------
// Retries

Deno.test("429 with Retry-After seconds: drains the shared bucket for that long, then succeeds", async () => {
  await using s = stub((_r, _u, n) =>
    n === 1 ? json({ detail: "Too Many Requests" }, 429, { "retry-after": "1" }) : json([])
  );
  const limiter = new InMemoryRateLimiter({ ratePerSecond: 100 });
  const { c, recorder } = client(s.url, { limiter });
  const t0 = performance.now();
  await c.regions();
  const took = performance.now() - t0;
  assert.deepEqual(limiter.penalties, [1]);
  assert.ok(took >= 950, `waited the Retry-After (${took} ms)`);
  assert.deepEqual(
    recorder.entries.map((e) => [e.attempt, e.status, e.outcome, e.errorClass, e.retryAfterMs]),
    [
      [1, 429, "retry", "http_429", 1000],
      [2, 200, "ok", null, null],
    ],
  );
  assert.ok(recorder.entries[1].tokenWaitMs! >= 900, "the wait was spent acquiring the token");
});

Deno.test("503 with Retry-After as an HTTP date is honoured", async () => {
  await using s = stub((_r, _u, n) =>
    n === 1
      ? json({ detail: "busy" }, 503, { "retry-after": new Date(Date.now() + 2000).toUTCString() })
      : json([])
  );
  const { c, recorder } = client(s.url);
  const t0 = performance.now();
  await c.regions();
  const took = performance.now() - t0;
  const ra = recorder.entries[0].retryAfterMs!;
  assert.ok(ra > 900 && ra <= 2000, `Retry-After date parsed (${ra} ms)`);
  assert.ok(took >= ra - 50, `waited it (${took} ms)`);
});

Deno.test("5xx, timeouts, network errors and truncated JSON are retried with backoff", async () => {
  let calls = 0;
  const flaky: typeof fetch = (input, init) => {
    calls++;
    if (calls === 3) return Promise.reject(new TypeError("connection reset by peer"));
    return fetch(input, init);
  };
  await using s = stub(async (_r, _u, n) => {
    if (n === 1) return json({ detail: "oops" }, 502);
    if (n === 2) {
      await new Promise((r) => setTimeout(r, 300));
      return json([]);
    }
    if (n === 3) return new Response('{"results": [', { status: 200 });
    return json([{ region_code: "gb" }]);
  });
  const { c, recorder } = client(s.url, { fetch: flaky, requestTimeoutMs: 100, random: () => 1 });
  const page = await c.regions();
  assert.deepEqual(page.body, [{ region_code: "gb" }]);
  assert.equal(page.attempts, 5);
  assert.deepEqual(recorder.entries.map((e) => e.errorClass), [
    "http_5xx",
    "timeout",
    "network",
    "invalid_json",
    null,
  ]);
  assert.deepEqual(recorder.entries.map((e) => e.outcome), ["retry", "retry", "retry", "retry", "ok"]);
  assert.deepEqual(recorder.entries.map((e) => e.attempt), [1, 2, 3, 4, 5]);
  assert.equal(recorder.entries[1].status, null);
});

Deno.test("retries are bounded: always-500 gives RetriesExhausted after maxAttempts", async () => {
  await using s = stub(() => json({ detail: "down" }, 500));
  const { c, recorder } = client(s.url, { maxAttempts: 3 });
  await assert.rejects(c.regions(), (e: unknown) => {
    assert.ok(e instanceof RacingApiRetriesExhaustedError);
    assert.match(e.message, /still failing after 3 attempts \(last: http_5xx HTTP 500\)/);
    return true;
  });
  assert.equal(s.seen.length, 3);
  assert.deepEqual(recorder.entries.map((e) => e.outcome), ["retry", "retry", "error"]);
});

Deno.test("a token is taken before every attempt, retries included", async () => {
  let acquired = 0;
  const counting: RateLimiter = {
    acquire: () => (acquired++, Promise.resolve()),
    penalize: () => Promise.resolve(),
  };
  await using s = stub((_r, _u, n) => (n < 3 ? json({}, 500) : json([])));
  const { c } = client(s.url, { limiter: counting });
  await c.regions();
  assert.equal(acquired, 3);
  assert.equal(s.seen.length, 3);
});

Deno.test("a Retry-After beyond maxWaitMs pauses everyone and gives up with RateLimited", async () => {
  await using s = stub(() => json({ detail: "slow down" }, 429, { "retry-after": "3600" }));
  const limiter = new InMemoryRateLimiter({ ratePerSecond: 100 });
  const { c } = client(s.url, { limiter, maxWaitMs: 5_000 });
  await assert.rejects(c.regions(), RacingApiRateLimitedError);
  assert.deepEqual(limiter.penalties, [3600]);
  assert.equal(s.seen.length, 1);
});

// ---------------------------------------------------------------------------------------------------------
// Terminal errors

Deno.test("401: names bad credentials AND plan lacking the endpoint, not retried", async () => {
  await using s = stub(() => json({ detail: "Not authenticated" }, 401));
  const { c, recorder } = client(s.url);
  await assert.rejects(c.racecardsPro("2025-10-13"), (e: unknown) => {
    assert.ok(e instanceof RacingApiAuthError);
    assert.equal(e.status, 401);
    assert.match(e.message, /credentials are wrong/);
    assert.match(e.message, /plan does not include this endpoint \(this endpoint needs the Pro plan\)/);
    assert.match(e.message, /RACING_API_USERNAME/);
    assert.match(e.message, /RACING_API_PLAN/);
    return true;
  });
  assert.equal(s.seen.length, 1);
  assert.equal(recorder.entries[0].errorClass, "auth");
  assert.equal(recorder.entries[0].outcome, "error");
});

Deno.test("wrong credentials (server 401) are not retried", async () => {
  await using s = stub(() => json([]));
  const c = new RacingApiClient({
    config: loadRacingApiConfig({
      RACING_API_USERNAME: USER,
      RACING_API_PASSWORD: "wrong",
      RACING_API_URL: s.url,
    }),
    limiter: NO_RATE_LIMIT,
    recorder: new InMemoryCallRecorder(),
  });
  await assert.rejects(c.regions(), RacingApiAuthError);
  assert.equal(s.seen.length, 1);
});

Deno.test("403 is terminal like 401", async () => {
  await using s = stub(() => json({ detail: "Forbidden" }, 403));
  const { c } = client(s.url);
  await assert.rejects(c.courses(), RacingApiAuthError);
  assert.equal(s.seen.length, 1);
});

Deno.test("422: bad parameters with the server's detail, not retried", async () => {
  await using s = stub(() =>
    json({ detail: [{ loc: ["query", "limit"], msg: "ensure this value is less than or equal to 50" }] }, 422)
  );
  const { c } = client(s.url);
  await assert.rejects(c.results("2025-10-07"), (e: unknown) => {
    assert.ok(e instanceof RacingApiValidationError);
    assert.match(e.message, /422 bad parameters on \/v1\/results/);
    assert.match(e.message, /query\.limit: ensure this value is less than or equal to 50/);
    assert.match(e.message, /"limit":"50"/, "names the params sent");
    assert.ok(Array.isArray(e.detail));
    return true;
  });
  assert.equal(s.seen.length, 1);
});

Deno.test("404 and other 4xx are terminal", async () => {
  await using s = stub((_r, url) =>
    url.pathname.endsWith("/pro") ? json({ detail: "Not Found" }, 404) : json({ detail: "Bad" }, 400)
  );
  const { c } = client(s.url);
  await assert.rejects(
    c.horseStandard("hrs_1"),
    (e: unknown) => e instanceof RacingApiHttpError && e.status === 400,
  );
  assert.equal(s.seen.length, 1);
});

// ---------------------------------------------------------------------------------------------------------
// Deadlines and aborts

Deno.test("deadline: a Retry-After that would pass it stops at once with DeadlineExceeded", async () => {
  await using s = stub(() => json({ detail: "busy" }, 503, { "retry-after": "10" }));
  const { c } = client(s.url);
  const t0 = performance.now();
  await assert.rejects(c.regions({ deadline: Date.now() + 2_000 }), (e: unknown) => {
    assert.ok(e instanceof DeadlineExceededError);
    assert.match(e.message, /Deadline exceeded for \/v1\/courses\/regions/);
    assert.match(e.message, /Retry-After/);
    assert.equal(e.retryable, true);
    return true;
  });
  assert.ok(performance.now() - t0 < 1_000, "did not sleep towards the deadline");
  assert.equal(s.seen.length, 1);
});

Deno.test("deadline: a 429 storm stops before the deadline, never after", async () => {
  await using s = stub(() => json({ detail: "Too Many Requests" }, 429, { "retry-after": "1" }));
  const limiter = new InMemoryRateLimiter({ ratePerSecond: 100 });
  const { c } = client(s.url, { limiter, maxAttempts: 10 });
  const deadline = Date.now() + 2_500;
  await assert.rejects(c.regions({ deadline }), DeadlineExceededError);
  assert.ok(Date.now() <= deadline, "returned before the deadline");
  assert.ok(s.seen.length >= 2 && s.seen.length <= 3, `${s.seen.length} attempts`);
});

Deno.test("deadline: no attempt starts with less than minAttemptMs left; timeouts are clipped to it", async () => {
  await using s = stub(async () => {
    await new Promise((r) => setTimeout(r, 1_000));
    return json([]);
  });
  const { c } = client(s.url, { minAttemptMs: 100 });
  await assert.rejects(c.regions({ deadline: Date.now() + 50 }), DeadlineExceededError);
  assert.equal(s.seen.length, 0);
  const t0 = performance.now();
  await assert.rejects(c.regions({ deadline: Date.now() + 400 }), DeadlineExceededError);
  assert.ok(performance.now() - t0 < 700, "the slow request was cut at the deadline");
});

Deno.test("deadline: waiting for a token past the deadline is refused", async () => {
  await using s = stub(() => json([]));
  const limiter = new InMemoryRateLimiter({ ratePerSecond: 100 });
  await limiter.penalize(30);
  const { c } = client(s.url, { limiter });
  await assert.rejects(c.regions({ deadline: new Date(Date.now() + 3_000) }), (e: unknown) => {
    assert.ok(e instanceof DeadlineExceededError);
    assert.match(e.message, /rate-limit token/);
    return true;
  });
  assert.equal(s.seen.length, 0);
});

Deno.test("abort signal: rejects with its reason, recorded, not retried", async () => {
  await using s = stub(async () => {
    await new Promise((r) => setTimeout(r, 500));
    return json([]);
  });
  const { c, recorder } = client(s.url);
  const ctl = new AbortController();
  setTimeout(() => ctl.abort(new Error("shutting down")), 50);
  await assert.rejects(c.regions({ signal: ctl.signal }), /shutting down/);
  assert.equal(recorder.entries.length, 1);
  assert.equal(recorder.entries[0].errorClass, "aborted");
});

// ---------------------------------------------------------------------------------------------------------
// Recording and credentials

Deno.test("every attempt is recorded with endpoint, params, status, latency, attempt, worker, date", async () => {
  await using s = stub((
    _r,
    url,
    n,
  ) => (n === 1 ? json({}, 500) : pagedServer("results", () => 3)(_r, url, n)));
  const { c, recorder } = client(s.url);
  await c.results("2025-10-07");
  assert.equal(recorder.entries.length, 2);
  const [a, b] = recorder.entries;
  for (const e of [a, b]) {
    assert.equal(e.endpoint, "/v1/results");
    assert.equal(e.path, "/v1/results");
    assert.equal(e.workerId, "unit-worker");
    assert.equal(e.dateParam, "2025-10-07");
    assert.equal(e.pageIndex, 0);
    assert.match(e.account!, /^ra_[0-9a-f]{32}$/);
    assert.ok(e.latencyMs >= 0);
    assert.deepEqual(e.params.region, ["gb", "ire"]);
  }
  assert.deepEqual([a.attempt, a.status, a.outcome], [1, 500, "retry"]);
  assert.deepEqual([b.attempt, b.status, b.outcome], [2, 200, "ok"]);
  assert.match(b.responseSha256!, /^[0-9a-f]{64}$/);
});

Deno.test("a failing recorder never breaks fetching", async () => {
  await using s = stub(() => json([]));
  const warn = console.warn;
  const warned: string[] = [];
  console.warn = (...a: unknown[]) => warned.push(a.join(" "));
  try {
    const c = new RacingApiClient({
      config: config(s.url),
      limiter: NO_RATE_LIMIT,
      recorder: { record: () => Promise.reject(new Error(`db down for ${USER}:${PASS}`)) },
    });
    await c.regions();
  } finally {
    console.warn = warn;
  }
  assert.equal(warned.length, 1);
  assert.ok(!warned[0].includes(PASS) && !warned[0].includes(USER), warned[0]);
});

Deno.test("missing credentials fail at construction, before any request", async () => {
  await using s = stub(() => json([]));
  const good = config(s.url);
  const noPass = { ...good, password: { reveal: () => "" } } as unknown as RacingApiConfig;
  assert.throws(
    () =>
      new RacingApiClient({ config: noPass, limiter: NO_RATE_LIMIT, recorder: new InMemoryCallRecorder() }),
    (e: unknown) => e instanceof RacingApiUsageError && /RACING_API_PASSWORD not set/.test(e.message),
  );
  assert.equal(s.seen.length, 0);
});

Deno.test("credentials never appear in errors, records, logs, or the client's printed forms", async () => {
  const b64 = btoa(`${USER}:${PASS}`);
  const leaky: typeof fetch = (input, init) => {
    const u = String(input instanceof Request ? input.url : input);
    if (u.includes("/v1/courses/regions")) {
      // a network layer that puts the credentials in its message
      return Promise.reject(new TypeError(`failed for ${USER} with ${PASS} / ${AUTH}`));
    }
    return fetch(input, init);
  };
  await using s = stub((_r, url) => {
    if (url.pathname === "/v1/results") {
      return json({ detail: [{ loc: ["query", "x"], msg: `echo ${PASS}` }] }, 422);
    }
    if (url.pathname === "/v1/courses") return json({ detail: `who is ${USER}?` }, 401);
    return json({ detail: `no ${USER}` }, 404);
  });
  const { c, recorder } = client(s.url, { fetch: leaky, maxAttempts: 2 });
  const errors: unknown[] = [];
  for (
    const call of [
      () => c.results("2025-10-07"),
      () => c.courses(),
      () => c.horseStandard("hrs_1"),
      () => c.regions(),
      () => c.regions({ deadline: Date.now() + 10 }),
    ]
  ) {
    try {
      await call();
    } catch (e) {
      errors.push(e);
    }
  }
  assert.equal(errors.length, 5);
  const texts = [
    ...errors.map((e) => `${(e as Error).message}\n${(e as Error).stack}\n${Deno.inspect(e, { depth: 10 })}`),
    JSON.stringify(recorder.entries),
    Deno.inspect(recorder.entries, { depth: 10 }),
    Deno.inspect(c, { depth: 10 }),
    JSON.stringify(c),
    String(c),
  ];
  for (const t of texts) {
    for (const secret of [USER, PASS, b64]) {
      assert.ok(
        !t.includes(secret),
        `leaked ${secret === b64 ? "the Authorization value" : "a credential"}: ${t}`,
      );
    }
  }
  // the server-echoed 422 detail is kept but scrubbed in the record
  const rec422 = recorder.entries.find((e: ApiCallEntry) => e.status === 422)!;
  assert.match(rec422.errorDetail!, /\[redacted\]/);
  assert.ok(errors.every((e) => e instanceof RacingApiError));
});
