/** Small helpers shared by the system tx checks: decoding and the two error kinds. */
import { bytesEqual } from "../crypto/hex.js";
import { BatonError, TxError, TxErrorCode } from "../errors.js";
import type { Account, Sequencer, State } from "../types/ssz.js";

export const notAllowed = (detail: string): TxError => new TxError(TxErrorCode.NOT_ALLOWED, detail);
export const badPayload = (detail: string): TxError => new TxError(TxErrorCode.BAD_PAYLOAD, detail);

export function decodePayload<T>(fn: (b: Uint8Array) => T, bytes: Uint8Array): T {
  try {
    return fn(bytes);
  } catch (e) {
    throw badPayload(e instanceof BatonError ? e.message : "malformed");
  }
}

/** The sequencer at `index`, which must be controlled by `sender`. */
export function sequencerOf(state: State, index: number, sender: Account): Sequencer {
  const seq = state.sequencers[index];
  if (seq === undefined) throw notAllowed(`no sequencer ${index}`);
  if (!bytesEqual(seq.account, sender.pubkey)) throw notAllowed(`sequencer ${index} is controlled by another account`);
  return seq;
}

/** Debits are checked against the balance left after the fee. */
export function requireBalance(sender: Account, fee: bigint, amount: bigint): void {
  if (sender.balance < fee + amount) {
    throw new TxError(TxErrorCode.INSUFFICIENT_BALANCE, `balance ${sender.balance} < fee ${fee} + amount ${amount}`);
  }
}
