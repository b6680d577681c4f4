// Thin TS entry point to the SQL ingest. The caller owns the transaction: pass `sql` or a transaction handle
// from `sql.begin(tx => ...)` so the ingest commits (or rolls back) together with e.g. a cursor update.
import type postgres from "postgres";
import { serializePayloadParts } from "./payload.ts";
import type { IngestCounts, IngestPayload } from "./types.ts";

/** Anything with porsager's tagged-template call and `.json()` (a `postgres` instance or a transaction). */
export type Sql = postgres.Sql | postgres.TransactionSql;

/**
 * Upsert one payload (see buildIngestPayload in ./payload.ts) via ra_internal.ingest_batch_parts (the SQL behind
 * ingest_batch(jsonb)), which writes every table set-based in dependency order and does not commit by itself. Returns rows written per table plus
 * the rejected count. Needs a role allowed to execute it (service_role or postgres).
 */
export async function ingestBatch(sql: Sql, payload: IngestPayload): Promise<IngestCounts> {
  // One json argument per payload key, sent as typed text so the driver does not JSON-encode the strings again:
  // the database reads each part once instead of parsing the whole day into jsonb (migration 20251109000000).
  const parts = serializePayloadParts(payload);
  const args = parts.map((_, i) => `$${i + 1}::text::json`).join(", ");
  const rows = await sql.unsafe(`select ra_internal.ingest_batch_parts(${args}) as counts`, parts);
  return rows[0].counts as IngestCounts;
}
