/**
 * For simulators (`baton sim`): the transition of a batch's content without its cryptography:
 * no header or RANDAO signature, no tx signatures, no tx root, no state root. Otherwise the
 * same draft steps as applyBatch and buildBatch, in the same order (empty slots, leader check,
 * txs, proposer credit and RANDAO mix), so a simulation runs the real rules. Like buildBatch,
 * a tx that fails is skipped and reported.
 */
import type { ChainConfig } from "../config/chainConfig.js";
import { TxError } from "../errors.js";
import type { State, Tx } from "../types/ssz.js";
import { checkLeader, finishBatch } from "./batch.js";
import { StateDraft } from "../state/draft.js";
import { processSlotsInto } from "./slots.js";
import { forgetAccountsLineage } from "../state/stateRoot.js";
import { applyTxInto } from "./txs.js";

export interface UnsignedBatch {
  slot: number;
  proposerIndex: number;
  txs: Tx[];
  /** any 96 bytes: mixed into randaoMix as a real reveal would be */
  randaoReveal: Uint8Array;
}

export interface UnsignedBatchResult {
  state: State;
  included: number;
  dropped: { tx: Tx; error: TxError }[];
}

/** The post-state of `batch` on `parent`. Throws BatchError if the proposer is not the slot's leader. */
export function applyUnsignedBatch(parent: State, config: ChainConfig, batch: UnsignedBatch): UnsignedBatchResult {
  const draft = new StateDraft(parent);
  processSlotsInto(draft, batch.slot, config);
  checkLeader(draft.state, config, batch.slot, batch.proposerIndex);
  const dropped: { tx: Tx; error: TxError }[] = [];
  let included = 0;
  for (const tx of batch.txs) {
    if (included >= config.maxBatchTxs) break;
    try {
      applyTxInto(draft, tx, batch.proposerIndex, config, false);
      included++;
    } catch (e) {
      if (!(e instanceof TxError)) throw e;
      dropped.push({ tx, error: e });
    }
  }
  finishBatch(draft, config, batch.slot, batch.proposerIndex, batch.randaoReveal);
  return { state: release(draft.finish()), included, dropped };
}

/** processSlots for a simulator: the same, without keeping the account tree's lineage. */
export function processSlotsUnsigned(state: State, toSlot: number, config: ChainConfig): State {
  const draft = new StateDraft(state);
  processSlotsInto(draft, toSlot, config);
  return release(draft.finish());
}

function release(state: State): State {
  forgetAccountsLineage(state.accounts);
  return state;
}
