/**
 * The chain over a real level store: import, gossip validation outcomes (accept / ignore /
 * reject), a reorg that returns txs to the mempool, and a restart from the data dir.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import {
  applyTx,
  buildBatch,
  makeSlashTx,
  SequencerStatus,
  encodeSignedBatch,
  getEffectiveLeader,
  headerRoot,
  makeUserTx,
  processSlots,
  toHex,
  txHash,
  type SignedBatch,
  type State,
  type Tx,
} from "@baton/core";
import { makeTestChain } from "@baton/core/testing";
import { Chain, ChainEvent, validateGossipBatch, type EquivocationEventData } from "../../src/chain/index.js";
import { BatonDb } from "../../src/db/index.js";
import { Mempool } from "../../src/mempool/index.js";
import { GossipAction, GossipValidationError } from "../../src/network/errors.js";

const test = suite("chain");
const fixture = makeTestChain({ sequencers: 4, users: 2, config: { slotsPerEpoch: 8, genesisTime: 0 } });
const config = fixture.config;
const logger = pino({ level: "silent" });
let dir = "";
let db: BatonDb;
let mempool: Mempool;
let chain: Chain;

const newMempool = () => new Mempool({ chainId: config.chainId, maxSize: 1000, minFee: config.minFee, maxPayloadBytes: config.maxPayloadBytes }, { metrics: null });

async function open(): Promise<void> {
  db = await BatonDb.open(join(dir, "db"));
  mempool = newMempool();
  chain = await Chain.init(fixture.genesis, { db, mempool, metrics: null, logger });
}

function leader(state: State, slot: number): number {
  return getEffectiveLeader(processSlots(state, slot, config), config, slot);
}

function build(parent: State, parentRoot: Uint8Array, slot: number, txs: Tx[] = []): { batch: SignedBatch; state: State } {
  const proposerIndex = leader(parent, slot);
  const b = buildBatch(parent, config, { slot, proposerIndex, parentRoot, candidateTxs: txs, blsKey: fixture.seqKeys[proposerIndex] });
  return { batch: b.batch, state: b.state };
}

const validate = (data: Uint8Array, onUnknownParent: (p: string) => void = () => {}) =>
  validateGossipBatch(data, "peer-x", { chain, now: () => 1e15, onUnknownParent });

async function expectGossip(data: Uint8Array, action: GossipAction, code?: string | RegExp) {
  try {
    await validate(data);
  } catch (e) {
    assert.instance(e, GossipValidationError);
    assert.is((e as GossipValidationError).action, action);
    if (code) assert.match((e as GossipValidationError).code, code);
    return;
  }
  assert.unreachable(`expected ${action}`);
}

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), "baton-chain-"));
  await open();
});
test.after(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

test("a valid gossip batch is imported and becomes head", async () => {
  const b1 = build(chain.getHeadState(), chain.getHead().root, 1);
  await validate(encodeSignedBatch(b1.batch));
  assert.is(toHex(chain.getHead().root), toHex(headerRoot(b1.batch.header)));
  await expectGossip(encodeSignedBatch(b1.batch), GossipAction.IGNORE, "BATCH_KNOWN");
});

test("a bad signature, a wrong leader and malformed bytes are REJECTed", async () => {
  const head = chain.getHead();
  const b = build(chain.getHeadState(), head.root, head.slot + 1);
  const badSig = { ...b.batch, signature: Uint8Array.from(b.batch.signature).fill(1, 0, 8) };
  await expectGossip(encodeSignedBatch(badSig), GossipAction.REJECT, /BATCH_/);
  const wrong = (leader(chain.getHeadState(), head.slot + 1) + 1) % 4;
  const notLeader = buildBatch(chain.getHeadState(), config, {
    slot: head.slot + 1,
    proposerIndex: leader(chain.getHeadState(), head.slot + 1),
    parentRoot: head.root,
    candidateTxs: [],
    blsKey: fixture.seqKeys[leader(chain.getHeadState(), head.slot + 1)],
  }).batch;
  const forged = { ...notLeader, header: { ...notLeader.header, proposerIndex: wrong } };
  await expectGossip(encodeSignedBatch(forged), GossipAction.REJECT, "BATCH_WRONG_LEADER");
  await expectGossip(new Uint8Array([1, 2, 3]), GossipAction.REJECT, /DECODE/);
});

test("an unknown parent is IGNOREd and asks for a lookup from the sender", async () => {
  const head = chain.getHead();
  const b = build(chain.getHeadState(), head.root, head.slot + 1);
  // (a height above its slot would be REJECTed: heights count batches, one per slot at most)
  const orphanParent = { ...b.batch, header: { ...b.batch.header, parentRoot: new Uint8Array(32).fill(9), height: head.height + 5, slot: head.slot + 5 } };
  let asked = "";
  try {
    await validate(encodeSignedBatch(orphanParent), (p) => (asked = p));
  } catch (e) {
    assert.is((e as GossipValidationError).action, GossipAction.IGNORE);
  }
  assert.is(asked, "peer-x");
});

test("a batch one slot early is IGNOREd, more than one slot early REJECTed (issue 12)", async () => {
  const head = chain.getHead();
  const b = build(chain.getHeadState(), head.root, head.slot + 1);
  const early = async (now: number) => {
    try {
      await validateGossipBatch(encodeSignedBatch(b.batch), "p", { chain, now: () => now, onUnknownParent: () => {} });
      assert.unreachable("accepted");
    } catch (e) {
      return `${(e as GossipValidationError).action}:${(e as GossipValidationError).code}`;
    }
  };
  const slotStart = config.genesisTime + b.batch.header.slot * config.slotMs;
  assert.is(await early(slotStart - config.slotMs), "ignore:BATCH_FROM_FUTURE");
  assert.is(await early(slotStart - 2 * config.slotMs - config.clockDisparityMs), "reject:BATCH_TOO_FAR_IN_FUTURE");
});

test("a heavier fork takes the head and the losing batch's txs return to the mempool", async () => {
  const base = chain.getHead();
  const baseState = chain.getHeadState();
  const tx = makeUserTx(config.chainId, fixture.users[0], { nonce: baseState.accounts[0].nonce, fee: 1n, payload: new Uint8Array([7]) });
  mempool.add(tx);
  // branch A: one batch with the tx; branch B: two batches by two other sequencers
  const sA = base.slot + 1;
  const a = build(baseState, base.root, sA, [tx]);
  await chain.importBatch(a.batch, "gossip");
  assert.not.ok(mempool.has(toHex(txHash(tx))), "included: left the mempool");
  const la = a.batch.header.proposerIndex;
  let s = sA + 1;
  while (leader(baseState, s) === la) s++;
  const b1 = build(baseState, base.root, s);
  let s2 = s + 1;
  const used = new Set([la, b1.batch.header.proposerIndex]);
  while (used.has(leader(b1.state, s2))) s2++;
  const b2 = build(b1.state, headerRoot(b1.batch.header), s2);
  await chain.importBatch(b1.batch, "gossip");
  await chain.importBatch(b2.batch, "gossip");
  assert.is(toHex(chain.getHead().root), toHex(headerRoot(b2.batch.header)), "branch B is head");
  assert.ok(mempool.has(toHex(txHash(tx))), "the tx is pending again");
});

test("two valid batches of one proposer for one slot raise an equivocation whose slash tx is valid", async () => {
  const head = chain.getHead();
  const st = chain.getHeadState();
  const slot = head.slot + 1;
  const tx = makeUserTx(config.chainId, fixture.users[1], { nonce: st.accounts[1].nonce, fee: 1n, payload: new Uint8Array([1]) });
  const one = build(st, head.root, slot);
  const two = build(st, head.root, slot, [tx]);
  let seen: EquivocationEventData | null = null;
  chain.once(ChainEvent.equivocation, (d: EquivocationEventData) => (seen = d));
  await chain.importBatch(one.batch, "gossip");
  await chain.importBatch(two.batch, "gossip");
  assert.ok(seen, "equivocation event");
  const ev = seen as unknown as EquivocationEventData;
  assert.is(ev.proposer, one.batch.header.proposerIndex);
  // the evidence makes a slash tx the chain accepts: the offender is exited
  const whistleblower = fixture.users[0];
  const after = chain.getHeadState();
  const slash = makeSlashTx(config.chainId, whistleblower, {
    nonce: after.accounts[0].nonce,
    fee: 1n,
    header1: ev.header1,
    header2: ev.header2,
  });
  const slashed = applyTx(after, slash, 0, config);
  assert.is(slashed.sequencers[ev.proposer].status, SequencerStatus.exited);
  assert.ok(slashed.sequencers[ev.proposer].slashed);
});

test("a restart from the data dir finds the same head", async () => {
  const head = toHex(chain.getHead().root);
  const height = chain.getHead().height;
  await db.close();
  await open();
  assert.is(toHex(chain.getHead().root), head);
  assert.is(chain.getHead().height, height);
  const b = await chain.getBatchAtHeight(1);
  assert.ok(b, "batch 1 readable after restart");
});

test.run();
