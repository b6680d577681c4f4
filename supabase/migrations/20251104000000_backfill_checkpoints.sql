-- Checkpoint-driven historical backfill: monthly chunks claimed under a lease, a day cursor per chunk that
-- moves in the same transaction as the day's data, and a day ledger that makes planning idempotent
-- (finished days are never redone, failed days are listed and retried on request).

create table ra_internal.backfill_chunks (
  chunk_id          bigint generated always as identity primary key,
  regions           text not null,
  range_start       date not null,
  range_end         date not null,
  cursor_date       date not null,
  status            text not null default 'pending' check (status in ('pending', 'running', 'done')),
  lease_owner       text,
  lease_expires_at  timestamptz,
  invocations       integer not null default 0,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now(),
  started_at        timestamptz,
  finished_at       timestamptz,
  check (range_start <= range_end),
  check (cursor_date >= range_start and cursor_date <= range_end + 1),
  month             date not null generated always as (date_trunc('month', range_start::timestamp)::date) stored,
  check (date_trunc('month', range_start::timestamp) = date_trunc('month', range_end::timestamp))
);
-- One chunk per calendar month and region set: re-planning an overlapping range widens it, never duplicates.
create unique index backfill_chunks_month_uidx on ra_internal.backfill_chunks (regions, month);
create index backfill_chunks_claimable_idx on ra_internal.backfill_chunks (range_start) where status <> 'done';

comment on table ra_internal.backfill_chunks is
  'Backfill plan: one row per calendar month (and region set). A worker claims a chunk under a lease '
  '(FOR UPDATE SKIP LOCKED) and processes days from cursor_date to range_end.';
comment on column ra_internal.backfill_chunks.regions is 'Comma-separated lower-case API region codes, sorted (e.g. gb,ire).';
comment on column ra_internal.backfill_chunks.cursor_date is
  'Next day to process. Advanced in the same transaction as that day''s data; range_end + 1 when the chunk is done.';
comment on column ra_internal.backfill_chunks.month is 'The calendar month the chunk covers (first day).';
comment on column ra_internal.backfill_chunks.lease_owner is 'Worker id holding the chunk; null when free.';
comment on column ra_internal.backfill_chunks.lease_expires_at is
  'Lease expiry; renewed after every day. A crashed worker''s chunk is claimable again once this has passed.';
comment on column ra_internal.backfill_chunks.invocations is 'How many times the chunk has been claimed.';

create table ra_internal.backfill_days (
  regions       text not null,
  day           date not null,
  status        text not null check (status in ('done', 'failed')),
  chunk_id      bigint references ra_internal.backfill_chunks (chunk_id) on delete set null,
  worker_id     text,
  api_calls     integer not null default 0,
  races         integer not null default 0,
  runners       integer not null default 0,
  results       integer not null default 0,
  rejects       integer not null default 0,
  cpu_ms        integer,
  wall_ms       integer,
  attempts      integer not null default 1,
  error         text,
  finished_at   timestamptz not null default now(),
  primary key (regions, day)
);
create index backfill_days_failed_idx on ra_internal.backfill_days (day) where status = 'failed';

comment on table ra_internal.backfill_days is
  'Day ledger of the backfill: one row per processed day (done or failed), written in the same transaction '
  'as the day''s data. Planning consults it so finished days are never fetched again.';
comment on column ra_internal.backfill_days.api_calls is 'Racing API pages fetched for the day (first attempts; retries are in ra_internal.api_calls).';
comment on column ra_internal.backfill_days.cpu_ms is 'Worker CPU spent on the day (parse, validate, map, serialise).';
comment on column ra_internal.backfill_days.error is 'Why the day failed (after the client''s retries).';

-- Singleton state: a terminal problem (bad credentials, plan lacks an endpoint) halts every worker until
-- the user fixes it and posts again, instead of hammering the API with doomed calls.
create table ra_internal.backfill_state (
  id             boolean primary key default true check (id),
  halted_reason  text,
  halted_at      timestamptz,
  planned_from   date,
  planned_to     date,
  started_at     timestamptz,
  updated_at     timestamptz not null default now()
);
insert into ra_internal.backfill_state (id) values (true) on conflict do nothing;
comment on table ra_internal.backfill_state is
  'Backfill-wide state: the planned range and, when set, the terminal error that halted all workers.';

