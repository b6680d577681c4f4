-- Pedigree re-linking by index, not by scanning the parent tables.
--
-- relink_pedigree(horse_ids, parent_ids) selected its targets with one OR'd predicate
-- (`id = any(parents) or 'hrs_' || substr(id, 5) = any(horses) or name_normalised in (...)`), which Postgres can
-- only evaluate as a sequential scan comparing every parent row with every id of the batch. Each ingested day
-- paid that on ra_mst_sires, ra_mst_dams and ra_mst_damsires, so a backfill slowed down as the tables grew (at
-- decade scale ~40-75 ms a table, a day: parameter arrays are searched linearly, ~600 ids per row). The targets
-- are now the union of three joins on indexes: the touched parents (primary key), the parents whose id-equivalent horse arrived (the
-- documented `sir_N`/`dam_N`/`dsi_N` = `hrs_N`, looked up as the table's own prefix + N on the primary key),
-- and the parents named like an arriving horse (the (name_normalised, region) index). The resolution itself is
-- unchanged; a full pass (both arguments null) still re-resolves every row.
create or replace function ra_internal.relink_pedigree(p_horse_ids text[] default null, p_parent_ids text[] default null)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_total integer := 0;
  v_n integer;
  v_all boolean := p_horse_ids is null and p_parent_ids is null;
  r record;
begin
  for r in
    select * from (values
      ('ra_mst_sires', 'sire_id', 'sir_', array['F', 'M', 'G']),
      ('ra_mst_dams', 'dam_id', 'dam_', array['G', 'C', 'H']),
      ('ra_mst_damsires', 'damsire_id', 'dsi_', array['F', 'M', 'G'])
    ) v(tbl, idcol, prefix, bad_sex)
  loop
    execute format($sql$
      with target as (
        select s.%2$I as pid, s.name_normalised, s.region
        from public.%1$I s
        where $1
        union
        select s.%2$I, s.name_normalised, s.region
        from unnest($3) p(id) join public.%1$I s on s.%2$I = p.id
        union
        select s.%2$I, s.name_normalised, s.region
        from unnest($2) h(id) join public.%1$I s on s.%2$I = %3$L || substr(h.id, 5)
        where h.id like 'hrs\_%%'
        union
        select s.%2$I, s.name_normalised, s.region
        from public.%1$I s
        where s.name_normalised in (select h.name_normalised from public.ra_mst_horses h where h.horse_id = any($2))
      ),
      by_id as (
        select t.pid, h.horse_id
        from target t join public.ra_mst_horses h on h.horse_id = 'hrs_' || substr(t.pid, 5)
      ),
      by_name as (
        select t.pid, min(h.horse_id) as horse_id
        from target t
        join public.ra_mst_horses h
          on h.name_normalised = t.name_normalised
         and (t.region is null or h.region is null or h.region = t.region)
         and (h.sex_code is null or not (h.sex_code = any($4)))
        where t.name_normalised is not null
        group by t.pid
        having count(*) = 1
      ),
      resolved as (
        select t.pid,
               coalesce(i.horse_id, n.horse_id) as horse_id,
               case when i.horse_id is not null then 'id' when n.horse_id is not null then 'name' end as method
        from target t
        left join by_id i on i.pid = t.pid
        left join by_name n on n.pid = t.pid
      )
      update public.%1$I s
         set horse_id = r.horse_id, horse_link_method = r.method
        from resolved r
       where s.%2$I = r.pid
         and (s.horse_id is distinct from r.horse_id or s.horse_link_method is distinct from r.method)
    $sql$, r.tbl, r.idcol, r.prefix)
    using v_all, coalesce(p_horse_ids, '{}'::text[]), coalesce(p_parent_ids, '{}'::text[]), r.bad_sex;
    get diagnostics v_n = row_count;
    v_total := v_total + v_n;
  end loop;
  return v_total;
end;
$$;
comment on function ra_internal.relink_pedigree(text[], text[]) is
  'Re-resolves ra_mst_sires/dams/damsires.horse_id: id equivalence sir_N/dam_N/dsi_N = hrs_N first, else a unique normalised-name match (regions agree when known). Both args null = full pass; ingest_batch calls it for the ids it touched (targets found by index: touched parents, parents whose hrs_N arrived, parents named like an arriving horse). Returns link rows changed.';
