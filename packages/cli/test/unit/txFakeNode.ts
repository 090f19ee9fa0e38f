/**
 * A fake node API for the `baton tx` tests: GET /status, /accounts/:pubkey, /sequencers,
 * /txs/:hash and POST /txs on 127.0.0.1, answering from a plain object the test changes, and
 * recording every tx posted. Plus key files, a genesis file and a captured Io.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { keysFromSeeds, saveDevnetKeyFile, type KeyFile } from "@baton/client";
import { decodeTx, fromHex, toHex, txHash, type Tx } from "@baton/core";
import type { Io } from "../../src/command.js";
import { main } from "../../src/main.js";

export interface FakeAccount {
  balance: bigint;
  nonce: number;
}

export interface FakeSequencer {
  pubkey: Uint8Array;
  account: Uint8Array;
  stake: bigint;
  status: "active" | "ejected" | "exited";
}

export interface FakeChain {
  chainId: number;
  slotsPerEpoch: number;
  slotMs: number;
  slot: number;
  accounts: Map<string, FakeAccount>;
  sequencers: FakeSequencer[];
  /** what GET /txs/:hash answers: included at a slot, pending, or 404 */
  txStatus: { status: "included"; slot: number } | { status: "pending" } | { status: "gone" };
  /** POST /txs refuses with this code (the node's error), when set */
  refuse?: { code: string; message: string; status: number };
}

export interface FakeNode {
  url: string;
  chain: FakeChain;
  posted: Tx[];
  close(): Promise<void>;
}

const json = (value: unknown) => JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v));

function status(chain: FakeChain) {
  const epoch = Math.floor(chain.slot / chain.slotsPerEpoch);
  const head = { height: chain.slot, slot: chain.slot, root: `0x${"11".repeat(32)}` };
  return { version: "test", chainId: chain.chainId, slotMs: chain.slotMs, slotsPerEpoch: chain.slotsPerEpoch, slot: chain.slot, epoch, head, confirmed: head, peers: 3 };
}

function sequencers(chain: FakeChain) {
  return chain.sequencers.map((seq, index) => ({
    index,
    pubkey: toHex(seq.pubkey),
    account: toHex(seq.account),
    stake: seq.stake,
    status: seq.status,
    produced: 0,
    misses: 0,
    consecutiveMisses: 0,
    windowMisses: 0,
    slashed: false,
    unbonding: [],
  }));
}

function route(node: FakeNode, method: string, path: string, body: string): [number, unknown] {
  const { chain } = node;
  if (method === "GET" && path === "/status") return [200, status(chain)];
  if (method === "GET" && path === "/sequencers") return [200, sequencers(chain)];
  const account = /^\/accounts\/(0x[0-9a-f]{64})$/.exec(path);
  if (method === "GET" && account) {
    const found = chain.accounts.get(account[1]);
    return [200, { pubkey: account[1], balance: found?.balance ?? 0n, nonce: found?.nonce ?? 0, nextNonce: found?.nonce ?? 0, exists: found !== undefined }];
  }
  if (method === "POST" && path === "/txs") {
    if (chain.refuse) return [chain.refuse.status, { error: { code: chain.refuse.code, message: chain.refuse.message } }];
    const txs = (JSON.parse(body) as { txs: string[] }).txs.map((hex) => decodeTx(fromHex(hex)));
    node.posted.push(...txs);
    return [200, { hashes: txs.map((tx) => toHex(txHash(tx))) }];
  }
  const tx = /^\/txs\/(0x[0-9a-f]{64})$/.exec(path);
  if (method === "GET" && tx) {
    const s = chain.txStatus;
    if (s.status === "gone") return [404, { error: { code: "NOT_FOUND", message: `tx ${tx[1]} is neither pending nor in the head chain` } }];
    if (s.status === "pending") return [200, { hash: tx[1], status: "pending", height: null, slot: null }];
    return [200, { hash: tx[1], status: "included", height: s.slot, slot: s.slot, batch: `0x${"22".repeat(32)}` }];
  }
  return [404, { error: { code: "NOT_FOUND", message: `${method} ${path}` } }];
}

export async function startFakeNode(chain: FakeChain): Promise<FakeNode> {
  let server: Server | null = null;
  const node: FakeNode = {
    url: "",
    chain,
    posted: [],
    close: () => new Promise((done) => (server ? server.close(() => done()) : done())),
  };
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const [code, answer] = route(node, req.method ?? "GET", req.url ?? "/", body);
      res.writeHead(code, { "content-type": "application/json" }).end(json(answer));
    });
  });
  await new Promise<void>((done) => server!.listen(0, "127.0.0.1", done));
  node.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return node;
}

/** Deterministic keys: the same label, the same keys. */
export const testKeys = (label: number): KeyFile => keysFromSeeds(new Uint8Array(32).fill(label), new Uint8Array(32).fill(label + 100));

export async function writeKey(dir: string, name: string, keys: KeyFile): Promise<string> {
  const path = join(dir, name);
  await saveDevnetKeyFile(path, keys);
  return path;
}

/** A genesis file of `chainId` under `mechanism`, with governance keys (threshold 2) when given. */
export async function writeGenesis(dir: string, chainId: number, mechanism: string, sequencers: KeyFile[], governance: KeyFile[] = []): Promise<string> {
  const path = join(dir, `genesis-${mechanism}-${governance.length}.json`);
  const genesis = {
    chainId,
    genesisTime: 0,
    slotsPerEpoch: 8,
    mechanism,
    ...(governance.length > 0 ? { governance: { threshold: 2, keys: governance.map((k) => toHex(k.ed25519.publicKey)) } } : {}),
    sequencers: sequencers.map((k) => ({ pubkey: toHex(k.bls.publicKey), account: toHex(k.ed25519.publicKey), stake: "100000" })),
  };
  await writeFile(path, JSON.stringify(genesis));
  return path;
}

/** Runs `baton <argv>` in this process: the exit code and what it printed. */
export async function baton(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (line) => out.push(line), err: (line) => err.push(line), now: () => Date.now() };
  try {
    const code = await main(argv, io);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } catch (e) {
    return { code: 1, out: out.join("\n"), err: [...err, `${(e as Error).name}: ${(e as Error).message}`].join("\n") };
  }
}
