-- ra_horse_pedigree: sire/dam/damsire of each horse with names and breeding countries, from racecards, results
-- and /v1/horses/{id}/pro.
create table public.ra_horse_pedigree (
  horse_id text primary key references public.ra_mst_horses (horse_id),
  sire_id text references public.ra_mst_sires (sire_id),
  sire text,
  sire_region text,
  dam_id text references public.ra_mst_dams (dam_id),
  dam text,
  dam_region text,
  damsire_id text references public.ra_mst_damsires (damsire_id),
  damsire text,
  damsire_region text,
  breeder text,
  fetched_at timestamptz not null,
  created_at timestamptz not null default now()
);
comment on table public.ra_horse_pedigree is
  'Pedigree per horse. Names without the country suffix; regions lower-case (racecards *_region or the name suffix). To reach the parent as a horse use ra_mst_sires/dams/damsires.horse_id.';
comment on column public.ra_horse_pedigree.sire_region is 'Breeding country of the sire, lower-case.';
comment on column public.ra_horse_pedigree.dam_region is 'Breeding country of the dam, lower-case.';
comment on column public.ra_horse_pedigree.damsire_region is 'Breeding country of the damsire, lower-case.';
comment on column public.ra_horse_pedigree.breeder is 'Breeder (racecards, horse pro).';
comment on column public.ra_horse_pedigree.fetched_at is 'When the API response that last wrote this row was fetched.';
create index ra_horse_pedigree_sire_idx on public.ra_horse_pedigree (sire_id);
create index ra_horse_pedigree_dam_idx on public.ra_horse_pedigree (dam_id);
create index ra_horse_pedigree_damsire_idx on public.ra_horse_pedigree (damsire_id);
