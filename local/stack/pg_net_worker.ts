// Delivery worker of the local pg_net stand-in (see bootstrap.sql). Like pg_net's background worker it sends
// queued requests after the calling transaction commits (NOTIFY is delivered on commit; a 1 s poll catches
// anything missed), honours timeout_milliseconds, and stores the outcome in net._http_response under the
// request id. Hosted pg_net hangs on request bodies over 64 KB (supabase/pg_net#225); the stand-in reproduces
// that as a timed-out request instead of hiding it.
import postgres from "postgres";

const BODY_LIMIT_BYTES = 65_536;
const RESPONSE_TTL = "6 hours";

interface QueuedRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array | null;
  timeout_milliseconds: number;
}

interface NetResponseRow {
  id: string;
  status_code: number | null;
  content_type: string | null;
  headers: Record<string, string> | null;
  content: string | null;
  timed_out: boolean;
  error_msg: string | null;
}

export interface PgNetWorker {
  stop(): Promise<void>;
}

export async function startPgNetWorker(dbUrl: string, log: (line: string) => void): Promise<PgNetWorker> {
  const sql = postgres(dbUrl, {
    max: 4,
    onnotice: () => {},
    connection: { application_name: "pg_net stand-in" },
  });
  let draining = false;
  let again = false;
  let stopped = false;
  const inFlight = new Set<Promise<void>>();

  async function deliver(r: QueuedRequest) {
    let row: Omit<NetResponseRow, "id">;
    if (r.body && r.body.byteLength > BODY_LIMIT_BYTES) {
      await new Promise((res) => setTimeout(res, r.timeout_milliseconds));
      row = {
        status_code: null,
        content_type: null,
        headers: null,
        content: null,
        timed_out: true,
        error_msg:
          `Timeout of ${r.timeout_milliseconds} ms reached (request body of ${r.body.byteLength} bytes: ` +
          `hosted pg_net hangs on bodies over 64 KB, supabase/pg_net#225)`,
      };
    } else {
      try {
        const resp = await fetch(r.url, {
          method: r.method,
          headers: r.headers,
          body: r.method === "GET" || !r.body ? undefined : (r.body as Uint8Array<ArrayBuffer>),
          signal: AbortSignal.timeout(r.timeout_milliseconds),
        });
        const content = await resp.text();
        row = {
          status_code: resp.status,
          content_type: resp.headers.get("content-type"),
          headers: Object.fromEntries(resp.headers.entries()),
          content,
          timed_out: false,
          error_msg: null,
        };
      } catch (err) {
        const timedOut = err instanceof DOMException &&
          (err.name === "TimeoutError" || err.name === "AbortError");
        row = {
          status_code: null,
          content_type: null,
          headers: null,
          content: null,
          timed_out: timedOut,
          error_msg: timedOut
            ? `Timeout of ${r.timeout_milliseconds} ms reached`
            : `Couldn't connect: ${err instanceof Error ? err.message : String(err)}`,
        };
      }
    }
    await sql`
      insert into net._http_response ${
      sql(
        { id: r.id, ...row },
        "id",
        "status_code",
        "content_type",
        "headers",
        "content",
        "timed_out",
        "error_msg",
      )
    }
      on conflict (id) do nothing`;
    log(
      `[pg_net] ${r.method} ${r.url.replace(/\?.*$/, "")} -> ${
        row.status_code ?? (row.timed_out ? "timeout" : "error")
      }`,
    );
  }

  async function drain() {
    if (stopped) return;
    if (draining) {
      again = true;
      return;
    }
    draining = true;
    try {
      do {
        again = false;
        const batch = await sql<QueuedRequest[]>`
          delete from net.http_request_queue
          where id in (select id from net.http_request_queue order by id limit 50 for update skip locked)
          returning id, method, url, headers, body, timeout_milliseconds`;
        for (const r of batch) {
          const p = deliver(r).catch((err) => log(`[pg_net] delivery of request ${r.id} failed: ${err}`));
          inFlight.add(p);
          p.finally(() => inFlight.delete(p));
        }
        if (batch.length === 50) again = true;
      } while (again && !stopped);
    } catch (err) {
      // The schema may be mid-reset (db.sh reset drops and re-creates it); the next tick retries.
      if (!String(err).includes("does not exist")) log(`[pg_net] queue read failed: ${err}`);
    } finally {
      draining = false;
    }
  }

  const listener = await sql.listen("pg_net_stand_in", () => void drain());
  const poll = setInterval(() => void drain(), 1000);
  const prune = setInterval(() => {
    sql`delete from net._http_response where created < now() - ${RESPONSE_TTL}::interval`.catch(() => {});
  }, 60_000);
  void drain();

  return {
    async stop() {
      stopped = true;
      clearInterval(poll);
      clearInterval(prune);
      await listener.unlisten();
      await Promise.allSettled([...inFlight]);
      await sql.end({ timeout: 2 });
    },
  };
}
