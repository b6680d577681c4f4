-- The status views and functions expose internal state: service role (and postgres in Studio) only. Views are
-- security_invoker so RLS-free views cannot leak through their owner's rights.
begin;
set local search_path = extensions, public;
select plan(14);

select is(
  (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relkind = 'v' and c.relname = any(array['ra_backfill_progress',
     'ra_backfill_failed_days', 'ra_calendar', 'ra_coverage_by_year', 'ra_table_row_counts', 'ra_scheduled_jobs',
     'ra_recent_rejects', 'ra_sync_health']) and 'security_invoker=true' = any(c.reloptions)),
  8, 'all 8 status views exist and are security_invoker');
select is(
  (select count(*)::int from information_schema.role_table_grants g where g.table_schema = 'public'
     and g.grantee in ('anon', 'authenticated', 'PUBLIC') and g.table_name = any(array['ra_backfill_progress',
     'ra_backfill_failed_days', 'ra_calendar', 'ra_coverage_by_year', 'ra_table_row_counts', 'ra_scheduled_jobs',
     'ra_recent_rejects', 'ra_sync_health'])), 0, 'anon and authenticated have no privilege on the views');
select ok(
  (select bool_and(obj_description(c.oid, 'pg_class') is not null) from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relkind = 'v' and c.relname like 'ra\_%'), 'every status view has a comment');

set local role anon;
select throws_ok($$ select * from public.ra_backfill_progress $$, '42501', null, 'anon cannot read backfill progress');
select throws_ok($$ select * from public.ra_sync_health $$, '42501', null, 'anon cannot read sync health');
select throws_ok($$ select ra_internal.status_report() $$, '42501', null, 'anon cannot run status_report');
reset role;

set local role authenticated;
select throws_ok($$ select * from public.ra_calendar $$, '42501', null, 'authenticated cannot read the calendar');
select throws_ok($$ select * from public.ra_recent_rejects $$, '42501', null, 'authenticated cannot read rejects');
select throws_ok($$ select * from public.ra_coverage_by_year $$, '42501', null, 'authenticated cannot read coverage');
reset role;

set local role service_role;
select lives_ok($$ select * from public.ra_backfill_progress $$, 'service_role reads backfill progress');
select lives_ok($$ select * from public.ra_sync_health $$, 'service_role reads sync health');
select is((select count(*)::int from public.ra_table_row_counts where table_group in ('source', 'statistics')), 18,
  'row counts cover the 18 tables of the data model');
select is((select jsonb_typeof(ra_internal.status_report())), 'object', 'service_role runs status_report');
select is((select count(*)::int from public.ra_backfill_progress), 1, 'backfill progress is one row');
reset role;

select * from finish();
rollback;
