-- Local bootstrap: the platform objects hosted Supabase already has, created only where missing.
-- Runs before migrations (local/stack/setup.sh), never as a migration, so the migrations apply unchanged to
-- a hosted project. Every statement is idempotent.

do $bootstrap$
begin
  -- API roles, as on hosted Supabase.
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit password 'postgres';
  end if;
end
$bootstrap$;
grant anon, authenticated, service_role to authenticator;

create schema if not exists extensions;
grant usage on schema extensions to anon, authenticated, service_role;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;
-- pgTAP for the test suite (hosted projects enable it the same way for `supabase test db`).
create extension if not exists pgtap with schema extensions;

-- Hosted Supabase grants the API roles usage on public and, by default, privileges on new objects there;
-- RLS is what protects tables. Mirror that so our RLS is tested under the same defaults.
grant usage on schema public to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;

-- auth: the helpers RLS policies use.
create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;
create or replace function auth.jwt() returns jsonb language sql stable
  as $$ select coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb $$;
create or replace function auth.uid() returns uuid language sql stable
  as $$ select nullif(auth.jwt() ->> 'sub', '')::uuid $$;
create or replace function auth.role() returns text language sql stable
  as $$ select coalesce(auth.jwt() ->> 'role', current_user) $$;

-- Vault stand-in: same names and call shapes as supabase_vault (secrets are not encrypted locally).
create schema if not exists vault;
create table if not exists vault.secrets (
  id uuid primary key default extensions.gen_random_uuid(),
  name text unique,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create or replace view vault.decrypted_secrets as
  select id, name, description, secret, secret as decrypted_secret, key_id, nonce, created_at, updated_at
  from vault.secrets;
create or replace function vault.create_secret(
  new_secret text, new_name text default null, new_description text default '', new_key_id uuid default null
) returns uuid language sql as $$
  insert into vault.secrets (secret, name, description, key_id)
  values (new_secret, new_name, coalesce(new_description, ''), new_key_id)
  returning id
$$;
create or replace function vault.update_secret(
  secret_id uuid, new_secret text default null, new_name text default null,
  new_description text default null, new_key_id uuid default null
) returns void language sql as $$
  update vault.secrets set
    secret = coalesce(new_secret, secret), name = coalesce(new_name, name),
    description = coalesce(new_description, description), key_id = coalesce(new_key_id, key_id),
    updated_at = now()
  where id = secret_id
$$;
revoke all on schema vault from anon, authenticated;
grant usage on schema vault to service_role;

-- pg_net stand-in, with pg_net's signatures and tables. Like pg_net it is asynchronous: http_post/http_get
-- only queue the request; the local stack's delivery worker (local/stack/pg_net_worker.ts) sends it after
-- the calling transaction commits (it is woken by NOTIFY, which is delivered on commit) and writes the
-- outcome to net._http_response under the request id.
create schema if not exists net;
create unlogged table if not exists net.http_request_queue (
  id bigserial primary key,
  method text not null,
  url text not null,
  headers jsonb not null default '{}'::jsonb,
  body bytea,
  timeout_milliseconds integer not null,
  created timestamptz not null default now()
);
create unlogged table if not exists net._http_response (
  id bigint primary key,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out boolean,
  error_msg text,
  created timestamptz not null default now()
);
create or replace function net._url_with_params(url text, params jsonb) returns text
language sql immutable as $$
  select case
    when params is null or params = '{}'::jsonb then url
    else url || case when position('?' in url) > 0 then '&' else '?' end || (
      select string_agg(key || '=' || replace(replace(value, ' ', '%20'), '&', '%26'), '&' order by key)
      from jsonb_each_text(params))
  end
$$;
create or replace function net.http_post(
  url text,
  body jsonb default '{}'::jsonb,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds integer default 2000
) returns bigint language plpgsql as $$
declare
  request_id bigint;
begin
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values ('POST', net._url_with_params(url, params), coalesce(headers, '{}'::jsonb),
          convert_to(coalesce(body, '{}'::jsonb)::text, 'UTF8'), timeout_milliseconds)
  returning id into request_id;
  perform pg_notify('pg_net_stand_in', request_id::text);
  return request_id;
end
$$;
create or replace function net.http_get(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds integer default 2000
) returns bigint language plpgsql as $$
declare
  request_id bigint;
begin
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values ('GET', net._url_with_params(url, params), coalesce(headers, '{}'::jsonb), null, timeout_milliseconds)
  returning id into request_id;
  perform pg_notify('pg_net_stand_in', request_id::text);
  return request_id;
end
$$;
revoke all on schema net from anon, authenticated;
grant usage on schema net to service_role;
comment on schema net is 'Local stand-in for pg_net (asynchronous, same signatures); see README "Local stack vs hosted".';

-- Hosted Supabase puts extensions on the search path of its roles; pgTAP and friends resolve the same way here.
alter database postgres set search_path = "$user", public, extensions;
