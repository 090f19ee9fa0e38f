import "../../src/util/polyfill.js";
import {mkdtemp, rm, stat, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {peerIdFromPrivateKey} from "@libp2p/peer-id";
import {pino} from "pino";
import {suite} from "uvu";
import * as assert from "uvu/assert";
import {
  GossipAction,
  GossipType,
  GossipValidationError,
  MAX_BATCHES_PER_REQUEST,
  MAX_GOSSIP_MESSAGE_BYTES,
  Network,
  ReqRespError,
  ReqRespErrorCode,
  loadOrCreatePeerKey,
  parseTopic,
  stringifyTopic,
} from "../../src/network/index.js";
import type {GossipResult, NetworkMetrics} from "../../src/network/index.js";

/**
 * Real libp2p nodes on 127.0.0.1: A is the hub (no bootstrap), B and C bootstrap to A.
 * Gossip between B and C goes through A. Set LOG_LEVEL=debug to see the nodes' logs.
 */
const test = suite("network e2e");

const CHAIN_ID = 7;
const BATCHES_AVAILABLE = 2_000;
/** 10 KiB each: a full 512-batch response (5 MiB) exceeds lpStream's default 4 MiB buffer. */
const BATCH_BYTES = 10 * 1024;
const logger = pino({level: process.env.LOG_LEVEL ?? "silent"});

/** First byte of a gossip payload that our test validators treat specially. */
const enum Mark {
  reject = 0xf1,
  ignore = 0xf2,
  crash = 0xf3,
}

interface Received {
  data: Uint8Array;
  from: string;
}

interface TestNode {
  name: string;
  keyFile: string;
  network: Network;
  validated: Record<GossipType, Received[]>;
  handled: Record<GossipType, Received[]>;
  results: Map<string, number>;
  rangeCalls: {startHeight: number; count: number}[];
  connected: string[];
}

let tmp = "";
/** batchesByRange(0xbeef, ...) waits on this: lets a test exercise the requester's timeout. */
let hangingHandler = Promise.withResolvers<void>();
const REQUEST_TIMEOUT_MS = 2_000;
const nodes = new Set<TestNode>();

function countOf(node: TestNode, type: GossipType, result: GossipResult): number {
  return node.results.get(`${type}:${result}`) ?? 0;
}

/** Byte arrays as hex: received data may be a Buffer, which uvu's deep equality tells apart from Uint8Array. */
function hex(msgs: {data: Uint8Array}[] | Uint8Array[]): string[] {
  return msgs.map((m) => Buffer.from(m instanceof Uint8Array ? m : m.data).toString("hex"));
}

function encodeBatch(height: number, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  new DataView(bytes.buffer).setUint32(0, height);
  return bytes;
}

function heightOf(batch: Uint8Array): number {
  return new DataView(batch.buffer, batch.byteOffset, batch.byteLength).getUint32(0);
}

async function startNode(name: string, listenPort: number, bootstrap: string[]): Promise<TestNode> {
  const node: TestNode = {
    name,
    keyFile: join(tmp, name, "peer.key"),
    network: undefined as unknown as Network,
    validated: {tx: [], batch: []},
    handled: {tx: [], batch: []},
    results: new Map(),
    rangeCalls: [],
    connected: [],
  };
  const metrics: NetworkMetrics = {
    onGossipResult: (type, result) => node.results.set(`${type}:${result}`, countOf(node, type, result) + 1),
  };
  const validate = (type: GossipType) => (data: Uint8Array, from: string) => {
    node.validated[type].push({data, from});
    if (data[0] === Mark.reject) throw new GossipValidationError(GossipAction.REJECT, "TEST_REJECT");
    if (data[0] === Mark.ignore) throw new GossipValidationError(GossipAction.IGNORE, "TEST_IGNORE");
    if (data[0] === Mark.crash) throw new TypeError("validator bug");
  };
  const handle = (type: GossipType) => (data: Uint8Array, from: string) => {
    node.handled[type].push({data, from});
  };
  node.network = new Network(
    {
      chainId: CHAIN_ID,
      listenAddrs: [`/ip4/127.0.0.1/tcp/${listenPort}`],
      bootstrap,
      peerKeyFile: node.keyFile,
      gossipValidators: {tx: validate(GossipType.tx), batch: validate(GossipType.batch)},
      onGossip: {tx: handle(GossipType.tx), batch: handle(GossipType.batch)},
      reqRespHandlers: {
        status: async () => new TextEncoder().encode(`status of ${name}`),
        batchesByRange: async (startHeight, count) => {
          node.rangeCalls.push({startHeight, count});
          if (startHeight === 0xdead) throw new Error("handler bug");
          if (startHeight === 0xbeef) await hangingHandler.promise;
          const end = Math.min(startHeight + count, BATCHES_AVAILABLE);
          const size = count > 100 ? BATCH_BYTES : 64;
          return Array.from({length: Math.max(0, end - startHeight)}, (_, i) => encodeBatch(startHeight + i, size));
        },
      },
      redialIntervalMs: 250,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    },
    {logger: logger.child({node: name}), metrics}
  );
  node.network.onPeerConnected((peerId) => node.connected.push(peerId));
  await node.network.start();
  nodes.add(node);
  return node;
}

async function stopNode(node: TestNode): Promise<void> {
  await node.network.stop();
  nodes.delete(node);
}

function portOf(node: TestNode): number {
  const addr = node.network.getMultiaddrs().find((a) => a.includes("/tcp/"));
  if (addr === undefined) throw new Error(`${node.name} has no tcp address`);
  return Number(/\/tcp\/(\d+)/.exec(addr)?.[1]);
}

/** Polls `cond` until it holds; fails with `what` after `timeoutMs`. No fixed sleeps. */
async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function isConnected(a: TestNode, b: TestNode): boolean {
  return a.network.getPeers().some((p) => p.peerId === b.network.peerId);
}

function subscribed(a: TestNode, b: TestNode): boolean {
  return Object.values(GossipType).every((t) => a.network.getTopicPeers(t).includes(b.network.peerId));
}

async function expectReqRespError(p: Promise<unknown>, code: ReqRespErrorCode): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, ReqRespError);
    assert.is((e as ReqRespError).code, code, (e as Error).message);
    return;
  }
  assert.unreachable(`expected ReqRespError ${code}`);
}

