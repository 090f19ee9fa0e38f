/**
 * The API contract (issue 10): a real node (one sequencer, producing; real sockets, a real
 * level store) serves GET /openapi.json, the document lists every route of @baton/api's
 * table, and every answer the node gives (successes and errors, through fetch) is one the
 * document allows: its status is listed for the route and its body validates (ajv, JSON
 * Schema 2020-12, as OpenAPI 3.1 uses). Issue 11's manners too: CORS for the allowed origin
 * only, the API token on POST /txs, the batch range route, and the event stream's ids, replay
 * (Last-Event-ID) and topic filter.
 */
import "../../src/util/polyfill.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { API_EVENTS, API_ROUTES, type ApiEventName } from "@baton/api";
import { createChainConfig, encodeTx, makeUserTx, testPreset, toHex, txHash, type Genesis } from "@baton/core";
import { blsKey, edKey } from "@baton/core/testing";
import { Ajv2020 } from "ajv/dist/2020.js";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createNode, type BatonNode } from "../../src/index.js";

const test = suite("api: OpenAPI document against a running node");

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, { schema?: object }> }> }>>;
}

const user = edKey("openapi-user");
const TOKEN = "openapi-test-token";
const AUTH = { authorization: `Bearer ${TOKEN}` };
const ALLOWED = "http://app.example:8080";
const seq = blsKey("openapi-seq");
let node: BatonNode;
let dataDir = "";
let base = "";
let doc: OpenApiDoc;
const ajv = new Ajv2020({ strict: false, allErrors: true });
/** route ids whose answers the test has checked, to prove every route is covered */
const covered = new Set<string>();

test.before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "baton-openapi-"));
  const config = createChainConfig({ genesisTime: Date.now() - 1_000, slotMs: 250, slotsPerEpoch: 8 }, testPreset);
  const genesis: Genesis = {
    config,
    sequencers: [{ pubkey: seq.publicKey, account: edKey("openapi-seq-account").publicKey, stake: 10_000n }],
    accounts: [{ pubkey: user.publicKey, balance: 1_000_000n }],
  };
  node = await createNode({
    genesis,
    dataDir,
    sequencerKey: seq,
    p2p: { listenAddrs: ["/ip4/127.0.0.1/tcp/0"], bootstrap: [] },
    api: { host: "127.0.0.1", port: 0, enabled: true, corsOrigins: [ALLOWED], token: TOKEN },
    metrics: { host: "127.0.0.1", port: 0 },
    mempool: { maxSize: 1_000 },
    logLevel: process.env.LOG_LEVEL ?? "silent",
  });
  base = `http://127.0.0.1:${node.apiPort}`;
  const deadline = Date.now() + 10_000;
  while (node.chain.getHead().height < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.ok(node.chain.getHead().height >= 2, "the node produced no batch");
  doc = (await (await fetch(`${base}/openapi.json`)).json()) as OpenApiDoc;
});

