// Database helpers for integration tests: a connection to the local stack, skip-if-absent, table
// fingerprints that ignore when rows were fetched, and a reset of the ingested data.
import postgres from "postgres";

export const TEST_DB_URL = Deno.env.get("TEST_DB_URL") ??
  "postgresql://postgres:postgres@127.0.0.1:54322/postgres";

export function connect(max = 4) {
  return postgres(TEST_DB_URL, { max, onnotice: () => {}, prepare: false });
}

let reachable: boolean | null = null;
/** True when the local stack's database answers (integration tests skip otherwise). */
export async function dbReachable(): Promise<boolean> {
  if (reachable !== null) return reachable;
  const sql = postgres(TEST_DB_URL, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`select 1`;
    reachable = true;
  } catch {
    reachable = false;
  } finally {
    await sql.end({ timeout: 1 });
  }
  return reachable;
}
export const DB_MISSING =
  "local database not reachable on 127.0.0.1:54322: run `npm run setup` (npm test does)";

/** Source tables the ingest writes, with their keys (for ordered fingerprints). */
export const SOURCE_TABLES: Record<string, string> = {
  "public.ra_races": "race_id",
  "public.ra_runners": "race_id, horse_id",
  "public.ra_race_results": "race_id, horse_id",
  "public.ra_horse_pedigree": "horse_id",
  "public.ra_mst_horses": "horse_id",
  "public.ra_mst_jockeys": "jockey_id",
  "public.ra_mst_trainers": "trainer_id",
  "public.ra_mst_owners": "owner_id",
  "public.ra_mst_sires": "sire_id",
  "public.ra_mst_dams": "dam_id",
  "public.ra_mst_damsires": "damsire_id",
  "public.ra_mst_courses": "course_id",
  "public.ra_mst_bookmakers": "bookmaker_code",
  "public.ra_mst_regions": "region_code",
};

/** Columns that say when or how often a row was fetched, not what it holds. */
const VOLATILE = [
  "fetched_at",
  "created_at",
  "updated_at",
  "racecard_fetched_at",
  "result_fetched_at",
  "first_seen",
  "last_seen",
  "seen_count",
];

/** md5 of every source table's rows (volatile columns removed), keyed by table name. */
export async function tableFingerprints(sql: postgres.Sql): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [table, key] of Object.entries(SOURCE_TABLES)) {
    const [row] = await sql.unsafe(
      `select count(*)::int as n, md5(coalesce(string_agg((to_jsonb(t) - $1::text[])::text, '|' order by ${key}), '')) as h
       from ${table} t`,
      [VOLATILE],
    );
    out[table] = `${row.n}:${row.h}`;
  }
  return out;
}

/** Empties the ingested data and the backfill state (keeps seeded regions and bookmakers). */
export async function resetIngestedData(sql: postgres.Sql) {
  await sql.unsafe(`
    truncate public.ra_races, public.ra_runners, public.ra_race_results, public.ra_horse_pedigree,
      public.ra_mst_horses, public.ra_mst_jockeys, public.ra_mst_trainers, public.ra_mst_owners,
      public.ra_mst_sires, public.ra_mst_dams, public.ra_mst_damsires, public.ra_mst_courses,
      ra_internal.raw_responses, ra_internal.rejects, ra_internal.backfill_days, ra_internal.backfill_chunks,
      ra_internal.api_calls, ra_internal.horse_enrichment cascade;
    update ra_internal.backfill_state set halted_reason = null, halted_at = null, planned_from = null,
      planned_to = null, started_at = null;
    delete from ra_internal.api_rate_buckets;`);
}
