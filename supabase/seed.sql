-- Local seed, applied by `supabase db reset` (local/stack/db.sh reset). Static reference data (regions,
-- bookmakers) is seeded by its migrations so hosted projects get it too; this file only points the local
-- scheduler at the local stack. On a hosted project set these two secrets once yourself (see README,
-- "Activate the schedule"), with your project URL and service role key.
delete from vault.secrets where name in ('project_url', 'service_role_key');
select vault.create_secret('http://127.0.0.1:54321', 'project_url',
  'Base URL the pg_cron jobs call functions at (local stack).');
select vault.create_secret(
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU',
  'service_role_key', 'The local stack''s demo service role key (public; never use it on a hosted project).');
