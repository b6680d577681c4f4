-- The schedule, in UK local time although pg_cron runs in UTC (hosted: no cron.timezone; the database is UTC).
-- Technique: each UK-time job is scheduled at BOTH candidate UTC hours (UK hour − 1 for BST, UK hour for GMT)
-- and its command first asks ra_internal.is_uk_hour(), which reads now() in Europe/London. Exactly one of the
-- two firings passes on every day of the year, the clock-change Sundays included.
--
--   racing-sync           0 5,6,9,10,13,14,17,18,21,22 * * *  → sync function at 06/10/14/18/22 UK
--   racing-masters        0 12,13 * * *                       → masters function at 13:00 UK
--   racing-statistics     30 1,2 * * *                        → statistics refresh (SQL) at 02:30 UK
--   racing-backfill-tick  * * * * *                           → backfill safety net (posts only when needed)
--   racing-housekeeping   15 3 * * *                          → pruning, 03:15 UTC (no UK guard needed)
--
-- Activate: select ra_internal.install_schedule();   (idempotent; reads URL and key from Vault at run time)
-- Pause / resume: select ra_internal.pause_schedule(); select ra_internal.resume_schedule();
-- Remove: select ra_internal.uninstall_schedule();

-- ---------------------------------------------------------------------------------------------------------
-- Settings (housekeeping retention; one row)

create table ra_internal.schedule_settings (
  id                    boolean primary key default true check (id),
  keep_job_run_details  interval not null default interval '7 days',
  keep_http_responses   interval not null default interval '6 hours',
  keep_api_calls        interval not null default interval '30 days',
  keep_scheduled_runs   interval not null default interval '90 days',
  keep_raw_responses    interval,
  updated_at            timestamptz not null default now()
);
insert into ra_internal.schedule_settings (id) values (true) on conflict do nothing;
comment on table ra_internal.schedule_settings is 'Retention used by the daily housekeeping job (one row).';
comment on column ra_internal.schedule_settings.keep_job_run_details is 'cron.job_run_details rows older than this are deleted (pg_cron never prunes them).';
comment on column ra_internal.schedule_settings.keep_http_responses is 'net._http_response rows older than this are deleted (pg_net''s own TTL is 6 hours).';
comment on column ra_internal.schedule_settings.keep_api_calls is 'ra_internal.api_calls rows older than this are deleted (ra_internal.prune_api_calls).';
comment on column ra_internal.schedule_settings.keep_scheduled_runs is 'Finished ra_internal.scheduled_runs rows older than this are deleted.';
comment on column ra_internal.schedule_settings.keep_raw_responses is
  'Raw API bodies not re-fetched for this long are deleted; null (default) = keep forever (they let any day be re-derived without an API call).';

-- ---------------------------------------------------------------------------------------------------------
-- The UK-time guard

create function ra_internal.is_uk_hour(
  p_hours integer[], p_minute integer default 0, p_at timestamptz default null
) returns boolean
language sql
stable
set search_path = ''
as $$
  select extract(hour from l.t)::int = any (p_hours)
     and extract(minute from l.t)::int between p_minute and p_minute + 14
  from (select coalesce(p_at, nullif(current_setting('ra.schedule_now', true), '')::timestamptz, now())
          at time zone 'Europe/London' as t) l
$$;
comment on function ra_internal.is_uk_hour(integer[], integer, timestamptz) is
  'True when p_at (default now()) is, in UK local time (Europe/London, BST/GMT aware), one of p_hours at minute '
  'p_minute to p_minute + 14 (tolerates a late cron start). The guard of every UK-time job. Tests may pin the '
  'instant for a transaction with set local ra.schedule_now = ''<timestamptz>''.';

-- ---------------------------------------------------------------------------------------------------------
-- Calling an Edge Function from SQL: URL and service key from Vault at run time, explicit timeout.

create function ra_internal.invoke_edge_function(
  p_function text, p_body jsonb default '{}'::jsonb, p_timeout_ms integer default 10000
) returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_url text;
  v_key text;
begin
  select decrypted_secret into v_url from vault.decrypted_secrets where name = 'project_url';
  select decrypted_secret into v_key from vault.decrypted_secrets where name = 'service_role_key';
  if v_url is null or v_key is null then
    raise exception 'Vault secrets project_url and service_role_key are required'
      using errcode = '55000',
        hint = 'select vault.create_secret(''https://<project-ref>.supabase.co'', ''project_url''); '
          'select vault.create_secret(''<service role key>'', ''service_role_key'');';
  end if;
  if p_function !~ '^[a-z0-9_-]+$' then
    raise exception 'invoke_edge_function: bad function name %', p_function using errcode = '22023';
  end if;
  -- pg_net hangs on bodies over 64 KB (supabase/pg_net#225).
  if octet_length(coalesce(p_body, '{}'::jsonb)::text) > 60000 then
    raise exception 'invoke_edge_function: body over 60 kB' using errcode = '22023';
  end if;
  return net.http_post(
    url := rtrim(v_url, '/') || '/functions/v1/' || p_function,
    body := coalesce(p_body, '{}'::jsonb),
    headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || v_key),
    timeout_milliseconds := p_timeout_ms);
