import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createChainConfig, testPreset } from "../../src/config/chainConfig.js";
import { toHex } from "../../src/crypto/hex.js";
import { BatchError, BatchErrorCode } from "../../src/errors.js";
import { signRandao } from "../../src/signing.js";
import { decodeState, encodeState, stateRoot, txHash, txRoot } from "../../src/types/encoding.js";
import type { SignedBatch, State } from "../../src/types/ssz.js";
import { applyBatch, computeStateRoot, findAccountIndex, makeUserTx, processSlots, txRootFromHashes } from "../../src/transition/index.js";
import { makeTestChain, produce, resign, userTxs, type TestChain } from "./helpers.js";

const test = suite("transition: applyBatch");

function expectBatchError(fn: () => unknown, code: BatchErrorCode): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, BatchError);
    assert.is((e as BatchError).type.code, code, (e as Error).message);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

test("a built batch applies, and re-applying it to a copy of the parent gives the same state root", () => {
  const chain = makeTestChain();
  const txs = userTxs(chain, chain.state, 8);
  const built = produce(chain, chain.state, 3, txs);
  assert.is(built.included.length, 8);
  assert.is(built.dropped.length, 0);
  const copy: State = structuredClone(chain.state);
  const a = applyBatch(chain.state, built.batch, chain.config);
  const b = applyBatch(copy, built.batch, chain.config);
  assert.is(hex(stateRoot(a)), hex(stateRoot(b)));
  assert.is(hex(stateRoot(a)), hex(built.batch.header.stateRoot));
  assert.is(hex(stateRoot(a)), hex(stateRoot(built.state)));
  assert.is(a.slot, 3);
  assert.is(a.height, 1);
  assert.is(a.sequencers[built.batch.header.proposerIndex].produced, 1);
});

test("applyBatch and processSlots never change their input", () => {
  const chain = makeTestChain();
  const before = encodeState(chain.state);
  const built = produce(chain, chain.state, 6, userTxs(chain, chain.state, 5));
  applyBatch(chain.state, built.batch, chain.config);
  processSlots(chain.state, 40, chain.config);
  assert.equal(encodeState(chain.state), before);
  const post = encodeState(built.state);
  produce(chain, built.state, 9, userTxs(chain, built.state, 5));
  assert.equal(encodeState(built.state), post);
});

/** A chain of a few batches with txs, and the batch of slot 5 on top of it (with 3 txs). */
function fixture(): { chain: TestChain; parent: State; batch: SignedBatch; leader: number } {
  const chain = makeTestChain();
  let parent = produce(chain, chain.state, 1, userTxs(chain, chain.state, 4)).state;
  parent = produce(chain, parent, 2, userTxs(chain, parent, 4)).state;
  const built = produce(chain, parent, 5, userTxs(chain, parent, 3));
  return { chain, parent, batch: built.batch, leader: built.batch.header.proposerIndex };
}

