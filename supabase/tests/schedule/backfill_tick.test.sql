-- ra_internal.backfill_tick() posts {"continue":true} to the backfill function (URL and key from Vault, explicit
-- timeout) only when chunks remain unfinished, none is leased and the backfill is not halted. Rolled back: the
-- queued requests are never sent.
begin;
select plan(9);

delete from ra_internal.backfill_days;
delete from ra_internal.backfill_chunks;
update ra_internal.backfill_state set halted_reason = null, halted_at = null;
create temp table q0 as select coalesce(max(id), 0) as id from net.http_request_queue;

select is(ra_internal.backfill_tick(), null, 'no chunks: nothing posted');

select ra_internal.plan_backfill('2024-01-01', '2024-02-10', array['gb', 'ire']);
select isnt(ra_internal.backfill_tick(), null, 'unfinished chunks and no lease: posted');
select is((select count(*)::int from net.http_request_queue where id > (select id from q0)), 1, 'one request queued');
select is((select url from net.http_request_queue where id > (select id from q0)),
  (select decrypted_secret from vault.decrypted_secrets where name = 'project_url') || '/functions/v1/backfill',
  'to the backfill function at the Vault project URL');
select is((select convert_from(body, 'UTF8')::jsonb from net.http_request_queue where id > (select id from q0)),
  '{"continue": true}'::jsonb, 'body {"continue":true}');
select is((select headers ->> 'Authorization' from net.http_request_queue where id > (select id from q0)),
  'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'service_role_key'),
  'with the service role key from Vault');
select is((select timeout_milliseconds from net.http_request_queue where id > (select id from q0)), 10000,
  'explicit 10 s timeout (pg_net''s default 2 s is too short)');

update ra_internal.backfill_chunks set status = 'running', lease_owner = 'w', lease_expires_at = now() + interval '1 minute'
where chunk_id = (select min(chunk_id) from ra_internal.backfill_chunks);
select is(ra_internal.backfill_tick(), null, 'a chunk is leased: a worker is on it, nothing posted');

update ra_internal.backfill_chunks set status = 'pending', lease_owner = null, lease_expires_at = null;
select ra_internal.halt_backfill('bad credentials');
select is(ra_internal.backfill_tick(), null, 'halted: nothing posted');

select * from finish();
rollback;
