-- Scheduled runs: one row per run of a scheduled job (sync, masters, statistics, housekeeping, backfill tick).
-- A pg_cron job that calls an Edge Function through pg_net "succeeds" as soon as the request is queued, so the
-- cron history says nothing about the function. The cron job therefore writes a 'queued' row and passes its
-- run_id to the function, which marks it running, beats while it works and finishes it with counts or an error.
-- SQL jobs (statistics, housekeeping) write their own rows. Manual calls (no run_id) get a row too.

create table ra_internal.scheduled_runs (
  run_id        bigint generated always as identity primary key,
  job           text not null check (job in ('sync', 'masters', 'statistics', 'housekeeping', 'backfill_tick')),
  trigger       text not null default 'manual' check (trigger in ('cron', 'manual', 'handover')),
  status        text not null check (status in ('queued', 'running', 'succeeded', 'partial', 'failed', 'skipped')),
  queued_at     timestamptz not null default now(),
  started_at    timestamptz,
  heartbeat_at  timestamptz,
  finished_at   timestamptz,
  invocations   integer not null default 0,
  request_id    bigint,
  counts        jsonb not null default '{}'::jsonb,
  error         text
);
create index scheduled_runs_job_queued_idx on ra_internal.scheduled_runs (job, queued_at desc);
create index scheduled_runs_open_idx on ra_internal.scheduled_runs (queued_at) where status in ('queued', 'running');

comment on table ra_internal.scheduled_runs is
  'One row per scheduled (or manual) run of a job: queued by the pg_cron job, then started, beaten and finished '
  'by the Edge Function (or the SQL job) itself, because a pg_net call succeeds as soon as it is queued.';
comment on column ra_internal.scheduled_runs.job is 'sync | masters | statistics | housekeeping | backfill_tick.';
comment on column ra_internal.scheduled_runs.trigger is 'cron (scheduled), manual (called directly) or handover (a continuation).';
comment on column ra_internal.scheduled_runs.status is
  'queued (pg_net request waiting) → running → succeeded | partial (some days/horses failed) | failed | skipped.';
comment on column ra_internal.scheduled_runs.heartbeat_at is 'Last sign of life from the worker; a running row without one for 15 min is marked failed.';
comment on column ra_internal.scheduled_runs.invocations is 'Function invocations that worked on the run (hand-overs add one each).';
comment on column ra_internal.scheduled_runs.request_id is 'pg_net request id of the call that queued the run (net._http_response.id).';
comment on column ra_internal.scheduled_runs.counts is 'What the run did (days, pages, races, runners, horses, rows pruned, …), merged across invocations.';
comment on column ra_internal.scheduled_runs.error is 'Why the run failed or was partial (credential-free).';

-- Queue a run (the cron side). Returns the run_id to pass to the function.
create function ra_internal.scheduled_run_queue(p_job text, p_trigger text default 'cron')
returns bigint
language sql
volatile
security definer
set search_path = ''
as $$
  insert into ra_internal.scheduled_runs (job, trigger, status) values (p_job, p_trigger, 'queued')
  returning run_id
$$;
comment on function ra_internal.scheduled_run_queue(text, text) is
  'Inserts a queued run row for p_job (the cron side, before the pg_net call) and returns its run_id.';

-- Start (or continue) a run. With a run_id of an open run of this job, that row becomes running (a cron-queued
-- run or a hand-over); otherwise a new running row is created. Returns the run_id the worker must use.
create function ra_internal.scheduled_run_start(
  p_job text, p_run_id bigint default null, p_trigger text default 'manual'
) returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_id bigint;
begin
  if p_run_id is not null then
    update ra_internal.scheduled_runs set status = 'running', started_at = coalesce(started_at, now()),
      heartbeat_at = now(), invocations = invocations + 1
    where run_id = p_run_id and job = p_job and status in ('queued', 'running')
    returning run_id into v_id;
    if v_id is not null then
      return v_id;
    end if;
  end if;
  insert into ra_internal.scheduled_runs (job, trigger, status, started_at, heartbeat_at, invocations)
  values (p_job, coalesce(p_trigger, 'manual'), 'running', now(), now(), 1)
  returning run_id into v_id;
  return v_id;
end
$$;
comment on function ra_internal.scheduled_run_start(text, bigint, text) is
  'Marks the queued/running run p_run_id of p_job as running (cron-queued run or hand-over), or creates a new '
  'running row when p_run_id is null, unknown or already finished. Returns the run_id to report against.';

