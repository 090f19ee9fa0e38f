/**
 * Runs a property-test scenario (propertyScenario.ts) against the real transition: each step's
 * gap of empty slots, then a batch of the txs built from its specs (propertyTxs.ts), checking
 * the chosen properties (propertyInvariants.ts) at every state it reaches.
 */
import type { ChainConfig } from "../../src/config/chainConfig.js";
import { createGenesisState } from "../../src/config/genesis.js";
import { sha256, uint64Bytes } from "../../src/crypto/hash.js";
import { toHex } from "../../src/crypto/hex.js";
import { TxError } from "../../src/errors.js";
import { paramsOf } from "../../src/mechanism/params.js";
import { extraTokenCount } from "../../src/mechanism/stake.js";
import {
  applyBatch,
  applyTx,
  applyUnsignedBatch,
  buildBatch,
  computeStateRoot,
  processSlots,
} from "../../src/transition/index.js";
import { effectiveLeaderOrNull } from "../../src/transition/slots.js";
import { TX_KIND_NAMES } from "../../src/types/enums.js";
import type { State, Tx } from "../../src/types/ssz.js";
import {
  describeSequencers,
  genesisSupply,
  holdsStake,
  outOfRange,
  roundTripProblems,
  tokenTotals,
  totalValue,
} from "./propertyInvariants.js";
import { ALL_PROPERTIES, type Gap, type PropertyName, type Run, type Scenario, type TxKindName, type TxSpec } from "./propertyScenario.js";
import { BLS_BY_KEY, buildTx, parseSpecGenesis } from "./propertyTxs.js";

export { ALL_PROPERTIES, type PropertyName };

// ---------------------------------------------------------------- running a scenario

export interface RunOptions {
  /** which properties to check (default: all) */
  check?: ReadonlySet<PropertyName>;
  /** produce with buildBatch (BLS-signed) and import with applyBatch, instead of the simulator's unsigned path */
  signed?: boolean;
}

export interface RunStats {
  batches: number;
  slots: number;
  txs: number;
  included: number;
  /** kinds of which at least one tx was accepted */
  acceptedKinds: Set<TxKindName>;
  /** gaps longer than an epoch */
  outages: number;
  /** the chain stopped: no leader, and nobody holds stake */
  halted: boolean;
}

/** A property that does not hold, with where it broke. */
export class PropertyViolation extends Error {
  constructor(property: PropertyName, where: string, details: string[]) {
    super(`[${property}] ${where}: ${details.join("; ")}`);
    this.name = "PropertyViolation";
  }
}

/** Runs the scenario, checking the chosen properties at every state; throws PropertyViolation. Null: genesis refused it (skip). */
export function runScenario(sc: Scenario, opts: RunOptions = {}): RunStats | null {
  const genesis = parseSpecGenesis(sc.chain);
  if (genesis === null) return null;
  const config = genesis.config;
  let state = createGenesisState(genesis);
  const run: Run = {
    config,
    supply: genesisSupply(genesis),
    tokenSupply: tokenTotals(state, extraTokenCount(config)),
    check: opts.check ?? ALL_PROPERTIES,
    bidSecrets: new Map(),
    counter: 0,
  };
  const stats: RunStats = { batches: 0, slots: 0, txs: 0, included: 0, acceptedKinds: new Set(), outages: 0, halted: false };
  checkState(run, state, "genesis");

  for (const [i, step] of sc.steps.entries()) {
    if ("down" in step.gap) {
      const down = step.gap.down % state.sequencers.length;
      const after = runWithOneDown(run, state, down, step.gap.slots, `step ${i} (sequencer ${down} down from slot ${state.slot + 1})`, stats);
      if (after === null) {
        stats.halted = true;
        return stats;
      }
      state = after;
    }
    const gap = gapSlots(step.gap, state.slot, config);
    const slot = state.slot + gap;
    const where = `step ${i} (slot ${slot}, after a gap of ${gap})`;
    stats.slots += gap;
    if (gap > config.slotsPerEpoch) stats.outages++;
    checkLeadersInGap(run, state, slot, where);
    const pre = processSlots(state, slot, config);
    if (gap > 1) checkState(run, pre, `${where}, the empty slots processed`);
    const leader = leaderOf(run, pre, slot, where);
    if (leader === null) {
      stats.halted = true; // nobody holds stake (leaderOf checked): the chain may stop
      return stats;
    }
    const { txs, included } = buildTxs(run, step.txs, pre, slot, leader, where, stats.acceptedKinds);
    stats.txs += txs.length;
    stats.included += included.length;
    state = opts.signed
      ? applySigned(run, state, slot, leader, txs, included, where)
      : applyUnsigned(run, state, pre, slot, leader, txs, included, where);
    stats.batches++;
    checkState(run, state, `${where}, after the batch`);
  }
  return stats;
}

