/** The lab's mechanisms, one line each: the typechecker wants an entry, under its name, for every core mechanism (MechanismName). */
import type { MechanismName } from "@baton/core";
import { auctionSim } from "./auction.js";
import { dposSim } from "./dpos.js";
import { performanceSim } from "./performance.js";
import { poaSim } from "./poa.js";
import { posSim } from "./pos.js";
import type { SimMechanism } from "./types.js";

export const SIM_MECHANISMS: { readonly [N in MechanismName]: SimMechanism<N> } = {
  pos: posSim,
  poa: poaSim,
  auction: auctionSim,
  dpos: dposSim,
  performance: performanceSim,
};

/** The lab's entry of mechanism `name`. */
export const simMechanismOf = (name: MechanismName): SimMechanism => SIM_MECHANISMS[name];

export { SIM_BOND } from "./bond.js";
export type { AgentTurn, Joiner, MechanismAgent, SimActors, SimGenesisFields, SimMechanism } from "./types.js";
