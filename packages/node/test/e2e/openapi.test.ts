/**
 * The API contract (issue 10): a real node (one sequencer, producing; real sockets, a real
 * level store) serves GET /openapi.json, the document lists every route of @baton/api's
 * table, and every answer the node gives (successes and errors, through fetch) is one the
 * document allows: its status is listed for the route and its body validates (ajv, JSON
 * Schema 2020-12, as OpenAPI 3.1 uses).
 */
import "../../src/util/polyfill.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { API_ROUTES } from "@baton/api";
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
    api: { host: "127.0.0.1", port: 0, enabled: true },
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

/** Calls the node and checks the answer against the document; returns the parsed body. */
async function check(id: keyof typeof API_ROUTES, path: string, init: RequestInit = {}, expectStatus = 200): Promise<unknown> {
  const route = API_ROUTES[id];
  const res = await fetch(`${base}${path}`, { method: route.method, ...init, signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  assert.is(res.status, expectStatus, `${route.method} ${path}: ${text.slice(0, 200)}`);
  const op = doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
  assert.ok(op, `${route.method} ${route.url} is not in the document`);
  const answer = op.responses[String(res.status)];
  assert.ok(answer, `${route.method} ${path} answered ${res.status}, which the document does not list`);
  const mediaType = (res.headers.get("content-type") ?? "").split(";")[0];
  const schema = answer.content?.[mediaType]?.schema;
  assert.ok(schema, `${route.method} ${path}: no ${mediaType} schema for ${res.status} in the document`);
  const body = mediaType === "application/json" ? JSON.parse(text) : text;
  const validate = ajv.compile(schema);
  assert.ok(validate(body), `${route.method} ${path} → ${res.status} does not match the document: ${ajv.errorsText(validate.errors)}\n${text.slice(0, 300)}`);
  covered.add(id);
  return body;
}

test("the document is OpenAPI 3.1 and lists every route of the table", () => {
  assert.is(doc.openapi, "3.1.0");
  for (const [id, route] of Object.entries(API_ROUTES)) {
    const op = doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
    assert.ok(op, `${id}: ${route.method} ${route.url} missing`);
    assert.is(op.operationId, id);
  }
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
  const ok = (await check("submitTxs", "/txs", { body: JSON.stringify({ txs: [toHex(encodeTx(tx))] }) })) as { hashes: string[] };
  assert.equal(ok.hashes, [hash]);
  const next = makeUserTx(node.chain.config.chainId, user, { nonce: account.nextNonce + 1, fee: 1n, payload: new Uint8Array([4]) });
  const forged = { ...next, signature: new Uint8Array(64).fill(7) };
  const refused = (await check("submitTxs", "/txs", { body: JSON.stringify({ txs: [toHex(encodeTx(forged))] }) }, 400)) as {
    error: { code: string };
  };
  assert.is(refused.error.code, "MEMPOOL_BAD_SIGNATURE");
  await check("submitTxs", "/txs", { body: "{not json" }, 400);
  await check("submitTxs", "/txs", { body: "" }, 400);
  await check("submitTxs", "/txs", { body: JSON.stringify({ txs: ["0xzz"] }) }, 400);
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
  const res = await fetch(`${base}/events`, { signal: AbortSignal.timeout(5_000) });
  assert.is(res.headers.get("content-type"), "text/event-stream");
  const reader = res.body!.getReader();
  let buffer = "";
  while (!/event: batch\ndata: .*\n/.test(buffer)) buffer += new TextDecoder().decode((await reader.read()).value);
  await reader.cancel();
  const data = JSON.parse(/event: batch\ndata: (.*)\n/.exec(buffer)![1]);
  const { BatchEvent } = await import("@baton/api");
  const validate = ajv.compile(BatchEvent);
  assert.ok(validate(data), ajv.errorsText(validate.errors));
  covered.add("getEvents");
});

test("HTTP manners: unknown route 404, wrong method 405, HEAD like GET; every route was checked", async () => {
  const missing = await fetch(`${base}/nosuch`);
  assert.is(missing.status, 404);
  assert.is(((await missing.json()) as { error: { code: string } }).error.code, "NOT_FOUND");
  const wrong = await fetch(`${base}/status`, { method: "POST", body: "{}" });
  assert.is(wrong.status, 405);
  assert.is(((await wrong.json()) as { error: { code: string } }).error.code, "METHOD_NOT_ALLOWED");
  const head = await fetch(`${base}/status`, { method: "HEAD" });
  assert.is(head.status, 200);
  assert.is(head.headers.get("content-type")?.split(";")[0], "application/json");
  const unchecked = Object.keys(API_ROUTES).filter((id) => !covered.has(id));
  assert.equal(unchecked, [], "routes the test did not call");
});

test.run();
