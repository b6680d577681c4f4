// deno-lint-ignore-file no-explicit-any -- rows and function answers are arbitrary JSON, asserted field by field
// End to end through the schedule: the racing-sync job's command, exactly as install_schedule() wrote it to
// cron.job, runs in a committed transaction (as pg_cron runs it, at an instant its UK-time guard accepts);
// the pg_net stand-in delivers the call after commit to the sync function of a private stack; the
// simulator's today/yesterday data lands and the run is recorded from queued to succeeded.
// (The minute tick itself, pg_cron → pg_net → function, is covered by supabase/tests/stack/pg_cron_tick_*.)
import assert from "node:assert/strict";
import { dayTruth } from "../../local/simulator/world.ts";
import { addDays, ukToday } from "../../shared/day/dates.ts";
import { connect, DB_MISSING, dbReachable, resetIngestedData } from "../_helpers/db.ts";
import { startTestStack } from "../_helpers/test_stack.ts";

const ignore = !(await dbReachable());
if (ignore) console.warn(`schedule tests skipped: ${DB_MISSING}`);

class Rollback extends Error {}

Deno.test({
  name:
    "schedule: the racing-sync cron command reaches the sync function via pg_net; data lands; run recorded",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const sql = connect();
    const stack = await startTestStack({ sim: { now: new Date().toISOString() } });
    try {
      await resetIngestedData(sql);
      const base = stack.functionsUrl.replace(/\/functions\/v1$/, "");
      let command = "";
      const runId = await sql.begin(async (tx) => {
        // 06:00 in winter UK time: the sync job's guard passes (pinned for this transaction only).
        await tx`select set_config('ra.schedule_now', '2025-01-15 06:00:00+00', true)`;
        // Point the Vault URL at the private stack, inside this transaction only (others never see it).
        const [{ secret: original }] = await tx`select secret from vault.secrets where name = 'project_url'`;
        await tx`update vault.secrets set secret = ${base} where name = 'project_url'`;
        // The job's command as installed (in a savepoint rolled back: no job is left behind).
        await tx.savepoint(async (sp) => {
          await sp`select ra_internal.install_schedule()`;
          [{ command }] = await sp`select command from cron.job where jobname = 'racing-sync'`;
          throw new Rollback();
        }).catch((e) => {
          if (!(e instanceof Rollback)) throw e;
        });
        assert.match(command, /scheduled_invoke\('sync'/);
        const [row] = await tx.unsafe(command);
        await tx`update vault.secrets set secret = ${original} where name = 'project_url'`;
        return Number(Object.values(row)[0]);
      });
      assert.ok(runId > 0, "the guard passed and a run was queued");
      const [{ secret }] = await sql`select secret from vault.secrets where name = 'project_url'`;
      assert.notEqual(secret, base, "the Vault URL is unchanged for everyone else");

      let run: any;
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline) {
        [run] = await sql`select job, trigger, status, request_id::int, invocations, counts, error
                          from ra_internal.scheduled_runs where run_id = ${runId}`;
        if (run.status !== "queued" && run.status !== "running") break;
        await new Promise((r) => setTimeout(r, 300));
      }
      assert.equal(run.job, "sync");
      assert.equal(run.trigger, "cron");
      assert.equal(run.status, "succeeded", JSON.stringify(run));
      const [resp] =
        await sql`select status_code, content from net._http_response where id = ${run.request_id}`;
      assert.equal(resp?.status_code, 202, "the function accepted the cron call (async)");
      assert.equal(JSON.parse(resp.content).run_id, runId);

      // Today's racecards and yesterday's results are in the tables.
      const today = ukToday();
      const yesterday = addDays(today, -1);
      const [y] = await sql`
        select count(*) filter (where has_result)::int as n from ra_races where race_date = ${yesterday}`;
      assert.equal(y.n, dayTruth(1, yesterday, ["gb", "ire"]).races, "yesterday's results landed");
      const [t] = await sql`select count(*)::int as n from ra_races where race_date = ${today}`;
      assert.equal(t.n, dayTruth(1, today, ["gb", "ire"]).racecardRaces, "today's racecards landed");
      assert.equal(run.counts.totals.days_done, 11);
    } finally {
      await stack.close();
      await sql.end();
    }
  },
});