const errorCases: { name: string; code: BatchErrorCode; run: (f: ReturnType<typeof fixture>) => unknown }[] = [
  {
    name: "another chain id",
    code: BatchErrorCode.WRONG_CHAIN,
    run: ({ chain, parent, batch }) => applyBatch(parent, batch, { ...chain.config, chainId: 2 }),
  },
  {
    name: "slot not after the parent's",
    code: BatchErrorCode.SLOT_NOT_AFTER_PARENT,
    run: ({ chain, parent, batch, leader }) => applyBatch(parent, resign(batch, chain.seqKeys[leader], { slot: 2 }), chain.config),
  },
  {
    name: "wrong height",
    code: BatchErrorCode.WRONG_HEIGHT,
    run: ({ chain, parent, batch, leader }) => applyBatch(parent, resign(batch, chain.seqKeys[leader], { height: 7 }), chain.config),
  },
  {
    name: "proposer is not the effective leader",
    code: BatchErrorCode.WRONG_LEADER,
    run: ({ chain, parent, batch, leader }) => {
      const other = (leader + 1) % chain.seqKeys.length;
      return applyBatch(parent, resign(batch, chain.seqKeys[other], { proposerIndex: other }), chain.config);
    },
  },
  {
    name: "header signed by another key",
    code: BatchErrorCode.BAD_SIGNATURE,
    run: ({ chain, parent, batch, leader }) => applyBatch(parent, resign(batch, chain.seqKeys[(leader + 1) % 4]), chain.config),
  },
  {
    name: "header changed after signing",
    code: BatchErrorCode.BAD_SIGNATURE,
    run: ({ chain, parent, batch }) => applyBatch(parent, { ...batch, header: { ...batch.header, parentRoot: new Uint8Array(32).fill(9) } }, chain.config),
  },
  {
    name: "RANDAO reveal for another epoch",
    code: BatchErrorCode.BAD_RANDAO,
    run: ({ chain, parent, batch, leader }) => {
      const randaoReveal = signRandao(chain.config.chainId, 7, chain.seqKeys[leader]);
      return applyBatch(parent, resign(batch, chain.seqKeys[leader], { randaoReveal }), chain.config);
    },
  },
  {
    name: "tx root does not match the txs",
    code: BatchErrorCode.BAD_TX_ROOT,
    run: ({ chain, parent, batch }) => applyBatch(parent, { ...batch, txs: batch.txs.slice(1) }, chain.config),
  },
  {
    name: "state root does not match",
    code: BatchErrorCode.BAD_STATE_ROOT,
    run: ({ chain, parent, batch, leader }) =>
      applyBatch(parent, resign(batch, chain.seqKeys[leader], { stateRoot: new Uint8Array(32).fill(1) }), chain.config),
  },
  {
    name: "more txs than maxBatchTxs",
    code: BatchErrorCode.TOO_MANY_TXS,
    run: ({ chain, parent, batch }) => applyBatch(parent, batch, { ...chain.config, maxBatchTxs: 2 }),
  },
  {
    name: "the same tx twice",
    code: BatchErrorCode.DUPLICATE_TX,
    run: ({ chain, parent, batch, leader }) => applyBatch(parent, resign(batch, chain.seqKeys[leader], {}, [...batch.txs, batch.txs[0]]), chain.config),
  },
  {
    name: "an invalid tx (bad nonce)",
    code: BatchErrorCode.INVALID_TX,
    run: ({ chain, parent, batch, leader }) => {
      const bad = makeUserTx(chain.config.chainId, chain.users[0], { nonce: 99, fee: 1n, payload: new Uint8Array(1) });
      return applyBatch(parent, resign(batch, chain.seqKeys[leader], {}, [...batch.txs, bad]), chain.config);
    },
  },
  {
    name: "an invalid tx (bad signature)",
    code: BatchErrorCode.INVALID_TX,
    run: ({ chain, parent, batch, leader }) => {
      const forged = { ...batch.txs[0], signature: batch.txs[1].signature };
      return applyBatch(parent, resign(batch, chain.seqKeys[leader], {}, [forged, ...batch.txs.slice(1)]), chain.config);
    },
  },
];

for (const c of errorCases) {
  test(`rejects a batch: ${c.name} → ${c.code}`, () => {
    const f = fixture();
    applyBatch(f.parent, f.batch, f.chain.config); // the untampered batch is valid
    expectBatchError(() => c.run(f), c.code);
  });
}

test("INVALID_TX carries the tx error", () => {
  const f = fixture();
  const bad = makeUserTx(f.chain.config.chainId, f.chain.users[0], { nonce: 99, fee: 1n, payload: new Uint8Array(1) });
  try {
    applyBatch(f.parent, resign(f.batch, f.chain.seqKeys[f.leader], {}, [bad]), f.chain.config);
    assert.unreachable();
  } catch (e) {
    assert.match((e as BatchError).message, /TX_BAD_NONCE/);
  }
});

test("verifySignatures: false skips the header and RANDAO checks only", () => {
  const f = fixture();
  const forged = { ...f.batch, signature: new Uint8Array(96) };
  expectBatchError(() => applyBatch(f.parent, forged, f.chain.config), BatchErrorCode.BAD_SIGNATURE);
  applyBatch(f.parent, forged, f.chain.config, { verifySignatures: false });
});

test("tx signatures: skipped when verifyTxSignatures is false or isTxVerified accepts the hash", () => {
  const f = fixture();
  const forgedTx = { ...f.batch.txs[0], signature: new Uint8Array(64).fill(3) };
  const parent = f.parent;
  // The batch's state root does not depend on signatures: only the tx root does.
  const batch = resign(f.batch, f.chain.seqKeys[f.leader], {}, [forgedTx, ...f.batch.txs.slice(1)]);
  expectBatchError(() => applyBatch(parent, batch, f.chain.config), BatchErrorCode.INVALID_TX);
  applyBatch(parent, batch, f.chain.config, { verifyTxSignatures: false });
  const verified = new Set([toHex(txHash(forgedTx))]);
  applyBatch(parent, batch, f.chain.config, { isTxVerified: (h) => verified.has(h) });
});

