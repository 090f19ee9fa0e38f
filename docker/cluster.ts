/**
 * The container side of the docker-compose cluster (docker-compose.yml, docs/docker.md).
 * One image, three roles, chosen by the first argument (see entrypoint.ts):
 *
 *   init        writes a devnet (genesis, manifest, per-node key.json + p2p.key) into the
 *               shared volume, once; a second run reuses it
 *   node [i]    waits for the shared devnet, puts node i's libp2p key in its data volume and
 *               runs `baton start` in this process (PID 1 handles SIGTERM: node.close())
 *   load        a steady tx load against every node (LoadGenerator)
 *
 * Anything else is passed to the `baton` CLI (`docker run <image> status --api ...`).
 * Settings come from the environment (BATON_*), with the defaults below.
 */
import { randomBytes } from "node:crypto";
import { copyFile, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { CHAIN_RANGES, describeIntRange, devnetPreset, parseIntInRange, sha256, type IntRange } from "@baton/core";
import {
  createDevnet,
  defaultDevnetParams,
  LoadGenerator,
  readDevnet,
  sleep,
  startArgs,
  GENESIS_FILE,
  KEY_FILE,
  MANIFEST_FILE,
  PEER_KEY_FILE,
  type Manifest,
} from "@baton/devnet";

export const DOCKER_DEFAULTS = {
  /** shared volume: genesis, manifest, keys */
  sharedDir: "/baton/shared",
  /** this node's data volume */
  dataDir: "/baton/data",
  nodes: 4,
  slotMs: devnetPreset.slotMs,
  slotsPerEpoch: devnetPreset.slotsPerEpoch,
  missesToEject: devnetPreset.missesToEject,
  genesisDelayMs: 10_000,
  loadAccounts: defaultDevnetParams.loadAccounts,
  apiPort: 7000,
  p2pPort: 9000,
  /** host name of node i on the compose network ({i} is replaced) */
  peerHost: "node{i}",
  logLevel: "info",
  loadRate: 50,
  waitForGenesisMs: 120_000,
};
export type DockerSettings = typeof DOCKER_DEFAULTS & { seed: string | null; node: number | null };

type Env = Record<string, string | undefined>;

/** An integer setting: unset or empty gives `fallback`; parsed, and refused in the same words, as core's ranges. */
function envInt(env: Env, name: string, fallback: number, range: IntRange): number {
  const v = env[name];
  if (v === undefined || v === "") return fallback;
  const n = parseIntInRange(v, range);
  if (n === undefined) throw new Error(`${name}: expected ${describeIntRange(range)}, got ${JSON.stringify(v)}`);
  return n;
}

/** Pure: the environment → settings. */
export function settingsFromEnv(env: Env): DockerSettings {
  const d = DOCKER_DEFAULTS;
  return {
    sharedDir: env.BATON_SHARED_DIR || d.sharedDir,
    dataDir: env.BATON_DATA_DIR || d.dataDir,
    nodes: envInt(env, "BATON_NODES", d.nodes, { min: 1, max: 64 }),
    slotMs: envInt(env, "BATON_SLOT_MS", d.slotMs, CHAIN_RANGES.slotMs),
    slotsPerEpoch: envInt(env, "BATON_SLOTS_PER_EPOCH", d.slotsPerEpoch, CHAIN_RANGES.slotsPerEpoch),
    missesToEject: envInt(env, "BATON_MISSES_TO_EJECT", d.missesToEject, CHAIN_RANGES.missesToEject),
    genesisDelayMs: envInt(env, "BATON_GENESIS_DELAY_MS", d.genesisDelayMs, { min: 0, max: 3_600_000 }),
    loadAccounts: envInt(env, "BATON_LOAD_ACCOUNTS", d.loadAccounts, { min: 1, max: 10_000 }),
    apiPort: envInt(env, "BATON_API_PORT", d.apiPort, { min: 1, max: 65535 }),
    p2pPort: envInt(env, "BATON_P2P_PORT", d.p2pPort, { min: 1, max: 65535 }),
    peerHost: env.BATON_PEER_HOST || d.peerHost,
    logLevel: env.BATON_LOG_LEVEL || d.logLevel,
    loadRate: envInt(env, "BATON_LOAD_RATE", d.loadRate, { min: 0, max: 100_000 }),
    waitForGenesisMs: envInt(env, "BATON_WAIT_FOR_GENESIS_MS", d.waitForGenesisMs, { min: 0, max: 3_600_000 }),
    seed: env.BATON_SEED || null,
    node: env.BATON_NODE ? envInt(env, "BATON_NODE", 1, { min: 1, max: 64 }) : null,
  };
}

/** The devnet seed: 64 hex digits as they are, any other text hashed; random when unset. */
export function seedBytes(seed: string | null): Uint8Array {
  if (seed === null) return new Uint8Array(randomBytes(32));
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(seed)) return Uint8Array.from(Buffer.from(seed.replace(/^0x/, ""), "hex"));
  return sha256(new TextEncoder().encode(seed));
}

/** Inside each container: Prometheus text at GET :8008/metrics (the compose network only; not published). */
export const DOCKER_METRICS_PORT = 8008;

