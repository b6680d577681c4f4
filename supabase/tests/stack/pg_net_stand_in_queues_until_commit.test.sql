-- The pg_net stand-in has pg_net's signatures and, like pg_net, only queues inside the transaction:
-- nothing is delivered before commit.
begin;
select plan(5);

select has_function('net', 'http_post', array['text', 'jsonb', 'jsonb', 'jsonb', 'integer'],
  'net.http_post has pg_net''s signature');
select has_function('net', 'http_get', array['text', 'jsonb', 'jsonb', 'integer'],
  'net.http_get has pg_net''s signature');
select has_table('net', '_http_response', 'responses land in net._http_response');

create temporary table probe as
  select net.http_post('http://127.0.0.1:54321/functions/v1/echo', '{"x":1}'::jsonb,
                       '{"a":"b c"}'::jsonb) as id;

select is((select url from net.http_request_queue where id = (select id from probe)),
  'http://127.0.0.1:54321/functions/v1/echo?a=b%20c', 'params are encoded into the queued URL');
select is((select count(*)::int from net._http_response where id = (select id from probe)), 0,
  'nothing is delivered before the calling transaction commits');

select * from finish();
rollback;
