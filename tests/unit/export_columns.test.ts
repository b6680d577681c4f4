// Export column typing (local/cli/export/columns.ts): Postgres oids → Parquet types, cell conversions.
import assert from "node:assert/strict";
import {
  jsonValue,
  OID,
  parquetSchemaDefinition,
  parquetType,
  parquetValue,
  rowConverter,
  timestampMillis,
} from "../../local/cli/export/columns.ts";

Deno.test("export columns: parquet types by oid", () => {
  assert.equal(parquetType(OID.bool), "BOOLEAN");
  assert.equal(parquetType(OID.int4), "INT32");
  assert.equal(parquetType(OID.int2), "INT32");
  assert.equal(parquetType(OID.int8), "INT64");
  assert.equal(parquetType(OID.numeric), "DOUBLE");
  assert.equal(parquetType(OID.float8), "DOUBLE");
  assert.equal(parquetType(OID.date), "DATE");
  assert.equal(parquetType(OID.timestamptz), "TIMESTAMP_MILLIS");
  assert.equal(parquetType(OID.text), "UTF8");
  assert.equal(parquetType(3802), "UTF8"); // jsonb and anything else: text
  assert.deepEqual(parquetSchemaDefinition([{ name: "a", type: OID.int4 }]), {
    a: { type: "INT32", optional: true, compression: "SNAPPY", statistics: false },
  });
});

Deno.test("export columns: timestamps in any offset", () => {
  assert.equal(timestampMillis("2023-04-01 13:30:00+00"), Date.UTC(2023, 3, 1, 13, 30));
  assert.equal(timestampMillis("2023-04-01 14:30:00+01"), Date.UTC(2023, 3, 1, 13, 30));
  assert.equal(timestampMillis("2023-04-01 13:30:00.25+00"), Date.UTC(2023, 3, 1, 13, 30, 0, 250));
  assert.equal(timestampMillis("2023-04-01 19:00:00+05:30"), Date.UTC(2023, 3, 1, 13, 30));
  assert.throws(() => timestampMillis("yesterday"));
});

Deno.test("export columns: parquet and json cell values", () => {
  assert.equal(parquetValue(OID.date, "2023-04-01"), Date.UTC(2023, 3, 1) / 86_400_000);
  assert.equal(parquetValue(OID.numeric, "12.50"), 12.5);
  assert.equal(parquetValue(OID.int8, "9007199254740993"), 9007199254740993n);
  assert.equal(parquetValue(OID.bool, false), false);
  assert.equal(parquetValue(OID.int4, null), null);
  assert.equal(jsonValue(OID.numeric, "2.50"), 2.5);
  assert.equal(jsonValue(OID.date, "2023-04-01"), "2023-04-01");
  assert.equal(jsonValue(OID.timestamptz, "2023-04-01 13:30:00+00"), "2023-04-01T13:30:00.000Z");
  assert.equal(jsonValue(OID.text, "PU"), "PU");
});

Deno.test("export columns: row converters (parquet leaves nulls out, json keeps them)", () => {
  const cols = [{ name: "a", type: OID.int4 }, { name: "b", type: OID.numeric }, {
    name: "c",
    type: OID.text,
  }];
  assert.deepEqual(rowConverter(cols, "parquet")({ a: 1, b: null, c: "x" }), { a: 1, c: "x" });
  assert.deepEqual(rowConverter(cols, "json")({ a: 1, b: "1.5", c: null }), { a: 1, b: 1.5, c: null });
});
