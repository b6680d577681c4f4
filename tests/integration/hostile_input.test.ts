// Every function URL, attacked the way the internet would: malformed JSON, wrong types, huge bodies, bad
// dates, wrong methods, SQL-looking strings, and every kind of key. Each answer is a 4xx with a clear
// message, never a 500 and never a stack trace.
import assert from "node:assert/strict";
import { ANON_KEY, JWT_SECRET } from "../../local/stack/constants.ts";
import { signJwt } from "../../local/stack/jwt.ts";
import { DB_MISSING, dbReachable } from "../_helpers/db.ts";
import { startTestStack } from "../_helpers/test_stack.ts";

const ignore = !(await dbReachable());
if (ignore) console.warn(`hostile input tests skipped: ${DB_MISSING}`);

/** Functions that act on the database: service role only. */
const ACTING = ["backfill", "sync", "masters"];

function assertClean(fn: string, what: string, r: { status: number; body: unknown }) {
  const text = typeof r.body === "string" ? r.body : JSON.stringify(r.body);
  assert.ok(
    r.status >= 400 && r.status < 500,
    `${fn} ${what}: expected 4xx, got ${r.status} ${text.slice(0, 200)}`,
  );
  assert.doesNotMatch(text, /\n\s+at |file:\/\/|\.ts:\d+/, `${fn} ${what}: no stack trace`);
  const message = (r.body as { message?: string })?.message;
  assert.ok(
    typeof message === "string" && message.length > 10,
    `${fn} ${what}: a message says what is wrong`,
  );
}

Deno.test({
  name: "hostile input: every function refuses bad bodies, methods and keys with a clear 4xx",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const stack = await startTestStack({ env: { STATUS_READ_TOKEN: "read-only-token-for-tests-0123" } });
    try {
      const forged = await signJwt(
        { role: "service_role", iss: "supabase-demo", exp: 1983812996 },
        "x".repeat(40),
      );
      const expired = await signJwt({ role: "service_role", exp: 1_000_000 }, JWT_SECRET);
      for (const fn of [...ACTING, "status"]) {
        // Keys: none, forged, expired → 401; anon → 401/403; never 2xx.
        for (
          const [what, key] of [["no key", null], ["forged key", forged], ["expired key", expired]] as const
        ) {
          const r = fn === "status"
            ? await stack.call(fn, { method: "GET", key })
            : await stack.call(fn, { method: "POST", body: "{}", key });
          assert.equal(r.status, 401, `${fn} ${what}`);
        }
        const anon = await stack.call(fn, {
          method: fn === "status" ? "GET" : "POST",
          body: fn === "status" ? undefined : "{}",
          key: ANON_KEY,
        });
        assert.ok(anon.status === 401 || anon.status === 403, `${fn} anon: ${anon.status}`);
      }
      for (const fn of ACTING) {
        const bodies: [string, string][] = [
          ["malformed JSON", "{not json"],
          ["a JSON array", "[1,2,3]"],
          ["a JSON string", '"from"'],
          ["wrong types", JSON.stringify({ from: 20230101, days_back: "three", async: "yes" })],
          ["unknown fields", JSON.stringify({ drop: "table", "'; drop table ra_races; --": 1 })],
          ["SQL in a date", JSON.stringify({ from: "2023-01-01'; drop table ra_races; --" })],
          ["bad date", JSON.stringify({ from: "2023-13-45" })],
          ["huge body", JSON.stringify({ from: "2023-01-01", pad: "x".repeat(1_000_000) })],
          ["deep nesting", "[".repeat(5000) + "]".repeat(5000)],
        ];
        for (const [what, body] of bodies) {
          assertClean(fn, what, await stack.call(fn, { method: "POST", body }));
        }
        for (const method of ["PUT", "DELETE", "PATCH"]) {
          assertClean(fn, method, await stack.call(fn, { method, body: "{}" }));
        }
      }
      for (const method of ["POST", "PUT", "DELETE"]) {
        assertClean("status", method, await stack.call("status", { method, body: "{}" }));
      }
      // The tables survived the SQL-looking strings (nothing was executed).
      const ok = await stack.call("status");
      assert.equal(ok.status, 200);
      assert.ok("row_counts" in ok.body);
    } finally {
      await stack.close();
    }
  },
});
