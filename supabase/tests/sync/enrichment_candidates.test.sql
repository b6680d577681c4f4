-- The enrichment lane's choice of horses: only those lacking a profile, newest race first, and the ledger's
-- retry policy (pro never again; not_found/standard after 180 days; error after a day; live claims skipped).
begin;
select plan(10);

insert into public.ra_mst_courses (course_id, name) values ('crs_t_enrich', 'Test Park') on conflict do nothing;
insert into public.ra_races (race_id, course_id, race_date, fetched_at) values
  ('rac_t_e1', 'crs_t_enrich', '2031-01-01', now()), ('rac_t_e2', 'crs_t_enrich', '2031-01-02', now()),
  ('rac_t_e3', 'crs_t_enrich', '2031-01-03', now());
insert into public.ra_mst_horses (horse_id, name, dob, colour, breeder, fetched_at) values
  ('hrs_t_old', 'Old', null, null, null, now()),
  ('hrs_t_mid', 'Mid', null, null, null, now()),
  ('hrs_t_new', 'New', null, null, null, now()),
  ('hrs_t_full', 'Full', '2025-01-01', 'b', 'Someone', now()),
  ('hrs_t_nobreeder', 'No Breeder', '2025-01-01', 'b', null, now());
insert into public.ra_runners (race_id, horse_id, fetched_at) values
  ('rac_t_e1', 'hrs_t_old', now()), ('rac_t_e1', 'hrs_t_mid', now()), ('rac_t_e2', 'hrs_t_mid', now()),
  ('rac_t_e3', 'hrs_t_new', now()), ('rac_t_e3', 'hrs_t_full', now()), ('rac_t_e2', 'hrs_t_nobreeder', now());

-- Only the test horses are in the year 2031.
create temp view mine as
  select c.* from ra_internal.enrichment_candidates(1000000) c where c.horse_id like 'hrs_t_%';

select results_eq($$select horse_id::text collate "default" from mine$$,
  $$values ('hrs_t_new'), ('hrs_t_mid'), ('hrs_t_nobreeder'), ('hrs_t_old')$$,
  'horses lacking dob, colour or breeder, newest race first (by their latest race); the full profile is not one');
select is((select last_race_date from mine where horse_id = 'hrs_t_mid'), '2031-01-02'::date, 'latest race date per horse');

-- Claims: a second worker does not get horses a first one holds.
select is((select count(*)::int from ra_internal.claim_enrichment('w1', 2) c), 2, 'w1 claims two');
select ok(not exists (select 1 from ra_internal.claim_enrichment('w2', 1000000) c
                      where c.horse_id in (select horse_id from ra_internal.horse_enrichment where claimed_by = 'w1')),
  'w2 gets none of w1''s claims');
select is(ra_internal.record_enrichment('w1', '[{"horse_id":"hrs_t_new","outcome":"pro","error":null},
  {"horse_id":"hrs_t_mid","outcome":null,"error":null}]'::jsonb), 2, 'w1 records one attempt and releases one');
select is((select outcome || ':' || attempts from ra_internal.horse_enrichment where horse_id = 'hrs_t_new'), 'pro:1',
  'the attempt is recorded');
select is((select attempts from ra_internal.horse_enrichment where horse_id = 'hrs_t_mid'), 0, 'the released horse has no attempt');
update ra_internal.horse_enrichment set claimed_by = null, claimed_until = null;

-- Retry policy.
update ra_internal.horse_enrichment set outcome = 'not_found', last_attempt_at = now() - interval '10 days', attempts = 1
  where horse_id = 'hrs_t_old';
update ra_internal.horse_enrichment set outcome = 'error', last_attempt_at = now() - interval '2 days', attempts = 1
  where horse_id = 'hrs_t_mid';
update ra_internal.horse_enrichment set outcome = 'pro', last_attempt_at = now() - interval '1000 days'
  where horse_id = 'hrs_t_new';
insert into ra_internal.horse_enrichment (horse_id, outcome, attempts, last_attempt_at)
  values ('hrs_t_nobreeder', 'standard', 1, now() - interval '200 days')
  on conflict (horse_id) do update set outcome = 'standard', attempts = 1, last_attempt_at = now() - interval '200 days';
select results_eq($$select horse_id::text collate "default" from mine$$,
  $$values ('hrs_t_mid'), ('hrs_t_nobreeder')$$,
  'pro never again; not_found waits 180 days; an error is retried after a day; standard after 180 days');
update ra_internal.horse_enrichment set last_attempt_at = now() - interval '1 hour' where horse_id = 'hrs_t_mid';
select ok(not exists (select 1 from mine where horse_id = 'hrs_t_mid'), 'an error from an hour ago waits');
update ra_internal.horse_enrichment set claimed_by = 'w3', claimed_until = now() + interval '5 minutes'
  where horse_id = 'hrs_t_nobreeder';
select ok(not exists (select 1 from mine where horse_id = 'hrs_t_nobreeder'), 'a live claim hides the horse');

select * from finish();
rollback;