create function ra_internal.normalise_regions(p_regions text[])
returns text language sql immutable set search_path = '' as $$
  select string_agg(r, ',' order by r)
  from (select distinct lower(trim(x)) as r from unnest(p_regions) as x where trim(x) <> '') s
$$;

-- Plan [p_from, p_to] as monthly chunks. Idempotent: existing chunks are widened, not duplicated; a chunk
-- that must cover new days is reopened with its cursor at the first of them (done days are skipped by the
-- ledger). Clears a halt: posting again is how a user says "fixed, carry on".
create function ra_internal.plan_backfill(p_from date, p_to date, p_regions text[] default array['gb', 'ire'])
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_regions text := ra_internal.normalise_regions(p_regions);
  v_created int;
  v_widened int;
begin
  if p_from is null or p_to is null or p_from > p_to then
    raise exception 'plan_backfill: need from <= to, got % .. %', p_from, p_to using errcode = '22023';
  end if;
  with months as (
    select greatest(m::date, p_from) as s, least((m + interval '1 month - 1 day')::date, p_to) as e
    from generate_series(date_trunc('month', p_from::timestamp), date_trunc('month', p_to::timestamp), interval '1 month') as m
  ), ins as (
    insert into ra_internal.backfill_chunks (regions, range_start, range_end, cursor_date)
    select v_regions, s, e, s from months
    on conflict (regions, month) do nothing
    returning 1
  )
  select count(*) into v_created from ins;

  with months as (
    select greatest(m::date, p_from) as s, least((m + interval '1 month - 1 day')::date, p_to) as e
    from generate_series(date_trunc('month', p_from::timestamp), date_trunc('month', p_to::timestamp), interval '1 month') as m
  ), upd as (
    update ra_internal.backfill_chunks c set
      range_start = least(c.range_start, m.s),
      range_end = greatest(c.range_end, m.e),
      cursor_date = least(c.cursor_date, m.s),
      status = case when c.status = 'running' then 'running' else 'pending' end,
      finished_at = null,
      updated_at = now()
    from months m
    where c.regions = v_regions and c.month = date_trunc('month', m.s::timestamp)::date
      and (m.s < c.range_start or m.e > c.range_end
           -- a chunk marked done that still has undone days in range (e.g. after a retry) reopens too
           or (c.status = 'done' and exists (
             select 1 from generate_series(m.s, m.e, interval '1 day') d
             where not exists (select 1 from ra_internal.backfill_days b
                               where b.regions = v_regions and b.day = d::date and b.status = 'done'))))
    returning 1
  )
  select count(*) into v_widened from upd;

  update ra_internal.backfill_state set
    halted_reason = null, halted_at = null,
    planned_from = least(coalesce(planned_from, p_from), p_from),
    planned_to = greatest(coalesce(planned_to, p_to), p_to),
    started_at = coalesce(started_at, now()),
    updated_at = now();

  return jsonb_build_object(
    'from', p_from, 'to', p_to, 'regions', v_regions,
    'chunks_created', v_created, 'chunks_reopened', v_widened,
    'days_in_range', p_to - p_from + 1,
    'days_already_done', (select count(*) from ra_internal.backfill_days b
                          where b.regions = v_regions and b.status = 'done' and b.day between p_from and p_to));
end
$$;
comment on function ra_internal.plan_backfill(date, date, text[]) is
  'Plans a backfill of [from, to] as monthly chunks (idempotent; overlapping plans widen chunks, done days '
  'are never redone) and clears any halt. Returns what it created.';

-- First day at or after p_day that the ledger does not list as done for the chunk's regions.
create function ra_internal.next_undone_day(p_regions text, p_day date, p_end date)
returns date language sql stable set search_path = '' as $$
  select coalesce(
    (select d::date from generate_series(p_day, p_end, interval '1 day') d
     where not exists (select 1 from ra_internal.backfill_days b
                       where b.regions = p_regions and b.day = d::date and b.status = 'done')
     order by d limit 1),
    p_end + 1)
$$;