-- Heartbeat with the counts so far (replaces the counts: the worker sends its running totals).
create function ra_internal.scheduled_run_beat(p_run_id bigint, p_counts jsonb default null)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  update ra_internal.scheduled_runs set heartbeat_at = now(), counts = coalesce(p_counts, counts)
  where run_id = p_run_id and status = 'running'
$$;
comment on function ra_internal.scheduled_run_beat(bigint, jsonb) is
  'Heartbeat of a running run; p_counts (the worker''s running totals) replaces counts when given.';

-- Finish a run. 'running' keeps it open (a hand-over will continue it) but stores the counts and error.
create function ra_internal.scheduled_run_finish(
  p_run_id bigint, p_status text, p_counts jsonb default null, p_error text default null
) returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if p_status not in ('running', 'succeeded', 'partial', 'failed', 'skipped') then
    raise exception 'scheduled_run_finish: bad status %', p_status using errcode = '22023';
  end if;
  update ra_internal.scheduled_runs set
    status = p_status,
    counts = coalesce(p_counts, counts),
    error = coalesce(left(p_error, 2000), error),
    heartbeat_at = now(),
    finished_at = case when p_status = 'running' then null else now() end
  where run_id = p_run_id;
end
$$;
comment on function ra_internal.scheduled_run_finish(bigint, text, jsonb, text) is
  'Ends a run with status succeeded | partial | failed | skipped, its counts and error (status running = '
  'leave it open for a hand-over, storing counts so far).';

-- Runs that never started or stopped beating: queued runs whose pg_net request failed (or that nobody took up
-- for 15 minutes) and running runs without a heartbeat for 15 minutes are marked failed, with the reason.
create function ra_internal.reconcile_scheduled_runs(p_stale interval default interval '15 minutes')
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_n integer := 0;
  v_m integer;
begin
  if to_regclass('net._http_response') is not null then
    execute $q$
      update ra_internal.scheduled_runs s set status = 'failed', finished_at = now(),
        error = 'the function call failed: ' || coalesce(
          case when r.timed_out then 'timed out' end, r.error_msg,
          'HTTP ' || r.status_code || ': ' || left(coalesce(r.content, ''), 500))
      from net._http_response r
      where s.status = 'queued' and r.id = s.request_id
        and (r.timed_out or r.error_msg is not null or r.status_code is null or r.status_code >= 300)$q$;
    get diagnostics v_m = row_count;
    v_n := v_n + v_m;
  end if;
  update ra_internal.scheduled_runs set status = 'failed', finished_at = now(),
    error = 'queued but never started (no function took it up within ' || p_stale || ')'
  where status = 'queued' and queued_at < now() - p_stale;
  get diagnostics v_m = row_count;
  v_n := v_n + v_m;
  update ra_internal.scheduled_runs set status = 'failed', finished_at = now(),
    error = coalesce(error || '; ', '') || 'abandoned: no heartbeat for ' || p_stale
  where status = 'running' and coalesce(heartbeat_at, started_at, queued_at) < now() - p_stale;
  get diagnostics v_m = row_count;
  return v_n + v_m;
end
$$;
comment on function ra_internal.reconcile_scheduled_runs(interval) is
  'Marks as failed the queued runs whose pg_net call failed or that nobody started within p_stale, and the '
  'running runs without a heartbeat for p_stale. Returns how many rows it changed.';

revoke all on table ra_internal.scheduled_runs from public, anon, authenticated;
grant select, insert, update, delete on table ra_internal.scheduled_runs to service_role;
revoke execute on function ra_internal.scheduled_run_queue(text, text),
  ra_internal.scheduled_run_start(text, bigint, text), ra_internal.scheduled_run_beat(bigint, jsonb),
  ra_internal.scheduled_run_finish(bigint, text, jsonb, text), ra_internal.reconcile_scheduled_runs(interval)
  from public, anon, authenticated;
grant execute on function ra_internal.scheduled_run_queue(text, text),
  ra_internal.scheduled_run_start(text, bigint, text), ra_internal.scheduled_run_beat(bigint, jsonb),
  ra_internal.scheduled_run_finish(bigint, text, jsonb, text), ra_internal.reconcile_scheduled_runs(interval)
  to service_role;
