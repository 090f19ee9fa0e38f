/**
 * The state transition (docs/protocol.md "Batches", "Misses, ejection and the leak"): pure, synchronous,
 * deterministic; every function returns a new state and never changes its input.
 *
 *   applyBatch(state, signedBatch, config)   the transition of one batch (validation included)
 *   processSlots(state, toSlot, config)      empty slots: misses, ejections, epoch transitions
 *   validateTx / applyTx                     one tx (mempool checks, tools)
 *   buildBatch(parent, config, args)         the producer's side: a signed batch that applyBatch accepts
 *   make*Tx                                  signed builders of the common txs (user, stake, unstake,
 *                                            rejoin, slash, evict, transfer); each mechanism's own are in mechanism/
 *   computeStateRoot(state)                  = stateRoot(state), with the account tree cached (state/)
 *   applyUnsignedBatch / processSlotsUnsigned the simulator's entry points
 */
export { applyBatch, batchSignatureSets, type ApplyBatchOptions } from "./batch.js";
export { buildBatch, type BuildBatchArgs, type BuiltBatch } from "./build.js";
export { computeLeak } from "./epoch.js";
export { processSlots, windowMisses } from "./slots.js";
export { applyTx, validateTx, type ValidateTxOptions } from "./txs.js";
export { makeRejoinTx, makeSlashTx, makeStakeTx, makeTx, makeUnstakeTx, makeUserTx, type TxFields } from "./makeTx.js";
export { makeEvictTx } from "./governance.js";
export { makeTransferTx } from "./transfer.js";
export { computeStateRoot } from "../state/stateRoot.js";
export { txRootFromHashes } from "../state/merkle.js";
export { findAccountIndex, findSequencerIndex } from "../state/accounts.js";
export { governanceSigningRoot, signGovernanceAction, type GovernanceAction, type GovernanceSigners } from "../state/governance.js";
export { newSequencer, SCORE_ONE_PPM } from "./sequencer.js";
export { applyUnsignedBatch, processSlotsUnsigned, type UnsignedBatch, type UnsignedBatchResult } from "./simulate.js";
