-- Internal landing tables: every API body as fetched (so any day can be re-derived without an API call) and
-- every record that failed validation (raw JSON + reason). Not exposed; written by ra_internal.ingest_batch.
create table ra_internal.raw_responses (
  id bigint generated always as identity primary key,
  endpoint text not null,
  params jsonb not null default '{}'::jsonb,
  page integer not null default 0,
  body jsonb not null,
  body_hash text not null,
  fetched_at timestamptz not null,
  last_fetched_at timestamptz not null,
  unique (endpoint, params, page, body_hash)
);
comment on table ra_internal.raw_responses is
  'API responses as received. Identical re-fetches (same endpoint, params, page and body) are stored once; last_fetched_at moves forward.';
comment on column ra_internal.raw_responses.endpoint is 'Path without host and query, e.g. /v1/results, /v1/racecards/pro.';
comment on column ra_internal.raw_responses.params is 'Query parameters as sent (object or [key, value] pairs), e.g. {"start_date":"2025-10-07","region":["gb","ire"]}.';
comment on column ra_internal.raw_responses.page is '0-based page (skip / limit).';
comment on column ra_internal.raw_responses.body_hash is 'md5 of body::text (jsonb canonical form).';
comment on column ra_internal.raw_responses.fetched_at is 'First time this exact body was fetched.';
comment on column ra_internal.raw_responses.last_fetched_at is 'Latest time this exact body was fetched.';
create index raw_responses_endpoint_fetched_idx on ra_internal.raw_responses (endpoint, fetched_at);

create table ra_internal.rejects (
  id bigint generated always as identity primary key,
  source text not null,
  record_key text not null,
  raw jsonb,
  reason text not null,
  first_seen timestamptz not null,
  last_seen timestamptz not null,
  seen_count integer not null default 1,
  unique (source, record_key)
);
comment on table ra_internal.rejects is
  'Records that failed validation (one bad race/runner is rejected, the rest of its page is stored). Upserted on (source, record_key): re-ingesting the same payload does not duplicate or recount.';
comment on column ra_internal.rejects.source is 'Endpoint family and record kind: results.race, results.runner, racecards_pro.runner, courses.course, results.page, …';
comment on column ra_internal.rejects.record_key is 'race_id, race_id/horse_id, … or md5:<hash of raw> when no id could be read.';
comment on column ra_internal.rejects.reason is 'Validation errors of the latest sighting (zod issues: path: message).';
comment on column ra_internal.rejects.seen_count is 'Number of distinct sightings (a sighting newer than last_seen increments it; replays do not).';
