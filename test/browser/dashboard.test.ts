/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core loads node1's
 * page of a 4-node devnet (through a small TCP proxy the test can cut), sees new slots arrive
 * on the timeline (produced by the scheduled leaders), sees the history panels filled (from
 * the event replay on load, then live), sees the event stream survive a dropped connection
 * (EventSource reconnects with Last-Event-ID: the events of the outage arrive once, no
 * duplicates, no gap), sees a SIGKILLed node turn "ejected" in the committee table and on the
 * timeline, and saves screenshots under reports/browser/ (gitignored).
 *
 * Without /usr/bin/chromium (or BATON_CHROMIUM) the suite is skipped with a message, unless
 * BATON_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { startDevnet, type Devnet } from "@baton/devnet";
import { reportSetupErrors } from "../e2e/helpers.js";

const test = suite("dashboard in chromium");
const CHROMIUM = process.env.BATON_CHROMIUM || "/usr/bin/chromium";
const REQUIRED = process.env.BATON_REQUIRE_BROWSER === "1";
const REPORTS = resolve(fileURLToPath(new URL("../../reports/browser", import.meta.url)));
/** FACTS.md: without the background-networking flags Chromium tries to reach the internet at start. */
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const KILLED = 3; // node4 = sequencer #3
const log = (msg: string) => console.log(`    [browser] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Proxy {
  url: string;
  /** cuts every open connection and refuses new ones for `ms` (a proxy or network hiccup) */
  drop(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1 to `targetPort`: the page is loaded through it, so the test can cut its event stream. */
async function tcpProxy(targetPort: number): Promise<Proxy> {
  const sockets = new Set<Socket>();
  let down = false;
  const server = createServer((client) => {
    if (down) return void client.destroy();
    const upstream = connect(targetPort, "127.0.0.1");
    const done = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", done).on("close", done);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    async drop(ms) {
      down = true;
      for (const s of sockets) s.destroy();
      await sleep(ms);
      down = false;
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

/** The ids in the page's event list, top (newest) first. */
const listedIds = (page: Page) => page.$$eval("#events li[data-id]", (els) => els.map((e) => Number((e as HTMLElement).dataset.id)));

if (!existsSync(CHROMIUM)) {
  if (REQUIRED) {
    test("chromium is installed (BATON_REQUIRE_BROWSER=1)", () => {
      assert.unreachable(`${CHROMIUM} not found: apt-get install -y chromium (or set BATON_CHROMIUM)`);
    });
  } else {
    // no test registered (not test.skip: the test runner's count would go wrong): a clear line instead
    console.log(`    [browser] SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium; BATON_REQUIRE_BROWSER=1 makes this a failure)`);
  }
  test.run();
} else {
  let dir = "";
  let profile = "";
  let devnet: Devnet;
  let ctx: BrowserContext;
  let page: Page;
  let proxy: Proxy;
  let openedAt = 0;
  const pageErrors: string[] = [];

  test.before(reportSetupErrors(async () => {
    dir = mkdtempSync(join(tmpdir(), "baton-browser-"));
    profile = mkdtempSync(join(tmpdir(), "baton-chromium-"));
    mkdirSync(REPORTS, { recursive: true });
    devnet = await startDevnet({
      nodes: 4,
      dir,
      fresh: true,
      slotMs: 500,
      slotsPerEpoch: 8,
      missesToEject: 3,
      baseApiPort: 17640,
      baseP2pPort: 19640,
      genesisDelayMs: 4_000,
      loadAccounts: 2,
      log,
    });
    await devnet.waitReady(30_000);
    // a few seconds of chain before the page opens: the replay on load has history to show
    while ((await (await fetch(`${devnet.nodes[0].apiUrl}/status`)).json()).head.height < 8) await sleep(250);
    proxy = await tcpProxy(Number(new URL(devnet.nodes[0].apiUrl).port));
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1400, height: 900 },
    });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on("pageerror", (e) => pageErrors.push(e.message));
  }));

  test.after(async () => {
    await ctx?.close().catch(() => undefined);
    await proxy?.close();
    await devnet?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const maxProducedSlot = () =>
    page.$$eval("#timeline .slot[data-state=produced]", (els) => Math.max(-1, ...els.map((e) => Number((e as HTMLElement).dataset.slot))));

  test("the page loads from the node and goes live on /events", async () => {
    openedAt = Date.now();
    const res = await page.goto(proxy.url + "/");
    assert.is(res?.status(), 200);
    assert.match(res?.headers()["content-type"] ?? "", /text\/html/);
    assert.match(await page.title(), /Baton node · chain 31337/);
    await page.waitForFunction(() => document.getElementById("conn")?.textContent === "live", null, { timeout: 15_000 });
    await page.waitForFunction(() => document.querySelectorAll("#committee tbody tr").length === 4, null, { timeout: 15_000 });
    await page.waitForFunction(() => Number(document.getElementById("events-received")?.textContent) > 0, null, { timeout: 15_000 });
    const head = Number(await page.textContent("#head-height"));
    assert.ok(head >= 0, "head height shown");
  });

  test("new slots arrive on the timeline, each produced by its scheduled leader", async () => {
    await page.waitForFunction(() => document.querySelectorAll("#timeline .slot[data-state=produced]").length >= 3, null, { timeout: 20_000 });
    const first = await maxProducedSlot();
    await page.waitForFunction(
      (after) => Array.from(document.querySelectorAll<HTMLElement>("#timeline .slot[data-state=produced]")).some((e) => Number(e.dataset.slot) >= after + 3),
      first,
      { timeout: 20_000 },
    );
    const later = await maxProducedSlot();
    log(`timeline advanced from slot ${first} to ${later}`);
    assert.ok(later >= first + 3);
    // against the API: the batch the page shows at that slot is the node's
    const cells = await page.$$eval("#timeline .slot[data-state=produced]", (els) =>
      els.map((e) => ({ slot: Number((e as HTMLElement).dataset.slot), proposer: Number((e as HTMLElement).dataset.proposer) })),
    );
    const status = await (await fetch(devnet.nodes[0].apiUrl + "/status")).json();
    const batch = await (await fetch(`${devnet.nodes[0].apiUrl}/batches/${status.head.height}`)).json();
    const cell = await page.waitForFunction(
      (slot) => document.querySelector<HTMLElement>(`#timeline .slot[data-slot="${slot}"]`)?.dataset.proposer ?? null,
      batch.slot,
      { timeout: 5_000 },
    );
    assert.is(Number(await cell.jsonValue()), batch.proposer, `slot ${batch.slot} shows proposer #${batch.proposer}`);
    assert.ok(cells.length >= 3);
    await page.screenshot({ path: join(REPORTS, "dashboard-live.png"), fullPage: true });
  });

  test("history panels: filled from the replay on load (back before the page opened), then every second", async () => {
    const series = ["headLag", "confLag", "batches", "txs", "misses", "mempool"];
    await page.waitForFunction(
      (names) => names.every((n) => Number(document.querySelector<HTMLElement>(`#history .chart[data-series="${n}"]`)?.dataset.points) >= 5),
      series,
      { timeout: 15_000 },
    );
    const since = Number(await page.getAttribute("#history", "data-since"));
    log(`history reaches back ${((openedAt - since) / 1000).toFixed(1)} s before the page opened`);
    assert.ok(since < openedAt - 2_000, "the replayed batch events filled the time before the page was opened");
    for (const name of ["headLag", "confLag", "batches", "txs", "mempool"]) {
      const points = await page.getAttribute(`#history .chart[data-series="${name}"] polyline.line`, "points");
      assert.ok((points ?? "").split(" ").length >= 5, `${name}: a drawn line (${points?.slice(0, 60)})`);
      assert.not.match((await page.textContent(`#history .chart[data-series="${name}"] .value`)) ?? "–", /^–$/, `${name}: a current value`);
    }
    // batches arrive: the rate is above zero; the confirmation lag is a small number of batches
    assert.ok(Number(await page.getAttribute('#history .chart[data-series="batches"]', "data-last")) > 0);
    assert.ok(Number(await page.getAttribute('#history .chart[data-series="confLag"]', "data-last")) < 20);
    // below the first screen: the header (head, lag, connection) stays in view above the panels
    await page.locator("#history").scrollIntoViewIfNeeded();
    const scrolled = await page.evaluate(() => window.scrollY);
    const conn = await page.locator("#conn").boundingBox();
    assert.ok(scrolled > 0 && conn && conn.y >= 0 && conn.y < 80, `header in view after scrolling ${scrolled} px (conn at ${conn?.y})`);
    await page.screenshot({ path: join(REPORTS, "dashboard-history.png") });
    await page.evaluate(() => window.scrollTo(0, 0));
  });

  test("a dropped stream reconnects with Last-Event-ID: the outage's events arrive once, in order, and the list goes on", async () => {
    await page.waitForFunction(() => document.querySelectorAll("#events li[data-id]").length >= 20, null, { timeout: 15_000 });
    const before = Math.max(...(await listedIds(page)));
    await proxy.drop(2_500); // ~5 slots of events happen while the page is cut off
    await page.waitForFunction(() => Number(document.getElementById("reconnects")?.textContent) >= 1 && document.getElementById("conn")?.textContent === "live", null, {
      timeout: 15_000,
    });
    await page.waitForFunction((id) => Array.from(document.querySelectorAll<HTMLElement>("#events li[data-id]")).some((e) => Number(e.dataset.id) >= id + 20), before, {
      timeout: 15_000,
    });
    const ids = await listedIds(page);
    const dups = Number(await page.getAttribute("#events", "data-dups"));
    log(`event ids ${ids[ids.length - 1]}..${ids[0]} listed (${ids.length}), cut at ${before}, ${dups} repeated events dropped by the page`);
    assert.is(new Set(ids).size, ids.length, "no event is listed twice");
    ids.forEach((id, k) => k > 0 && assert.is(id, ids[k - 1] - 1, `the list is every event, newest first: ${ids[k - 1]} then ${id}`));
    assert.ok(ids.includes(before + 1) && ids.includes(before + 5), "the events of the outage were replayed into the list");
    assert.is(dups, 0, "the browser sent Last-Event-ID and the node replayed only what the page missed");
    assert.equal(pageErrors, [], "no script errors on the page");
  });

  test("a killed node turns ejected in the committee table and on the timeline", async () => {
    const killedAt = await maxProducedSlot();
    devnet.nodes[KILLED].kill("SIGKILL");
    log(`killed node${KILLED + 1} (sequencer #${KILLED}) near slot ${killedAt}`);
    await page.waitForFunction(
      (i) => document.querySelector<HTMLElement>(`#committee tr[data-index="${i}"]`)?.dataset.status === "ejected",
      KILLED,
      { timeout: 30_000 },
    );
    const statusText = await page.textContent(`#committee tr[data-index="${KILLED}"] td.status`);
    assert.is(statusText?.trim(), "ejected");
    // its missed slots, then its later slots handed to fallbacks, are drawn as such
    await page.waitForFunction(
      (i) => document.querySelectorAll(`#timeline .slot[data-state=missed][data-leader="${i}"], #timeline .slot[data-state=ejected][data-leader="${i}"]`).length > 0,
      KILLED,
      { timeout: 20_000 },
    );
    await page.waitForFunction(() => /ejected/.test(document.getElementById("events")?.textContent ?? ""), null, { timeout: 5_000 });
    // batches keep coming after the ejection
    const after = await maxProducedSlot();
    await page.waitForFunction(
      (a) => Array.from(document.querySelectorAll<HTMLElement>("#timeline .slot[data-state=produced]")).some((e) => Number(e.dataset.slot) > a),
      after,
      { timeout: 10_000 },
    );
    const file = join(REPORTS, "dashboard.png");
    await page.screenshot({ path: file, fullPage: true });
    log(`screenshot: ${file}`);
    assert.equal(pageErrors, [], "no script errors on the page");
  });

  test.run();
}
