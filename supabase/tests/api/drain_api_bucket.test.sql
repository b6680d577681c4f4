-- ra_internal.drain_api_bucket: after a 429 everyone pauses; a pause never shrinks an existing one.
begin;
set local search_path = extensions, public;
select plan(8);

select is(ra_internal.take_api_token('d_a', 2, 1, 1, '2025-01-01 12:00:00+00'), 0::float8, 'free before the drain');
select is(ra_internal.drain_api_bucket('d_a', 3, 2, '2025-01-01 12:00:00+00'), '2025-01-01 12:00:03+00'::timestamptz,
  'drain returns the end of the pause');
select is(ra_internal.take_api_token('d_a', 2, 1, 1, '2025-01-01 12:00:00+00'), 3::float8,
  'next caller waits the drained seconds');
select is(ra_internal.take_api_token('d_a', 2, 1, 1, '2025-01-01 12:00:00+00'), 3.5::float8,
  'and the one after is spaced at the rate');

-- a shorter drain keeps the reservations already handed out
select lives_ok($$ select ra_internal.drain_api_bucket('d_a', 1, 2, '2025-01-01 12:00:00+00') $$, 'short drain');
select is(ra_internal.take_api_token('d_a', 2, 1, 1, '2025-01-01 12:00:00+00'), 4::float8,
  'a shorter drain does not shorten the queue');

select is((select array[drains::int, tokens_taken::int] from ra_internal.api_rate_buckets where account = 'd_a'),
  array[2, 4], 'drains and tokens are counted');

-- draining a bucket nobody used yet still pauses the first caller
select ra_internal.drain_api_bucket('d_new', 2, 2, '2025-01-01 12:00:00+00');
select is(ra_internal.take_api_token('d_new', 2, 1, 1, '2025-01-01 12:00:00+00'), 2::float8,
  'drain creates the bucket paused');

select * from finish();
rollback;
