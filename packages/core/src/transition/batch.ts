/**
 * applyBatch: the state transition of one signed batch. Pure and synchronous; returns a new
 * state and never changes its input (fork choice keeps the states of several branches).
 *
 * Not checked here: header.parentRoot. The state does not hold its batch's root; the caller
 * (chain / fork choice) picks the parent state by parentRoot and passes it in.
 */
import { computeEpoch, type ChainConfig } from "../config/chainConfig.js";
import { bytesEqual, } from "../crypto/hex.js";
import { BatchError, BatchErrorCode, TxError, TxErrorCode } from "../errors.js";
import type { BlsSignatureSet } from "../crypto/bls.js";
import { batchSigningRoot, randaoSigningRoot, verifyBatchHeaderSignature } from "../signing.js";
import type { SignedBatch, State } from "../types/ssz.js";
import { sha256, uint64Bytes } from "../crypto/hash.js";
import { ScheduleError } from "../schedule/errors.js";
import { StateDraft } from "../state/draft.js";
import { txRootFromHashes } from "../state/merkle.js";
import { effectiveLeaderOrNull, processSlotsInto, recordProduced } from "./slots.js";
import { computeStateRoot } from "../state/stateRoot.js";
import { isRandaoVerified, verifyRandaoCached } from "./randaoCache.js";
import { txHashHexOf, txHashOf, verifyTxSignatureOf } from "./txRoots.js";
import { applyTxInto } from "./txs.js";

export interface ApplyBatchOptions {
  /** Verify the header signature and the RANDAO reveal (default true). */
  verifySignatures?: boolean;
  /** Verify tx signatures (default true); false when every tx was verified already. */
  verifyTxSignatures?: boolean;
  /** Skips the signature check of a tx whose hash (`toHex(txHash(tx))`, 0x-prefixed) it accepts. */
  isTxVerified?: (txHashHex: string) => boolean;
  /**
   * Range sync: the header signature and the RANDAO reveal (unless remembered as verified)
   * are not checked here but pushed to this list, for the caller to check many batches'
   * together (blsVerifyMultiple, firstInvalidSignatureSet). The returned state is only as
   * good as those sets: the caller must not keep it unless they verify.
   */
  deferSignatures?: BlsSignatureSet[];
}

/**
 * Checks, in order (cheap first, signatures after): chain id, slot after the parent's, height,
 * then empty slots are processed (misses, epoch transitions), then: the proposer is the slot's
 * effective leader, tx count, RANDAO reveal and header signature, tx root, no duplicate tx,
 * every tx valid; then the proposer is credited, the RANDAO mix updated, and the resulting
 * state root must equal the header's. Throws BatchError.
 */
export function applyBatch(state: State, batch: SignedBatch, config: ChainConfig, opts: ApplyBatchOptions = {}): State {
  const { header, txs } = batch;
  if (header.chainId !== config.chainId || state.chainId !== config.chainId) {
    throw new BatchError(BatchErrorCode.WRONG_CHAIN, `chain ${header.chainId}, expected ${config.chainId}`);
  }
  if (header.slot <= state.slot) {
    throw new BatchError(BatchErrorCode.SLOT_NOT_AFTER_PARENT, `slot ${header.slot} <= parent slot ${state.slot}`);
  }
  if (header.height !== state.height + 1) {
    throw new BatchError(BatchErrorCode.WRONG_HEIGHT, `height ${header.height}, expected ${state.height + 1}`);
  }

  const draft = new StateDraft(state);
  processSlotsInto(draft, header.slot, config);
  checkLeader(draft.state, config, header.slot, header.proposerIndex);
  if (txs.length > config.maxBatchTxs) {
    throw new BatchError(BatchErrorCode.TOO_MANY_TXS, `${txs.length} txs > ${config.maxBatchTxs}`);
  }
  const proposer = draft.state.sequencers[header.proposerIndex];
  if (opts.deferSignatures) {
    opts.deferSignatures.push(...batchSignatureSets(config, batch, proposer.pubkey));
  } else if (opts.verifySignatures ?? true) {
    if (!verifyRandaoCached(config.chainId, computeEpoch(config, header.slot), header.randaoReveal, proposer.pubkey)) {
      throw new BatchError(BatchErrorCode.BAD_RANDAO);
    }
    if (!verifyBatchHeaderSignature(header, batch.signature, proposer.pubkey)) {
      throw new BatchError(BatchErrorCode.BAD_SIGNATURE);
    }
  }

  // each tx's roots once (txRoots.ts): the tx root, the verified-cache key and the signing root share them
  const hashes = txs.map(txHashOf);
  if (!bytesEqual(txRootFromHashes(hashes), header.txRoot)) throw new BatchError(BatchErrorCode.BAD_TX_ROOT);
  const hexes = txs.map(txHashHexOf);
  if (new Set(hexes).size !== hexes.length) throw new BatchError(BatchErrorCode.DUPLICATE_TX, duplicateOf(hexes));

  const verifyTxs = opts.verifyTxSignatures ?? true;
  for (let i = 0; i < txs.length; i++) {
    const verify = verifyTxs && !(opts.isTxVerified?.(hexes[i]) ?? false);
    try {
      if (verify && !verifyTxSignatureOf(config.chainId, txs[i])) throw new TxError(TxErrorCode.BAD_SIGNATURE);
      applyTxInto(draft, txs[i], header.proposerIndex, config, false);
    } catch (e) {
      if (e instanceof TxError) throw new BatchError(BatchErrorCode.INVALID_TX, `tx ${i} (${hexes[i]}): ${e.message}`);
      throw e;
    }
  }

  finishBatch(draft, config, header.slot, header.proposerIndex, header.randaoReveal);
  const next = draft.finish();
  if (!bytesEqual(computeStateRoot(next), header.stateRoot)) throw new BatchError(BatchErrorCode.BAD_STATE_ROOT);
  return next;
}

