/**
 * User traffic: `load` txs arrive per slot, round robin over the user accounts; the first
 * `targetShare` of the accounts are the ones a censor leaves out. Two FIFO queues (targeted,
 * others) keep every account's txs in nonce order whatever a leader skips. Txs carry no
 * signature: the simulator does not verify them.
 */
import { TxKind, type Tx } from "@baton/core";

const NO_SIGNATURE = new Uint8Array(64);
const NO_PAYLOAD = new Uint8Array(0);

class TxQueue {
  private txs: Tx[] = [];
  private arrivals: number[] = [];
  private head = 0;

  get size(): number {
    return this.txs.length - this.head;
  }
  push(tx: Tx, slot: number): void {
    this.txs.push(tx);
    this.arrivals.push(slot);
  }
  /** Takes the `count` oldest; returns the sum of their waiting times (slots). */
  take(count: number, into: Tx[], now: number): number {
    let waited = 0;
    const end = this.head + Math.min(count, this.size);
    for (let k = this.head; k < end; k++) {
      into.push(this.txs[k]);
      waited += now - this.arrivals[k];
    }
    this.head = end;
    if (this.head > 4_096 && this.head * 2 > this.txs.length) {
      this.txs = this.txs.slice(this.head);
      this.arrivals = this.arrivals.slice(this.head);
      this.head = 0;
    }
    return waited;
  }
}

export interface Taken {
  txs: Tx[];
  targeted: number;
  targetedWait: number;
  others: number;
  othersWait: number;
}

export class UserTraffic {
  private readonly nonces: number[];
  private readonly targeted = new TxQueue();
  private readonly others = new TxQueue();
  private next = 0;
  private carry = 0;
  offered = 0;

  constructor(
    private readonly users: Uint8Array[],
    private readonly targetShare: number,
    private readonly fee: bigint,
  ) {
    this.nonces = users.map(() => 0);
  }

  get pending(): number {
    return this.targeted.size + this.others.size;
  }

  /** The txs that arrive during `slot` (fractional loads accumulate). */
  arrive(slot: number, load: number): void {
    this.carry += load;
    const targetedUsers = Math.round(this.users.length * this.targetShare);
    for (; this.carry >= 1; this.carry--) {
      const u = this.next;
      this.next = (this.next + 1) % this.users.length;
      const tx: Tx = {
        body: { sender: this.users[u], nonce: this.nonces[u]++, fee: this.fee, kind: TxKind.user, payload: NO_PAYLOAD },
        signature: NO_SIGNATURE,
      };
      (u < targetedUsers ? this.targeted : this.others).push(tx, slot);
      this.offered++;
    }
  }

  /** What a leader puts in its batch: `share` of each queue (0 of the targeted one if it censors). */
  take(slot: number, share: number, censors: boolean, max: number): Taken {
    const txs: Tx[] = [];
    const nOthers = Math.min(max, Math.ceil(this.others.size * share));
    const othersWait = this.others.take(nOthers, txs, slot);
    const nTargeted = censors ? 0 : Math.min(max - nOthers, Math.ceil(this.targeted.size * share));
    const targetedWait = this.targeted.take(nTargeted, txs, slot);
    return { txs, targeted: nTargeted, targetedWait, others: nOthers, othersWait };
  }
}
