// Reads the [functions.<name>] verify_jwt settings from supabase/config.toml, as the hosted deploy does.
// Only the keys the gateway needs are parsed; the default (no section or no key) is verify_jwt = true.
import { readFileSync } from "node:fs";

export function readVerifyJwt(configTomlPath: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  let current: string | null = null;
  for (const raw of readFileSync(configTomlPath, "utf8").split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    const section = line.match(/^\[functions\.([A-Za-z0-9_-]+)\]$/);
    if (section) {
      current = section[1];
      continue;
    }
    if (line.startsWith("[")) {
      current = null;
      continue;
    }
    const kv = line.match(/^verify_jwt\s*=\s*(true|false)$/);
    if (current && kv) out.set(current, kv[1] === "true");
  }
  return out;
}

/** Parses a dotenv file (KEY=VALUE lines, # comments, optional quotes). */
export function parseDotenv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = line.match(/^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/);
    if (!m) continue;
    let value = m[2].trim();
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
      value = value.slice(1, -1);
    }
    env[m[1]] = value;
  }
  return env;
}
