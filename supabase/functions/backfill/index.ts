// Backfill: POST plans a range (monthly chunks) and starts working; GET reports progress. Service role only.
// The logic lives in shared/backfill/; this file only adapts it to the Edge runtime.
import { createBackfillHandler } from "../../../shared/backfill/handler.ts";

declare const EdgeRuntime: { waitUntil(p: Promise<unknown>): void } | undefined;

Deno.serve(createBackfillHandler({
  env: Deno.env.toObject(),
  waitUntil: (p) => typeof EdgeRuntime !== "undefined" ? EdgeRuntime.waitUntil(p) : void p,
}));
