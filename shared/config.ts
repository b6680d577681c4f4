// Environment configuration, parsed once with zod. Every loader fails fast with a message that names the
// variable and says what to do, and never echoes a value. Secret values are wrapped in `Secret`, which
// prints, stringifies and JSON-serialises as "[redacted]"; call `.reveal()` at the single point of use.
import { z } from "zod";

type Env = Record<string, string | undefined>;

const REDACTED = "[redacted]";

/** A value that must never reach a log, an error message or a stored row. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The real value. Use it only where it is sent (an Authorization header, a connection string). */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [Symbol.for("Deno.customInspect")](): string {
    return REDACTED;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return REDACTED;
  }
}

/** Thrown when the environment is missing or malformed. The message names variables, never values. */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly variables: string[], message: string) {
    super(message);
  }
}

// What to do, per variable. Used to build the messages.
const HINTS: Record<string, string> = {
  RACING_API_USERNAME:
    "set it to the username of your Racing API account (theracingapi.com dashboard; the simulator uses sim_user)",
  RACING_API_PASSWORD:
    "set it to the password of your Racing API account (theracingapi.com dashboard; the simulator uses sim_pass)",
  RACING_API_URL:
    "set it to the API base URL WITHOUT /v1 and without credentials, e.g. https://api.theracingapi.com, or unset it for the default",
  RACING_API_REGIONS:
    'set it to a comma-separated list of lower-case region codes, e.g. "gb,ire", or unset it for the default',
  RACING_API_RATE_PER_SECOND:
    "set it to a number of requests per second greater than 0 and at most 100 (the API allows 2), or unset it for the default 2",
  RACING_API_PLAN: 'set it to "pro" or "standard" (your Racing API plan), or unset it for the default "pro"',
  RACING_API_ENDPOINT_LIMITS:
    'set it to "spec" (keep each endpoint under its own limit from the API spec) or "off" (only the account rate; for a local simulator), or unset it for the default "spec"',
  SUPABASE_DB_URL:
    "set it to the Postgres connection string, e.g. postgresql://postgres:postgres@127.0.0.1:54322/postgres?sslmode=disable",
  RACING_DB_POOLER_URL:
    "set it to the transaction pooler's connection string (Dashboard → Connect → Transaction pooler, port 6543), or unset it to use SUPABASE_DB_URL",
  SUPABASE_URL: "set it to the project URL, e.g. http://127.0.0.1:54321 or https://<ref>.supabase.co",
  SUPABASE_SERVICE_ROLE_KEY: "set it to the project's service_role key (Dashboard → Settings → API)",
  SUPABASE_ANON_KEY: "set it to the project's anon key (Dashboard → Settings → API)",
};

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const required = (name: string) =>
  z.preprocess(blankToUndefined, z.string({ error: `${name} is missing` }).min(1));
const optionalString = () => z.preprocess(blankToUndefined, z.string().optional());

const httpUrl = (name: string) =>
  z.string().refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === "http:" || u.protocol === "https:") && u.username === "" && u.password === "";
    } catch {
      return false;
    }
  }, { error: `${name} is not an http(s) URL without embedded credentials` });

function parseEnv<S extends z.ZodType>(schema: S, env: Env, context: string): z.output<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const variables = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? "?")))];
  // Build the message from variable names and hints only: zod issue texts can quote the input.
  const lines = variables.map((v) => {
    const missing = env[v] === undefined || String(env[v]).trim() === "";
    return `  - ${v} is ${missing ? "missing" : "invalid"}: ${HINTS[v] ?? "check its value"}`;
  });
  throw new ConfigError(variables, `${context}: invalid environment\n${lines.join("\n")}`);
}

// ---------------------------------------------------------------------------------------------------------
// Racing API

export type RacingApiPlan = "pro" | "standard";

export interface RacingApiConfig {
  readonly username: Secret;
  readonly password: Secret;
  /** Base URL WITHOUT /v1 and without a trailing slash; the client appends /v1/... */
  readonly url: string;
  /** Lower-case region codes, e.g. ["gb", "ire"]. */
  readonly regions: readonly string[];
  /** Requests per second for the whole account (shared by every worker). */
  readonly ratePerSecond: number;
  readonly plan: RacingApiPlan;
  /**
   * "spec": also keep each endpoint under its own limit from the vendor's OpenAPI (1-5 requests/s); "off":
   * only the account rate applies (a local simulator, a load rehearsal).
   */
  readonly endpointLimits: "spec" | "off";
}

export const DEFAULT_RACING_API_URL = "https://api.theracingapi.com";