-- Claim the oldest chunk with work left whose lease is free or expired. Skips days already done.
create function ra_internal.claim_backfill_chunk(p_worker text, p_lease_seconds integer default 60)
returns table (chunk_id bigint, regions text, range_start date, range_end date, cursor_date date)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_chunk ra_internal.backfill_chunks;
begin
  if (select halted_reason from ra_internal.backfill_state) is not null then
    return;
  end if;
  loop
    select * into v_chunk from ra_internal.backfill_chunks c
    where c.status <> 'done' and (c.lease_expires_at is null or c.lease_expires_at < now())
    order by c.range_start
    limit 1
    for update skip locked;
    if not found then
      return;
    end if;
    v_chunk.cursor_date := ra_internal.next_undone_day(v_chunk.regions, v_chunk.cursor_date, v_chunk.range_end);
    if v_chunk.cursor_date > v_chunk.range_end then
      update ra_internal.backfill_chunks c set status = 'done', cursor_date = v_chunk.cursor_date,
        lease_owner = null, lease_expires_at = null, finished_at = now(), updated_at = now()
      where c.chunk_id = v_chunk.chunk_id;
      continue;
    end if;
    update ra_internal.backfill_chunks c set status = 'running', cursor_date = v_chunk.cursor_date,
      lease_owner = p_worker, lease_expires_at = now() + make_interval(secs => p_lease_seconds),
      invocations = c.invocations + 1, started_at = coalesce(c.started_at, now()), updated_at = now()
    where c.chunk_id = v_chunk.chunk_id;
    return query select v_chunk.chunk_id, v_chunk.regions, v_chunk.range_start, v_chunk.range_end,
      v_chunk.cursor_date;
    return;
  end loop;
end
$$;
comment on function ra_internal.claim_backfill_chunk(text, integer) is
  'Claims the oldest unfinished chunk whose lease is free or expired (FOR UPDATE SKIP LOCKED), sets a lease '
  'for p_worker and returns it with its cursor at the first undone day. Returns nothing when halted or idle.';

-- Record a finished or failed day and move the cursor, in the caller's transaction (the one that also
-- ingested the day). Raises if the caller no longer holds the lease, so a worker whose lease was taken over
-- rolls its day back instead of writing it twice.
create function ra_internal.record_backfill_day(
  p_chunk_id bigint, p_worker text, p_day date, p_status text, p_stats jsonb default '{}'::jsonb,
  p_error text default null, p_lease_seconds integer default 60
) returns date
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_chunk ra_internal.backfill_chunks;
  v_next date;
begin
  select * into v_chunk from ra_internal.backfill_chunks where chunk_id = p_chunk_id for update;
  if not found or v_chunk.lease_owner is distinct from p_worker then
    raise exception 'backfill lease lost: chunk % is no longer held by worker %', p_chunk_id, p_worker
      using errcode = '40001';
  end if;
  insert into ra_internal.backfill_days as b (regions, day, status, chunk_id, worker_id, api_calls, races,
    runners, results, rejects, cpu_ms, wall_ms, error)
  values (v_chunk.regions, p_day, p_status, p_chunk_id, p_worker,
    coalesce((p_stats ->> 'api_calls')::int, 0), coalesce((p_stats ->> 'races')::int, 0),
    coalesce((p_stats ->> 'runners')::int, 0), coalesce((p_stats ->> 'results')::int, 0),
    coalesce((p_stats ->> 'rejects')::int, 0), (p_stats ->> 'cpu_ms')::int, (p_stats ->> 'wall_ms')::int, p_error)
  on conflict (regions, day) do update set
    status = excluded.status, chunk_id = excluded.chunk_id, worker_id = excluded.worker_id,
    api_calls = b.api_calls + excluded.api_calls, races = excluded.races, runners = excluded.runners,
    results = excluded.results, rejects = excluded.rejects, cpu_ms = excluded.cpu_ms, wall_ms = excluded.wall_ms,
    attempts = b.attempts + 1, error = excluded.error, finished_at = now();
  v_next := ra_internal.next_undone_day(v_chunk.regions, greatest(v_chunk.cursor_date, p_day + 1), v_chunk.range_end);
  -- Failed days stay behind the cursor: the chunk moves on, the ledger lists them for a later retry.
  if p_status = 'failed' then
    v_next := greatest(v_next, p_day + 1);
  end if;
  update ra_internal.backfill_chunks c set
    cursor_date = v_next,
    status = case when v_next > c.range_end then 'done' else 'running' end,
    lease_owner = case when v_next > c.range_end then null else c.lease_owner end,
    lease_expires_at = case when v_next > c.range_end then null else now() + make_interval(secs => p_lease_seconds) end,
    finished_at = case when v_next > c.range_end then now() else null end,
    updated_at = now()
  where c.chunk_id = p_chunk_id;
  return v_next;
