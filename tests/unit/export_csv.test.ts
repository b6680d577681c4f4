// CSV lines of the export are quoted as Postgres's COPY CSV quotes them (the integration test compares whole
// files with psql's \copy; these pin the edge cases without a database).
import assert from "node:assert/strict";
import { csvField, csvLine } from "../../local/cli/export/run.ts";

const b = (s: string) => new TextEncoder().encode(s);

Deno.test("csvField quotes only what needs it, doubling quotes; empty string is quoted", () => {
  assert.equal(csvField("plain"), "plain");
  assert.equal(csvField("O'Brien"), "O'Brien");
  assert.equal(csvField("a,b"), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField("two\nlines"), '"two\nlines"');
  assert.equal(csvField("cr\r"), '"cr\r"');
  assert.equal(csvField(""), '""');
});

Deno.test("csvLine writes NULL as nothing, text values as sent, UTF-8 intact", () => {
  assert.equal(csvLine([b("rac_1"), null, b("t"), b(""), b("Sé, Ár")]), 'rac_1,,t,"","Sé, Ár"\n');
  assert.equal(csvLine([null]), "\n");
});
