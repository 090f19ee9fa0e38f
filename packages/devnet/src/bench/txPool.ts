/**
 * Txs signed before the clock starts, so the bench process spends no CPU on signing while
 * it measures the nodes (both share the machine's cores). The pool is a fixed sequence:
 * nonce-major, round-robin over the accounts, so any prefix of it is valid on a fresh chain
 * whose genesis funds these accounts (signatures depend only on the chain id, not on the
 * genesis time): every cluster phase starts a fresh devnet with the same seed and replays
 * the pool from the start.
 */
import { encodeTx, signTx, toHex, txHash, TxKind, type Ed25519Keypair } from "@baton/core";

export class TxPool {
  /** 0x hex of each tx's SSZ encoding (what POST /txs takes) */
  readonly hex: string[] = [];
  /** 0x hex (lower case) of each tx's hash, as the API reports it */
  readonly hash: string[] = [];

  private constructor(readonly accounts: number) {}

  get size(): number {
    return this.hex.length;
  }

  /**
   * Signs `perAccount` txs for each account (32-byte payloads, fee 1). `onProgress` gets the
   * share done now and then; signing ~100k txs takes a few seconds.
   */
  static create(chainId: number, accounts: Ed25519Keypair[], perAccount: number, onProgress?: (done: number) => void): TxPool {
    const pool = new TxPool(accounts.length);
    const total = accounts.length * perAccount;
    const payload = new Uint8Array(32);
    const view = new DataView(payload.buffer);
    for (let nonce = 0; nonce < perAccount; nonce++) {
      for (const key of accounts) {
        view.setFloat64(0, pool.hex.length);
        const tx = signTx(chainId, { sender: key.publicKey, nonce, fee: 1n, kind: TxKind.user, payload: payload.slice() }, key);
        pool.hex.push(toHex(encodeTx(tx)));
        pool.hash.push(toHex(txHash(tx)).toLowerCase());
      }
      if (onProgress && nonce % 50 === 49) onProgress(pool.hex.length / total);
    }
    return pool;
  }
}
