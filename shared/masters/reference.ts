// Courses and regions from the API (/v1/courses?region_codes=…, /v1/courses/regions) through the same ingest
// as everything else, and the bookmakers report: the API has no bookmakers endpoint, so ra_mst_bookmakers is
// a curated list seeded by the data-model migrations plus the names the ingest meets in racecard odds.
import type { Sql } from "../db.ts";
import { ingestBatch } from "../ingest/ingest.ts";
import { buildIngestPayload } from "../ingest/payload.ts";
import type { FetchedPage, RacingApiClient } from "../racing_api/client.ts";

export interface CoursesSummary {
  calls: number;
  regions: number;
  courses: number;
  rejects: number;
}

function toResponse(p: FetchedPage) {
  return { endpoint: p.path, params: p.params, page: 0, body: p.body, fetchedAt: p.fetchedAt };
}

export async function refreshCourses(
  sql: Sql,
  client: RacingApiClient,
  opts: { regions: readonly string[]; deadline?: number },
): Promise<CoursesSummary> {
  const regions = await client.regions({ deadline: opts.deadline });
  const courses = await client.courses(opts.regions, { deadline: opts.deadline });
  const payload = buildIngestPayload([toResponse(regions), toResponse(courses)]);
  await sql.begin((tx) => ingestBatch(tx, payload));
  return {
    calls: 2,
    regions: payload.regions.length,
    courses: payload.courses.length,
    rejects: payload.rejects.length,
  };
}

export interface BookmakersSummary {
  total: number;
  curated: number;
  /** Names met in racecard odds that are not on the curated list (added by the ingest). */
  from_odds: string[];
}

export async function bookmakersReport(sql: Sql): Promise<BookmakersSummary> {
  const [r] = await sql<{ total: number; curated: number; from_odds: string[] }[]>`
    select count(*)::int as total, count(*) filter (where is_curated)::int as curated,
      coalesce(array_agg(name order by name) filter (where not is_curated), '{}') as from_odds
    from public.ra_mst_bookmakers`;
  return r;
}
