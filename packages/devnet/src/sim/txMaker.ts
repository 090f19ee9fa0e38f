/**
 * The simulator's txs: unsigned (the simulator skips tx signatures), with the right nonces
 * even for several txs of one sender in a batch. Payloads that more than one agent builds
 * are made here, so a payload change in the core is a change in one place.
 */
import { findAccountIndex, ssz, TxKind, type SignedBatchHeader, type State, type Tx } from "@baton/core";

const NO_SIGNATURE = new Uint8Array(64);
/** no proof of possession: a top-up of a sequencer whose key is known needs none */
const NO_POP = new Uint8Array(96);

export class TxMaker {
  private readonly used = new Map<string, number>();
  constructor(
    private readonly state: State,
    private readonly fee: bigint,
  ) {}

  make(sender: Uint8Array, kind: TxKind, payload: Uint8Array): Tx {
    const key = Buffer.from(sender).toString("hex");
    const offset = this.used.get(key) ?? 0;
    this.used.set(key, offset + 1);
    const nonce = (this.state.accounts[findAccountIndex(this.state.accounts, sender)]?.nonce ?? 0) + offset;
    return { body: { sender, nonce, fee: this.fee, kind, payload }, signature: NO_SIGNATURE };
  }

  /** Adds native stake to the sequencer with BLS key `pubkey` (a restake, a bond posted after admission). */
  topUp(sender: Uint8Array, pubkey: Uint8Array, amount: bigint): Tx {
    return this.make(sender, TxKind.stake, ssz.StakePayload.serialize({ pubkey, amount, proofOfPossession: NO_POP }));
  }

  /** Withdraws native stake (token 0): paid after the unbonding period, or at once with restake=true (owed back). */
  unstake(sender: Uint8Array, sequencerIndex: number, amount: bigint, restake: boolean): Tx {
    return this.make(sender, TxKind.unstake, ssz.UnstakePayload.serialize({ sequencerIndex, amount, restake, token: 0 }));
  }

  /** Evidence of equivocation: two signed headers of one proposer for one slot. */
  slash(sender: Uint8Array, header1: SignedBatchHeader, header2: SignedBatchHeader): Tx {
    return this.make(sender, TxKind.slash, ssz.SlashPayload.serialize({ header1, header2 }));
  }
}
