/**
 * Gossip validation of batches (docs/protocol.md "Gossip", docs/security.md). Importing IS the
 * validation: a batch that passes the state transition is stored and accepted, side effects
 * only after it passed. What can be refused without the parent is refused first, and what is
 * provably invalid is REJECTed (it costs the sender score), never IGNOREd.
 */
import { BatchError, DecodeError, MAX_BATCH_BYTES, decodeSignedBatch, slotAtTime, slotStartTime, ssz, type ChainConfig, type SignedBatch } from "@baton/core";
import { GossipAction, GossipValidationError } from "../network/errors.js";
import type { Chain } from "./chain.js";

export interface BatchValidationModules {
  chain: Chain;
  now(): number;
  /**
   * A batch whose parent we lack (IGNOREd for now): look its ancestors up from the peer that
   * sent it (sync/lookup.ts). Must not block: the lookup runs after validation returns.
   */
  onUnknownParent(peerId: string, batch: SignedBatch, bytes: Uint8Array): void;
}

/**
 * The largest valid SignedBatch under `config`: the fixed part plus `maxBatchTxs` txs of the
 * largest encodable size, each with its 4-byte offset (never above the decoder's MAX_BATCH_BYTES).
 */
export function maxBatchBytes(config: Pick<ChainConfig, "maxBatchTxs">): number {
  return Math.min(MAX_BATCH_BYTES, ssz.SignedBatch.minSize + config.maxBatchTxs * (ssz.Tx.maxSize + 4));
}

/**
 * How far ahead of our clock a batch may be and still count as a clock fault rather than an
 * attack: REJECTed (gossipsub's score punishes it while it lasts), but left out of the peer
 * score that bans, so a peer whose clock ran ahead is back once it is fixed. Further ahead, a
 * REJECT like any other.
 */
export const CLOCK_FAULT_MS = 60_000;

const reject = (code: string, message?: string, scored = true) => new GossipValidationError(GossipAction.REJECT, code, message, { scored });
const ignore = (code: string) => new GossipValidationError(GossipAction.IGNORE, code);

/** The checks that need neither the parent nor the store. Throws GossipValidationError. */
export function checkBatchBeforeImport(data: Uint8Array, config: ChainConfig, now: number): SignedBatch {
  // [REJECT] larger than any valid batch: refused before it is decoded
  const limit = maxBatchBytes(config);
  if (data.length > limit) throw reject("BATCH_TOO_LARGE", `${data.length} bytes > ${limit}`);
  let batch: SignedBatch;
  try {
    batch = decodeSignedBatch(data);
  } catch (e) {
    // [REJECT] malformed bytes
    if (e instanceof DecodeError) throw reject(e.code, e.message);
    throw e;
  }
  const { header } = batch;
  // [REJECT] another chain
  if (header.chainId !== config.chainId) throw reject("BATCH_WRONG_CHAIN");
  // [REJECT] a height above its slot: heights count batches, at most one per slot since genesis (0, 0)
  if (header.height > header.slot) throw reject("BATCH_HEIGHT_ABOVE_SLOT", `height ${header.height} > slot ${header.slot}`);
  // [REJECT] more than one slot ahead of our clock (with the disparity allowance): never valid now
  const latest = slotAtTime(config, now + config.clockDisparityMs) + 1;
  if (header.slot > latest) {
    const aheadMs = slotStartTime(config, header.slot) - now;
    throw reject("BATCH_TOO_FAR_IN_FUTURE", `slot ${header.slot} > ${latest}, ${aheadMs} ms ahead`, aheadMs > CLOCK_FAULT_MS);
  }
  // [IGNORE] from the future: only once our clock reaches the slot (minus the disparity allowance)
  if (slotStartTime(config, header.slot) > now + config.clockDisparityMs) throw ignore("BATCH_FROM_FUTURE");
  return batch;
}

export async function validateGossipBatch(data: Uint8Array, from: string, m: BatchValidationModules): Promise<void> {
  const batch = checkBatchBeforeImport(data, m.chain.config, m.now());
  // [IGNORE] at or below the confirmed batch: can never become head
  if (batch.header.height <= m.chain.getConfirmed().height) throw ignore("BATCH_ALREADY_CONFIRMED_HEIGHT");
  let res;
  try {
    res = await m.chain.importBatch(batch, "gossip", undefined, data);
  } catch (e) {
    // [REJECT] fails the state transition: wrong leader, bad signature, bad state root...
    if (e instanceof BatchError) throw reject(e.code, e.message);
    throw e;
  }
  switch (res.status) {
    case "imported":
      return;
    case "known":
      // [IGNORE] already have it
      throw ignore("BATCH_KNOWN");
    case "unknown_parent":
      // [IGNORE] maybe valid, but we cannot check it yet: look its ancestors up from the sender
      m.onUnknownParent(from, batch, data);
      throw ignore("BATCH_UNKNOWN_PARENT");
    case "not_descendant_of_confirmed":
      throw ignore("BATCH_NOT_DESCENDANT_OF_CONFIRMED");
  }
}
