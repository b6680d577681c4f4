// Edge values of the Racing API round-trip through the pure parsers (shared/ingest/parse.ts).
import assert from "node:assert/strict";
import {
  bookmakerCode,
  idOrNull,
  int,
  normaliseName,
  num,
  parseDistance,
  parseFurlongs,
  parseJockey,
  parseMoney,
  parseOffDt,
  parsePosition,
  parseRaceTime,
  parseSp,
  parseWeightStLb,
  rating,
  splitCountrySuffix,
} from "../../shared/ingest/parse.ts";

Deno.test("distance: every notation → yards + furlongs", () => {
  assert.deepEqual(parseDistance("5½f"), { yards: 1210, furlongs: 5.5 });
  assert.deepEqual(parseDistance("2m½f"), { yards: 3630, furlongs: 16.5 });
  assert.deepEqual(parseDistance("2m53y"), { yards: 3573, furlongs: 16.24 });
  assert.deepEqual(parseDistance("1m7f209y"), { yards: 3509, furlongs: 15.95 });
  assert.deepEqual(parseDistance("8f"), { yards: 1760, furlongs: 8 });
  assert.deepEqual(parseDistance("5.5f"), { yards: 1210, furlongs: 5.5 });
  assert.deepEqual(parseDistance("8.0"), { yards: 1760, furlongs: 8 });
  assert.deepEqual(parseDistance("1m"), { yards: 1760, furlongs: 8 });
  assert.deepEqual(parseDistance("2m6f31y"), { yards: 4871, furlongs: 22.14 });
  assert.equal(parseDistance(""), null);
  assert.equal(parseDistance("about a mile"), null);
  assert.equal(parseFurlongs("16.5f"), 16.5);
  assert.equal(parseFurlongs("16.0"), 16);
});

Deno.test("money: € and £ with separators, bare amounts take the default currency", () => {
  assert.deepEqual(parseMoney("€7080"), { amount: 7080, currency: "EUR" });
  assert.deepEqual(parseMoney("£4,193"), { amount: 4193, currency: "GBP" });
  assert.deepEqual(parseMoney("£283,550"), { amount: 283550, currency: "GBP" });
  assert.deepEqual(parseMoney("3245.08", "GBP"), { amount: 3245.08, currency: "GBP" });
  assert.deepEqual(parseMoney("3245.08"), { amount: 3245.08, currency: null });
  assert.equal(parseMoney(""), null);
  assert.equal(parseMoney("£1.70 £1.20"), null, "several tote amounts are not one amount");
});

Deno.test("position: raw text kept, int only where numeric", () => {
  assert.deepEqual(parsePosition("1"), { raw: "1", place: 1 });
  assert.deepEqual(parsePosition("PU"), { raw: "PU", place: null });
  assert.deepEqual(parsePosition("UR"), { raw: "UR", place: null });
  assert.deepEqual(parsePosition("Died as a 5"), { raw: "Died as a 5", place: null });
  assert.deepEqual(parsePosition("3="), { raw: "3=", place: 3 });
  assert.equal(parsePosition(""), null);
});

Deno.test("SP: fractional, favourites, evens, no price", () => {
  assert.deepEqual(parseSp("9/4F"), { text: "9/4F", decimal: 3.25, favourite: "F" });
  assert.deepEqual(parseSp("Evs"), { text: "Evs", decimal: 2, favourite: null });
  assert.deepEqual(parseSp("EvsF"), { text: "EvsF", decimal: 2, favourite: "F" });
  assert.deepEqual(parseSp("100/30J"), { text: "100/30J", decimal: 4.33, favourite: "J" });
  assert.deepEqual(parseSp("85/40F"), { text: "85/40F", decimal: 3.13, favourite: "F" });
  assert.deepEqual(parseSp("4"), { text: "4", decimal: 5, favourite: null });
  assert.deepEqual(parseSp("SP"), { text: "SP", decimal: null, favourite: null });
  assert.equal(parseSp("-"), null);
});

Deno.test("ratings: hyphen and en-dash mean missing", () => {
  assert.equal(rating("47"), 47);
  assert.equal(rating("–"), null);
  assert.equal(rating("-"), null);
  assert.equal(rating(""), null);
  assert.equal(int("12a"), null);
  assert.equal(num(".75"), 0.75);
  assert.equal(num("-"), null);
});

Deno.test("weight, jockey claim, names, ids, times", () => {
  assert.equal(parseWeightStLb("8-10"), 122);
  assert.equal(parseWeightStLb("11-10"), 164);
  assert.deepEqual(parseJockey("Luke Scott(3)"), { name: "Luke Scott", claim: 3, nonRunner: false });
  assert.deepEqual(parseJockey("Miss Alice Stevens(7)"), {
    name: "Miss Alice Stevens",
    claim: 7,
    nonRunner: false,
  });
  assert.deepEqual(parseJockey("Kieran O'Neill"), { name: "Kieran O'Neill", claim: null, nonRunner: false });
  assert.deepEqual(parseJockey("NON-RUNNER(5)"), { name: null, claim: 5, nonRunner: true });
  assert.deepEqual(splitCountrySuffix("Create (IRE)"), { name: "Create", region: "ire" });
  assert.deepEqual(splitCountrySuffix("Zapata I (IRE)"), { name: "Zapata I", region: "ire" });
  assert.deepEqual(splitCountrySuffix("Pivotal"), { name: "Pivotal", region: null });
  assert.equal(normaliseName("Harry  Angel (IRE)"), "harry angel");
  assert.equal(idOrNull(""), null);
  assert.equal(idOrNull("jky_1"), "jky_1");
  assert.equal(parseRaceTime("1:43.25"), 103.25);
  assert.equal(parseRaceTime("3:5.82"), 185.82);
  assert.equal(parseRaceTime("-"), null);
  assert.equal(bookmakerCode("Boyle Sports"), "boylesports");
  assert.equal(bookmakerCode("10 Bet"), "10bet");
});

Deno.test("off_dt: the offset is kept; `8:30` without am/pm is 20:30 London", () => {
  const t = parseOffDt("2025-10-07T20:30:00+01:00", "2025-10-07", "8:30");
  assert.equal(t, "2025-10-07T20:30:00+01:00");
  assert.equal(new Date(t!).toISOString(), "2025-10-07T19:30:00.000Z");
  // fallback when off_dt is missing: BST in October, GMT in December
  assert.equal(parseOffDt(null, "2025-10-07", "8:30"), "2025-10-07T20:30:00+01:00");
  assert.equal(parseOffDt("", "2025-12-26", "1:55"), "2025-12-26T13:55:00+00:00");
  assert.equal(parseOffDt(undefined, "2025-10-07", "12:15"), "2025-10-07T12:15:00+01:00");
  assert.equal(parseOffDt("garbage", "2025-10-07", "x"), null);
});
