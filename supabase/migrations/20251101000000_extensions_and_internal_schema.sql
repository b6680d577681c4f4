-- Extensions the project relies on, and the private schema for its machinery.
-- Platform objects (roles anon/authenticated/service_role, schemas extensions/vault/net) already exist on
-- hosted Supabase; locally the stack's bootstrap creates them before migrations run.

-- pg_cron: hosted Supabase installs it into pg_catalog; locally the Debian package provides it.
create extension if not exists pg_cron with schema pg_catalog;

-- pg_net: enabled here where the server offers it (hosted). Locally the stack provides a stand-in with the
-- same signature in schema net, so nothing is created.
do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'pg_net') then
    create extension if not exists pg_net with schema extensions;
  end if;
end
$$;

create extension if not exists pgcrypto with schema extensions;

-- Internal machinery (checkpoints, API call log, rate bucket, raw responses, rejects, run log) lives here.
-- It is not in the API's exposed schemas and anon/authenticated get no privileges on it.
create schema if not exists ra_internal;
revoke all on schema ra_internal from public;
revoke all on schema ra_internal from anon, authenticated;
grant usage on schema ra_internal to service_role;
comment on schema ra_internal is
  'Private machinery of the racing ingester: checkpoints, API call log, rate bucket, raw responses, rejects, runs. Not exposed through the API.';
