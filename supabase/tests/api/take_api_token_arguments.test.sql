-- ra_internal.take_api_token / drain_api_bucket reject bad arguments and are locked down.
begin;
set local search_path = extensions, public;
select plan(9);

select throws_ok($$ select ra_internal.take_api_token('x', 0, 1) $$, '22023', null, 'rate must be > 0');
select throws_ok($$ select ra_internal.take_api_token('x', 2, 0.5) $$, '22023', null, 'burst must be >= 1');
select throws_ok($$ select ra_internal.take_api_token('', 2, 1) $$, '22023', null, 'account is required');
select throws_ok($$ select ra_internal.drain_api_bucket('x', -1) $$, '22023', null, 'drain seconds must be >= 0');

select lives_ok($$ select ra_internal.take_api_token('x', 2, 1) $$, 'the brief''s 3-argument form works');

select ok(not has_function_privilege('anon', 'ra_internal.take_api_token(text,numeric,numeric,numeric,timestamptz)',
  'execute'), 'anon cannot take tokens');
select ok(has_function_privilege('service_role',
  'ra_internal.take_api_token(text,numeric,numeric,numeric,timestamptz)', 'execute'), 'service_role can take tokens');
select ok(has_function_privilege('service_role', 'ra_internal.drain_api_bucket(text,numeric,numeric,timestamptz)',
  'execute'), 'service_role can drain');
select ok(not has_table_privilege('authenticated', 'ra_internal.api_rate_buckets', 'select'),
  'authenticated cannot read buckets');

select * from finish();
rollback;