/** The slots from the last batch to the step's batch (a `down` gap has run already: the next slot). */
function gapSlots(gap: Gap, lastSlot: number, config: ChainConfig): number {
  if ("epochs" in gap) return gap.epochs * config.slotsPerEpoch + (gap.plus % config.slotsPerEpoch) + 1;
  if ("down" in gap) return 1;
  if ("slots" in gap) return gap.slots;
  const spe = config.slotsPerEpoch;
  const offset = gap.to === "epochStart" ? 0 : config.mechanism === "auction" ? paramsOf(config, "auction").revealOffset : Math.floor(spe / 2);
  const next = Math.floor(lastSlot / spe) * spe + offset;
  return next > lastSlot ? next - lastSlot : next + spe - lastSlot;
}

/**
 * Sequencer `down` misses its slots for `slots` slots while every other leader produces an
 * empty batch: the misses of one sequencer (ejection, the leak), not the network's outage.
 * Null: the chain stopped (no leader, nobody holds stake).
 */
function runWithOneDown(run: Run, state: State, down: number, slots: number, where: string, stats: RunStats): State | null {
  const end = state.slot + slots;
  for (let s = state.slot + 1; s <= end; s++) {
    const leader = leaderOf(run, processSlots(state, s, run.config), s, `${where}, slot ${s}`);
    if (leader === null) return null;
    if (leader === down) continue;
    state = applyUnsignedBatch(state, run.config, { slot: s, proposerIndex: leader, txs: [], randaoReveal: randaoOf(s) }).state;
    stats.batches++;
  }
  stats.slots += slots;
  checkState(run, state, `${where}, after slot ${end}`);
  return state;
}

/**
 * The `leader` property inside a gap: a node that would produce at slot s processes the slots
 * from the last batch's state (processSlots(state, s)) and needs a leader there. Every slot of
 * a short gap is checked; in a long one, the first two epochs, every epoch's first slot and the
 * last slot (each check processes the gap from its start).
 */
function checkLeadersInGap(run: Run, state: State, slot: number, where: string): void {
  if (!run.check.has("leader")) return;
  const spe = run.config.slotsPerEpoch;
  for (let s = state.slot + 1; s < slot; s++) {
    if (s - state.slot > 2 * spe && s % spe !== 0 && s !== slot - 1) continue;
    leaderOf(run, processSlots(state, s, run.config), s, `${where}, slot ${s} of the gap`);
  }
}

/** The effective leader of `slot` (state processed up to it); none while stake is held breaks the `leader` property. */
function leaderOf(run: Run, state: State, slot: number, where: string): number | null {
  const leader = effectiveLeaderOrNull(state, run.config, slot);
  if (leader !== null) return leader;
  if (run.check.has("leader") && state.sequencers.some(holdsStake)) {
    throw new PropertyViolation("leader", where, [`no leader although stake is held: ${describeSequencers(state)}`]);
  }
  return null;
}

/** Builds each tx against the state left by the ones before it (applyTx), as the batch will apply them. */
function buildTxs(
  run: Run,
  specs: TxSpec[],
  pre: State,
  slot: number,
  leader: number,
  where: string,
  acceptedKinds: Set<TxKindName>,
): { txs: Tx[]; included: Tx[] } {
  const txs: Tx[] = [];
  const included: Tx[] = [];
  let cur = pre;
  for (const [k, spec] of specs.entries()) {
    if (included.length >= run.config.maxBatchTxs) break;
    const built = buildTx(run, spec, cur, slot);
    txs.push(built.tx);
    let next: State;
    try {
      next = applyTx(cur, built.tx, leader, run.config, { verifySignature: false }); // signed by construction (the signed run verifies)
    } catch (e) {
      if (e instanceof TxError) continue;
      throw new Error(`${where}, tx ${k} (${spec.kind}) threw ${(e as Error).name}: ${(e as Error).message}`);
    }
    if (built.mustRefuse !== null && run.check.has("refusals")) {
      throw new PropertyViolation("refusals", `${where}, tx ${k} (${spec.kind})`, [`accepted although ${built.mustRefuse}`]);
    }
    built.onIncluded?.();
    acceptedKinds.add(TX_KIND_NAMES[built.tx.body.kind] as TxKindName);
    included.push(built.tx);
    cur = next;
  }
  return { txs, included };
}

