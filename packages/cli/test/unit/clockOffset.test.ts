/**
 * `baton start --clock-offset-ms` (env BATON_CLOCK_OFFSET_MS, config file clockOffsetMs): an
 * integer of at most one hour either way, for tests and the chaos clock-skew fault, that reaches
 * NodeOptions.clockOffsetMs; a node without it gets no offset at all.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createChainConfig, type Genesis } from "@baton/core";
import { formatHelp, parseFlags, UsageError } from "../../src/args.js";
import { nodeOptionsFromFlags, startCommand, toNodeOptions } from "../../src/commands/start.js";
import { formatConfig, requireAll, resolveNodeConfig } from "../../src/config.js";
import { parseConfigText } from "../../src/configFile.js";

const genesis: Genesis = { config: createChainConfig({ genesisTime: 0 }), sequencers: [], accounts: [] };
const REQUIRED = ["--genesis", "g.json", "--key", "none", "--data-dir", "/tmp/d"];
const startFlags = (...argv: string[]) => parseFlags(startCommand.spec, [...REQUIRED, ...argv]).values;
const HOUR = 3_600_000;

const clock = suite("start: --clock-offset-ms");

clock("absent: no offset in the node options, 0 in config show", () => {
  const options = nodeOptionsFromFlags(startFlags(), genesis, null);
  assert.is(options.clockOffsetMs, undefined);
  const resolved = resolveNodeConfig({ flags: startFlags(), env: {}, file: null, cwd: "/" });
  assert.is(resolved.config.clockOffsetMs, 0);
  assert.match(formatConfig(resolved, "none").join("\n"), /^clockOffsetMs = 0 +# default$/m);
});

clock("the flag reaches NodeOptions.clockOffsetMs: ahead, and behind written --clock-offset-ms=-<ms>", () => {
  assert.is(nodeOptionsFromFlags(startFlags("--clock-offset-ms", "375"), genesis, null).clockOffsetMs, 375);
  assert.is(nodeOptionsFromFlags(startFlags("--clock-offset-ms=-1500"), genesis, null).clockOffsetMs, -1500);
  assert.is(nodeOptionsFromFlags(startFlags(`--clock-offset-ms=${HOUR}`), genesis, null).clockOffsetMs, HOUR);
  assert.is(nodeOptionsFromFlags(startFlags(`--clock-offset-ms=-${HOUR}`), genesis, null).clockOffsetMs, -HOUR);
});

clock("from the environment and the config file, the flag winning over both", () => {
  const file = parseConfigText("clockOffsetMs = -600", "/etc/baton/node.toml");
  const fromFile = resolveNodeConfig({ flags: startFlags(), env: {}, file, cwd: "/" });
  assert.is(requireAll(fromFile).clockOffsetMs, -600);
  assert.equal(fromFile.sources.clockOffsetMs, { kind: "file", file: "/etc/baton/node.toml", name: "clockOffsetMs" });
  const fromEnv = resolveNodeConfig({ flags: startFlags(), env: { BATON_CLOCK_OFFSET_MS: "-750" }, file, cwd: "/" });
  assert.is(toNodeOptions(requireAll(fromEnv), genesis, null).clockOffsetMs, -750);
  const fromFlag = resolveNodeConfig({ flags: startFlags("--clock-offset-ms", "125"), env: { BATON_CLOCK_OFFSET_MS: "-750" }, file, cwd: "/" });
  assert.is(toNodeOptions(requireAll(fromFlag), genesis, null).clockOffsetMs, 125);
});

const rejected: [string[], RegExp][] = [
  [[`--clock-offset-ms=${HOUR + 1}`], /^--clock-offset-ms: expected an integer in \[-3600000, 3600000\], got "3600001"/],
  [[`--clock-offset-ms=-${HOUR + 1}`], /^--clock-offset-ms: expected an integer in \[-3600000, 3600000\]/],
  [["--clock-offset-ms", "1.5"], /^--clock-offset-ms: expected an integer/],
  [["--clock-offset-ms", "soon"], /^--clock-offset-ms: expected an integer/],
];
for (const [argv, message] of rejected) {
  clock(`rejects ${argv.join(" ")}`, () => {
    assert.throws(() => nodeOptionsFromFlags(startFlags(...argv), genesis, null), (error: Error) => error instanceof UsageError && message.test(error.message));
  });
}

clock("a negative value after a space is a usage error that shows the = form", () => {
  assert.throws(() => startFlags("--clock-offset-ms", "-500"), (error: Error) => error instanceof UsageError && /write --clock-offset-ms=<value>/.test(error.message));
});

clock("env and file values out of range name where they came from", () => {
  assert.throws(() => resolveNodeConfig({ flags: {}, env: { BATON_CLOCK_OFFSET_MS: "7200000" }, file: null, cwd: "/" }), /^BATON_CLOCK_OFFSET_MS: expected an integer in \[-3600000, 3600000\]/);
  const file = parseConfigText('clockOffsetMs = "ahead"', "/n.toml");
  assert.throws(() => resolveNodeConfig({ flags: {}, env: {}, file, cwd: "/" }), /^config file \/n\.toml: clockOffsetMs: expected an integer/);
});

clock("--help says what it is for", () => {
  const help = formatHelp(startCommand.spec);
  assert.match(help, /--clock-offset-ms <ms> +shift this node's slot clock .*for tests and chaos only \[default: 0\] \(env BATON_CLOCK_OFFSET_MS\)/);
});

clock.run();
