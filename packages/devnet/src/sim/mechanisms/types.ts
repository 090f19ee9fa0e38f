/** A mechanism in the lab: one `SimMechanism` object per core mechanism, the hooks the lab asks instead of testing names. */
import type { BlsKeypair, GenesisSequencer, MechanismName, State, Tx } from "@baton/core";
import type { SimSequencer } from "../population.js";
import type { TxMaker } from "../txMaker.js";
import type { SimWorld } from "../world.js";

/** A genesis sequencer's fields beyond its key, account and stake (dpos: commissionBps). */
export type SimGenesisFields = Omit<GenesisSequencer, "pubkey" | "account" | "stake">;

/** A mechanism's own actors, funded at genesis (their keys: the lab's `label`, their index). */
export interface SimActors {
  /** what the keys are derived from ("delegator") */
  label: string;
  count: number;
  /** each one's genesis balance */
  balance: bigint;
}

/** One produced batch as the agents see it: the state before it, and the batch's system txs so far. */
export interface AgentTurn {
  readonly world: SimWorld;
  readonly state: State;
  readonly slot: number;
  readonly epoch: number;
  /** the run's numeric seed (rng.ts) */
  readonly seed: number;
  readonly maker: TxMaker;
  /** the batch's system txs: a hook pushes its own */
  readonly txs: Tx[];
  /** whether sequencer `index` is up at this slot */
  alive(index: number): boolean;
  /** runs `act` at the first batch of the epoch that asks for `what` (and never again in that epoch) */
  once(what: string, act: () => void): void;
}

/** The next joiner: its index in the population, its BLS key and its account. */
export interface Joiner {
  index: number;
  key: BlsKeypair;
  account: Uint8Array;
}

/** What a mechanism's simulated sequencers and actors do in one run (per-run state lives in it). Every hook is optional. */
export interface MechanismAgent {
  /** Before the next joiner enters (once an epoch): poa's admitted authorities post their bond. */
  beforeJoin?(turn: AgentTurn): void;
  /** The tx by which `joiner` enters (poa: a governance admit). Default: a stake tx of its locked stake. */
  joinTx?(turn: AgentTurn, joiner: Joiner): Tx;
  /** Its own txs in the batch, after rejoins, joiners and restakers (auction bids and reveals, dpos delegations). */
  act?(turn: AgentTurn): void;
}

/** A mechanism as the lab runs it. Only `name` and `params` are required. */
export interface SimMechanism<N extends MechanismName = MechanismName, P extends object = object> {
  readonly name: N;
  /** The lab's mechanismParams (the mechanism's own defaults fill the rest; --params overrides these). */
  readonly params: Partial<P>;
  /** What a sequencer bringing `stake` locks, at genesis or when it joins. Default: `stake` (it buys weight). */
  lockedStake?(stake: bigint): bigint;
  /** Its per-sequencer genesis fields (dpos: the commission). Default: none. */
  genesisFields?(sequencer: SimSequencer): SimGenesisFields;
  /** Its own actors (dpos: one delegator per sequencer of the population). Default: none. */
  actors?(population: readonly SimSequencer[]): SimActors;
  /** Its sequencers buy seats with sealed bids (auction): the bid-inflater scenario runs on it. */
  readonly sealedBids?: boolean;
  /** Its agents for one run. Default: none (the common agents only). */
  agent?(): MechanismAgent;
}
