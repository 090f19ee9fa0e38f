/**
 * Every signature is over signingRoot(objectRoot, domain), domain = sha256(chainId, type):
 * a tx signature can never be replayed as a batch signature, nor on another chain.
 */
import { blsSign, blsVerify, type BlsKeypair } from "./crypto/bls.js";
import { ed25519Sign, ed25519Verify, type Ed25519Keypair } from "./crypto/ed25519.js";
import { sha256, uint64Bytes } from "./crypto/hash.js";
import { DomainType, type TxKind } from "./types/enums.js";
import * as ssz from "./types/ssz.js";

const domainCache = new Map<string, Uint8Array>();

export function computeDomain(chainId: number, type: DomainType): Uint8Array {
  const key = `${chainId}:${type}`;
  let d = domainCache.get(key);
  if (!d) {
    d = sha256(new TextEncoder().encode("baton"), uint64Bytes(chainId), new Uint8Array([type]));
    domainCache.set(key, d);
  }
  return d;
}

export function computeSigningRoot(objectRoot: Uint8Array, domain: Uint8Array): Uint8Array {
  return ssz.SigningData.hashTreeRoot({ objectRoot, domain });
}

// ---- user txs (ed25519) ----
export function txSigningRoot(chainId: number, body: ssz.TxBody): Uint8Array {
  return computeSigningRoot(ssz.TxBody.hashTreeRoot(body), computeDomain(chainId, DomainType.tx));
}
export function signTx(chainId: number, body: ssz.TxBody, key: Ed25519Keypair): ssz.Tx {
  return { body, signature: ed25519Sign(key, txSigningRoot(chainId, body)) };
}
/** What every tx builder takes besides the kind's own fields. */
export interface TxFields {
  nonce: number;
  fee: bigint;
}
/** A signed tx of `kind` from `key` (the builders: transition/makeTx.ts, and each mechanism's for its kinds). */
export function makeTx(chainId: number, key: Ed25519Keypair, fields: TxFields & { kind: TxKind; payload: Uint8Array }): ssz.Tx {
  return signTx(chainId, { sender: key.publicKey, nonce: fields.nonce, fee: fields.fee, kind: fields.kind, payload: fields.payload }, key);
}
export function verifyTxSignature(chainId: number, tx: ssz.Tx): boolean {
  return ed25519Verify(tx.body.sender, txSigningRoot(chainId, tx.body), tx.signature);
}

// ---- batches (BLS) ----
export function batchSigningRoot(header: ssz.BatchHeader): Uint8Array {
  return computeSigningRoot(ssz.BatchHeader.hashTreeRoot(header), computeDomain(header.chainId, DomainType.batch));
}
export function signBatchHeader(header: ssz.BatchHeader, key: BlsKeypair): Uint8Array {
  return blsSign(key.secretKey, batchSigningRoot(header));
}
export function verifyBatchHeaderSignature(header: ssz.BatchHeader, signature: Uint8Array, pubkey: Uint8Array): boolean {
  return blsVerify(pubkey, batchSigningRoot(header), signature);
}

// ---- RANDAO reveal: the proposer's signature over the epoch ----
export function randaoSigningRoot(chainId: number, epoch: number): Uint8Array {
  return computeSigningRoot(ssz.Uint64.hashTreeRoot(epoch), computeDomain(chainId, DomainType.randao));
}
export function signRandao(chainId: number, epoch: number, key: BlsKeypair): Uint8Array {
  return blsSign(key.secretKey, randaoSigningRoot(chainId, epoch));
}
export function verifyRandao(chainId: number, epoch: number, reveal: Uint8Array, pubkey: Uint8Array): boolean {
  return blsVerify(pubkey, randaoSigningRoot(chainId, epoch), reveal);
}

// ---- proof of possession of a BLS key (for stake txs; stops rogue-key tricks) ----
export function popSigningRoot(chainId: number, pubkey: Uint8Array): Uint8Array {
  return computeSigningRoot(ssz.Bytes48.hashTreeRoot(pubkey), computeDomain(chainId, DomainType.proofOfPossession));
}
export function signProofOfPossession(chainId: number, key: BlsKeypair): Uint8Array {
  return blsSign(key.secretKey, popSigningRoot(chainId, key.publicKey));
}
export function verifyProofOfPossession(chainId: number, pubkey: Uint8Array, pop: Uint8Array): boolean {
  return blsVerify(pubkey, popSigningRoot(chainId, pubkey), pop);
}
