import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createChainConfig, toHex, type Genesis } from "@baton/core";
import { formatStatusLine, sequencerLabels, type ClusterSnapshot } from "../../src/status.js";

const pk = (b: number) => new Uint8Array(48).fill(b);
const genesis: Genesis = {
  config: createChainConfig({ genesisTime: 0 }),
  sequencers: [1, 2, 3].map((b) => ({ pubkey: pk(b), account: new Uint8Array(32).fill(b), stake: 100_000n })),
  accounts: [],
};
/** the /sequencers fields the status line does not read */
const SEQ_REST = { account: "0x" + "00".repeat(32), windowMisses: 0, slashed: false, unbonding: [] };
const snap: ClusterSnapshot = {
  from: 2,
  status: {
    version: "0.1.0",
    chainId: 31337,
    slot: 130,
    epoch: 8,
    head: { height: 120, slot: 129, root: "0x00" },
    confirmed: { height: 117, slot: 126, root: "0x00" },
    peers: 2,
    syncing: false,
    slotMs: 500,
    slotsPerEpoch: 16,
    sync: { syncing: false, headHeight: 120, targetHeight: 120, startedHeight: 120, batchesPerSecond: 0, etaSeconds: null, peer: null },
    mempool: 0,
    node: { peerId: "12D3KooW", multiaddrs: [], sequencerIndex: 1 },
  },
  sequencers: [
    { index: 0, pubkey: toHex(pk(1)), stake: "100000", status: "active", produced: 44, misses: 0, consecutiveMisses: 0, ...SEQ_REST },
    { index: 1, pubkey: toHex(pk(2)).toUpperCase().replace("0X", "0x"), stake: "100000", status: "ejected", produced: 30, misses: 12, consecutiveMisses: 12, ...SEQ_REST },
    { index: 2, pubkey: toHex(pk(3)), stake: "100000", status: "active", produced: 46, misses: 1, consecutiveMisses: 0, ...SEQ_REST },
    { index: 3, pubkey: toHex(pk(9)), stake: "5000", status: "active", produced: 0, misses: 0, consecutiveMisses: 0, ...SEQ_REST },
  ],
};

const status = suite("devnet: status line");
const cases: [string, Parameters<typeof formatStatusLine>, string][] = [
  [
    "slot, heads, each node, load, down nodes",
    [snap, sequencerLabels(genesis), { sent: 10, acknowledged: 9, refused: 1, failed: 0, inFlight: 0, skippedTicks: 0, lastError: null }, [2]],
    "slot 130 epoch 8 | head 120 confirmed 117 | n1 44/0  n2 30/12 EJECTED  n3 46/1  s3 0/0 | load ok 9 refused 1 failed 0 | down: n2 | (via n2)",
  ],
  ["without load", [snap, sequencerLabels(genesis), null], "slot 130 epoch 8 | head 120 confirmed 117 | n1 44/0  n2 30/12 EJECTED  n3 46/1  s3 0/0 | (via n2)"],
  ["no node answers", [null, sequencerLabels(genesis), null, [1, 2, 3]], "no node answers yet | down: n1,n2,n3"],
];
for (const [name, args, want] of cases) status(name, () => assert.is(formatStatusLine(...args), want));
status.run();
