import assert from "node:assert/strict";
import { buildIngestPayload, serializePayload } from "../../shared/ingest/payload.ts";
import { FIXTURES_MISSING, fixturesDir, loadFixtureText } from "../_helpers/fixtures.ts";

Deno.test({
  name: "serializePayload splices raw text verbatim and equals serialising the parsed payload",
  ignore: fixturesDir() === null,
  fn() {
    const texts = ["racecards-pro-sample-1.json", "results-sample-1.json"].map(loadFixtureText);
    const endpoints = ["/v1/racecards/pro", "/v1/results"];
    const withText = buildIngestPayload(texts.map((text, i) => ({
      endpoint: endpoints[i],
      params: { date: "2025-10-14" },
      body: JSON.parse(text),
      text,
      fetchedAt: "2025-10-14T06:00:00Z",
    })));
    const withoutText = buildIngestPayload(texts.map((text, i) => ({
      endpoint: endpoints[i],
      params: { date: "2025-10-14" },
      body: JSON.parse(text),
      fetchedAt: "2025-10-14T06:00:00Z",
    })));
    const a = JSON.parse(serializePayload(withText));
    const b = JSON.parse(serializePayload(withoutText));
    assert.deepEqual(a, b, "the same document whether or not the raw text was kept");
    assert.equal(a.raw_responses.length, 2);
    assert.ok(!("body_text" in a.raw_responses[0]), "the text travels as the body, not beside it");
    assert.equal(a.runners.length, withoutText.runners.length);
  },
});

Deno.test("serializePayload with no raw responses is valid JSON", () => {
  const p = buildIngestPayload([]);
  assert.deepEqual(JSON.parse(serializePayload(p)).raw_responses, []);
});

if (fixturesDir() === null) console.warn(`ingest_serialize: ${FIXTURES_MISSING}`);