end
$$;
comment on function ra_internal.record_backfill_day(bigint, text, date, text, jsonb, text, integer) is
  'Records a day as done or failed in the ledger and advances the chunk cursor (renewing the lease), in the '
  'caller''s transaction. Raises SQLSTATE 40001 if the worker no longer holds the chunk''s lease.';

create function ra_internal.release_backfill_chunk(p_chunk_id bigint, p_worker text)
returns void language sql security definer set search_path = '' as $$
  update ra_internal.backfill_chunks set
    status = case when status = 'done' then 'done' else 'pending' end,
    lease_owner = null, lease_expires_at = null, updated_at = now()
  where chunk_id = p_chunk_id and lease_owner = p_worker
$$;
comment on function ra_internal.release_backfill_chunk(bigint, text) is
  'Gives a chunk back (end of an invocation''s budget) so any worker can continue it at its cursor.';

create function ra_internal.halt_backfill(p_reason text)
returns void language sql security definer set search_path = '' as $$
  update ra_internal.backfill_state set halted_reason = p_reason, halted_at = now(), updated_at = now();
  update ra_internal.backfill_chunks set status = 'pending', lease_owner = null, lease_expires_at = null,
    updated_at = now() where status = 'running';
$$;
comment on function ra_internal.halt_backfill(text) is
  'Stops every backfill worker after a terminal error (bad credentials, plan lacks an endpoint). Cleared by '
  'the next plan_backfill or retry_failed_backfill_days.';

-- Re-queue failed days: their ledger rows go, their chunks reopen with the cursor at the earliest of them.
create function ra_internal.retry_failed_backfill_days()
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_days int;
begin
  with failed as (
    delete from ra_internal.backfill_days where status = 'failed' returning regions, day
  ), firsts as (
    select regions, date_trunc('month', day::timestamp)::date as m, min(day) as first_day, count(*) as n from failed group by 1, 2
  ), upd as (
    update ra_internal.backfill_chunks c set cursor_date = least(c.cursor_date, f.first_day),
      status = case when c.status = 'running' then 'running' else 'pending' end, finished_at = null,
      updated_at = now()
    from firsts f where c.regions = f.regions and c.month = f.m
    returning f.n
  )
  select coalesce(sum(n), 0) into v_days from upd;
  update ra_internal.backfill_state set halted_reason = null, halted_at = null, updated_at = now();
  return jsonb_build_object('days_requeued', v_days);
end
$$;
comment on function ra_internal.retry_failed_backfill_days() is
  'Re-queues every failed backfill day (and clears a halt); returns how many days were re-queued.';

revoke all on table ra_internal.backfill_chunks, ra_internal.backfill_days, ra_internal.backfill_state
  from public, anon, authenticated;
grant select, insert, update, delete on table ra_internal.backfill_chunks, ra_internal.backfill_days,
  ra_internal.backfill_state to service_role;
revoke execute on function ra_internal.normalise_regions(text[]), ra_internal.plan_backfill(date, date, text[]),
  ra_internal.next_undone_day(text, date, date), ra_internal.claim_backfill_chunk(text, integer),
  ra_internal.record_backfill_day(bigint, text, date, text, jsonb, text, integer),
  ra_internal.release_backfill_chunk(bigint, text), ra_internal.halt_backfill(text),
  ra_internal.retry_failed_backfill_days() from public, anon, authenticated;
grant execute on function ra_internal.normalise_regions(text[]), ra_internal.plan_backfill(date, date, text[]),
  ra_internal.next_undone_day(text, date, date), ra_internal.claim_backfill_chunk(text, integer),
  ra_internal.record_backfill_day(bigint, text, date, text, jsonb, text, integer),
  ra_internal.release_backfill_chunk(bigint, text), ra_internal.halt_backfill(text),
  ra_internal.retry_failed_backfill_days() to service_role;
