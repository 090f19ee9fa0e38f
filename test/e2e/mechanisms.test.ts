/**
 * A small devnet (3 real node processes on loopback) on each selection mechanism, one after
 * the other: batches flow, one mechanism-specific step works end to end (poa: governance
 * evicts; auction: sealed bids decide who leads an epoch; dpos: a delegation shifts the
 * schedule), and a SIGKILLed sequencer is ejected by both survivors while batches keep coming.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ed25519FromSeed,
  encodeTx,
  makeBidTx,
  makeDelegateTx,
  makeEvictTx,
  makeRevealTx,
  sha256,
  toHex,
  type Ed25519Keypair,
  type MechanismName,
  type Tx,
} from "@baton/core";
import { deriveLoadAccounts, deriveSequencerKeys, startDevnet, type Devnet } from "@baton/devnet";
import { getJson, postJson, waitFor, type SequencerInfo, type Status } from "./helpers.js";

const test = suite("mechanisms");
const SLOT_MS = 400;
const SLOTS_PER_EPOCH = 8;
const KILLED = 2; // node3
const SEED = sha256(new TextEncoder().encode("baton e2e mechanisms"));
const GOVERNANCE = [0, 1, 2].map((i) => ed25519FromSeed(sha256(new TextEncoder().encode(`e2e governance ${i}`))));
const log = (m: string, msg: string) => console.log(`    [${m}] ${msg}`);

interface Run {
  devnet: Devnet;
  dir: string;
  api: (i: number) => string;
  status: (i: number) => Promise<Status>;
  sequencers: (i: number) => Promise<SequencerInfo[]>;
  schedule: (epoch: number) => Promise<{ slot: number; leader: number; fallbacks: number[] }[]>;
  send: (txs: Tx[]) => Promise<string[]>;
  nonce: (key: Ed25519Keypair) => Promise<number>;
}

async function up(mechanism: MechanismName, k: number, mechanismParams?: unknown): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), `baton-${mechanism}-`));
  const devnet = await startDevnet({
    nodes: 3,
    dir,
    fresh: true,
    slotMs: SLOT_MS,
    slotsPerEpoch: SLOTS_PER_EPOCH,
    missesToEject: 2,
    baseApiPort: 17400 + 10 * k,
    baseP2pPort: 19400 + 10 * k,
    genesisDelayMs: 3_000,
    loadAccounts: 2,
    seed: SEED,
    mechanism,
    mechanismParams,
    governance: { threshold: 2, keys: GOVERNANCE.map((g) => g.publicKey) },
    log: (l) => log(mechanism, l),
  });
  await devnet.waitReady(30_000);
  const api = (i: number) => devnet.nodes[i].apiUrl;
  return {
    devnet,
    dir,
    api,
    status: (i) => getJson<Status>(`${api(i)}/status`),
    sequencers: (i) => getJson<SequencerInfo[]>(`${api(i)}/sequencers`),
    schedule: async (epoch) => (await getJson<{ slots: { slot: number; leader: number; fallbacks: number[] }[] }>(`${api(0)}/schedule?epoch=${epoch}`)).slots,
    send: async (txs) => (await postJson<{ hashes: string[] }>(`${api(0)}/txs`, { txs: txs.map((t) => toHex(encodeTx(t))) })).hashes,
    nonce: async (key) => (await getJson<{ nextNonce: number }>(`${api(0)}/accounts/${toHex(key.publicKey)}`)).nextNonce,
  };
}

async function down(r: Run): Promise<void> {
  await r.devnet.stop();
  rmSync(r.dir, { recursive: true, force: true });
}

const seqAccount = (i: number) => deriveSequencerKeys(SEED, i).ed25519;

async function batchesFlow(r: Run, m: string): Promise<void> {
  const h = await waitFor("every node past height 4", 40_000, async () => {
    const all = await Promise.all([0, 1, 2].map(r.status));
    return all.every((s) => s.head.height >= 4 && s.peers >= 2) ? all[0].head.height : undefined;
  });
  log(m, `batches flow: height ${h}`);
}

/** Kills node3; both survivors must mark it ejected, and the head must keep moving. */
async function killOneIsEjected(r: Run, m: string): Promise<void> {
  const killedAt = (await r.status(0)).slot;
  r.devnet.nodes[KILLED].kill("SIGKILL");
  const at = await waitFor("both survivors to mark node3 ejected", 30_000, async () => {
    const views = await Promise.all([0, 1].map(r.sequencers));
    return views.every((v) => v[KILLED].status !== "active") ? (await r.status(0)).slot : undefined;
  });
  log(m, `node3 killed at slot ${killedAt}, ejected by slot ${at}`);
  const h0 = (await r.status(0)).head.height;
  await waitFor("batches to keep coming", 15_000, async () => (await r.status(1)).head.height >= h0 + 3);
}

/**
 * Waits until the next slot on the head (the slot a tx sent now is checked against, and most
 * likely included in) is at offset `from`..`to` of its epoch; returns that epoch.
 */
