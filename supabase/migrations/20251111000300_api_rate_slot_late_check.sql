-- take_api_slot (20251111000100): a late re-take sends at once only if nobody took a slot after the missed one.
-- Why: "nobody queued" was read as tokens >= 0 after refill, which is also true when others hold slots that
-- have passed but have not sent yet (several callers woken late together after a stalled event loop):
-- they all sent at once and crowded the API's one-second window. The caller now names the slot it
-- missed (database clock), and it may send at once only if that was the last slot handed out.
-- The boolean form stays for code deployed before this migration; its late re-take now simply queues.

create or replace function ra_internal.take_api_slot(
  p_account text,
  p_rate    numeric,
  p_burst   numeric,
  p_late    boolean default false
) returns table (wait double precision, computed_at timestamptz)
language sql
volatile
security definer
set search_path = ''
as $$
  -- p_late is ignored: without the missed slot it cannot be told whether anyone took a slot after it.
  -- The clock is read after the take (the subquery with a volatile call is evaluated first).
  select t.wait, clock_timestamp()
  from (select ra_internal.take_api_token(p_account, p_rate, p_burst, 1) as wait) t
$$;

comment on function ra_internal.take_api_slot(text, numeric, numeric, boolean) is
  'Superseded by take_api_slot(text, numeric, numeric, timestamptz): takes a token like take_api_token and '
  'returns when (database clock); p_late is ignored (a late caller queues again).';

-- No default for p_missed_slot: a call with three arguments keeps resolving to the boolean form.
create function ra_internal.take_api_slot(
  p_account     text,
  p_rate        numeric,
  p_burst       numeric,
  p_missed_slot timestamptz
) returns table (wait double precision, computed_at timestamptz)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_now     timestamptz;
  v_tokens  double precision;
  v_updated timestamptz;
  v_last    timestamptz;
begin
  if p_missed_slot is not null then
    -- Don't wait for the WAL flush at commit (as take_api_token); lasts until this transaction ends.
    perform pg_catalog.set_config('synchronous_commit', 'off', true);
    select b.tokens, b.updated_at
      into v_tokens, v_updated
      from ra_internal.api_rate_buckets b
     where b.account = p_account
       for update;
    if found and p_rate > 0 and p_burst >= 1 then
      -- The last slot handed out: negative tokens at updated_at are reservations up to then + -tokens/rate.
      v_last := v_updated + make_interval(secs => greatest(0, -v_tokens) / p_rate::double precision);
      if v_last <= p_missed_slot + interval '1 millisecond' then
        -- Nobody took a slot after the missed one: send now; the next slot is a full interval from now.
        v_now := clock_timestamp();
        v_tokens := least(p_burst::double precision,
          v_tokens + greatest(0, extract(epoch from (v_now - v_updated)))::double precision * p_rate::double precision);
        update ra_internal.api_rate_buckets b
           set tokens = least(v_tokens, 0), updated_at = greatest(v_updated, v_now)
         where b.account = p_account;
        return query select 0::double precision, v_now;
        return;
      end if;
    end if;
    -- Someone took a slot after it (or there is no bucket yet): queue again like any caller.
  end if;
  wait := ra_internal.take_api_token(p_account, p_rate, p_burst, 1);
  -- Read right after the take: the slot on the database clock is computed_at + wait (never earlier).
  computed_at := clock_timestamp();
  return next;
end
$$;

comment on function ra_internal.take_api_slot(text, numeric, numeric, timestamptz) is
  'Takes a token from the shared Racing API bucket like take_api_token and also returns when (database '
  'clock): the caller may send at computed_at + wait. p_missed_slot null: an ordinary take; else (a caller '
  'that woke after the slot it was given) it sends at once if that was the last slot handed out, the next '
  'one a full interval later, and otherwise queues again.';

revoke execute on function ra_internal.take_api_slot(text, numeric, numeric, timestamptz)
  from public, anon, authenticated;
grant execute on function ra_internal.take_api_slot(text, numeric, numeric, timestamptz) to service_role;
