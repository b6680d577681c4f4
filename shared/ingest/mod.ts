// Public surface of the ingest module: raw API JSON → payload → DB.
export * from "./types.ts";
export * from "./parse.ts";
export * from "./map.ts";
export {
  buildIngestPayload,
  dedupeBatch,
  endpointKind,
  INGEST_PART_KEYS,
  mapResponse,
  mergeRows,
  rawRow,
  serializePayload,
  serializePayloadParts,
} from "./payload.ts";
export type { ApiResponse, BuildOptions } from "./payload.ts";
export { ingestBatch } from "./ingest.ts";
export type { Sql } from "./ingest.ts";
