// Offline Racing API simulator: a Deno HTTP server with the real API's paths, envelopes and errors over a
// deterministic simulated world, plus HTTP Basic auth, a per-account rate limit, run-time configurable
// fault injection, a request log and admin endpoints under /__sim/ (loopback only).
import { type ApiState, type Plan, route, runHandler, ukDate } from "./api.ts";
import { Rng } from "./prng.ts";
import { dayTruth } from "./world.ts";

export type FaultKind =
  | "ok"
  | "5xx"
  | "timeout"
  | "truncate"
  | "extra"
  | "missing"
  | "wrongtype"
  | "429"
  | "drift"
  | "reset";

export interface FaultConfig {
  /** seed of the fault PRNG (decisions are reproducible for the same request order) */
  seed: number;
  /** probability of answering 500/502/503/504 */
  error5xxRate: number;
  /** added latency on every /v1 request, plus up to latencyJitterMs */
  latencyMs: number;
  latencyJitterMs: number;
  /** probability of hanging until the client gives up (or hangMaxMs passes) */
  timeoutRate: number;
  hangMaxMs: number;
  /** probability of a 200 whose JSON body is cut short */
  truncateRate: number;
  /** probability of unknown extra fields in the envelope and records */
  extraFieldsRate: number;
  /** probability of optional fields missing from the records */
  missingFieldsRate: number;
  /** probability of one record carrying a field of the wrong JSON type */
  wrongTypeRate: number;
  /** probability of a 429 regardless of the rate limit (a "429 storm" at 1.0) */
  rate429: number;
  /** how a 429 states Retry-After: seconds, an HTTP date, or not at all */
  retryAfter: "seconds" | "date" | "none";
  retryAfterSeconds: number;
  /** probability of a page reporting a different `total` */
  totalDriftRate: number;
  /** probability of the connection being cut mid-body */
  resetRate: number;
  /** faults for the next requests, consumed one per /v1 request ("ok" = none); overrides the rates while non-empty */
  script: FaultKind[];
  /** path prefixes faults apply to */
  paths: string[];
}

export const DEFAULT_FAULTS: FaultConfig = {
  seed: 1,
  error5xxRate: 0,
  latencyMs: 0,
  latencyJitterMs: 0,
  timeoutRate: 0,
  hangMaxMs: 120_000,
  truncateRate: 0,
  extraFieldsRate: 0,
  missingFieldsRate: 0,
  wrongTypeRate: 0,
  rate429: 0,
  retryAfter: "seconds",
  retryAfterSeconds: 1,
  totalDriftRate: 0,
  resetRate: 0,
  script: [],
  paths: ["/v1/"],
};

export interface SimulatorOptions {
  port?: number;
  hostname?: string;
  seed?: number;
  username?: string;
  password?: string;
  rateLimitPerSecond?: number | null;
  now?: string;
  plan?: Plan;
  faults?: Partial<FaultConfig>;
}

export interface SimulatorConfigPatch {
  rateLimitPerSecond?: number | null;
  /** ISO instant; null = the real clock */
  now?: string | null;
  plan?: Plan;
  username?: string;
  password?: string;
  faults?: Partial<FaultConfig>;
}

export interface SimRequestLogEntry {
  seq: number;
  /** wall-clock time the request arrived (ISO) */
  at: string;
  method: string;
  path: string;
  params: [string, string][];
  status: number;
  ms: number;
  /** the fault injected, if any */
  fault: FaultKind | "rate_limited" | null;
  account: string | null;
  /** the date the request asked about (date or start_date), for counting attempts per day */
  date: string | null;
}

export interface RunningSimulator {
  /** base URL without /v1, e.g. http://127.0.0.1:12345 */
  url: string;
  port: number;
  close(): Promise<void>;
  log(): SimRequestLogEntry[];
  resetLog(): void;
  configure(patch: SimulatorConfigPatch): void;
}

const LOG_MAX = 100_000;
const enc = new TextEncoder();

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** The simulator's mutable state, shared by the HTTP handler and the programmatic API. */
class Sim {
  seed: number;
  username: string;
  password: string;
  rate: number | null;
  nowIso: string | null;
  plan: Plan;
  faults: FaultConfig;
  faultRng: Rng;
  entries: SimRequestLogEntry[] = [];
  seq = 0;
  windows = new Map<string, number[]>();
  hangs = new Set<() => void>();

