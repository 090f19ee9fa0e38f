/**
 * An operator joins a running network (issue 5): a 4-node devnet runs; a 5th node that is not
 * in genesis gets an encrypted keystore (`baton keys import --devnet`: a funded account and a
 * fresh sequencer key), starts from nothing with `baton start` (a TOML config file plus the
 * password file from the environment), syncs, stakes with `baton tx stake --wait`, and is then
 * seen leading slots by every node from the epoch the command printed. A second node with the
 * same key is refused; the slashing-protection record survives a restart and a moved data dir;
 * `baton tx exit` takes it out of the rotation while batches keep coming.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { fromHex } from "@baton/core";
import { startDevnet, type Devnet } from "@baton/devnet";
import { BatonDb } from "@baton/node";
import { getJson, waitFor, type SequencerInfo, type Status, reportSetupErrors } from "./helpers.js";

const test = suite("join and stake");
const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
/** the compiled `baton` (the test command builds first): what an operator runs */
const CLI = join(ROOT, "packages/cli/dist/bin.js");
const NODE_ARGS = [CLI];
const SLOT_MS = 500;
const SLOTS_PER_EPOCH = 8;
const API5 = "http://127.0.0.1:17605";
const P2P5 = 19605;
const NEW_INDEX = 4; // the 5th sequencer, appended by the stake tx
const log = (msg: string) => console.log(`    [join] ${msg}`);

let dir = "";
let op = "";
let devnet: Devnet;
let node5: ChildProcess | null = null;
let node5Log = "";
let pubkey = "";
const apis = () => [...devnet.nodes.map((n) => n.apiUrl), API5];
const status = (api: string) => getJson<Status & { sync: Record<string, unknown>; node: { sequencerIndex: number | null } }>(`${api}/status`);
const sequencers = (api: string) => getJson<SequencerInfo[]>(`${api}/sequencers`);

/** Runs `baton <args>` to completion. */
function baton(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [...NODE_ARGS, ...args], { cwd: op || ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (err += d));
    child.on("close", (code) => done({ code: code ?? 1, out, err }));
  });
}

/** Starts `baton start <args>` in the background, output to node5.log. */
function startNode5(args: string[], env: Record<string, string>): ChildProcess {
  const fd = openSync(node5Log, "a");
  try {
    return spawn(process.execPath, [...NODE_ARGS, "start", ...args], { cwd: op, env: { ...process.env, ...env }, stdio: ["ignore", fd, fd] });
  } finally {
    closeSync(fd);
  }
}

