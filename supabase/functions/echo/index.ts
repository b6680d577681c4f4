// A diagnostic function: answers with what it received and which role called. The stack's tests use it to
// prove the gateway (JWT rules) and the pg_cron → pg_net → function path. It writes nothing.
import { handleEcho } from "../../../shared/http/echo.ts";

Deno.serve(handleEcho);
