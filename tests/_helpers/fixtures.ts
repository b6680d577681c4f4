// The real Racing API captures live outside the repo (../shared/fixtures/racing-api), never copied in.
// Tests read them at run time and skip with a clear message where they are absent.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Absolute path of the fixtures folder, or null when it is not present on this machine. */
export function fixturesDir(): string | null {
  const dir = Deno.env.get("RACING_FIXTURES_DIR") ?? `${repoRoot}../shared/fixtures/racing-api`;
  return existsSync(dir) ? dir : null;
}

export const FIXTURES_MISSING =
  "real Racing API captures not found: set RACING_FIXTURES_DIR or place them at ../shared/fixtures/racing-api";

/** Fixture file names matching a prefix, e.g. "results-sample-" (empty when absent). */
export function fixtureNames(prefix: string): string[] {
  const dir = fixturesDir();
  if (!dir) return [];
  return readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith(".json")).sort();
}

/** Parsed JSON of one fixture file. Throws if the folder is absent; guard with fixturesDir(). */
export function loadFixture<T = unknown>(name: string): T {
  const dir = fixturesDir();
  if (!dir) throw new Error(FIXTURES_MISSING);
  return JSON.parse(readFileSync(`${dir}/${name}`, "utf8")) as T;
}

/** Raw text of one fixture file. */
export function loadFixtureText(name: string): string {
  const dir = fixturesDir();
  if (!dir) throw new Error(FIXTURES_MISSING);
  return readFileSync(`${dir}/${name}`, "utf8");
}