end
$$;
comment on function ra_internal.invoke_edge_function(text, jsonb, integer) is
  'Queues a POST to the Edge Function p_function via pg_net (sent after commit), with the project URL and '
  'service role key read from Vault (project_url, service_role_key) at run time and an explicit timeout. '
  'Returns the pg_net request id.';

-- The body of the HTTP jobs: guard, queue a run row, call the function with its run_id (async: the function
-- answers 202 at once and works in the background, recording itself in ra_internal.scheduled_runs).
create function ra_internal.scheduled_invoke(
  p_job text, p_uk_hours integer[] default null, p_uk_minute integer default 0, p_at timestamptz default null
) returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_run bigint;
  v_req bigint;
begin
  if p_uk_hours is not null and not ra_internal.is_uk_hour(p_uk_hours, p_uk_minute, p_at) then
    return null;
  end if;
  perform ra_internal.reconcile_scheduled_runs();
  v_run := ra_internal.scheduled_run_queue(p_job, 'cron');
  v_req := ra_internal.invoke_edge_function(p_job,
    jsonb_build_object('run_id', v_run, 'trigger', 'cron', 'async', true));
  update ra_internal.scheduled_runs set request_id = v_req where run_id = v_run;
  return v_run;
end
$$;
comment on function ra_internal.scheduled_invoke(text, integer[], integer, timestamptz) is
  'Cron body of the sync/masters jobs: when the UK-time guard passes (or no hours are given), queues a run row '
  'and posts {"run_id", "trigger":"cron", "async":true} to the function of the same name. Returns the run_id, '
  'or null when the guard said no.';

-- ---------------------------------------------------------------------------------------------------------
-- Backfill safety net: restart the backfill when work remains but no worker holds a chunk.

create function ra_internal.backfill_tick()
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_left integer;
  v_req bigint;
begin
  if (select halted_reason from ra_internal.backfill_state) is not null then
    return null;
  end if;
  select count(*) into v_left from ra_internal.backfill_chunks where status <> 'done';
  if v_left = 0 then
    return null;
  end if;
  if exists (select 1 from ra_internal.backfill_chunks where status = 'running' and lease_expires_at > now()) then
    return null;
  end if;
  v_req := ra_internal.invoke_edge_function('backfill', '{"continue": true}'::jsonb);
  insert into ra_internal.scheduled_runs (job, trigger, status, started_at, finished_at, heartbeat_at, request_id, counts)
  values ('backfill_tick', 'cron', 'succeeded', now(), now(), now(), v_req, jsonb_build_object('chunks_left', v_left));
  return v_req;
end
$$;
comment on function ra_internal.backfill_tick() is
  'Minute job: posts {"continue":true} to the backfill function only when chunks remain unfinished, none is '
  'leased and the backfill is not halted (then records a backfill_tick run). Returns the pg_net request id or null.';

-- ---------------------------------------------------------------------------------------------------------
-- Statistics (SQL, no HTTP)

create function ra_internal.run_statistics_job(
  p_uk_hours integer[] default null, p_uk_minute integer default 0, p_at timestamptz default null
) returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_run bigint;
  v_result jsonb;
begin
  if p_uk_hours is not null and not ra_internal.is_uk_hour(p_uk_hours, p_uk_minute, p_at) then
    return null;
  end if;
  v_run := ra_internal.scheduled_run_start('statistics', null, case when p_uk_hours is null then 'manual' else 'cron' end);
  if to_regprocedure('ra_internal.refresh_statistics_incremental()') is null then
    raise notice 'statistics: ra_internal.refresh_statistics_incremental() does not exist yet; skipped';
    perform ra_internal.scheduled_run_finish(v_run, 'skipped', '{}'::jsonb,
      'ra_internal.refresh_statistics_incremental() is not installed');
    return v_run;
  end if;
  begin
    execute 'select to_jsonb(ra_internal.refresh_statistics_incremental())' into v_result;
    perform ra_internal.scheduled_run_finish(v_run, 'succeeded', coalesce(v_result, '{}'::jsonb), null);
  exception when others then
    perform ra_internal.scheduled_run_finish(v_run, 'failed', null, sqlerrm);
  end;
  return v_run;
