// shared/racing_api/schemas.ts: the plain checks that let valid races and runners skip zod on the hot path.
// A record passing its fast check must pass its zod schema (the shortcut never admits what zod rejects), and
// every real captured record must pass the fast check (else the shortcut would never be taken).
import assert from "node:assert/strict";
import type { z } from "zod";
import {
  RacecardProRaceSchema,
  RacecardProRunnerSchema,
  ResultRaceSchema,
  ResultRunnerSchema,
  safeParseRecord,
} from "../../shared/racing_api/schemas.ts";
import { fixtureNames, FIXTURES_MISSING, fixturesDir, loadFixture } from "../_helpers/fixtures.ts";

const NO_FIX = fixturesDir() === null;
if (NO_FIX) console.warn(`schemas_fast_path: skipped, ${FIXTURES_MISSING}`);

type Rec = Record<string, unknown>;

/** Real races and runners of the captures, by schema. */
function realRecords(): [z.ZodObject, Rec[]][] {
  const resultRaces: Rec[] = [], resultRunners: Rec[] = [], cardRaces: Rec[] = [], cardRunners: Rec[] = [];
  for (const f of fixtureNames("results-sample-")) {
    for (const r of (loadFixture<{ results: Rec[] }>(f).results ?? [])) {
      resultRaces.push(r);
      resultRunners.push(...(r.runners as Rec[]));
    }
  }
  for (
    const f of [...fixtureNames("racecards-pro-sample-"), ...fixtureNames("racecards-big-races-sample-")]
  ) {
    for (const r of (loadFixture<{ racecards: Rec[] }>(f).racecards ?? [])) {
      cardRaces.push(r);
      cardRunners.push(...(r.runners as Rec[]));
    }
  }
  const single = loadFixture<Rec>("racecard-race-pro-sample-1.json");
  cardRaces.push(single);
  cardRunners.push(...(single.runners as Rec[]));
  return [
    [ResultRaceSchema, resultRaces],
    [ResultRunnerSchema, resultRunners],
    [RacecardProRaceSchema, cardRaces],
    [RacecardProRunnerSchema, cardRunners],
  ];
}

/** Whether the shortcut was taken: it returns the record itself, zod returns a copy. */
function tookShortcut(schema: z.ZodType, raw: unknown): boolean {
  const p = safeParseRecord(schema, raw);
  return p.success && p.data === raw;
}

Deno.test({
  name: "schemas fast path: every real race and runner takes the shortcut, with zod's verdict",
  ignore: NO_FIX,
  fn() {
    let n = 0;
    for (const [schema, records] of realRecords()) {
      assert.ok(records.length > 0);
      for (const r of records) {
        assert.equal(schema.safeParse(r).success, true);
        assert.equal(tookShortcut(schema, r), true, `${JSON.stringify(r).slice(0, 120)}`);
        n++;
      }
    }
    assert.ok(n > 200, `records checked: ${n}`);
  },
});

const HOSTILE: unknown[] = [
  undefined,
  null,
  "",
  "x",
  " ",
  "hrs_",
  "hrs_1",
  "rac_1",
  "2024-13-45",
  "2024-1-5",
  0,
  1.5,
  -1,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  false,
  {},
  { runs: "1" },
  { runs: {} },
  [],
  [{}],
  [1],
  ["a", null],
  [[]],
  [{ a: 1 }, 2],
];

Deno.test({
  name: "schemas fast path: on any hostile value of any field, a shortcut is only taken where zod agrees",
  ignore: NO_FIX,
  fn() {
    let mutated = 0, rejected = 0;
    for (const [schema, records] of realRecords()) {
      const base = records[0];
      for (const field of Object.keys(schema.shape)) {
        for (const v of HOSTILE) {
          const rec: Rec = { ...base };
          if (v === undefined) delete rec[field];
          else rec[field] = v;
          const zodOk = schema.safeParse(rec).success;
          const p = safeParseRecord(schema, rec);
          assert.equal(p.success, zodOk, `${field} = ${JSON.stringify(v)}: same verdict as zod`);
          if (p.success && p.data === rec) {
            assert.ok(zodOk, `${field} = ${JSON.stringify(v)}: shortcut past zod`);
          }
          if (!zodOk) rejected++;
          mutated++;
        }
      }
      for (const v of [null, "x", 1, [], [base]]) {
        assert.equal(
          safeParseRecord(schema, v).success,
          false,
          `whole record ${JSON.stringify(v)?.slice(0, 40)}`,
        );
      }
    }
    assert.ok(rejected > 100 && mutated > rejected, `mutations ${mutated}, rejected by zod ${rejected}`);
  },
});
