// Two Racing API clients (separate Postgres pools = separate processes) sharing the real Postgres token bucket:
//  - against an upstream enforcing 2 requests/s, they never trigger a 429 by their own excess;
//  - with a 429 storm injected in front of it, they back off (the bucket is drained) and complete.
// Upstreams: the offline simulator (local/simulator/main.ts, in its own process) when present, and always a strict in-process
// stub (sliding 1 s window, at most 2 accepted requests). Skips with a message when the database is absent.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { loadRacingApiConfig } from "../../shared/config.ts";
import { createRacingApiClient, type PagedFetch } from "../../shared/racing_api/client.ts";
import { accountKey } from "../../shared/racing_api/rate_limiter.ts";

const DB_URL = Deno.env.get("SUPABASE_DB_URL") ??
  "postgresql://postgres:postgres@127.0.0.1:54322/postgres?sslmode=disable";

async function dbReady(): Promise<string | null> {
  const sql = postgres(DB_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    const [r] = await sql`select to_regclass('ra_internal.api_calls') is not null
      and to_regprocedure('ra_internal.take_api_token(text,numeric,numeric,numeric,timestamptz)') is not null as ok`;
    return r.ok ? null : "migrations 20251103* (rate bucket, api_calls) are not applied: run db reset";
  } catch (e) {
    return `database unreachable at ${DB_URL.replace(/:[^:@/]*@/, ":***@")} (${(e as Error).message})`;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

const dbSkip = await dbReady();
if (dbSkip) console.warn(`SKIP api_two_clients integration tests: ${dbSkip}`);

// --- the simulator, run as its own process (as the real API is: its CPU work must not stall the clients) ----
// Driven through its loopback admin endpoints (/__sim/log, /__sim/config, /__sim/reset-log).
interface Simulator {
  url: string;
  close(): Promise<void>;
  log(): Promise<SimEntry[]>;
  resetLog(): Promise<void>;
  configure(patch: Record<string, unknown>): Promise<void>;
}
interface SimEntry {
  at: string;
  status: number;
  fault: string | null;
  path: string;
  date: string | null;
  ms: number;
}
// Own credentials, so this file's bucket is not shared with other suites' simulator runs (sim_user).
const SIM_USER = "it_api_two_clients";
const SIM_PASS = "it_api_two_clients_pass";
const SIM_MAIN = fileURLToPath(new URL("../../local/simulator/main.ts", import.meta.url));
const simAvailable = existsSync(SIM_MAIN);
if (!simAvailable) console.warn("SKIP simulator variants: local/simulator/main.ts not found");

async function spawnSimulator(): Promise<Simulator> {
  for (let tries = 0;; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--no-check",
        SIM_MAIN,
        "--port",
        String(port),
        "--seed",
        "1",
        "--user",
        SIM_USER,
        "--pass",
        SIM_PASS,
        "--rate",
        "2",
        "--now",
        "2025-10-20T12:00:00Z",
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const first = await Promise.race([
      reader.read().then((r) => r.value ?? ""),
      new Promise<string>((r) => setTimeout(() => r(""), 15_000)),
    ]);
    if (!first.startsWith("http")) {
      try {
        child.kill();
      } catch { /* already gone */ }
      await child.status;
      await reader.cancel().catch(() => {});
      await child.stderr.cancel().catch(() => {});
      if (tries < 3) continue;
      throw new Error(`simulator did not start (port ${port})`);
    }
    const url = first.trim().split(/\s+/)[0];
    const admin = async (path: string, init?: RequestInit) => {
      const res = await fetch(`${url}${path}`, init);
      const body = await res.json();
      if (!res.ok) throw new Error(`simulator admin ${path}: ${JSON.stringify(body)}`);
      return body;
    };
    return {
      url,
      log: async () => (await admin("/__sim/log")).entries as SimEntry[],
      resetLog: async () => void await admin("/__sim/reset-log", { method: "POST" }),
      configure: async (patch) =>
        void await admin("/__sim/config", { method: "POST", body: JSON.stringify(patch) }),
      close: async () => {
        child.kill("SIGTERM");
        await child.status;
        await reader.cancel().catch(() => {});
        await child.stderr.cancel().catch(() => {});
      },
    };
  }
}

// --- a strict upstream: at most `rate` accepted requests in any sliding 1 s window -------------------------
const STUB_USER = "stub_acct_two_clients";
const STUB_PASS = "stub_pass_two_clients";

function strictUpstream(rate: number) {
  const accepted: number[] = [];
  const statuses: number[] = [];
  const times: number[] = []; // when each request was accepted
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, (req) => {
    const now = performance.now();
    while (accepted.length && accepted[0] <= now - 1000) accepted.shift();
    if (req.headers.get("authorization") !== "Basic " + btoa(`${STUB_USER}:${STUB_PASS}`)) {
      statuses.push(401);
      return Response.json({ detail: "Not authenticated" }, { status: 401 });
    }
    if (accepted.length >= rate) {
      statuses.push(429);
      return Response.json({ detail: "Too Many Requests" }, { status: 429, headers: { "retry-after": "1" } });
    }
    accepted.push(now);
    times.push(now);
    statuses.push(200);
    const url = new URL(req.url);
    const date = url.searchParams.get("start_date") ?? "";
    const skip = Number(url.searchParams.get("skip") ?? 0);
    const limit = Math.min(Number(url.searchParams.get("limit") ?? 25), 50);
    const total = 30 + Number(date.slice(-2)) * 2; // 32..92 races: some dates need 2 pages
    const results = [];
    for (let i = skip; i < Math.min(total, skip + limit); i++) results.push({ race_id: `rac_${date}_${i}` });
    return Response.json({ results, total, limit, skip, query: [...url.searchParams] });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, statuses, times, close: () => server.shutdown() };
}

/** A proxy that answers 429 (Retry-After: 1) to everything for `stormMs`, then forwards to `target`. */
function stormProxy(target: string, stormMs: number) {
  let stormUntil = 0;
  let stormed = 0;
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    if (stormUntil === 0) stormUntil = performance.now() + stormMs;
    if (performance.now() < stormUntil) {
      stormed++;
      return Response.json({ detail: "Too Many Requests" }, { status: 429, headers: { "retry-after": "1" } });
    }
    const url = new URL(req.url);
    const res = await fetch(`${target}${url.pathname}${url.search}`, { headers: req.headers });
    return new Response(await res.arrayBuffer(), { status: res.status, headers: res.headers });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    stormed: () => stormed,
    close: () => server.shutdown(),
  };
}

// --- helpers ------------------------------------------------------------------------------------------------
interface CallRow {
  worker_id: string;
  status: number | null;
  error_class: string | null;
  date: string;
  page_index: number;
  attempt: number;
  token_wait_ms: number;
  at: string;
}

async function withTwoClients<T>(
  env: Record<string, string>,
  fn: (clients: ReturnType<typeof createRacingApiClient>[], runId: string) => Promise<T>,
): Promise<{ value: T; calls: CallRow[]; note: string }> {
  const config = loadRacingApiConfig(env);
  const runId = crypto.randomUUID().slice(0, 8);
  const pools = [
    postgres(DB_URL, { max: 2, onnotice: () => {} }),
    postgres(DB_URL, { max: 2, onnotice: () => {} }),
  ];
  const oid = async () =>
    (await pools[0]`select 'ra_internal.api_rate_buckets'::regclass::oid::int as oid`)[0].oid as number;
  try {
    const oidBefore = await oid();
    const clients = pools.map((sql, i) =>
      createRacingApiClient({
        config,
        sql,
        workerId: `it-${runId}-${i}`,
        backoff: { baseMs: 200, capMs: 2_000 },
      })
    );
    const value = await fn(clients, runId);
    const calls = await pools[0]`
      select worker_id, status, error_class, date_param::text as date, page_index, attempt, token_wait_ms,
             to_char(started_at, 'SS.MS') as at
        from ra_internal.api_calls
       where worker_id like ${`it-${runId}-%`} order by id`;
    // The shared dev database is reset by other people's test runs; say so when it happened mid-test.
    const key = await accountKey(config.username);
    const [b] =
      await pools[0]`select coalesce(max(tokens_taken), 0)::int as n from ra_internal.api_rate_buckets
      where account = ${key}`;
    const attempts = (calls as unknown as CallRow[]).length;
    const note = (await oid()) !== oidBefore
      ? "\nNOTE: ra_internal.api_rate_buckets was re-created during this test (a concurrent db reset)."
      : b.n < attempts
      ? `\nNOTE: the bucket row was deleted during this test (${b.n} tokens for ${attempts} attempts): ` +
        "another suite cleared ra_internal.api_rate_buckets meanwhile."
      : "";
    return {
      value,
      note,
      calls: calls as unknown as CallRow[],
    };
  } finally {
    await pools[0]`delete from ra_internal.api_calls where worker_id like ${`it-${runId}-%`}`.catch(() => {});
    await Promise.all(pools.map((p) => p.end({ timeout: 1 })));
  }
}

async function resetBucket(username: string) {
  const key = await accountKey(username);
  const sql = postgres(DB_URL, { max: 1, onnotice: () => {} });
  try {
    await sql`delete from ra_internal.api_rate_buckets where account = ${key} or account like ${key + "|%"}`;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

const DATES = ["2025-10-07", "2025-10-08", "2025-10-09", "2025-10-11"];

async function fetchDates(clients: ReturnType<typeof createRacingApiClient>[], deadlineMs: number) {
  const deadline = Date.now() + deadlineMs;
  // client 0 takes the first half of the dates, client 1 the second, all at once
  const per = await Promise.all(
    clients.map((c, i) =>
      Promise.all(DATES.filter((_, j) => j % clients.length === i).map((d) => c.results(d, { deadline })))
    ),
  );
  return per.flat() as PagedFetch[];
}

const stubEnv = (url: string) => ({
  RACING_API_USERNAME: STUB_USER,
  RACING_API_PASSWORD: STUB_PASS,
  RACING_API_URL: url,
});

// --- tests --------------------------------------------------------------------------------------------------
Deno.test({
  name: "strict 2 req/s upstream: two concurrent clients never trigger a 429",
  ignore: dbSkip !== null,
  fn: async () => {
    await resetBucket(STUB_USER);
    const up = strictUpstream(2);
    try {
      const { value, calls } = await withTwoClients(
        stubEnv(up.url),
        (clients) => fetchDates(clients, 60_000),
      );
      assert.equal(value.length, DATES.length);
      for (const r of value) assert.equal(r.items.length, r.total);
      assert.deepEqual(up.statuses.filter((s) => s !== 200), [], "no 429 from the upstream");
      assert.equal(calls.length, up.statuses.length, "every attempt is in ra_internal.api_calls");
      assert.ok(calls.every((c) => c.status === 200 && c.error_class === null));
      assert.equal(new Set(calls.map((c) => c.worker_id)).size, 2, "both clients worked");
    } finally {
      await up.close();
    }
  },
});

Deno.test({
  name: "429 storm in front of a strict upstream: both clients back off and complete",
  ignore: dbSkip !== null,
  fn: async () => {
    await resetBucket(STUB_USER);
    const up = strictUpstream(2);
    const proxy = stormProxy(up.url, 1_500);
    try {
      const t0 = performance.now();
      const { value, calls } = await withTwoClients(
        stubEnv(proxy.url),
        (clients) => fetchDates(clients, 60_000),
      );
      assert.equal(value.length, DATES.length);
      for (const r of value) assert.equal(r.items.length, r.total);
      assert.ok(proxy.stormed() >= 1 && proxy.stormed() <= 4, `429s during the storm: ${proxy.stormed()}`);
      assert.deepEqual(up.statuses.filter((s) => s !== 200), [], "after the storm, no 429 of our own making");
      assert.ok(calls.some((c) => c.error_class === "http_429"), "storm 429s recorded");
      assert.ok(performance.now() - t0 >= 1_500, "they waited the storm out");
    } finally {
      await proxy.close();
      await up.close();
    }
  },
});

Deno.test({
  name:
    "per-endpoint limits: /v1/results stays under the spec's 5 req/s; RACING_API_ENDPOINT_LIMITS=off lifts it",
  ignore: dbSkip !== null,
  fn: async () => {
    // the account rate is out of the way (100/s): only the endpoint bucket can space the requests
    const run = async (endpointLimits: string) => {
      await resetBucket(STUB_USER);
      const up = strictUpstream(100);
      try {
        const env = {
          ...stubEnv(up.url),
          RACING_API_RATE_PER_SECOND: "100",
          RACING_API_ENDPOINT_LIMITS: endpointLimits,
        };
        const { value } = await withTwoClients(env, (clients) => fetchDates(clients, 30_000));
        assert.equal(value.length, DATES.length);
        const gaps = up.times.slice(1).map((t, i) => t - up.times[i]);
        return { span: up.times.at(-1)! - up.times[0], minGap: Math.min(...gaps), n: up.times.length };
      } finally {
        await up.close();
      }
    };
    const spec = await run("spec");
    const off = await run("off");
    assert.equal(spec.n, 5, "the four dates take five pages");
    // 1/5 s plus the limiter's 30 ms margin between any two results requests, whichever client sends them
    assert.ok(spec.minGap >= 195, `spec: requests ${Math.round(spec.minGap)} ms apart`);
    assert.ok(
      off.span < spec.span / 2,
      `off: ${Math.round(off.span)} ms for what took ${Math.round(spec.span)} ms`,
    );
  },
});

const callLines = (calls: CallRow[]) =>
  calls.map((c) =>
    `${c.at} ${
      c.worker_id.slice(-1)
    } ${c.date} p${c.page_index} a${c.attempt} wait ${c.token_wait_ms} ms -> ${c.status}`
  ).join("\n");
const timeline = (log: SimEntry[]) =>
  log.map((e) => `${e.at.slice(17, 23)} ${e.status} ${e.fault ?? "-"} ${e.path} ${e.date} (${e.ms} ms)`).join(
    "\n",
  );

/**
 * The simulator builds a day's world on first use (~40-400 ms of CPU); requests that arrive meanwhile are
 * stamped late, which would look like bunching. Build the days first (rate limit off, log cleared after).
 */
async function warm(sim: Simulator, paths: string[]) {
  await sim.configure({ rateLimitPerSecond: null });
  const auth = { authorization: "Basic " + btoa(`${SIM_USER}:${SIM_PASS}`) };
  for (const p of paths) await (await fetch(`${sim.url}${p}`, { headers: auth })).arrayBuffer();
  await sim.configure({ rateLimitPerSecond: 2 });
  await sim.resetLog();
}
const WARM = [
  ...DATES.map((d) => `/v1/results?start_date=${d}&end_date=${d}&region=gb&region=ire&limit=50`),
  "/v1/racecards/pro?date=2025-10-18&region_codes=gb&region_codes=ire",
  "/v1/racecards/pro?date=2025-10-19&region_codes=gb&region_codes=ire",
];

Deno.test({
  name: "simulator at 2 req/s: two concurrent clients never trigger a 429",
  ignore: dbSkip !== null || !simAvailable,
  fn: async () => {
    await resetBucket(SIM_USER);
    const sim = await spawnSimulator();
    await warm(sim, WARM);
    try {
      const env = {
        RACING_API_USERNAME: SIM_USER,
        RACING_API_PASSWORD: SIM_PASS,
        RACING_API_URL: sim.url,
      };
      const { value, calls, note } = await withTwoClients(env, async (clients) => {
        const results = await fetchDates(clients, 120_000);
        const cards = await Promise.all(
          clients.map((c, i) => c.racecardsPro(i === 0 ? "2025-10-18" : "2025-10-19")),
        );
        return { results, cards };
      });
      for (const r of [...value.results, ...value.cards]) assert.equal(r.items.length, r.total);
      assert.ok(value.results.some((r) => r.items.length > 0), "the simulator served races");
      const log = await sim.log();
      const limited = log.filter((e) => e.status === 429);
      assert.equal(
        limited.length,
        0,
        `the simulator's 2/s limit was hit:\n${timeline(log)}\nclients:\n${callLines(calls)}${note}`,
      );
      assert.ok(calls.every((c) => c.status === 200), JSON.stringify(calls.filter((c) => c.status !== 200)));
      assert.equal(calls.length, log.length, "every attempt is in ra_internal.api_calls");
    } finally {
      await sim.close();
    }
  },
});

for (const retryAfter of ["seconds", "date"] as const) {
  Deno.test({
    name: `simulator 429 storm (Retry-After as ${retryAfter}): both clients back off and complete`,
    ignore: dbSkip !== null || !simAvailable,
    fn: async () => {
      await resetBucket(SIM_USER);
      const sim = await spawnSimulator();
      await warm(sim, WARM);
      await sim.configure({ faults: { rate429: 1, retryAfter, retryAfterSeconds: 1 } });
      // the storm lasts 2 s from the first request, then the simulator answers normally
      const calm = setTimeout(() => sim.configure({ faults: { rate429: 0 } }).catch(() => {}), 2_000);
      try {
        const env = {
          RACING_API_USERNAME: SIM_USER,
          RACING_API_PASSWORD: SIM_PASS,
          RACING_API_URL: sim.url,
        };
        const t0 = performance.now();
        const { value, calls, note } = await withTwoClients(env, (clients) => fetchDates(clients, 120_000));
        for (const r of value) assert.equal(r.items.length, r.total);
        const log = await sim.log();
        const stormed = log.filter((e) => e.fault === "429").length;
        assert.ok(stormed >= 1 && stormed <= 6, `injected 429s answered: ${stormed} (everyone paused)`);
        assert.equal(
          log.filter((e) => e.fault === "rate_limited").length,
          0,
          `a 429 of our own making:\n${timeline(log)}\nclients:\n${callLines(calls)}${note}`,
        );
        assert.ok(calls.some((c) => c.error_class === "http_429"), "storm 429s recorded");
        assert.ok(performance.now() - t0 >= 2_000, "they waited the storm out");
      } finally {
        clearTimeout(calm);
        await sim.close();
      }
    },
  });
}
