// Integration tests of the simulator over HTTP: auth, paging, rate limit, every fault kind, admin endpoints.
import assert from "node:assert/strict";
import { type RunningSimulator, startSimulator } from "../../local/simulator/server.ts";

const NOW = "2025-10-14T12:00:00Z";
const AUTH = { authorization: `Basic ${btoa("sim_user:sim_pass")}` };
type Obj = Record<string, unknown>;

async function withSim(
  opts: Parameters<typeof startSimulator>[0],
  fn: (sim: RunningSimulator) => Promise<void>,
) {
  const sim = await startSimulator({ now: NOW, rateLimitPerSecond: null, ...opts });
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}
async function get(sim: RunningSimulator, path: string, headers: Record<string, string> = AUTH) {
  const res = await fetch(sim.url + path, { headers });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers };
}

Deno.test("auth, unknown paths, same bytes twice, admin truth and log", async () => {
  await withSim({}, async (sim) => {
    const none = await get(sim, "/v1/results?start_date=2025-10-13&end_date=2025-10-13", {});
    assert.equal(none.status, 401);
    assert.deepEqual(JSON.parse(none.text), { detail: "Not authenticated" });
    assert.equal(none.headers.get("www-authenticate"), "Basic");
    const bad = await get(sim, "/v1/results", { authorization: `Basic ${btoa("sim_user:nope")}` });
    assert.equal(bad.status, 401);
    const nf = await get(sim, "/v1/horses");
    assert.equal(nf.status, 404);
    assert.equal(nf.text, '{"detail":"Not Found"}');
    const q = "/v1/results?start_date=2025-10-13&end_date=2025-10-13&region=gb&region=ire&limit=50";
    const a = await get(sim, q), b = await get(sim, q);
    assert.equal(a.status, 200);
    assert.equal(a.headers.get("content-type"), "application/json");
    assert.equal(a.text, b.text);
    const truth = JSON.parse((await get(sim, "/__sim/truth?date=2025-10-13&region=gb&region=ire", {})).text);
    assert.equal(JSON.parse(a.text).total, truth.races);
    const log = JSON.parse((await get(sim, "/__sim/log", {})).text);
    assert.equal(log.counters.total, 5);
    assert.equal(log.entries[3].date, "2025-10-13");
    assert.deepEqual(log.entries[3].params[2], ["region", "gb"]);
    assert.equal(sim.log().length, 5);
    await fetch(sim.url + "/__sim/reset-log", { method: "POST" }).then((r) => r.body?.cancel());
    assert.equal(sim.log().length, 0);
    const courses = JSON.parse((await get(sim, "/v1/courses?region_codes=gb&region_codes=ire")).text);
    assert.equal(courses.total, 101);
    assert.ok(Array.isArray(JSON.parse((await get(sim, "/v1/courses/regions")).text)));
  });
});

Deno.test("paging Boxing Day over HTTP with limit 50 retrieves every race", async () => {
  await withSim({ now: "2025-01-10T12:00:00Z" }, async (sim) => {
    const ids = new Set<string>();
    let total = Infinity;
    for (let skip = 0; skip < total; skip += 50) {
      const r = JSON.parse(
        (await get(
          sim,
          `/v1/results?start_date=2024-12-26&end_date=2024-12-26&region=gb&region=ire&limit=50&skip=${skip}`,
        )).text,
      );
      total = r.total;
      for (const x of r.results) ids.add(x.race_id);
    }
    assert.ok(total > 50);
    assert.equal(ids.size, total);
  });
});

Deno.test("plan option and run-time configuration", async () => {
  await withSim({ plan: "standard" }, async (sim) => {
    assert.equal((await get(sim, "/v1/racecards/pro?date=2025-10-14")).status, 401);
    assert.equal((await get(sim, "/v1/results?start_date=2024-01-01&end_date=2024-01-01")).status, 422);
    const cfg = await fetch(sim.url + "/__sim/config", {
      method: "POST",
      body: JSON.stringify({ plan: "pro", now: "2024-01-05T12:00:00Z" }),
    });
    assert.equal(cfg.status, 200);
    await cfg.body?.cancel();
    assert.equal((await get(sim, "/v1/racecards/pro?date=2024-01-12&region_codes=gb")).status, 200);
    assert.equal((await get(sim, "/v1/racecards/pro?date=2024-01-13")).status, 422);
    sim.configure({ username: "other", password: "secret" });
    assert.equal((await get(sim, "/v1/courses")).status, 401);
  });
});