async function stopNode5(): Promise<void> {
  const child = node5;
  node5 = null;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

const passwordEnv = () => ({ BATON_KEYSTORE_PASSWORD_FILE: join(op, "password.txt") });

function writeConfig(dataDir: string): string {
  const bootstrap = devnet.nodes.map((n) => JSON.stringify(n.p2pAddr)).join(", ");
  const file = join(op, "baton.toml");
  writeFileSync(
    file,
    [
      "# the 5th node: not in genesis",
      `genesis = ${JSON.stringify(devnet.genesisFile)}`,
      'key = "keystore.json"',
      `dataDir = ${JSON.stringify(dataDir)}`,
      `listen = ["/ip4/127.0.0.1/tcp/${P2P5}"]`,
      `bootstrap = [${bootstrap}]`,
      "apiPort = 17605",
      "",
    ].join("\n"),
  );
  return file;
}

test.before(reportSetupErrors(async () => {
  dir = mkdtempSync(join(tmpdir(), "baton-join-"));
  op = join(dir, "operator");
  mkdirSync(op);
  node5Log = join(op, "node5.log");
  writeFileSync(join(op, "password.txt"), "a long test password\n", { mode: 0o600 });
  devnet = await startDevnet({
    nodes: 4,
    dir: join(dir, "devnet"),
    fresh: true,
    slotMs: SLOT_MS,
    slotsPerEpoch: SLOTS_PER_EPOCH,
    missesToEject: 3,
    baseApiPort: 17600,
    baseP2pPort: 19600,
    genesisDelayMs: 4_000,
    loadAccounts: 4,
    log,
  });
  await devnet.waitReady(30_000);
}));

test.after(async () => {
  await stopNode5();
  await devnet?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("keys import --devnet writes an encrypted keystore for a funded account; a wrong password is refused", async () => {
  const r = await baton(["keys", "import", "--devnet", devnet.dir, "--devnet-account", "4", "--out", "keystore.json"], passwordEnv());
  assert.is(r.code, 0, r.err);
  pubkey = /sequencer \(BLS\) public key: (0x[0-9a-f]{96})/.exec(r.out)![1];
  const ks = JSON.parse(readFileSync(join(op, "keystore.json"), "utf8"));
  assert.is(ks.format, "baton-keystore");
  assert.is(ks.crypto.cipher.function, "aes-256-gcm");
  assert.not.match(JSON.stringify(ks), /secretKey|seed/);
  const wrong = await baton(["tx", "stake", "--api", devnet.nodes[0].apiUrl, "--key", "keystore.json", "--amount", "1000"], { BATON_KEYSTORE_PASSWORD: "not the password" });
  assert.is(wrong.code, 2);
  assert.match(wrong.err, /keystore .*keystore\.json: wrong password/);
});

test("a 5th node, not in genesis, starts from nothing with a config file and syncs the chain", async () => {
  await waitFor("the devnet to reach height 16", 30_000, async () => (await status(devnet.nodes[0].apiUrl)).head.height >= 16);
  writeConfig("data");
  node5 = startNode5(["--config", "baton.toml"], passwordEnv());
  const synced = await waitFor("node5 to catch up with node1", 40_000, async () => {
    const [a, b] = await Promise.all([status(devnet.nodes[0].apiUrl), status(API5)]);
    return !b.syncing && b.peers >= 1 && Math.abs(a.head.height - b.head.height) <= 1 ? b : undefined;
  });
  log(`node5 synced to height ${synced.head.height}, ${synced.peers} peers`);
  assert.is(synced.node.sequencerIndex, null, "not a sequencer yet");
  assert.ok("etaSeconds" in synced.sync && "headHeight" in synced.sync, "sync progress in /status");
  const out = readFileSync(node5Log, "utf8");
  assert.match(out, /is not a sequencer at height \d+; it leads once a stake tx makes it one/);
  assert.match(out, /api: http:\/\/127\.0\.0\.1:17605/);
  // it follows gossip: the heads agree a few slots later
  const h = synced.head.height;
  await waitFor("node5 to follow new batches", 15_000, async () => {
    const [a, b] = await Promise.all([status(devnet.nodes[0].apiUrl), status(API5)]);
    return b.head.height >= h + 3 && a.head.root === b.head.root;
  });
});

test("tx stake --wait prints the epoch it leads from; from then on every node sees it lead slots", async () => {
  const r = await baton(["tx", "stake", "--api", API5, "--key", "keystore.json", "--amount", "100000", "--wait"], passwordEnv());
  assert.is(r.code, 0, r.err);
  const m = /included at slot (\d+) \(epoch (\d+)\); sequencer #(\d+) stake 100000: leads from epoch (\d+) \(slot (\d+)\)/.exec(r.out);
  assert.ok(m, `stake output: ${r.out} ${r.err}`);
  const [inclusionEpoch, index, fromEpoch, fromSlot] = [Number(m![2]), Number(m![3]), Number(m![4]), Number(m![5])];
  assert.is(index, NEW_INDEX);
  assert.is(fromEpoch, inclusionEpoch + 2);
  assert.is(fromSlot, fromEpoch * SLOTS_PER_EPOCH);
  log(`staked in epoch ${inclusionEpoch}; leads from epoch ${fromEpoch} (slot ${fromSlot})`);

  // every node lists it at once
  for (const api of apis()) {
    await waitFor(`${api} to list sequencer #${NEW_INDEX}`, 10_000, async () => (await sequencers(api))[NEW_INDEX]?.pubkey === pubkey);
  }
  // it is in the schedule of epoch fromEpoch (known to the head state once the epoch before starts)
  const sched = await waitFor(`the schedule of epoch ${fromEpoch}`, 30_000, () =>
    getJson<{ slots: { slot: number; leader: number }[] }>(`${devnet.nodes[1].apiUrl}/schedule?epoch=${fromEpoch}`),
  );
  const mine = sched.slots.filter((s) => s.leader === NEW_INDEX).map((s) => s.slot);
  assert.ok(mine.length >= 1, `scheduled in epoch ${fromEpoch}: ${mine.join(", ")}`);
  assert.ok(mine.every((s) => s >= fromSlot));

  // and every node sees batches it led, at its scheduled slots, on one head chain
  const produced = await waitFor("every node to see node5 produce", 40_000, async () => {
    const views = await Promise.all(apis().map(sequencers));
    return views.every((v) => (v[NEW_INDEX]?.produced ?? 0) >= 1) ? views[0][NEW_INDEX].produced : undefined;
  });
  assert.is((await status(API5)).node.sequencerIndex, NEW_INDEX);
  const head = (await status(devnet.nodes[0].apiUrl)).head.height;
  let found: { height: number; slot: number; root: string } | null = null;
  for (let h = head; h > 0 && !found; h--) {
    const b = await getJson(`${devnet.nodes[0].apiUrl}/batches/${h}`);
    if (b.proposer === NEW_INDEX) found = { height: h, slot: b.slot, root: b.root };
  }
  assert.ok(found, "a batch by node5 on node1's head chain");
  assert.ok(found!.slot >= fromSlot, `led slot ${found!.slot} >= ${fromSlot}`);
  for (const api of apis()) {
    await waitFor(`${api} to hold node5's batch at height ${found!.height}`, 10_000, async () => (await getJson(`${api}/batches/${found!.height}`)).root === found!.root);
  }
  log(`every node sees #${NEW_INDEX} lead (produced ${produced}; e.g. slot ${found!.slot} at height ${found!.height})`);
});

test("a second node with the same key is refused while the first runs", async () => {
  writeFileSync(join(op, "copy.json"), readFileSync(join(op, "keystore.json")), { mode: 0o600 });
  const r = await baton(
    ["start", "--config", "baton.toml", "--key", "copy.json", "--data-dir", "data-twin", "--api-port", "17606", "--listen", "/ip4/127.0.0.1/tcp/19606"],
    passwordEnv(),
  );
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /is in use by another node \(pid \d+, data dir .*data\b/);
  // and the same data dir (any key) is refused by the store's lock
  const d = await baton(["start", "--config", "baton.toml", "--key", "none", "--api-port", "17606", "--listen", "/ip4/127.0.0.1/tcp/19606"], passwordEnv());
  assert.is(d.code, 1, d.err);
  assert.match(d.err, /data dir .* is in use/);
  // a busy port names the setting
  const p = await baton(["start", "--config", "baton.toml", "--key", "none", "--data-dir", "data-other"], passwordEnv());
  assert.is(p.code, 2);
  assert.match(p.err, /config file .*baton\.toml: apiPort: port 17605 on 127\.0\.0\.1 is already in use/);
});

test("slashing protection survives a restart and a moved data dir; the node leads again", async () => {
  await stopNode5();
  // the record in the data dir, moved as a whole
  renameSync(join(op, "data"), join(op, "data-moved"));
  const db = await BatonDb.open(join(op, "data-moved", "db"));
  const last = await db.slashing.getLastSignedSlot(fromHex(pubkey, 48));
  let refused = false;
  try {
    assert.ok(last !== null && last > 0, `a last signed slot is recorded (${last})`);
    await db.slashing.claimSlot(fromHex(pubkey, 48), last!);
  } catch (e) {
    refused = /slashing protection: refusing slot/.test((e as Error).message);
  } finally {
    await db.close();
  }
  assert.ok(refused, "the moved record refuses to sign its last slot again");
  log(`last signed slot ${last} kept in the moved data dir`);

  const before = (await sequencers(devnet.nodes[0].apiUrl))[NEW_INDEX].produced;
  writeConfig("data-moved");
  node5 = startNode5(["--config", "baton.toml"], passwordEnv());
  await waitFor("node5 to lead again from the moved data dir", 60_000, async () => {
    const v = await sequencers(devnet.nodes[0].apiUrl);
    return v[NEW_INDEX].produced > before && v[NEW_INDEX].status === "active";
  });
  const db2Text = readFileSync(node5Log, "utf8");
  assert.not.match(db2Text, /refusing to sign/, "no slot was signed twice");
});

test("tx exit takes it out of the rotation; batches keep coming and it records no misses", async () => {
  const r = await baton(["tx", "exit", "--api", API5, "--key", "keystore.json", "--wait"], passwordEnv());
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /exited; its remaining slots go to the fallbacks at once/);
  for (const api of apis()) {
    await waitFor(`${api} to see #${NEW_INDEX} exited`, 15_000, async () => (await sequencers(api))[NEW_INDEX].status === "exited");
  }
  const v0 = (await sequencers(devnet.nodes[0].apiUrl))[NEW_INDEX];
  const h0 = (await status(devnet.nodes[0].apiUrl)).head.height;
  await waitFor("batches to keep coming", 20_000, async () => (await status(devnet.nodes[0].apiUrl)).head.height >= h0 + 2 * SLOTS_PER_EPOCH - 4);
  const v1 = (await sequencers(devnet.nodes[0].apiUrl))[NEW_INDEX];
  assert.is(v1.misses, v0.misses, "no misses after the exit");
  assert.is(v1.stake, "0");
});

test.run();
