// The local stack's long-running process: the Edge Functions gateway on 54321, the pg_net stand-in's
// delivery worker, and the Racing API simulator on 54330. Started in the background by `deno task stack up`.
import { appendFileSync, existsSync, mkdirSync } from "node:fs";
import { API_PORT, DB_URL, LOG_DIR, REPO_ROOT, SIMULATOR_PORT } from "./constants.ts";
import { createGateway } from "./gateway.ts";
import { startPgNetWorker } from "./pg_net_worker.ts";

mkdirSync(LOG_DIR, { recursive: true });
const logTo = (file: string) => (line: string) =>
  appendFileSync(`${LOG_DIR}/${file}`, `${new Date().toISOString()} ${line}\n`);
const stackLog = logTo("stack.log");

const simulatorModule = `${REPO_ROOT}/local/simulator/server.ts`;
// deno-lint-ignore no-explicit-any
let simulator: any = null;
if (existsSync(simulatorModule)) {
  const { startSimulator } = await import(simulatorModule);
  const rate = Deno.env.get("SIM_RATE_PER_SECOND");
  simulator = await startSimulator({
    port: SIMULATOR_PORT,
    seed: Number(Deno.env.get("SIM_SEED") ?? 1),
    rateLimitPerSecond: rate === "off" ? null : Number(rate ?? 2),
    ...(Deno.env.get("SIM_NOW") ? { now: Deno.env.get("SIM_NOW") } : {}),
  });
  stackLog(`simulator listening on ${simulator.url}`);
}

const pgNet = await startPgNetWorker(DB_URL, logTo("pg_net.log"));
const gateway = createGateway({ log: logTo("functions.log") });
const server = Deno.serve({ hostname: "127.0.0.1", port: API_PORT, onListen: () => {} }, gateway);
stackLog(`gateway listening on http://127.0.0.1:${API_PORT}`);

const shutdown = async () => {
  stackLog("shutting down");
  await server.shutdown();
  await pgNet.stop();
  await simulator?.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGTERM", shutdown);
Deno.addSignalListener("SIGINT", shutdown);
