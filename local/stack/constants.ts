// Ports, URLs and demo keys of the local stack. They mirror the Supabase CLI's local stack (API 54321,
// database 54322) and its well-known demo JWT secret, so the same tools work against `supabase start`.
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
export const API_PORT = 54321;
export const DB_PORT = 54322;
/** PgBouncer in transaction mode, the local stand-in for Supavisor's transaction pooler (the CLI's port). */
export const POOLER_PORT = 54329;
export const SIMULATOR_PORT = 54330;
export const API_URL = `http://127.0.0.1:${API_PORT}`;
export const FUNCTIONS_URL = `${API_URL}/functions/v1`;
export const DB_URL = `postgresql://postgres:postgres@127.0.0.1:${DB_PORT}/postgres`;
export const POOLER_URL = `postgresql://postgres:postgres@127.0.0.1:${POOLER_PORT}/postgres`;
export const SIMULATOR_URL = `http://127.0.0.1:${SIMULATOR_PORT}`;
export const STATE_DIR = `${REPO_ROOT}/.local`;
export const LOG_DIR = `${STATE_DIR}/logs`;

/** The Supabase CLI's public demo secret: local only, never for a hosted project. */
export const JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";
/** Demo keys signed with JWT_SECRET (the same strings `supabase start` prints). */
export const ANON_KEY =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0";
export const SERVICE_ROLE_KEY =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU";

/** Hosted Edge Function limits the local gateway enforces (override with env for experiments). */
export const EDGE_LIMITS = {
  /** Wall clock of one worker: 150 s on the free plan (400 s paid). */
  wallClockMs: Number(Deno.env.get("EDGE_WALL_CLOCK_MS") ?? 150_000),
  /** CPU time per request, I/O excluded. */
  cpuMs: Number(Deno.env.get("EDGE_CPU_MS") ?? 2_000),
  /** Memory per worker. */
  memoryMb: Number(Deno.env.get("EDGE_MEMORY_MB") ?? 256),
};
