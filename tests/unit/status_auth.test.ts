// Who may read the status JSON: the service role (exact key, secret keys, HS256 JWT when a secret is set) or
// the read-only token; everyone else gets 401/403. And the compact calendar decodes day by day.
import assert from "node:assert/strict";
import { ANON_KEY, JWT_SECRET, SERVICE_ROLE_KEY } from "../../local/stack/constants.ts";
import { signJwt } from "../../local/stack/jwt.ts";
import { authorizeStatus, safeEqual } from "../../shared/status/auth.ts";
import { Calendar, decodeCalendar } from "../../shared/status/schema.ts";

const TOKEN = "read-only-token-0123456789";
const env = { SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY, STATUS_READ_TOKEN: TOKEN };

function req(headers: Record<string, string> = {}, query = "") {
  return new Request(`http://x/status${query}`, { headers });
}

Deno.test("status auth: service role key accepted, anon key 403, nothing 401, unknown bearer 401", async () => {
  assert.deepEqual(await authorizeStatus(req({ authorization: `Bearer ${SERVICE_ROLE_KEY}` }), env), {
    ok: true,
    via: "service_role",
  });
  const anon = await authorizeStatus(req({ authorization: `Bearer ${ANON_KEY}` }), env);
  assert.equal(anon.ok, false);
  assert.equal(!anon.ok && anon.status, 403);
  const none = await authorizeStatus(req(), env);
  assert.equal(!none.ok && none.status, 401);
  const junk = await authorizeStatus(req({ authorization: "Bearer not-a-key" }), env);
  assert.equal(!junk.ok && junk.status, 401);
});

Deno.test("status auth: a forged service_role JWT is refused unless signed with SUPABASE_JWT_SECRET", async () => {
  const forged = await signJwt(
    { role: "service_role", exp: 4102444800 },
    "some-other-secret-of-32-characters!!",
  );
  const r1 = await authorizeStatus(req({ authorization: `Bearer ${forged}` }), env);
  assert.equal(r1.ok, false, "a JWT that merely claims service_role is not enough");
  const signed = await signJwt({ role: "service_role", exp: 4102444800 }, JWT_SECRET);
  const withSecret = { ...env, SUPABASE_JWT_SECRET: JWT_SECRET };
  assert.equal((await authorizeStatus(req({ authorization: `Bearer ${signed}` }), withSecret)).ok, true);
  const expired = await signJwt({ role: "service_role", exp: 1000 }, JWT_SECRET);
  assert.equal((await authorizeStatus(req({ authorization: `Bearer ${expired}` }), withSecret)).ok, false);
  const anonSigned = await signJwt({ role: "anon", exp: 4102444800 }, JWT_SECRET);
  const r2 = await authorizeStatus(req({ authorization: `Bearer ${anonSigned}` }), withSecret);
  assert.equal(!r2.ok && r2.status, 403);
});

Deno.test("status auth: new secret keys (SUPABASE_SECRET_KEYS) count as the service role", async () => {
  const e = { SUPABASE_SECRET_KEYS: JSON.stringify({ default: "sb_secret_abc123" }) };
  assert.equal((await authorizeStatus(req({ authorization: "Bearer sb_secret_abc123" }), e)).ok, true);
  assert.equal((await authorizeStatus(req({ authorization: "Bearer sb_secret_abc124" }), e)).ok, false);
});

Deno.test("status auth: the read-only token works as header, query or bearer; short or unset tokens never", async () => {
  for (
    const r of [
      req({ "x-status-token": TOKEN }),
      req({}, `?token=${TOKEN}`),
      req({ authorization: `Bearer ${TOKEN}` }),
    ]
  ) {
    assert.deepEqual(await authorizeStatus(r, env), { ok: true, via: "read_token" });
  }
  assert.equal((await authorizeStatus(req({ "x-status-token": TOKEN + "x" }), env)).ok, false);
  const short = { STATUS_READ_TOKEN: "short" };
  assert.equal((await authorizeStatus(req({ "x-status-token": "short" }), short)).ok, false);
  assert.equal((await authorizeStatus(req({ "x-status-token": "" }), {})).ok, false);
  assert.equal(await safeEqual("a", "a"), true);
  assert.equal(await safeEqual("a", "b"), false);
});

Deno.test("status schema: the compact calendar decodes to one entry per day; misaligned arrays are refused", () => {
  const c = {
    from: "2024-02-27",
    to: "2024-03-02",
    days: 5,
    states: "DPFNW",
    races: [30, 25, 0, 0, 0],
    runners: [300, 240, 0, 0, 0],
    missing_results: [0, 2, 0, 0, 0],
    counts: { done: 1, partial: 1, failed: 1, no_racing: 1, pending: 1 },
  };
  const days = decodeCalendar(Calendar.parse(c));
  assert.deepEqual(days.map((d) => `${d.day}:${d.state}:${d.races}`), [
    "2024-02-27:done:30",
    "2024-02-28:partial:25",
    "2024-02-29:failed:0",
    "2024-03-01:no_racing:0",
    "2024-03-02:pending:0",
  ]);
  assert.equal(Calendar.safeParse({ ...c, races: [1] }).success, false);
  assert.equal(Calendar.safeParse({ ...c, states: "DPFNX" }).success, false);
});