const randaoOf = (slot: number): Uint8Array => {
  const h = sha256(uint64Bytes(slot));
  return new Uint8Array([...h, ...h, ...h]);
};

/**
 * The simulator's path. Determinism: applied twice, the same root; and the same root from the
 * included txs alone (the refused ones change nothing) on the parent already processed up to
 * the slot (processSlots is idempotent: slots.ts).
 */
function applyUnsigned(run: Run, state: State, pre: State, slot: number, leader: number, txs: Tx[], included: Tx[], where: string): State {
  const batch = { slot, proposerIndex: leader, txs, randaoReveal: randaoOf(slot) };
  const first = applyUnsignedBatch(state, run.config, batch);
  if (run.check.has("determinism")) {
    const problems: string[] = [];
    if (first.included !== included.length) problems.push(`the batch included ${first.included} txs, one by one ${included.length} were valid`);
    const root = toHex(computeStateRoot(first.state));
    const again = toHex(computeStateRoot(applyUnsignedBatch(state, run.config, batch).state));
    if (again !== root) problems.push(`applied twice: roots ${root} and ${again}`);
    const lean = applyUnsignedBatch(pre, run.config, { ...batch, txs: included });
    const leanRoot = toHex(computeStateRoot(lean.state));
    if (lean.dropped.length > 0 || leanRoot !== root) {
      problems.push(`the included txs alone on the parent processed up to slot ${slot} give root ${leanRoot}, all of them on the parent ${root}`);
    }
    if (problems.length > 0) throw new PropertyViolation("determinism", where, problems);
  }
  return first.state;
}

/** The producer's and importer's path (BLS): applyBatch twice gives the header's root, as does the simulator with the same reveal. */
function applySigned(run: Run, state: State, slot: number, leader: number, txs: Tx[], included: Tx[], where: string): State {
  const key = BLS_BY_KEY.get(toHex(state.sequencers[leader].pubkey));
  if (key === undefined) throw new Error(`${where}: no BLS key for sequencer ${leader}`);
  const built = buildBatch(state, run.config, { slot, proposerIndex: leader, parentRoot: new Uint8Array(32), candidateTxs: txs, blsKey: key });
  const imported = applyBatch(state, built.batch, run.config);
  if (run.check.has("determinism")) {
    const problems: string[] = [];
    if (built.included.length !== included.length) {
      problems.push(`buildBatch included ${built.included.length} txs, one by one ${included.length} were valid`);
    }
    const root = toHex(built.batch.header.stateRoot);
    const again = toHex(computeStateRoot(applyBatch(state, built.batch, run.config)));
    const { txs: batchTxs, header } = built.batch;
    const simulated = applyUnsignedBatch(state, run.config, { slot, proposerIndex: leader, txs: batchTxs, randaoReveal: header.randaoReveal });
    const sim = toHex(computeStateRoot(simulated.state));
    if (toHex(computeStateRoot(imported)) !== root || again !== root) problems.push(`applyBatch twice: ${again}, header ${root}`);
    if (sim !== root) problems.push(`the simulator reaches ${sim}, the signed batch ${root}`);
    if (problems.length > 0) throw new PropertyViolation("determinism", where, problems);
  }
  return imported;
}

/** Value conservation, ranges and the encoding round trip of one state. */
function checkState(run: Run, state: State, where: string): void {
  if (run.check.has("value")) {
    const problems: string[] = [];
    const total = totalValue(state);
    const expected = run.supply + state.issued;
    if (total !== expected) {
      problems.push(`total ${total} ≠ genesis supply ${run.supply} + issued ${state.issued} (off by ${total - expected})`);
    }
    if (state.supply !== expected) problems.push(`state.supply ${state.supply} ≠ genesis supply ${run.supply} + issued ${state.issued}`);
    tokenTotals(state, run.tokenSupply.length).forEach((t, k) => {
      if (t > run.tokenSupply[k]) problems.push(`token ${k + 1}: ${t} units exist, genesis had ${run.tokenSupply[k]}`);
    });
    if (problems.length > 0) throw new PropertyViolation("value", where, problems);
  }
  if (run.check.has("ranges")) {
    const problems = outOfRange(state);
    if (problems.length === 0) problems.push(...roundTripProblems(state));
    if (problems.length > 0) throw new PropertyViolation("ranges", where, problems);
  }
}
