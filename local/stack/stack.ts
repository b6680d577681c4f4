// deno task stack up|down|status|restart — start, stop or inspect the local stack (idempotent).
// The database cluster itself is managed by local/stack/setup.sh (npm run setup); this starts the
// gateway + pg_net stand-in + simulator daemon in the background and waits until it answers.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import {
  ANON_KEY,
  API_URL,
  DB_URL,
  FUNCTIONS_URL,
  LOG_DIR,
  REPO_ROOT,
  SERVICE_ROLE_KEY,
  SIMULATOR_URL,
  STATE_DIR,
} from "./constants.ts";

const PID_FILE = `${STATE_DIR}/stack.pid`;

function alivePid(): number | null {
  if (!existsSync(PID_FILE)) return null;
  const pid = Number(readFileSync(PID_FILE, "utf8").trim());
  try {
    Deno.kill(pid, "SIGCONT");
    return pid;
  } catch {
    return null;
  }
}

async function healthy(): Promise<boolean> {
  try {
    const r = await fetch(`${API_URL}/health`, { signal: AbortSignal.timeout(1000) });
    await r.body?.cancel();
    return r.ok;
  } catch {
    return false;
  }
}

async function dbReady(): Promise<boolean> {
  const r = await new Deno.Command("pg_isready", { args: ["-q", "-h", "127.0.0.1", "-p", "54322"] }).output();
  return r.success;
}

async function up() {
  if (!(await dbReady())) {
    console.error("stack: PostgreSQL is not answering on 127.0.0.1:54322. Run `npm run setup` first.");
    Deno.exit(1);
  }
  if (alivePid() && (await healthy())) {
    console.log(`stack: already running (pid ${alivePid()})`);
    return;
  }
  const stale = alivePid();
  if (stale) Deno.kill(stale, "SIGKILL");
  if (!stale && (await healthy())) {
    console.error(
      `stack: ${API_URL} is answering but not from this checkout's stack (${PID_FILE} names no live process). ` +
        "Another checkout's stack is probably running: stop it there with `deno task stack down`, then retry.",
    );
    Deno.exit(1);
  }
  mkdirSync(LOG_DIR, { recursive: true });
  const cmd =
    `nohup setsid "${Deno.execPath()}" run -A --no-check local/stack/daemon.ts >>"${LOG_DIR}/stack.log" 2>&1 & echo $!`;
  const out = await new Deno.Command("bash", { args: ["-c", cmd], cwd: REPO_ROOT }).output();
  const pid = Number(new TextDecoder().decode(out.stdout).trim());
  writeFileSync(PID_FILE, `${pid}\n`);
  for (let i = 0; i < 100; i++) {
    if (await healthy()) {
      console.log(`stack: started (pid ${pid})`);
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  console.error(`stack: did not answer on ${API_URL} within 20 s; see ${LOG_DIR}/stack.log`);
  Deno.exit(1);
}

async function down() {
  const pid = alivePid();
  if (!pid) {
    console.log("stack: not running");
    rmSync(PID_FILE, { force: true });
    return;
  }
  Deno.kill(pid, "SIGTERM");
  for (let i = 0; i < 50 && alivePid(); i++) await new Promise((r) => setTimeout(r, 100));
  if (alivePid()) Deno.kill(pid, "SIGKILL");
  rmSync(PID_FILE, { force: true });
  console.log("stack: stopped");
}

async function status() {
  const running = alivePid() !== null && (await healthy());
  console.log(
    `gateway + pg_net stand-in + simulator: ${running ? `running (pid ${alivePid()})` : "stopped"}`,
  );
  console.log(`database:        ${(await dbReady()) ? "up" : "down"}  ${DB_URL}`);
  console.log(`functions:       ${FUNCTIONS_URL}/<name>`);
  console.log(`simulator:       ${SIMULATOR_URL} (Racing API stand-in, user sim_user / password sim_pass)`);
  console.log(`anon key:        ${ANON_KEY}`);
  console.log(`service key:     ${SERVICE_ROLE_KEY}`);
  console.log(`logs:            ${LOG_DIR}/{stack,functions,pg_net}.log`);
  return running;
}

switch (Deno.args[0]) {
  case "up":
    await up();
    break;
  case "down":
    await down();
    break;
  case "restart":
    await down();
    await up();
    break;
  case "status":
    if (!(await status())) Deno.exit(1);
    break;
  default:
    console.error("usage: deno task stack up|down|status|restart");
    Deno.exit(2);
}
