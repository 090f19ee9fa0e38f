/**
 * The chain parameters every mechanism may read: ChainConfig (chainConfig.ts) without the
 * choice of mechanism, so that mechanism/ can take them without importing the registry that
 * chainConfig.ts validates against. Also the slot and epoch arithmetic on them.
 */
import type { GovernanceConfig } from "./governance.js";

export interface ChainParams {
  chainId: number;
  /** unix ms of slot 0 */
  genesisTime: number;
  slotMs: number;
  slotsPerEpoch: number;
  /** members drawn per epoch; 0 = every eligible sequencer */
  committeeSize: number;
  /** consecutive misses that eject a sequencer */
  missesToEject: number;
  /** the miss window: a sequencer is also ejected when more than maxWindowMisses of the last missWindow slots it led were missed (1..64) */
  missWindow: number;
  maxWindowMisses: number;
  /** after genesis and after a whole-network outage, misses do not eject until this many epoch starts have passed (nodes are still starting) */
  restartGraceEpochs: number;
  /** equivocation evidence is accepted for headers of the current epoch and the evidenceEpochs before it */
  evidenceEpochs: number;
  /** withdrawn stake (unstake, undelegate) is paid this many epochs later, slashable until then; >= evidenceEpochs + 2 */
  unbondingEpochs: number;
  /** stake leaked per epoch while ejected, in basis points, times the epochs since ejection */
  leakRateBps: number;
  /** below this stake a sequencer is exited */
  minStake: bigint;
  /** share of stake an equivocating sequencer loses, basis points */
  slashFractionBps: number;
  minFee: bigint;
  maxBatchTxs: number;
  maxPayloadBytes: number;
  /** how far (ms) a batch may be ahead of the local clock and still be accepted */
  clockDisparityMs: number;
  governance: GovernanceConfig;
}

export const computeEpoch = (c: Pick<ChainParams, "slotsPerEpoch">, slot: number): number => Math.floor(slot / c.slotsPerEpoch);
export const epochStartSlot = (c: Pick<ChainParams, "slotsPerEpoch">, epoch: number): number => epoch * c.slotsPerEpoch;
/** The slot at unix ms `now`: slot = floor((now - genesisTime) / slotMs), 0 before genesis. */
export const slotAtTime = (c: Pick<ChainParams, "genesisTime" | "slotMs">, now: number): number =>
  now < c.genesisTime ? 0 : Math.floor((now - c.genesisTime) / c.slotMs);
export const slotStartTime = (c: Pick<ChainParams, "genesisTime" | "slotMs">, slot: number): number => c.genesisTime + slot * c.slotMs;