let a: TestNode;
let b: TestNode;
let c: TestNode;

test.before(async () => {
  tmp = await mkdtemp(join(tmpdir(), "baton-network-"));
});

test.after(async () => {
  await Promise.all([...nodes].map((n) => n.network.stop()));
  nodes.clear();
  await rm(tmp, {recursive: true, force: true});
});

test("topics: round trip for every type, clear errors for bad topics", () => {
  for (const type of Object.values(GossipType)) {
    for (const chainId of [0, 7, 2 ** 31]) {
      assert.equal(parseTopic(stringifyTopic({chainId, type})), {chainId, type});
    }
  }
  assert.is(stringifyTopic({chainId: 7, type: GossipType.tx}), "/baton/7/txs/1");
  assert.is(stringifyTopic({chainId: 7, type: GossipType.batch}), "/baton/7/batch/1");
  for (const bad of ["", "/baton/7/txs", "/eth/7/txs/1", "/baton/x/txs/1", "/baton/07/txs/1", "/baton/7/blocks/1", "/baton/7/txs/2"]) {
    assert.throws(() => parseTopic(bad), /invalid gossip topic/, bad);
  }
});

test("peer id is stable across restart; key file is 0600", async () => {
  const node = await startNode("solo", 0, []);
  const first = node.network.peerId;
  await stopNode(node);
  assert.is((await stat(node.keyFile)).mode & 0o777, 0o600);

  const again = await startNode("solo", 0, []);
  assert.is(again.network.peerId, first);
  assert.is(await again.network.publish(GossipType.tx, Uint8Array.of(1)), 0, "publish with zero peers is not an error");
  await stopNode(again);

  const bad = join(tmp, "bad.key");
  await writeFile(bad, "not a key");
  try {
    await loadOrCreatePeerKey(bad);
    assert.unreachable("a corrupt key file must not be accepted");
  } catch (e) {
    assert.match((e as Error).message, "not a protobuf-encoded libp2p private key");
  }
});