  constructor(o: SimulatorOptions) {
    this.seed = o.seed ?? 1;
    this.username = o.username ?? "sim_user";
    this.password = o.password ?? "sim_pass";
    this.rate = o.rateLimitPerSecond === undefined ? 2 : o.rateLimitPerSecond;
    this.nowIso = o.now ?? null;
    if (this.nowIso !== null && Number.isNaN(Date.parse(this.nowIso))) {
      throw new Error(`invalid now: ${this.nowIso}`);
    }
    this.plan = o.plan ?? "pro";
    this.faults = { ...DEFAULT_FAULTS, ...o.faults, script: [...(o.faults?.script ?? [])] };
    this.faultRng = new Rng(this.faults.seed);
  }

  configure(p: SimulatorConfigPatch) {
    if (p.rateLimitPerSecond !== undefined) this.rate = p.rateLimitPerSecond;
    if (p.now !== undefined) {
      if (p.now !== null && Number.isNaN(Date.parse(p.now))) throw new Error(`invalid now: ${p.now}`);
      this.nowIso = p.now;
    }
    if (p.plan !== undefined) {
      if (p.plan !== "pro" && p.plan !== "standard") throw new Error(`invalid plan: ${p.plan}`);
      this.plan = p.plan;
    }
    if (p.username !== undefined) this.username = p.username;
    if (p.password !== undefined) this.password = p.password;
    if (p.faults) {
      this.faults = {
        ...this.faults,
        ...p.faults,
        script: p.faults.script ? [...p.faults.script] : this.faults.script,
      };
      if (p.faults.seed !== undefined) this.faultRng = new Rng(p.faults.seed);
    }
    this.windows.clear();
  }

  config() {
    return {
      seed: this.seed,
      plan: this.plan,
      now: this.nowIso,
      rateLimitPerSecond: this.rate,
      faults: this.faults,
    };
  }

  state(): ApiState {
    return { seed: this.seed, plan: this.plan, nowMs: this.nowIso ? Date.parse(this.nowIso) : Date.now() };
  }

  /** Sliding one-second window per account. Returns seconds to wait, or 0 when the request may proceed. */
  rateCheck(account: string): number {
    if (this.rate === null || this.rate <= 0) return 0;
    const now = performance.now();
    const w = this.windows.get(account) ?? [];
    while (w.length && now - w[0] >= 1000) w.shift();
    if (w.length >= this.rate) {
      this.windows.set(account, w);
      return Math.max(1, Math.ceil((1000 - (now - w[0])) / 1000));
    }
    w.push(now);
    this.windows.set(account, w);
    return 0;
  }

  /** Decide the fault for one request: the script first, then one draw per kind in a fixed order. */
  pickFault(path: string): FaultKind {
    const f = this.faults;
    if (!f.paths.some((p) => path.startsWith(p))) return "ok";
    if (f.script.length) return f.script.shift()!;
    const draws = Array.from({ length: 10 }, () => this.faultRng.next());
    const order: [FaultKind, number][] = [
      ["429", f.rate429],
      ["5xx", f.error5xxRate],
      ["timeout", f.timeoutRate],
      ["reset", f.resetRate],
      ["truncate", f.truncateRate],
      ["wrongtype", f.wrongTypeRate],
      ["missing", f.missingFieldsRate],
      ["extra", f.extraFieldsRate],
      ["drift", f.totalDriftRate],
    ];
    for (let i = 0; i < order.length; i++) if (draws[i] < order[i][1]) return order[i][0];
    return "ok";
  }

  retryAfterHeader(seconds: number): Record<string, string> {
    if (this.faults.retryAfter === "none") return {};
    if (this.faults.retryAfter === "date") {
      return { "retry-after": new Date(Date.now() + seconds * 1000).toUTCString() };
    }
    return { "retry-after": String(seconds) };
  }

  log(e: Omit<SimRequestLogEntry, "seq">) {
    this.entries.push({ seq: ++this.seq, ...e });
    if (this.entries.length > LOG_MAX) this.entries.splice(0, this.entries.length - LOG_MAX);
  }
}

function basicAccount(req: Request): { user: string; pass: string } | null {
  const h = req.headers.get("authorization");
  if (!h || !/^basic /i.test(h)) return null;
  try {
    const raw = atob(h.slice(6).trim());
    const i = raw.indexOf(":");
    if (i < 0) return null;
    return { user: raw.slice(0, i), pass: raw.slice(i + 1) };
  } catch {
    return null;
  }
}

function isLoopback(addr: string): boolean {
  return addr === "127.0.0.1" || addr === "::1" || addr === "::ffff:127.0.0.1" || addr.startsWith("127.");
}

