// The local stand-in for Supabase's Edge Functions gateway and runtime.
// - Routes http://127.0.0.1:54321/functions/v1/<name>[/...] to supabase/functions/<name>/index.ts.
// - Enforces verify_jwt from supabase/config.toml with the demo JWT secret: missing or invalid JWT → 401,
//   as the hosted gateway does (CORS preflights pass, as hosted).
// - Runs each request in a fresh process (local/stack/function_host.ts), like a hosted worker, with the env
//   hosted Supabase gives functions plus supabase/functions/.env, and enforces the hosted limits: wall clock
//   (150 s), CPU per request (2 s, I/O excluded) and memory (256 MB). A worker over a limit gets SIGTERM
//   (`beforeunload` fires) then SIGKILL, exactly the failure a hosted function meets.
import { existsSync, readFileSync } from "node:fs";
import {
  ANON_KEY,
  API_URL,
  DB_URL,
  EDGE_LIMITS,
  JWT_SECRET,
  POOLER_URL,
  REPO_ROOT,
  SERVICE_ROLE_KEY,
} from "./constants.ts";
import { parseDotenv, readVerifyJwt } from "./functions_config.ts";
import { verifyJwt } from "./jwt.ts";
import { dashboardResponse } from "../dashboard/serve.ts";

const FUNCTIONS_DIR = `${REPO_ROOT}/supabase/functions`;
const CLOCK_TICKS_PER_SECOND = 100;

export interface GatewayOptions {
  /** Appends one line per event (function output, limit kills). */
  log: (line: string) => void;
  limits?: typeof EDGE_LIMITS;
  /** Extra env for every function (tests point RACING_API_URL at their own simulator, for instance). */
  extraEnv?: Record<string, string>;
  /** The SUPABASE_URL functions are given (default the stack's API URL); tests pass their own gateway's. */
  apiUrl?: string | (() => string);
}

export function functionEnv(extra: Record<string, string> = {}, apiUrl = API_URL): Record<string, string> {
  const envFile = `${FUNCTIONS_DIR}/.env`;
  const secrets = existsSync(envFile) ? parseDotenv(readFileSync(envFile, "utf8")) : {};
  const base: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "DENO_DIR", "DENO_TLS_CA_STORE", "NO_COLOR", "TZ", "RUST_BACKTRACE"]) {
    const v = Deno.env.get(k);
    if (v !== undefined) base[k] = v;
  }
  return {
    ...base,
    DENO_NO_UPDATE_CHECK: "1",
    // As Supabase recommends for Edge Functions: the transaction pooler (local: PgBouncer, see setup.sh).
    RACING_DB_POOLER_URL: POOLER_URL,
    ...secrets,
    ...extra,
    // What the platform injects; secrets files cannot override these (hosted forbids SUPABASE_* secrets).
    SUPABASE_URL: apiUrl,
    SUPABASE_DB_URL: DB_URL,
    SUPABASE_ANON_KEY: ANON_KEY,
    SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY,
  };
}

function cpuMsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the command name: field 14 (utime) and 15 (stime) are at indexes 11 and 12.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

function jsonError(status: number, code: string | number, message: string): Response {
  return Response.json({ code, message }, { status, headers: { "access-control-allow-origin": "*" } });
}

