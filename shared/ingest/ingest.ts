// Thin TS entry point to the SQL ingest. The caller owns the transaction: pass `sql` or a transaction handle
// from `sql.begin(tx => ...)` so the ingest commits (or rolls back) together with e.g. a cursor update.
import type postgres from "postgres";
import { serializePayload } from "./payload.ts";
import type { IngestCounts, IngestPayload } from "./types.ts";

/** Anything with porsager's tagged-template call and `.json()` (a `postgres` instance or a transaction). */
export type Sql = postgres.Sql | postgres.TransactionSql;

/**
 * Upsert one payload (see buildIngestPayload in ./payload.ts) via ra_internal.ingest_batch(jsonb), which writes
 * every table set-based in dependency order and does not commit by itself. Returns rows written per table plus
 * the rejected count. Needs a role allowed to execute it (service_role or postgres).
 */
export async function ingestBatch(sql: Sql, payload: IngestPayload): Promise<IngestCounts> {
  // One text parameter cast to jsonb (typed text so the driver does not JSON-encode the string again): raw
  // bodies kept as text travel verbatim (see serializePayload).
  const rows = await sql`select ra_internal.ingest_batch(${
    serializePayload(payload)
  }::text::jsonb) as counts`;
  return rows[0].counts as IngestCounts;
}
