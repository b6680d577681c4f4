-- Hand-over of a chunk from one backfill invocation to the next without releasing it in between.
-- Why: an invocation that stops on its budget starts its successor early, and the successor fetches the
-- chunk's next days while its predecessor is still ingesting its last ones (the API stays busy across the
-- hand-over). Released in between, the chunk could be claimed by another worker, which would fetch those
-- days a second time; handed over, it goes straight to the successor. If the successor never comes, its
-- lease expires like any other and the minute job resumes the chunk.

create function ra_internal.hand_over_backfill_chunk(
  p_chunk_id bigint, p_worker text, p_successor text, p_lease_seconds integer default 60
) returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  if p_successor is null or p_successor = '' or p_successor = p_worker then
    raise exception 'hand_over_backfill_chunk: need a successor other than %', p_worker using errcode = '22023';
  end if;
  update ra_internal.backfill_chunks c set
    lease_owner = p_successor,
    lease_expires_at = now() + make_interval(secs => p_lease_seconds),
    updated_at = now()
  where c.chunk_id = p_chunk_id and c.lease_owner = p_worker and c.status = 'running';
  return found;
end
$$;
comment on function ra_internal.hand_over_backfill_chunk(bigint, text, text, integer) is
  'Passes the lease on a running chunk from p_worker to p_successor (which claims it with '
  'claim_backfill_chunk). Returns false, changing nothing, when p_worker does not hold the chunk.';

-- Same as 20251104000000's, plus: a chunk handed over to p_worker comes first.
create or replace function ra_internal.claim_backfill_chunk(p_worker text, p_lease_seconds integer default 60)
returns table (chunk_id bigint, regions text, range_start date, range_end date, cursor_date date)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_chunk ra_internal.backfill_chunks;
  v_handed boolean;
begin
  if (select halted_reason from ra_internal.backfill_state) is not null then
    return;
  end if;
  loop
    select * into v_chunk from ra_internal.backfill_chunks c
    where c.status = 'running' and c.lease_owner = p_worker
    order by c.range_start
    limit 1
    for update;
    v_handed := found;
    if not v_handed then
      select * into v_chunk from ra_internal.backfill_chunks c
      where c.status <> 'done' and (c.lease_expires_at is null or c.lease_expires_at < now())
      order by c.range_start
      limit 1
      for update skip locked;
      if not found then
        return;
      end if;
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
  'Claims a chunk for p_worker: one handed over to it first, else the oldest unfinished chunk whose lease is '
  'free or expired (FOR UPDATE SKIP LOCKED); sets the lease and returns the chunk with its cursor at the first '
  'undone day. Returns nothing when halted or idle.';

revoke execute on function ra_internal.hand_over_backfill_chunk(bigint, text, text, integer)
  from public, anon, authenticated;
grant execute on function ra_internal.hand_over_backfill_chunk(bigint, text, text, integer) to service_role;
