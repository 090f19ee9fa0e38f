import { suite } from "uvu";
import * as assert from "uvu/assert";
import { checkMultiaddr, genesisTime, int, list, parseFlags, UsageError, type CommandSpec } from "../../src/args.js";
import type { Io } from "../../src/command.js";
import { main } from "../../src/main.js";

const spec: CommandSpec = {
  name: "demo",
  summary: "a demo",
  flags: {
    out: { type: "string", valueName: "file", help: "output", required: true },
    count: { type: "string", valueName: "n", help: "count", default: "3" },
    fresh: { type: "boolean", help: "start over" },
  },
};

const parse = suite("args: parseFlags");

const errorCases: [string, string[], RegExp][] = [
  ["unknown flag", ["--out", "x", "--bogus"], /^unknown flag --bogus for baton demo/],
  ["missing value", ["--out"], /^--out: expected a value <file>/],
  ["switch with a value", ["--out", "x", "--fresh=yes"], /^--fresh is a switch and takes no value/],
  ["positional", ["--out", "x", "extra"], /^unexpected argument extra/],
  ["missing required", ["--count", "4"], /^--out is required/],
];
for (const [name, argv, re] of errorCases) {
  parse(`rejects: ${name}`, () => {
    try {
      parseFlags(spec, argv);
      assert.unreachable("should throw");
    } catch (e) {
      assert.instance(e, UsageError);
      assert.match((e as Error).message, re);
      assert.not.match((e as Error).message, /\n/, "one line");
    }
  });
}

parse("applies defaults and reads switches", () => {
  const { help, values } = parseFlags(spec, ["--out", "f", "--fresh"]);
  assert.is(help, false);
  assert.equal(values, { out: "f", count: "3", fresh: true });
});

parse("--help skips required checks", () => {
  assert.is(parseFlags(spec, ["--help"]).help, true);
  assert.is(parseFlags(spec, ["-h"]).help, true);
});
parse.run();

const conv = suite("args: converters");
const intCases: [string | undefined, number, number, number | RegExp][] = [
  ["5", 1, 10, 5],
  ["0", 0, 10, 0],
  ["11", 1, 10, /--n: expected an integer in \[1, 10\], got "11"/],
  ["-1", 0, 10, /expected an integer in \[0, 10\]/],
  ["1.5", 0, 10, /expected an integer/],
  ["abc", 0, 10, /got "abc"/],
  [undefined, 0, 10, /got null/],
];
for (const [v, min, max, want] of intCases) {
  conv(`int(${v}) in [${min}, ${max}]`, () => {
    if (typeof want === "number") assert.is(int({ n: v }, "n", min, max), want);
    else assert.throws(() => int({ n: v }, "n", min, max), (e: Error) => e instanceof UsageError && want.test(e.message));
  });
}

const timeCases: [string, number | null][] = [
  ["+5s", 1_005_000],
  ["+500ms", 1_000_500],
  ["+2m", 1_120_000],
  ["1700000000000", 1_700_000_000_000],
  ["tomorrow", null],
  ["+5h", null],
];
for (const [v, want] of timeCases) {
  conv(`genesis time ${v}`, () => {
    if (want === null) assert.throws(() => genesisTime({ t: v }, "t", 1_000_000), /--t: expected unix time in ms or a delay/);
    else assert.is(genesisTime({ t: v }, "t", 1_000_000), want);
  });
}

conv("list splits on commas and drops empties", () => {
  assert.equal(list({ l: "a, b,,c" }, "l"), ["a", "b", "c"]);
  assert.equal(list({ l: "" }, "l"), []);
  assert.equal(list({}, "l"), []);
});

conv("multiaddrs", () => {
  assert.is(checkMultiaddr("listen", "/ip4/127.0.0.1/tcp/9001", false), "/ip4/127.0.0.1/tcp/9001");
  const withId = "/ip4/127.0.0.1/tcp/9001/p2p/12D3KooWL4VQiy8adqNeBypatPwRsyGbT9wGeY3mtHaUzMiEaWEz";
  assert.is(checkMultiaddr("bootstrap", withId, true), withId);
  assert.throws(() => checkMultiaddr("bootstrap", "/ip4/127.0.0.1/tcp/9001", true), /--bootstrap: expected a multiaddr like .*\/p2p\/<peerId>/);
  assert.throws(() => checkMultiaddr("listen", "127.0.0.1:9001", false), /--listen: expected a multiaddr/);
});
conv.run();

function fakeIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), now: () => 1_000_000 };
  return { io, out, err };
}

const cli = suite("args: main dispatch and exit codes");
const mainCases: [string, string[], number, RegExp, "out" | "err"][] = [
  ["top help", ["--help"], 0, /commands:\n(.|\n)*keys new/, "out"],
  ["no command", [], 2, /usage: baton <command>/, "err"],
  ["unknown command", ["frobnicate"], 2, /^baton: unknown command "frobnicate"/, "err"],
  ["unknown subcommand", ["keys", "old"], 2, /^baton: unknown command "keys old"/, "err"],
  ["group without subcommand", ["tx"], 2, /usage: baton tx <send\|transfer\|stake\|unstake\|exit\|rejoin\|bid\|reveal\|delegate\|undelegate\|commission\|evict\|admit>/, "err"],
  ["subcommand help", ["tx", "send", "--help"], 0, /^baton tx send: (.|\n)*--payload <hex>/, "out"],
  ["every command has help", ["devnet", "-h"], 0, /--base-api-port <port>/, "out"],
  ["unknown flag", ["start", "--genesis", "g", "--colour"], 2, /^baton: unknown flag --colour for baton start/, "err"],
  ["bad value", ["devnet", "--nodes", "many"], 2, /^baton: --nodes: expected an integer in \[1, 64\], got "many"$/, "err"],
  ["bad choice", ["devnet", "--log-level", "loud"], 2, /^baton: --log-level: expected one of fatal, error/, "err"],
  ["bad url", ["status", "--api", "localhost:7001"], 2, /^baton: --api: expected an http URL/, "err"],
  ["missing key file", ["tx", "send", "--key", "/nonexistent/k.json"], 2, /^baton: key file \/nonexistent\/k.json: cannot read it \(ENOENT\)/, "err"],
  ["payload and text", ["tx", "send", "--key", "k", "--payload", "0x00", "--text", "hi"], 2, /^baton: --payload and --text: give one, not both$/, "err"],
  ["bad payload", ["tx", "send", "--key", "k", "--payload", "zz"], 2, /^baton: --payload: expected hex bytes/, "err"],
  ["bad index", ["tx", "rejoin", "--key", "k", "--index", "x"], 2, /^baton: --index: expected a sequencer index in \[0, 65535\], got "x"$/, "err"],
  ["bad fee", ["tx", "send", "--key", "k", "--fee", "1.5"], 2, /^baton: --fee: expected a non-negative integer amount/, "err"],
  ["stake without amount", ["tx", "stake", "--key", "k"], 2, /^baton: --amount is required/, "err"],
];
for (const [name, argv, code, re, stream] of mainCases) {
  cli(name, async () => {
    const { io, out, err } = fakeIo();
    assert.is(await main(argv, io), code);
    assert.match((stream === "out" ? out : err).join("\n"), re);
  });
}
cli.run();
