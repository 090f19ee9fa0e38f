/**
 * The machine's ceilings, the numbers every other row is judged against: ed25519
 * verifications per second on one core (a node verifies every tx once: the limit on txs it
 * can admit), gossipsub messages per second between two node processes, and batched level
 * writes per second (the store's write path, BatonDb.writeAtomic).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ed25519FromSeed, ed25519Sign, ed25519Verify, sha256, signTx, TxKind, uint64Bytes, verifyTxSignature } from "@baton/core";
import { BatonDb } from "@baton/node";
import { compiledProgram, REPO_ROOT, requireBuilt } from "../programs.js";
import { perSecond } from "./stats.js";

/** Runs `fn` over `items` round-robin for about `ms` milliseconds; ops per second on this thread. */
function opsPerSecond<T>(items: readonly T[], ms: number, fn: (item: T) => void): number {
  // warm-up (JIT, key caches)
  for (let i = 0; i < Math.min(items.length, 200); i++) fn(items[i]);
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let k = 0; k < 100; k++) fn(items[n++ % items.length]);
    now = performance.now();
  }
  return perSecond(n, now - start) ?? 0;
}

export interface VerifyCeiling {
  /** raw ed25519 verifications per second, one core (node:crypto) */
  ed25519PerSecond: number;
  /** a tx's full check: SSZ signing root + ed25519 (what the mempool does per tx) */
  txVerifyPerSecond: number;
}

export function measureVerify(ms: number): VerifyCeiling {
  const keys = Array.from({ length: 64 }, (_, i) => ed25519FromSeed(sha256(uint64Bytes(i), new Uint8Array([7]))));
  const msgs = keys.map((k, i) => {
    const msg = sha256(uint64Bytes(1000 + i));
    return { pub: k.publicKey, msg, sig: ed25519Sign(k, msg) };
  });
  const ed25519PerSecond = opsPerSecond(msgs, ms, (m) => {
    if (!ed25519Verify(m.pub, m.msg, m.sig)) throw new Error("verify failed");
  });
  const txs = keys.map((k, i) => signTx(1, { sender: k.publicKey, nonce: i, fee: 1n, kind: TxKind.user, payload: new Uint8Array(32) }, k));
  const txVerifyPerSecond = opsPerSecond(txs, ms, (tx) => {
    if (!verifyTxSignature(1, tx)) throw new Error("verify failed");
  });
  return { ed25519PerSecond, txVerifyPerSecond };
}

/** Puts per second through BatonDb.writeAtomic: `batchSize` puts of `valueBytes` per write, for about `ms`. */
export async function measureLevelWrites(ms: number, batchSize = 1_000, valueBytes = 1_024): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "baton-bench-level-"));
  const db = await BatonDb.open(dir);
  try {
    const value = new Uint8Array(randomBytes(valueBytes));
    let puts = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      const ops = [];
      for (let i = 0; i < batchSize; i++) ops.push({ type: "put" as const, key: new Uint8Array(randomBytes(33)), value });
      await db.writeAtomic(ops);
      puts += batchSize;
      now = performance.now();
    }
    return perSecond(puts, now - start) ?? 0;
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const GOSSIP_PEER = compiledProgram(new URL("./gossipPeer.ts", import.meta.url));

interface Child {
  lines: AsyncIterableIterator<string>;
  kill(): void;
  exited: Promise<void>;
}

function startPeer(args: Record<string, unknown>): Child {
  const child = spawn(process.execPath, [requireBuilt(GOSSIP_PEER), JSON.stringify(args)], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const queue: string[] = [];
  let wake: (() => void) | null = null;
  let ended = false;
  let buf = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      queue.push(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
    wake?.();
  });
  const killNow = () => {
    if (child.exitCode === null && child.pid !== undefined) child.kill("SIGKILL");
  };
  process.on("exit", killNow);
  const exited = new Promise<void>((r) =>
    child.once("exit", () => {
      process.off("exit", killNow);
      ended = true;
      wake?.();
      r();
    }),
  );
  async function* lines(): AsyncIterableIterator<string> {
    for (;;) {
      if (queue.length > 0) {
        yield queue.shift()!;
        continue;
      }
      if (ended) return;
      await new Promise<void>((r) => (wake = r));
      wake = null;
    }
  }
  return {
    lines: lines(),
    kill: killNow,
    exited,
  };
}

async function lineStarting(child: Child, prefix: string, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`no "${prefix}" line within ${timeoutMs} ms`)), timeoutMs)));
  const read = (async () => {
    // next(), not for-await: leaving a for-await loop would close the shared iterator
    for (let r = await child.lines.next(); !r.done; r = await child.lines.next()) {
      const line = r.value;
      if (line.startsWith("error ")) throw new Error(line.slice(6));
      if (line.startsWith(prefix)) return line.slice(prefix.length).trim();
    }
    throw new Error(`peer exited before "${prefix}"`);
  })();
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface GossipCeiling {
  /** messages per second the subscriber received */
  msgsPerSecond: number;
  sent: number;
  received: number;
  messageBytes: number;
}

/** Two node processes on loopback (ports `ports[0]`, `ports[1]`): one publishes as fast as it can for `ms`, the other counts. */
export async function measureGossip(ms: number, ports: [number, number], messageBytes = 200): Promise<GossipCeiling> {
  const common = { chainId: 424242, durationMs: ms, size: messageBytes };
  const sub = startPeer({ ...common, role: "sub", port: ports[0] });
  let pub: Child | null = null;
  try {
    const addr = await lineStarting(sub, "ready ", 30_000);
    pub = startPeer({ ...common, role: "pub", port: ports[1], bootstrap: addr });
    const pubResult = JSON.parse(await lineStarting(pub, "result ", ms + 40_000)) as { sent: number };
    const subResult = JSON.parse(await lineStarting(sub, "result ", 25_000)) as { received: number; ms: number };
    return { msgsPerSecond: perSecond(subResult.received, subResult.ms) ?? 0, sent: pubResult.sent, received: subResult.received, messageBytes };
  } finally {
    sub.kill();
    pub?.kill();
    await Promise.all([sub.exited, pub?.exited]);
  }
}
