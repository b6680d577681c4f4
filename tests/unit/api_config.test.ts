// shared/config.ts: defaults, fail-fast messages that name the variable, and redaction of secrets.
import assert from "node:assert/strict";
import {
  ConfigError,
  loadDatabaseConfig,
  loadRacingApiConfig,
  loadSupabaseConfig,
  Secret,
} from "../../shared/config.ts";

const USER = "user-Zq7wXk";
const PASS = "pass-Hh3TtY9";

Deno.test("racing API config: defaults", () => {
  const c = loadRacingApiConfig({ RACING_API_USERNAME: USER, RACING_API_PASSWORD: PASS });
  assert.equal(c.url, "https://api.theracingapi.com");
  assert.deepEqual(c.regions, ["gb", "ire"]);
  assert.equal(c.ratePerSecond, 2);
  assert.equal(c.plan, "pro");
  assert.equal(c.endpointLimits, "spec");
  assert.equal(c.username.reveal(), USER);
  assert.equal(c.password.reveal(), PASS);
});

Deno.test("racing API config: overrides are normalised", () => {
  const c = loadRacingApiConfig({
    RACING_API_USERNAME: USER,
    RACING_API_PASSWORD: PASS,
    RACING_API_URL: "http://127.0.0.1:8080/",
    RACING_API_REGIONS: " GB , ire,fr ",
    RACING_API_RATE_PER_SECOND: "1.5",
    RACING_API_PLAN: "Standard",
    RACING_API_ENDPOINT_LIMITS: " OFF ",
  });
  assert.equal(c.url, "http://127.0.0.1:8080");
  assert.deepEqual(c.regions, ["gb", "ire", "fr"]);
  assert.equal(c.ratePerSecond, 1.5);
  assert.equal(c.plan, "standard");
  assert.equal(c.endpointLimits, "off");
});

Deno.test("racing API config: missing credentials name both variables and what to do", () => {
  assert.throws(
    () => loadRacingApiConfig({ RACING_API_USERNAME: "  " }),
    (e: unknown) =>
      e instanceof ConfigError &&
      /RACING_API_USERNAME is missing: set it/.test(e.message) &&
      /RACING_API_PASSWORD is missing: set it/.test(e.message) &&
      e.variables.includes("RACING_API_USERNAME") && e.variables.includes("RACING_API_PASSWORD"),
  );
});

Deno.test("racing API config: bad values are named, never echoed", () => {
  const env = {
    RACING_API_USERNAME: USER,
    RACING_API_PASSWORD: PASS,
    RACING_API_URL: `https://${USER}:${PASS}@api.example.com`,
    RACING_API_RATE_PER_SECOND: "fast",
    RACING_API_PLAN: "gold",
    RACING_API_REGIONS: "g b",
    RACING_API_ENDPOINT_LIMITS: "none",
  };
  try {
    loadRacingApiConfig(env);
    assert.fail("should throw");
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    for (
      const v of [
        "RACING_API_URL",
        "RACING_API_RATE_PER_SECOND",
        "RACING_API_PLAN",
        "RACING_API_REGIONS",
        "RACING_API_ENDPOINT_LIMITS",
      ]
    ) {
      assert.match(e.message, new RegExp(`${v} is invalid`));
    }
    for (const secret of [USER, PASS, "fast", "gold"]) assert.ok(!e.message.includes(secret), secret);
  }
});

Deno.test("racing API config: URL must not include /v1", () => {
  assert.throws(
    () =>
      loadRacingApiConfig({
        RACING_API_USERNAME: USER,
        RACING_API_PASSWORD: PASS,
        RACING_API_URL: "https://api.theracingapi.com/v1",
      }),
    /RACING_API_URL is invalid: set it to the API base URL WITHOUT \/v1/,
  );
});

Deno.test("config: secrets are redacted in String, JSON and inspect", () => {
  const c = loadRacingApiConfig({ RACING_API_USERNAME: USER, RACING_API_PASSWORD: PASS });
  const db = loadDatabaseConfig({
    SUPABASE_DB_URL: `postgresql://postgres:${PASS}@127.0.0.1:54322/postgres`,
  });
  const sb = loadSupabaseConfig({
    SUPABASE_URL: "http://127.0.0.1:54321",
    SUPABASE_SERVICE_ROLE_KEY: PASS,
    SUPABASE_ANON_KEY: USER,
  });
  const outputs = [
    JSON.stringify(c),
    JSON.stringify(db),
    JSON.stringify(sb),
    Deno.inspect(c),
    Deno.inspect(db),
    Deno.inspect(sb, { depth: 5 }),
    String(c.password),
    `${c.username}`,
  ];
  for (const o of outputs) {
    assert.ok(!o.includes(USER) && !o.includes(PASS), o);
  }
  assert.match(JSON.stringify(c), /"password":"\[redacted\]"/);
  assert.equal(new Secret("x").reveal(), "x");
});

Deno.test("database and Supabase config: required variables", () => {
  assert.throws(() => loadDatabaseConfig({}), /SUPABASE_DB_URL is missing/);
  assert.throws(() => loadDatabaseConfig({ SUPABASE_DB_URL: "mysql://x" }), /SUPABASE_DB_URL is invalid/);
  // The transaction pooler wins when set; blank means unset; a wrong one is named, its value never echoed.
  const direct = "postgresql://postgres:pw@db.example.supabase.co:5432/postgres";
  const pooler = "postgresql://postgres.ref:pw@aws-0-eu-west-2.pooler.supabase.com:6543/postgres";
  const viaPooler = loadDatabaseConfig({ SUPABASE_DB_URL: direct, RACING_DB_POOLER_URL: pooler });
  assert.equal(viaPooler.dbUrl.reveal(), pooler);
  assert.equal(viaPooler.pooled, true);
  const blank = loadDatabaseConfig({ SUPABASE_DB_URL: direct, RACING_DB_POOLER_URL: " " });
  assert.equal(blank.dbUrl.reveal(), direct);
  assert.equal(blank.pooled, false);
  assert.throws(
    () => loadDatabaseConfig({ SUPABASE_DB_URL: direct, RACING_DB_POOLER_URL: "https://secret-host:6543" }),
    (e: Error) =>
      /RACING_DB_POOLER_URL is invalid: set it to the transaction pooler/.test(e.message) &&
      !e.message.includes("secret-host"),
  );
  assert.throws(
    () => loadSupabaseConfig({}),
    (e: unknown) =>
      e instanceof ConfigError && /SUPABASE_URL is missing/.test(e.message) &&
      /SUPABASE_SERVICE_ROLE_KEY is missing/.test(e.message) && !/SUPABASE_ANON_KEY/.test(e.message),
  );
  const sb = loadSupabaseConfig({ SUPABASE_URL: "http://127.0.0.1:54321/", SUPABASE_SERVICE_ROLE_KEY: "k" });
  assert.equal(sb.url, "http://127.0.0.1:54321");
  assert.equal(sb.anonKey, null);
});
