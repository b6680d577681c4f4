// CLI: deno run -A local/simulator/main.ts --port 54330 --seed 1 [--rate 2|off] [--now ISO] [--plan pro|standard]
//      [--host 127.0.0.1] [--user sim_user] [--pass sim_pass]
import { parseArgs } from "node:util";
import { startSimulator } from "./server.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    port: { type: "string", default: "54330" },
    host: { type: "string", default: "127.0.0.1" },
    seed: { type: "string", default: "1" },
    rate: { type: "string", default: "2" },
    now: { type: "string" },
    plan: { type: "string", default: "pro" },
    user: { type: "string" },
    pass: { type: "string" },
  },
});

const plan = values.plan === "standard" ? "standard" : values.plan === "pro" ? "pro" : null;
if (!plan) throw new Error(`--plan must be pro or standard, got ${values.plan}`);
const rate = values.rate === "off" || values.rate === "null" ? null : Number(values.rate);
if (rate !== null && !(rate > 0)) {
  throw new Error(`--rate must be a positive number or off, got ${values.rate}`);
}

const sim = await startSimulator({
  port: Number(values.port),
  hostname: values.host,
  seed: Number(values.seed),
  rateLimitPerSecond: rate,
  now: values.now,
  plan,
  username: values.user,
  password: values.pass,
});
console.log(sim.url);
const stop = async () => {
  await sim.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);
