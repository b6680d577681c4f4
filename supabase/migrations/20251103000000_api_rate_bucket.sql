-- The shared Racing API rate limiter: one token bucket per API account, used by every worker and function.
-- Callers take a token before EVERY attempt (retries included) and sleep for the seconds returned.
-- Tokens may go negative: that is a reservation, so a burst of callers is spread out at 1/rate intervals
-- without polling. Concurrent callers are serialised by the bucket row's lock, so any number of processes
-- together stay under the rate. A 429 drains the bucket (drain_api_bucket) so everyone pauses.

create table ra_internal.api_rate_buckets (
  account      text primary key check (length(account) between 1 and 300),
  tokens       double precision not null,
  rate         double precision not null check (rate > 0),
  burst        double precision not null check (burst >= 1),
  updated_at   timestamptz not null,
  paused_until timestamptz,
  tokens_taken bigint not null default 0,
  drains       bigint not null default 0
);

comment on table ra_internal.api_rate_buckets is
  'Token buckets shared by every Racing API caller. account is a hash of the API username (never the username); '
  'per-endpoint buckets are "<account>|<endpoint>". Read and written only through take_api_token / drain_api_bucket.';
comment on column ra_internal.api_rate_buckets.tokens is
  'Tokens at updated_at; negative = reservations already handed out (callers told to wait).';
comment on column ra_internal.api_rate_buckets.paused_until is
  'Set by drain_api_bucket after a 429: nobody is given a slot before this moment.';
comment on column ra_internal.api_rate_buckets.tokens_taken is 'Tokens handed out since the row was created.';
comment on column ra_internal.api_rate_buckets.drains is 'Times the bucket was drained after a 429.';

-- Take p_cost tokens (default 1; a negative cost gives an unused reservation back) and return the seconds
-- the caller must wait before sending. p_now is for tests; normally the clock is read after the row lock.
create function ra_internal.take_api_token(
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

comment on function ra_internal.take_api_token(text, numeric, numeric, numeric, timestamptz) is
  'Shared Racing API token bucket: takes p_cost tokens from p_account (refilled at p_rate/s up to p_burst) '
  'and returns the seconds to wait before sending (0 = send now). Tokens may go negative (reservations). '
  'Serialised by the bucket row lock, so all processes together stay under p_rate.';

-- Drain the bucket so that the next caller waits p_seconds from now (after a 429 / Retry-After).
-- Reservations already handed out are kept (least()), so the pause only ever grows.
create function ra_internal.drain_api_bucket(
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

comment on function ra_internal.drain_api_bucket(text, numeric, numeric, timestamptz) is
  'Drains the shared Racing API bucket after a 429 so every caller pauses p_seconds (Retry-After or backoff). '
  'p_rate is used only when the bucket does not exist yet. Returns the moment the pause ends.';

revoke all on table ra_internal.api_rate_buckets from public, anon, authenticated;
grant select on table ra_internal.api_rate_buckets to service_role;
revoke execute on function ra_internal.take_api_token(text, numeric, numeric, numeric, timestamptz)
  from public, anon, authenticated;
revoke execute on function ra_internal.drain_api_bucket(text, numeric, numeric, timestamptz)
  from public, anon, authenticated;
grant execute on function ra_internal.take_api_token(text, numeric, numeric, numeric, timestamptz) to service_role;
grant execute on function ra_internal.drain_api_bucket(text, numeric, numeric, timestamptz) to service_role;
