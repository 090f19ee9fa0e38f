/**
 * Signed txs as the CLI sends them (core's make*Tx builders), hex encoded for POST /txs.
 */
import {
  encodeTx,
  makeRejoinTx,
  makeStakeTx,
  makeUnstakeTx,
  makeUserTx,
  toHex,
  txHash,
  type BlsKeypair,
  type Ed25519Keypair,
  type Tx,
} from "@baton/core";

export interface TxParams {
  chainId: number;
  nonce: number;
  fee: bigint;
}

export const userTx = (key: Ed25519Keypair, p: TxParams, payload: Uint8Array): Tx =>
  makeUserTx(p.chainId, key, { nonce: p.nonce, fee: p.fee, payload });

/** Stakes `amount` for the BLS key `seqKey` (a new sequencer, or more stake for an existing one). */
export const stakeTx = (key: Ed25519Keypair, seqKey: BlsKeypair, p: TxParams, amount: bigint): Tx =>
  makeStakeTx(p.chainId, key, { nonce: p.nonce, fee: p.fee, amount, blsKey: seqKey });

export const unstakeTx = (key: Ed25519Keypair, p: TxParams, sequencerIndex: number, amount: bigint, token = 0): Tx =>
  makeUnstakeTx(p.chainId, key, { nonce: p.nonce, fee: p.fee, sequencerIndex, amount, token });

export const rejoinTx = (key: Ed25519Keypair, p: TxParams, sequencerIndex: number): Tx =>
  makeRejoinTx(p.chainId, key, { nonce: p.nonce, fee: p.fee, sequencerIndex });

export const txToHex = (tx: Tx): string => toHex(encodeTx(tx));
export const txHashHex = (tx: Tx): string => toHex(txHash(tx));