const racingApiSchema = z.object({
  RACING_API_USERNAME: required("RACING_API_USERNAME"),
  RACING_API_PASSWORD: required("RACING_API_PASSWORD"),
  RACING_API_URL: z.preprocess(
    blankToUndefined,
    httpUrl("RACING_API_URL").default(DEFAULT_RACING_API_URL),
  ).transform((s) => s.replace(/\/+$/, "")).refine((s) => !/\/v1$/i.test(s), {
    error: "RACING_API_URL must not end with /v1",
  }),
  RACING_API_REGIONS: z.preprocess(blankToUndefined, z.string().default("gb,ire"))
    .transform((s) => s.split(",").map((r) => r.trim().toLowerCase()).filter((r) => r !== ""))
    .refine((a) => a.length > 0 && a.every((r) => /^[a-z]{2,4}$/.test(r)), {
      error: "RACING_API_REGIONS must be region codes",
    }),
  RACING_API_RATE_PER_SECOND: z.preprocess(
    blankToUndefined,
    z.coerce.number().gt(0).lte(100).default(2),
  ),
  RACING_API_PLAN: z.preprocess(
    (v) => (typeof v === "string" ? blankToUndefined(v.trim().toLowerCase()) : v),
    z.enum(["pro", "standard"]).default("pro"),
  ),
  RACING_API_ENDPOINT_LIMITS: z.preprocess(
    (v) => (typeof v === "string" ? blankToUndefined(v.trim().toLowerCase()) : v),
    z.enum(["spec", "off"]).default("spec"),
  ),
});

/** Racing API settings. Throws ConfigError (naming the variables) when credentials are absent or a value is bad. */
export function loadRacingApiConfig(env: Env = Deno.env.toObject()): RacingApiConfig {
  const e = parseEnv(racingApiSchema, env, "Racing API configuration");
  return Object.freeze({
    username: new Secret(e.RACING_API_USERNAME),
    password: new Secret(e.RACING_API_PASSWORD),
    url: e.RACING_API_URL,
    regions: Object.freeze([...e.RACING_API_REGIONS]),
    ratePerSecond: e.RACING_API_RATE_PER_SECOND,
    plan: e.RACING_API_PLAN,
    endpointLimits: e.RACING_API_ENDPOINT_LIMITS,
  });
}

// ---------------------------------------------------------------------------------------------------------
// Database

export interface DatabaseConfig {
  /**
   * Full connection string the functions use (it embeds a password, hence Secret): the transaction pooler
   * (RACING_DB_POOLER_URL) when set, else the platform's SUPABASE_DB_URL.
   */
  readonly dbUrl: Secret;
  /** Whether dbUrl is the transaction pooler. */
  readonly pooled: boolean;
}

const postgresUrl = /^postgres(ql)?:\/\//;
const databaseSchema = z.object({
  SUPABASE_DB_URL: required("SUPABASE_DB_URL").refine((s) => postgresUrl.test(s), {
    error: "SUPABASE_DB_URL must be a postgres:// URL",
  }),
  // Supabase recommends its transaction pooler (Supavisor, port 6543) for Edge Functions: each invocation is
  // a short-lived client, and a pooled server connection keeps its caches and cached plans between them.
  RACING_DB_POOLER_URL: optionalString().refine((s) => s === undefined || postgresUrl.test(s), {
    error: "RACING_DB_POOLER_URL must be a postgres:// URL",
  }),
});

export function loadDatabaseConfig(env: Env = Deno.env.toObject()): DatabaseConfig {
  const e = parseEnv(databaseSchema, env, "Database configuration");
  const pooled = e.RACING_DB_POOLER_URL !== undefined;
  return Object.freeze({ dbUrl: new Secret(e.RACING_DB_POOLER_URL ?? e.SUPABASE_DB_URL), pooled });
}

// ---------------------------------------------------------------------------------------------------------
// Supabase

export interface SupabaseConfig {
  readonly url: string;
  readonly serviceRoleKey: Secret;
  /** Optional: only clients acting as anon need it. */
  readonly anonKey: Secret | null;
}

const supabaseSchema = z.object({
  SUPABASE_URL: z.preprocess(blankToUndefined, httpUrl("SUPABASE_URL")).transform((s) =>
    s.replace(/\/+$/, "")
  ),
  SUPABASE_SERVICE_ROLE_KEY: required("SUPABASE_SERVICE_ROLE_KEY"),
  SUPABASE_ANON_KEY: optionalString(),
});

export function loadSupabaseConfig(env: Env = Deno.env.toObject()): SupabaseConfig {
  const e = parseEnv(supabaseSchema, env, "Supabase configuration");
  return Object.freeze({
    url: e.SUPABASE_URL,
    serviceRoleKey: new Secret(e.SUPABASE_SERVICE_ROLE_KEY),
    anonKey: e.SUPABASE_ANON_KEY === undefined ? null : new Secret(e.SUPABASE_ANON_KEY),
  });
}
