// The backfill function's HTTP contract, validated with zod: what a caller may send, and the 400 message
// that says what to send instead.
import { z } from "zod";
import { addDays, isIsoDate, RESULTS_FIRST_DAY } from "../day/dates.ts";

const isoDate = z.string().refine(isIsoDate, { error: "must be a date written YYYY-MM-DD" });

export const BackfillPostSchema = z.strictObject({
  from: isoDate.optional(),
  to: isoDate.optional(),
  regions: z.array(z.string().regex(/^[a-z]{2,4}$/, "region codes are lower-case, e.g. gb, ire")).min(1).max(
    20,
  )
    .optional(),
  retry: z.literal("failed").optional(),
  continue: z.boolean().optional(),
  workers: z.number().int().min(1).max(4).optional(),
  // Internal: an invocation handing its chunk over to the one it starts (worker id it chose for it, the
  // chunk, and the first day the successor may fetch at once).
  handover: z.strictObject({
    worker: z.string().regex(/^backfill:[0-9a-f]{8}$/, "a worker id like backfill:0123abcd"),
    chunk: z.string().regex(/^[1-9][0-9]{0,17}$/, "a chunk id"),
    from: isoDate,
  }).optional(),
});

export type BackfillPost = z.infer<typeof BackfillPostSchema>;

export type BackfillCommand =
  | { kind: "plan"; from: string; to: string; regions: string[]; workers: number }
  | { kind: "retry"; workers: number }
  | { kind: "continue"; workers: number; handover?: { worker: string; chunk: string; from: string } };

export const USAGE =
  'POST {"from":"2015-01-01","to":"2025-10-23"} to plan and start a backfill ("to" defaults ' +
  'to today, "regions" to ["gb","ire"], "workers" 1..4 to 1); POST {"retry":"failed"} to retry failed days; ' +
  'POST {"continue":true} to resume; GET for progress.';

export class BadRequest extends Error {
  override name = "BadRequest";
}

/** Turns a validated body into a command, checking the dates against today, the API and the plan. */
export function toCommand(
  body: BackfillPost,
  ctx: { today: string; plan: "pro" | "standard"; defaultRegions: readonly string[] },
): BackfillCommand {
  const workers = body.workers ?? 1;
  if (body.handover && (!body.continue || body.workers !== undefined)) {
    throw new BadRequest('"handover" is internal to the backfill and goes with {"continue":true} alone.');
  }
  if (body.retry) {
    if (body.from || body.to || body.continue) {
      throw new BadRequest('"retry" cannot be combined with from/to/continue.');
    }
    return { kind: "retry", workers };
  }
  if (body.continue) {
    if (body.from || body.to) {
      throw new BadRequest('"continue" resumes the existing plan; send from/to without it.');
    }
    return body.handover
      ? { kind: "continue", workers, handover: body.handover }
      : { kind: "continue", workers };
  }
  if (!body.from) throw new BadRequest(`"from" is required. ${USAGE}`);
  const from = body.from;
  const to = body.to ?? ctx.today;
  if (from > to) throw new BadRequest(`"from" (${from}) is after "to" (${to}).`);
  if (from < RESULTS_FIRST_DAY) {
    throw new BadRequest(
      `"from" (${from}) is before the Racing API's history, which starts ${RESULTS_FIRST_DAY}.`,
    );
  }
  if (to > ctx.today) {
    throw new BadRequest(
      `"to" (${to}) is in the future (today is ${ctx.today} UK time). The backfill covers past days; ` +
        "racecards for the coming week are the sync function's job.",
    );
  }
  if (ctx.plan === "standard") {
    const earliest = addDays(ctx.today, -365);
    if (from < earliest) {
      throw new BadRequest(
        `"from" (${from}) is more than 12 months ago: the Standard plan's /v1/results covers the last 12 months ` +
          `(from ${earliest}). Start from ${earliest}, or set RACING_API_PLAN=pro if your account has the Pro ` +
          "plan with the historical add-on.",
      );
    }
  }
  return { kind: "plan", from, to, regions: body.regions ?? [...ctx.defaultRegions], workers };
}

/** Parses the raw body text; throws BadRequest with a message that says what is wrong and what to send. */
export function parseBackfillBody(text: string): BackfillPost {
  if (text.length > 10_000) throw new BadRequest(`Body too large (${text.length} bytes). ${USAGE}`);
  let json: unknown;
  try {
    json = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new BadRequest(`Body is not valid JSON. ${USAGE}`);
  }
  const parsed = BackfillPostSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) =>
      i.code === "unrecognized_keys"
        ? `unknown field(s): ${i.keys.join(", ")}`
        : `${i.path.length ? i.path.join(".") : "body"}: ${i.message}`
    );
    throw new BadRequest(`Invalid request: ${issues.join("; ")}. ${USAGE}`);
  }
  return parsed.data;
}