end
$$;
comment on function ra_internal.run_statistics_job(integer[], integer, timestamptz) is
  'Cron body of the statistics job: when the UK-time guard passes, calls ra_internal.refresh_statistics_incremental() '
  '(skipped with a notice if it does not exist) and records the run with its result or error.';

-- ---------------------------------------------------------------------------------------------------------
-- Housekeeping

create function ra_internal.run_housekeeping()
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_set ra_internal.schedule_settings;
  v_run bigint;
  v_counts jsonb := '{}'::jsonb;
  v_n bigint;
  v_notes text[] := array[]::text[];
begin
  select * into v_set from ra_internal.schedule_settings;
  v_run := ra_internal.scheduled_run_start('housekeeping', null, 'cron');
  v_counts := v_counts || jsonb_build_object('runs_reconciled', ra_internal.reconcile_scheduled_runs());

  if to_regclass('cron.job_run_details') is not null then
    begin
      execute 'delete from cron.job_run_details where end_time < now() - $1' using v_set.keep_job_run_details;
      get diagnostics v_n = row_count;
      v_counts := v_counts || jsonb_build_object('cron_job_run_details', v_n);
    exception when insufficient_privilege then
      v_notes := array_append(v_notes, 'cron.job_run_details: no privilege to delete');
    end;
  end if;
  if to_regclass('net._http_response') is not null then
    begin
      execute 'delete from net._http_response where created < now() - $1' using v_set.keep_http_responses;
      get diagnostics v_n = row_count;
      v_counts := v_counts || jsonb_build_object('net_http_responses', v_n);
    exception when insufficient_privilege then
      v_notes := array_append(v_notes, 'net._http_response: no privilege to delete (pg_net prunes by its own TTL)');
    end;
  end if;
  v_counts := v_counts || jsonb_build_object('api_calls', ra_internal.prune_api_calls(v_set.keep_api_calls));
  if v_set.keep_raw_responses is not null then
    delete from ra_internal.raw_responses where last_fetched_at < now() - v_set.keep_raw_responses;
    get diagnostics v_n = row_count;
    v_counts := v_counts || jsonb_build_object('raw_responses', v_n);
  end if;
  delete from ra_internal.scheduled_runs
  where finished_at < now() - v_set.keep_scheduled_runs and status not in ('queued', 'running');
  get diagnostics v_n = row_count;
  v_counts := v_counts || jsonb_build_object('scheduled_runs', v_n);

  perform ra_internal.scheduled_run_finish(v_run, 'succeeded', v_counts,
    case when cardinality(v_notes) > 0 then array_to_string(v_notes, '; ') end);
  return v_run;
end
$$;
comment on function ra_internal.run_housekeeping() is
  'Daily job: marks stale runs failed, prunes cron.job_run_details, net._http_response, ra_internal.api_calls, '
  'old finished scheduled runs and (if ra_internal.schedule_settings.keep_raw_responses is set) raw responses. '
  'Records itself as a housekeeping run with the rows deleted per table.';

-- ---------------------------------------------------------------------------------------------------------
-- The job list and its installer

create function ra_internal.schedule_definition()
returns table (jobname text, schedule text, command text, runs_at text)
language sql
immutable
set search_path = ''
as $$
  values
    ('racing-sync', '0 5,6,9,10,13,14,17,18,21,22 * * *',
     'select ra_internal.scheduled_invoke(''sync'', array[6, 10, 14, 18, 22], 0)',
     '06:00, 10:00, 14:00, 18:00, 22:00 UK'),
    ('racing-masters', '0 12,13 * * *',
     'select ra_internal.scheduled_invoke(''masters'', array[13], 0)',
     '13:00 UK'),
    ('racing-statistics', '30 1,2 * * *',
     'select ra_internal.run_statistics_job(array[2], 30)',
     '02:30 UK'),
    ('racing-backfill-tick', '* * * * *',
     'select ra_internal.backfill_tick()',
     'every minute (posts only when backfill work is left and no worker holds it)'),
    ('racing-housekeeping', '15 3 * * *',
     'select ra_internal.run_housekeeping()',
     '03:15 UTC daily')
$$;
comment on function ra_internal.schedule_definition() is
  'The scheduled jobs (pg_cron, UTC schedules; UK-time jobs fire at both candidate UTC hours and their command '
  'guards with ra_internal.is_uk_hour). install_schedule() makes cron.job match this list.';

create function ra_internal.install_schedule()
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  d record;
  v_id bigint;
