/**
 * Selection mechanisms (docs/mechanisms.md): each one `Mechanism` object (types.ts) in its own
 * file or folder, listed once in registry.ts. Below: the generic code that asks the registry,
 * and each mechanism's public helpers (tx builders, the numbers tools show).
 */
export * from "./types.js";
export { MECHANISMS, MECHANISM_NAMES, getMechanism, mechanismOf, type AnyMechanism } from "./registry.js";
export * from "./params.js";
export { effectiveStake, committedStake, minStakeOf, holdsStake } from "./stake.js";
export { isCandidate } from "./eligible.js";
export { keepFactorPpm, emaStep, PPM } from "./ema.js";
export { posMechanism, NATIVE_TOKEN, type PosParams, type StakeToken } from "./pos.js";
export { poaMechanism, makeAdmitTx, type PoaParams } from "./poa.js";
export {
  auctionMechanism,
  auctionBond,
  auctionWinners,
  auctionPhase,
  bidCommitment,
  makeBidTx,
  makeRevealTx,
  type AuctionParams,
  type PriceRule,
} from "./auction/index.js";
export {
  dposMechanism,
  electSeats,
  findDelegation,
  makeCommissionTx,
  makeDelegateTx,
  makeUndelegateTx,
  type DposParams,
} from "./dpos/index.js";
export { performanceMechanism, requiredBond, effectiveScore, nextScore, type PerformanceParams } from "./performance.js";
