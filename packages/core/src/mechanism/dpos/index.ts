/**
 * dpos: weight = own committed stake + stake delegated to it (delegate / undelegate txs,
 * txs.ts). A sequencer needs minStake of its own; the top mechanismParams.seats by weight are
 * elected (0 = all; ties to the lower index). Each produced batch mints rewardPerBatch, paid
 * out at the epoch transition, after the sequencer's commission (rewards.ts). Undelegated
 * stake is paid back unbondingEpochs (genesis) later and is slashed with the sequencer until
 * then. Genesis may set a sequencer's "commissionBps" (default: defaultCommissionBps).
 */
import { intField } from "../../config/fields.js";
import { stakedCandidates } from "../eligible.js";
import type { GenesisField, Mechanism } from "../types.js";
import { defaultDposParams, parseDposParams, type DposParams } from "./params.js";
import { electSeats, payRewards, settleDelegations } from "./rewards.js";
import { commissionTx, delegateTx, undelegateTx } from "./txs.js";

export { dposParams, type DposParams } from "./params.js";
export { delegationsBySequencer, electSeats, payRewards, settleDelegations } from "./rewards.js";
export { findDelegation, makeCommissionTx, makeDelegateTx, makeUndelegateTx } from "./txs.js";

/** genesis "commissionBps": n, the sequencer's commission (default: defaultCommissionBps). */
const commissionField: GenesisField<DposParams> = {
  key: "commissionBps",
  absentReason: "commission is a dpos feature",
  parse: (value, f, config) => ({ commissionBps: intField(value, f, 0, config.mechanismParams.maxCommissionBps) }),
  toJson: (s) => s.commissionBps,
};

export const dposMechanism: Mechanism<"dpos", DposParams> = {
  name: "dpos",
  defaultParams: defaultDposParams,
  parseParams: parseDposParams,
  weights(state, config) {
    const weights = stakedCandidates(state.sequencers, config.minStake).map((c) => ({
      index: c.index,
      weight: c.stake + state.sequencers[c.index].delegated,
    }));
    return electSeats(weights, config.mechanismParams.seats);
  },
  processEpoch(draft, config, epoch) {
    payRewards(draft, config);
    settleDelegations(draft, epoch);
  },
  sequencerFields: (config, a) => ({ commissionBps: a.commissionBps ?? config.mechanismParams.defaultCommissionBps }),
  genesisFields: [commissionField],
  txs: [delegateTx, undelegateTx, commissionTx],
};