test("three nodes connect through bootstrap and subscribe", async () => {
  a = await startNode("a", 0, []);
  const bootA = a.network.getMultiaddrs();
  await startNode("a-twin", portOf(a), []).then(
    () => assert.unreachable("listening on a taken port must fail"),
    (e: unknown) => assert.match(String(e), /EADDRINUSE|address/i)
  );
  assert.ok(bootA.every((ma) => ma.endsWith(`/p2p/${a.network.peerId}`)), "multiaddrs carry /p2p/");
  // b's list holds b itself too: a shared devnet list must not make a node dial itself
  const bId = peerIdFromPrivateKey(await loadOrCreatePeerKey(join(tmp, "b", "peer.key"))).toString();
  b = await startNode("b", 0, [...bootA, `/ip4/127.0.0.1/tcp/1/p2p/${bId}`]);
  c = await startNode("c", 0, bootA);
  await waitFor("a sees b and c", () => isConnected(a, b) && isConnected(a, c));
  await waitFor("gossip subscriptions exchanged", () => subscribed(a, b) && subscribed(a, c) && subscribed(b, a) && subscribed(c, a));
  assert.ok(a.connected.includes(b.network.peerId), "onPeerConnected fired on a for b");
  assert.ok(b.connected.includes(a.network.peerId), "onPeerConnected fired on b for a");
});

test("gossip: accepted message reaches validators and handlers two hops away", async () => {
  const tx = new TextEncoder().encode("tx bundle 1");
  const recipients = await b.network.publish(GossipType.tx, tx);
  assert.ok(recipients >= 1, `published to ${recipients} peers`);
  await waitFor("c handled the tx", () => c.handled.tx.length === 1);
  assert.equal(hex(a.validated.tx), hex([tx]));
  assert.equal(hex(a.handled.tx), hex([tx]));
  assert.is(a.handled.tx[0].from, b.network.peerId);
  assert.is(c.handled.tx[0].from, a.network.peerId, "c got it forwarded by a");
  assert.is(countOf(a, GossipType.tx, "accept"), 1);
  assert.is(b.handled.tx.length, 0, "own publish is not delivered to self");

  // publishing the same bytes again is not an error (content-hash id)
  assert.is(await b.network.publish(GossipType.tx, tx), 0);
  // gossipsub would drop an oversize message silently: we refuse it loudly
  await b.network.publish(GossipType.batch, new Uint8Array(MAX_GOSSIP_MESSAGE_BYTES + 1)).then(
    () => assert.unreachable("oversize publish must throw"),
    (e: unknown) => assert.instance(e, RangeError)
  );
});

test("gossip: REJECT and IGNORE drop the message and are counted; untyped errors count as IGNORE", async () => {
  await b.network.publish(GossipType.batch, Uint8Array.of(Mark.reject, 1));
  await b.network.publish(GossipType.batch, Uint8Array.of(Mark.ignore, 2));
  await b.network.publish(GossipType.batch, Uint8Array.of(Mark.crash, 3));
  // a later valid message from the same peer on the same stream: once it is through, the others were processed
  const good = Uint8Array.of(0x01, 4);
  await b.network.publish(GossipType.batch, good);
  await waitFor("c handled the valid batch", () => c.handled.batch.length === 1);

  assert.is(countOf(a, GossipType.batch, "reject"), 1);
  assert.is(countOf(a, GossipType.batch, "ignore"), 2);
  assert.is(countOf(a, GossipType.batch, "accept"), 1);
  assert.equal(hex(a.handled.batch), hex([good]), "a's handler saw only the valid batch");
  assert.equal(hex(c.validated.batch), hex([good]), "dropped messages are not forwarded");
});

test("reqresp: status round trip", async () => {
  const status = await b.network.requestStatus(a.network.peerId);
  assert.is(new TextDecoder().decode(status), "status of a");
});

