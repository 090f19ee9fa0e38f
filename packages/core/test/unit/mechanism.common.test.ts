/** What every mechanism shares: governance eviction, the sampled committee's equal slot shares, tx kind gating. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { TxErrorCode } from "../../src/errors.js";
import { MECHANISM_NAMES } from "../../src/mechanism/params.js";
import { computeEpochSchedule } from "../../src/schedule/index.js";
import { applyBatch, applyTx, applyUnsignedBatch, makeEvictTx, makeUnstakeTx, processSlots } from "../../src/transition/index.js";
import { stateRoot } from "../../src/types/encoding.js";
import { produce, userTxs } from "./helpers.js";
import { SequencerStatus, TX_KIND_NAMES, TxKind } from "../../src/types/enums.js";
import { expectTxError, mechChain, type MechChain } from "./mechanismHelpers.js";

const test = suite("mechanism: common");

const evict = (c: MechChain, who: number, penaltyBps: number, signers = [0, 1], nonce = 0) =>
  makeEvictTx(1, c.users[0], {
    nonce: 0,
    fee: 1n,
    sequencerIndex: who,
    penaltyBps,
    governanceNonce: nonce,
    signers: signers.map((i) => ({ signer: i, key: c.governance[i] })),
  });

for (const m of MECHANISM_NAMES) {
  test(`${m}: governance evicts with a penalty; the evicted sequencer may withdraw the rest, never stake again`, () => {
    const c = mechChain(m, { governanceKeys: 3, threshold: 2, stakes: [10_000n, 10_000n, 10_000n, 10_000n] });
    let state = applyTx(processSlots(c.state, 1, c.config), evict(c, 2, 2_500), 0, c.config);
    const s = state.sequencers[2];
    assert.equal([s.status, s.evicted, s.stake, state.burned, state.governanceNonce], [SequencerStatus.exited, true, 7_500n, 2_500n, 1]);
    state = processSlots(state, 2 * c.config.slotsPerEpoch, c.config);
    assert.not.ok(state.nextCommittee.members.some((x) => x.index === 2), "out of the committees computed after");
    const out = applyTx(state, makeUnstakeTx(1, c.seqAccounts[2], { nonce: 0, fee: 1n, sequencerIndex: 2, amount: 7_500n }), 0, c.config);
    assert.is(out.sequencers[2].stake, 0n);
  });
}

test("evict refused without governance keys, below the threshold, or with a penalty above 100%", () => {
  const none = mechChain("pos", { governanceKeys: 0 });
  const withKeys = mechChain("pos", { governanceKeys: 3, threshold: 2 });
  const noGov = makeEvictTx(1, none.users[0], { nonce: 0, fee: 1n, sequencerIndex: 1, penaltyBps: 0, governanceNonce: 0, signers: [] });
  expectTxError(() => applyTx(none.state, noGov, 0, none.config), TxErrorCode.NOT_ALLOWED, /no governance keys/);
  expectTxError(() => applyTx(withKeys.state, evict(withKeys, 1, 0, [2]), 0, withKeys.config), TxErrorCode.NOT_ALLOWED, /2 needed/);
  expectTxError(() => applyTx(withKeys.state, evict(withKeys, 1, 10_001), 0, withKeys.config), TxErrorCode.BAD_PAYLOAD, /penaltyBps/);
  expectTxError(() => applyTx(withKeys.state, evict(withKeys, 9, 0), 0, withKeys.config), TxErrorCode.NOT_ALLOWED, /no sequencer 9/);
});

test("a sampled committee (committeeSize < eligible) shares slots equally, whatever the weights", () => {
  const c = mechChain("pos", { sequencers: 6, stakes: [1_000n, 50_000n, 1_000n, 50_000n, 1_000n, 50_000n], config: { committeeSize: 4 } });
  const committee = c.state.nextCommittee;
  assert.ok(committee.equalShares);
  assert.is(committee.members.length, 4);
  const slots = computeEpochSchedule(committee, 8).slots.map((s) => s.leader);
  for (const m of committee.members) assert.is(slots.filter((l) => l === m.index).length, 2, `member ${m.index}: 2 of 8 slots`);
});

test("the simulator's entry point gives the same state as a signed batch (the real rules, minus cryptography)", () => {
  const c = mechChain("dpos", { governanceKeys: 3 });
  let signed = c.state;
  let unsigned = c.state;
  for (const slot of [1, 2, 4, 7, 9]) {
    const txs = userTxs(c, signed, 3);
    const built = produce(c, signed, slot, txs);
    signed = applyBatch(signed, built.batch, c.config);
    const r = applyUnsignedBatch(unsigned, c.config, { slot, proposerIndex: built.batch.header.proposerIndex, txs, randaoReveal: built.batch.header.randaoReveal });
    assert.is(r.included, 3);
    unsigned = r.state;
    assert.equal(stateRoot(unsigned), stateRoot(signed), `slot ${slot}`);
  }
});

test("every new tx kind has a name (API, logs)", () => {
  for (const k of [TxKind.evict, TxKind.admit, TxKind.bid, TxKind.reveal, TxKind.delegate, TxKind.undelegate, TxKind.commission, TxKind.transfer]) {
    assert.type(TX_KIND_NAMES[k], "string");
  }
});

test.run();