async function atEpochOffset(r: Run, from: number, to: number): Promise<number> {
  return waitFor(`next slot at offset ${from}-${to}`, 20_000, async () => {
    const s = await r.status(0);
    const next = s.head.slot + 1;
    const offset = next % SLOTS_PER_EPOCH;
    return offset >= from && offset <= to && s.slot <= next ? Math.floor(next / SLOTS_PER_EPOCH) : undefined;
  }, 50);
}

const MECHANISMS: MechanismName[] = ["pos", "poa", "auction", "dpos", "performance"];

MECHANISMS.forEach((m, k) => {
  test(`${m}: batches flow, a killed sequencer is ejected`, async () => {
    const params = m === "auction" ? { winners: 2, revealOffset: 4 } : undefined;
    const r = await up(m, k, params);
    try {
      await batchesFlow(r, m);
      if (m === "auction") await auctionRound(r);
      if (m === "dpos") await delegation(r);
      await killOneIsEjected(r, m);
      if (m === "poa") await governanceEvicts(r);
    } finally {
      await down(r);
    }
  });
});

/**
 * Sealed bids by node1 (500) and node2 (300) for epoch e+2: only they lead it, a seat each (an
 * equal share of the 8 slots, whatever was bid), and the other bonded sequencers are its fallbacks.
 */
async function auctionRound(r: Run): Promise<void> {
  const bids = [
    { who: 0, amount: 500n },
    { who: 1, amount: 300n },
  ];
  const salt = (who: number) => sha256(new TextEncoder().encode(`salt ${who}`));
  const epoch = await atEpochOffset(r, 0, 2);
  const target = epoch + 2;
  const commits = await Promise.all(
    bids.map(async (b) =>
      makeBidTx(r.devnet.genesis.config.chainId, seqAccount(b.who), { nonce: await r.nonce(seqAccount(b.who)), fee: 1n, sequencerIndex: b.who, epoch: target, amount: b.amount, salt: salt(b.who), deposit: 1_000n }),
    ),
  );
  await r.send(commits);
  await atEpochOffset(r, 4, 6);
  const reveals = await Promise.all(
    bids.map(async (b) =>
      makeRevealTx(r.devnet.genesis.config.chainId, seqAccount(b.who), { nonce: await r.nonce(seqAccount(b.who)), fee: 1n, sequencerIndex: b.who, epoch: target, amount: b.amount, salt: salt(b.who) }),
    ),
  );
  await r.send(reveals);
  const slots = await waitFor(`the schedule of epoch ${target}`, 20_000, () => r.schedule(target));
  const led = [0, 1, 2].map((i) => slots.filter((s) => s.leader === i).length);
  log("auction", `bids for epoch ${target} (in epoch ${epoch}): slots led ${led.join("/")}`);
  assert.equal(led, [4, 4, 0], "the two winners share the epoch equally");
  assert.equal(slots[0].fallbacks.slice(1), [2], `the bonded non-winner stands behind them (${slots[0].fallbacks.join(",")})`);
}

/** A load account delegates 300,000 to node1 (100,000 own): from two epochs on it leads most slots. */
async function delegation(r: Run): Promise<void> {
  const [delegator] = deriveLoadAccounts(SEED, 1);
  const tx = makeDelegateTx(r.devnet.genesis.config.chainId, delegator, { nonce: await r.nonce(delegator), fee: 1n, sequencerIndex: 0, amount: 300_000n });
  await r.send([tx]);
  const seen = await waitFor("the delegation on node1's record", 20_000, async () => {
    const s = await r.status(0);
    const epoch = Math.floor(s.slot / SLOTS_PER_EPOCH);
    const slots = await r.schedule(epoch + 1).catch(() => []);
    const mine = slots.filter((x) => x.leader === 0).length;
    return mine >= 5 ? { epoch: epoch + 1, mine } : undefined;
  });
  log("dpos", `epoch ${seen.epoch}: node1 (100k own + 300k delegated) leads ${seen.mine} of ${SLOTS_PER_EPOCH} slots`);
}

/** 2 of the 3 governance keys sign an evict of node3: it is exited for good on both survivors. */
async function governanceEvicts(r: Run): Promise<void> {
  const sender = seqAccount(0);
  const tx = makeEvictTx(r.devnet.genesis.config.chainId, sender, {
    nonce: await r.nonce(sender),
    fee: 1n,
    sequencerIndex: KILLED,
    penaltyBps: 1_000,
    governanceNonce: 0,
    signers: [0, 2].map((signer) => ({ signer, key: GOVERNANCE[signer] })),
  });
  await r.send([tx]);
  await waitFor("both survivors to see node3 evicted", 20_000, async () => {
    const views = await Promise.all([0, 1].map(r.sequencers));
    return views.every((v) => v[KILLED].status === "exited" && BigInt(v[KILLED].stake) <= 90_000n) ? views[0][KILLED].stake : undefined;
  });
  log("poa", "governance (2 of 3) evicted node3: exited, 10% of what it had left burned");
}

test.run();
