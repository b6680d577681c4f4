-- When a successor may start fetching a chunk it is about to be handed (see 20251111000000).
-- Why: started as soon as its predecessor's budget refuses another day, the successor used to fetch at once,
-- its requests taking turns with the predecessor's last ones at the shared rate limit; the predecessor's
-- last days then arrived later, and at the end of a backfill the successor's days waited for their ingest.
-- Now the predecessor says when its own fetching is over, and the successor (already booted) starts then:
-- the API stays busy, and the predecessor ingests its last days while the successor fetches.

alter table ra_internal.backfill_chunks add column fetch_handed_to text;
comment on column ra_internal.backfill_chunks.fetch_handed_to is
  'Worker that may fetch the chunk''s next days before it holds the lease: set by the lease holder once its '
  'own last fetch is over (let_backfill_successor_fetch). Only meaningful while the chunk is leased.';

create function ra_internal.let_backfill_successor_fetch(p_chunk_id bigint, p_worker text, p_successor text)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  update ra_internal.backfill_chunks c set fetch_handed_to = p_successor, updated_at = now()
  where c.chunk_id = p_chunk_id and c.lease_owner = p_worker and c.status = 'running';
  return found;
end
$$;
comment on function ra_internal.let_backfill_successor_fetch(bigint, text, text) is
  'The lease holder p_worker has fetched its last day of the chunk: p_successor may start fetching the next '
  'ones. Returns false, changing nothing, when p_worker does not hold the chunk.';

revoke execute on function ra_internal.let_backfill_successor_fetch(bigint, text, text)
  from public, anon, authenticated;
grant execute on function ra_internal.let_backfill_successor_fetch(bigint, text, text) to service_role;
