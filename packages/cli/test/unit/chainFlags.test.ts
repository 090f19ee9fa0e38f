/**
 * Chain-parameter flags have one source: their defaults are core's devnetPreset and their
 * ranges core's CHAIN_RANGES, refused in the same words genesis validation uses.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { CHAIN_RANGES, ConfigError, createChainConfig, devnetPreset, type ChainIntField } from "@baton/core";
import { formatHelp, parseFlags, UsageError, type CommandSpec, type FlagValues } from "../../src/args.js";
import { chaosCommand, chaosOptionsFromFlags } from "../../src/commands/chaos.js";
import { devnetCommand, devnetOptionsFromFlags } from "../../src/commands/devnet.js";
import { genesisCommand, genesisParamsFromFlags } from "../../src/commands/genesis.js";
import { simCommand, simOptionsFromFlags } from "../../src/commands/sim.js";

const NOW = 1_700_000_000_000;
const flagsOf = (spec: CommandSpec, argv: string[]) => parseFlags(spec, argv).values;

/** Each command that takes chain parameters: its extra required flags and its options as a flat record. */
const COMMANDS: {
  name: string;
  spec: CommandSpec;
  required: string[];
  options: (v: FlagValues) => unknown;
  /** a tool's own floor inside core's range */
  floors?: Partial<Record<ChainIntField, number>>;
  /** its own default (not a chain default) */
  ownDefaults?: string[];
}[] = [
  { name: "devnet", spec: devnetCommand.spec, required: [], options: (v) => devnetOptionsFromFlags(v) },
  { name: "genesis", spec: genesisCommand.spec, required: ["--sequencers", "4", "--out-dir", "x"], options: (v) => genesisParamsFromFlags(v, NOW) },
  { name: "chaos", spec: chaosCommand.spec, required: [], options: (v) => chaosOptionsFromFlags(v), floors: { slotsPerEpoch: 2 } },
  // the lab's epochs and committees are its own (32 slots, 16 members); its slot length is the devnet's
  { name: "sim", spec: simCommand.spec, required: [], options: (v) => simOptionsFromFlags(v), floors: { slotsPerEpoch: 2 }, ownDefaults: ["slots-per-epoch", "committee-size"] },
];

/** flag → the ChainConfig field it sets. */
const FIELD_OF: Record<string, ChainIntField> = {
  "slot-ms": "slotMs",
  "slots-per-epoch": "slotsPerEpoch",
  "misses-to-eject": "missesToEject",
  "committee-size": "committeeSize",
  "chain-id": "chainId",
};

/** What genesis validation says for `field` = `value` (the text after "expected "). */
function genesisExpects(field: ChainIntField, value: number): string {
  try {
    createChainConfig({ genesisTime: NOW, [field]: value });
  } catch (e) {
    if (e instanceof ConfigError && e.type.field === field) return e.type.expected;
    throw e;
  }
  throw new Error(`genesis validation accepted ${field} = ${value}`);
}

const defaults = suite("chain flags: defaults are devnetPreset's");

defaults("baton devnet: slot, epoch and miss defaults equal devnetPreset", () => {
  const o = devnetOptionsFromFlags(flagsOf(devnetCommand.spec, []));
  assert.equal(
    { slotMs: o.slotMs, slotsPerEpoch: o.slotsPerEpoch, missesToEject: o.missesToEject },
    { slotMs: devnetPreset.slotMs, slotsPerEpoch: devnetPreset.slotsPerEpoch, missesToEject: devnetPreset.missesToEject },
  );
});

defaults("baton genesis: every chain default equals devnetPreset", () => {
  const c = genesisParamsFromFlags(flagsOf(genesisCommand.spec, ["--sequencers", "4", "--out-dir", "x"]), NOW).config;
  for (const k of ["chainId", "slotMs", "slotsPerEpoch", "missesToEject", "committeeSize", "mechanism"] as const) assert.is(c[k], devnetPreset[k], k);
});

defaults("baton chaos and sim: slot length (and chaos' epoch and misses) default to devnetPreset", () => {
  const o = chaosOptionsFromFlags(flagsOf(chaosCommand.spec, []));
  assert.equal([o.slotMs, o.slotsPerEpoch, o.missesToEject], [devnetPreset.slotMs, devnetPreset.slotsPerEpoch, devnetPreset.missesToEject]);
  assert.is(simOptionsFromFlags(flagsOf(simCommand.spec, [])).slotMs, devnetPreset.slotMs);
});

