import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { keysFromSeeds, loadKeyFile } from "@baton/client";
import { bytesEqual, genesisToJson, parseGenesis } from "@baton/core";
import { parseFlags, UsageError } from "../../src/args.js";
import type { Io } from "../../src/command.js";
import { buildGenesis, genesisCommand, genesisParamsFromFlags } from "../../src/commands/genesis.js";
import { parseGenesisText } from "../../src/genesisFile.js";
import { main } from "../../src/main.js";

const NOW = 1_700_000_000_000;
const flags = (...argv: string[]) => parseFlags(genesisCommand.spec, ["--out-dir", "x", ...argv]).values;
const keys = (n: number, salt: number) => Array.from({ length: n }, (_, i) => keysFromSeeds(new Uint8Array(32).fill(salt + i), new Uint8Array(32).fill(100 + salt + i)));

const gen = suite("genesis: generation");

gen("defaults give a devnet-like genesis that parseGenesis accepts", () => {
  const p = genesisParamsFromFlags(flags("--sequencers", "4"), NOW);
  const seq = keys(4, 1);
  const acc = keys(2, 50).map((k) => k.ed25519);
  const g = buildGenesis(p, seq, acc);
  const parsed = parseGenesis(JSON.parse(JSON.stringify(genesisToJson(g))));
  assert.is(parsed.config.genesisTime, NOW + 10_000);
  assert.is(parsed.config.slotMs, 500);
  assert.is(parsed.config.slotsPerEpoch, 16);
  assert.is(parsed.config.missesToEject, 3);
  assert.is(parsed.config.chainId, 31337);
  assert.is(parsed.config.mechanism, "pos");
  assert.is(parsed.sequencers.length, 4);
  assert.ok(parsed.sequencers.every((s, i) => s.stake === 100_000n && bytesEqual(s.pubkey, seq[i].bls.publicKey) && bytesEqual(s.account, seq[i].ed25519.publicKey)));
  // sequencer accounts are funded, then the extra accounts
  assert.is(parsed.accounts.length, 6);
  assert.ok(bytesEqual(parsed.accounts[4].pubkey, acc[0].publicKey));
  assert.ok(parsed.accounts.every((a) => a.balance === 1_000_000_000_000n));
});

gen("flags reach the config", () => {
  const p = genesisParamsFromFlags(
    flags("--sequencers", "2", "--slot-ms", "250", "--slots-per-epoch", "8", "--misses-to-eject", "5", "--committee-size", "1", "--mechanism", "poa", "--stake", "5000", "--chain-id", "7", "--genesis-time", "+5s"),
    NOW,
  );
  const g = buildGenesis(p, keys(2, 1), []);
  assert.equal(
    [g.config.slotMs, g.config.slotsPerEpoch, g.config.missesToEject, g.config.committeeSize, g.config.mechanism, g.config.chainId, g.config.genesisTime],
    [250, 8, 5, 1, "poa", 7, NOW + 5_000],
  );
  assert.is(g.sequencers[1].stake, 5000n);
});

const badFlags: [string[], RegExp][] = [
  [["--sequencers", "0"], /^--sequencers: expected an integer in \[1, 1024\]/],
  [["--sequencers", "2", "--mechanism", "pow"], /^--mechanism: expected one of pos, poa, auction, dpos, performance, got "pow"$/],
  [["--sequencers", "2", "--stake", "1e5"], /^--stake: expected an integer amount/],
  [["--sequencers", "2", "--genesis-time", "soon"], /^--genesis-time: expected unix time in ms/],
];
for (const [argv, re] of badFlags) {
  gen(`rejects ${argv.slice(2).join(" ") || argv.join(" ")}`, () => {
    assert.throws(() => genesisParamsFromFlags(flags(...argv), NOW), (e: Error) => e instanceof UsageError && re.test(e.message));
  });
}

gen("a stake below minStake names the problem", () => {
  const p = genesisParamsFromFlags(flags("--sequencers", "1", "--stake", "10"), NOW);
  assert.throws(() => buildGenesis(p, keys(1, 1), []), /genesis would be invalid: invalid sequencers\[0\]\.stake: expected at least minStake/);
});

gen("a bad genesis file names the file and the field", () => {
  assert.throws(() => parseGenesisText("{", "g.json"), /^genesis file g\.json: not valid JSON/);
  assert.throws(() => parseGenesisText('{"genesisTime": 1, "slotMs": "fast"}', "g.json"), /^genesis file g\.json: invalid slotMs: expected an integer/);
});
gen.run();

const cmd = suite("genesis: command writes files");
let dir = "";
cmd.before(async () => {
  dir = await mkdtemp(join(tmpdir(), "baton-genesis-"));
});
cmd.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

cmd("writes keys and a genesis that parses; refuses a used directory", async () => {
  const out: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => out.push(l), now: () => NOW };
  assert.is(await main(["genesis", "--sequencers", "3", "--accounts", "2", "--out-dir", dir, "--genesis-time", "+1s"], io), 0);
  assert.equal((await readdir(dir)).sort(), ["account-1.json", "account-2.json", "genesis.json", "seq-1.json", "seq-2.json", "seq-3.json"]);
  const g = parseGenesis(JSON.parse(await readFile(join(dir, "genesis.json"), "utf8")));
  assert.is(g.config.genesisTime, NOW + 1_000);
  const seq2 = await loadKeyFile(join(dir, "seq-2.json"));
  assert.ok(bytesEqual(g.sequencers[1].pubkey, seq2.bls.publicKey));
  const acc1 = await loadKeyFile(join(dir, "account-1.json"));
  assert.ok(g.accounts.some((a) => bytesEqual(a.pubkey, acc1.ed25519.publicKey)));

  const err: string[] = [];
  const io2: Io = { out: () => {}, err: (l) => err.push(l), now: () => NOW };
  assert.is(await main(["genesis", "--sequencers", "3", "--out-dir", dir], io2), 2);
  assert.match(err[0], /genesis\.json already exists/);
});
cmd.run();
