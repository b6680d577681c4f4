-- Backfill progress as one JSON document (GET /functions/v1/backfill, the CLI's progress bar, the status
-- page): chunks, days, failures, API calls, rows, rate and ETA.

create function ra_internal.backfill_progress()
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  with st as (select * from ra_internal.backfill_state),
  ch as (
    select count(*) as total,
      count(*) filter (where status = 'done') as done,
      count(*) filter (where status = 'running' and lease_expires_at > now()) as running,
      count(*) filter (where status <> 'done' and (lease_expires_at is null or lease_expires_at <= now())) as pending,
      coalesce(sum(range_end - range_start + 1), 0) as days_in_plan
    from ra_internal.backfill_chunks
  ),
  dy as (
    select count(*) filter (where b.status = 'done') as done,
      count(*) filter (where b.status = 'failed') as failed,
      coalesce(sum(b.api_calls) filter (where b.status = 'done'), 0) as pages,
      coalesce(sum(b.races), 0) as races, coalesce(sum(b.runners), 0) as runners,
      coalesce(sum(b.results), 0) as results, coalesce(sum(b.rejects), 0) as rejects,
      max(b.finished_at) as last_day_at
    from ra_internal.backfill_days b
    join ra_internal.backfill_chunks c on c.regions = b.regions and b.day between c.range_start and c.range_end
  ),
  calls as (
    select count(*) as attempts,
      count(*) filter (where c.started_at > now() - interval '60 seconds') as last_minute,
      count(*) filter (where c.outcome <> 'ok') as failed_attempts
    from ra_internal.api_calls c, st
    where c.worker_id like 'backfill:%' and c.started_at >= coalesce(st.started_at, '-infinity')
  ),
  failed as (
    select coalesce(jsonb_agg(jsonb_build_object('day', day, 'error', error, 'attempts', attempts,
      'at', finished_at) order by day), '[]'::jsonb) as list
    from (select * from ra_internal.backfill_days where status = 'failed' order by day limit 200) f
  ),
  workers as (
    select coalesce(jsonb_agg(jsonb_build_object('worker', lease_owner, 'chunk', range_start,
      'cursor', cursor_date, 'lease_expires_at', lease_expires_at) order by range_start), '[]'::jsonb) as list
    from ra_internal.backfill_chunks where status = 'running' and lease_expires_at > now()
  )
  select jsonb_build_object(
    'state', case
      when st.halted_reason is not null then 'halted'
      when ch.total = 0 then 'not_started'
      when ch.done = ch.total then 'done'
      when ch.running > 0 then 'running'
      else 'waiting' end,
    'halted_reason', st.halted_reason,
    'planned', jsonb_build_object('from', st.planned_from, 'to', st.planned_to, 'started_at', st.started_at),
    'chunks', jsonb_build_object('total', ch.total, 'done', ch.done, 'running', ch.running, 'pending', ch.pending),
    'days', jsonb_build_object('in_plan', ch.days_in_plan, 'done', dy.done, 'failed', dy.failed,
      'pending', greatest(ch.days_in_plan - dy.done - dy.failed, 0)),
    'failed_days', failed.list,
    'api_calls', jsonb_build_object('pages', dy.pages, 'attempts', calls.attempts,
      'failed_attempts', calls.failed_attempts, 'last_minute', calls.last_minute,
      'per_second', round(calls.last_minute / 60.0, 2),
      'pages_per_day', case when dy.done > 0 then round(dy.pages::numeric / dy.done, 2) end),
    'rows', jsonb_build_object('races', dy.races, 'runners', dy.runners, 'results', dy.results,
      'rejects', dy.rejects),
    'eta_seconds', case
      when dy.done = 0 or calls.last_minute = 0 then null
      else round(greatest(ch.days_in_plan - dy.done - dy.failed, 0) * (dy.pages::numeric / dy.done)
                 / (calls.last_minute / 60.0)) end,
    'workers', workers.list,
    'last_day_at', dy.last_day_at,
    'generated_at', now())
  from st, ch, dy, calls, failed, workers
$$;
comment on function ra_internal.backfill_progress() is
  'Backfill progress as JSON: state (not_started/running/waiting/done/halted), chunks, days, failed days with '
  'errors, API pages and attempts, calls/s over the last minute, rows ingested, ETA and live workers.';
revoke execute on function ra_internal.backfill_progress() from public, anon, authenticated;
grant execute on function ra_internal.backfill_progress() to service_role;
