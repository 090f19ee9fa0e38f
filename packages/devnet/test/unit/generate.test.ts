import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { privateKeyFromProtobuf } from "@libp2p/crypto/keys";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { bytesEqual, genesisToJson, parseGenesis, toHex } from "@baton/core";
import { loadKeyFile } from "@baton/client";
import { defaultDevnetParams, generateDevnet, readDevnet, writeDevnet, type DevnetParams } from "../../src/generate.js";
import { dialAddr, nodeLayout } from "../../src/layout.js";

const params = (seedByte: number, over: Partial<DevnetParams> = {}): DevnetParams => ({
  ...defaultDevnetParams,
  nodes: 4,
  slotMs: 500,
  slotsPerEpoch: 16,
  missesToEject: 3,
  genesisTime: 1_700_000_000_000,
  loadAccounts: 8,
  seed: new Uint8Array(32).fill(seedByte),
  ...over,
});
const ports = { baseApiPort: 7000, baseP2pPort: 9000 };

const gen = suite("devnet: generation");

gen("same seed and parameters: identical genesis, keys and peer ids", async () => {
  const a = await generateDevnet(params(1));
  const b = await generateDevnet(params(1));
  assert.equal(genesisToJson(a.genesis), genesisToJson(b.genesis));
  assert.equal(a.manifest, b.manifest);
  assert.equal(a.sequencers.map((s) => toHex(s.peerKey)), b.sequencers.map((s) => toHex(s.peerKey)));
  assert.equal(a.loadAccounts.map((k) => toHex(k.publicKey)), b.loadAccounts.map((k) => toHex(k.publicKey)));
});

gen("another seed: other keys, same parameters", async () => {
  const a = await generateDevnet(params(1));
  const c = await generateDevnet(params(2));
  assert.is.not(toHex(a.genesis.sequencers[0].pubkey), toHex(c.genesis.sequencers[0].pubkey));
  assert.is.not(a.manifest.peerIds[0], c.manifest.peerIds[0]);
  assert.is(c.genesis.config.slotMs, a.genesis.config.slotMs);
});

gen("every key is distinct; genesis parses and funds sequencer and load accounts", async () => {
  const g = await generateDevnet(params(3, { nodes: 5, slotMs: 250, slotsPerEpoch: 8, missesToEject: 2 }));
  const parsed = parseGenesis(JSON.parse(JSON.stringify(genesisToJson(g.genesis))));
  assert.equal([parsed.config.slotMs, parsed.config.slotsPerEpoch, parsed.config.missesToEject, parsed.config.chainId], [250, 8, 2, 31337]);
  assert.is(parsed.sequencers.length, 5);
  assert.is(parsed.accounts.length, 5 + 8);
  assert.is(new Set(g.manifest.peerIds).size, 5);
  for (const [i, s] of g.sequencers.entries()) {
    assert.ok(bytesEqual(parsed.sequencers[i].pubkey, s.keys.bls.publicKey));
    assert.ok(bytesEqual(parsed.sequencers[i].account, s.keys.ed25519.publicKey));
    // the p2p key decodes to the advertised peer id
    assert.is(peerIdFromPrivateKey(privateKeyFromProtobuf(s.peerKey)).toString(), s.peerId);
  }
});

gen("layout: ports and paths of node i (1-based)", () => {
  const n = nodeLayout("/d", 3, ports);
  assert.equal(n, {
    index: 3,
    dataDir: "/d/node3",
    keyFile: "/d/node3/key.json",
    peerKeyFile: "/d/node3/p2p.key",
    logFile: "/d/node3/node.log",
    apiPort: 7003,
    apiUrl: "http://127.0.0.1:7003",
    metricsPort: 8003,
    metricsUrl: "http://127.0.0.1:8003/metrics",
    p2pPort: 9003,
    listenAddr: "/ip4/127.0.0.1/tcp/9003",
  });
  assert.is(dialAddr(n, "12D3KooWX"), "/ip4/127.0.0.1/tcp/9003/p2p/12D3KooWX");
});
gen.run();

const disk = suite("devnet: directory");
let dir = "";
disk.before(async () => {
  dir = await mkdtemp(join(tmpdir(), "baton-devnet-"));
});
disk.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

disk("writeDevnet lays out the directory; readDevnet reads it back", async () => {
  assert.is(await readDevnet(dir), null);
  const g = await generateDevnet(params(4, { nodes: 2 }));
  await writeDevnet(dir, g, ports);
  assert.equal((await readdir(dir)).sort(), ["devnet.json", "genesis.json", "node1", "node2"]);
  assert.equal((await readdir(join(dir, "node1"))).sort(), ["key.json", "p2p.key"]);
  for (const f of ["devnet.json", "node1/key.json", "node1/p2p.key", "node2/key.json"]) {
    assert.is((await stat(join(dir, f))).mode & 0o777, 0o600, f);
  }
  const key2 = await loadKeyFile(join(dir, "node2", "key.json"));
  assert.ok(bytesEqual(key2.bls.publicKey, g.sequencers[1].keys.bls.publicKey));
  const p2p1 = new Uint8Array(await readFile(join(dir, "node1", "p2p.key")));
  assert.is(peerIdFromPrivateKey(privateKeyFromProtobuf(p2p1)).toString(), g.manifest.peerIds[0]);

  const back = await readDevnet(dir);
  assert.ok(back);
  assert.equal(back.manifest, g.manifest);
  assert.equal(genesisToJson(back.genesis), genesisToJson(g.genesis));
  // load accounts are re-derived from the manifest's seed
  assert.equal(back.loadAccounts.map((k) => toHex(k.publicKey)), g.loadAccounts.map((k) => toHex(k.publicKey)));
});

disk("writeDevnet never overwrites keys", async () => {
  const g = await generateDevnet(params(5, { nodes: 1 }));
  try {
    await writeDevnet(dir, g, ports); // node1/key.json exists from the test above
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /already exists/);
  }
});
disk.run();
