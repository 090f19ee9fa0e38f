import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createChainConfig, type Genesis } from "@baton/core";
import { parseFlags, UsageError } from "../../src/args.js";
import { devnetCommand, devnetOptionsFromFlags } from "../../src/commands/devnet.js";
import { nodeOptionsFromFlags, startCommand } from "../../src/commands/start.js";
import { formatStatus } from "../../src/commands/status.js";

const genesis: Genesis = { config: createChainConfig({ genesisTime: 0 }), sequencers: [], accounts: [] };
const PEER = "/ip4/127.0.0.1/tcp/9002/p2p/12D3KooWL4VQiy8adqNeBypatPwRsyGbT9wGeY3mtHaUzMiEaWEz";
const startFlags = (...argv: string[]) => parseFlags(startCommand.spec, ["--genesis", "g.json", "--key", "none", "--data-dir", "/tmp/d", ...argv]).values;

const start = suite("start/devnet: flags to options");

start("start: defaults", () => {
  const o = nodeOptionsFromFlags(startFlags(), genesis, null);
  assert.is(o.dataDir, "/tmp/d");
  assert.is(o.sequencerKey, null);
  assert.equal(o.p2p, { listenAddrs: ["/ip4/127.0.0.1/tcp/9001"], bootstrap: [] });
  assert.equal(o.api, { host: "127.0.0.1", port: 7001, enabled: true });
  assert.is(o.logLevel, "info");
});

start("start: every flag", () => {
  const o = nodeOptionsFromFlags(
    startFlags("--listen", "/ip4/0.0.0.0/tcp/9100", "--bootstrap", `${PEER},${PEER}`, "--api-port", "0", "--api-host", "0.0.0.0", "--log-level", "debug", "--mempool-size", "10"),
    genesis,
    null,
  );
  assert.equal(o.p2p.bootstrap, [PEER, PEER]);
  assert.equal(o.api, { host: "0.0.0.0", port: 0, enabled: true });
  assert.is(o.mempool.maxSize, 10);
  assert.is(o.logLevel, "debug");
});

const startBad: [string[], RegExp][] = [
  [["--api-port", "70000"], /^--api-port: expected an integer in \[0, 65535\]/],
  [["--bootstrap", "/ip4/127.0.0.1/tcp/9002"], /^--bootstrap: expected a multiaddr like \/ip4\/<host>\/tcp\/<port>\/p2p\/<peerId>/],
  [["--listen", "localhost:9001"], /^--listen: expected a multiaddr/],
  [["--log-level", "verbose"], /^--log-level: expected one of/],
];
for (const [argv, re] of startBad) {
  start(`start rejects ${argv.join(" ")}`, () => {
    assert.throws(() => nodeOptionsFromFlags(startFlags(...argv), genesis, null), (e: Error) => e instanceof UsageError && re.test(e.message));
  });
}

start("devnet: defaults match the issue", () => {
  const o = devnetOptionsFromFlags(parseFlags(devnetCommand.spec, []).values);
  assert.equal(o, {
    nodes: 4,
    slotMs: 500,
    slotsPerEpoch: 16,
    missesToEject: 3,
    load: 0,
    dir: "./.devnet",
    fresh: false,
    baseApiPort: 7000,
    baseP2pPort: 9000,
    logLevel: "info",
  });
});

start("devnet: flags", () => {
  const o = devnetOptionsFromFlags(parseFlags(devnetCommand.spec, ["--nodes", "3", "--load", "200", "--fresh", "--dir", "/tmp/x", "--base-api-port", "17000"]).values);
  assert.equal([o.nodes, o.load, o.fresh, o.dir, o.baseApiPort], [3, 200, true, "/tmp/x", 17000]);
  assert.throws(() => devnetOptionsFromFlags(parseFlags(devnetCommand.spec, ["--base-api-port", "65534"]).values), /--base-api-port: expected an integer in \[1, 65531\]/);
});
start.run();

/** the /sequencers fields the summary does not read */
const SEQ_REST = { account: "0x" + "00".repeat(32), windowMisses: 0, slashed: false, unbonding: [] };
const status = suite("status: summary");
status("formats status and sequencers", () => {
  const lines = formatStatus(
    {
      chainId: 31337,
      slot: 120,
      epoch: 7,
      head: { height: 100, slot: 119, root: "0x" + "ab".repeat(32) },
      confirmed: { height: 97, slot: 116, root: "0x" + "cd".repeat(32) },
      peers: 3,
      syncing: false,
    },
    [
      { index: 0, pubkey: "0x" + "11".repeat(48), stake: "100000", status: "active", produced: 30, misses: 1, consecutiveMisses: 0, ...SEQ_REST },
      { index: 1, pubkey: "0x" + "22".repeat(48), stake: "99000", status: "ejected", produced: 10, misses: 9, consecutiveMisses: 9, ...SEQ_REST },
    ],
  );
  assert.is(lines[0], "chain 31337  slot 120  epoch 7  peers 3");
  assert.match(lines[1], /^head {7}height 100 {2}slot 119 {2}root 0xabababab…abab$/);
  assert.match(lines[2], /^confirmed {2}height 97/);
  assert.match(lines[5], /#1 .*ejected .*stake +99000 +produced +10 +missed +9 \(9 in a row\)/);
});
status.run();
