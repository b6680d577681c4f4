-- Row level security and grants for the 14 source tables of this area.
-- Policy: authenticated users may READ every row; anon gets nothing; there are NO write policies, so the only
-- writers are the service role (bypasses RLS) and the SECURITY DEFINER functions in ra_internal that only
-- service_role may execute.
--
-- To open a table to anonymous readers (public data API):
--   grant select on public.<table> to anon;
--   create policy <table>_anon_read on public.<table> for select to anon using (true);
-- To close it again:
--   drop policy <table>_anon_read on public.<table>; revoke select on public.<table> from anon;
-- To close a table to signed-in users too: revoke select on public.<table> from authenticated (the policy may stay).
do $$
declare
  t text;
begin
  foreach t in array array[
    'ra_mst_regions', 'ra_mst_courses', 'ra_mst_bookmakers', 'ra_mst_jockeys', 'ra_mst_trainers',
    'ra_mst_owners', 'ra_mst_sires', 'ra_mst_dams', 'ra_mst_damsires', 'ra_mst_horses',
    'ra_horse_pedigree', 'ra_races', 'ra_runners', 'ra_race_results'
  ] loop
    execute format('alter table public.%I enable row level security', t);
    -- Supabase's default privileges grant everything to anon/authenticated on new public tables: take it back.
    execute format('revoke all on table public.%I from anon, authenticated, public', t);
    execute format('grant select on table public.%I to authenticated', t);
    execute format('grant all on table public.%I to service_role', t);
    execute format('drop policy if exists %I on public.%I', t || '_authenticated_read', t);
    execute format('create policy %I on public.%I for select to authenticated using (true)', t || '_authenticated_read', t);
  end loop;
end
$$;

-- Internal landing tables: service role only (ra_internal has no usage grant for anon/authenticated).
revoke all on table ra_internal.raw_responses, ra_internal.rejects from public, anon, authenticated;
grant select, insert, update, delete on table ra_internal.raw_responses, ra_internal.rejects to service_role;
