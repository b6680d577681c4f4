// The sync function's HTTP contract (zod): what a caller may send, and the 400 message saying what to send.
import { z } from "zod";
import { isIsoDate } from "../day/dates.ts";

const isoDate = z.string().refine(isIsoDate, { error: "must be a date written YYYY-MM-DD" });

export const SyncPostSchema = z.strictObject({
  /** The scheduled_runs row the cron job queued (or the run a hand-over continues). */
  run_id: z.number().int().positive().optional(),
  trigger: z.enum(["cron", "manual", "handover"]).optional(),
  /** Answer 202 at once and work in the background (the cron job's mode). Default false: answer with the summary. */
  async: z.boolean().optional(),
  /** Results days before today to re-fetch (default SYNC_RESULTS_DAYS_BACK, 3). */
  days_back: z.number().int().min(0).max(30).optional(),
  /** Explicit days (a hand-over passes what is left). */
  days: z.array(z.strictObject({ day: isoDate, results: z.boolean(), racecards: z.boolean() })).min(1).max(40)
    .optional(),
  /** How many hand-overs led here (bounded). */
  handover: z.number().int().min(0).max(20).optional(),
});
export type SyncPost = z.infer<typeof SyncPostSchema>;

export const SYNC_USAGE =
  'POST {} (or {"days_back":3}) to sync racecards for today..today+7 and results for the ' +
  'last days; add "async":true to get 202 at once. GET lists the latest sync runs.';

export class BadRequest extends Error {
  override name = "BadRequest";
}

export function parseSyncBody(text: string): SyncPost {
  let raw: unknown = {};
  if (text.trim() !== "") {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new BadRequest(`The body is not JSON. ${SYNC_USAGE}`);
    }
  }
  const r = SyncPostSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
    throw new BadRequest(`${issues}. ${SYNC_USAGE}`);
  }
  if (r.data.days && r.data.days_back !== undefined) {
    throw new BadRequest('"days" and "days_back" cannot be combined.');
  }
  return r.data;
}
