-- Change tracking for the incremental statistics refresh: statement-level AFTER triggers with transition
-- tables on the three source tables put every touched race_id into ra_internal.statistics_changes.
-- One trigger per event (PostgreSQL allows transition tables only on single-event triggers); an
-- INSERT ... ON CONFLICT DO UPDATE fires the insert trigger for inserted rows and the update trigger for
-- updated ones. Cost: one set-based insert per statement (ra_internal.ingest_batch runs a handful per batch).
-- Older days backfilled out of order, re-fetched results, corrections and deletes all land in the queue, so
-- refresh_statistics_incremental() sees them whatever their fetched_at.

create or replace function ra_internal.statistics_note_new_races()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into ra_internal.statistics_changes as c (race_id, changed_at)
  select distinct n.race_id, now() from new_rows n
  on conflict (race_id) do update set changed_at = excluded.changed_at
  where c.changed_at is distinct from excluded.changed_at;
  return null;
end;
$$;
comment on function ra_internal.statistics_note_new_races() is
  'Statement trigger (insert/update) on ra_races, ra_runners, ra_race_results: queues the race_ids of the new row versions in ra_internal.statistics_changes for refresh_statistics_incremental().';

create or replace function ra_internal.statistics_note_old_races()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into ra_internal.statistics_changes as c (race_id, changed_at)
  select distinct o.race_id, now() from old_rows o
  on conflict (race_id) do update set changed_at = excluded.changed_at
  where c.changed_at is distinct from excluded.changed_at;
  return null;
end;
$$;
comment on function ra_internal.statistics_note_old_races() is
  'Statement trigger (update/delete) on ra_races, ra_runners, ra_race_results: queues the race_ids of the old row versions (an update that moves a row to another race_id queues both).';

revoke all on function ra_internal.statistics_note_new_races() from public;
revoke all on function ra_internal.statistics_note_old_races() from public;

do $$
declare
  t text;
begin
  foreach t in array array['ra_races', 'ra_runners', 'ra_race_results'] loop
    execute format('create trigger %I after insert on public.%I referencing new table as new_rows '
      'for each statement execute function ra_internal.statistics_note_new_races()', t || '_statistics_ins', t);
    execute format('create trigger %I after update on public.%I referencing new table as new_rows '
      'for each statement execute function ra_internal.statistics_note_new_races()', t || '_statistics_upd', t);
    execute format('create trigger %I after update on public.%I referencing old table as old_rows '
      'for each statement execute function ra_internal.statistics_note_old_races()', t || '_statistics_upd_old', t);
    execute format('create trigger %I after delete on public.%I referencing old table as old_rows '
      'for each statement execute function ra_internal.statistics_note_old_races()', t || '_statistics_del', t);
  end loop;
end
$$;
