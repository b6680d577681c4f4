// Fetch everything one racing day needs, with the fewest calls: /v1/results for the date (all pages) and,
// where the plan and the API's window cover the day, /v1/racecards/pro (all pages). Horse profiles are not
// fetched per day (racecards pro already carry pedigree and profile; results-only horses are enriched by the
// budgeted lane of the masters function).
import type { ApiResponse } from "../ingest/payload.ts";
import type { FetchedPage, PagedFetch, RacingApiClient } from "../racing_api/client.ts";
import { addDays, RACECARDS_DAYS_AHEAD, RACECARDS_PRO_FIRST_DAY } from "./dates.ts";

export interface FetchDayOptions {
  regions?: readonly string[];
  /** UK date of today (racecards are served up to today + 7). */
  today: string;
  /** Fetch racecards pro where the window allows (default: when the plan is pro). */
  racecards?: boolean;
  /** Fetch results (default true; false for future days). */
  results?: boolean;
  deadline?: number;
  signal?: AbortSignal;
}

export interface FetchedDay {
  day: string;
  responses: ApiResponse[];
  /** Pages fetched (one API call each, retries not counted). */
  pages: number;
  resultsPages: number;
  racecardsPages: number;
}

export function racecardsCover(day: string, today: string): boolean {
  return day >= RACECARDS_PRO_FIRST_DAY && day <= addDays(today, RACECARDS_DAYS_AHEAD);
}

function toResponses(fetch: PagedFetch): ApiResponse[] {
  return fetch.pages.map((p: FetchedPage) => ({
    endpoint: p.path,
    params: p.params,
    page: p.pageIndex,
    body: p.body,
    text: p.text,
    fetchedAt: p.fetchedAt,
  }));
}

export async function fetchDay(
  client: RacingApiClient,
  day: string,
  opts: FetchDayOptions,
): Promise<FetchedDay> {
  const call = { regions: opts.regions, deadline: opts.deadline, signal: opts.signal };
  const wantResults = opts.results ?? day <= opts.today;
  const wantRacecards = (opts.racecards ?? client.config.plan === "pro") && racecardsCover(day, opts.today);
  const results = wantResults ? await client.results(day, call) : null;
  const racecards = wantRacecards ? await client.racecardsPro(day, call) : null;
  // Racecards first: the results of the same day are newer facts and are ingested after them.
  const responses = [...(racecards ? toResponses(racecards) : []), ...(results ? toResponses(results) : [])];
  const resultsPages = results?.pages.length ?? 0;
  const racecardsPages = racecards?.pages.length ?? 0;
  return { day, responses, pages: resultsPages + racecardsPages, resultsPages, racecardsPages };
}