/** The BLS signatures a batch carries, as sets: its RANDAO reveal (unless already verified) and its header signature. */
export function batchSignatureSets(config: ChainConfig, batch: SignedBatch, proposerPubkey: Uint8Array): BlsSignatureSet[] {
  const { header } = batch;
  const epoch = computeEpoch(config, header.slot);
  const sets: BlsSignatureSet[] = [];
  if (!isRandaoVerified(config.chainId, epoch, header.randaoReveal, proposerPubkey)) {
    sets.push({ pubkey: proposerPubkey, msg: randaoSigningRoot(config.chainId, epoch), sig: header.randaoReveal });
  }
  sets.push({ pubkey: proposerPubkey, msg: batchSigningRoot(header), sig: batch.signature });
  return sets;
}

/** Throws WRONG_LEADER (or NO_SCHEDULE) unless `proposerIndex` is the effective leader of `slot`. */
export function checkLeader(state: State, config: ChainConfig, slot: number, proposerIndex: number): void {
  let leader: number | null;
  try {
    leader = effectiveLeaderOrNull(state, config, slot);
  } catch (e) {
    if (e instanceof ScheduleError) throw new BatchError(BatchErrorCode.NO_SCHEDULE, e.message);
    throw e;
  }
  if (leader === null) throw new BatchError(BatchErrorCode.NO_SCHEDULE, `nobody can lead slot ${slot}`);
  if (proposerIndex !== leader) {
    throw new BatchError(BatchErrorCode.WRONG_LEADER, `proposer ${proposerIndex}, leader of slot ${slot} is ${leader}`);
  }
}

/** After the txs: the proposer's produced slot, the RANDAO mix, slot and height. */
export function finishBatch(draft: StateDraft, config: ChainConfig, slot: number, proposerIndex: number, randaoReveal: Uint8Array): void {
  recordProduced(draft, config, proposerIndex);
  draft.state.randaoMix = nextRandaoMix(draft.state.randaoMix, randaoReveal, slot);
  draft.state.slot = slot;
  draft.state.height += 1;
}

/**
 * mix' = sha256(mix ‖ sha256(reveal) ‖ uint64(slot)). A proposer's reveal is the same in every
 * batch it makes in an epoch (a signature over the epoch), so the XOR of Ethereum's mix (one
 * reveal per proposer and epoch there) would cancel in pairs here: a proposer with an even
 * number of batches would add nothing, and the seeds would repeat. A hash chain over the slot
 * never cancels; the proposer's only choice stays to withhold its batch.
 */
export function nextRandaoMix(mix: Uint8Array, randaoReveal: Uint8Array, slot: number): Uint8Array {
  return sha256(mix, sha256(randaoReveal), uint64Bytes(slot));
}

function duplicateOf(hexes: string[]): string {
  const seen = new Set<string>();
  for (const h of hexes) {
    if (seen.has(h)) return `tx ${h} twice`;
    seen.add(h);
  }
  return "";
}
