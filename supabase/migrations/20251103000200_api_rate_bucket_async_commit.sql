-- The bucket functions return a wait that the caller sleeps from the moment it receives the answer, so any
-- delay between computing the slot and the caller seeing it makes the request late, and a late request
-- followed by an on-time one crowds the API's one-second window. Under write load the commit's WAL flush
-- was that delay (~200 ms observed). Losing the last bucket update in a crash is harmless, so these calls
-- switch synchronous_commit off for their (single-statement) transaction. Call them outside long
-- transactions: the setting would apply to the caller's whole transaction.

create or replace function ra_internal.take_api_token(
  p_account text,
  p_rate    numeric,
  p_burst   numeric,
  p_cost    numeric default 1,
  p_now     timestamptz default null
) returns double precision
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_now     timestamptz;
  v_tokens  double precision;
  v_updated timestamptz;
  v_rate    double precision := p_rate;
  v_burst   double precision := p_burst;
begin
  -- Don't wait for the WAL flush at commit (see the header); lasts until this transaction ends.
  perform pg_catalog.set_config('synchronous_commit', 'off', true);
  if p_account is null or p_account = '' then
    raise exception 'take_api_token: p_account is required' using errcode = '22023';
  end if;
  if p_rate is null or p_rate <= 0 then
    raise exception 'take_api_token: p_rate must be > 0 (got %)', p_rate using errcode = '22023';
  end if;
  if p_burst is null or p_burst < 1 then
    raise exception 'take_api_token: p_burst must be >= 1 (got %)', p_burst using errcode = '22023';
  end if;

  -- A first caller creates the row full; concurrent first callers wait on the unique index, then lock.
  insert into ra_internal.api_rate_buckets (account, tokens, rate, burst, updated_at)
  values (p_account, v_burst, v_rate, v_burst, coalesce(p_now, clock_timestamp()))
  on conflict (account) do nothing;

  select b.tokens, b.updated_at
    into v_tokens, v_updated
    from ra_internal.api_rate_buckets b
   where b.account = p_account
     for update;

  -- Read the clock only once we hold the row, so time spent waiting for the lock counts as refill.
  v_now := coalesce(p_now, clock_timestamp());
  v_tokens := least(v_burst, v_tokens + greatest(0, extract(epoch from (v_now - v_updated)))::double precision * v_rate)
              - p_cost::double precision;

  update ra_internal.api_rate_buckets b
     set tokens       = v_tokens,
         rate         = v_rate,
         burst        = v_burst,
         updated_at   = greatest(v_updated, v_now),
         tokens_taken = b.tokens_taken + greatest(p_cost, 0)::bigint
   where b.account = p_account;

  if v_tokens >= 0 then
    return 0;
  end if;
  return -v_tokens / v_rate;
end
$$;

create or replace function ra_internal.drain_api_bucket(
  p_account text,
  p_seconds numeric,
  p_rate    numeric default 2,
  p_now     timestamptz default null
) returns timestamptz
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_now     timestamptz;
  v_tokens  double precision;
  v_updated timestamptz;
  v_rate    double precision;
  v_burst   double precision;
  v_pause   timestamptz;
begin
  -- Don't wait for the WAL flush at commit (see the header); lasts until this transaction ends.
  perform pg_catalog.set_config('synchronous_commit', 'off', true);
  if p_account is null or p_account = '' then
    raise exception 'drain_api_bucket: p_account is required' using errcode = '22023';
  end if;
  if p_seconds is null or p_seconds < 0 then
    raise exception 'drain_api_bucket: p_seconds must be >= 0 (got %)', p_seconds using errcode = '22023';
  end if;

  insert into ra_internal.api_rate_buckets (account, tokens, rate, burst, updated_at)
  values (p_account, 1, coalesce(p_rate, 2), 1, coalesce(p_now, clock_timestamp()))
  on conflict (account) do nothing;

  select b.tokens, b.updated_at, b.rate, b.burst
    into v_tokens, v_updated, v_rate, v_burst
    from ra_internal.api_rate_buckets b
   where b.account = p_account
     for update;

  v_now := coalesce(p_now, clock_timestamp());
  v_tokens := least(v_burst, v_tokens + greatest(0, extract(epoch from (v_now - v_updated)))::double precision * v_rate);
  -- The next taker (cost 1) ends at 1 - p_seconds*rate - 1 = -p_seconds*rate, i.e. waits p_seconds.
  v_tokens := least(v_tokens, 1 - p_seconds::double precision * v_rate);
  v_pause := v_now + make_interval(secs => p_seconds::double precision);

  update ra_internal.api_rate_buckets b
     set tokens       = v_tokens,
         updated_at   = greatest(v_updated, v_now),
         paused_until = greatest(b.paused_until, v_pause),
         drains       = b.drains + 1
   where b.account = p_account;

  return v_pause;
end
$$;
