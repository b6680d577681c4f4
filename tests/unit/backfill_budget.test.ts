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