const OPTIONAL_FIELDS: Record<string, string[]> = {
  results: ["winning_time_detail", "tote_trifecta"],
  runners_results: ["silk_url", "jockey_claim_lbs"],
  racecards: ["verdict", "betting_forecast"],
  runners_racecards: ["spotlight", "quotes"],
  horse: ["breeder", "colour_code"],
};

/** Mutate a successful JSON body for the data faults. */
function applyDataFault(kind: FaultKind, body: unknown, rng: Rng): unknown {
  if (kind === "ok" || body === null || typeof body !== "object") return body;
  const b = structuredClone(body) as Record<string, unknown>;
  const listKey = Array.isArray(b)
    ? null
    : ["results", "racecards", "courses"].find((k) => Array.isArray(b[k]));
  const items = (Array.isArray(b) ? b : listKey ? b[listKey] : [b]) as Record<string, unknown>[];
  if (kind === "extra") {
    if (!Array.isArray(b)) b.sim_unknown_envelope_field = { note: "unknown field added by fault injection" };
    for (const it of items) {
      it.sim_unknown_field = "x";
      for (const r of (it.runners as Record<string, unknown>[] | undefined) ?? []) {
        r.sim_unknown_runner_field = 1;
      }
    }
  } else if (kind === "missing") {
    const drop = listKey === "results"
      ? OPTIONAL_FIELDS.results
      : listKey === "racecards"
      ? OPTIONAL_FIELDS.racecards
      : OPTIONAL_FIELDS.horse;
    const dropR = listKey === "results" ? OPTIONAL_FIELDS.runners_results : OPTIONAL_FIELDS.runners_racecards;
    for (const it of items) {
      for (const k of drop) delete it[k];
      for (const r of (it.runners as Record<string, unknown>[] | undefined) ?? []) {
        for (const k of dropR) delete r[k];
      }
    }
  } else if (kind === "wrongtype") {
    const it = items[Math.floor(rng.next() * items.length)];
    if (it) {
      const field = ["dist_y", "field_size", "id", "region_code", "name"].find((k) =>
        typeof it[k] === "string"
      ) ??
        Object.keys(it).find((k) => typeof it[k] === "string");
      if (field) it[field] = Number.isNaN(Number(it[field])) ? 12345 : Number(it[field]);
    }
  } else if (kind === "drift") {
    if (typeof b.total === "number") b.total = (b.total as number) + 1 + Math.floor(rng.next() * 3);
  }
  return b;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = new Sim(opts);
  const ac = new AbortController();

  const handler = async (req: Request, info: Deno.ServeHandlerInfo): Promise<Response> => {
    const url = new URL(req.url);
    const path = url.pathname;
    // ---- admin endpoints (no auth, loopback only)
    if (path.startsWith("/__sim/")) {
      const remote = (info.remoteAddr as Deno.NetAddr).hostname ?? "";
      if (!isLoopback(remote)) return json(404, { detail: "Not Found" });
      return admin(sim, req, url);
    }
    const t0 = performance.now();
    const at = new Date().toISOString();
    const params = [...url.searchParams] as [string, string][];
    const date = url.searchParams.get("date") ?? url.searchParams.get("start_date");
    const acct = basicAccount(req);
    let fault: SimRequestLogEntry["fault"] = null;
    const finish = (res: Response): Response => {
      sim.log({
        at,
        method: req.method,
        path,
        params,
        status: res.status,
        ms: Math.round(performance.now() - t0),
        fault,
        account: acct?.user ?? null,
        date,
      });
      return res;
    };
    const handle = route(path);
    if (!handle) return finish(json(404, { detail: "Not Found" }));
    if (req.method !== "GET") return finish(json(405, { detail: "Method Not Allowed" }));
    if (!acct) return finish(json(401, { detail: "Not authenticated" }, { "www-authenticate": "Basic" }));
    if (acct.user !== sim.username || acct.pass !== sim.password) {
      return finish(json(401, { detail: "Invalid username or password" }, { "www-authenticate": "Basic" }));
    }
    const wait = sim.rateCheck(acct.user);
    if (wait > 0) {
      fault = "rate_limited";
      return finish(json(429, { detail: "Too Many Requests" }, { "retry-after": String(wait) }));
    }
    const kind = sim.pickFault(path);
    if (kind !== "ok") fault = kind;
    const f = sim.faults;
    if (f.latencyMs > 0 || f.latencyJitterMs > 0) {
      await new Promise((r) =>
        setTimeout(r, f.latencyMs + Math.floor(sim.faultRng.next() * f.latencyJitterMs))
      );
    }
    if (kind === "429") {
      return finish(json(429, { detail: "Too Many Requests" }, sim.retryAfterHeader(f.retryAfterSeconds)));
    }
    if (kind === "5xx") {
      const code = [500, 502, 503, 504][Math.floor(sim.faultRng.next() * 4)];
      const text = {
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
      }[code]!;
      return finish(
        new Response(code === 500 ? text : `<html><body><h1>${code} ${text}</h1></body></html>`, {
          status: code,
          headers: { "content-type": code === 500 ? "text/plain" : "text/html" },
        }),
      );
    }
    if (kind === "timeout") {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          sim.hangs.delete(done);
          req.signal.removeEventListener("abort", done);
          resolve();
        };
        const timer = setTimeout(done, f.hangMaxMs);
        sim.hangs.add(done);
        req.signal.addEventListener("abort", done, { once: true });
      });
      return finish(json(504, { detail: "Gateway Timeout" }));
    }
    let res;
    try {
      res = runHandler(handle, sim.state(), url.searchParams);
    } catch (e) {
      console.error("simulator handler error", e);
      return finish(
        new Response("Internal Server Error", { status: 500, headers: { "content-type": "text/plain" } }),
      );
    }
    let body = res.body;
    if (
      res.status === 200 &&
      (kind === "extra" || kind === "missing" || kind === "wrongtype" || kind === "drift")
    ) {
      body = applyDataFault(kind, body, sim.faultRng);
    }
    const text = JSON.stringify(body);
    if (res.status === 200 && kind === "truncate") {
      const cut = enc.encode(text);
      return finish(
        new Response(cut.slice(0, Math.max(1, Math.floor(cut.length * (0.3 + sim.faultRng.next() * 0.5)))), {
          status: 200,
          headers: { "content-type": "application/json" },
        }),
      );
    }
    if (res.status === 200 && kind === "reset") {
      const bytes = enc.encode(text);
      const part = bytes.slice(0, Math.floor(bytes.length / 2));
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(part);
        },
        pull(c) {
          c.error(new Error("simulated connection reset"));
        },
      });
      return finish(new Response(stream, { status: 200, headers: { "content-type": "application/json" } }));
    }
    return finish(
      new Response(text, {
        status: res.status,
        headers: { "content-type": "application/json", ...res.headers },
      }),
    );
  };

  const hostname = opts.hostname ?? "127.0.0.1";
  let resolveListen: (a: Deno.NetAddr) => void;
  const listening = new Promise<Deno.NetAddr>((r) => (resolveListen = r));
  const server = Deno.serve({
    port: opts.port ?? 0,
    hostname,
    signal: ac.signal,
    onListen: (a) => resolveListen(a as Deno.NetAddr),
  }, handler);
  const addr = await listening;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname === "0.0.0.0" ? "127.0.0.1" : hostname;
  return {
    url: `http://${host}:${addr.port}`,
    port: addr.port,
    async close() {
      for (const h of [...sim.hangs]) h();
      ac.abort();
      await server.finished;
    },
    log: () => sim.entries.map((e) => ({ ...e, params: e.params.map((p) => [...p] as [string, string]) })),
    resetLog() {
      sim.entries = [];
      sim.seq = 0;
    },
    configure: (patch) => sim.configure(patch),
  };
}

