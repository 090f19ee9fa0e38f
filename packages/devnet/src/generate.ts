/**
 * Devnet keys and genesis, derived from one 32-byte seed (kept in devnet.json): the same
 * seed and parameters give byte-identical files, and the load generator re-derives its
 * funded accounts from the seed on every restart.
 */
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateKeyPairFromSeed, privateKeyToProtobuf } from "@libp2p/crypto/keys";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import {
  createChainConfig,
  devnetPreset,
  ed25519FromSeed,
  fromHex,
  genesisToJson,
  parseGenesis,
  sha256,
  toHex,
  uint64Bytes,
  type Ed25519Keypair,
  type Genesis,
  type MechanismName,
} from "@baton/core";
import { keysFromSeeds, saveKeyFile, type KeyFile } from "@baton/client";
import { GENESIS_FILE, MANIFEST_FILE, nodeLayout, type Ports } from "./layout.js";

export interface DevnetParams {
  nodes: number;
  slotMs: number;
  slotsPerEpoch: number;
  missesToEject: number;
  genesisTime: number;
  chainId: number;
  /** stake of each genesis sequencer */
  stake: bigint;
  /** balance of each funded account (sequencer accounts and load accounts) */
  balance: bigint;
  loadAccounts: number;
  /** 32 bytes; derives every key */
  seed: Uint8Array;
  /** the selection mechanism (default pos), its params and the governance key set, as genesis takes them */
  mechanism?: MechanismName;
  mechanismParams?: unknown;
  governance?: { threshold: number; keys: Uint8Array[] };
}

export const defaultDevnetParams = {
  chainId: devnetPreset.chainId,
  stake: 100_000n,
  balance: 1_000_000_000_000n,
  loadAccounts: 32,
};

export interface Manifest {
  version: 1;
  seed: string;
  nodes: number;
  loadAccounts: number;
  peerIds: string[];
}

export interface GeneratedSequencer {
  keys: KeyFile;
  /** protobuf-encoded libp2p private key */
  peerKey: Uint8Array;
  peerId: string;
}

export interface GeneratedDevnet {
  genesis: Genesis;
  sequencers: GeneratedSequencer[];
  loadAccounts: Ed25519Keypair[];
  manifest: Manifest;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/** 32 bytes for the `label` key of item `i`. */
export const deriveSeed = (seed: Uint8Array, label: string, i: number): Uint8Array => sha256(utf8("baton devnet"), seed, utf8(label), uint64Bytes(i));

export function deriveSequencerKeys(seed: Uint8Array, i: number): KeyFile {
  return keysFromSeeds(deriveSeed(seed, "bls", i), deriveSeed(seed, "account", i));
}

export function deriveLoadAccounts(seed: Uint8Array, count: number): Ed25519Keypair[] {
  return Array.from({ length: count }, (_, j) => ed25519FromSeed(deriveSeed(seed, "load", j)));
}

export async function derivePeerKey(seed: Uint8Array, i: number): Promise<{ peerKey: Uint8Array; peerId: string }> {
  const key = await generateKeyPairFromSeed("Ed25519", deriveSeed(seed, "p2p", i));
  return { peerKey: privateKeyToProtobuf(key), peerId: peerIdFromPrivateKey(key).toString() };
}

export async function generateDevnet(p: DevnetParams): Promise<GeneratedDevnet> {
  if (p.seed.length !== 32) throw new Error(`devnet seed must be 32 bytes, got ${p.seed.length}`);
  const sequencers: GeneratedSequencer[] = [];
  for (let i = 0; i < p.nodes; i++) sequencers.push({ keys: deriveSequencerKeys(p.seed, i), ...(await derivePeerKey(p.seed, i)) });
  const loadAccounts = deriveLoadAccounts(p.seed, p.loadAccounts);
  const config = createChainConfig({
    chainId: p.chainId,
    genesisTime: p.genesisTime,
    slotMs: p.slotMs,
    slotsPerEpoch: p.slotsPerEpoch,
    missesToEject: p.missesToEject,
    ...(p.mechanism ? { mechanism: p.mechanism, mechanismParams: p.mechanismParams } : {}),
    ...(p.governance ? { governance: p.governance } : {}),
  });
  const genesis: Genesis = {
    config,
    sequencers: sequencers.map((s) => ({ pubkey: s.keys.bls.publicKey, account: s.keys.ed25519.publicKey, stake: p.stake })),
    accounts: [...sequencers.map((s) => s.keys.ed25519), ...loadAccounts].map((a) => ({ pubkey: a.publicKey, balance: p.balance })),
  };
  const manifest: Manifest = { version: 1, seed: toHex(p.seed), nodes: p.nodes, loadAccounts: p.loadAccounts, peerIds: sequencers.map((s) => s.peerId) };
  return { genesis, sequencers, loadAccounts, manifest };
}

/** Writes genesis, manifest, key files and p2p keys into `dir` (which must not hold a devnet yet). */
export async function writeDevnet(dir: string, gen: GeneratedDevnet, ports: Ports): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [k, s] of gen.sequencers.entries()) {
    const n = nodeLayout(dir, k + 1, ports);
    await mkdir(n.dataDir, { recursive: true });
    await saveKeyFile(n.keyFile, s.keys);
    await writeFile(n.peerKeyFile, s.peerKey, { mode: 0o600, flag: "wx" });
  }
  await writeFile(join(dir, GENESIS_FILE), JSON.stringify(genesisToJson(gen.genesis), null, 2) + "\n");
  // Last: a dir with a manifest is a complete devnet.
  await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(gen.manifest, null, 2) + "\n", { mode: 0o600 });
  await chmod(join(dir, MANIFEST_FILE), 0o600);
}

/** DevnetParams where the fields of defaultDevnetParams (chain id, stake, balance, load accounts) may be left out. */
export type CreateDevnetParams = Omit<DevnetParams, keyof typeof defaultDevnetParams> & Partial<Pick<DevnetParams, keyof typeof defaultDevnetParams>>;

/**
 * The one way the devnet tools make a devnet on disk: generateDevnet over defaultDevnetParams
 * (a field given as undefined keeps its default), then writeDevnet into `dir`.
 */
export async function createDevnet(dir: string, params: CreateDevnetParams, ports: Ports): Promise<GeneratedDevnet> {
  const given = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as CreateDevnetParams;
  const gen = await generateDevnet({ ...defaultDevnetParams, ...given });
  await writeDevnet(dir, gen, ports);
  return gen;
}

export interface ExistingDevnet {
  manifest: Manifest;
  genesis: Genesis;
  loadAccounts: Ed25519Keypair[];
}

/** Reads a devnet written by writeDevnet; null if `dir` holds none. */
export async function readDevnet(dir: string): Promise<ExistingDevnet | null> {
  let manifestText: string;
  try {
    manifestText = await readFile(join(dir, MANIFEST_FILE), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  const manifest = JSON.parse(manifestText) as Manifest;
  if (manifest.version !== 1 || !Array.isArray(manifest.peerIds) || manifest.peerIds.length !== manifest.nodes) {
    throw new Error(`${join(dir, MANIFEST_FILE)}: not a devnet manifest this version understands; start with --fresh`);
  }
  const genesis = parseGenesis(JSON.parse(await readFile(join(dir, GENESIS_FILE), "utf8")));
  return { manifest, genesis, loadAccounts: deriveLoadAccounts(fromHex(manifest.seed, 32), manifest.loadAccounts) };
}
