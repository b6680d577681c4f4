// The status function's logic behind its thin index.ts: GET → every status fact as one JSON document
// (ra_internal.status_report(), shape in SHAPE.md / schema.ts). Readable with the service role key or the
// read-only STATUS_READ_TOKEN (auth.ts); CORS is open so the static page can read it from any origin.
import { loadDatabaseConfig } from "../config.ts";
import { connectDb } from "../db.ts";
import { errorResponse, json, methodNotAllowed, preflight } from "../http/respond.ts";
import { authorizeStatus } from "./auth.ts";

type Env = Record<string, string | undefined>;

export interface StatusHandlerDeps {
  env: Env;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

function defaultLog(msg: string, fields: Record<string, unknown> = {}) {
  console.log(JSON.stringify({ at: new Date().toISOString(), fn: "status", msg, ...fields }));
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function createStatusHandler(deps: StatusHandlerDeps): (req: Request) => Promise<Response> {
  const log = deps.log ?? defaultLog;
  return async (req: Request): Promise<Response> => {
    // Preflight answered 200 with a body (as Supabase's CORS example does): some proxies mishandle 204s.
    if (req.method === "OPTIONS") return preflight();
    if (req.method !== "GET") return methodNotAllowed(["GET"]);
    const access = await authorizeStatus(req, deps.env);
    if (!access.ok) return errorResponse(access.status, access.error, access.message);

    const param = new URL(req.url).searchParams.get("rejects");
    const rejects = param === null ? 20 : Number(param);
    if (!Number.isInteger(rejects) || rejects < 0 || rejects > 200) {
      return errorResponse(400, "bad_request", "rejects must be an integer from 0 to 200 (default 20).");
    }

    const lightParam = new URL(req.url).searchParams.get("light");
    const light = lightParam === "1" || lightParam === "true";

    let dbUrl: string;
    try {
      dbUrl = loadDatabaseConfig(deps.env).dbUrl.reveal();
    } catch (err) {
      return errorResponse(500, "config_error", errorMessage(err));
    }
    const sql = connectDb(dbUrl, { max: 1, applicationName: "status api" });
    try {
      const started = Date.now();
      const [row] = await sql<
        { r: Record<string, unknown> }[]
      >`select ra_internal.status_report(${rejects}, ${light}) as r`;
      return json({ ...row.r, query_ms: Date.now() - started }, 200, { "cache-control": "no-store" });
    } catch (err) {
      log("status query failed", { error: errorMessage(err) });
      return errorResponse(500, "internal_error", "The status query failed; see the function log.");
    } finally {
      await sql.end({ timeout: 5 });
    }
  };
}
