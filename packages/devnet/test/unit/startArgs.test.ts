/**
 * One builder for a node's `baton start` arguments (startArgs.ts) and one path to a devnet on
 * disk (createDevnet): what they produce, and that every flag the builder emits is one
 * `baton start` knows, read from the real program's --help (devnet may not import the cli).
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { genesisToJson } from "@baton/core";
import { createDevnet, defaultDevnetParams, generateDevnet, readDevnet } from "../../src/generate.js";
import { BATON_BIN, REPO_ROOT } from "../../src/programs.js";
import { startArgs, type NodeStartSpec } from "../../src/startArgs.js";

const sequencer: NodeStartSpec = {
  genesisFile: "/d/genesis.json",
  keyFile: "/d/node1/key.json",
  dataDir: "/d/node1",
  listenAddr: "/ip4/127.0.0.1/tcp/9001",
  bootstrap: ["/ip4/127.0.0.1/tcp/9002/p2p/B", "/ip4/127.0.0.1/tcp/9003/p2p/C"],
  apiHost: "127.0.0.1",
  apiPort: 7001,
  metricsPort: 8001,
  logLevel: "info",
};
const fullNode: NodeStartSpec = { ...sequencer, metricsPort: undefined, keyFile: null, dataDir: "/d/node2", listenAddr: "/ip4/0.0.0.0/tcp/9002", bootstrap: [], apiHost: "0.0.0.0", apiPort: 7002, logLevel: "debug" };

/** flag → its value (the builder emits `--flag value` pairs after "start") */
function pairs(args: string[]): Map<string, string> {
  assert.is(args[0], "start");
  const m = new Map<string, string>();
  for (let k = 1; k < args.length; k += 2) {
    assert.match(args[k], /^--[a-z-]+$/, `argument ${k} is a flag`);
    assert.not.ok(m.has(args[k]), `${args[k]} given twice`);
    m.set(args[k], args[k + 1]);
  }
  return m;
}

const build = suite("devnet: start arguments");

build("a sequencer: every setting, its key file, bootstrap peers joined by commas", () => {
  assert.equal(startArgs(sequencer), [
    "start",
    ...["--genesis", "/d/genesis.json"],
    ...["--key", "/d/node1/key.json"],
    ...["--data-dir", "/d/node1"],
    ...["--listen", "/ip4/127.0.0.1/tcp/9001"],
    ...["--bootstrap", "/ip4/127.0.0.1/tcp/9002/p2p/B,/ip4/127.0.0.1/tcp/9003/p2p/C"],
    ...["--api-host", "127.0.0.1", "--api-port", "7001"],
    ...["--metrics-host", "127.0.0.1", "--metrics-port", "8001"],
    ...["--log-level", "info"],
  ]);
});

build("a full node: --key none, no --bootstrap when it has no peers, no metrics listener unless asked", () => {
  const m = pairs(startArgs(fullNode));
  assert.is(m.get("--key"), "none");
  assert.not.ok(m.has("--bootstrap"));
  assert.equal(Object.fromEntries(m), {
    "--genesis": "/d/genesis.json",
    "--key": "none",
    "--data-dir": "/d/node2",
    "--listen": "/ip4/0.0.0.0/tcp/9002",
    "--api-host": "0.0.0.0",
    "--api-port": "7002",
    "--log-level": "debug",
  });
});

build("every flag it emits is a `baton start` flag that takes a value; every required one is there", () => {
  const r = spawnSync(process.execPath, [BATON_BIN, "start", "--help"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
  const help = `${r.stdout}${r.stderr}`;
  assert.is(r.status, 0, `baton start --help exited ${r.status ?? r.signal}: ${help}`);
  // "  --api-port <port>   HTTP API ... (required)": name, whether it takes a value, whether required
  const known = new Map<string, { value: boolean; required: boolean }>();
  for (const m of help.matchAll(/^\s+(--[a-z-]+)( <[^>]+>)?(.*)$/gm)) known.set(m[1], { value: m[2] !== undefined, required: m[3].includes("(required)") });
  assert.ok(known.has("--genesis") && known.has("--api-port"), `no flags found in:\n${help}`);
  for (const spec of [sequencer, fullNode]) {
    const emitted = pairs(startArgs(spec));
    for (const flag of emitted.keys()) {
      assert.ok(known.has(flag), `${flag} is not a flag of baton start:\n${help}`);
      assert.ok(known.get(flag)?.value, `${flag} takes no value in baton start`);
    }
    for (const [flag, f] of known) if (f.required) assert.ok(emitted.has(flag), `required ${flag} not emitted`);
  }
});

build.run();

const create = suite("devnet: createDevnet");
let dir = "";
create.before(async () => {
  dir = await mkdtemp(join(tmpdir(), "baton-create-"));
});
create.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

create("generateDevnet over defaultDevnetParams, written to the directory; an undefined field keeps its default", async () => {
  const p = { nodes: 2, slotMs: 500, slotsPerEpoch: 16, missesToEject: 3, genesisTime: 1_700_000_000_000, seed: new Uint8Array(32).fill(9) };
  const gen = await createDevnet(dir, { ...p, loadAccounts: 3, chainId: undefined }, { baseApiPort: 7000, baseP2pPort: 9000 });
  const expected = await generateDevnet({ ...defaultDevnetParams, ...p, loadAccounts: 3 });
  assert.equal(genesisToJson(gen.genesis), genesisToJson(expected.genesis));
  assert.is(gen.genesis.config.chainId, defaultDevnetParams.chainId);
  assert.equal((await readdir(dir)).sort(), ["devnet.json", "genesis.json", "node1", "node2"]);
  const back = await readDevnet(dir);
  assert.equal(back?.manifest, gen.manifest);
  assert.is(back?.loadAccounts.length, 3);
});

create.run();
