/**
 * A hostile peer against a real node process (issue 12). Two-node devnet with node 2 stopped,
 * so node 1 keeps producing alone and its confirmed height stays behind its head (the stopped
 * sequencer still weighs until it leaks out). The hostile is the project's own Network class:
 *
 * 1. It gossips batches that are garbage until node 1 bans it (structured `peer banned` log);
 *    it is disconnected and, with the same peer id, cannot get back in.
 * 2. A fresh peer id from 127.0.0.1 is let in (loopback is exempt from address bans by
 *    default: every local cluster shares it). It gossips well-formed batches whose parents
 *    nobody has: node 1 asks it for at most 32 ancestors per batch, one request at a time,
 *    and after about ten lookups that never resolve, bans it too.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeSignedBatch, slotAtTime, type SignedBatch } from "@baton/core";
import { startDevnet, type Devnet } from "@baton/devnet";
import { GossipType, Network } from "@baton/node";
import { getJson, waitFor, reportSetupErrors, type Status } from "./helpers.js";

const test = suite("hostile peer");
const MAX_LOOKUP_BATCHES = 32;
const log = (msg: string) => console.log(`    [hostile] ${msg}`);

let dir = "";
let devnet: Devnet;
const hostiles: Network[] = [];
const api = () => devnet.nodes[0].apiUrl;
const peersOfNode = async () => (await getJson<{ peerId: string }[]>(`${api()}/peers`)).map((peer) => peer.peerId);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
type Logger = ConstructorParameters<typeof Network>[1]["logger"];
/** The hostiles' own logs are not wanted (the root package has no pino): a logger that drops everything. */
const silent: Record<string, unknown> = { level: "silent" };
for (const method of ["trace", "debug", "info", "warn", "error", "fatal"]) silent[method] = () => {};
silent.child = () => silent;

/** The node's `peer banned` log entry for `peerId`, if any. */
function banLogOf(peerId: string): Record<string, unknown> | undefined {
  for (const line of readFileSync(devnet.nodes[0].logFile, "utf8").split("\n")) {
    if (!line.includes("peer banned") || !line.includes(peerId)) continue;
    try {
      return JSON.parse(line);
    } catch {
      return { line };
    }
  }
  return undefined;
}

interface Hostile {
  network: Network;
  rangeRequests: { start: number; count: number }[];
  maxInFlight: number;
}

async function startHostile(name: string): Promise<Hostile> {
  const hostile: Hostile = { network: undefined as unknown as Network, rangeRequests: [], maxInFlight: 0 };
  let inFlight = 0;
  hostile.network = new Network(
    {
      chainId: devnet.genesis.config.chainId,
      listenAddrs: ["/ip4/127.0.0.1/tcp/0"],
      bootstrap: [devnet.nodes[0].p2pAddr],
      peerKeyFile: join(dir, name, "peer.key"),
      gossipValidators: { tx: () => {}, batch: () => {} },
      reqRespHandlers: {
        status: async () => new Uint8Array(0),
        // it has nothing to serve: records what it is asked, slowly
        batchesByRange: async (start, count) => {
          hostile.rangeRequests.push({ start, count });
          hostile.maxInFlight = Math.max(hostile.maxInFlight, ++inFlight);
          await sleep(100);
          inFlight--;
          return [];
        },
      },
      redialIntervalMs: 250,
    },
    { logger: silent as unknown as Logger, metrics: null },
  );
  await hostile.network.start();
  hostiles.push(hostile.network);
  const nodePeerId = devnet.nodes[0].peerId;
  await waitFor(`${name} on the node's batch topic`, 15_000, async () => hostile.network.getTopicPeers(GossipType.batch).includes(nodePeerId));
  return hostile;
}

test.before(reportSetupErrors(async () => {
  dir = mkdtempSync(join(tmpdir(), "baton-hostile-"));
  devnet = await startDevnet({
    nodes: 2,
    dir,
    fresh: true,
    slotMs: 500,
    slotsPerEpoch: 8,
    missesToEject: 3,
    baseApiPort: 17700,
    baseP2pPort: 19700,
    logLevel: "info",
    genesisDelayMs: 3_000,
    loadAccounts: 0,
    log: (line) => log(line),
  });
  await devnet.waitReady(30_000);
  await devnet.nodes[1].stop();
  await waitFor("node 1 producing alone", 20_000, async () => (await getJson<Status>(`${api()}/status`)).head.height >= 3);
}));

test.after(async () => {
  await Promise.all(hostiles.map((network) => network.stop()));
  await devnet?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("a peer gossiping invalid batches is banned, disconnected, and cannot reconnect with the same id", async () => {
  const hostile = await startHostile("garbage");
  const id = hostile.network.peerId;
  let sent = 0;
  while (!banLogOf(id) && sent < 20) {
    await hostile.network.publish(GossipType.batch, randomBytes(300));
    sent++;
    await sleep(200);
  }
  const ban = await waitFor("the node's ban log", 5_000, async () => banLogOf(id));
  log(`banned after ${sent} invalid batches: ${JSON.stringify(ban)}`);
  assert.is(ban.reason, "gossip_reject");
  await waitFor("hostile gone from /peers", 5_000, async () => !(await peersOfNode()).includes(id));
  for (let round = 0; round < 8; round++) {
    await sleep(400); // it redials every 250 ms
    assert.not.ok((await peersOfNode()).includes(id), "back in with the same peer id");
  }
  const status = await getJson<Status>(`${api()}/status`);
  await waitFor("the node still produces", 5_000, async () => (await getJson<Status>(`${api()}/status`)).head.height > status.head.height);
});

test("unknown-parent batches: bounded lookups from the sender, which is banned when they never resolve", async () => {
  const hostile = await startHostile("orphans");
  const id = hostile.network.peerId;
  assert.ok((await peersOfNode()).includes(id), "a fresh peer id from 127.0.0.1 is let in (loopback is exempt by default)");
  const config = devnet.genesis.config;
  let sent = 0;
  while (!banLogOf(id) && sent < 40) {
    const status = await getJson<Status>(`${api()}/status`);
    const slot = slotAtTime(config, Date.now());
    const height = status.head.height + 1;
    assert.ok(height <= slot && height > status.confirmed.height + 1, `height ${height}, slot ${slot}, confirmed ${status.confirmed.height}`);
    const orphan: SignedBatch = {
      header: { chainId: config.chainId, slot, height, proposerIndex: 0, parentRoot: randomBytes(32), txRoot: new Uint8Array(32), stateRoot: new Uint8Array(32), randaoReveal: new Uint8Array(96) },
      txs: [],
      signature: new Uint8Array(96),
    };
    await hostile.network.publish(GossipType.batch, encodeSignedBatch(orphan));
    sent++;
    await sleep(250);
  }
  const ban = await waitFor("the node's ban log", 5_000, async () => banLogOf(id));
  log(`banned after ${sent} orphans, ${hostile.rangeRequests.length} lookups (${JSON.stringify(hostile.rangeRequests.slice(0, 3))}…): ${JSON.stringify(ban)}`);
  assert.is(ban.reason, "unresolved_parent");
  assert.ok(hostile.rangeRequests.length >= 10, "it was asked for the ancestors");
  assert.ok(hostile.rangeRequests.length <= sent, "at most one lookup per batch");
  assert.ok(hostile.rangeRequests.every((request) => request.count >= 1 && request.count <= MAX_LOOKUP_BATCHES), "at most 32 ancestors per lookup");
  assert.is(hostile.maxInFlight, 1, "one lookup at a time per peer");
  await waitFor("gone from /peers", 5_000, async () => !(await peersOfNode()).includes(id));
});

test.run();
