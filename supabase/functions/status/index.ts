// Status: GET → JSON with every fact about the data (backfill progress, calendar, rejects, row counts,
// coverage, statistics freshness, scheduled jobs, API rate). Service role key or read-only STATUS_READ_TOKEN.
// The logic lives in shared/status/; this file only adapts it to the Edge runtime.
import { createStatusHandler } from "../../../shared/status/handler.ts";

Deno.serve(createStatusHandler({ env: Deno.env.toObject() }));
