// Runs one Edge Function for one request, the way a hosted worker does: loads the function's index.ts
// (which calls Deno.serve(handler)), provides EdgeRuntime.waitUntil, serves the request the gateway forwards,
// then exits once the response is sent and every waitUntil promise has settled. On SIGTERM (the gateway's
// limit enforcement) it dispatches `beforeunload`, as hosted does before shutting a worker down.
//   deno run -A local/stack/function_host.ts <path/to/index.ts>
// Prints "READY <port>" on stdout when the function is loaded.

type Handler = (req: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>;

const entry = Deno.args[0];
if (!entry) {
  console.error("usage: function_host.ts <path/to/index.ts>");
  Deno.exit(2);
}

const background = new Set<Promise<unknown>>();
let inFlight = 0;
let served = 0;
let handler: Handler | null = null;

Object.defineProperty(globalThis, "EdgeRuntime", {
  value: {
    waitUntil(promise: Promise<unknown>) {
      const p = Promise.resolve(promise).catch((err) => console.error("waitUntil task failed:", err));
      background.add(p);
      p.finally(() => {
        background.delete(p);
        maybeExit();
      });
    },
  },
});

// Capture the function's handler instead of letting it bind its own port.
const realServe = Deno.serve.bind(Deno);
// deno-lint-ignore no-explicit-any
(Deno as any).serve = (a: unknown, b?: unknown) => {
  if (typeof a === "function") handler = a as Handler;
  else if (typeof b === "function") handler = b as Handler;
  else if (a && typeof (a as { handler?: unknown }).handler === "function") {
    handler = (a as { handler: Handler }).handler;
  }
  return { finished: new Promise(() => {}), shutdown: async () => {}, ref() {}, unref() {}, addr: null };
};

function maybeExit() {
  if (served > 0 && inFlight === 0 && background.size === 0) {
    // Let the response bytes flush before the process ends.
    setTimeout(() => {
      if (inFlight === 0 && background.size === 0) Deno.exit(0);
    }, 50);
  }
}

Deno.addSignalListener("SIGTERM", () => {
  const reason = Deno.env.get("EDGE_SHUTDOWN_REASON") ?? "WallClockTime";
  dispatchEvent(new CustomEvent("beforeunload", { detail: { reason } }));
  setTimeout(() => Deno.exit(143), 500);
});

await import(new URL(entry, `file://${Deno.cwd()}/`).href);
if (!handler) {
  console.error(`${entry} did not call Deno.serve(handler)`);
  Deno.exit(3);
}

realServe({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(`READY ${port}`),
}, async (req, info) => {
  inFlight++;
  try {
    return await handler!(req, info);
  } catch (err) {
    console.error("uncaught error in function:", err);
    return Response.json({ code: "FUNCTION_ERROR", message: "The function failed; see the function log." }, {
      status: 500,
    });
  } finally {
    inFlight--;
    served++;
    maybeExit();
  }
});
