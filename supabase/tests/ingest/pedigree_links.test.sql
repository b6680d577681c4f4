-- Sire/dam/damsire → ra_mst_horses links: id equivalence (sir_N = hrs_N) first, else a unique normalised-name
-- match respecting region; ambiguous names stay unlinked; links are re-resolved as new horses arrive.
begin;
set local search_path = extensions, public;
select plan(8);

-- parents arrive before their horse records
select ra_internal.ingest_batch($j${
  "sires": [{"sire_id": "sir_900001", "name": "Idsire", "region": "ire", "fetched_at": "2025-01-01T00:00:00Z"},
            {"sire_id": "sir_900002", "name": "Namesire", "region": "gb", "fetched_at": "2025-01-01T00:00:00Z"},
            {"sire_id": "sir_900003", "name": "Twin Name", "region": null, "fetched_at": "2025-01-01T00:00:00Z"}],
  "dams": [{"dam_id": "dam_900004", "name": "Region Dam", "region": "fr", "fetched_at": "2025-01-01T00:00:00Z"}]
}$j$::jsonb);
select is((select horse_id from ra_mst_sires where sire_id = 'sir_900001'), null, 'no horse yet → no link');

-- horses arrive: hrs_900001 (id twin), a unique "Namesire (GB)", two "Twin Name" horses, and a GB "Region Dam"
select ra_internal.ingest_batch($j${
  "horses": [{"horse_id": "hrs_900001", "name": "Completely Different", "fetched_at": "2025-01-02T00:00:00Z"},
             {"horse_id": "hrs_800002", "name": "Namesire", "region": "gb", "sex_code": "H", "fetched_at": "2025-01-02T00:00:00Z"},
             {"horse_id": "hrs_800003", "name": "Twin Name", "region": "ire", "fetched_at": "2025-01-02T00:00:00Z"},
             {"horse_id": "hrs_800013", "name": "Twin Name", "region": "usa", "fetched_at": "2025-01-02T00:00:00Z"},
             {"horse_id": "hrs_800004", "name": "Region Dam", "region": "gb", "sex_code": "M", "fetched_at": "2025-01-02T00:00:00Z"}]
}$j$::jsonb);
select is((select array[horse_id, horse_link_method] from ra_mst_sires where sire_id = 'sir_900001'),
  array['hrs_900001', 'id'], 'id equivalence sir_N = hrs_N wins over names');
select is((select array[horse_id, horse_link_method] from ra_mst_sires where sire_id = 'sir_900002'),
  array['hrs_800002', 'name'], 'unique normalised name (same region) links');
select is((select horse_id from ra_mst_sires where sire_id = 'sir_900003'), null, 'ambiguous name stays unlinked');
select is((select horse_id from ra_mst_dams where dam_id = 'dam_900004'), null, 'region mismatch (fr vs gb) does not link');

-- a second "Namesire" in GB arrives: the name link becomes ambiguous and is dropped
select ra_internal.ingest_batch($j${
  "horses": [{"horse_id": "hrs_800022", "name": "Namesire", "region": "gb", "fetched_at": "2025-01-03T00:00:00Z"}]
}$j$::jsonb);
select is((select horse_id from ra_mst_sires where sire_id = 'sir_900002'), null, 're-resolved: now ambiguous → unlinked');

-- full pass is idempotent and finds nothing new to change
select is(ra_internal.relink_pedigree(), 0, 'relink_pedigree() full pass: no further changes');
update ra_mst_sires set horse_id = null, horse_link_method = null where sire_id = 'sir_900001';
select is(ra_internal.relink_pedigree(), 1, 'relink_pedigree() restores a lost id link');

select * from finish();
rollback;
