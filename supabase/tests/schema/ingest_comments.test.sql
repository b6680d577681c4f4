-- Every table of the ingest area and its SQL functions carry a comment (documentation lives in the catalog).
begin;
set local search_path = extensions, public;
select plan(4);

select is(
  (select array_agg(c.relname::text order by c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'r' and obj_description(c.oid, 'pg_class') is null
      and ((n.nspname = 'public' and c.relname = any(array[
        'ra_mst_regions','ra_mst_courses','ra_mst_bookmakers','ra_mst_jockeys','ra_mst_trainers','ra_mst_owners',
        'ra_mst_sires','ra_mst_dams','ra_mst_damsires','ra_mst_horses','ra_horse_pedigree','ra_races','ra_runners',
        'ra_race_results']))
        or (n.nspname = 'ra_internal' and c.relname in ('raw_responses', 'rejects')))),
  null, 'every ingest table has a comment');
select ok(obj_description('ra_internal.ingest_batch(jsonb)'::regprocedure, 'pg_proc') is not null, 'ingest_batch documented');
select ok(obj_description('ra_internal.relink_pedigree(text[], text[])'::regprocedure, 'pg_proc') is not null, 'relink_pedigree documented');
select is(
  (select count(*)::int from pg_attribute a join pg_class c on c.oid = a.attrelid
    where c.oid in ('public.ra_races'::regclass, 'public.ra_runners'::regclass, 'public.ra_race_results'::regclass)
      and a.attnum > 0 and not a.attisdropped
      and a.attname in ('off_time','off_dt','distance_yards','distance_furlongs_round','prize_currency','has_result',
                        'runner_rows','result_rows','position_raw','sp_decimal','odds','jockey_claim_lbs','ofr')
      and col_description(c.oid, a.attnum) is null), 0, 'non-obvious columns are commented');

select * from finish();
rollback;
