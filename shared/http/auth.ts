// Who is calling. The gateway (hosted or local) has already verified the JWT's signature when the function
// has verify_jwt = true, so the role claim can be read without verifying again.

function base64UrlDecode(s: string): string {
  const pad = s.length % 4 === 0 ? "" : "=".repeat(4 - (s.length % 4));
  return atob(s.replace(/-/g, "+").replace(/_/g, "/") + pad);
}

/** The `role` claim of the bearer token (`anon`, `authenticated`, `service_role`), or null. */
export function callerRole(req: Request): string | null {
  const token = req.headers.get("authorization")?.match(/^Bearer\s+(.+)$/i)?.[1];
  if (!token) return null;
  try {
    const claims = JSON.parse(base64UrlDecode(token.split(".")[1] ?? ""));
    return typeof claims.role === "string" ? claims.role : null;
  } catch {
    return null;
  }
}

/** 403 unless the caller holds the service role; null when it does. */
export function requireServiceRole(req: Request): Response | null {
  const role = callerRole(req);
  if (role === "service_role") return null;
  return Response.json(
    {
      error: "forbidden",
      message: `This function acts on the database and needs the service role key; the caller's role is ${
        role ?? "unknown"
      }. Send 'Authorization: Bearer <SUPABASE_SERVICE_ROLE_KEY>'.`,
    },
    { status: 403 },
  );
}
