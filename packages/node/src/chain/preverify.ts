/**
 * Before a gossiped batch is imported, the signatures of its txs that this node has not
 * checked yet (they never reached its mempool, or are still queued in TxService) are checked
 * in slices, yielding to the event loop between slices, and remembered in the mempool's
 * verified cache; applyBatch then finds them verified.
 *
 * Why: applyBatch checks unverified tx signatures synchronously. At max load a follower
 * whose tx queue was behind received 2,000-tx batches it had not seen and stalled its event
 * loop for 200-400 ms (the bench: event-loop lag max 586 ms), long enough to fire its slot
 * timer after its own slot and miss it. The same work, sliced, leaves room for the slot.
 *
 * Only for a batch whose header is signed by the slot's effective leader (checked first:
 * one BLS check), so a peer cannot make this node check signatures for a forged batch.
 */
import {
  adoptTxRoots,
  getEffectiveLeader,
  processSlots,
  txHashHexOf,
  verifyBatchHeaderSignature,
  verifyTxSignatureOf,
  type ChainConfig,
  type SignedBatch,
  type State,
} from "@baton/core";
import type { Mempool } from "../mempool/index.js";

export interface PreverifyOptions {
  /** fewer unverified txs than this are left to applyBatch (not worth a BLS check) */
  minTxs: number;
  /** most ms of signature checks per turn of the event loop */
  sliceMs: number;
}

export const defaultPreverifyOptions: PreverifyOptions = { minTxs: 64, sliceMs: 4 };

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Returns how many tx signatures it checked (and found valid). */
export async function preverifyBatchTxs(
  batch: SignedBatch,
  parent: State,
  config: ChainConfig,
  mempool: Mempool,
  opts: PreverifyOptions = defaultPreverifyOptions,
): Promise<number> {
  const unverified: { tx: SignedBatch["txs"][number]; hash: string }[] = [];
  for (const tx of batch.txs) {
    const known = mempool.getBySenderNonce(tx.body.sender, tx.body.nonce);
    if (known) adoptTxRoots(tx, known);
    const hash = txHashHexOf(tx);
    if (!mempool.isVerified(hash)) unverified.push({ tx, hash });
  }
  if (unverified.length < opts.minTxs) return 0;
  const h = batch.header;
  if (h.slot <= parent.slot || h.chainId !== config.chainId) return 0;
  let leader: number;
  try {
    leader = getEffectiveLeader(processSlots(parent, h.slot, config), config, h.slot);
  } catch {
    return 0;
  }
  const proposer = parent.sequencers[leader];
  if (leader !== h.proposerIndex || !proposer || !verifyBatchHeaderSignature(h, batch.signature, proposer.pubkey)) return 0;
  let checked = 0;
  let until = performance.now() + opts.sliceMs;
  for (const { tx, hash } of unverified) {
    if (performance.now() > until) {
      await nextTurn();
      until = performance.now() + opts.sliceMs;
    }
    if (mempool.isVerified(hash)) continue; // checked meanwhile (TxService)
    if (!verifyTxSignatureOf(config.chainId, tx)) return checked; // applyBatch rejects the batch
    mempool.markVerified(hash);
    checked++;
  }
  return checked;
}
