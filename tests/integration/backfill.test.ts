// The backfill end to end: function → client → simulator → ingest → tables, driven over HTTP through a
// gateway that runs each invocation as its own process, exactly as the hosted platform does.
import assert from "node:assert/strict";
import { dayTruth } from "../../local/simulator/world.ts";
import { ANON_KEY } from "../../local/stack/constants.ts";
import { addDays } from "../../shared/day/dates.ts";
import { connect, DB_MISSING, dbReachable, resetIngestedData, tableFingerprints } from "../_helpers/db.ts";
import { startTestStack, type TestStack, waitForBackfill } from "../_helpers/test_stack.ts";

const ignore = !(await dbReachable());
if (ignore) console.warn(`backfill tests skipped: ${DB_MISSING}`);

const REGIONS = ["gb", "ire"];

function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Successful simulator calls per (endpoint, date, page). */
function callsPerPage(stack: TestStack): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of stack.sim.log()) {
    if (e.status !== 200 || !e.path.startsWith("/v1/")) continue;
    const skip = e.params.find(([k]) => k === "skip")?.[1] ?? "0";
    const k = `${e.path}|${e.date}|${skip}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/** The fewest pages a range can be fetched in: results pages of 50 races, plus one racecards page a day. */
function minimumPages(days: string[]): number {
  let n = 0;
  for (const d of days) {
    const t = dayTruth(1, d, REGIONS);
    n += Math.max(1, Math.ceil(t.races / 50));
    if (d >= "2023-01-23") n += 1;
  }
  return n;
}

Deno.test({
  name:
    "backfill: every simulated race and runner lands once, across 2023-01-23 and a >50-race day, in the fewest calls",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const sql = connect();
    const stack = await startTestStack({ env: { BACKFILL_LEASE_SECONDS: "5" } });
    try {
      await resetIngestedData(sql);
      const from = "2022-12-24", to = "2023-01-24";
      const started = await stack.call("backfill", { body: { from, to } });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      assert.equal(started.body.plan.chunks_created, 2);
      const p = await waitForBackfill(stack);
      assert.equal(p.state, "done");
      assert.equal(p.days.failed, 0);

      const days = daysOf(from, to);
      assert.ok(dayTruth(1, "2022-12-26", REGIONS).races > 50, "Boxing Day needs a second results page");
      const rows = await sql<{ day: string; result_races: number; results: number; races: number }[]>`
        select r.race_date::text as day, count(*) filter (where r.has_result)::int as result_races,
          (select count(*)::int from ra_race_results x join ra_races y using (race_id) where y.race_date = r.race_date) as results,
          count(*)::int as races
        from ra_races r where r.race_date between ${from} and ${to} group by r.race_date`;
      const byDay = new Map(rows.map((r) => [r.day, r]));
      for (const d of days) {
        const t = dayTruth(1, d, REGIONS);
        const got = byDay.get(d);
        if (t.races === 0) {
          assert.equal(got, undefined, `${d}: no racing, no rows`);
          continue;
        }
        assert.equal(got?.result_races, t.races, `${d}: races with results`);
        assert.equal(got?.results, t.runners, `${d}: result rows = runners that ran`);
        if (d >= "2023-01-23") assert.equal(got?.races, t.racecardRaces, `${d}: racecard races`);
      }
      const twice = [...callsPerPage(stack)].filter(([, n]) => n > 1);
      assert.deepEqual(twice, [], "no page fetched twice");
      const pages = [...callsPerPage(stack).values()].reduce((a, b) => a + b, 0);
      assert.equal(pages, minimumPages(days), "API calls = the minimum pages for the range");
      assert.equal(p.api_calls.pages, pages, "progress reports the pages used");

      // Posting the same range again plans nothing new and fetches nothing.
      stack.sim.resetLog();
      const again = await stack.call("backfill", { body: { from, to } });
      assert.equal(again.status, 202);
      assert.equal(again.body.plan.days_already_done, days.length);
      assert.equal((await waitForBackfill(stack)).state, "done");
      assert.equal(
        stack.sim.log().filter((e) => e.path.startsWith("/v1/")).length,
        0,
        "a re-plan re-fetches nothing",
      );
    } finally {
      await stack.close();
      await sql.end();
    }
  },
});

Deno.test({
  name: "backfill: SIGKILLed workers resume to tables identical to an uninterrupted run",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const sql = connect();
    const env = { BACKFILL_LEASE_SECONDS: "2", BACKFILL_WALL_BUDGET_MS: "4000" };
    const from = "2023-01-18", to = "2023-02-20";
    let reference: Record<string, string>;
    {
      const stack = await startTestStack({ env });
      try {
        await resetIngestedData(sql);
        assert.equal((await stack.call("backfill", { body: { from, to } })).status, 202);
        assert.equal((await waitForBackfill(stack)).state, "done");
        reference = await tableFingerprints(sql);
      } finally {
        await stack.close();
      }
    }
    const stack = await startTestStack({ env });
    try {
      await resetIngestedData(sql);
      assert.equal((await stack.call("backfill", { body: { from, to } })).status, 202);
      let kills = 0;
      // Kill at random moments (fetching, ingesting, committing, handing over) until the run is done.
      for (let i = 0; i < 120 && kills < 12; i++) {
        await new Promise((r) => setTimeout(r, 150 + Math.random() * 900));
        const { body: p } = await stack.call("backfill");
        if (p.state === "done") break;
        const pids = stack.workerPids("backfill");
        for (const pid of pids) {
          try {
            Deno.kill(pid, "SIGKILL");
            kills++;
          } catch { /* already gone */ }
        }
        if (p.state === "waiting") await stack.call("backfill", { body: { continue: true } });
      }
      const p = await waitForBackfill(stack);
      assert.equal(p.state, "done");
      assert.ok(kills >= 10, `expected at least 10 kills during the run, got ${kills}`);
      assert.equal(p.days.failed, 0);
      assert.deepEqual(await tableFingerprints(sql), reference, "same tables as the uninterrupted run");
      const [ledger] =
        await sql`select count(*)::int as n, count(distinct day)::int as d from ra_internal.backfill_days`;
      assert.equal(ledger.n, ledger.d);
    } finally {
      await stack.close();
      await sql.end();
    }
  },
});

Deno.test({
  name:
    "backfill: hand-overs every few days across a month boundary fetch no page twice and leave no day undone",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const sql = connect();
    // A small CPU budget: every invocation does a few racecards days, then starts its successor, which
    // fetches the next days before it is handed the chunk.
    const stack = await startTestStack({
      env: { BACKFILL_CPU_BUDGET_MS: "600", BACKFILL_LEASE_SECONDS: "20" },
    });
    try {
      await resetIngestedData(sql);
      const from = "2023-01-24", to = "2023-02-07";
      assert.equal((await stack.call("backfill", { body: { from, to } })).status, 202);
      const p = await waitForBackfill(stack, { timeoutMs: 180_000 });
      assert.equal(p.state, "done");
      assert.equal(p.days.failed, 0);
      const twice = [...callsPerPage(stack)].filter(([, n]) => n > 1);
      assert.deepEqual(twice, [], "no page fetched twice");
      const pages = [...callsPerPage(stack).values()].reduce((a, b) => a + b, 0);
      assert.equal(pages, minimumPages(daysOf(from, to)), "API calls = the minimum pages for the range");
      const [w] = await sql`select count(distinct worker_id)::int as n, count(*)::int as days
        from ra_internal.backfill_days where status = 'done'`;
      assert.equal(w.days, daysOf(from, to).length);
      assert.ok(w.n >= 3, `several invocations did days (${w.n})`);
      const handedOver = stack.logs.filter((l) => l.includes('"claimed chunk"')).length;
      assert.ok(handedOver >= 3, `claims: ${handedOver}`);
    } finally {
      await stack.close();
      await sql.end();
    }
  },
});

Deno.test({
  name: "backfill: two workers started at once share the range without fetching any day twice",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const sql = connect();
    const stack = await startTestStack({ env: { BACKFILL_LEASE_SECONDS: "5" } });
    try {
      await resetIngestedData(sql);
      const r = await stack.call("backfill", { body: { from: "2022-11-01", to: "2022-12-31", workers: 2 } });
      assert.equal(r.status, 202);
      const p = await waitForBackfill(stack, { timeoutMs: 180_000 });
      assert.equal(p.state, "done");
      const twice = [...callsPerPage(stack)].filter(([, n]) => n > 1);
      assert.deepEqual(twice, [], "no page fetched twice");
      const [w] = await sql`select count(distinct worker_id)::int as n from ra_internal.backfill_days`;
      assert.ok(w.n >= 2, "both workers did days");
      const [d] = await sql`select count(*)::int as n from ra_internal.backfill_days where status = 'done'`;
      assert.equal(d.n, 61);
    } finally {
      await stack.close();
      await sql.end();
    }
  },
});

Deno.test({
  name:
    "backfill: bad requests get 400/403/405 with a message; wrong credentials halt at once, no retry storm",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const sql = connect();
    const stack = await startTestStack({ env: { RACING_API_PASSWORD: "wrong-password" } });
    try {
      await resetIngestedData(sql);
      const cases: [unknown, RegExp][] = [
        ["{not json", /not valid JSON/],
        [{ from: "2023-02-30" }, /YYYY-MM-DD/],
        [{ from: "2023-03-01", to: "2023-02-01" }, /after "to"/],
        [{ from: "1980-01-01" }, /before the Racing API's history/],
        [{ from: "2023-01-01", to: "2999-01-01" }, /in the future/],
        [{ from: "2023-01-01", colour: "red" }, /unknown field/],
        [{ from: "2023-01-01; drop table ra_races" }, /YYYY-MM-DD/],
        [{ to: "2023-01-01" }, /"from" is required/],
        [{ from: "2023-01-01", workers: 50 }, /workers/],
      ];
      for (const [body, re] of cases) {
        const r = await stack.call("backfill", { body, method: "POST" });
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.match(r.body.message, re);
      }
      assert.equal(
        (await stack.call("backfill", { body: { from: "2023-01-01" }, key: ANON_KEY })).status,
        403,
      );
      assert.equal((await stack.call("backfill", { body: { from: "2023-01-01" }, key: null })).status, 401);
      assert.equal((await stack.call("backfill", { method: "DELETE", body: "" })).status, 405);

      const r = await stack.call("backfill", { body: { from: "2023-01-02", to: "2023-01-20" } });
      assert.equal(r.status, 202);
      const p = await waitForBackfill(stack, { resume: false, timeoutMs: 30_000 });
      assert.equal(p.state, "halted");
      assert.match(p.halted_reason, /credentials|plan/);
      assert.doesNotMatch(JSON.stringify(p), /wrong-password/);
      const calls = stack.sim.log().filter((e) => e.path.startsWith("/v1/"));
      assert.ok(calls.length <= 2, `a 401 is not retried (got ${calls.length} calls)`);
      assert.equal((await stack.call("backfill", { body: { continue: true } })).status, 409);
    } finally {
      await stack.close();
      await sql.end();
    }
  },
});
