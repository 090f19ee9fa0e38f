import "../../src/util/polyfill.js";
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {Writable} from "node:stream";
import {pino} from "pino";
import {suite} from "uvu";
import * as assert from "uvu/assert";
import {GossipAction, GossipType, GossipValidationError, Network} from "../../src/network/index.js";
import type {PeerGuardOptions} from "../../src/network/index.js";

/**
 * Peers that misbehave are cut off (issue 12), with real libp2p nodes on 127.0.0.1 built from
 * the project's Network class: a hostile peer publishes messages the victim's validator
 * REJECTs until the victim bans it; it is disconnected and its redials are refused. By default
 * loopback is exempt from address bans (every local cluster shares 127.0.0.1), so a fresh peer
 * id from 127.0.0.1 is let in; with `guardLoopback` it is refused too, and the per-address cap
 * holds. Set LOG_LEVEL=debug to see the nodes' logs.
 */
const test = suite("network e2e: hostile peers are banned");

const CHAIN_ID = 9;
const REJECT_MARK = 0xf1;
const debug = process.env.LOG_LEVEL === "debug";
let tmp = "";
const started = new Set<Network>();

interface Node {
  network: Network;
  /** the node's structured log lines */
  logs: Record<string, unknown>[];
}

async function startNode(name: string, bootstrap: string[], peerGuard: Partial<PeerGuardOptions> = {}): Promise<Node> {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) logs.push(JSON.parse(line));
      if (debug) process.stderr.write(chunk);
      done();
    },
  });
  const reject = (data: Uint8Array) => {
    if (data[0] === REJECT_MARK) throw new GossipValidationError(GossipAction.REJECT, "TEST_REJECT");
  };
  const network = new Network(
    {
      chainId: CHAIN_ID,
      listenAddrs: ["/ip4/127.0.0.1/tcp/0"],
      bootstrap,
      peerKeyFile: join(tmp, name, "peer.key"),
      gossipValidators: {tx: reject, batch: reject},
      reqRespHandlers: {status: async () => new Uint8Array(0), batchesByRange: async () => []},
      redialIntervalMs: 250,
      peerGuard,
    },
    {logger: pino({level: "debug"}, sink).child({node: name}), metrics: null}
  );
  await network.start();
  started.add(network);
  return {network, logs};
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const connected = (from: Node, to: Node) => from.network.getPeers().some((peer) => peer.peerId === to.network.peerId);

/** The hostile publishes distinct REJECT-marked batches until the victim bans it; returns how many it sent. */
async function attackUntilBanned(victim: Node, hostile: Node): Promise<number> {
  await waitFor("hostile sees the victim on the batch topic", () => hostile.network.getTopicPeers(GossipType.batch).includes(victim.network.peerId));
  let sent = 0;
  while (!victim.network.isBanned(hostile.network.peerId) && sent < 10) {
    await hostile.network.publish(GossipType.batch, Uint8Array.of(REJECT_MARK, sent++));
    await sleep(150);
  }
  return sent;
}

test.before(async () => {
  tmp = await mkdtemp(join(tmpdir(), "baton-peerban-"));
});

test.after(async () => {
  await Promise.all([...started].map((network) => network.stop()));
  await rm(tmp, {recursive: true, force: true});
});

test("a peer that sends invalid messages is banned after three, disconnected, and its redials are refused", async () => {
  const victim = await startNode("victim", []);
  const boot = victim.network.getMultiaddrs();
  const honest = await startNode("honest", boot);
  const hostile = await startNode("hostile", boot);
  await waitFor("both peers connected", () => connected(victim, honest) && connected(victim, hostile));

  const sent = await attackUntilBanned(victim, hostile);
  assert.ok(victim.network.isBanned(hostile.network.peerId), `banned after ${sent} messages`);
  assert.ok(sent <= 4, `${sent} messages sent before the ban`);
  const banned = victim.logs.find((line) => line.msg === "peer banned");
  assert.ok(banned, "a structured ban log");
  assert.is(banned!.peer, hostile.network.peerId);
  assert.is(banned!.reason, "gossip_reject");
  assert.ok((banned!.score as number) <= -100);
  assert.equal(banned!.addresses, [], "loopback is not banned by address by default");

  await waitFor("hostile disconnected", () => !connected(victim, hostile) && !connected(hostile, victim));
  const refusedBefore = victim.network.getRefusals().bannedPeer;
  for (let round = 0; round < 10; round++) {
    await sleep(200); // the hostile redials its bootstrap peer every 250 ms
    assert.not.ok(connected(victim, hostile), "it never gets back in");
    // (its own side may list a connection for a moment: the victim hangs up after the handshake)
    assert.not.ok(hostile.network.getTopicPeers(GossipType.batch).includes(victim.network.peerId), "it cannot gossip to the victim");
  }
  assert.ok(victim.network.getRefusals().bannedPeer > refusedBefore, "its redials were refused by peer id");
  assert.ok(connected(victim, honest), "the honest peer is untouched");

  const fresh = await startNode("fresh", boot);
  await waitFor("a fresh peer id from 127.0.0.1 is let in (loopback exempt by default)", () => connected(victim, fresh));
});

test("guardLoopback: the ban covers the hostile's address, so a fresh peer id from it is refused", async () => {
  const victim = await startNode("victim2", [], {guardLoopback: true});
  const boot = victim.network.getMultiaddrs();
  const hostile = await startNode("hostile2", boot);
  await waitFor("connected", () => connected(victim, hostile));
  await attackUntilBanned(victim, hostile);
  assert.ok(victim.network.isBanned(hostile.network.peerId));
  assert.ok(victim.network.getBans().some((ban) => ban.kind === "address" && ban.key === "127.0.0.1"));
  await waitFor("hostile disconnected", () => !connected(victim, hostile));

  const fresh = await startNode("fresh2", boot);
  await sleep(2_000);
  assert.not.ok(connected(victim, fresh), "a new identity from the banned address stays out");
  assert.not.ok(fresh.network.getTopicPeers(GossipType.batch).includes(victim.network.peerId));
  assert.ok(victim.network.getRefusals().bannedAddress > 0);
});

test("guardLoopback with a cap of 2: a third peer from the same address is refused", async () => {
  const victim = await startNode("victim3", [], {guardLoopback: true, maxConnectionsPerAddress: 2});
  const boot = victim.network.getMultiaddrs();
  const peers = await Promise.all(["p1", "p2", "p3"].map((name) => startNode(name, boot)));
  await waitFor("two peers in", () => victim.network.getPeers().length >= 2);
  await sleep(2_000);
  assert.is(victim.network.getPeers().length, 2, "never more than two from 127.0.0.1");
  assert.is(peers.filter((peer) => connected(peer, victim)).length, 2);
  assert.ok(victim.network.getRefusals().addressCap > 0);
});

test.run();
