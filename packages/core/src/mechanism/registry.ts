/**
 * The registered mechanisms: one line each. A chain names one in genesis `mechanism`; its
 * name, params, weights, stake rules, genesis fields, tx kinds and epoch processing all come
 * from its `Mechanism` object (types.ts). Generic code asks `mechanismOf(config)`.
 * The order is the order of MECHANISM_NAMES (the CLI's, the lab's and the tests' lists).
 */
import { auctionMechanism } from "./auction/index.js";
import { dposMechanism } from "./dpos/index.js";
import { performanceMechanism } from "./performance.js";
import { poaMechanism } from "./poa.js";
import { posMechanism } from "./pos.js";
import type { Mechanism } from "./types.js";

export const MECHANISMS = [
  posMechanism,
  poaMechanism,
  auctionMechanism,
  dposMechanism,
  performanceMechanism,
] as const;

type Registered = (typeof MECHANISMS)[number];
export type MechanismName = Registered["name"];
/** Each mechanism's typed params, by name. */
export type MechanismParamsMap = { [M in Registered as M["name"]]: ReturnType<M["defaultParams"]> };
export type MechanismParams = MechanismParamsMap[MechanismName];
/** Any registered mechanism, as generic code holds it. */
export type AnyMechanism = Mechanism<MechanismName, MechanismParams>;

export const MECHANISM_NAMES: readonly MechanismName[] = MECHANISMS.map((m) => m.name);

const BY_NAME = new Map<string, AnyMechanism>(MECHANISMS.map((m) => [m.name, m as AnyMechanism]));

export function getMechanism(name: MechanismName): AnyMechanism {
  const m = BY_NAME.get(name);
  if (!m) throw new Error(`unknown mechanism ${name}`);
  return m;
}

/** The mechanism `config` runs. */
export const mechanismOf = (config: { mechanism: MechanismName }): AnyMechanism => getMechanism(config.mechanism);
