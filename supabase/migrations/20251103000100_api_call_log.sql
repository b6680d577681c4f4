-- Every Racing API attempt (retries included), written by the client before it acts on the outcome.
-- The status views read this; nothing here ever holds a credential (the account is a hash, params are the
-- query parameters the client sent, which carry no secrets; auth travels only in the Authorization header).

create table ra_internal.api_calls (
  id               bigint generated always as identity primary key,
  started_at       timestamptz not null,
  account          text,
  worker_id        text,
  endpoint         text not null,
  path             text not null,
  params           jsonb not null default '{}'::jsonb,
  date_param       date,
  page_index       integer,
  attempt          integer not null check (attempt >= 1),
  status           integer,
  outcome          text not null check (outcome in ('ok', 'retry', 'error')),
  error_class      text,
  error_detail     text,
  latency_ms       integer not null check (latency_ms >= 0),
  token_wait_ms    integer check (token_wait_ms >= 0),
  retry_after_ms   integer,
  response_bytes   integer,
  response_sha256  text,
  check (endpoint like '/%' and path like '/%')
);

create index api_calls_started_at_idx on ra_internal.api_calls (started_at);
create index api_calls_endpoint_started_at_idx on ra_internal.api_calls (endpoint, started_at);
create index api_calls_date_param_idx on ra_internal.api_calls (date_param) where date_param is not null;

comment on table ra_internal.api_calls is
  'One row per Racing API attempt (retries included): endpoint, params, status, latency, attempt, error class, '
  'worker. Written by shared/racing_api/call_log.ts; read by the status views. Never holds credentials.';
comment on column ra_internal.api_calls.started_at is 'When the request was sent (after any token wait).';
comment on column ra_internal.api_calls.account is 'Hash of the API username (the rate-bucket key), never the username.';
comment on column ra_internal.api_calls.worker_id is 'Which worker/function invocation made the call.';
comment on column ra_internal.api_calls.endpoint is 'Endpoint template without host, e.g. /v1/horses/{horse_id}/pro.';
comment on column ra_internal.api_calls.path is 'Concrete path without host or query, e.g. /v1/horses/hrs_1/pro.';
comment on column ra_internal.api_calls.params is
  'Query parameters sent, as {name: value | [values]} (repeated keys become arrays). No secrets.';
comment on column ra_internal.api_calls.date_param is 'The racing date the call was about (date / start_date), if any.';
comment on column ra_internal.api_calls.page_index is 'Page number (0-based) within a paged fetch.';
comment on column ra_internal.api_calls.attempt is 'Attempt number for this page, from 1.';
comment on column ra_internal.api_calls.status is 'HTTP status; null for timeouts and network errors.';
comment on column ra_internal.api_calls.outcome is
  'ok = usable response; retry = failed, the client tried again; error = failed and the client gave up.';
comment on column ra_internal.api_calls.error_class is
  'null when ok; else http_429, http_5xx, timeout, network, invalid_json, invalid_body, auth, not_found, '
  'validation, http_4xx, aborted, deadline.';
comment on column ra_internal.api_calls.error_detail is 'Short, credential-free description of the failure.';
comment on column ra_internal.api_calls.latency_ms is 'From sending the request to having the whole body (or failing).';
comment on column ra_internal.api_calls.token_wait_ms is 'Time spent waiting for the shared rate-limit token before sending.';
comment on column ra_internal.api_calls.retry_after_ms is 'Retry-After the server sent, in ms, if any.';
comment on column ra_internal.api_calls.response_bytes is 'Size of the response body in bytes.';
comment on column ra_internal.api_calls.response_sha256 is 'SHA-256 (hex) of the response body.';

-- Housekeeping: delete call rows older than p_keep (default 30 days). Returns the number deleted.
create function ra_internal.prune_api_calls(p_keep interval default interval '30 days')
returns bigint
language sql
volatile
security definer
set search_path = ''
as $$
  with d as (
    delete from ra_internal.api_calls where started_at < now() - p_keep returning 1
  )
  select count(*) from d;
$$;

comment on function ra_internal.prune_api_calls(interval) is
  'Deletes Racing API call-log rows older than p_keep (default 30 days); returns how many were deleted.';

revoke all on table ra_internal.api_calls from public, anon, authenticated;
grant select, insert on table ra_internal.api_calls to service_role;
revoke execute on function ra_internal.prune_api_calls(interval) from public, anon, authenticated;
grant execute on function ra_internal.prune_api_calls(interval) to service_role;
