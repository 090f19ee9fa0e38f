/**
 * A cluster of 4 real node processes on loopback (the devnet launcher): they converge, every
 * batch is signed by its slot's leader, txs reach every node confirmed; a SIGKILLed node is
 * ejected by all survivors within (missesToEject + 1) of its slots while batches keep coming;
 * restarted from its data dir it catches up, rejoins and leads again.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  computeEpoch,
  encodeTx,
  fromHex,
  makeUserTx,
  toHex,
  verifyBatchHeaderSignature,
  type BatchHeader,
} from "@baton/core";
import { startDevnet, deriveLoadAccounts, type Devnet } from "@baton/devnet";
import { getJson, postJson, waitFor, type SequencerInfo, type Status, reportSetupErrors } from "./helpers.js";

const test = suite("cluster");
const NODES = 4;
const SLOT_MS = 500;
const SLOTS_PER_EPOCH = 8;
const MISSES_TO_EJECT = 3;
const KILLED = 3; // node4 = sequencer index 3

let dir = "";
let devnet: Devnet;
const api = (i: number) => devnet.nodes[i].apiUrl;
const status = (i: number) => getJson<Status>(`${api(i)}/status`);
const sequencers = (i: number) => getJson<SequencerInfo[]>(`${api(i)}/sequencers`);
const log = (msg: string) => console.log(`    [cluster] ${msg}`);

test.before(reportSetupErrors(async () => {
  dir = mkdtempSync(join(tmpdir(), "baton-cluster-"));
  devnet = await startDevnet({
    nodes: NODES,
    dir,
    fresh: true,
    slotMs: SLOT_MS,
    slotsPerEpoch: SLOTS_PER_EPOCH,
    missesToEject: MISSES_TO_EJECT,
    baseApiPort: 17300,
    baseP2pPort: 19300,
    logLevel: "info",
    genesisDelayMs: 4_000,
    loadAccounts: 4,
    log: (l) => log(l),
  });
  await devnet.waitReady(30_000);
}));

test.after(async () => {
  await devnet?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("4 nodes converge on one head", async () => {
  const head = await waitFor("all nodes on one head at height >= 8", 40_000, async () => {
    const all = await Promise.all([0, 1, 2, 3].map(status));
    const roots = new Set(all.map((s) => s.head.root));
    return roots.size === 1 && all[0].head.height >= 8 && all.every((s) => s.peers === NODES - 1) ? all[0].head : undefined;
  });
  log(`converged at height ${head.height}`);
});

test("every batch is signed by its slot's scheduled leader", async () => {
  // the schedule of the current epoch, then every batch of that epoch once it has passed
  const s = await status(0);
  const epoch = s.epoch;
  const schedule = await getJson<{ slots: { slot: number; leader: number; fallbacks: number[] }[] }>(`${api(0)}/schedule?epoch=${epoch}`);
  const seqs = await sequencers(0);
  await waitFor(`epoch ${epoch} to end`, 20_000, async () => (await status(0)).epoch > epoch);
  const leaderOf = new Map(schedule.slots.map((x) => [x.slot, x.leader]));
  let checked = 0;
  for (let h = (await status(0)).head.height; h > 0; h--) {
    const b = await getJson(`${api(0)}/batches/${h}`);
    if (computeEpoch({ slotsPerEpoch: SLOTS_PER_EPOCH }, b.slot) < epoch) break;
    if (!leaderOf.has(b.slot)) continue;
    assert.is(b.proposer, leaderOf.get(b.slot), `batch at slot ${b.slot} proposed by its leader`);
    const header: BatchHeader = {
      chainId: b.chainId,
      slot: b.slot,
      height: b.height,
      proposerIndex: b.proposer,
      parentRoot: fromHex(b.parentRoot),
      txRoot: fromHex(b.txRoot),
      stateRoot: fromHex(b.stateRoot),
      randaoReveal: fromHex(b.randaoReveal),
    };
    assert.ok(verifyBatchHeaderSignature(header, fromHex(b.signature), fromHex(seqs[b.proposer].pubkey)), `signature of slot ${b.slot}`);
    checked++;
  }
  assert.ok(checked >= SLOTS_PER_EPOCH / 2, `checked ${checked} batches of epoch ${epoch}`);
  log(`${checked} batches of epoch ${epoch} proposed and signed by their scheduled leader`);
});

test("txs sent to one node are included and confirmed on every node", async () => {
  const [account] = deriveLoadAccounts(fromHex(JSON.parse(await import("node:fs").then((fs) => fs.readFileSync(join(dir, "devnet.json"), "utf8"))).seed, 32), 1);
  const { nonce } = await getJson(`${api(0)}/accounts/${toHex(account.publicKey)}`);
  const txs = Array.from({ length: 20 }, (_, k) =>
    makeUserTx(devnet.genesis.config.chainId, account, { nonce: nonce + k, fee: 1n, payload: new TextEncoder().encode(`tx ${k}`) }),
  );
  const { hashes } = await postJson<{ hashes: string[] }>(`${api(0)}/txs`, { txs: txs.map((t) => toHex(encodeTx(t))) });
  assert.is(hashes.length, 20);
  for (let i = 0; i < NODES; i++) {
    await waitFor(`node${i + 1} to report all txs confirmed`, 30_000, async () => {
      for (const h of hashes) if ((await getJson(`${api(i)}/txs/${h}`)).status !== "confirmed") return undefined;
      return true;
    });
  }
  const where = await getJson(`${api(3)}/txs/${hashes[0]}`);
  const batch = await getJson(`${api(1)}/batches/${where.height}`);
  assert.ok(batch.txs.includes(hashes[0]), "the batch at that height holds the tx on another node");
});

test("a SIGKILLed sequencer is ejected by every survivor, with identical records, and batches keep coming", async () => {
  const before = await status(0);
  const killSlot = before.slot;
  // the killed node's scheduled slots from now on (this and the next epoch)
  const mySlots: number[] = [];
  for (const e of [before.epoch, before.epoch + 1]) {
    const sch = await getJson<{ slots: { slot: number; leader: number }[] }>(`${api(0)}/schedule?epoch=${e}`);
    mySlots.push(...sch.slots.filter((x) => x.leader === KILLED && x.slot > killSlot).map((x) => x.slot));
  }
  devnet.nodes[KILLED].kill("SIGKILL");
  log(`killed node${KILLED + 1} at slot ${killSlot}; its next slots: ${mySlots.join(", ")}`);
  const survivors = [0, 1, 2];
  const ejectedAt = await waitFor("every survivor to mark it ejected", 30_000, async () => {
    const views = await Promise.all(survivors.map(sequencers));
    if (!views.every((v) => v[KILLED].status === "ejected")) return undefined;
    return (await status(0)).slot;
  }, 100);
  const slotsUsed = mySlots.filter((s) => s < ejectedAt).length;
  log(`ejected by slot ${ejectedAt}: ${slotsUsed} of its slots passed (limit ${MISSES_TO_EJECT + 1})`);
  assert.ok(slotsUsed <= MISSES_TO_EJECT + 1, `ejected within ${MISSES_TO_EJECT + 1} of its slots (took ${slotsUsed})`);

  // identical records at one head
  const heights = (await Promise.all(survivors.map(status))).map((s) => s.head.height);
  const target = Math.max(...heights) + 2;
  const records = await waitFor("survivors to agree at one head", 20_000, async () => {
    const st = await Promise.all(survivors.map(status));
    if (new Set(st.map((s) => s.head.root)).size !== 1 || st[0].head.height < target) return undefined;
    const views = await Promise.all(survivors.map(sequencers));
    const heads = await Promise.all(survivors.map(status));
    if (new Set(heads.map((s) => s.head.root)).size !== 1) return undefined;
    return views;
  });
  for (const v of records.slice(1)) assert.equal(v, records[0], "identical produced / miss / status records");
  assert.ok(records[0][KILLED].misses >= MISSES_TO_EJECT, "its misses were recorded");
  log(`survivors agree: node${KILLED + 1} misses=${records[0][KILLED].misses} status=${records[0][KILLED].status}`);

  const h0 = (await status(0)).head.height;
  await waitFor("batches to keep coming", 15_000, async () => (await status(0)).head.height >= h0 + 6);
  const sample = await status(0);
  const gap = sample.slot - sample.head.slot;
  assert.ok(gap <= MISSES_TO_EJECT + 1, `head is recent (gap ${gap} slots)`);
});

test("restarted from its data dir, it catches up, rejoins and leads again", async () => {
  const producedBefore = (await sequencers(0))[KILLED].produced;
  devnet.nodes[KILLED].start();
  await waitFor("the restarted node to catch up", 40_000, async () => {
    const [a, b] = await Promise.all([status(0), status(KILLED)]);
    return !b.syncing && Math.abs(a.head.height - b.head.height) <= 1 ? true : undefined;
  });
  log("restarted node caught up");
  await waitFor("every node to see it active again", 40_000, async () => {
    const views = await Promise.all([0, 1, 2, 3].map(sequencers));
    return views.every((v) => v[KILLED].status === "active") ? true : undefined;
  });
  log("it rejoined");
  const led = await waitFor("it to lead a batch again", 40_000, async () => {
    const views = await Promise.all([0, 1, 2, 3].map(sequencers));
    return views.every((v) => v[KILLED].produced > producedBefore) ? views[0][KILLED].produced : undefined;
  });
  log(`it produced again (produced ${producedBefore} -> ${led})`);
  const all = await Promise.all([0, 1, 2, 3].map(status));
  assert.ok(all.every((s) => s.peers >= 1), "connected");
});

test.run();