test("reqresp: batches_by_range round trip, count 0, clamping, short answers, errors", async () => {
  const batches = await b.network.requestBatchesByRange(a.network.peerId, 10, 5);
  assert.equal(batches.map(heightOf), [10, 11, 12, 13, 14]);

  const callsBefore = a.rangeCalls.length;
  assert.equal(await b.network.requestBatchesByRange(a.network.peerId, 10, 0), []);
  assert.is(a.rangeCalls.length, callsBefore, "count 0 does not reach the handler");

  // documented choice: counts above the max are clamped (not an error); 512 x 10 KiB > 4 MiB default buffer
  const big = await b.network.requestBatchesByRange(a.network.peerId, 100, 1_000);
  assert.is(big.length, MAX_BATCHES_PER_REQUEST);
  assert.is(heightOf(big[0]), 100);
  assert.is(heightOf(big[big.length - 1]), 100 + MAX_BATCHES_PER_REQUEST - 1);
  assert.is(big[0].length, BATCH_BYTES);
  assert.equal(a.rangeCalls.at(-1), {startHeight: 100, count: MAX_BATCHES_PER_REQUEST});

  const tail = await b.network.requestBatchesByRange(a.network.peerId, BATCHES_AVAILABLE - 2, 10);
  assert.equal(tail.map(heightOf), [BATCHES_AVAILABLE - 2, BATCHES_AVAILABLE - 1]);

  await expectReqRespError(b.network.requestBatchesByRange(a.network.peerId, 0xdead, 1), ReqRespErrorCode.SERVER_ERROR);
  await expectReqRespError(b.network.requestBatchesByRange(a.network.peerId, -1, 1), ReqRespErrorCode.BAD_ARGUMENTS);
  await expectReqRespError(b.network.requestStatus("not-a-peer-id"), ReqRespErrorCode.BAD_ARGUMENTS);
  const soloId = peerIdFromPrivateKey(await loadOrCreatePeerKey(join(tmp, "solo", "peer.key"))).toString();
  await expectReqRespError(b.network.requestStatus(soloId), ReqRespErrorCode.DIAL_FAILED);

  hangingHandler = Promise.withResolvers<void>();
  const started = Date.now();
  await expectReqRespError(b.network.requestBatchesByRange(a.network.peerId, 0xbeef, 1), ReqRespErrorCode.TIMEOUT);
  assert.ok(Date.now() - started >= REQUEST_TIMEOUT_MS - 100, "timed out no earlier than the deadline");
  hangingHandler.resolve(); // a's late answer goes to a stream b has reset: dropped, nothing breaks

  // the connection survives errors
  assert.is(new TextDecoder().decode(await c.network.requestStatus(a.network.peerId)), "status of a");
});

test("restart: a restarted hub is redialed, a restarted leaf re-bootstraps or is redialed", async () => {
  const port = portOf(a);
  const aId = a.network.peerId;
  await stopNode(a);
  await waitFor("b and c notice a is gone", () => !isConnected(b, a) && !isConnected(c, a));

  // same key file and port; a has no bootstrap list: b and c must redial it
  a = await startNode("a", port, []);
  assert.is(a.network.peerId, aId);
  await waitFor("b and c redial a", () => isConnected(a, b) && isConnected(a, c));
  await waitFor("subscriptions after restart", () => subscribed(b, a) && subscribed(c, a) && subscribed(a, b) && subscribed(a, c));
  assert.ok(b.connected.filter((p) => p === aId).length >= 2, "b's onPeerConnected fired again for a");

  await b.network.publish(GossipType.tx, new TextEncoder().encode("after hub restart"));
  await waitFor("c handled the tx after a's restart", () => c.handled.tx.length === 2);

  const bId = b.network.peerId;
  await stopNode(b);
  await waitFor("a notices b is gone", () => !isConnected(a, b));
  b = await startNode("b", 0, a.network.getMultiaddrs());
  assert.is(b.network.peerId, bId);
  await waitFor("b reconnects to a", () => isConnected(a, b) && subscribed(a, b) && subscribed(b, a));
  assert.is(new TextDecoder().decode(await b.network.requestStatus(a.network.peerId)), "status of a");

  // c restarts on its old port with no bootstrap list: a redials it from the addresses identify told it
  const cPort = portOf(c);
  await stopNode(c);
  await waitFor("a notices c is gone", () => !isConnected(a, c));
  c = await startNode("c", cPort, []);
  await waitFor("a redials c", () => isConnected(a, c) && subscribed(a, c) && subscribed(c, a));
});

test.run();
