import type { MechanismName } from "../config/chainConfig.js";
import { poaMechanism } from "./poa.js";
import { posMechanism } from "./pos.js";
import type { Mechanism } from "./types.js";

export * from "./types.js";
export { posMechanism, poaMechanism };

const MECHANISMS: Record<MechanismName, Mechanism> = { pos: posMechanism, poa: poaMechanism };

export function getMechanism(name: MechanismName): Mechanism {
  const m = MECHANISMS[name];
  if (!m) throw new Error(`unknown mechanism ${name}`);
  return m;
}
