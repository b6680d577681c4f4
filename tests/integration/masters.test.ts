// The masters function against a private simulator: courses and regions land, the bookmakers report reads the
// curated list, and the enrichment lane fills dob/sex/colour/breeder of results-only horses, newest first,
// within its API-call budget (counted in the simulator's log), remembering horses whose profile is missing.
import assert from "node:assert/strict";
import { ANON_KEY } from "../../local/stack/constants.ts";
import { loadRacingApiConfig } from "../../shared/config.ts";
import { fetchDay } from "../../shared/day/fetch_day.ts";
import { ingestBatch } from "../../shared/ingest/ingest.ts";
import { buildIngestPayload } from "../../shared/ingest/payload.ts";
import { createRacingApiClient } from "../../shared/racing_api/client.ts";
import { connect, DB_MISSING, dbReachable, resetIngestedData } from "../_helpers/db.ts";
import { startTestStack, type TestStack } from "../_helpers/test_stack.ts";

const ignore = !(await dbReachable());
if (ignore) console.warn(`masters tests skipped: ${DB_MISSING}`);

const FAKE = "hrs_999999999";
const FAKE_RACE = "rac_999999999";

function horseCalls(stack: TestStack): string[] {
  return stack.sim.log().filter((e) => e.path.startsWith("/v1/horses/")).map((e) => e.path);
}

Deno.test({
  name: "masters: courses land; enrichment fills results-only horses newest first within its call budget",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const sql = connect();
    const stack = await startTestStack({ sim: { now: "2025-10-14T12:00:00Z" } });
    try {
      await resetIngestedData(sql);
      await sql`truncate ra_internal.horse_enrichment`;
      // Two results-only days (before racecards pro existed): horses with name and pedigree, no profile.
      const config = loadRacingApiConfig({
        RACING_API_URL: stack.sim.url,
        RACING_API_USERNAME: "sim_user",
        RACING_API_PASSWORD: "sim_pass",
        RACING_API_RATE_PER_SECOND: "50",
      });
      const client = createRacingApiClient({ config, sql, workerId: "test:masters" });
      for (const day of ["2022-06-01", "2022-06-02"]) {
        const f = await fetchDay(client, day, { today: "2025-10-14" });
        await sql.begin((tx) => ingestBatch(tx, buildIngestPayload(f.responses)));
      }
      // A horse the API does not know (404 on pro and on standard), in the newest race: it comes first.
      const [course] = await sql`select course_id from ra_races limit 1`;
      await sql`insert into ra_races (race_id, course_id, race_date, fetched_at)
                values (${FAKE_RACE}, ${course.course_id}, '2022-06-03', now())`;
      await sql`insert into ra_mst_horses (horse_id, name, fetched_at) values (${FAKE}, 'Ghost (IRE)', now())`;
      await sql`insert into ra_runners (race_id, horse_id, fetched_at) values (${FAKE_RACE}, ${FAKE}, now())`;
      const [lacking] = await sql`select count(*)::int as n from ra_mst_horses where dob is null`;
      assert.ok(lacking.n > 100, `results-only horses lack dob (${lacking.n})`);
      stack.sim.resetLog();

      const r = await stack.call("masters", { body: { enrich_budget: 9 } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.status, "succeeded", JSON.stringify(r.body));
      // Courses and regions.
      assert.equal(r.body.courses.courses, 101, "69 GB + 32 IRE courses");
      const [c] = await sql`select count(*)::int as n from ra_mst_courses where region_code in ('gb', 'ire')`;
      assert.ok(c.n >= 101);
      assert.ok(r.body.bookmakers.curated >= 19, "the curated bookmakers are reported");
      // The budget: HTTP calls to /v1/horses counted by the simulator.
      const calls = horseCalls(stack);
      assert.ok(calls.length <= 9, `at most 9 horse calls (made ${calls.length})`);
      assert.ok(calls.length >= 6, `the budget is used (made ${calls.length})`);
      assert.equal(r.body.enrich.calls, calls.length, "the run counts the calls the simulator saw");
      assert.equal(r.body.enrich.stopped_because, "call_budget");
      // The unknown horse: newest first, so tried first; 404 on pro and standard → not_found.
      assert.ok(calls.includes(`/v1/horses/${FAKE}/pro`) && calls.includes(`/v1/horses/${FAKE}/standard`));
      const [ghost] =
        await sql`select outcome, attempts from ra_internal.horse_enrichment where horse_id = ${FAKE}`;
      assert.deepEqual({ ...ghost }, { outcome: "not_found", attempts: 1 });
      // Enriched horses now have a profile.
      const done = await sql`
        select h.horse_id, h.dob, h.sex, h.colour, h.breeder from ra_internal.horse_enrichment e
        join ra_mst_horses h using (horse_id) where e.outcome = 'pro'`;
      assert.equal(done.length, r.body.enrich.pro);
      assert.ok(done.length >= 4, `several horses enriched (${done.length})`);
      for (const h of done) {
        assert.ok(
          h.dob && h.sex && h.colour && h.breeder,
          `profile filled for ${h.horse_id}: ${JSON.stringify(h)}`,
        );
      }
      assert.equal(r.body.enrich.filled, done.length);
      // Newest first: no horse left waiting raced later than one that was enriched.
      const [order] = await sql`
        with last as (select ru.horse_id, max(ra.race_date) as d from ra_runners ru join ra_races ra using (race_id)
                      group by ru.horse_id)
        select (select min(d) from last join ra_internal.horse_enrichment e using (horse_id) where e.outcome is not null) as oldest_done,
               (select max(d) from last join ra_mst_horses h using (horse_id)
                where h.dob is null and not exists (select 1 from ra_internal.horse_enrichment e
                  where e.horse_id = h.horse_id and e.outcome is not null)) as newest_waiting`;
      assert.ok(order.oldest_done >= order.newest_waiting, JSON.stringify(order));
      const [run] =
        await sql`select status, job, counts from ra_internal.scheduled_runs where run_id = ${r.body.run_id}`;
      assert.equal(run.job, "masters");
      assert.equal(run.counts.enrich.calls, calls.length, "the run row holds the counts");

      // A second run continues with other horses and does not ask for the unknown one again.
      stack.sim.resetLog();
      const again = await stack.call("masters", { body: { parts: ["enrich"], enrich_budget: 6 } });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      const calls2 = horseCalls(stack);
      assert.ok(calls2.length <= 6 && calls2.length >= 3, `second budget respected (${calls2.length})`);
      assert.ok(!calls2.some((p) => p.includes(FAKE)), "the not_found horse is not retried");
      const firstIds = new Set(calls.map((p) => p.split("/")[3]));
      assert.ok(calls2.every((p) => !firstIds.has(p.split("/")[3])), "no horse fetched twice");

      // Budget 0 = no horse calls; anon is refused.
      stack.sim.resetLog();
      const none = await stack.call("masters", { body: { parts: ["enrich"], enrich_budget: 0 } });
      assert.equal(none.status, 200);
      assert.equal(horseCalls(stack).length, 0);
      assert.equal((await stack.call("masters", { body: {}, key: ANON_KEY })).status, 403);
      assert.equal((await stack.call("masters", { body: { parts: ["nope"] } })).status, 400);
    } finally {
      await sql`delete from ra_races where race_id = ${FAKE_RACE}`.catch(() => {});
      await stack.close();
      await sql.end();
    }
  },
});
