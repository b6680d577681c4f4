-- The four statistics tables: every table and column carries its definition (comment on), RLS lets
-- authenticated read and nobody else write, the refresh functions are service-role only.
begin;
set local search_path = extensions, public;
select plan(12);

select is((select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'public' and c.relname in ('ra_runner_statistics', 'ra_entity_combinations',
             'ra_performance_by_distance', 'ra_performance_by_venue') and obj_description(c.oid, 'pg_class') is not null),
  4, 'the four tables exist with a comment');
select is((select string_agg(c.relname || '.' || a.attname, ', ' order by c.relname, a.attnum)
           from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'public' and c.relname in ('ra_runner_statistics', 'ra_entity_combinations',
             'ra_performance_by_distance', 'ra_performance_by_venue')
             and a.attnum > 0 and not a.attisdropped and col_description(c.oid, a.attnum) is null),
  null, 'every column has a comment stating its definition');
select is((select count(*)::int from pg_class where relname in ('ra_runner_statistics', 'ra_entity_combinations',
             'ra_performance_by_distance', 'ra_performance_by_venue') and relrowsecurity), 4, 'RLS enabled on all four');
select ok(has_table_privilege('authenticated', 'public.ra_runner_statistics', 'select'), 'authenticated may read');
select ok(not has_table_privilege('authenticated', 'public.ra_runner_statistics', 'insert'), 'authenticated may not write');
select ok(not has_table_privilege('anon', 'public.ra_performance_by_venue', 'select'), 'anon may not read');
select ok(not has_function_privilege('authenticated', 'ra_internal.refresh_statistics(integer, integer, integer)', 'execute'),
  'authenticated may not run the refresh');
select ok(has_function_privilege('service_role', 'ra_internal.refresh_statistics_incremental()', 'execute'),
  'service_role may run the incremental refresh');

-- as authenticated: rows are visible through the read policy
insert into public.ra_entity_combinations values ('jky_x', 'trn_x', 5, 1, 1, 1, 20, 60, 5, 1, 1.5, 0.67, -1, '2024-01-01', '2024-02-01');
set local role authenticated;
select is((select count(*)::int from public.ra_entity_combinations where jockey_id = 'jky_x'), 1, 'authenticated sees rows (policy)');
select throws_ok($$insert into public.ra_entity_combinations values ('jky_y', 'trn_y', 5, 1, 1, 1, 20, 60, 5, 1, 1.5, 0.67, -1, '2024-01-01', '2024-02-01')$$,
  '42501', null, 'authenticated cannot insert');
reset role;

select is((select count(*)::int from pg_trigger where tgrelid in ('public.ra_races'::regclass, 'public.ra_runners'::regclass,
           'public.ra_race_results'::regclass) and tgname like '%\_statistics\_%'), 12, 'change-queue triggers on the three source tables');
select is((select (min_runs_combination, min_runs_distance, min_runs_venue)::text from ra_internal.statistics_settings),
  '(5,5,5)', 'threshold defaults are the predecessor''s daily values');

select * from finish();
rollback;
