/**
 * `baton sim`: the mechanisms lab. Runs @baton/devnet's deterministic simulator (the real core,
 * virtual time, no network) on one mechanism or all of them with the same sequencers and
 * seed; prints the comparison table and each run's time, writes SVG charts and the results.
 * --attacks also runs the adversarial scenarios (each against its honest baseline) and prints
 * what each attack gained.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { devnetPreset, MECHANISM_NAMES, type MechanismName } from "@baton/core";
import { bool, int, oneOf, optStr, str, UsageError, type CommandSpec, type FlagValues } from "../args.js";
import { chainFlag, chainInt } from "../chainFlags.js";
import type { Command } from "../command.js";
import { loadDevnet, type DevnetModule } from "../devnetTools.js";

const TEN_MINUTES_MS = 600_000;

const spec: CommandSpec = {
  name: "sim",
  summary: "simulate the selection mechanisms on the real core (virtual time): comparison table and SVG charts",
  flags: {
    mechanism: { type: "string", valueName: MECHANISM_NAMES.join("|"), help: "the mechanism to run", default: "pos" },
    all: { type: "boolean", help: "run every mechanism with the same sequencers and seed" },
    sequencers: { type: "string", valueName: "n", help: "sequencers (the default mix of profiles, see below)", default: "100" },
    epochs: { type: "string", valueName: "n", help: "epochs to simulate", default: "1000" },
    "slots-per-epoch": { type: "string", valueName: "n", help: "slots per epoch", default: "32" },
    "committee-size": { type: "string", valueName: "n", help: "committee members drawn per epoch (0 = all)", default: "16" },
    "slot-ms": chainFlag("slotMs", "slot length (virtual: only converts slots to seconds)", "ms"),
    load: { type: "string", valueName: "tx/slot", help: "user txs arriving per slot", default: "4" },
    seed: { type: "string", valueName: "text", help: "the seed of every random choice", default: "baton" },
    profiles: { type: "string", valueName: "mix", help: 'instead of the default mix, e.g. "reliable*90,crash@4000*5,flaky:0.2*4,censor:0.2"' },
    params: { type: "string", valueName: "json", help: "mechanismParams overrides (single mechanism), e.g. '{\"winners\":1}'" },
    "evict-censor-at": { type: "string", valueName: "epoch", help: "governance evicts the censoring sequencer at this epoch (0 = never)", default: "0" },
    outage: { type: "string", valueName: "slot+slots", help: `every sequencer offline for <slots> slots from <slot>, e.g. 3201+${TEN_MINUTES_MS / devnetPreset.slotMs} (10 minutes of ${devnetPreset.slotMs} ms slots)` },
    attacks: { type: "boolean", help: "also run the adversarial scenarios on these mechanisms (bid inflater, slash escaper, outage; each against an honest run with the same seed) and print what each gained" },
    "out-dir": { type: "string", valueName: "dir", help: "where to write the SVG charts and results.json", default: "reports/sim" },
    "no-charts": { type: "boolean", help: "print the table only" },
  },
  notes: [
    "Profiles: reliable, crash@<slot>, flaky:<miss rate>, slow (late 25%, half the txs), censor:<share of traffic>,",
    "restaker (withdraws while off duty, restakes when scheduled), joiner@<epoch> (joins later; list joiners last);",
    "adversaries: bidder:<amount>, inflater:<value>:<bid> (auction), escaper@<slot> / equivocator@<slot> (equivocate at",
    "their first led slot from <slot>; the escaper unstakes everything at once). docs/mechanisms.md \"Adversarial profiles\".",
    "Default mix: 1 censor (20% of traffic), 5% crash, 10% flaky:0.2, 5% slow, 10% restakers, 2% joiners, the rest reliable.",
    "Deterministic: the same flags give the same table. The time of each run is printed.",
  ],
};

export interface SimFlags {
  mechanisms: MechanismName[];
  sequencers: number;
  epochs: number;
  slotsPerEpoch: number;
  committeeSize: number;
  slotMs: number;
  load: number;
  seed: string;
  profiles: string | undefined;
  mechanismParams: Record<string, unknown> | undefined;
  evictCensorAt: number;
  outage: { fromSlot: number; slots: number } | undefined;
  attacks: boolean;
  outDir: string | null;
}

/** `--outage <slot>+<slots>`. */
export function parseOutage(text: string | undefined): { fromSlot: number; slots: number } | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)\+(\d+)$/.exec(text.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new UsageError(`--outage: expected <slot>+<slots> with slot >= 1 and slots >= 1, e.g. 3201+1200, got ${JSON.stringify(text)}`);
  return { fromSlot: Number(m[1]), slots: Number(m[2]) };
}

