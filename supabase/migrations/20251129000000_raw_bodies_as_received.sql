-- Raw API bodies are kept as the text the API sent (json), not re-encoded as jsonb (issue 9: the decade
-- rehearsal spent ~120 ms of database CPU per racecards day on them).
--
-- Why: the body is stored only to re-derive a day without an API call; nothing queries inside it on the ingest
-- path. As jsonb, every stored page was parsed into jsonb (~65 ms for a 2.7 MB racecards page) and then
-- rendered back to text for its md5 (~55 ms). As json the input is only validated (~5 ms), and the md5 is taken
-- over the exact text received. It is also more faithful: key order, duplicate keys and number spellings are
-- kept as sent. Reading it is unchanged for the json operators (->, ->>, json_array_elements, ...); cast to
-- jsonb for containment or jsonpath.
--
-- The hash changes meaning: md5 of the body as received, where it was md5 of jsonb's canonical text. Rows stored
-- before this migration keep their old hash, so a page re-fetched afterwards with an identical body is stored
-- once more (one extra raw row per page, nothing else: the tables are derived from the mapped rows). The workers'
-- entry point, ra_internal.ingest_batch_parts, needs no change: it reads raw_response_in and hashes body::text,
-- which is now the text as received. ra_internal.ingest_batch(jsonb) hands on the canonical text of its jsonb.

alter type ra_internal.raw_response_in alter attribute body type json;

alter table ra_internal.raw_responses alter column body type json using body::json;
-- A type change resets the column's compression to the default (pglz): lz4 compresses a page several times
-- faster (see 20251109000000).
alter table ra_internal.raw_responses alter column body set compression lz4;

comment on column ra_internal.raw_responses.body is
  'The response body exactly as the API sent it (json: validated, not re-encoded). Use the json operators, or cast to jsonb for containment and jsonpath.';
comment on column ra_internal.raw_responses.body_hash is
  'md5 of the body as received (rows stored before migration 20251129000000: md5 of its jsonb canonical text).';
