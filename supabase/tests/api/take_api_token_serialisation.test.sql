-- ra_internal.take_api_token: every caller gets its own slot (reservations serialised on the bucket row).
-- True cross-session concurrency is exercised in tests/integration/api_rate_bucket.test.ts.
begin;
set local search_path = extensions, public;
select plan(3);

-- 10 callers at the same instant: waits 0, 0.5, ..., 4.5, all distinct
select is(
  (select array_agg(w order by i) from (
     select i, ra_internal.take_api_token('s_a', 2, 1, 1, '2025-01-01 12:00:00+00') as w
       from generate_series(1, 10) i) s),
  (select array_agg((i - 1) * 0.5::float8 order by i) from generate_series(1, 10) i),
  '10 simultaneous callers get 10 distinct slots 1/rate apart');

-- the bucket row is locked while a caller computes its slot
select ok(
  (select prosrc ~* 'for\s+update' from pg_proc where oid =
     'ra_internal.take_api_token(text,numeric,numeric,numeric,timestamptz)'::regprocedure),
  'take_api_token locks the bucket row (select ... for update)');

-- with the real clock, successive callers still queue behind each other
select ok(
  (select bool_and(w2 > w1) from (
     select ra_internal.take_api_token('s_b', 2, 1) as w1, ra_internal.take_api_token('s_b', 2, 1) as w2) x),
  'real clock: a later caller waits longer');

select * from finish();
rollback;
