/**
 * Every tx kind a user sends, from the CLI (`baton tx <kind> --wait`, run as a child process),
 * on real devnets, each checked through the API:
 *
 * - dpos (4 nodes, governance 2 of 3): a fresh keystore's `tx send` is refused before anything
 *   is sent; `tx transfer` funds it; it sends, stakes, its node (a 5th, not in genesis) leads a
 *   slot; `tx delegate` / `tx undelegate` move the schedule; `tx commission`; `tx unstake`;
 *   `tx rejoin` of a stopped, ejected sequencer; `tx evict` with governance signers; `tx exit`.
 * - auction (2 nodes): `tx bid` keeps the salt next to the key, `tx reveal` reads it; the
 *   bidder wins the epoch after next and gets its deposit back.
 * - poa (2 nodes): `tx admit` of a new authority with governance signers.
 * Ports: API 17800-17849, p2p 19800-19849 (metrics: API + 1000).
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { generateKeys, saveDevnetKeyFile, type KeyFile } from "@baton/client";
import { toHex, type MechanismName } from "@baton/core";
import { readDevnet, startDevnet, type Devnet } from "@baton/devnet";
import { getJson, reportSetupErrors, waitFor, type SequencerInfo, type Status } from "./helpers.js";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const DIST_CLI = join(ROOT, "packages/cli/dist/bin.js");
/** the compiled `baton` when built (what the devnet's nodes run), else the sources */
const NODE_ARGS = existsSync(DIST_CLI)
  ? [DIST_CLI]
  : ["--import", import.meta.resolve("tsx"), "--import", import.meta.resolve("@baton/node/polyfill"), join(ROOT, "packages/cli/src/bin.ts")];
const SLOT_MS = 400;
const PASSWORD_ENV = { BATON_KEYSTORE_PASSWORD: "a long test password for txs" };
const log = (tag: string) => (msg: string) => console.log(`    [${tag}] ${msg}`);

let dir = "";
const governance: KeyFile[] = [generateKeys(), generateKeys(), generateKeys()];
const governanceFiles: string[] = [];

/** Runs `baton <args>` to completion in `dir`. */
function baton(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [...NODE_ARGS, ...args], { cwd: dir, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (err += d));
    child.on("close", (code) => done({ code: code ?? 1, out, err }));
  });
}

/** `baton tx <args> --api <api> --wait`, which must succeed; its stdout. */
async function tx(api: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await baton(["tx", ...args, "--api", api, "--wait"], env);
  console.log(`    $ baton tx ${args.join(" ")} --api ${api} --wait\n${`${r.out}${r.err}`.trimEnd().replace(/^/gm, "      ")}`);
  assert.is(r.code, 0, `baton tx ${args.join(" ")}: ${r.err}`);
  assert.match(r.out, /^0x[0-9a-f]{64}\nincluded at slot \d+ \(epoch \d+\)/);
  return r.out;
}

interface Net {
  devnet: Devnet;
  api: (i: number) => string;
  key: (i: number) => string;
  status: (i?: number) => Promise<Status & { slotsPerEpoch: number }>;
  sequencers: (i?: number) => Promise<(SequencerInfo & { account: string; unbonding: { amount: string }[] })[]>;
  balance: (pubkey: string, i?: number) => Promise<bigint>;
  leaders: (epoch: number) => Promise<number[]>;
}

async function up(mechanism: MechanismName, nodes: number, base: number, slotsPerEpoch: number, mechanismParams?: unknown): Promise<Net> {
  const devnet = await startDevnet({
    nodes,
    dir: join(dir, mechanism),
    fresh: true,
    slotMs: SLOT_MS,
    slotsPerEpoch,
    missesToEject: 3,
    baseApiPort: 17800 + base,
    baseP2pPort: 19800 + base,
    genesisDelayMs: 3_000,
    loadAccounts: 2,
    mechanism,
    mechanismParams,
    governance: { threshold: 2, keys: governance.map((k) => k.ed25519.publicKey) },
    log: log(mechanism),
  });
  await devnet.waitReady(30_000);
  const api = (i: number) => devnet.nodes[i].apiUrl;
  const net: Net = {
    devnet,
    api,
    key: (i) => devnet.nodes[i].keyFile,
    status: (i = 0) => getJson(`${api(i)}/status`),
    sequencers: (i = 0) => getJson(`${api(i)}/sequencers`),
    balance: async (pubkey, i = 0) => BigInt((await getJson<{ balance: string }>(`${api(i)}/accounts/${pubkey}`)).balance),
    leaders: async (epoch) => (await getJson<{ slots: { leader: number }[] }>(`${api(0)}/schedule?epoch=${epoch}`)).slots.map((s) => s.leader),
  };
  await waitFor(`${mechanism}: batches on every node`, 30_000, async () => (await Promise.all(devnet.nodes.map((_, i) => net.status(i)))).every((s) => s.head.height >= 2));
  return net;
}