export function createGateway(opts: GatewayOptions): (req: Request) => Promise<Response> {
  const limits = opts.limits ?? EDGE_LIMITS;
  const host = `${REPO_ROOT}/local/stack/function_host.ts`;

  async function runFunction(name: string, req: Request, subpath: string): Promise<Response> {
    const env = functionEnv(opts.extraEnv, typeof opts.apiUrl === "function" ? opts.apiUrl() : opts.apiUrl);
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--no-check",
        // FUNCTION_V8_FLAGS_EXTRA (e.g. ",--prof,--logfile=/tmp/v8/%p.log") profiles the functions.
        `--v8-flags=--max-old-space-size=${limits.memoryMb}${Deno.env.get("FUNCTION_V8_FLAGS_EXTRA") ?? ""}`,
        host,
        `${FUNCTIONS_DIR}/${name}/index.ts`,
      ],
      cwd: REPO_ROOT,
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const started = Date.now();
    const tag = `[${name} ${child.pid}]`;
    let killedFor = null as string | null;
    let readyPort = null as number | null;
    let readyResolve: (port: number | null) => void;
    const ready = new Promise<number | null>((r) => (readyResolve = r));

    const pump = async (stream: ReadableStream<Uint8Array>, isStdout: boolean) => {
      const decoder = new TextDecoderStream();
      let buf = "";
      for await (const chunk of stream.pipeThrough(decoder)) {
        buf += chunk;
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          const m = isStdout && readyPort === null ? line.match(/^READY (\d+)$/) : null;
          if (m) {
            readyPort = Number(m[1]);
            readyResolve(readyPort);
          } else opts.log(`${tag} ${line}`);
        }
      }
      if (buf) opts.log(`${tag} ${buf}`);
    };
    const pumps = Promise.all([pump(child.stdout, true), pump(child.stderr, false)]);
    const status = child.status.then((s) => {
      readyResolve(null);
      return s;
    });

    let cpuBaseline: number | null = null;
    const kill = (reason: string) => {
      if (killedFor) return;
      killedFor = reason;
      opts.log(`${tag} killed: ${reason}`);
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* already gone */ }
      }, 1000);
    };
    const watchdog = setInterval(() => {
      if (Date.now() - started > limits.wallClockMs) {
        kill(`wall clock limit of ${limits.wallClockMs} ms reached (hosted: WallClockTime)`);
        return;
      }
      const cpu = cpuMsOf(child.pid);
      if (cpu === null || cpuBaseline === null) return;
      if (cpu - cpuBaseline > limits.cpuMs) {
        kill(
          `CPU time limit of ${limits.cpuMs} ms exceeded (hosted: CPU time exceeded; ${
            cpu - cpuBaseline
          } ms)`,
        );
      }
    }, 100);
    status.finally(() => clearInterval(watchdog));
    // The gateway's bookkeeping outlives the response (background work keeps the worker alive).
    Promise.all([pumps, status]).then(([, s]) => {
      if (s.code !== 0 && !killedFor) {
        opts.log(`${tag} exited with code ${s.code}${s.signal ? ` (${s.signal})` : ""}`);
      }
    });

    const port = await ready;
    if (port === null) {
      return jsonError(500, "BOOT_ERROR", `Function ${name} failed to start; see .local/logs/functions.log.`);
    }
    cpuBaseline = cpuMsOf(child.pid);

    const url = new URL(req.url);
    const headers = new Headers(req.headers);
    headers.set("x-forwarded-host", url.host);
    try {
      const resp = await fetch(`http://127.0.0.1:${port}/${name}${subpath}${url.search}`, {
        method: req.method,
        headers,
        body: req.body,
        redirect: "manual",
      });
      const body = await resp.arrayBuffer();
      // 204/304 carry no body (the Response constructor refuses one).
      const nullBody = resp.status === 204 || resp.status === 304;
      return new Response(nullBody ? null : body, { status: resp.status, headers: resp.headers });
    } catch (err) {
      if (killedFor) {
        return (killedFor as string).startsWith("wall")
          ? jsonError(504, "WORKER_TIMEOUT", `Function ${name}: ${killedFor}.`)
          : jsonError(546, "WORKER_LIMIT", `Function ${name}: ${killedFor}.`);
      }
      const s = await Promise.race([status, new Promise((r) => setTimeout(r, 200))]);
      opts.log(`${tag} request failed: ${err instanceof Error ? err.message : err}`);
      return jsonError(
        546,
        "WORKER_LIMIT",
        `Function ${name} ended before responding${
          s ? " (crashed or out of memory)" : ""
        }; see the function log.`,
      );
    }
  }

  return async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    if (url.pathname === "/" || url.pathname === "/health") {
      return Response.json({ status: "ok", api: API_URL, functions: `${API_URL}/functions/v1/` });
    }
    // The static status page (local/dashboard/): it reads /functions/v1/status like any other origin would.
    if (url.pathname === "/dashboard" || url.pathname.startsWith("/dashboard/")) {
      return (await dashboardResponse(req)) ??
        jsonError(404, "NOT_FOUND", "The status page is at /dashboard/.");
    }
    const m = url.pathname.match(/^\/functions\/v1\/([A-Za-z0-9_-]+)(\/.*)?$/);
    if (!m) {
      return jsonError(
        404,
        "NOT_FOUND",
        `No route for ${url.pathname}. Functions live under /functions/v1/<name>.`,
      );
    }
    const name = m[1];
    const subpath = m[2] ?? "";
    if (name.startsWith("_") || !existsSync(`${FUNCTIONS_DIR}/${name}/index.ts`)) {
      return jsonError(404, "NOT_FOUND", `Requested function was not found: ${name}`);
    }
    const verify = readVerifyJwt(`${REPO_ROOT}/supabase/config.toml`).get(name) ?? true;
    if (verify && req.method !== "OPTIONS") {
      const auth = req.headers.get("authorization");
      if (!auth) return jsonError(401, 401, "Missing authorization header");
      const token = auth.match(/^Bearer\s+(.+)$/i)?.[1];
      if (!token) return jsonError(401, 401, "Invalid authorization header: expected 'Bearer <JWT>'");
      const check = await verifyJwt(token, JWT_SECRET);
      if (!check.ok) return jsonError(401, 401, check.reason);
    }
    return await runFunction(name, req, subpath);
  };
}
