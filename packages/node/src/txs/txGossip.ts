/**
 * The tx topic's message: 8 bytes of send time (big-endian unix ms) then an SSZ TxBundle.
 * Gossipsub's message id is a hash of the bytes, so the time prefix lets a node send the
 * same txs again later (a rebroadcast after a partition heals) instead of having the
 * repeat swallowed as a duplicate; forwarders relay the bytes unchanged.
 */
import { DecodeError, DecodeErrorCode, decodeTxBundle, encodeTxBundle, type Tx } from "@baton/core";

const HEADER_BYTES = 8;

export function encodeTxGossip(txs: Tx[], sentAtMs: number): Uint8Array {
  const bundle = encodeTxBundle(txs);
  const out = new Uint8Array(HEADER_BYTES + bundle.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(Math.max(0, Math.floor(sentAtMs))), false);
  out.set(bundle, HEADER_BYTES);
  return out;
}

export function decodeTxGossip(data: Uint8Array): { sentAtMs: number; txs: Tx[] } {
  if (data.length < HEADER_BYTES) {
    throw new DecodeError({ code: DecodeErrorCode.MALFORMED, what: "TxGossip" }, `TxGossip: ${data.length} bytes, expected at least ${HEADER_BYTES}`);
  }
  const sentAtMs = Number(new DataView(data.buffer, data.byteOffset, data.byteLength).getBigUint64(0, false));
  return { sentAtMs, txs: decodeTxBundle(data.subarray(HEADER_BYTES)) };
}
