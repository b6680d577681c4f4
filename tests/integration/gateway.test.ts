// The local gateway behaves like the hosted one: verify_jwt rules, the env functions get, and the hosted
// limits (wall clock, CPU) enforced on the worker. Runs its own gateway instance with small limits.
import assert from "node:assert/strict";
import { ANON_KEY, JWT_SECRET, SERVICE_ROLE_KEY } from "../../local/stack/constants.ts";
import { createGateway } from "../../local/stack/gateway.ts";
import { signJwt } from "../../local/stack/jwt.ts";

async function withGateway(
  limits: { wallClockMs: number; cpuMs: number; memoryMb: number },
  fn: (base: string, logs: string[]) => Promise<void>,
) {
  const logs: string[] = [];
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
    createGateway({ log: (l) => logs.push(l), limits }),
  );
  try {
    await fn(`http://127.0.0.1:${server.addr.port}/functions/v1`, logs);
  } finally {
    ac.abort();
    await server.finished;
  }
}

const roomy = { wallClockMs: 30_000, cpuMs: 2_000, memoryMb: 256 };

async function call(url: string, key?: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (key !== undefined) headers.set("authorization", `Bearer ${key}`);
  const r = await fetch(url, { method: "POST", body: "{}", ...init, headers });
  return { status: r.status, body: await r.json() };
}

Deno.test("gateway: verify_jwt gives 401 without a valid JWT and passes the caller's role", async () => {
  await withGateway(roomy, async (base) => {
    const none = await call(`${base}/echo`);
    assert.equal(none.status, 401);
    assert.match(none.body.message, /Missing authorization header/);

    const forged = await signJwt(
      { role: "service_role", iss: "supabase-demo", exp: 1983812996 },
      "not-the-secret-".repeat(3),
    );
    const bad = await call(`${base}/echo`, forged);
    assert.equal(bad.status, 401);
    assert.match(bad.body.message, /signature/);

    const expired = await signJwt({ role: "service_role", exp: 1000 }, JWT_SECRET);
    assert.equal((await call(`${base}/echo`, expired)).status, 401);
    assert.equal((await call(`${base}/echo`, "garbage")).status, 401);

    const anon = await call(`${base}/echo`, ANON_KEY);
    assert.equal(anon.status, 200);
    assert.equal(anon.body.role, "anon");

    const service = await call(`${base}/echo`, SERVICE_ROLE_KEY, { body: '{"hello":"world"}' });
    assert.equal(service.status, 200);
    assert.equal(service.body.role, "service_role");
    assert.equal(service.body.body, '{"hello":"world"}');
    assert.equal(service.body.path, "/echo");
  });
});

Deno.test("gateway: unknown functions are 404 and CORS preflights pass without a JWT", async () => {
  await withGateway(roomy, async (base) => {
    assert.equal((await call(`${base}/no-such-function`, SERVICE_ROLE_KEY)).status, 404);
    const pre = await fetch(`${base}/echo`, { method: "OPTIONS" });
    await pre.body?.cancel();
    assert.notEqual(pre.status, 401);
    // A function's 204 (the usual CORS preflight answer) passes through the gateway.
    const backfillPre = await fetch(`${base}/backfill`, { method: "OPTIONS" });
    await backfillPre.body?.cancel();
    assert.equal(backfillPre.status, 204);
    assert.equal(backfillPre.headers.get("access-control-allow-origin"), "*");
  });
});

Deno.test("gateway: a worker over the CPU limit is stopped with 546 WORKER_LIMIT", async () => {
  await withGateway({ ...roomy, cpuMs: 300 }, async (base, logs) => {
    const r = await call(`${base}/echo?burn_ms=5000`, SERVICE_ROLE_KEY);
    assert.equal(r.status, 546);
    assert.match(r.body.message, /CPU time limit/);
    assert.ok(logs.some((l) => l.includes("CPU time limit")));
    // Waiting on I/O is not CPU: a 1 s sleep under a 300 ms CPU limit succeeds.
    assert.equal((await call(`${base}/echo?sleep_ms=1000`, SERVICE_ROLE_KEY)).status, 200);
  });
});

Deno.test("gateway: a worker past the wall clock is stopped with 504", async () => {
  await withGateway({ ...roomy, wallClockMs: 1_500 }, async (base) => {
    const started = Date.now();
    const r = await call(`${base}/echo?sleep_ms=10000`, SERVICE_ROLE_KEY);
    assert.equal(r.status, 504);
    assert.match(r.body.message, /wall clock/);
    assert.ok(Date.now() - started < 5_000);
  });
});
