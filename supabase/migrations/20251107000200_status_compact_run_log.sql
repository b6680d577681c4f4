-- The scheduler's run log rows carry large jsonb (per-run counts): in the status document every value is cut
-- to 200 characters and `recent` lists the latest 10 runs, so the page's JSON stays small.
create function ra_internal.status_compact_row(p_row jsonb)
returns jsonb language sql immutable set search_path = '' as $$
  select coalesce(jsonb_object_agg(e.key, case when length(e.value::text) > 200
                                              then to_jsonb(left(e.value::text, 200) || '…') else e.value end), '{}'::jsonb)
  from jsonb_each(p_row) e
$$;
comment on function ra_internal.status_compact_row(jsonb) is
  'A JSON object with every value longer than 200 characters (as JSON text) cut to a 200-character string.';

create or replace function ra_internal.status_scheduled_runs(p_limit integer default 10)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  order_col text;
  by_order text;
  has_job boolean;
  recent jsonb;
  latest jsonb;
begin
  if to_regclass('ra_internal.scheduled_runs') is null then
    return null;
  end if;
  select c.column_name into order_col from information_schema.columns c
  where c.table_schema = 'ra_internal' and c.table_name = 'scheduled_runs'
    and c.column_name in ('queued_at', 'started_at', 'created_at', 'run_id', 'id')
  order by array_position(array['queued_at', 'started_at', 'created_at', 'run_id', 'id'], c.column_name::text)
  limit 1;
  by_order := case when order_col is null then 'true' else format('%I desc nulls last', order_col) end;
  execute format('select coalesce(jsonb_agg(ra_internal.status_compact_row(to_jsonb(r))), ''[]''::jsonb) from '
                 '(select * from ra_internal.scheduled_runs order by %s limit %s) r', by_order, p_limit)
  into recent;
  select count(*) = 1 into has_job from information_schema.columns c
  where c.table_schema = 'ra_internal' and c.table_name = 'scheduled_runs' and c.column_name = 'job';
  if has_job then
    execute format('select coalesce(jsonb_object_agg(r.job, ra_internal.status_compact_row(to_jsonb(r))), ''{}''::jsonb) '
                   'from (select distinct on (job) * from ra_internal.scheduled_runs order by job, %s) r', by_order)
    into latest;
  end if;
  return jsonb_build_object('recent', recent, 'latest_by_job', latest);
end
$$;

revoke execute on function ra_internal.status_compact_row(jsonb) from public, anon, authenticated;
grant execute on function ra_internal.status_compact_row(jsonb) to service_role;
