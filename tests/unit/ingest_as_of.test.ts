// Entity facts are stamped with when they were true, so the merge keeps the newest facts whatever order
// days are fetched in (a filly seen in 2019 must not overwrite the mare seen yesterday).
import assert from "node:assert/strict";
import { asOfStamp } from "../../shared/ingest/map.ts";
import { buildIngestPayload } from "../../shared/ingest/payload.ts";
import { fixturesDir, loadFixture } from "../_helpers/fixtures.ts";

Deno.test("asOfStamp: the race's off time for races already run, the fetch time otherwise", () => {
  assert.equal(asOfStamp("2019-06-01T14:30:00+01:00", "2025-10-20T06:00:00Z"), "2019-06-01T13:30:00.000Z");
  assert.equal(asOfStamp("2025-10-25T14:30:00+01:00", "2025-10-20T06:00:00Z"), "2025-10-20T06:00:00Z");
  assert.equal(asOfStamp(null, "2025-10-20T06:00:00Z"), "2025-10-20T06:00:00Z");
  assert.equal(asOfStamp("garbage", "2025-10-20T06:00:00Z"), "2025-10-20T06:00:00Z");
});

Deno.test({
  name: "entity rows from a results page carry the race's off time, not the fetch time",
  ignore: fixturesDir() === null,
  fn() {
    const body = loadFixture<{ results: { off_dt: string; runners: { horse_id: string }[] }[] }>(
      "results-sample-1.json",
    );
    const p = buildIngestPayload([{ endpoint: "/v1/results", body, fetchedAt: "2030-01-01T00:00:00Z" }]);
    const race = body.results[0];
    const horse = p.horses.find((h) => h.horse_id === race.runners[0].horse_id)!;
    assert.equal(horse.fetched_at, new Date(race.off_dt).toISOString());
    const stored = p.races.find((r) => r.race_id === (race as unknown as { race_id: string }).race_id)!;
    assert.equal(stored.fetched_at, "2030-01-01T00:00:00Z", "race rows keep the fetch time");
  },
});
