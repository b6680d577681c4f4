// Serves the static status page (local/dashboard/index.html). Used two ways:
// - the local gateway mounts dashboardResponse() at /dashboard/ (http://127.0.0.1:54321/dashboard/);
// - `deno task dashboard [--port 54329]` serves the page alone, for a hosted project: open it, enter the
//   project's functions URL and a key or the read-only status token. The page holds no secret; it reads the
//   status JSON across origins (the function answers CORS).
import { fileURLToPath } from "node:url";

export const DASHBOARD_FILE = fileURLToPath(new URL("./index.html", import.meta.url));

/** The page for GET/HEAD /dashboard/ (and /dashboard/index.html); a redirect for /dashboard; else null. */
export async function dashboardResponse(req: Request, mount = "/dashboard"): Promise<Response | null> {
  const url = new URL(req.url);
  if (url.pathname === mount) {
    return new Response(null, { status: 308, headers: { location: `${mount}/${url.search}` } });
  }
  if (url.pathname !== `${mount}/` && url.pathname !== `${mount}/index.html`) return null;
  if (req.method !== "GET" && req.method !== "HEAD") {
    return new Response("Use GET.", { status: 405, headers: { allow: "GET, HEAD" } });
  }
  const body = await Deno.readFile(DASHBOARD_FILE);
  return new Response(req.method === "HEAD" ? null : body, {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-cache",
      // The page loads nothing from elsewhere; it only fetches the status JSON from the URL the user gives.
      "content-security-policy":
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src *; img-src data:",
      "x-content-type-options": "nosniff",
    },
  });
}

/** A server for the page alone (at / and /dashboard/). */
export function serveDashboard(opts: { port?: number; hostname?: string; signal?: AbortSignal } = {}) {
  return Deno.serve(
    {
      port: opts.port ?? 54329,
      hostname: opts.hostname ?? "127.0.0.1",
      signal: opts.signal,
      onListen: () => {},
    },
    async (req) => {
      const url = new URL(req.url);
      if (url.pathname === "/" || url.pathname === "/index.html") {
        return (await dashboardResponse(new Request(new URL("/dashboard/", url), req)))!;
      }
      return (await dashboardResponse(req)) ?? new Response("Not found. The page is at /.", { status: 404 });
    },
  );
}

if (import.meta.main) {
  const i = Deno.args.indexOf("--port");
  const port = i >= 0 ? Number(Deno.args[i + 1]) : 54329;
  const server = serveDashboard({ port });
  console.log(`status page: http://127.0.0.1:${server.addr.port}/  (Ctrl-C to stop)`);
}
