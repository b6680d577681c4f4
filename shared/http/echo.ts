import { callerRole } from "./auth.ts";

/** Echoes method, path, body and the caller's role; `?sleep_ms=N` waits first, `?burn_ms=N` spends CPU. */
export async function handleEcho(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const sleepMs = Math.min(Number(url.searchParams.get("sleep_ms") ?? 0), 600_000);
  if (sleepMs > 0) await new Promise((r) => setTimeout(r, sleepMs));
  const burnMs = Math.min(Number(url.searchParams.get("burn_ms") ?? 0), 600_000);
  const until = performance.now() + burnMs;
  while (performance.now() < until) { /* spend CPU on purpose */ }
  const text = req.method === "GET" || req.method === "HEAD" ? "" : await req.text();
  return Response.json({
    method: req.method,
    path: url.pathname,
    role: callerRole(req),
    body: text.length > 10_000 ? `${text.slice(0, 10_000)}…` : text,
  });
}
