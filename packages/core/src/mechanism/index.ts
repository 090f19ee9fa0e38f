import type { MechanismName } from "./params.js";
import { auctionMechanism } from "./auction.js";
import { dposMechanism } from "./dpos.js";
import { performanceMechanism } from "./performance.js";
import { poaMechanism } from "./poa.js";
import { posMechanism } from "./pos.js";
import type { Mechanism } from "./types.js";

export * from "./types.js";
export * from "./params.js";
export { effectiveStake, committedStake, minStakeOf, holdsStake } from "./stake.js";
export { isCandidate } from "./eligible.js";
export { keepFactorPpm, emaStep, PPM } from "./ema.js";
export { auctionBond, auctionWinners } from "./auction.js";
export { electSeats } from "./dpos.js";
export { requiredBond, effectiveScore, nextScore } from "./performance.js";
export { posMechanism, poaMechanism, auctionMechanism, dposMechanism, performanceMechanism };

const MECHANISMS: Record<MechanismName, Mechanism> = {
  pos: posMechanism,
  poa: poaMechanism,
  auction: auctionMechanism,
  dpos: dposMechanism,
  performance: performanceMechanism,
};

export function getMechanism(name: MechanismName): Mechanism {
  const m = MECHANISMS[name];
  if (!m) throw new Error(`unknown mechanism ${name}`);
  return m;
}
