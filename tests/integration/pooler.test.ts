// The functions connect through the local transaction pooler (PgBouncer, the stand-in for Supavisor's port
// 6543): the server connection an invocation used outlives it, idle in the pool, and the next invocation
// gets a warm backend instead of starting a new one.
import assert from "node:assert/strict";
import { POOLER_PORT } from "../../local/stack/constants.ts";
import { connect, DB_MISSING, dbReachable } from "../_helpers/db.ts";
import { startTestStack } from "../_helpers/test_stack.ts";

const ignore = !(await dbReachable());
if (ignore) console.warn(`pooler tests skipped: ${DB_MISSING}`);

/** Transactions the pooler has served for the database `postgres` so far (its admin console's SHOW STATS). */
async function pooledTransactions(): Promise<number> {
  const out = await new Deno.Command("psql", {
    args: [
      "-h",
      "127.0.0.1",
      "-p",
      String(POOLER_PORT),
      "-U",
      "postgres",
      "-d",
      "pgbouncer",
      "-AtF",
      "|",
      "-c",
      "show stats",
    ],
    env: { PGPASSWORD: "postgres" },
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const row = new TextDecoder().decode(out.stdout).split("\n").find((l) => l.startsWith("postgres|"));
  assert.ok(row, "the pooler has a pool for the database postgres");
  return Number(row.split("|")[1]); // total_xact_count
}

Deno.test({
  name: "pooler: functions connect through it, and an invocation's server connection serves the next one",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const sql = connect();
    const stack = await startTestStack();
    try {
      const backends = async () =>
        (await sql<{ pid: number }[]>`
          select pid from pg_stat_activity where application_name = 'backfill api' order by pid`).map((r) =>
          r.pid
        );
      const before = await pooledTransactions();
      assert.equal((await stack.call("backfill")).status, 200);
      assert.ok(await pooledTransactions() > before, "the function's queries went through the pooler");
      const after1 = await backends();
      assert.ok(after1.length >= 1, "its server connection is still there, idle in the pool");
      assert.equal((await stack.call("backfill")).status, 200);
      const after2 = await backends();
      assert.ok(
        after2.some((pid) => after1.includes(pid)),
        "the next invocation was served by a pooled backend",
      );
    } finally {
      await stack.close();
      await sql.end();
    }
  },
});
