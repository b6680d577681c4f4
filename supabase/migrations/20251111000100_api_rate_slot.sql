-- Absolute slots from the shared Racing API bucket, and a cheap re-take for a caller woken late.
-- Why: take_api_token returns a wait that the caller counts from the moment it *receives* the answer, so a
-- slow round trip (100-250 ms seen under ingest load) made the request that much late without the caller
-- knowing; a late request crowds the API's one-second window, and the limiter's safety margin had to cover
-- it. take_api_slot also returns when the wait was computed, so the caller sleeps until the absolute slot
-- (its clock offset to the database estimated from its round trips) and can tell when it really is late.
-- A caller woken late (a long synchronous section in its process) used to queue again behind everyone,
-- losing a whole interval; when nobody is queued behind its missed slot it now sends at once instead, the
-- bucket restarting its spacing from that moment (p_late).

create function ra_internal.take_api_slot(
  p_account text,
  p_rate    numeric,
  p_burst   numeric,
  p_late    boolean default false
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
begin
  if p_late then
    -- Don't wait for the WAL flush at commit (as take_api_token); lasts until this transaction ends.
    perform pg_catalog.set_config('synchronous_commit', 'off', true);
    select b.tokens, b.updated_at
      into v_tokens, v_updated
      from ra_internal.api_rate_buckets b
     where b.account = p_account
       for update;
    if found and p_rate > 0 and p_burst >= 1 then
      v_now := clock_timestamp();
      v_tokens := least(p_burst::double precision,
        v_tokens + greatest(0, extract(epoch from (v_now - v_updated)))::double precision * p_rate::double precision);
      -- No reservation is pending behind the caller's missed slot: it sends now, and the next slot is a full
      -- interval from now (the refill since the missed slot is dropped).
      if v_tokens >= 0 then
        update ra_internal.api_rate_buckets b
           set tokens = least(v_tokens, 0), updated_at = greatest(v_updated, v_now)
         where b.account = p_account;
        return query select 0::double precision, v_now;
        return;
      end if;
    end if;
    -- Someone is queued behind it (or there is no bucket yet): queue again like any caller.
  end if;
  wait := ra_internal.take_api_token(p_account, p_rate, p_burst, 1);
  -- Read right after the take: the slot on the database clock is computed_at + wait (never earlier).
  computed_at := clock_timestamp();
  return next;
end
$$;

comment on function ra_internal.take_api_slot(text, numeric, numeric, boolean) is
  'Takes a token from the shared Racing API bucket like take_api_token and also returns when (database '
  'clock): the caller may send at computed_at + wait. With p_late (a caller that woke after its slot): sends '
  'at once when nobody is queued behind the missed slot, the next slot a full interval later; otherwise '
  'queues again.';

revoke execute on function ra_internal.take_api_slot(text, numeric, numeric, boolean) from public, anon, authenticated;
grant execute on function ra_internal.take_api_slot(text, numeric, numeric, boolean) to service_role;
