/**
 * Property-based tests of the state transition (fast-check): random parameters within their
 * validated ranges, for every mechanism, random user and system txs (invalid ones included),
 * random slot gaps including whole-network outages of many epochs. At every state reached:
 *
 *   value        Σ balances + stake + unbonding + delegations + escrowed bid deposits
 *                + treasury + burned = genesis supply + issued (= state.supply); no pos
 *                stake token is created
 *   ranges       every field within its encoding's range (Amount < 2^64, committee weights
 *                included), and encode → decode gives the same state and root
 *   leader       at every slot, while a sequencer (not evicted or slashed) holds stake, the
 *                slot has an effective leader (in the state processed up to it)
 *   determinism  the same batch on the same state gives the same root: twice; with the
 *                refused txs left out, on the parent already processed up to its slot; and,
 *                signed, buildBatch = applyBatch (twice) = the simulator
 *   refusals     a tx broken on purpose (nonce ahead, forged evidence, too few governance
 *                signatures, a reveal that does not match) is refused
 *
 * Fixed seed and run counts keep it to a few seconds; a longer hunt:
 *   BATON_FC_RUNS=2000 BATON_FC_SEED=$RANDOM node --import tsx --import ./packages/node/src/util/polyfill.ts \
 *     node_modules/uvu/bin.js packages/core/test/unit transition.properties
 * (BATON_FC_RUNS replaces every test's run count; BATON_FC_PROPS=value,ranges,leader,determinism,refusals
 * checks only those; a failure prints the counterexample, seed and path.)
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as fc from "fast-check";
import type { MechanismName } from "../../src/mechanism/params.js";
import { KNOWN_EXAMPLES } from "./propertyExamples.js";
import { runScenario, type PropertyName, type RunOptions } from "./propertyRun.js";
import { MECHANISM_NAMES, scenarioArb, type Scenario, type TxKindName } from "./propertyScenario.js";

const test = suite("transition: properties (fast-check)");

const SEED = Number(process.env.BATON_FC_SEED ?? 42);
const RUNS = process.env.BATON_FC_RUNS === undefined ? undefined : Number(process.env.BATON_FC_RUNS);
/** BATON_FC_PROPS=value,leader checks only those (to see every property's counterexample, not the first to fail). */
const CHECK: ReadonlySet<PropertyName> | undefined =
  process.env.BATON_FC_PROPS === undefined ? undefined : new Set(process.env.BATON_FC_PROPS.split(",") as PropertyName[]);

interface Seen {
  runs: number;
  accepted: Set<TxKindName>;
  outages: number;
}

/** Asserts that every scenario of `arb` keeps the properties; returns what the runs went through. */
function holds(arb: fc.Arbitrary<Scenario>, numRuns: number, opts: RunOptions = {}): Seen {
  const seen: Seen = { runs: 0, accepted: new Set(), outages: 0 };
  fc.assert(
    fc.property(arb, (sc) => {
      const stats = runScenario(sc, { check: CHECK, ...opts });
      fc.pre(stats !== null);
      seen.runs++;
      for (const k of stats.acceptedKinds) seen.accepted.add(k);
      seen.outages += stats.outages;
    }),
    { seed: SEED, numRuns: RUNS ?? numRuns, includeErrorInReport: true },
  );
  return seen;
}

/**
 * What the default runs went through, so a property that holds is known to have met it: each
 * mechanism's own tx kinds accepted in its runs, the common kinds somewhere, outages in each.
 * (Another seed or fewer runs may miss one by chance: then this is not checked.)
 */
const OWN_KINDS: Record<MechanismName, TxKindName[]> = {
  pos: [],
  poa: ["admit"],
  auction: ["bid", "reveal"],
  dpos: ["delegate", "undelegate", "commission"],
  performance: [],
};
const COMMON_KINDS: TxKindName[] = ["user", "stake", "unstake", "rejoin", "slash", "evict", "transfer"];
const DEFAULT_RUNS = 20;
const checkCoverage = process.env.BATON_FC_SEED === undefined && (RUNS ?? DEFAULT_RUNS) >= DEFAULT_RUNS;
const acceptedSomewhere = new Set<TxKindName>();

for (const mechanism of MECHANISM_NAMES) {
  test(`${mechanism}: value conserved, amounts in range, encode/decode, a leader while stake is held, deterministic apply, refusals`, () => {
    const seen = holds(scenarioArb(mechanism), DEFAULT_RUNS);
    for (const k of seen.accepted) acceptedSomewhere.add(k);
    if (!checkCoverage) return;
    for (const kind of OWN_KINDS[mechanism]) assert.ok(seen.accepted.has(kind), `${mechanism}: no ${kind} tx was accepted in ${seen.runs} runs`);
    assert.ok(seen.outages > 0, `${mechanism}: no outage of a whole epoch in ${seen.runs} runs`);
  });
}

test("the runs above had txs of every common kind accepted", () => {
  if (!checkCoverage) return;
  for (const kind of COMMON_KINDS) assert.ok(acceptedSomewhere.has(kind), `no ${kind} tx was accepted`);
});

test("every mechanism (mostly pos), amounts of 2^56..2^60 and pos token weights above 1:1: sums and weights at the u64 limit; all properties", () => {
  const large = (m: MechanismName) => ({ weight: m === "pos" ? 5 : 1, arbitrary: scenarioArb(m, { maxSteps: 6, large: true }) });
  holds(fc.oneof(...MECHANISM_NAMES.map(large)), 30);
});

test("every mechanism, signed: buildBatch → applyBatch (twice) → the simulator's root; all properties", () => {
  holds(fc.oneof(...MECHANISM_NAMES.map((m) => scenarioArb(m, { maxSteps: 5 }))), 10, { signed: true });
});

test("every mechanism: outages of 2-12 epochs before every batch; all properties", () => {
  const outage = fc.record({ epochs: fc.integer({ min: 2, max: 12 }), plus: fc.nat(7) });
  holds(fc.oneof(...MECHANISM_NAMES.map((m) => scenarioArb(m, { maxSteps: 4, gap: outage }))), 10);
});

test("the counterexamples found so far (propertyExamples.ts) keep the properties", () => {
  const failures: string[] = [];
  for (const example of KNOWN_EXAMPLES) {
    try {
      assert.ok(runScenario(example.scenario) !== null, `${example.name}: genesis refused`);
    } catch (e) {
      failures.push(`${example.name}:\n      ${(e as Error).message}`);
    }
  }
  if (failures.length > 0) assert.unreachable(`${failures.length} of ${KNOWN_EXAMPLES.length} fail:\n    ${failures.join("\n    ")}`);
});

test.run();