/** Pure: the `baton start` arguments of node `i` (1-based) in the compose cluster. */
export function nodeStartArgs(s: DockerSettings, manifest: Pick<Manifest, "peerIds">, i: number): string[] {
  const bootstrap = manifest.peerIds
    .map((peerId, k) => ({ peerId, j: k + 1 }))
    .filter(({ j }) => j !== i)
    .map(({ peerId, j }) => `/dns4/${s.peerHost.replace("{i}", String(j))}/tcp/${s.p2pPort}/p2p/${peerId}`);
  return startArgs({
    genesisFile: join(s.sharedDir, GENESIS_FILE),
    keyFile: join(s.sharedDir, `node${i}`, KEY_FILE),
    dataDir: s.dataDir,
    listenAddr: `/ip4/0.0.0.0/tcp/${s.p2pPort}`,
    bootstrap,
    apiHost: "0.0.0.0",
    apiPort: s.apiPort,
    metricsPort: DOCKER_METRICS_PORT,
    logLevel: s.logLevel,
  });
}

const exists = (p: string) => stat(p).then(() => true, () => false);

/** `init`: writes the devnet into the shared volume unless one is there. */
export async function runInit(s: DockerSettings, log: (l: string) => void): Promise<number> {
  const existing = await readDevnet(s.sharedDir);
  if (existing) {
    log(`init: reusing the devnet in ${s.sharedDir} (chain ${existing.genesis.config.chainId}, genesis ${new Date(existing.genesis.config.genesisTime).toISOString()}); remove the volume for a new one`);
    return 0;
  }
  const gen = await createDevnet(
    s.sharedDir,
    {
      nodes: s.nodes,
      slotMs: s.slotMs,
      slotsPerEpoch: s.slotsPerEpoch,
      missesToEject: s.missesToEject,
      loadAccounts: s.loadAccounts,
      genesisTime: Date.now() + s.genesisDelayMs,
      seed: seedBytes(s.seed),
    },
    { baseApiPort: s.apiPort, baseP2pPort: s.p2pPort },
  );
  log(`init: wrote a ${s.nodes}-node devnet to ${s.sharedDir}; genesis in ${(s.genesisDelayMs / 1000).toFixed(1)} s`);
  for (const [k, id] of gen.manifest.peerIds.entries()) log(`init: node${k + 1} peer id ${id}`);
  return 0;
}

async function waitForManifest(s: DockerSettings, log: (l: string) => void): Promise<Manifest> {
  const file = join(s.sharedDir, MANIFEST_FILE);
  const deadline = Date.now() + s.waitForGenesisMs;
  let said = false;
  for (;;) {
    if (await exists(file)) return JSON.parse(await readFile(file, "utf8")) as Manifest;
    if (Date.now() > deadline) throw new Error(`no ${file} after ${s.waitForGenesisMs} ms: did the init service run?`);
    if (!said) log(`node: waiting for ${file} (the init service writes it)`);
    said = true;
    await sleep(250);
  }
}

/** `node`: prepares the data volume and returns the `baton start` arguments. */
export async function prepareNode(s: DockerSettings, log: (l: string) => void): Promise<string[]> {
  if (s.node === null) throw new Error("node: set BATON_NODE to this node's index (1-based), or pass it: node <i>");
  const manifest = await waitForManifest(s, log);
  if (s.node > manifest.nodes) throw new Error(`node: BATON_NODE=${s.node} but the devnet has ${manifest.nodes} nodes`);
  const peerKey = join(s.dataDir, PEER_KEY_FILE);
  if (!(await exists(peerKey))) await copyFile(join(s.sharedDir, `node${s.node}`, PEER_KEY_FILE), peerKey);
  return nodeStartArgs(s, manifest, s.node);
}

/** `load`: a steady tx load round-robin across every node, until SIGTERM. */
export async function runLoad(s: DockerSettings, log: (l: string) => void, stopped: Promise<unknown>): Promise<number> {
  await waitForManifest(s, log);
  const dev = await readDevnet(s.sharedDir);
  if (!dev) throw new Error(`load: no devnet in ${s.sharedDir}`);
  const apiUrls = dev.manifest.peerIds.map((_, k) => `http://${s.peerHost.replace("{i}", String(k + 1))}:${s.apiPort}`);
  const wait = dev.genesis.config.genesisTime - Date.now();
  if (wait > 0) await Promise.race([sleep(wait), stopped]);
  const load = new LoadGenerator({ rate: s.loadRate, apiUrls, accounts: dev.loadAccounts, chainId: dev.genesis.config.chainId });
  log(`load: ${s.loadRate} tx/s round-robin across ${apiUrls.join(", ")}`);
  load.start();
  const timer = setInterval(() => {
    const st = load.stats;
    log(`load: sent ${st.sent} acknowledged ${st.acknowledged} refused ${st.refused} no answer ${st.failed}${st.lastError ? ` (last error: ${st.lastError})` : ""}`);
  }, 5_000);
  await stopped;
  clearInterval(timer);
  await load.stop();
  log(`load: stopped; acknowledged ${load.stats.acknowledged}`);
  return 0;
}
