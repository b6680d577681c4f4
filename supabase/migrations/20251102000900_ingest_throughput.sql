-- Ingest throughput (measured with tests/integration/ingest_db.test.ts, 4,800 runners/day batch):
-- 1. Foreign-key triggers were about half of the ingest time. ra_internal.ingest_batch upserts every entity a
--    runner/horse/pedigree row names in the same call, before the rows that name it, so these references are
--    guaranteed by the writer; the FKs that stay are the structural ones: runners → races, runners → horses,
--    results → runners, races → courses, pedigree → horses, sires/dams/damsires.horse_id → horses.
-- 2. normalise_name (used by the generated name_normalised columns) carried a SET search_path clause, which
--    makes every call save/restore GUCs and prevents inlining. It now uses schema-qualified pg_catalog calls
--    only, so it is safe without the clause.
alter table public.ra_runners drop constraint if exists ra_runners_jockey_id_fkey;
alter table public.ra_runners drop constraint if exists ra_runners_trainer_id_fkey;
alter table public.ra_runners drop constraint if exists ra_runners_owner_id_fkey;
alter table public.ra_runners drop constraint if exists ra_runners_sire_id_fkey;
alter table public.ra_runners drop constraint if exists ra_runners_dam_id_fkey;
alter table public.ra_runners drop constraint if exists ra_runners_damsire_id_fkey;
alter table public.ra_mst_horses drop constraint if exists ra_mst_horses_sire_id_fkey;
alter table public.ra_mst_horses drop constraint if exists ra_mst_horses_dam_id_fkey;
alter table public.ra_mst_horses drop constraint if exists ra_mst_horses_damsire_id_fkey;
alter table public.ra_horse_pedigree drop constraint if exists ra_horse_pedigree_sire_id_fkey;
alter table public.ra_horse_pedigree drop constraint if exists ra_horse_pedigree_dam_id_fkey;
alter table public.ra_horse_pedigree drop constraint if exists ra_horse_pedigree_damsire_id_fkey;

comment on column public.ra_runners.jockey_id is 'ra_mst_jockeys.jockey_id (no FK for ingest speed; the ingest upserts the jockey in the same call).';
comment on column public.ra_runners.trainer_id is 'ra_mst_trainers.trainer_id (no FK for ingest speed; guaranteed by the ingest).';
comment on column public.ra_runners.owner_id is 'ra_mst_owners.owner_id (no FK for ingest speed; guaranteed by the ingest).';
comment on column public.ra_runners.sire_id is 'ra_mst_sires.sire_id (no FK for ingest speed; guaranteed by the ingest).';
comment on column public.ra_runners.dam_id is 'ra_mst_dams.dam_id (no FK for ingest speed; guaranteed by the ingest).';
comment on column public.ra_runners.damsire_id is 'ra_mst_damsires.damsire_id (no FK for ingest speed; guaranteed by the ingest).';
comment on column public.ra_mst_horses.sire_id is 'ra_mst_sires.sire_id of this horse (progeny queries; no FK, guaranteed by the ingest).';
comment on column public.ra_mst_horses.dam_id is 'ra_mst_dams.dam_id of this horse (no FK, guaranteed by the ingest).';
comment on column public.ra_mst_horses.damsire_id is 'ra_mst_damsires.damsire_id of this horse (no FK, guaranteed by the ingest).';

create or replace function ra_internal.normalise_name(p_name text)
returns text
language sql
immutable
parallel safe
as $$
  select nullif(
    pg_catalog.lower(
      pg_catalog.regexp_replace(
        pg_catalog.regexp_replace(pg_catalog.btrim(p_name), '\s*\([A-Za-z]{2,3}\)$', ''), '\s+', ' ', 'g')),
    '')
$$;
comment on function ra_internal.normalise_name(text) is
  'Name matching key: country suffix like (IRE) stripped, whitespace collapsed, lower-case. Used for the sire/dam/damsire → horse name link. No SET clause on purpose (inlinable, called per row by generated columns); every call is pg_catalog-qualified.';