async function admin(sim: Sim, req: Request, url: URL): Promise<Response> {
  const p = url.pathname;
  if (p === "/__sim/log" && req.method === "GET") {
    const byStatus: Record<string, number> = {}, byPath: Record<string, number> = {};
    for (const e of sim.entries) {
      byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
      byPath[e.path] = (byPath[e.path] ?? 0) + 1;
    }
    return json(200, { entries: sim.entries, counters: { total: sim.entries.length, byStatus, byPath } });
  }
  if (p === "/__sim/reset-log" && req.method === "POST") {
    sim.entries = [];
    sim.seq = 0;
    return json(200, { ok: true });
  }
  if (p === "/__sim/config" && req.method === "GET") return json(200, sim.config());
  if (p === "/__sim/config" && req.method === "POST") {
    try {
      sim.configure(await req.json());
    } catch (e) {
      return json(400, { detail: String((e as Error).message ?? e) });
    }
    return json(200, sim.config());
  }
  if (p === "/__sim/truth" && req.method === "GET") {
    const date = url.searchParams.get("date") ?? ukDate(sim.state().nowMs);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return json(422, { detail: "date must be YYYY-MM-DD" });
    const regions = url.searchParams.getAll("region");
    return json(200, dayTruth(sim.seed, date, regions.length ? regions : ["gb", "ire"]));
  }
  if (p === "/__sim/health") return json(200, { ok: true });
  return json(404, { detail: "Not Found" });
}
