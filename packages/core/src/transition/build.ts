/**
 * The producer's side of applyBatch: builds and signs the batch of a slot from a parent state
 * and candidate txs. The result passes applyBatch on the same parent (same code path: the
 * same draft steps in the same order).
 */
import { computeEpoch, type ChainConfig } from "../config/chainConfig.js";
import type { BlsKeypair } from "../crypto/bls.js";
import { bytesEqual, } from "../crypto/hex.js";
import { BatchError, BatchErrorCode, TxError } from "../errors.js";
import { signBatchHeader, signRandao } from "../signing.js";
import type { BatchHeader, SignedBatch, State, Tx } from "../types/ssz.js";
import { checkLeader, finishBatch } from "./batch.js";
import { StateDraft } from "../state/draft.js";
import { txRootFromHashes } from "../state/merkle.js";
import { processSlotsInto } from "./slots.js";
import { computeStateRoot } from "../state/stateRoot.js";
import { txHashHexOf, txHashOf } from "./txRoots.js";
import { applyTxInto } from "./txs.js";

export interface BuildBatchArgs {
  slot: number;
  proposerIndex: number;
  /** root of the parent batch's header */
  parentRoot: Uint8Array;
  /** in the order to include them; invalid ones are skipped */
  candidateTxs: Tx[];
  /** the proposer's key */
  blsKey: BlsKeypair;
  /** skips the signature check of a tx whose hash (0x hex) it accepts */
  isTxVerified?: (txHashHex: string) => boolean;
}

export interface BuiltBatch {
  batch: SignedBatch;
  /** the post-state of the batch */
  state: State;
  included: Tx[];
  /** candidates that failed validation, with the reason (e.g. BAD_NONCE: maybe later) */
  dropped: { tx: Tx; error: TxError }[];
}

/**
 * Processes the empty slots, checks the proposer is the effective leader (else BatchError
 * WRONG_LEADER), then applies the candidates in order, skipping any that fail, until
 * maxBatchTxs are in (the rest are neither included nor dropped). Duplicates of an included tx
 * fail their nonce check and are dropped. Then the RANDAO reveal, tx root, state root, and the
 * header signature.
 */
export function buildBatch(parentState: State, config: ChainConfig, args: BuildBatchArgs): BuiltBatch {
  const { slot, proposerIndex } = args;
  if (slot <= parentState.slot) {
    throw new BatchError(BatchErrorCode.SLOT_NOT_AFTER_PARENT, `slot ${slot} <= parent slot ${parentState.slot}`);
  }
  const draft = new StateDraft(parentState);
  processSlotsInto(draft, slot, config);
  checkLeader(draft.state, config, slot, proposerIndex);
  if (!bytesEqual(draft.state.sequencers[proposerIndex].pubkey, args.blsKey.publicKey)) {
    throw new BatchError(BatchErrorCode.BAD_SIGNATURE, `the key given is not sequencer ${proposerIndex}'s`);
  }

  const included: Tx[] = [];
  const hashes: Uint8Array[] = [];
  const dropped: { tx: Tx; error: TxError }[] = [];
  for (const tx of args.candidateTxs) {
    if (included.length >= config.maxBatchTxs) break;
    const hash = txHashOf(tx);
    const verify = !(args.isTxVerified?.(txHashHexOf(tx)) ?? false);
    try {
      applyTxInto(draft, tx, proposerIndex, config, verify);
    } catch (e) {
      if (e instanceof TxError) {
        dropped.push({ tx, error: e });
        continue;
      }
      throw e;
    }
    included.push(tx);
    hashes.push(hash);
  }

  const randaoReveal = signRandao(config.chainId, computeEpoch(config, slot), args.blsKey);
  finishBatch(draft, config, slot, proposerIndex, randaoReveal);
  const state = draft.finish();
  const header: BatchHeader = {
    chainId: config.chainId,
    slot,
    height: state.height,
    proposerIndex,
    parentRoot: args.parentRoot,
    txRoot: txRootFromHashes(hashes),
    stateRoot: computeStateRoot(state),
    randaoReveal,
  };
  const batch: SignedBatch = { header, txs: included, signature: signBatchHeader(header, args.blsKey) };
  return { batch, state, included, dropped };
}
