-- RLS and grants of the ingest tables: anon sees nothing and cannot write; authenticated can read every public
-- source table but cannot write and cannot touch ra_internal; only service_role may run the ingest.
begin;
set local search_path = extensions, public;
select plan(14);

select ra_internal.ingest_batch($j${
  "courses": [{"course_id": "crs_rls", "name": "Rls Park", "region_code": "gb", "source": "race", "fetched_at": "2025-01-01T00:00:00Z"}],
  "races": [{"race_id": "rac_rls", "source": "racecard", "fetched_at": "2025-01-01T00:00:00Z", "course_id": "crs_rls", "race_date": "2025-01-01"}],
  "rejects": [{"source": "test.rls", "record_key": "k", "raw": {}, "reason": "r", "seen_at": "2025-01-01T00:00:00Z"}]
}$j$::jsonb);

select is(
  (select count(*)::int from pg_tables t where t.schemaname = 'public' and t.tablename = any(array[
    'ra_mst_regions','ra_mst_courses','ra_mst_bookmakers','ra_mst_jockeys','ra_mst_trainers','ra_mst_owners',
    'ra_mst_sires','ra_mst_dams','ra_mst_damsires','ra_mst_horses','ra_horse_pedigree','ra_races','ra_runners',
    'ra_race_results']) and t.rowsecurity), 14, 'RLS enabled on all 14 source tables');
select is(
  (select count(*)::int from information_schema.role_table_grants g where g.table_schema = 'public'
     and g.grantee = 'anon' and g.table_name like 'ra\_%' and g.table_name = any(array[
    'ra_mst_regions','ra_mst_courses','ra_mst_bookmakers','ra_mst_jockeys','ra_mst_trainers','ra_mst_owners',
    'ra_mst_sires','ra_mst_dams','ra_mst_damsires','ra_mst_horses','ra_horse_pedigree','ra_races','ra_runners',
    'ra_race_results'])), 0, 'anon has no privilege on any source table');
select ok(not exists (select 1 from pg_policies where schemaname = 'public' and tablename like 'ra\_%'
  and cmd <> 'SELECT' and tablename in ('ra_races','ra_runners','ra_race_results','ra_mst_horses')), 'no write policies');

set local role anon;
select throws_ok($$ select count(*) from public.ra_races $$, '42501', null, 'anon cannot read ra_races');
select throws_ok($$ insert into public.ra_mst_regions (region_code) values ('zz') $$, '42501', null, 'anon cannot write');
select throws_ok($$ select count(*) from ra_internal.rejects $$, '42501', null, 'anon cannot see ra_internal');
select throws_ok($$ select ra_internal.ingest_batch('{}'::jsonb) $$, '42501', null, 'anon cannot run the ingest');
reset role;

set local role authenticated;
select is((select count(*)::int from public.ra_races where race_id = 'rac_rls'), 1, 'authenticated reads ra_races');
select is((select count(*)::int from public.ra_mst_courses where course_id = 'crs_rls'), 1, 'authenticated reads masters');
select throws_ok($$ update public.ra_races set going = 'x' where race_id = 'rac_rls' $$, '42501', null, 'authenticated cannot update');
select throws_ok($$ delete from public.ra_runners $$, '42501', null, 'authenticated cannot delete');
select throws_ok($$ select count(*) from ra_internal.raw_responses $$, '42501', null, 'authenticated cannot see ra_internal');
select throws_ok($$ select ra_internal.ingest_batch('{}'::jsonb) $$, '42501', null, 'authenticated cannot run the ingest');
reset role;

set local role service_role;
select lives_ok($$ select ra_internal.ingest_batch('{}'::jsonb) $$, 'service_role runs the ingest');
reset role;

select * from finish();
rollback;