test.after(async () => {
  await node?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** The OpenAPI path of a route ("/batches/:id" → "/batches/{id}"). */
const openApiPath = (url: string) => url.replace(/:([a-zA-Z]+)/g, "{$1}");

/** The document's schema for this answer of route `id` (fails if it lists no such status or media type). */
function documentedSchema(id: keyof typeof API_ROUTES, path: string, res: Response): object {
  const route = API_ROUTES[id];
  const op = doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
  assert.ok(op, `${route.method} ${route.url} is not in the document`);
  const answer = op.responses[String(res.status)];
  assert.ok(answer, `${route.method} ${path} answered ${res.status}, which the document does not list`);
  const mediaType = (res.headers.get("content-type") ?? "").split(";")[0];
  const schema = answer.content?.[mediaType]?.schema;
  assert.ok(schema, `${route.method} ${path}: no ${mediaType} schema for ${res.status} in the document`);
  return schema;
}

/** Calls the node and checks the answer against the document; returns the parsed body. */
async function check(id: keyof typeof API_ROUTES, path: string, init: RequestInit = {}, expectStatus = 200): Promise<unknown> {
  const route = API_ROUTES[id];
  const res = await fetch(`${base}${path}`, { method: route.method, ...init, signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  assert.is(res.status, expectStatus, `${route.method} ${path}: ${text.slice(0, 200)}`);
  const schema = documentedSchema(id, path, res);
  const body = (res.headers.get("content-type") ?? "").startsWith("application/json") ? JSON.parse(text) : text;
  const validate = ajv.compile(schema);
  assert.ok(validate(body), `${route.method} ${path} → ${res.status} does not match the document: ${ajv.errorsText(validate.errors)}\n${text.slice(0, 300)}`);
  covered.add(id);
  return body;
}

interface Sse {
  id: number;
  name: string;
  data: unknown;
}

/** One server-sent event block (comments and `retry:` only → null). */
function parseSse(block: string): Sse | null {
  const ev: Partial<Sse> = {};
  for (const line of block.split("\n")) {
    const [field, ...rest] = line.split(": ");
    const value = rest.join(": ");
    if (field === "id") ev.id = Number(value);
    else if (field === "event") ev.name = value;
    else if (field === "data") ev.data = JSON.parse(value);
  }
  return ev.name === undefined ? null : (ev as Sse);
}

/**
 * GET `path` as an event stream: reads events until `enough(events)`, then hangs up. Each
 * event has an id and its data validates against its API_EVENTS schema. Counts GET /events as called.
 */
async function readStream(path: string, headers: Record<string, string>, enough: (events: Sse[]) => boolean): Promise<{ res: Response; events: Sse[] }> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), 10_000);
  const res = await fetch(`${base}${path}`, { headers, signal: ctrl.signal });
  assert.is(res.status, 200, path);
  const events: Sse[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    while (!enough(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const ev = parseSse(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (ev) events.push(ev);
      }
    }
  } catch (e) {
    assert.unreachable(`${path}: ${(e as Error).message} after ${events.length} events`);
  } finally {
    clearTimeout(timer);
    ctrl.abort();
  }
  for (const e of events) {
    assert.ok(Number.isSafeInteger(e.id), `${path}: an event without an id`);
    const validate = ajv.compile(API_EVENTS[e.name as ApiEventName]);
    assert.ok(validate(e.data), `${path}: ${e.name} ${ajv.errorsText(validate.errors)}`);
  }
  covered.add("getEvents");
  return { res, events };
}

test("the document is OpenAPI 3.1 and lists every route of the table", () => {
  assert.is(doc.openapi, "3.1.0");
  for (const [id, route] of Object.entries(API_ROUTES)) {
    const op = doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
    assert.ok(op, `${id}: ${route.method} ${route.url} missing`);
    assert.is(op.operationId, id);
  }
  // the write route names its bearer token; the stream documents its Last-Event-ID header
  const raw = doc as unknown as { components: { securitySchemes: Record<string, { scheme: string }> }; paths: Record<string, Record<string, { security?: unknown; parameters?: { in: string; name: string }[] }>> };
  assert.is(raw.components.securitySchemes.apiToken.scheme, "bearer");
  assert.equal(raw.paths["/txs"].post.security, [{ apiToken: [] }]);
  assert.equal(raw.paths["/status"].get.security, undefined);
  const params = raw.paths["/events"].get.parameters ?? [];
  assert.ok(params.some((p) => p.in === "header" && p.name === "last-event-id"), JSON.stringify(params));
  assert.ok(params.some((p) => p.in === "query" && p.name === "topics"));
  assert.ok((raw.paths["/batches"].get.parameters ?? []).some((p) => p.in === "query" && p.name === "count"));
});

test("batch range: GET /batches?from&count, the head chain in order, as the Batch schema", async () => {
  const deadline = Date.now() + 5_000;
  while (node.chain.getHead().height < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const three = (await check("getBatches", "/batches?from=1&count=3")) as { height: number; root: string }[];
  assert.equal(
    three.map((b) => b.height),
    [1, 2, 3],
  );
  for (const b of three) assert.equal(await check("getBatch", `/batches/${b.height}`), b);
  for (let k = 1; k < three.length; k++) assert.is((three[k] as unknown as { parentRoot: string }).parentRoot, three[k - 1].root);
  const head = node.chain.getHead().height;
  const dflt = (await check("getBatches", "/batches?from=0")) as { height: number }[];
  assert.ok(dflt.length >= Math.min(64, head + 1) && dflt.length <= 64, `default count: ${dflt.length} batches, head ${head}`);
  assert.ok(dflt.every((b, i) => b.height === i));
  assert.equal(await check("getBatches", `/batches?from=${head + 1_000}&count=5`), []);
  assert.is((await check("getBatches", "/batches?from=1&count=256")) instanceof Array, true);
  for (const bad of ["/batches?from=1&count=0", "/batches?from=1&count=257", "/batches", "/batches?from=abc", "/batches?from=1&count=1.5"]) {
    const e = (await check("getBatches", bad, {}, 400)) as { error: { code: string; message: string } };
    assert.is(e.error.code, "INVALID_PARAM", bad);
  }
  const over = (await check("getBatches", "/batches?from=1&count=300", {}, 400)) as { error: { message: string } };
  assert.match(over.error.message, "count: expected an integer in [1, 256]");
});

test("chain views: status, sequencers, schedule, batches", async () => {
  const status = (await check("getStatus", "/status")) as { head: { height: number; root: string }; epoch: number };
  assert.ok(status.head.height >= 2);
  const seqs = (await check("getSequencers", "/sequencers")) as { stake: string }[];
  assert.is(seqs[0].stake, "10000");
  await check("getSchedule", "/schedule");
  await check("getSchedule", `/schedule?epoch=${status.epoch}`);
  await check("getSchedule", "/schedule?epoch=99999", {}, 400);
  await check("getSchedule", "/schedule?epoch=abc", {}, 400);
  const b1 = (await check("getBatch", "/batches/1")) as { root: string; height: number };
  assert.is(b1.height, 1);
  assert.equal(((await check("getBatch", `/batches/${b1.root}`)) as { height: number }).height, 1);
  await check("getBatch", `/batches/0x${"00".repeat(32)}`, {}, 404);
  await check("getBatch", "/batches/0x12", {}, 400);
  await check("getBatch", "/batches/%zz", {}, 400);
  await check("getBatch", "/batches/1/", {}, 200); // a trailing slash is the same route
});

test("txs: submit (good and refused), follow, account, mempool", async () => {
  const account = (await check("getAccount", `/accounts/${toHex(user.publicKey)}`)) as { nextNonce: number; exists: boolean };
  assert.ok(account.exists);
  await check("getAccount", `/accounts/${toHex(edKey("nobody").publicKey)}`);
  await check("getAccount", "/accounts/0x1234", {}, 400);
  const tx = makeUserTx(node.chain.config.chainId, user, { nonce: account.nextNonce, fee: 1n, payload: new Uint8Array([1, 2, 3]) });
  const hash = toHex(txHash(tx));
  const body = JSON.stringify({ txs: [toHex(encodeTx(tx))] });
  // the node has an API token: POST /txs without it (or with another) is 401, GET routes stay open
  const noToken = (await check("submitTxs", "/txs", { body }, 401)) as { error: { code: string } };
  assert.is(noToken.error.code, "UNAUTHORIZED");
  await check("submitTxs", "/txs", { body, headers: { authorization: "Bearer not-the-token" } }, 401);
  const ok = (await check("submitTxs", "/txs", { body, headers: AUTH })) as { hashes: string[] };
  assert.equal(ok.hashes, [hash]);
  const next = makeUserTx(node.chain.config.chainId, user, { nonce: account.nextNonce + 1, fee: 1n, payload: new Uint8Array([4]) });
  const forged = { ...next, signature: new Uint8Array(64).fill(7) };
  const refused = (await check("submitTxs", "/txs", { body: JSON.stringify({ txs: [toHex(encodeTx(forged))] }), headers: AUTH }, 400)) as {
    error: { code: string };
  };
  assert.is(refused.error.code, "MEMPOOL_BAD_SIGNATURE");
  await check("submitTxs", "/txs", { body: "{not json", headers: AUTH }, 400);
  await check("submitTxs", "/txs", { body: "", headers: AUTH }, 400);
  await check("submitTxs", "/txs", { body: JSON.stringify({ txs: ["0xzz"] }), headers: AUTH }, 400);
  await check("getTx", `/txs/${hash}`);
  await check("getTx", `/txs/0x${"ff".repeat(32)}`, {}, 404);
  await check("getTx", "/txs/%E0%A4%A", {}, 400);
  await check("getMempool", "/mempool");
  // the tx is included within a few slots
  const deadline = Date.now() + 5_000;
  let st = "";
  while (Date.now() < deadline && st !== "included" && st !== "confirmed") {
    st = ((await check("getTx", `/txs/${hash}`)) as { status: string }).status;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(st === "included" || st === "confirmed", `tx status ${st}`);
});

test("health, readiness, sync state, version: a synced single-sequencer node is healthy", async () => {
  const health = (await check("getHealth", "/health")) as { status: string; reasons: string[] };
  assert.is(health.status, "healthy", health.reasons.join("; "));
  await check("getReady", "/readyz");
  const syncing = (await check("getSyncing", "/syncing")) as { isSyncing: boolean; isStalled: boolean; syncDistance: number };
  assert.equal([syncing.isSyncing, syncing.isStalled], [false, false]);
  assert.ok(syncing.syncDistance <= 4, `distance ${syncing.syncDistance}`);
  const version = (await check("getVersion", "/version")) as { version: string; runtime: string };
  assert.match(version.runtime, process.version);
  assert.is(((await check("getStatus", "/status")) as { version: string }).version, version.version);
});

test("an isolated node (a 2-sequencer chain, no peers) is unhealthy: /health 503 naming why, /readyz 503", async () => {
  const other = blsKey("openapi-seq-2");
  const genesis: Genesis = {
    config: createChainConfig({ genesisTime: Date.now() - 1_000, slotMs: 250, slotsPerEpoch: 8 }, testPreset),
    sequencers: [seq, other].map((k, i) => ({ pubkey: k.publicKey, account: edKey(`isolated-${i}`).publicKey, stake: 10_000n })),
    accounts: [],
  };
  const dir = await mkdtemp(join(tmpdir(), "baton-isolated-"));
  const lonely = await createNode({
    genesis,
    dataDir: dir,
    sequencerKey: seq,
    p2p: { listenAddrs: ["/ip4/127.0.0.1/tcp/0"], bootstrap: [] },
    api: { host: "127.0.0.1", port: 0, enabled: true },
    metrics: { host: "127.0.0.1", port: 0 },
    mempool: { maxSize: 100 },
    logLevel: process.env.LOG_LEVEL ?? "silent",
  });
  try {
    const res = await fetch(`http://127.0.0.1:${lonely.apiPort}/health`);
    const body = (await res.json()) as { status: string; reasons: string[]; peers: number };
    assert.is(res.status, 503);
    assert.equal([body.status, body.peers], ["unhealthy", 0]);
    assert.ok(body.reasons.includes("no peers"), body.reasons.join("; "));
    assert.is((await fetch(`http://127.0.0.1:${lonely.apiPort}/readyz`)).status, 503);
    // this node has no apiCorsOrigins: no CORS headers for anyone, preflights refused
    const pre = await fetch(`http://127.0.0.1:${lonely.apiPort}/txs`, { method: "OPTIONS", headers: { origin: ALLOWED, "access-control-request-method": "POST" } });
    assert.is(pre.status, 405);
    assert.is(pre.headers.get("access-control-allow-origin"), null);
    const get = await fetch(`http://127.0.0.1:${lonely.apiPort}/health`, { headers: { origin: ALLOWED } });
    assert.is(get.headers.get("access-control-allow-origin"), null);
    // and no token: POST /txs is open (a refused tx, not a 401)
    assert.is((await fetch(`http://127.0.0.1:${lonely.apiPort}/txs`, { method: "POST", body: '["0x00"]' })).status, 400);
  } finally {
    await lonely.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test("operator views: dashboard, peers, metrics (its own listener), event stream, the document itself", async () => {
  const html = (await check("dashboard", "/")) as string;
  assert.match(html, "<html");
  assert.equal(await check("getPeers", "/peers"), []);
  // metrics are on their own listener, not the API's
  assert.is((await fetch(`${base}/metrics`)).status, 404);
  const metrics = await (await fetch(`http://127.0.0.1:${node.metricsPort}/metrics`)).text();
  assert.match(metrics, "baton_head_height");
  assert.match(metrics, 'baton_node_sequencer_status{status="active"} 1');
  assert.match(metrics, 'baton_health_status{status="healthy"} 1');
  assert.is((await fetch(`http://127.0.0.1:${node.metricsPort}/status`)).status, 404, "the metrics listener serves nothing else");
  await check("getOpenApi", "/openapi.json");
  // the event stream: its first batch event validates against the BatchEvent schema
  const { res, events } = await readStream("/events", {}, (evs) => evs.some((e) => e.name === "batch"));
  assert.is(res.headers.get("content-type"), "text/event-stream");
  documentedSchema("getEvents", "/events", res);
  assert.ok(events.some((e) => e.name === "batch"));
});

test("CORS: the allowed origin gets the headers and its preflight answered; another origin gets neither", async () => {
  const preflight = (origin: string) =>
    fetch(`${base}/txs`, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" } });
  const ok = await preflight(ALLOWED);
  assert.is(ok.status, 204);
  assert.is(ok.headers.get("access-control-allow-origin"), ALLOWED);
  assert.match(ok.headers.get("access-control-allow-methods") ?? "", /POST/);
  assert.match(ok.headers.get("access-control-allow-headers") ?? "", /Authorization/);
  assert.ok(ok.headers.get("access-control-max-age"));
  const refused = await preflight("http://evil.example");
  assert.is(refused.status, 405);
  assert.is(refused.headers.get("access-control-allow-origin"), null);
  assert.is(((await refused.json()) as { error: { code: string } }).error.code, "METHOD_NOT_ALLOWED");
  // simple requests: the header for the allowed origin only, on answers and errors alike
  assert.is((await fetch(`${base}/status`, { headers: { origin: ALLOWED } })).headers.get("access-control-allow-origin"), ALLOWED);
  assert.is((await fetch(`${base}/status`, { headers: { origin: "http://evil.example" } })).headers.get("access-control-allow-origin"), null);
  const unauthorized = await fetch(`${base}/txs`, { method: "POST", body: "[]", headers: { origin: ALLOWED } });
  assert.is(unauthorized.status, 401);
  assert.is(unauthorized.headers.get("access-control-allow-origin"), ALLOWED, "a page of the allowed origin can read the 401");
  // the event stream is written by hand: it carries the header too
  const stream = await readStream("/events", { origin: ALLOWED }, () => true);
  assert.is(stream.res.headers.get("access-control-allow-origin"), ALLOWED);
});

test("event stream: an id on every event, ?topics filter, unknown topic 400", async () => {
  const all = await readStream("/events", {}, (evs) => evs.length >= 6);
  for (let k = 1; k < all.events.length; k++) assert.is(all.events[k].id, all.events[k - 1].id + 1, "ids grow by one");
  const some = await readStream("/events?topics=head,confirmed", {}, (evs) => evs.length >= 4);
  documentedSchema("getEvents", "/events?topics=head,confirmed", some.res);
  assert.ok(
    some.events.every((e) => e.name === "head" || e.name === "confirmed"),
    some.events.map((e) => e.name).join(","),
  );
  for (let k = 1; k < some.events.length; k++) assert.ok(some.events[k].id > some.events[k - 1].id);
  const unknown = (await check("getEvents", "/events?topics=batch,blocks", {}, 400)) as { error: { code: string; message: string } };
  assert.is(unknown.error.code, "INVALID_PARAM");
  assert.match(unknown.error.message, '"blocks"');
  await check("getEvents", "/events?lastEventId=-1", {}, 400);
  await check("getEvents", "/events", { headers: { "last-event-id": "abc" } }, 400);
});

test("event stream: Last-Event-ID replays the events after it, in order, then goes on live", async () => {
  const first = await readStream("/events", {}, (evs) => evs.length >= 6);
  const pivot = first.events[1].id;
  const missed = first.events.filter((e) => e.id > pivot);
  const again = await readStream("/events", { "last-event-id": String(pivot) }, (evs) => evs.length >= missed.length + 2);
  assert.equal(again.events.slice(0, missed.length), missed, "the same events (ids, names, data), in order");
  again.events.forEach((e, k) => assert.is(e.id, pivot + 1 + k, "no gap, nothing twice, then the live ones"));
  // ?lastEventId= for EventSource polyfills; the header wins over it (EventSource keeps its first URL)
  const polyfill = await readStream(`/events?lastEventId=${pivot}`, {}, (evs) => evs.length >= missed.length);
  assert.equal(polyfill.events.slice(0, missed.length), missed);
  const both = await readStream("/events?lastEventId=0", { "last-event-id": String(pivot) }, (evs) => evs.length >= 1);
  assert.is(both.events[0].id, pivot + 1);
  // with a topic filter the replay is filtered too
  const heads = await readStream(`/events?topics=head&lastEventId=${pivot}`, {}, (evs) => evs.length >= 1);
  assert.equal(heads.events[0], missed.find((e) => e.name === "head"));
  // ?lastEventId=0: everything kept since the node started (its ids start at its start time)
  const everything = await readStream("/events?lastEventId=0", {}, (evs) => evs.length >= 1);
  assert.ok(everything.events[0].id < pivot, "the replay starts before the pivot");
  assert.ok(everything.events.some((e) => e.name === "batch" && (e.data as { height: number }).height === 1), "the first batch is still kept");
});

test("HTTP manners: unknown route 404, wrong method 405, HEAD like GET; every route was checked", async () => {
  const missing = await fetch(`${base}/nosuch`);
  assert.is(missing.status, 404);
  assert.is(((await missing.json()) as { error: { code: string } }).error.code, "NOT_FOUND");
  const wrong = await fetch(`${base}/status`, { method: "POST", body: "{}" });
  assert.is(wrong.status, 405);
  assert.is(((await wrong.json()) as { error: { code: string } }).error.code, "METHOD_NOT_ALLOWED");
  for (const path of ["/status", "/batches?from=1&count=2", "/events"]) {
    const head = await fetch(`${base}${path}`, { method: "HEAD", signal: AbortSignal.timeout(3_000) });
    assert.is(head.status, 200, path);
    assert.is(head.headers.get("content-type")?.split(";")[0], path === "/events" ? "text/event-stream" : "application/json");
    assert.is(await head.text(), "", `HEAD ${path} has no body (and ends)`);
  }
  const unchecked = Object.keys(API_ROUTES).filter((id) => !covered.has(id));
  assert.equal(unchecked, [], "routes the test did not call");
});

test.run();
