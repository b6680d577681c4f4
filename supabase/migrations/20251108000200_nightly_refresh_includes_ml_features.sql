-- The nightly statistics job refreshes the ML features too: ra_internal.refresh_ml_features() runs the
-- incremental statistics refresh, then the jockey/trainer form table and the masters' current form, so the
-- feature view is ready every morning. Falls back to the statistics alone where the ML migration is absent.
create or replace function ra_internal.run_statistics_job(
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
  v_call text;
begin
  if p_uk_hours is not null and not ra_internal.is_uk_hour(p_uk_hours, p_uk_minute, p_at) then
    return null;
  end if;
  v_run := ra_internal.scheduled_run_start('statistics', null, case when p_uk_hours is null then 'manual' else 'cron' end);
  v_call := case
    when to_regprocedure('ra_internal.refresh_ml_features(boolean)') is not null
      then 'select to_jsonb(ra_internal.refresh_ml_features(false))'
    when to_regprocedure('ra_internal.refresh_statistics_incremental()') is not null
      then 'select to_jsonb(ra_internal.refresh_statistics_incremental())'
  end;
  if v_call is null then
    raise notice 'statistics: ra_internal.refresh_statistics_incremental() does not exist yet; skipped';
    perform ra_internal.scheduled_run_finish(v_run, 'skipped', '{}'::jsonb,
      'ra_internal.refresh_statistics_incremental() is not installed');
    return v_run;
  end if;
  begin
    execute v_call into v_result;
    perform ra_internal.scheduled_run_finish(v_run, 'succeeded', coalesce(v_result, '{}'::jsonb), null);
  exception when others then
    perform ra_internal.scheduled_run_finish(v_run, 'failed', null, sqlerrm);
  end;
  return v_run;
end
$$;
comment on function ra_internal.run_statistics_job(integer[], integer, timestamptz) is
  'Cron body of the statistics job: when the UK-time guard passes, calls ra_internal.refresh_ml_features(false) '
  '(incremental statistics, then the ML form and masters'' current form), or the statistics refresh alone where '
  'the ML functions are absent; records the run with its result or error.';
