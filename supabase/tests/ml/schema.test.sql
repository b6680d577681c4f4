-- ML objects: every column documented, reader grants as for the source tables, refresh functions service-role only.
begin;
set local search_path = extensions, public;
select plan(10);

select is((select count(*)::int from pg_attribute a where a.attrelid = 'public.ra_ml_runner_features'::regclass
             and a.attnum > 0 and not a.attisdropped and col_description(a.attrelid, a.attnum) is null), 0,
  'every ra_ml_runner_features column has a comment');
select is((select count(*)::int from pg_attribute a where a.attrelid = 'public.ra_ml_runner_form'::regclass
             and a.attnum > 0 and not a.attisdropped and col_description(a.attrelid, a.attnum) is null), 0,
  'every ra_ml_runner_form column has a comment');
select is((select count(*)::int from pg_attribute a
             where a.attrelid in ('public.ra_mst_jockeys'::regclass, 'public.ra_mst_trainers'::regclass, 'public.ra_mst_owners'::regclass)
               and a.attname in ('runs', 'wins', 'places', 'win_percent', 'place_percent', 'last_run_date', 'runs_14d', 'wins_14d',
                 'places_14d', 'win_percent_14d', 'runs_30d', 'wins_30d', 'places_30d', 'win_percent_30d', 'form_as_of', 'form_refreshed_at')
               and col_description(a.attrelid, a.attnum) is not null), 48,
  'the 16 form columns exist, documented, on the three master tables');
select ok(obj_description('public.ra_ml_runner_features'::regclass) ~ 'leak-free', 'the view states the guarantee');
select ok((select 'security_invoker=true' = any(reloptions) from pg_class where oid = 'public.ra_ml_runner_features'::regclass),
  'the view runs with the reader''s rights (RLS of the tables applies)');
select ok(has_table_privilege('authenticated', 'public.ra_ml_runner_features', 'select')
          and has_table_privilege('authenticated', 'public.ra_ml_runner_form', 'select'), 'authenticated may read');
select ok(not has_table_privilege('anon', 'public.ra_ml_runner_features', 'select')
          and not has_table_privilege('anon', 'public.ra_ml_runner_form', 'select'), 'anon may not read');
select ok(not has_table_privilege('authenticated', 'public.ra_ml_runner_form', 'insert'), 'authenticated may not write');
select ok((select relrowsecurity from pg_class where oid = 'public.ra_ml_runner_form'::regclass), 'RLS on ra_ml_runner_form');
select ok(not has_function_privilege('authenticated', 'ra_internal.refresh_ml_features(boolean)', 'execute')
          and has_function_privilege('service_role', 'ra_internal.refresh_ml_features(boolean)', 'execute')
          and has_function_privilege('service_role', 'ra_internal.refresh_ml_form()', 'execute')
          and has_function_privilege('service_role', 'ra_internal.refresh_master_form(date)', 'execute'),
  'refresh functions: service role only');

select * from finish();
rollback;
