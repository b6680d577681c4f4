// Masters: courses and regions from the API, bookmakers report, and the budgeted enrichment of results-only
// horses (/v1/horses/{id}/pro), recorded in ra_internal.scheduled_runs. Service role only. Logic: shared/masters/.
import { createMastersHandler } from "../../../shared/masters/handler.ts";

declare const EdgeRuntime: { waitUntil(p: Promise<unknown>): void } | undefined;

Deno.serve(createMastersHandler({
  env: Deno.env.toObject(),
  waitUntil: (p) => typeof EdgeRuntime !== "undefined" ? EdgeRuntime.waitUntil(p) : void p,
}));
