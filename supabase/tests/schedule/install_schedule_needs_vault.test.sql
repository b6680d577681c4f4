-- install_schedule refuses (with a hint saying what to run) when the Vault secrets are missing, and the
-- function call from SQL reads them at run time.
begin;
select plan(3);
delete from vault.secrets where name = 'service_role_key';
select throws_like('select ra_internal.install_schedule()', '%Vault secrets project_url and service_role_key%',
  'install_schedule without the service_role_key secret fails with a message naming the secrets');
select throws_like($$select ra_internal.invoke_edge_function('sync')$$, '%Vault secrets%',
  'invoke_edge_function without the secret fails instead of calling without a key');
select is((select count(*)::int from cron.job where jobname like 'racing-%'), 0, 'no job was created');
select * from finish();
rollback;
