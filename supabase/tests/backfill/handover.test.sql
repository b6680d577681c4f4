-- ra_internal.hand_over_backfill_chunk + claim_backfill_chunk: an invocation passes its running chunk straight
-- to its successor; nobody else can claim it in between; only the lease holder can hand over.
begin;
select plan(11);

delete from ra_internal.backfill_days;
delete from ra_internal.backfill_chunks;
update ra_internal.backfill_state set halted_reason = null, halted_at = null;
select ra_internal.plan_backfill('2024-01-01', '2024-02-10', array['gb', 'ire']);

select is((select range_start from ra_internal.claim_backfill_chunk('w1', 60)), '2024-01-01'::date,
  'w1 claims January');
select is(ra_internal.hand_over_backfill_chunk((select chunk_id from ra_internal.backfill_chunks
  where range_start = '2024-01-01'), 'w1', 'w2', 60), true, 'w1 hands January to w2');
select is((select array[lease_owner, status] from ra_internal.backfill_chunks where range_start = '2024-01-01'),
  array['w2', 'running'], 'January is leased to w2, still running');
select is((select range_start from ra_internal.claim_backfill_chunk('w3', 60)), '2024-02-01'::date,
  'another worker cannot take January: it gets February');
select is((select range_start from ra_internal.claim_backfill_chunk('w2', 60)), '2024-01-01'::date,
  'w2 claims the chunk handed to it');
select is((select invocations from ra_internal.backfill_chunks where range_start = '2024-01-01'), 2,
  'the hand-over counts as a claim');
select is(ra_internal.hand_over_backfill_chunk((select chunk_id from ra_internal.backfill_chunks
  where range_start = '2024-01-01'), 'w1', 'w4', 60), false, 'a worker that lost the lease cannot hand over');
select is((select lease_owner from ra_internal.backfill_chunks where range_start = '2024-01-01'), 'w2',
  'the lease stays with w2');
select throws_ok($$ select ra_internal.hand_over_backfill_chunk(1, 'w2', 'w2', 60) $$, '22023', null,
  'the successor must be another worker');

-- A handed chunk whose days are all done is closed at claim time, and the claim moves on.
insert into ra_internal.backfill_days (regions, day, status)
select 'gb,ire', d::date, 'done' from generate_series('2024-01-01'::date, '2024-01-31'::date, interval '1 day') d;
select is((select range_start from ra_internal.claim_backfill_chunk('w2', 60)), null,
  'all days done: nothing to claim (February is leased to w3)');
select is((select status from ra_internal.backfill_chunks where range_start = '2024-01-01'), 'done',
  'the handed chunk was closed at claim time');

select * from finish();
rollback;
