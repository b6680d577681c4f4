-- The horse enrichment lane's ledger: horses seen only in results (no dob / colour / breeder) get
-- /v1/horses/{id}/pro (the client falls back to /standard on 404), newest first, a budgeted number per run.
-- The ledger records every attempt so a horse without a profile is not asked for again every run, and a short
-- claim keeps two concurrent runs from fetching the same horse.

create table ra_internal.horse_enrichment (
  horse_id         text primary key,
  outcome          text check (outcome in ('pro', 'standard', 'not_found', 'error')),
  attempts         integer not null default 0,
  last_attempt_at  timestamptz,
  last_error       text,
  claimed_by       text,
  claimed_until    timestamptz,
  created_at       timestamptz not null default now()
);
comment on table ra_internal.horse_enrichment is
  'Enrichment ledger: one row per horse the masters function has claimed or asked /v1/horses/{id}/pro for, '
  'with the outcome of the last attempt. Decides who is eligible next (see enrichment_candidates).';
comment on column ra_internal.horse_enrichment.outcome is
  'pro = profile fetched (never asked again); standard = only the basic profile exists; not_found = 404 on '
  'pro and standard; error = another failure (retried next day); null = claimed, not yet attempted.';
comment on column ra_internal.horse_enrichment.attempts is 'Attempts so far (one per horse per run, whatever the calls).';
comment on column ra_internal.horse_enrichment.claimed_until is 'A run holds the horse until then; expired claims are free.';

-- Horses lacking a profile, newest (latest race date) first, that the retry policy allows now:
-- never tried; error → after p_retry_error; standard/not_found → after p_retry_missing; pro → never.
create function ra_internal.enrichment_candidates(
  p_limit integer,
  p_retry_error interval default interval '1 day',
  p_retry_missing interval default interval '180 days'
) returns table (horse_id text, last_race_date date)
language sql
stable
security definer
set search_path = ''
as $$
  select h.horse_id, max(r.race_date) as last_race_date
  from public.ra_mst_horses h
  join public.ra_runners ru on ru.horse_id = h.horse_id
  join public.ra_races r on r.race_id = ru.race_id
  left join ra_internal.horse_enrichment e on e.horse_id = h.horse_id
  where (h.dob is null or h.colour is null or h.breeder is null)
    and (e.horse_id is null
      or ((e.claimed_until is null or e.claimed_until < now())
        and (e.outcome is null
          or (e.outcome = 'error' and e.last_attempt_at < now() - p_retry_error)
          or (e.outcome in ('standard', 'not_found') and e.last_attempt_at < now() - p_retry_missing))))
  group by h.horse_id
  order by max(r.race_date) desc, h.horse_id
  limit p_limit
$$;
comment on function ra_internal.enrichment_candidates(integer, interval, interval) is
  'Horses lacking dob, colour or breeder (results-only horses), newest race first, eligible under the retry '
  'policy (never tried; error after 1 day; standard/not_found after 180 days; pro never).';

-- Claim up to p_limit candidates for p_worker for p_claim_seconds. Returns them newest first.
create function ra_internal.claim_enrichment(p_worker text, p_limit integer, p_claim_seconds integer default 300)
returns table (horse_id text, last_race_date date)
language plpgsql
volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
begin
  return query
  with c as (
    select * from ra_internal.enrichment_candidates(p_limit)
  ), claimed as (
    insert into ra_internal.horse_enrichment as e (horse_id, claimed_by, claimed_until)
    select c.horse_id, p_worker, now() + make_interval(secs => p_claim_seconds) from c
    on conflict on constraint horse_enrichment_pkey do update
      set claimed_by = excluded.claimed_by, claimed_until = excluded.claimed_until
      where e.claimed_until is null or e.claimed_until < now()
    returning e.horse_id
  )
  select c.horse_id, c.last_race_date from c join claimed using (horse_id)
  order by c.last_race_date desc, c.horse_id;
end
$$;
comment on function ra_internal.claim_enrichment(text, integer, integer) is
  'Claims up to p_limit enrichment candidates for p_worker (claims expire after p_claim_seconds) and returns '
  'them newest race first.';

-- Record attempts: p_rows = [{"horse_id":"hrs_1","outcome":"pro","error":null}, …]. In the caller's
-- transaction (the one that ingested the profiles). Outcome null = released unattempted (budget ran out).
create function ra_internal.record_enrichment(p_worker text, p_rows jsonb)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_n integer;
begin
  update ra_internal.horse_enrichment e set
    outcome = coalesce(x.outcome, e.outcome),
    attempts = e.attempts + case when x.outcome is null then 0 else 1 end,
    last_attempt_at = case when x.outcome is null then e.last_attempt_at else now() end,
    last_error = case when x.outcome is null then e.last_error else left(x.error, 1000) end,
    claimed_by = null, claimed_until = null
  from jsonb_to_recordset(p_rows) as x(horse_id text, outcome text, error text)
  where e.horse_id = x.horse_id and (e.claimed_by = p_worker or e.claimed_by is null);
  get diagnostics v_n = row_count;
  return v_n;
end
$$;
comment on function ra_internal.record_enrichment(text, jsonb) is
  'Records enrichment attempts [{horse_id, outcome (pro|standard|not_found|error|null = release), error}] and '
  'releases the claims of p_worker. Returns the rows updated.';

revoke all on table ra_internal.horse_enrichment from public, anon, authenticated;
grant select, insert, update, delete on table ra_internal.horse_enrichment to service_role;
revoke execute on function ra_internal.enrichment_candidates(integer, interval, interval),
  ra_internal.claim_enrichment(text, integer, integer), ra_internal.record_enrichment(text, jsonb)
  from public, anon, authenticated;
grant execute on function ra_internal.enrichment_candidates(integer, interval, interval),
  ra_internal.claim_enrichment(text, integer, integer), ra_internal.record_enrichment(text, jsonb)
  to service_role;
