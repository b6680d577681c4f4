// shared/backfill/budget.ts: how an invocation's measured days decide whether another day fits its CPU budget.
import assert from "node:assert/strict";
import { InvocationBudget } from "../../shared/backfill/budget.ts";

// Wall time is out of the way (1 h); the CPU figures are far above what the test itself spends (a few ms).
const budget = () => new InvocationBudget({ wallMs: 3_600_000, cpuMs: 1_000 });

Deno.test("budget: the cold first day stands for a day only until a warm one is measured", () => {
  const b = budget();
  b.recordDay(10, 700); // cold start: 1.25 × 700 leaves room for one day
  assert.equal(b.allows(1), true);
  assert.equal(b.allows(2), false);
  b.recordDay(10, 200); // warm: 1.25 × 200 = 250 a day
  assert.equal(b.allows(3), true);
  assert.equal(b.allows(4), false);
});

Deno.test("budget: a cheap day does not make room for dearer ones (the dearest warm day counts)", () => {
  const b = budget();
  b.recordDay(10, 700);
  b.recordDay(10, 200);
  b.recordDay(10, 20); // a quiet Sunday
  assert.equal(b.allows(3), true);
  assert.equal(b.allows(4), false, "still budgeted at the dearest warm day");
  b.recordDay(10, 300); // a dearer day raises the estimate at once
  assert.equal(b.allows(2), true);
  assert.equal(b.allows(3), false);
});

Deno.test("budget: before a day is measured, days are budgeted at the prior (default or from recent days)", () => {
  const b = new InvocationBudget({ wallMs: 3_600_000, cpuMs: 1_500 });
  // Default prior 300 ms: 3 × 375 fits, 4 (1,500 plus the few ms used) do not.
  assert.equal(b.allows(3), true);
  assert.equal(b.allows(4), false);
  b.usePriorDayCpuMs(550); // recent days were dear racecards days: 2 × 687 fits, 3 do not
  assert.equal(b.allows(2), true);
  assert.equal(b.allows(3), false);
  b.usePriorDayCpuMs(null); // nothing recorded yet: the prior stays
  b.usePriorDayCpuMs(Number.NaN);
  assert.equal(b.allows(2), true);
  assert.equal(b.allows(3), false);
  b.recordDay(10, 200); // a measured day replaces the prior
  assert.equal(b.allows(5), true);
  assert.equal(b.allows(6), false);
});

Deno.test("budget: a day in hand is ingested while its reserve stays below the fixed ceiling, whatever the budget", () => {
  // A small budget does not lower the ceiling (1,750 ms): the days it fetched are still ingested.
  assert.equal(new InvocationBudget({ wallMs: 3_600_000, cpuMs: 0 }).allowsFinishing(), true);
  // The ceiling less the 200 ms reserve is what is left for the CPU used so far (a few ms in this test).
  assert.equal(
    new InvocationBudget({ wallMs: 3_600_000, cpuMs: 1_500, finishingCeilingMs: 1_000 }).allowsFinishing(),
    true,
  );
  assert.equal(
    new InvocationBudget({ wallMs: 3_600_000, cpuMs: 1_500, finishingCeilingMs: 150 }).allowsFinishing(),
    false,
  );
});
