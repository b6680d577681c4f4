// deno-lint-ignore-file no-explicit-any -- function answers are arbitrary JSON, asserted field by field
// A private copy of the local stack for one test or benchmark run: its own Racing API simulator and its own
// gateway (functions run as separate processes, as hosted), sharing only the database. Functions get the
// env the test asks for (short leases, small budgets, the simulator's URL).
import { type SimulatorOptions, startSimulator } from "../simulator/server.ts";
import { SERVICE_ROLE_KEY } from "./constants.ts";
import { createGateway } from "./gateway.ts";

export interface TestStack {
  functionsUrl: string;
  sim: Awaited<ReturnType<typeof startSimulator>>;
  logs: string[];
  call(
    fn: string,
    init?: { method?: string; body?: unknown; key?: string | null },
  ): Promise<{ status: number; body: any }>;
  /** PIDs of this stack's running function workers for `fn`. */
  workerPids(fn: string): number[];
  close(): Promise<void>;
}

export async function startTestStack(
  opts: { env?: Record<string, string>; sim?: SimulatorOptions } = {},
): Promise<TestStack> {
  const sim = await startSimulator({ rateLimitPerSecond: null, ...opts.sim });
  const logs: string[] = [];
  const ac = new AbortController();
  let base = "";
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
    createGateway({
      log: (l) => logs.push(l),
      apiUrl: () => base,
      extraEnv: {
        RACING_API_URL: sim.url,
        RACING_API_USERNAME: "sim_user",
        RACING_API_PASSWORD: "sim_pass",
        RACING_API_RATE_PER_SECOND: "50",
        ...opts.env,
      },
    }),
  );
  base = `http://127.0.0.1:${server.addr.port}`;
  const stack: TestStack = {
    functionsUrl: `${base}/functions/v1`,
    sim,
    logs,
    async call(fn, init = {}) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      const key = init.key === undefined ? SERVICE_ROLE_KEY : init.key;
      if (key) headers.authorization = `Bearer ${key}`;
      const r = await fetch(`${base}/functions/v1/${fn}`, {
        method: init.method ?? (init.body === undefined ? "GET" : "POST"),
        headers,
        body: init.body === undefined
          ? undefined
          : typeof init.body === "string"
          ? init.body
          : JSON.stringify(init.body),
      });
      const text = await r.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch { /* not JSON */ }
      return { status: r.status, body };
    },
    workerPids(fn) {
      const pids: number[] = [];
      for (const entry of Deno.readDirSync("/proc")) {
        if (!/^\d+$/.test(entry.name)) continue;
        try {
          const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
          const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
          if (ppid !== Deno.pid) continue;
          const cmd = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`);
          if (cmd.includes("function_host.ts") && cmd.includes(`/functions/${fn}/index.ts`)) {
            pids.push(Number(entry.name));
          }
        } catch { /* process ended */ }
      }
      return pids;
    },
    async close() {
      ac.abort();
      await server.finished;
      // Workers outlive their response (background work); none may outlive the test.
      for (const fn of ["backfill", "sync", "masters", "status", "echo"]) {
        for (const pid of stack.workerPids(fn)) {
          try {
            Deno.kill(pid, "SIGKILL");
          } catch { /* gone */ }
        }
      }
      await new Promise((r) => setTimeout(r, 200));
      await sim.close();
    },
  };
  return stack;
}

/** Polls the backfill's progress until done (or halted), resuming it when no worker runs (the cron's job). */
export async function waitForBackfill(
  stack: TestStack,
  opts: { timeoutMs?: number; resume?: boolean } = {},
): Promise<any> {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  let idleSince: number | null = null;
  while (Date.now() < deadline) {
    const { body: p } = await stack.call("backfill");
    if (p.state === "done" || p.state === "halted") return p;
    if (p.state === "waiting" && opts.resume !== false) {
      idleSince ??= Date.now();
      // Like the minute cron job: no chunk is leased and work remains → start a worker.
      if (Date.now() - idleSince > 1000) {
        await stack.call("backfill", { body: { continue: true } });
        idleSince = null;
      }
    } else idleSince = null;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("backfill did not finish in time; last logs:\n" + stack.logs.slice(-20).join("\n"));
}