defaults("help shows the preset's values as the defaults", () => {
  for (const { name, spec, ownDefaults = [] } of COMMANDS) {
    const help = formatHelp(spec);
    for (const [flag, field] of Object.entries(FIELD_OF)) {
      if (!(flag in spec.flags) || ownDefaults.includes(flag)) continue;
      const line = help.split("\n").find((l) => l.trimStart().startsWith(`--${flag} `));
      assert.ok(line?.endsWith(`[default: ${devnetPreset[field as Exclude<ChainIntField, "genesisTime">]}]`), `${name} --${flag}: ${line}`);
    }
  }
  assert.ok(formatHelp(devnetCommand.spec).includes(`[default: ${devnetPreset.mechanism}]`));
  assert.ok(formatHelp(simCommand.spec).includes(`of ${devnetPreset.slotMs} ms slots`));
});
defaults.run();

const ranges = suite("chain flags: ranges are core's, refused in genesis validation's words");

ranges("an out-of-range value is refused with the same range text as genesis validation", () => {
  let checked = 0;
  for (const { name, spec, required, options, floors = {} } of COMMANDS) {
    for (const [flag, field] of Object.entries(FIELD_OF)) {
      if (!(flag in spec.flags)) continue;
      const r = CHAIN_RANGES[field];
      for (const bad of [r.min - 1, r.max + 1]) {
        const expected = genesisExpects(field, bad);
        // a tool's own floor shows in the same words, with its own least value
        const floor = floors[field];
        const tighter = floor !== undefined ? expected.replace(`[${r.min},`, `[${floor},`) : expected;
        assert.throws(
          () => options(flagsOf(spec, [...required, `--${flag}=${bad}`])),
          (e: Error) => e instanceof UsageError && e.message === `--${flag}: expected ${tighter}, got "${bad}"`,
          `${name} --${flag} ${bad}: expected "${tighter}"`,
        );
        checked++;
      }
    }
  }
  assert.is(checked, 2 * (3 + 5 + 3 + 3));
  // the words themselves: the ones intField (genesis validation) uses
  assert.is(genesisExpects("slotMs", CHAIN_RANGES.slotMs.max + 1), "an integer in [50, 600000]");
});

ranges("the ends of core's range are accepted, by devnet and chaos alike", () => {
  for (const v of [CHAIN_RANGES.slotMs.min, CHAIN_RANGES.slotMs.max]) {
    assert.is(devnetOptionsFromFlags(flagsOf(devnetCommand.spec, ["--slot-ms", String(v)])).slotMs, v);
    assert.is(chaosOptionsFromFlags(flagsOf(chaosCommand.spec, ["--slot-ms", String(v)])).slotMs, v);
    assert.is(genesisParamsFromFlags(flagsOf(genesisCommand.spec, ["--sequencers", "1", "--out-dir", "x", "--slot-ms", String(v)]), NOW).config.slotMs, v);
    assert.is(simOptionsFromFlags(flagsOf(simCommand.spec, ["--slot-ms", String(v)])).slotMs, v);
  }
  const m = CHAIN_RANGES.missesToEject;
  for (const v of [m.min, m.max]) assert.is(chaosOptionsFromFlags(flagsOf(chaosCommand.spec, ["--misses-to-eject", String(v)])).missesToEject, v);
});

ranges("a tool's floor is inside core's range: chaos and sim refuse 1 slot per epoch, genesis takes it", () => {
  assert.throws(() => chaosOptionsFromFlags(flagsOf(chaosCommand.spec, ["--slots-per-epoch", "1"])), /^--slots-per-epoch: expected an integer in \[2, 65536\], got "1"$/);
  assert.throws(() => simOptionsFromFlags(flagsOf(simCommand.spec, ["--slots-per-epoch", "1"])), /^--slots-per-epoch: expected an integer in \[2, 65536\], got "1"$/);
  assert.is(genesisParamsFromFlags(flagsOf(genesisCommand.spec, ["--sequencers", "1", "--out-dir", "x", "--slots-per-epoch", "1"]), NOW).config.slotsPerEpoch, 1);
});
ranges.run();
