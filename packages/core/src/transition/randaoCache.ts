/**
 * A proposer's RANDAO reveal is its signature over the epoch number: the same bytes in every
 * batch it produces in that epoch (a few per epoch per proposer). applyBatch verified it in
 * every batch, a BLS pairing check (~0.6 ms with blst) per batch that the profiler showed as
 * a third of a light batch's import in sync. A reveal verified once is remembered: a pure
 * memo of verifyRandao (same inputs, same answer), bounded.
 */
import { verifyRandao } from "../signing.js";

const MAX_ENTRIES = 4_096;
const verified = new Set<string>();

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

const keyOf = (chainId: number, epoch: number, reveal: Uint8Array, pubkey: Uint8Array) => `${chainId}:${epoch}:${hex(pubkey)}:${hex(reveal)}`;

/** = verifyRandao(chainId, epoch, reveal, pubkey), remembering reveals that verified. */
export function verifyRandaoCached(chainId: number, epoch: number, reveal: Uint8Array, pubkey: Uint8Array): boolean {
  if (isRandaoVerified(chainId, epoch, reveal, pubkey)) return true;
  if (!verifyRandao(chainId, epoch, reveal, pubkey)) return false;
  rememberRandao(chainId, epoch, reveal, pubkey);
  return true;
}

/** Whether this reveal verified before. */
export function isRandaoVerified(chainId: number, epoch: number, reveal: Uint8Array, pubkey: Uint8Array): boolean {
  return verified.has(keyOf(chainId, epoch, reveal, pubkey));
}

/** Records a reveal the caller verified (e.g. in a multi-check of a sync range). */
export function rememberRandao(chainId: number, epoch: number, reveal: Uint8Array, pubkey: Uint8Array): void {
  if (verified.size >= MAX_ENTRIES) verified.clear();
  verified.add(keyOf(chainId, epoch, reveal, pubkey));
}
