// One database connection setup for every function and tool: the transaction pooler (RACING_DB_POOLER_URL) or
// the direct connection (SUPABASE_DB_URL), few connections per worker, no prepared statements and nothing
// kept in the session between transactions (safe behind a pooler in transaction mode).
import postgres from "postgres";

export type Sql = postgres.Sql;

export function connectDb(url: string, opts: { max?: number; applicationName?: string } = {}): Sql {
  return postgres(url, {
    max: opts.max ?? 2,
    prepare: false,
    idle_timeout: 20,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: opts.applicationName ?? "racing-supabase" },
  });
}
