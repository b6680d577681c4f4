// Every simulator response validates against the same zod schemas the ingest applies to the real API:
// envelopes, every race and every runner, horse profiles, courses and regions, on ordinary days, Boxing Day
// (paged), racecards days and a blank day.
import assert from "node:assert/strict";
import { type ApiState, route, runHandler } from "../../local/simulator/api.ts";
import { dayTruth } from "../../local/simulator/world.ts";
import {
  CoursesPageSchema,
  HorseProSchema,
  HorseStandardSchema,
  RacecardProRaceSchema,
  RacecardProRunnerSchema,
  RacecardsProPageSchema,
  RegionSchema,
  ResultRaceSchema,
  ResultRunnerSchema,
  ResultsPageSchema,
} from "../../shared/racing_api/schemas.ts";
import type { z } from "zod";

const state: ApiState = { seed: 1, plan: "pro", nowMs: Date.parse("2025-10-20T12:00:00Z") };

function get(path: string, params: [string, string][]) {
  const h = route(path);
  assert.ok(h, path);
  const r = runHandler(h, state, new URLSearchParams(params));
  assert.equal(r.status, 200, `${path} ${JSON.stringify(params)}: ${JSON.stringify(r.body).slice(0, 200)}`);
  return r.body as Record<string, unknown>;
}

function valid(schema: z.ZodType, value: unknown, what: string) {
  const r = schema.safeParse(value);
  assert.ok(r.success, `${what}: ${r.success ? "" : JSON.stringify(r.error.issues.slice(0, 3))}`);
}

const REGION: [string, string][] = [["region", "gb"], ["region", "ire"]];

Deno.test("simulator /v1/results pages validate, race by race and runner by runner", () => {
  for (const day of ["2016-05-14", "2019-12-26", "2022-12-25", "2023-01-23", "2025-06-21"]) {
    let skip = 0, seen = 0, total = 0;
    do {
      const body = get("/v1/results", [["start_date", day], ["end_date", day], ...REGION, ["limit", "50"], [
        "skip",
        String(skip),
      ]]);
      valid(ResultsPageSchema, body, `${day} page`);
      const races = (body.results ?? []) as Record<string, unknown>[];
      for (const race of races) {
        valid(ResultRaceSchema, race, `${day} ${race.race_id}`);
        for (const runner of race.runners as unknown[]) valid(ResultRunnerSchema, runner, `${day} runner`);
      }
      total = body.total as number;
      seen += races.length;
      skip += 50;
    } while (skip < total);
    assert.equal(seen, dayTruth(1, day, ["gb", "ire"]).races, `${day}: every race served`);
  }
});

Deno.test("simulator /v1/racecards/pro pages validate, race by race and runner by runner", () => {
  for (const day of ["2023-01-23", "2024-12-26", "2025-10-21", "2025-10-27"]) {
    const body = get("/v1/racecards/pro", [["date", day], ["region_codes", "gb"], ["region_codes", "ire"]]);
    valid(RacecardsProPageSchema, body, `${day} page`);
    const cards = body.racecards as Record<string, unknown>[];
    assert.ok(cards.length > 0, `${day} has racecards`);
    for (const race of cards) {
      valid(RacecardProRaceSchema, race, `${day} ${race.race_id}`);
      for (const runner of race.runners as unknown[]) valid(RacecardProRunnerSchema, runner, `${day} runner`);
    }
  }
});

Deno.test("simulator horse profiles, courses and regions validate", () => {
  const card = get("/v1/results", [["start_date", "2025-06-21"], ["end_date", "2025-06-21"], ...REGION])
    .results as Record<string, unknown>[];
  const horseId = (card[0].runners as Record<string, string>[])[0].horse_id;
  valid(HorseProSchema, get(`/v1/horses/${horseId}/pro`, []), "horse pro");
  valid(HorseStandardSchema, get(`/v1/horses/${horseId}/standard`, []), "horse standard");
  valid(CoursesPageSchema, get("/v1/courses", [["region_codes", "gb"], ["region_codes", "ire"]]), "courses");
  const regions = get("/v1/courses/regions", []) as unknown as unknown[];
  assert.ok(Array.isArray(regions) && regions.length > 0);
  for (const r of regions) valid(RegionSchema, r, "region");
});
