// deno-lint-ignore-file no-explicit-any -- the status JSON is checked with zod, then field by field
// The status function over HTTP (its own gateway and simulator, like hosted): who may read it, CORS for a page
// on another origin, the JSON's schema, and every figure against the database after a real backfill.
import assert from "node:assert/strict";
import { ANON_KEY, REPO_ROOT, SERVICE_ROLE_KEY } from "../../local/stack/constants.ts";
import { decodeCalendar, StatusDocument } from "../../shared/status/schema.ts";
import { connect, DB_MISSING, dbReachable, resetIngestedData } from "../_helpers/db.ts";
import { startTestStack, waitForBackfill } from "../_helpers/test_stack.ts";

const ignore = !(await dbReachable());
if (ignore) console.warn(`status tests skipped: ${DB_MISSING}`);

/** The database is shared with other suites; a reset racing their workers can deadlock: try again. */
async function resetWithRetry(sql: ReturnType<typeof connect>) {
  for (let i = 0;; i++) {
    try {
      return await resetIngestedData(sql);
    } catch (err) {
      if (i >= 4 || (err as { code?: string }).code !== "40P01") throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

const TOKEN = "status-read-token-for-tests-0001";

Deno.test({
  name: "status: access rules, CORS, zod schema and every figure against the database after a backfill",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const sql = connect();
    const stack = await startTestStack({
      env: { STATUS_READ_TOKEN: TOKEN, BACKFILL_LEASE_SECONDS: "5" },
    });
    const url = `${stack.functionsUrl}/status`;
    try {
      await resetWithRetry(sql);
      // What an earlier run left behind: a rejected record and a day that failed (outside this plan).
      await sql`insert into ra_internal.rejects (source, record_key, raw, reason, first_seen, last_seen)
        values ('results.runner', 'rac_seeded/hrs_seeded', '{"horse_id": 42}', 'horse_id: expected string, got number',
                now(), now())`;
      await sql`insert into ra_internal.backfill_days (regions, day, status, api_calls, error)
        values ('gb,ire', '2023-02-10', 'failed', 1, 'HTTP 503 from /v1/results after 5 attempts')`;
      const from = "2023-01-19", to = "2023-01-25";
      assert.equal((await stack.call("backfill", { body: { from, to } })).status, 202);
      const p = await waitForBackfill(stack);
      assert.equal(p.state, "done");

      // --- access ---------------------------------------------------------------------------------------
      assert.equal((await stack.call("status", { key: null })).status, 401, "no credential: 401");
      const anon = await stack.call("status", { key: ANON_KEY });
      assert.equal(anon.status, 403, "anon key: 403");
      assert.match(anon.body.message, /anon key cannot read/);
      assert.equal((await stack.call("status", { key: "wrong-token-wrong-token" })).status, 401);
      assert.equal(
        await fetch(url, { headers: { "x-status-token": "x" + TOKEN } }).then(async (r) => {
          await r.body?.cancel();
          return r.status;
        }),
        401,
        "wrong read token: 401",
      );
      for (const init of [{ headers: { "x-status-token": TOKEN } }, {}]) {
        const r = await fetch(Object.keys(init).length ? url : `${url}?token=${TOKEN}`, init);
        assert.equal(r.status, 200, "read-only token as header and as ?token=");
        await r.body?.cancel();
      }
      assert.equal((await stack.call("status", { body: {} })).status, 405, "POST: 405");

      // --- CORS (the page lives on another origin) ------------------------------------------------------
      const pre = await fetch(url, {
        method: "OPTIONS",
        headers: {
          origin: "http://127.0.0.1:9",
          "access-control-request-method": "GET",
          "access-control-request-headers": "x-status-token",
        },
      });
      await pre.body?.cancel();
      assert.ok(pre.status === 204 || pre.status === 200, `preflight ${pre.status}`);
      assert.equal(pre.headers.get("access-control-allow-origin"), "*");
      assert.match(pre.headers.get("access-control-allow-headers") ?? "", /x-status-token/);
      assert.match(pre.headers.get("access-control-allow-headers") ?? "", /authorization/);

      // --- the document ---------------------------------------------------------------------------------
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${SERVICE_ROLE_KEY}`, origin: "http://x" },
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
      const raw = await res.json();
      const parsed = StatusDocument.safeParse(raw);
      assert.ok(parsed.success, JSON.stringify(parsed.error?.issues.slice(0, 5)));
      const doc = parsed.data!;

      assert.equal(doc.backfill.state, "done");
      assert.equal(doc.backfill.days.done, 7);
      assert.equal(doc.calendar.from, from, "calendar starts at the backfill's start");
      assert.equal(doc.calendar.to, doc.today, "…and runs to today");

      const perDay = new Map(
        (await sql<{ day: string; races: number; runners: number }[]>`
          select r.race_date::text as day, count(distinct r.race_id)::int as races, count(u.horse_id)::int as runners
          from ra_races r left join ra_runners u using (race_id) group by r.race_date`).map((
          r,
        ) => [r.day, r]),
      );
      const days = decodeCalendar(doc.calendar);
      for (const d of days) {
        const db = perDay.get(d.day);
        assert.equal(d.races, db?.races ?? 0, `${d.day} races`);
        assert.equal(d.runners, db?.runners ?? 0, `${d.day} runners`);
        if (d.day >= from && d.day <= to) {
          assert.ok(["done", "no_racing", "partial"].includes(d.state), `${d.day} fetched: ${d.state}`);
          assert.equal(d.state === "no_racing", !db, `${d.day}: no racing exactly when no races`);
        } else if (!db && d.day !== "2023-02-10") {
          assert.equal(d.state, "pending", `${d.day} outside: pending`);
        }
      }

      const counts = await sql.unsafe(
        Object.keys(doc.row_counts).map((t) => `select '${t}' as t, count(*)::int as n from public.${t}`)
          .join(
            " union all ",
          ),
      );
      assert.equal(counts.length, 18);
      for (const c of counts) assert.equal(doc.row_counts[c.t], c.n, `row count of ${c.t}`);

      const [cov] = await sql<any[]>`
        select count(*)::int as races, count(*) filter (where has_result)::int as with_result,
          sum(runner_rows)::int as runners from ra_races where extract(year from race_date) = 2023`;
      const y2023 = doc.coverage_by_year!.find((y) => y.year === 2023)!;
      assert.deepEqual([y2023.races, y2023.races_with_result, y2023.runners], [
        cov.races,
        cov.with_result,
        cov.runners,
      ]);

      const [rj] = await sql<any[]>`select count(*)::int as n from ra_internal.rejects`;
      assert.equal(doc.rejects.total, rj.n);
      assert.equal(doc.rejects.recent[0].record_key, "rac_seeded/hrs_seeded", "the latest reject first");
      assert.deepEqual(
        doc.backfill.failed_days.map((f) => [f.day, f.error]),
        [["2023-02-10", "HTTP 503 from /v1/results after 5 attempts"]],
      );
      assert.equal(days.find((d) => d.day === "2023-02-10")?.state, "failed");
      assert.equal(doc.rejects.recent.length, Math.min(20, rj.n));
      assert.ok(doc.api.total > 0 && doc.api.per_minute.some((n) => n > 0), "API calls are visible");

      // Studio views say the same.
      const [v] = await sql<any[]>`select days_done, chunks_total from public.ra_backfill_progress`;
      assert.deepEqual([v.days_done, v.chunks_total], [doc.backfill.days.done, doc.backfill.chunks.total]);
      const vy = await sql<any[]>`select year, races, runners from public.ra_coverage_by_year`;
      assert.deepEqual(
        vy.map((r) => [r.year, r.races, Number(r.runners)]),
        doc.coverage_by_year!.map((y) => [
          y.year,
          y.races,
          y.runners,
        ]),
      );

      // --- deno task report, through the function (as against a hosted project) ---------------------------
      const cli = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "local/cli/report.ts", "--url", stack.functionsUrl, "--key", TOKEN],
        cwd: REPO_ROOT,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const printed = new TextDecoder().decode(cli.stdout);
      assert.equal(cli.code, 0, new TextDecoder().decode(cli.stderr));
      assert.match(printed, /Backfill {2}done · 2023-01-19 → 2023-01-25/);
      assert.match(printed, new RegExp(`\\n2023 +${cov.races.toLocaleString("en-GB")} `), printed);
      assert.match(printed, /failed 2023-02-10: HTTP 503/);

      // --- light report (the page's refresh while a backfill runs) --------------------------------------------
      const light = StatusDocument.parse(
        await fetch(`${url}?light=1`, { headers: { "x-status-token": TOKEN } }).then((r) => r.json()),
      );
      assert.equal(light.light, true);
      assert.equal(light.coverage_by_year, null, "light: no coverage by year");
      assert.equal(light.calendar.states, doc.calendar.states, "light: the same calendar");

      // --- compact enough for a decade --------------------------------------------------------------------
      await sql`update ra_internal.backfill_state set planned_from = '2015-01-01'`;
      const big = await fetch(url, { headers: { "x-status-token": TOKEN } });
      const text = await big.text();
      const bigDoc = StatusDocument.parse(JSON.parse(text));
      assert.ok(bigDoc.calendar.days > 3900, `a decade of days (${bigDoc.calendar.days})`);
      assert.ok(text.length < 120_000, `JSON for a decade stays small: ${text.length} bytes`);
    } finally {
      await stack.close();
      await sql.end();
    }
  },
});
