// deno-lint-ignore-file no-explicit-any -- rows from the database and the page are compared field by field
// The static status page in headless Chromium, served from its own origin (as from a static host) and reading
// the status function of a private stack across origins (as a hosted project): during a running backfill the
// heatmap's finished days must match the database; once done, the counts must too. Screenshots go to
// test-output/dashboard-running.png and test-output/dashboard.png.
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { REPO_ROOT } from "../../local/stack/constants.ts";
import { DASHBOARD_FILE, serveDashboard } from "../../local/dashboard/serve.ts";
import { connect, DB_MISSING, dbReachable, resetIngestedData } from "../_helpers/db.ts";
import { startTestStack, waitForBackfill } from "../_helpers/test_stack.ts";

const CHROMIUM = "/usr/bin/chromium";
const dbOk = await dbReachable();
const ignore = !dbOk || !existsSync(CHROMIUM);
if (!dbOk) console.warn(`dashboard test skipped: ${DB_MISSING}`);
else if (!existsSync(CHROMIUM)) {
  console.warn("dashboard test skipped: no /usr/bin/chromium (run local/stack/setup.sh)");
}

/** The database is shared with other suites; a reset racing their workers can deadlock: try again. */
async function resetWithRetry(sql: ReturnType<typeof connect>) {
  for (let i = 0;; i++) {
    try {
      return await resetIngestedData(sql);
    } catch (err) {
      if (i >= 4 || (err as { code?: string }).code !== "40P01") throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

const TOKEN = "status-read-token-for-the-page-01";
const OUT = `${REPO_ROOT}/test-output`;

Deno.test({
  name:
    "dashboard: the page on another origin shows a running backfill's heatmap and counts as in the database",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    mkdirSync(OUT, { recursive: true });
    const sql = connect();
    const stack = await startTestStack({
      // a few calls per second keep the backfill running for several seconds
      env: { STATUS_READ_TOKEN: TOKEN, BACKFILL_LEASE_SECONDS: "5", RACING_API_RATE_PER_SECOND: "1.5" },
    });
    const pageAc = new AbortController();
    const pageServer = serveDashboard({ port: 0, signal: pageAc.signal });
    const pageUrl = `http://127.0.0.1:${pageServer.addr.port}/`;
    const userDataDir = await Deno.makeTempDir({ prefix: "status-chromium-" });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--disk-cache-dir=${userDataDir}/cache`,
      ],
    });
    try {
      // The local stack serves the same file at /dashboard/.
      const viaGateway = await fetch(`${stack.functionsUrl.replace(/\/functions\/v1$/, "")}/dashboard/`);
      assert.equal(viaGateway.status, 200);
      assert.equal(await viaGateway.text(), await Deno.readTextFile(DASHBOARD_FILE));

      await resetWithRetry(sql);
      // What an earlier run left behind: a rejected record and a day that failed (outside this plan).
      await sql`insert into ra_internal.rejects (source, record_key, raw, reason, first_seen, last_seen)
        values ('results.runner', 'rac_seeded/hrs_seeded', '{"horse_id": 42}', 'horse_id: expected string, got number',
                now(), now())`;
      await sql`insert into ra_internal.backfill_days (regions, day, status, api_calls, error)
        values ('gb,ire', '2023-02-10', 'failed', 1, 'HTTP 503 from /v1/results after 5 attempts')`;
      const from = "2023-01-12", to = "2023-01-25";
      assert.equal((await stack.call("backfill", { body: { from, to } })).status, 202);
      // Polled alongside the page (resuming the backfill like the minute cron job would); awaited below.
      const done = waitForBackfill(stack, { timeoutMs: 90_000 }).then(
        (p) => ({ ok: true as const, p }),
        (err) => ({ ok: false as const, err }),
      );

      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const consoleErrors: string[] = [];
      page.on("pageerror", (e) => consoleErrors.push(String(e)));
      await page.goto(pageUrl);
      await page.fill("#url", stack.functionsUrl);
      await page.fill("#key", TOKEN);
      await page.click("#connect");

      // --- while the backfill runs ----------------------------------------------------------------------
      try {
        await page.waitForFunction(
          () =>
            (globalThis as any).document.querySelector("#state")?.textContent === "running" &&
            (globalThis as any).document.querySelectorAll('#cal i[data-s="D"]').length >= 2,
          undefined,
          { timeout: 60_000, polling: 250 },
        );
      } catch (err) {
        await page.screenshot({ path: `${OUT}/dashboard-failure.png`, fullPage: true });
        const seen = `page: ${await page.textContent("#conn")}, state ${await page.textContent("#state")
          .catch(() => "?")}`;
        throw new Error(`${seen}; logs:\n${stack.logs.slice(-15).join("\n")}`, { cause: err });
      }
      const running = await page.$$eval(
        "#cal i[data-i]",
        (els) => els.map((e: any) => ({ d: e.dataset.d, s: e.dataset.s, r: Number(e.dataset.r) })),
      );
      const seenDone = running.filter((c) => c.s === "D");
      const seenPending = running.filter((c) => c.s === "W" && c.d >= from && c.d <= to);
      assert.ok(seenPending.length > 0, "some days of the range are still pending while it runs");
      const dbRaces = async () =>
        new Map(
          (await sql<any[]>`select race_date::text as d, count(*)::int as n from ra_races group by 1`).map((
            r,
          ) => [r.d, r.n]),
        );
      const racesNow = await dbRaces();
      for (const c of seenDone) {
        assert.equal(c.r, racesNow.get(c.d), `${c.d}: races on the heatmap = database`);
      }
      assert.ok(
        await page.textContent("#conn").then((t) => /refresh every 5 s/.test(t ?? "")),
        "auto-refresh on",
      );

      // Hover shows races and runners.
      const cell = seenDone[0];
      await page.hover(`#cal i[data-d="${cell.d}"]`);
      const tip = await page.textContent("#tip");
      const [{ runners }] = await sql<any[]>`
        select count(*)::int as runners from ra_runners u join ra_races r using (race_id) where r.race_date = ${cell.d}`;
      assert.match(
        tip ?? "",
        new RegExp(`${cell.d}.*done.*${cell.r} races · ${runners.toLocaleString("en-GB")} runners`),
      );
      await page.screenshot({ path: `${OUT}/dashboard-running.png`, fullPage: true });

      // --- once done: the auto-refresh (or a click) shows the final figures ------------------------------
      const finished = await done;
      if (!finished.ok) throw finished.err;
      assert.equal(finished.p.state, "done");
      await page.click("#connect");
      await page.waitForFunction(
        () => (globalThis as any).document.querySelector("#state")?.textContent === "done",
        undefined,
        {
          timeout: 20_000,
        },
      );
      const racesDone = await dbRaces();
      const cells = await page.$$eval(
        "#cal i[data-i]",
        (els) => els.map((e: any) => ({ d: e.dataset.d, s: e.dataset.s, r: Number(e.dataset.r) })),
      );
      for (const c of cells.filter((c) => c.d >= from && c.d <= to)) {
        const n = racesDone.get(c.d);
        assert.equal(c.s, n ? "D" : "N", `${c.d}: ${n ? "done" : "no racing"}`);
        assert.equal(c.r, n ?? 0, `${c.d}: races`);
      }
      const [{ span }] = await sql<any[]>`
        select ((now() at time zone 'Europe/London')::date - ${from}::date + 1)::int as span`;
      assert.equal(cells.length, span, "one cell per day from the backfill's start to today");
      const shown = await page.$$eval(
        "td[data-table]",
        (els) =>
          Object.fromEntries(els.map((e: any) => [e.dataset.table, Number(e.textContent.replace(/,/g, ""))])),
      );
      assert.equal(Object.keys(shown).length, 18, "18 tables listed");
      for (const [t, n] of Object.entries(shown)) {
        const [{ c }] = await sql.unsafe(`select count(*)::int as c from public.${t}`);
        assert.equal(n, c, `row count of ${t} on the page`);
      }
      const [y] = await sql<
        any[]
      >`select count(*)::int as races, sum(runner_rows)::int as runners from ra_races`;
      // The click's full report (with coverage) may land after a light auto-refresh already said "done".
      await page.waitForFunction(
        (expected: number) =>
          (globalThis as any).document.querySelector('tr[data-year="2023"] td[data-col="races"]')?.textContent
            ?.replace(/,/g, "") === String(expected),
        y.races,
        { timeout: 20_000 },
      ).catch(() => {/* the assertion below reports the mismatch */});
      const covRaces = Number(
        (await page.textContent('tr[data-year="2023"] td[data-col="races"]'))!.replace(/,/g, ""),
      );
      const covRunners = Number(
        (await page.textContent('tr[data-year="2023"] td[data-col="runners"]'))!.replace(/,/g, ""),
      );
      assert.deepEqual([covRaces, covRunners], [y.races, y.runners], "coverage by year = database");
      assert.match(
        await page.textContent("#rejects") ?? "",
        /rac_seeded\/hrs_seeded.*expected string, got number/s,
      );
      assert.match(await page.textContent("#failed") ?? "", /2023-02-10.*HTTP 503 from \/v1\/results/s);
      assert.equal(
        await page.getAttribute('#cal i[data-d="2023-02-10"]', "data-s"),
        "F",
        "the failed day is red",
      );
      assert.deepEqual(consoleErrors, [], "no script errors");
      await page.screenshot({ path: `${OUT}/dashboard.png`, fullPage: true });

      // --- opened from disk, it works the same -----------------------------------------------------------
      const disk = await browser.newPage();
      await disk.goto(`file://${DASHBOARD_FILE}`);
      await disk.fill("#url", stack.functionsUrl);
      await disk.fill("#key", TOKEN);
      await disk.click("#connect");
      await disk.waitForFunction(
        () => (globalThis as any).document.querySelector("#state")?.textContent === "done",
        undefined,
        {
          timeout: 20_000,
        },
      );
      // A wrong token shows the refusal, not a broken page.
      await disk.fill("#key", "not-the-token-not-the-token");
      await disk.click("#connect");
      await disk.waitForFunction(() =>
        /failed: 401/.test((globalThis as any).document.querySelector("#conn")?.textContent ?? "")
      );
    } finally {
      await browser.close().catch(() => {});
      pageAc.abort();
      await pageServer.finished;
      await stack.close();
      await sql.end();
      await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
    }
  },
});