test("processSlots is idempotent; an all-empty stretch gives the same state in one gap or in several (each an outage)", () => {
  const chain = makeTestChain();
  const direct = processSlots(chain.state, 23, chain.config);
  const stepped = processSlots(processSlots(processSlots(chain.state, 9, chain.config), 17, chain.config), 23, chain.config);
  assert.is(hex(stateRoot(stepped)), hex(stateRoot(direct)));
  assert.is(hex(stateRoot(processSlots(direct, 23, chain.config))), hex(stateRoot(direct)));
  assert.is(direct.slot, 22);
  assert.is(direct.epoch, 5);
  // a batch of slot 23 applies the same to the parent and to the processed state
  const built = produce(chain, chain.state, 23);
  assert.is(hex(stateRoot(applyBatch(direct, built.batch, chain.config))), hex(built.batch.header.stateRoot));
});

test("computeStateRoot equals stateRoot across batches that write and append accounts", () => {
  const chain = makeTestChain({ users: 37 });
  let state = chain.state;
  for (let slot = 1; slot <= 12; slot++) {
    state = produce(chain, state, slot, userTxs(chain, state, slot % 3 === 0 ? 0 : 11)).state;
    assert.is(hex(computeStateRoot(state)), hex(stateRoot(state)), `slot ${slot}`);
  }
  assert.ok(state.accounts.length > 37, "fee accounts were appended");
  assert.is(hex(computeStateRoot(chain.state)), hex(stateRoot(chain.state)));
});

test("forks: sibling states that append different accounts keep separate caches", () => {
  const chain = makeTestChain();
  const parent = produce(chain, chain.state, 1).state; // no fees yet: no fee account
  const a = produce(chain, parent, 2, userTxs(chain, parent, 3));
  let slotB = 3;
  while (produce(chain, parent, slotB).batch.header.proposerIndex === a.batch.header.proposerIndex) slotB++;
  const b = produce(chain, parent, slotB, userTxs(chain, parent, 2));
  const [pa, pb] = [a.batch.header.proposerIndex, b.batch.header.proposerIndex];
  const n = parent.accounts.length;
  assert.is(a.state.accounts.length, n + 1);
  assert.is(b.state.accounts.length, n + 1);
  assert.is(findAccountIndex(a.state.accounts, chain.seqAccounts[pa].publicKey), n);
  assert.is(findAccountIndex(a.state.accounts, chain.seqAccounts[pb].publicKey), -1);
  assert.is(findAccountIndex(b.state.accounts, chain.seqAccounts[pb].publicKey), n);
  assert.is(findAccountIndex(b.state.accounts, chain.seqAccounts[pa].publicKey), -1);
  assert.is(findAccountIndex(parent.accounts, chain.seqAccounts[pa].publicKey), -1);
  for (const s of [parent, a.state, b.state]) assert.is(hex(computeStateRoot(s)), hex(stateRoot(s)));
  // and each branch goes on
  const a2 = produce(chain, a.state, slotB + 1, userTxs(chain, a.state, 4)).state;
  const b2 = produce(chain, b.state, slotB + 1, userTxs(chain, b.state, 4)).state;
  for (const s of [a2, b2]) assert.is(hex(computeStateRoot(s)), hex(stateRoot(s)));
  // a decoded copy (no caches) applies the same batch to the same root
  const decoded = decodeState(encodeState(parent));
  assert.is(hex(stateRoot(applyBatch(decoded, a.batch, chain.config))), hex(a.batch.header.stateRoot));
});

test("txRootFromHashes equals txRoot", () => {
  const chain = makeTestChain();
  for (const n of [0, 1, 2, 3, 5, 8, 17, 100]) {
    const txs = userTxs(chain, chain.state, n);
    assert.is(hex(txRootFromHashes(txs.map(txHash))), hex(txRoot(txs)), `${n} txs`);
  }
});

test("a config with another chainId cannot apply this chain's batches", () => {
  const chain = makeTestChain();
  const other = createChainConfig({ genesisTime: 0, chainId: 9 }, testPreset);
  const built = produce(chain, chain.state, 1);
  expectBatchError(() => applyBatch(chain.state, built.batch, other), BatchErrorCode.WRONG_CHAIN);
});

// Found while writing docs/protocol.md: with randaoMix ^= sha256(reveal), a proposer's reveal
// (one per epoch) cancelled in pairs, and the mix stopped changing when everyone produced an
// even number of batches per epoch: every later committee seed was predictable.
test("the RANDAO mix changes with every batch, even when a proposer leads an even number of slots", () => {
  const chain = makeTestChain({ config: { slotsPerEpoch: 8 } }); // 4 equal stakes: 2 slots each
  const spe = chain.config.slotsPerEpoch;
  let state = chain.state;
  const mixes = new Set<string>([hex(state.randaoMix)]);
  for (let slot = 1; slot <= 3 * spe; slot++) {
    state = produce(chain, state, slot).state;
    mixes.add(hex(state.randaoMix));
  }
  assert.is(mixes.size, 3 * spe + 1, "a new mix after every batch");
});

test.run();