/** Pure: flags → options. */
export function simOptionsFromFlags(values: FlagValues): SimFlags {
  const all = bool(values, "all");
  const load = Number(str(values, "load"));
  if (!Number.isFinite(load) || load < 0 || load > 4_000) throw new UsageError(`--load: expected a number of txs per slot in [0, 4000], got ${JSON.stringify(values.load)}`);
  const paramsText = optStr(values, "params");
  let mechanismParams: Record<string, unknown> | undefined;
  if (paramsText !== undefined) {
    if (all) throw new UsageError("--params: applies to one mechanism; drop --all");
    try {
      mechanismParams = JSON.parse(paramsText) as Record<string, unknown>;
    } catch {
      throw new UsageError(`--params: expected a JSON object, got ${JSON.stringify(paramsText)}`);
    }
  }
  return {
    mechanisms: all ? [...MECHANISM_NAMES] : [oneOf(values, "mechanism", MECHANISM_NAMES)],
    sequencers: int(values, "sequencers", 2, 10_000),
    epochs: int(values, "epochs", 1, 10_000_000),
    slotsPerEpoch: chainInt(values, "slots-per-epoch", "slotsPerEpoch", { min: 2 }),
    committeeSize: chainInt(values, "committee-size", "committeeSize"),
    slotMs: chainInt(values, "slot-ms", "slotMs"),
    load,
    seed: str(values, "seed"),
    profiles: optStr(values, "profiles"),
    mechanismParams,
    evictCensorAt: int(values, "evict-censor-at", 0),
    outage: parseOutage(optStr(values, "outage")),
    attacks: bool(values, "attacks"),
    outDir: bool(values, "no-charts") ? null : str(values, "out-dir"),
  };
}

const jsonReplacer = (_k: string, v: unknown) => (typeof v === "bigint" ? v.toString() : typeof v === "number" && !Number.isFinite(v) ? String(v) : v);

type SimModule = DevnetModule["sim"];

/** The adversarial scenarios on the chosen mechanisms, with the lab's seed, slot length, epoch length and load. */
function runAttacks(sim: SimModule, f: SimFlags, io: Parameters<Command["run"]>[1]) {
  const base = { seed: f.seed, slotMs: f.slotMs, slotsPerEpoch: f.slotsPerEpoch, load: f.load };
  return sim.attackScenarios(f.mechanisms, base).map((s) => {
    const started = performance.now();
    const r = sim.runAttack(s);
    io.err(`attack ${r.attack} / ${r.label}: ${r.paidOff ? "paid off" : "failed"} (${((performance.now() - started) / 1000).toFixed(1)} s, two runs)`);
    return r;
  });
}

export const simCommand: Command = {
  spec,
  async run(values, io) {
    const f = simOptionsFromFlags(values);
    const { sim } = await loadDevnet("sim");
    let profiles;
    try {
      profiles = f.profiles === undefined ? undefined : sim.parseProfileMix(f.profiles, f.sequencers);
    } catch (e) {
      if (e instanceof sim.ProfileError) throw new UsageError(`--profiles: ${e.message}`);
      throw e;
    }
    const results = [];
    for (const mechanism of f.mechanisms) {
      let r;
      try {
        r = sim.runSim({ ...f, mechanism, profiles, outage: f.outage });
      } catch (e) {
        if (e instanceof Error && e.name === "ConfigError") throw new UsageError(`--params: ${e.message}`);
        throw e;
      }
      io.err(`${mechanism}: ${f.sequencers} sequencers × ${f.epochs} epochs (${r.metrics.slots} slots) in ${(r.elapsedMs / 1000).toFixed(1)} s`);
      results.push(r);
    }
    io.out(sim.describeScenario(results[0]));
    io.out("");
    io.out(sim.formatTable(results));
    io.out("");
    io.out(sim.formatLegend());
    const attacks = f.attacks ? runAttacks(sim, f, io) : [];
    if (attacks.length > 0) {
      io.out("");
      io.out("Adversarial profiles: what each attack gained over an honest run with the same seed");
      io.out("");
      io.out(sim.formatAttackTable(attacks));
      io.out("");
      io.out(sim.formatAttackLegend());
    }
    if (f.outDir !== null) {
      const dir = resolve(f.outDir);
      const files = await sim.writeCharts(dir, results);
      await mkdir(dir, { recursive: true });
      const json = results.map((r) => ({ mechanism: r.mechanism, options: r.options, metrics: r.metrics, series: r.series, slotsLed: r.slotsLed, weightShares: r.weightShares, paid: r.paid, profiles: r.profiles, elapsedMs: r.elapsedMs }));
      await writeFile(join(dir, "results.json"), JSON.stringify(json, jsonReplacer, 1) + "\n");
      if (attacks.length > 0) {
        await writeFile(join(dir, "attacks.svg"), sim.attackChart(attacks));
        files.push(join(dir, "attacks.svg"));
        const attacksJson = attacks.map((a) => ({ attack: a.attack, mechanism: a.label, paidOff: a.paidOff, measures: a.measures, run: a.run.options, baseline: a.baseline.options }));
        await writeFile(join(dir, "attacks.json"), JSON.stringify(attacksJson, jsonReplacer, 1) + "\n");
      }
      io.out("");
      io.out(`charts: ${files.join(", ")}`);
      io.out(`results: ${join(dir, "results.json")}${attacks.length > 0 ? `, ${join(dir, "attacks.json")}` : ""}`);
    }
    return 0;
  },
};
