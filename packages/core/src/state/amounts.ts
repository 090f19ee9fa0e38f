/**
 * Amounts are u64 in the state encoding (types/ssz.ts MAX_AMOUNT). Native units can never
 * exceed it: genesis refuses a supply above it and issuance stops at it (state.supply), and
 * every native amount is a part of the supply. What is not bounded by the supply is checked
 * where it is written: a committee weight (pos token weights multiply stake; dpos adds
 * delegations) and a pos token's stakes. A tx that would push one past the range is refused
 * (NOT_ALLOWED, naming the amount); nothing ever wraps.
 */
import { TxError, TxErrorCode } from "../errors.js";
import { MAX_AMOUNT } from "../types/ssz.js";

export { MAX_AMOUNT };

/** Throws a TxError naming `what` if `value` is above the u64 range. */
export function requireAmount(value: bigint, what: string): bigint {
  if (value > MAX_AMOUNT) throw new TxError(TxErrorCode.NOT_ALLOWED, `${what} would be ${value}, above the largest amount 2^64 - 1`);
  return value;
}
