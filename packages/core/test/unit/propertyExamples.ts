/**
 * Counterexamples the property tests found (shrunk by fast-check, then written out by hand in
 * the scenario format of propertyScenario.ts). They run on every test run, whatever the seed,
 * with every property checked, so a fixed one stays fixed.
 */
import type { MechanismName } from "../../src/mechanism/params.js";
import type { ChainSpec, MechanismKnobs, Scenario, TxSpec } from "./propertyScenario.js";

export interface KnownExample {
  name: string;
  scenario: Scenario;
}

const tx = (t: Partial<TxSpec> & Pick<TxSpec, "kind">): TxSpec => ({
  actor: 0,
  own: true,
  target: 0,
  amount: { frac: 0 },
  amount2: { frac: 0 },
  valid: true,
  restake: false,
  token: 0,
  fee: 0n,
  key: 0,
  ...t,
});

/** The smallest parameters of each mechanism (what fast-check shrinks them to). */
const SMALL_KNOBS: Record<MechanismName, MechanismKnobs> = {
  pos: { tokenWeights: [10_000] },
  poa: { bond: 0n },
  auction: { winners: 1, priceRule: "first", bond: 1n, reservePrice: 0n, revealOffset: 0, disputeEpochs: 1, unrevealedPenaltyBps: 0 },
  dpos: { seats: 0, rewardPerBatch: 0n, maxCommissionBps: 0, defaultCommissionBps: 0, minDelegation: 1n },
  performance: {
    halfLifeEpochs: 1,
    missWeight: 1,
    floorScorePpm: 0,
    initialScorePpm: 0,
    probationEpochs: 0,
    baseBond: 1n,
    bondPerTx: 0n,
    volumeHalfLifeEpochs: 1,
  },
};

/** Epochs of 2 slots, eject at the first miss, everything else at its smallest. */
const smallChain = (mechanism: MechanismName, stakes: bigint[], governanceKeys = 0): ChainSpec => ({
  mechanism,
  slotsPerEpoch: 2,
  committeeSize: 0,
  missesToEject: 1,
  missWindow: 1,
  maxWindowMisses: 0,
  restartGraceEpochs: 0,
  evidenceEpochs: 1,
  extraUnbondingEpochs: 0,
  leakRateBps: 0,
  minStake: 1n,
  slashFractionBps: 0,
  minFee: 0n,
  maxBatchTxs: 1,
  params: SMALL_KNOBS[mechanism],
  sequencers: stakes.map((stake) => ({ stake, tokenStakes: [], commissionBps: 0 })),
  balances: Array.from({ length: 8 }, () => 10_000n),
  governance: { keys: governanceKeys, threshold: 0 },
});

export const KNOWN_EXAMPLES: KnownExample[] = [
  ...(["pos", "auction", "dpos", "performance"] as const).map(
    (mechanism): KnownExample => ({
      // The lone sequencer withdraws everything in epoch 0 (it exits, holding nothing); a
      // newcomer stakes 5,000 at slot 2 (epoch 1). The committee of epoch 2 was computed at the
      // transition into epoch 1, before the stake: empty. Until 666f45c no slot of epoch 2 had
      // a leader although the newcomer held stake (the `leader` property).
      name: `${mechanism}: the last sequencer leaves, a newcomer stakes`,
      scenario: {
        chain: smallChain(mechanism, [5_000n]),
        steps: [
          { gap: { slots: 1 }, txs: [tx({ kind: "unstake", amount: { frac: 10_000 } })] },
          { gap: { slots: 1 }, txs: [tx({ kind: "stake", target: 1, amount: { frac: 5_000 } })] },
          { gap: { slots: 2 }, txs: [] },
        ],
      },
    }),
  ),
  {
    // The same with governance: the lone sequencer is evicted (its stake stays, but an evicted
    // sequencer never leads), a newcomer stakes 1 at slot 4 (epoch 2): until 666f45c epoch 3
    // had no leader.
    name: "pos: the lone sequencer is evicted, a newcomer stakes",
    scenario: {
      chain: smallChain("pos", [1n], 1),
      steps: [
        { gap: { slots: 2 }, txs: [tx({ kind: "evict" })] },
        { gap: { slots: 1 }, txs: [] },
        { gap: { slots: 1 }, txs: [tx({ kind: "stake", target: 1, amount: { frac: 1 } })] },
        { gap: { slots: 2 }, txs: [] },
      ],
    },
  },
  {
    // pos with a native token weight of 0: the lone sequencer withdraws all of its weighted
    // token (tok1) and exits still holding 5,000 native units, which weigh nothing. From epoch
    // 2 no slot has a leader (the committee is empty and the last resort takes only sequencers
    // whose weighted stake is > 0), so the chain halts for good and the 5,000 stay locked: the
    // unstake that would free them can never be included. Fails at 666f45c.
    name: "pos, native weight 0: the lone sequencer withdraws its weighted stake, keeps native stake",
    scenario: {
      chain: {
        ...smallChain("pos", [5_000n]),
        params: { tokenWeights: [0, 10_000] },
        sequencers: [{ stake: 5_000n, tokenStakes: [5_000n], commissionBps: 0 }],
      },
      steps: [
        { gap: { slots: 1 }, txs: [tx({ kind: "unstake", token: 1, amount: { frac: 10_000 } })] },
        { gap: { slots: 1 }, txs: [] },
        { gap: { slots: 2 }, txs: [] },
      ],
    },
  },
];
