/**
 * Decoding of bytes from the network and the store. Hostile input throws a DecodeError
 * (never crashes, never hangs), and only canonical encodings are accepted: the bytes must
 * re-serialize to exactly themselves.
 */
import type { Type } from "@chainsafe/ssz";
import { DecodeError, DecodeErrorCode } from "../errors.js";
import * as ssz from "./ssz.js";

export const MAX_BATCH_BYTES = 10 * 1024 * 1024;
export const MAX_TX_BYTES = 4 * 1024;
export const MAX_BUNDLE_BYTES = 2 * 1024 * 1024;

function decodeCanonical<T>(type: Type<T>, bytes: Uint8Array, what: string, maxBytes: number): T {
  if (!(bytes instanceof Uint8Array)) {
    throw new DecodeError({ code: DecodeErrorCode.MALFORMED, what }, `${what}: expected bytes`);
  }
  if (bytes.length > maxBytes) {
    throw new DecodeError({ code: DecodeErrorCode.TOO_LARGE, what }, `${what}: ${bytes.length} bytes exceeds the limit of ${maxBytes}`);
  }
  let value: T;
  try {
    value = type.deserialize(bytes);
  } catch (e) {
    throw new DecodeError({ code: DecodeErrorCode.MALFORMED, what }, `${what}: malformed (${(e as Error).message})`);
  }
  const again = type.serialize(value);
  if (again.length !== bytes.length || !Buffer.from(again).equals(Buffer.from(bytes))) {
    throw new DecodeError({ code: DecodeErrorCode.MALFORMED, what }, `${what}: not a canonical encoding`);
  }
  return value;
}

export const decodeTx = (b: Uint8Array): ssz.Tx => decodeCanonical(ssz.Tx, b, "Tx", MAX_TX_BYTES);
export const decodeTxBundle = (b: Uint8Array): ssz.Tx[] => decodeCanonical(ssz.TxBundle, b, "TxBundle", MAX_BUNDLE_BYTES);
export const decodeSignedBatch = (b: Uint8Array): ssz.SignedBatch =>
  decodeCanonical(ssz.SignedBatch, b, "SignedBatch", MAX_BATCH_BYTES);
export const decodeBatchHeader = (b: Uint8Array): ssz.BatchHeader => decodeCanonical(ssz.BatchHeader, b, "BatchHeader", 1024);
export const decodeState = (b: Uint8Array): ssz.State => decodeCanonical(ssz.ChainState, b, "State", 1 << 30);
export const decodeStakePayload = (b: Uint8Array) => decodeCanonical(ssz.StakePayload, b, "StakePayload", 1024);
export const decodeUnstakePayload = (b: Uint8Array) => decodeCanonical(ssz.UnstakePayload, b, "UnstakePayload", 64);
export const decodeRejoinPayload = (b: Uint8Array) => decodeCanonical(ssz.RejoinPayload, b, "RejoinPayload", 64);
export const decodeSlashPayload = (b: Uint8Array) => decodeCanonical(ssz.SlashPayload, b, "SlashPayload", 2048);
export const decodeEvictPayload = (b: Uint8Array) => decodeCanonical(ssz.EvictPayload, b, "EvictPayload", 2048);
export const decodeAdmitPayload = (b: Uint8Array) => decodeCanonical(ssz.AdmitPayload, b, "AdmitPayload", 2048);
export const decodeBidCommitPayload = (b: Uint8Array) => decodeCanonical(ssz.BidCommitPayload, b, "BidCommitPayload", 128);
export const decodeBidRevealPayload = (b: Uint8Array) => decodeCanonical(ssz.BidRevealPayload, b, "BidRevealPayload", 128);
export const decodeDelegationPayload = (b: Uint8Array) => decodeCanonical(ssz.DelegationPayload, b, "DelegationPayload", 64);
export const decodeCommissionPayload = (b: Uint8Array) => decodeCanonical(ssz.CommissionPayload, b, "CommissionPayload", 64);
export const decodeTransferPayload = (b: Uint8Array) => decodeCanonical(ssz.TransferPayload, b, "TransferPayload", 64);

export const encodeTx = (tx: ssz.Tx): Uint8Array => ssz.Tx.serialize(tx);
export const encodeTxBundle = (txs: ssz.Tx[]): Uint8Array => ssz.TxBundle.serialize(txs);
export const encodeSignedBatch = (b: ssz.SignedBatch): Uint8Array => ssz.SignedBatch.serialize(b);
export const encodeState = (s: ssz.State): Uint8Array => ssz.ChainState.serialize(s);

export const txHash = (tx: ssz.Tx): Uint8Array => ssz.Tx.hashTreeRoot(tx);
export const txRoot = (txs: ssz.Tx[]): Uint8Array => ssz.TxList.hashTreeRoot(txs);
export const headerRoot = (h: ssz.BatchHeader): Uint8Array => ssz.BatchHeader.hashTreeRoot(h);
export const stateRoot = (s: ssz.State): Uint8Array => ssz.ChainState.hashTreeRoot(s);
export const decodeStatus = (b: Uint8Array): ssz.StatusMessage => decodeCanonical(ssz.StatusMessage, b, "Status", 256);
export const encodeStatus = (s: ssz.StatusMessage): Uint8Array => ssz.StatusMessage.serialize(s);
