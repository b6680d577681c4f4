-- Pedigree re-linking driven by the batch's ids, one index lookup each, whatever the planner believes.
--
-- relink_pedigree(horse_ids, parent_ids) selected its targets with one OR'd predicate
-- (`id = any(parents) or 'hrs_' || substr(id, 5) = any(horses) or name_normalised in (...)`) and resolved them
-- with joins to ra_mst_horses. Postgres ran that as sequential scans of the parent tables and hash joins over
-- all of ra_mst_horses: every ingested day paid for whole tables (at decade scale, 74k dams and 115k horses:
-- 0.5-0.9 s a day), so a backfill slowed down as the tables grew. Written as plain joins it is no better: the
-- planner's choice then hangs on table statistics, and right after a large first load (statistics still say
-- "empty") it nested-looped whole tables against each other (a 4,800-horse day took a minute).
-- Now every step starts from the batch's ids and reaches a table only through LATERAL index lookups (each
-- subquery fenced with OFFSET 0 so the planner cannot flatten and reorder it; sequential scans off inside the
-- function), so the cost is proportional to the batch, never to the tables:
--   targets: the touched parents, the parents whose id-equivalent horse arrived (the documented
--   `sir_N`/`dam_N`/`dsi_N` = `hrs_N`: the table's own prefix + N), and the parents named like an arriving
--   horse; resolution per target: id equivalence first, else a unique normalised-name match (regions agree
--   when known, sexes that cannot be that parent excluded) — unchanged; the changed links are written through
--   the primary key. A full pass (both arguments null) still re-resolves every row.
create or replace function ra_internal.relink_pedigree(p_horse_ids text[] default null, p_parent_ids text[] default null)
returns integer
language plpgsql
security definer
set search_path = ''
set enable_seqscan = off
as $$
declare
  v_total integer := 0;
  v_n integer;
  v_all boolean := p_horse_ids is null and p_parent_ids is null;
  v_map jsonb;
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
      with ids as (
        select p.id from unnest($2) p(id)
        union
        select %3$L || substr(h.id, 5) from unnest($1) h(id) where h.id like 'hrs\_%%'
        union
        select s.pid
        from unnest($1) h(id)
        cross join lateral (select x.name_normalised from public.ra_mst_horses x where x.horse_id = h.id offset 0) hn
        cross join lateral (select s.%2$I as pid from public.%1$I s where s.name_normalised = hn.name_normalised offset 0) s
      ),
      target as (
        %4$s
      ),
      resolved as (
        select t.pid, t.cur_horse, t.cur_method,
               coalesce(i.horse_id, n.horse_id) as horse_id,
               case when i.horse_id is not null then 'id' when n.horse_id is not null then 'name' end as method
        from target t
        left join lateral (
          select h.horse_id from public.ra_mst_horses h where h.horse_id = 'hrs_' || substr(t.pid, 5) offset 0
        ) i on true
        left join lateral (
          select min(h.horse_id) as horse_id
          from public.ra_mst_horses h
          where t.name_normalised is not null
            and h.name_normalised = t.name_normalised
            and (t.region is null or h.region is null or h.region = t.region)
            and (h.sex_code is null or not (h.sex_code = any($3)))
          having count(*) = 1
        ) n on true
      )
      select coalesce(jsonb_object_agg(pid, jsonb_build_array(horse_id, method)), '{}'::jsonb)
      from resolved
      where cur_horse is distinct from horse_id or cur_method is distinct from method
    $sql$, r.tbl, r.idcol, r.prefix,
      case when v_all
        then format('select s.%1$I as pid, s.name_normalised, s.region, s.horse_id as cur_horse, '
                    's.horse_link_method as cur_method from public.%2$I s', r.idcol, r.tbl)
        else format('select s.pid, s.name_normalised, s.region, s.cur_horse, s.cur_method from ids '
                    'cross join lateral (select s.%1$I as pid, s.name_normalised, s.region, s.horse_id as cur_horse, '
                    's.horse_link_method as cur_method from public.%2$I s where s.%1$I = ids.id offset 0) s', r.idcol, r.tbl)
      end)
    into v_map
    using coalesce(p_horse_ids, '{}'::text[]), coalesce(p_parent_ids, '{}'::text[]), r.bad_sex;

    if v_map <> '{}'::jsonb then
      execute format($sql$
        update public.%1$I s
           set horse_id = $1 -> s.%2$I ->> 0, horse_link_method = $1 -> s.%2$I ->> 1
         where s.%2$I = any(array(select jsonb_object_keys($1)))
      $sql$, r.tbl, r.idcol)
      using v_map;
      get diagnostics v_n = row_count;
      v_total := v_total + v_n;
    end if;
  end loop;
  return v_total;
end;
$$;
comment on function ra_internal.relink_pedigree(text[], text[]) is
  'Re-resolves ra_mst_sires/dams/damsires.horse_id: id equivalence sir_N/dam_N/dsi_N = hrs_N first, else a unique normalised-name match (regions agree when known). Both args null = full pass; ingest_batch calls it for the ids it touched (targets: touched parents, parents whose hrs_N arrived, parents named like an arriving horse; each reached by index from the ids, so the cost follows the batch, not the tables). Returns link rows changed.';
