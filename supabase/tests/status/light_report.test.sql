-- The light report (the page's refresh while a backfill runs): no coverage by year, and tables the planner
-- believes large are estimated from pg_class.reltuples and listed; the default report stays exact.
begin;
set local search_path = extensions, public;
select plan(6);

select is(ra_internal.status_report(5, true) -> 'coverage_by_year', 'null'::jsonb, 'light: coverage left out');
select is(jsonb_typeof(ra_internal.status_report() -> 'coverage_by_year'), 'array', 'full: coverage present');
select is(ra_internal.status_report() -> 'row_counts_estimated', '[]'::jsonb, 'full: nothing estimated');

analyze public.ra_mst_regions;
select is((select estimated from ra_internal.status_row_counts(0) where table_name = 'ra_mst_regions'), true,
  'a table over the threshold is estimated');
select is((select row_count from ra_internal.status_row_counts(0) where table_name = 'ra_mst_regions'),
  (select count(*) from public.ra_mst_regions), 'the estimate of a freshly analysed small table is its size');
select is((select count(*)::int from ra_internal.status_row_counts(null) where estimated), 0,
  'no threshold: every count exact');

select * from finish();
rollback;