begin
  if to_regclass('cron.job') is null then
    raise exception 'pg_cron is not enabled' using errcode = '55000',
      hint = 'Enable it: Dashboard → Database → Extensions → pg_cron (or: create extension pg_cron;).';
  end if;
  if to_regprocedure('net.http_post(text, jsonb, jsonb, jsonb, integer)') is null then
    raise exception 'pg_net is not enabled' using errcode = '55000',
      hint = 'Enable it: Dashboard → Database → Extensions → pg_net (or: create extension pg_net;).';
  end if;
  if (select count(*) from vault.decrypted_secrets where name in ('project_url', 'service_role_key')) < 2 then
    raise exception 'Vault secrets project_url and service_role_key are required before installing the schedule'
      using errcode = '55000',
        hint = 'select vault.create_secret(''https://<project-ref>.supabase.co'', ''project_url''); '
          'select vault.create_secret(''<service role key>'', ''service_role_key'');';
  end if;
  -- Jobs of an older version of this list go.
  perform cron.unschedule(j.jobid) from cron.job j
  where j.jobname like 'racing-%' and j.jobname not in (select s.jobname from ra_internal.schedule_definition() s);
  for d in select * from ra_internal.schedule_definition() loop
    select j.jobid into v_id from cron.job j where j.jobname = d.jobname order by j.jobid limit 1;
    if v_id is null then
      perform cron.schedule(d.jobname, d.schedule, d.command);
    else
      -- Duplicates (e.g. created by hand) go; the first is brought up to date and activated.
      perform cron.unschedule(j.jobid) from cron.job j where j.jobname = d.jobname and j.jobid <> v_id;
      perform cron.alter_job(v_id, schedule := d.schedule, command := d.command, active := true);
    end if;
  end loop;
  return ra_internal.schedule_jobs();
end
$$;
comment on function ra_internal.install_schedule() is
  'Creates or updates the racing-* pg_cron jobs to match ra_internal.schedule_definition() and activates them. '
  'Idempotent (twice = the same jobs). Needs pg_cron, pg_net and the Vault secrets project_url and '
  'service_role_key (read by the jobs at run time, never stored in cron.job). Returns the jobs.';

create function ra_internal.schedule_jobs()
returns jsonb
language sql
stable
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object('jobid', j.jobid, 'jobname', j.jobname, 'schedule', j.schedule,
    'active', j.active, 'runs_at', d.runs_at) order by j.jobname), '[]'::jsonb)
  from cron.job j left join ra_internal.schedule_definition() d using (jobname)
  where j.jobname like 'racing-%'
$$;
comment on function ra_internal.schedule_jobs() is 'The installed racing-* pg_cron jobs (id, name, UTC schedule, active, UK time).';

create function ra_internal.set_schedule_active(p_active boolean)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_id bigint;
begin
  for v_id in select jobid from cron.job where jobname like 'racing-%' loop
    perform cron.alter_job(v_id, active := p_active);
  end loop;
  return ra_internal.schedule_jobs();
end
$$;
comment on function ra_internal.set_schedule_active(boolean) is 'Sets every racing-* pg_cron job active or inactive.';

create function ra_internal.pause_schedule()
returns jsonb language sql volatile set search_path = '' as $$ select ra_internal.set_schedule_active(false) $$;
comment on function ra_internal.pause_schedule() is
  'Pauses every racing-* job (cron.alter_job active = false); nothing is deleted. Resume with resume_schedule().';

create function ra_internal.resume_schedule()
returns jsonb language sql volatile set search_path = '' as $$ select ra_internal.set_schedule_active(true) $$;
comment on function ra_internal.resume_schedule() is 'Re-activates every racing-* job paused by pause_schedule().';

create function ra_internal.uninstall_schedule()
returns integer
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_n integer;
begin
  select count(*) into v_n from cron.job where jobname like 'racing-%';
  perform cron.unschedule(jobid) from cron.job where jobname like 'racing-%';
  return v_n;
end
$$;
comment on function ra_internal.uninstall_schedule() is 'Removes every racing-* pg_cron job; returns how many were removed.';

revoke all on table ra_internal.schedule_settings from public, anon, authenticated;
grant select, update on table ra_internal.schedule_settings to service_role;
revoke execute on function ra_internal.is_uk_hour(integer[], integer, timestamptz),
  ra_internal.invoke_edge_function(text, jsonb, integer),
  ra_internal.scheduled_invoke(text, integer[], integer, timestamptz), ra_internal.backfill_tick(),
  ra_internal.run_statistics_job(integer[], integer, timestamptz), ra_internal.run_housekeeping(),
  ra_internal.schedule_definition(), ra_internal.install_schedule(), ra_internal.schedule_jobs(),
  ra_internal.set_schedule_active(boolean), ra_internal.pause_schedule(), ra_internal.resume_schedule(),
  ra_internal.uninstall_schedule()
  from public, anon, authenticated;
grant execute on function ra_internal.is_uk_hour(integer[], integer, timestamptz),
  ra_internal.schedule_definition() to service_role;
