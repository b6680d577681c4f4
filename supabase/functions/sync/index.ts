// Sync (transactions): racecards pro for today..today+7 and results for the last few days, recorded in
// ra_internal.scheduled_runs. Service role only. The logic lives in shared/sync/.
import { createSyncHandler } from "../../../shared/sync/handler.ts";

declare const EdgeRuntime: { waitUntil(p: Promise<unknown>): void } | undefined;

Deno.serve(createSyncHandler({
  env: Deno.env.toObject(),
  waitUntil: (p) => typeof EdgeRuntime !== "undefined" ? EdgeRuntime.waitUntil(p) : void p,
}));
