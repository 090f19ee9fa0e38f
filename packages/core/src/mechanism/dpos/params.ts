/** dpos params (docs/mechanisms.md, dpos). */
import type { MechanismConfig, ParamReader } from "../types.js";
import { paramsFor } from "../types.js";

/** dpos: weight = own stake + delegations; the top `seats` are elected (0 = all). */
export interface DposParams {
  seats: number;
  /** minted per produced batch, split: commission, then pro rata own stake / delegations */
  rewardPerBatch: bigint;
  defaultCommissionBps: number;
  maxCommissionBps: number;
  minDelegation: bigint;
}

export const defaultDposParams = (): DposParams => ({
  seats: 0,
  rewardPerBatch: 10n,
  defaultCommissionBps: 1_000,
  maxCommissionBps: 5_000,
  minDelegation: 1n,
});

export function parseDposParams(read: ParamReader): DposParams {
  const maxCommissionBps = read.int("maxCommissionBps", 0, 10_000);
  return {
    seats: read.int("seats", 0, 1 << 16),
    rewardPerBatch: read.amount("rewardPerBatch"),
    defaultCommissionBps: read.int("defaultCommissionBps", 0, maxCommissionBps),
    maxCommissionBps,
    minDelegation: read.amount("minDelegation", 1n),
  };
}

/** The params of a dpos chain (throws if the chain runs another mechanism). */
export const dposParams = (config: MechanismConfig): DposParams => paramsFor<DposParams>("dpos", config);
