// HS256 JSON Web Tokens with WebCrypto: enough to sign the local demo keys and verify callers the way the
// hosted gateway does for `verify_jwt`.

const enc = new TextEncoder();

function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function b64urlDecode(s: string): Uint8Array<ArrayBuffer> {
  const pad = s.length % 4 === 0 ? "" : "=".repeat(4 - (s.length % 4));
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/") + pad);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

async function hmacKey(secret: string): Promise<CryptoKey> {
  return await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

export async function signJwt(payload: Record<string, unknown>, secret: string): Promise<string> {
  const head = b64url(enc.encode(JSON.stringify({ alg: "HS256", typ: "JWT" })));
  const body = b64url(enc.encode(JSON.stringify(payload)));
  const sig = await crypto.subtle.sign("HMAC", await hmacKey(secret), enc.encode(`${head}.${body}`));
  return `${head}.${body}.${b64url(new Uint8Array(sig))}`;
}

export type JwtCheck = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string };

/** Verifies an HS256 token's signature and expiry. */
export async function verifyJwt(
  token: string,
  secret: string,
  nowSeconds = Date.now() / 1000,
): Promise<JwtCheck> {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "Invalid JWT: not three dot-separated parts" };
  let header: { alg?: string };
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(b64urlDecode(parts[0])));
    claims = JSON.parse(new TextDecoder().decode(b64urlDecode(parts[1])));
  } catch {
    return { ok: false, reason: "Invalid JWT: undecodable header or payload" };
  }
  if (header.alg !== "HS256") {
    return { ok: false, reason: `Invalid JWT: unsupported algorithm ${header.alg}` };
  }
  const valid = await crypto.subtle.verify(
    "HMAC",
    await hmacKey(secret),
    b64urlDecode(parts[2]),
    enc.encode(`${parts[0]}.${parts[1]}`),
  );
  if (!valid) return { ok: false, reason: "Invalid JWT: signature mismatch" };
  if (typeof claims.exp === "number" && claims.exp < nowSeconds) return { ok: false, reason: "JWT expired" };
  return { ok: true, claims };
}

/** The role claim of a token, without verifying it (for code behind a gateway that already verified it). */
export function unverifiedRole(token: string): string | null {
  try {
    const claims = JSON.parse(new TextDecoder().decode(b64urlDecode(token.split(".")[1] ?? "")));
    return typeof claims.role === "string" ? claims.role : null;
  } catch {
    return null;
  }
}