Deno.test("rate limit: more than 2 requests in a second get 429 with Retry-After; within the limit none do", async () => {
  await withSim({ rateLimitPerSecond: 2 }, async (sim) => {
    const rs = await Promise.all([0, 1, 2, 3].map(() => get(sim, "/v1/courses/regions")));
    const codes = rs.map((r) => r.status).sort();
    assert.deepEqual(codes, [200, 200, 429, 429]);
    const limited = rs.find((r) => r.status === 429)!;
    assert.equal(limited.headers.get("retry-after"), "1");
    assert.ok(JSON.parse(limited.text).detail);
    // within the limit (2, then 2 more a second later): no 429
    for (let burst = 0; burst < 2; burst++) {
      await new Promise((r) => setTimeout(r, 1010));
      const ok = await Promise.all([0, 1].map(() => get(sim, "/v1/courses/regions")));
      assert.deepEqual(ok.map((r) => r.status), [200, 200]);
    }
    assert.equal(sim.log().filter((e) => e.fault === "rate_limited").length, 2);
  });
});

Deno.test("faults: 5xx, 429 (seconds/date/none), truncate, extra, missing, wrong type, drift, timeout, reset, latency", async () => {
  await withSim({}, async (sim) => {
    const q = "/v1/results?start_date=2025-10-13&end_date=2025-10-13&limit=50";
    const clean = JSON.parse((await get(sim, q)).text);
    sim.configure({
      faults: {
        script: ["5xx", "429", "truncate", "extra", "missing", "wrongtype", "drift"],
        retryAfterSeconds: 3,
      },
    });
    const e5 = await get(sim, q);
    assert.ok([500, 502, 503, 504].includes(e5.status));
    const r429 = await get(sim, q);
    assert.equal(r429.status, 429);
    assert.equal(r429.headers.get("retry-after"), "3");
    const trunc = await get(sim, q);
    assert.equal(trunc.status, 200);
    assert.throws(() => JSON.parse(trunc.text));
    const extra = JSON.parse((await get(sim, q)).text);
    assert.ok("sim_unknown_envelope_field" in extra && "sim_unknown_field" in extra.results[0]);
    assert.ok("sim_unknown_runner_field" in extra.results[0].runners[0]);
    const missing = JSON.parse((await get(sim, q)).text);
    assert.ok(
      !("winning_time_detail" in missing.results[0]) && !("silk_url" in missing.results[0].runners[0]),
    );
    const wrong = JSON.parse((await get(sim, q)).text);
    assert.equal(wrong.results.filter((r: Obj) => typeof r.dist_y === "number").length, 1);
    const drift = JSON.parse((await get(sim, q)).text);
    assert.ok(drift.total > clean.total);
    assert.equal((await get(sim, q)).text, JSON.stringify(clean), "the script is used up: back to normal");

    sim.configure({ faults: { script: ["429", "429"], retryAfter: "date" } });
    const d = await get(sim, q);
    assert.ok(!Number.isNaN(Date.parse(d.headers.get("retry-after")!)));
    sim.configure({ faults: { retryAfter: "none" } });
    assert.equal((await get(sim, q)).headers.get("retry-after"), null);

    // timeout: the server hangs until the client gives up
    sim.configure({ faults: { script: ["timeout"] } });
    const t0 = performance.now();
    await assert.rejects(fetch(sim.url + q, { headers: AUTH, signal: AbortSignal.timeout(300) }));
    assert.ok(performance.now() - t0 >= 290);
    // reset: the connection is cut mid-body
    sim.configure({ faults: { script: ["reset"] } });
    await assert.rejects(async () => {
      const res = await fetch(sim.url + q, { headers: AUTH });
      JSON.parse(await res.text());
    });
    // latency
    sim.configure({ faults: { latencyMs: 200 } });
    const t1 = performance.now();
    assert.equal((await get(sim, "/v1/courses/regions")).status, 200);
    assert.ok(performance.now() - t1 >= 190);
    sim.configure({ faults: { latencyMs: 0 } });
    const kinds = sim.log().map((e) => e.fault).filter(Boolean);
    assert.deepEqual(kinds.slice(0, 7), ["5xx", "429", "truncate", "extra", "missing", "wrongtype", "drift"]);
  });
});

Deno.test("faults by rate are reproducible for the same seed", async () => {
  const run = async () => {
    let statuses: number[] = [];
    await withSim({ faults: { seed: 42, error5xxRate: 0.3, rate429: 0.2 } }, async (sim) => {
      statuses = [];
      for (let i = 0; i < 20; i++) statuses.push((await get(sim, "/v1/courses/regions")).status);
    });
    return statuses;
  };
  const a = await run(), b = await run();
  assert.deepEqual(a, b);
  assert.ok(a.some((s) => s >= 500) && a.some((s) => s === 429) && a.some((s) => s === 200));
});