const accountOf = (out: string): string => /account \(ed25519\) public key: (0x[0-9a-f]{64})/.exec(out)![1];
const countOf = (xs: number[], x: number) => xs.filter((y) => y === x).length;

const setup = suite("tx: setup");
setup("governance key files", async () => {
  dir = mkdtempSync(join(tmpdir(), "baton-txs-"));
  for (const [i, keys] of governance.entries()) {
    governanceFiles.push(join(dir, `gov${i}.json`));
    await saveDevnetKeyFile(governanceFiles[i], keys);
  }
});
setup.run();

// ---------------------------------------------------------------- dpos

const dpos = suite("tx: dpos devnet");
let net: Net;
let node5: ChildProcess | null = null;
let fresh = ""; // the new operator's account
const API5 = "http://127.0.0.1:17810";

dpos.before(reportSetupErrors(async () => {
  net = await up("dpos", 4, 0, 8);
}));

dpos.after(async () => {
  if (node5 && node5.exitCode === null) {
    const exited = new Promise((done) => node5!.once("exit", done));
    node5.kill("SIGTERM");
    const timer = setTimeout(() => node5?.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }
  await net?.devnet.stop();
});

dpos("a fresh key's tx send is refused before sending; tx transfer funds it; it sends", async () => {
  const made = await baton(["keys", "new", "--out", "fresh.json", "--kdf", "pbkdf2"], PASSWORD_ENV);
  assert.is(made.code, 0, made.err);
  fresh = accountOf(made.out);
  const refused = await baton(["tx", "send", "--key", "fresh.json", "--text", "hello", "--api", net.api(0), "--wait"], PASSWORD_ENV);
  console.log(`    $ baton tx send --key fresh.json --text hello --wait\n      ${refused.err.trim()}`);
  assert.is(refused.code, 2);
  assert.is(refused.err.trim(), `baton: account ${fresh} has no funds on this chain: fund it with \`baton tx transfer\` from a funded account`);
  assert.is(refused.out, "", "no tx hash: nothing was sent");
  assert.is((await getJson<{ size: number }>(`${net.api(0)}/mempool`)).size, 0);

  const out = await tx(net.api(0), ["transfer", "--key", net.key(0), "--to", fresh, "--amount", "300000"]);
  assert.match(out, `account ${fresh} holds 300000`);
  await waitFor("every node to hold the new account", 10_000, async () => (await Promise.all([0, 1, 2, 3].map((i) => net.balance(fresh, i)))).every((b) => b === 300_000n));
  const sent = await tx(net.api(1), ["send", "--key", "fresh.json", "--text", "hello from a new operator"], PASSWORD_ENV);
  assert.match(sent, /account balance 299999/);
});

dpos("the funded operator stakes with tx stake, and its node (not in genesis) leads a slot", async () => {
  const addrs = net.devnet.nodes.map((n) => n.p2pAddr).join(",");
  const fd = openSync(join(dir, "node5.log"), "a");
  node5 = spawn(
    process.execPath,
    [...NODE_ARGS, "start", "--genesis", net.devnet.genesisFile, "--key", "fresh.json", "--data-dir", join(dir, "node5"), "--listen", "/ip4/127.0.0.1/tcp/19810", "--bootstrap", addrs, "--api-port", "17810", "--log-level", "warn"],
    { cwd: dir, env: { ...process.env, ...PASSWORD_ENV }, stdio: ["ignore", fd, fd] },
  );
  closeSync(fd);
  const out = await tx(net.api(0), ["stake", "--key", "fresh.json", "--amount", "100000"], PASSWORD_ENV);
  const m = /sequencer #(\d+) stake 100000: leads from epoch (\d+)/.exec(out);
  assert.ok(m, out);
  assert.is(Number(m![1]), 4);
  assert.is((await net.sequencers())[4].account, fresh);
  const produced = await waitFor("the new operator to produce a batch every node sees", 60_000, async () => {
    const views = await Promise.all([0, 1, 2, 3].map((i) => net.sequencers(i)));
    return views.every((v) => (v[4]?.produced ?? 0) >= 1) ? views[0][4].produced : undefined;
  });
  assert.is((await getJson<{ node: { sequencerIndex: number | null } }>(`${API5}/status`)).node.sequencerIndex, 4);
  log("dpos")(`the new operator (sequencer #4, leads from epoch ${m![2]}) produced ${produced}`);
});

dpos("tx delegate and tx undelegate move sequencer #0's share of the schedule; tx commission", async () => {
  const loadAccount = (await readDevnet(net.devnet.dir))!.loadAccounts[0];
  const delegatorFile = join(dir, "delegator.json");
  await saveDevnetKeyFile(delegatorFile, { bls: generateKeys().bls, ed25519: loadAccount });
  const delegator = toHex(loadAccount.publicKey);
  const before = await net.balance(delegator);
  const delegated = await tx(net.api(0), ["delegate", "--key", delegatorFile, "--sequencer", "0", "--amount", "400000", "--genesis", net.devnet.genesisFile]);
  const from = Number(/weighed in the committee of epoch (\d+)/.exec(delegated)![1]);
  const after = await net.balance(delegator);
  assert.ok(after <= before - 400_001n && after >= before - 400_001n - 20n, `balance ${before} → ${after}: the delegation (and fee) left it`);
  const shares = await waitFor(`the schedule of epoch ${from}`, 20_000, () => net.leaders(from));
  assert.ok(countOf(shares, 0) >= 4, `with 400k delegated, #0 (100k own) leads ${countOf(shares, 0)} of 8 slots in epoch ${from}`);
  log("dpos")(`delegated: #0 leads ${countOf(shares, 0)} of 8 slots in epoch ${from}`);

  const undelegated = await tx(net.api(2), ["undelegate", "--key", delegatorFile, "--sequencer", "0", "--amount", "400000"]);
  const slot = Number(/included at slot (\d+)/.exec(undelegated)![1]);
  const back = Math.floor(slot / 8) + 2;
  const later = await waitFor(`the schedule of epoch ${back}`, 20_000, () => net.leaders(back));
  assert.ok(countOf(later, 0) <= 3, `undelegated: #0 leads ${countOf(later, 0)} of 8 slots in epoch ${back}`);
  log("dpos")(`undelegated: #0 leads ${countOf(later, 0)} of 8 slots in epoch ${back}`);
  assert.ok((await net.balance(delegator)) < before - 300_000n, "undelegated stake is not paid back at once (it unbonds)");

  const commission = await tx(net.api(0), ["commission", "--key", net.key(0), "--commission-bps", "2500", "--genesis", net.devnet.genesisFile]);
  assert.match(commission, /commission 2500 bps, from the rewards paid at the end of epoch \d+/);
  const hash = commission.split("\n")[0];
  assert.ok(["included", "confirmed"].includes((await getJson<{ status: string }>(`${net.api(3)}/txs/${hash}`)).status));
});

dpos("tx unstake: the stake leaves at once and unbonds", async () => {
  await tx(net.api(0), ["unstake", "--key", net.key(1), "--amount", "1000"]);
  const seq = (await net.sequencers())[1];
  assert.is(seq.stake, "99000");
  assert.equal(seq.unbonding.map((u) => u.amount), ["1000"]);
});

dpos("tx rejoin brings a stopped, ejected sequencer back; tx evict (2 governance signers) exits it for good", async () => {
  await net.devnet.nodes[3].stop();
  await waitFor("sequencer #3 to be ejected", 40_000, async () => (await net.sequencers())[3].status === "ejected");
  const out = await tx(net.api(0), ["rejoin", "--key", net.key(3)]);
  assert.match(out, /active again from epoch \d+/);
  await waitFor("sequencer #3 to be active again", 20_000, async () => (await net.sequencers())[3].status === "active", 100);
  net.devnet.nodes[3].start();

  const signers = `${governanceFiles[2]},${governanceFiles[0]}`;
  const evicted = await tx(net.api(1), ["evict", "--key", net.key(1), "--sequencer", "3", "--penalty-bps", "1000", "--genesis", net.devnet.genesisFile, "--signer", signers, "--governance-nonce", "0"]);
  assert.match(evicted, /sequencer #3 evicted: exited, stake \d+; the next governance nonce is 1/);
  for (const i of [0, 1, 2]) {
    await waitFor(`node${i + 1} to see #3 evicted`, 10_000, async () => {
      const seq = (await net.sequencers(i))[3];
      return seq.status === "exited" && BigInt(seq.stake) <= 90_000n;
    });
  }
});

dpos("tx exit: the new operator leaves the rotation", async () => {
  const out = await tx(net.api(0), ["exit", "--key", "fresh.json"], PASSWORD_ENV);
  assert.match(out, /sequencer #4 exited; its remaining slots go to the fallbacks at once/);
  assert.is((await net.sequencers(2))[4].status, "exited");
});

dpos.run();

// ---------------------------------------------------------------- auction

const auction = suite("tx: auction devnet");
let anet: Net;
auction.before(reportSetupErrors(async () => {
  anet = await up("auction", 2, 20, 16);
}));
auction.after(async () => {
  await anet?.devnet.stop();
});

auction("tx bid keeps the salt next to the key; tx reveal reads it; the bidder wins the epoch after next and its deposit comes back", async () => {
  const genesis = anet.devnet.genesisFile;
  const bidder = toHex((await readDevnet(anet.devnet.dir))!.genesis.accounts[0].pubkey);
  // the start of an epoch's commit phase (revealOffset 8 of 16 slots)
  const epoch = await waitFor("a commit phase's first slots", 20_000, async () => {
    const s = await anet.status();
    return s.slot % 16 <= 1 ? s.epoch : undefined;
  }, 50);
  const before = await anet.balance(bidder);
  const bid = await tx(anet.api(0), ["bid", "--key", anet.key(0), "--amount", "500", "--deposit", "5000", "--genesis", genesis]);
  const target = Number(/bid for epoch (\d+) sealed, deposit 5000 escrowed/.exec(bid)![1]);
  assert.is(target, epoch + 2);
  const file = `${anet.key(0)}.bid-${target}.json`;
  assert.is(statSync(file).mode & 0o777, 0o600);
  assert.ok((await anet.balance(bidder)) <= before - 5000n + 5n, "the deposit is escrowed");

  await waitFor("the reveal phase", 20_000, async () => (await anet.status()).slot >= epoch * 16 + 7, 50);
  const reveal = await tx(anet.api(1), ["reveal", "--key", anet.key(0), "--genesis", genesis]);
  assert.match(reveal, `bid for epoch ${target} revealed`);

  const leaders = await waitFor(`the schedule of epoch ${target}`, 20_000, () => anet.leaders(target));
  assert.equal([...new Set(leaders)], [0], `the only bidder leads every slot of epoch ${target}`);
  const settled = await anet.balance(bidder);
  assert.ok(settled >= before - 10n, `balance ${before} → ${settled}: the deposit came back (price 0: nobody lost, reserve 0)`);
  log("auction")(`bid in epoch ${epoch} for ${target}: balance ${before} → ${settled}; epoch ${target} led by #0 alone`);
});

auction.run();

// ---------------------------------------------------------------- poa

const poa = suite("tx: poa devnet");
let pnet: Net;
poa.before(reportSetupErrors(async () => {
  pnet = await up("poa", 2, 40, 8);
}));
poa.after(async () => {
  await pnet?.devnet.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

poa("tx admit: governance (2 signers) admits a new authority", async () => {
  const authority = generateKeys();
  const file = join(dir, "authority.json");
  await saveDevnetKeyFile(file, authority);
  const signers = `${governanceFiles[0]},${governanceFiles[1]}`;
  const out = await tx(pnet.api(0), ["admit", "--key", pnet.key(1), "--new-key", file, "--genesis", pnet.devnet.genesisFile, "--signer", signers, "--governance-nonce", "0"]);
  assert.match(out, /authority admitted as sequencer #2 \(stake 0\); the next governance nonce is 1/);
  const seq = (await pnet.sequencers(1))[2];
  assert.is(seq.pubkey, toHex(authority.bls.publicKey));
  assert.is(seq.account, toHex(authority.ed25519.publicKey));
});

poa.run();
