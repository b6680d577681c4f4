// Who may read the status JSON. The function runs with verify_jwt = false (so a read-only token works without
// a Supabase key), which means nothing upstream has checked the caller: this module does it all.
//
// Accepted:
//   - the service role: `Authorization: Bearer <key>` equal to SUPABASE_SERVICE_ROLE_KEY (legacy JWT key, set
//     on hosted and local alike) or to one of SUPABASE_SECRET_KEYS (new `sb_secret_…` keys, hosted); or, when
//     SUPABASE_JWT_SECRET is set (self-hosted), any HS256 JWT signed with it whose role is service_role;
//   - the read-only token STATUS_READ_TOKEN (at least 16 characters) sent as `x-status-token: <token>`,
//     `?token=<token>` or `Authorization: Bearer <token>`.
// Anything else: 401 (no or unknown credential) or 403 (a valid-looking key of another role, e.g. anon).

type Env = Record<string, string | undefined>;

export type StatusAccess =
  | { ok: true; via: "service_role" | "read_token" }
  | { ok: false; status: 401 | 403; error: string; message: string };

export const MIN_READ_TOKEN_LENGTH = 16;

const enc = new TextEncoder();

/** Constant-time string equality (compares SHA-256 digests, so lengths leak nothing either). */
export async function safeEqual(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([
    crypto.subtle.digest("SHA-256", enc.encode(a)),
    crypto.subtle.digest("SHA-256", enc.encode(b)),
  ]);
  const u = new Uint8Array(x), v = new Uint8Array(y);
  let diff = 0;
  for (let i = 0; i < u.length; i++) diff |= u[i] ^ v[i];
  return diff === 0;
}

function b64urlBytes(s: string): Uint8Array<ArrayBuffer> {
  const pad = s.length % 4 === 0 ? "" : "=".repeat(4 - (s.length % 4));
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/") + pad);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** The claims of a JWT without checking its signature (only to word a refusal), or null. */
export function unverifiedClaims(token: string): Record<string, unknown> | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  try {
    const claims = JSON.parse(new TextDecoder().decode(b64urlBytes(parts[1])));
    return claims && typeof claims === "object" ? claims : null;
  } catch {
    return null;
  }
}

/** Claims of an HS256 JWT whose signature and expiry check out against `secret`; null otherwise. */
export async function verifyHs256(
  token: string,
  secret: string,
  nowSeconds = Date.now() / 1000,
): Promise<Record<string, unknown> | null> {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(new TextDecoder().decode(b64urlBytes(parts[0])));
    if (header?.alg !== "HS256") return null;
    const key = await crypto.subtle.importKey(
      "raw",
      enc.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      [
        "verify",
      ],
    );
    const ok = await crypto.subtle.verify(
      "HMAC",
      key,
      b64urlBytes(parts[2]),
      enc.encode(`${parts[0]}.${parts[1]}`),
    );
    if (!ok) return null;
    const claims = unverifiedClaims(token);
    if (!claims) return null;
    if (typeof claims.exp === "number" && claims.exp < nowSeconds) return null;
    return claims;
  } catch {
    return null;
  }
}

function secretKeys(env: Env): string[] {
  const raw = env.SUPABASE_SECRET_KEYS;
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw);
    return Object.values(parsed ?? {}).filter((v): v is string => typeof v === "string" && v.length > 0);
  } catch {
    return [];
  }
}

async function isServiceRole(token: string, env: Env): Promise<boolean> {
  const candidates = [env.SUPABASE_SERVICE_ROLE_KEY, ...secretKeys(env)].filter((k): k is string => !!k);
  for (const k of candidates) if (await safeEqual(token, k)) return true;
  if (env.SUPABASE_JWT_SECRET) {
    const claims = await verifyHs256(token, env.SUPABASE_JWT_SECRET);
    if (claims?.role === "service_role") return true;
  }
  return false;
}

function readToken(env: Env): string | null {
  const t = env.STATUS_READ_TOKEN?.trim();
  return t && t.length >= MIN_READ_TOKEN_LENGTH ? t : null;
}

export async function authorizeStatus(req: Request, env: Env): Promise<StatusAccess> {
  const bearer = req.headers.get("authorization")?.match(/^Bearer\s+(\S+)\s*$/i)?.[1] ?? null;
  const headerToken = req.headers.get("x-status-token")?.trim() || null;
  const queryToken = new URL(req.url).searchParams.get("token")?.trim() || null;
  const token = readToken(env);

  if (bearer && await isServiceRole(bearer, env)) return { ok: true, via: "service_role" };
  if (token) {
    for (const t of [headerToken, queryToken, bearer]) {
      if (t && await safeEqual(t, token)) return { ok: true, via: "read_token" };
    }
  }
  if (!bearer && !headerToken && !queryToken) {
    return {
      ok: false,
      status: 401,
      error: "unauthorized",
      message: "The status needs a credential: 'Authorization: Bearer <service role key>' or the read-only " +
        "token as 'x-status-token: <token>' (or ?token=).",
    };
  }
  const role = bearer ? unverifiedClaims(bearer)?.role : undefined;
  if (typeof role === "string" && role !== "service_role") {
    return {
      ok: false,
      status: 403,
      error: "forbidden",
      message: `A ${role} key cannot read the status (it exposes internal state). Use the service role key ` +
        "or the read-only status token.",
    };
  }
  return {
    ok: false,
    status: 401,
    error: "unauthorized",
    message:
      "The credential was not accepted: it is neither the service role key nor the read-only status token" +
      (token ? "." : " (no STATUS_READ_TOKEN of 16+ characters is configured for this project)."),
  };
}
