// Pure parts of the sync: which days a run fetches (and for what), and the request contract.
import assert from "node:assert/strict";
import { planSync } from "../../shared/sync/plan.ts";
import { BadRequest, parseSyncBody } from "../../shared/sync/request.ts";
import { parseMastersBody } from "../../shared/masters/request.ts";

Deno.test("sync plan (pro): today first with both, then results days newest first, then racecards to today+7", () => {
  const p = planSync("2025-03-30", { plan: "pro", daysBack: 3 });
  assert.deepEqual(p.notes, []);
  assert.deepEqual(p.days, [
    { day: "2025-03-30", results: true, racecards: true },
    { day: "2025-03-29", results: true, racecards: false },
    { day: "2025-03-28", results: true, racecards: false },
    { day: "2025-03-27", results: true, racecards: false },
    { day: "2025-03-31", results: false, racecards: true },
    { day: "2025-04-01", results: false, racecards: true },
    { day: "2025-04-02", results: false, racecards: true },
    { day: "2025-04-03", results: false, racecards: true },
    { day: "2025-04-04", results: false, racecards: true },
    { day: "2025-04-05", results: false, racecards: true },
    { day: "2025-04-06", results: false, racecards: true },
  ]);
});

Deno.test("sync plan: default 3 days back; 0 back = today and the forward window; across a year end", () => {
  assert.equal(planSync("2025-01-01", { plan: "pro" }).days.length, 11);
  assert.deepEqual(planSync("2025-01-01", { plan: "pro" }).days[3].day, "2024-12-29");
  const p = planSync("2024-12-31", { plan: "pro", daysBack: 0 });
  assert.deepEqual(p.days.map((d) => d.day), [
    "2024-12-31",
    "2025-01-01",
    "2025-01-02",
    "2025-01-03",
    "2025-01-04",
    "2025-01-05",
    "2025-01-06",
    "2025-01-07",
  ]);
});

Deno.test("sync plan (standard): results only, and a note saying racecards pro needs the Pro plan", () => {
  const p = planSync("2025-07-01", { plan: "standard", daysBack: 2 });
  assert.deepEqual(p.days, [
    { day: "2025-07-01", results: true, racecards: false },
    { day: "2025-06-30", results: true, racecards: false },
    { day: "2025-06-29", results: true, racecards: false },
  ]);
  assert.match(p.notes[0], /racecards\/pro needs the Pro plan/);
});

Deno.test("sync request: empty body is fine; unknown fields, bad dates, out-of-range values are 400s", () => {
  assert.deepEqual(parseSyncBody(""), {});
  assert.deepEqual(parseSyncBody('{"run_id":7,"trigger":"cron","async":true}'), {
    run_id: 7,
    trigger: "cron",
    async: true,
  });
  for (
    const bad of [
      "not json",
      '{"days_back":31}',
      '{"days_back":-1}',
      '{"whatever":1}',
      '{"days":[{"day":"2025-02-30","results":true,"racecards":false}]}',
      '{"days":[{"day":"2025-02-03","results":true,"racecards":false}],"days_back":2}',
      '{"run_id":0}',
    ]
  ) {
    assert.throws(() => parseSyncBody(bad), BadRequest, bad);
  }
});

Deno.test("masters request: parts and enrich budget validated", () => {
  assert.deepEqual(parseMastersBody('{"parts":["enrich"],"enrich_budget":5}'), {
    parts: ["enrich"],
    enrich_budget: 5,
  });
  assert.throws(() => parseMastersBody('{"parts":["horses"]}'));
  assert.throws(() => parseMastersBody('{"enrich_budget":-1}'));
  assert.throws(() => parseMastersBody('{"extra":true}'));
});
