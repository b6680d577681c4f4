// The masters function's HTTP contract (zod).
import { z } from "zod";

export const MASTERS_PARTS = ["courses", "bookmakers", "enrich"] as const;
export type MastersPart = typeof MASTERS_PARTS[number];

export const MastersPostSchema = z.strictObject({
  run_id: z.number().int().positive().optional(),
  trigger: z.enum(["cron", "manual", "handover"]).optional(),
  /** Answer 202 at once and work in the background (the cron job's mode). */
  async: z.boolean().optional(),
  /** What to do (default all three). */
  parts: z.array(z.enum(MASTERS_PARTS)).min(1).max(3).optional(),
  /** API calls the enrichment lane may spend this run (default MASTERS_ENRICH_BUDGET, 200). */
  enrich_budget: z.number().int().min(0).max(5000).optional(),
});
export type MastersPost = z.infer<typeof MastersPostSchema>;

export const MASTERS_USAGE =
  "POST {} to refresh courses and regions, report bookmakers and enrich results-only " +
  'horses; {"parts":["enrich"],"enrich_budget":50} for one part with a smaller call budget; "async":true ' +
  "answers 202 at once. GET lists the latest masters runs.";

export class BadRequest extends Error {
  override name = "BadRequest";
}

export function parseMastersBody(text: string): MastersPost {
  let raw: unknown = {};
  if (text.trim() !== "") {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new BadRequest(`The body is not JSON. ${MASTERS_USAGE}`);
    }
  }
  const r = MastersPostSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
    throw new BadRequest(`${issues}. ${MASTERS_USAGE}`);
  }
  return r.data;
}
