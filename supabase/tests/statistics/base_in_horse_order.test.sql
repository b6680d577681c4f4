-- A full refresh that fills an empty base writes its rows in horse-hash order, so that each runner batch (an hk
-- range of whole horses) reads a few contiguous pages of it (migration 20251129000100).
begin;
set local search_path = extensions, public;
select plan(2);
\ir fixture.psql
delete from ra_internal.statistics_base;
select ra_internal.refresh_statistics(1, 1, 1);

select ok((select count(*) from ra_internal.statistics_base) > 5, 'the fixture fills the base');
select is((select count(*)::int from (
             select hk < lag(hk) over (order by ctid) as descends from ra_internal.statistics_base) x
           where descends), 0, 'in physical order, hk never descends');

select * from finish();
rollback;
