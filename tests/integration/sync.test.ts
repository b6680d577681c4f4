// deno-lint-ignore-file no-explicit-any -- run rows and function answers are arbitrary JSON, asserted field by field
// The sync function end to end against a private simulator and gateway: racecards for today..today+7 and
// results for the last 3 days land in the fewest calls, the run is recorded, a re-run changes nothing, a
// small budget hands over to fresh invocations of the same run, the standard plan syncs results only.
import assert from "node:assert/strict";
import { dayTruth } from "../../local/simulator/world.ts";
import { ANON_KEY } from "../../local/stack/constants.ts";
import { addDays, ukToday } from "../../shared/day/dates.ts";
import { connect, DB_MISSING, dbReachable, resetIngestedData, tableFingerprints } from "../_helpers/db.ts";
import { startTestStack, type TestStack } from "../_helpers/test_stack.ts";

const ignore = !(await dbReachable());
if (ignore) console.warn(`sync tests skipped: ${DB_MISSING}`);

const REGIONS = ["gb", "ire"];

/** Successful simulator calls per (path, date, skip). */
function pagesFetched(stack: TestStack): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of stack.sim.log()) {
    if (e.status !== 200 || !e.path.startsWith("/v1/")) continue;
    const skip = e.params.find(([k]: [string, string]) => k === "skip")?.[1] ?? "0";
    const k = `${e.path}|${e.date}|${skip}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

type Db = ReturnType<typeof connect>;

/** Waits until the run is no longer queued/running (hand-overs continue it) and returns its row. */
export async function waitForRun(sql: Db, runId: number, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const [run] =
      await sql`select run_id::int, job, trigger, status, invocations, request_id::int, counts, error
                            from ra_internal.scheduled_runs where run_id = ${runId}`;
    if (run && run.status !== "running" && run.status !== "queued") return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not finish: ${JSON.stringify(run)}`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

/** Asserts the tables hold what the simulator has for the sync window. */
export async function assertWindowLanded(sql: Db, today: string, daysBack = 3) {
  for (let i = 1; i <= daysBack; i++) {
    const d = addDays(today, -i);
    const t = dayTruth(1, d, REGIONS);
    const [got] = await sql<{ result_races: number; results: number }[]>`
      select count(*) filter (where r.has_result)::int as result_races,
        (select count(*)::int from ra_race_results x join ra_races y using (race_id) where y.race_date = ${d}) as results
      from ra_races r where r.race_date = ${d}`;
    assert.equal(got.result_races, t.races, `${d}: races with results`);
    assert.equal(got.results, t.runners, `${d}: result rows`);
  }
  for (let i = 0; i <= 7; i++) {
    const d = addDays(today, i);
    const t = dayTruth(1, d, REGIONS);
    const [got] = await sql<{ races: number; runners: number }[]>`
      select count(*)::int as races,
        (select count(*)::int from ra_runners x join ra_races y using (race_id) where y.race_date = ${d}) as runners
      from ra_races r where r.race_date = ${d}`;
    assert.equal(got.races, t.racecardRaces, `${d}: racecard races`);
    assert.equal(got.runners, t.racecardRunners, `${d}: racecard runners`);
  }
}

Deno.test({
  name:
    "sync: racecards today..+7 and results of the last 3 days land once, recorded; a re-run changes nothing",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const sql = connect();
    // The simulator's clock is frozen so today's results cannot change between the two runs.
    const stack = await startTestStack({ sim: { now: new Date().toISOString() } });
    try {
      await resetIngestedData(sql);
      const today = ukToday();
      const r = await stack.call("sync", { body: {} });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.plan, "pro");
      assert.equal(r.body.today, today);
      // The answer covers this invocation; when its CPU budget ran out it handed the rest to a fresh one.
      assert.ok(["succeeded", "running"].includes(r.body.status), r.body.status);
      assert.equal(r.body.days.length + r.body.days_left.length, 11, "today, 3 days back, 7 days ahead");
      const run = await waitForRun(sql, r.body.run_id);
      assert.equal(run.job, "sync");
      assert.equal(run.trigger, "manual");
      assert.equal(run.status, "succeeded", JSON.stringify(run));
      assert.equal(run.counts.days.length, 11);
      assert.deepEqual(run.counts.days_left, []);
      await assertWindowLanded(sql, today);

      const pages = [...pagesFetched(stack).values()];
      assert.ok(pages.every((n) => n === 1), "no page fetched twice");
      assert.equal(run.counts.totals.pages, pages.length, "pages reported = API calls made");
      assert.equal(
        stack.sim.log().filter((e) => e.path === "/v1/racecards/pro").length,
        8,
        "racecards: one page for each of today..today+7",
      );

      const before = await tableFingerprints(sql);
      const again = await stack.call("sync", { body: {} });
      assert.equal(again.status, 200);
      assert.equal((await waitForRun(sql, again.body.run_id)).status, "succeeded");
      assert.deepEqual(await tableFingerprints(sql), before, "a re-run for the same window changes nothing");

      // Only the service role may sync; a bad body says what to send.
      assert.equal((await stack.call("sync", { body: {}, key: ANON_KEY })).status, 403);
      const bad = await stack.call("sync", { body: { days_back: 99 } });
      assert.equal(bad.status, 400);
      assert.match(bad.body.message, /days_back/);
      assert.equal((await stack.call("sync", { body: { nonsense: 1 } })).status, 400);
    } finally {
      await stack.close();
      await sql.end();
    }
  },
});

Deno.test({
  name: "sync: a budget too small for the window hands over to fresh invocations of the same run",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const sql = connect();
    const stack = await startTestStack({
      env: { SYNC_CPU_BUDGET_MS: "150" },
      sim: { now: new Date().toISOString() },
    });
    try {
      await resetIngestedData(sql);
      const today = ukToday();
      const days = [1, 2, 3].map((i) => ({ day: addDays(today, i), results: false, racecards: true }));
      const r = await stack.call("sync", { body: { async: true, days } });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      const run = await waitForRun(sql, r.body.run_id);
      assert.equal(run.status, "succeeded", JSON.stringify(run));
      assert.ok(run.invocations > 1, `handed over (${run.invocations} invocations)`);
      assert.equal(run.counts.totals.days_done, 3, "every day done across the invocations");
      assert.deepEqual(run.counts.days.map((d: any) => d.day), days.map((d) => d.day));
      assert.ok([...pagesFetched(stack).values()].every((n) => n === 1), "no page fetched twice");
      for (const d of days) {
        const [got] = await sql`select count(*)::int as n from ra_races where race_date = ${d.day}`;
        assert.equal(got.n, dayTruth(1, d.day, REGIONS).racecardRaces, `${d.day}: racecard races`);
      }
    } finally {
      await stack.close();
      await sql.end();
    }
  },
});

Deno.test({
  name: "sync: on the standard plan, results only and the response says racecards need Pro",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const sql = connect();
    const stack = await startTestStack({
      env: { RACING_API_PLAN: "standard" },
      sim: { now: new Date().toISOString(), plan: "standard" },
    });
    try {
      const r = await stack.call("sync", { body: { days_back: 1 } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.plan, "standard");
      assert.equal(r.body.days.length, 2, "today and yesterday, results only");
      assert.match(r.body.notes.join(" "), /racecards\/pro needs the Pro plan/);
      assert.equal(stack.sim.log().filter((e) => e.path.startsWith("/v1/racecards")).length, 0);
    } finally {
      await stack.close();
      await sql.end();
    }
  },
});
