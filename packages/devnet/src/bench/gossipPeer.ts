/**
 * One gossipsub peer for the gossip ceiling (a child process of the bench, so each peer has
 * its own event loop, like two nodes):
 *   node dist/bench/gossipPeer.js <json args>   (compiled by `pnpm build`)
 * role "sub": listens, prints `ready <multiaddr>`, counts tx-topic messages until the
 * publisher's end marker (or a deadline), prints `result {"received", "ms"}` and exits.
 * role "pub": dials the subscriber, publishes `size`-byte messages for `durationMs`, then
 * the end marker; prints `result {"sent"}` and exits.
 * Flow control: gossipsub's publish does not wait for the socket and drops what overflows a
 * peer's queue, so the subscriber reports its count back every 20 ms (on the batch topic) and
 * the publisher keeps at most WINDOW messages unacknowledged: the rate measured is the rate
 * that is delivered, not the rate that is dropped.
 */
import "@baton/node/polyfill";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { GossipType, Network } from "@baton/node";
import { sleep } from "../sleep.js";

interface PeerArgs {
  role: "sub" | "pub";
  port: number;
  chainId: number;
  durationMs: number;
  size: number;
  bootstrap?: string;
}

const END_MARKER = 0xff;
const WINDOW = 1_000;
let acked = 0;
const args = JSON.parse(process.argv[2] ?? "{}") as PeerArgs;
const dir = mkdtempSync(join(tmpdir(), "baton-bench-gossip-"));
const logger = pino({ level: "silent" });
let received = 0;
let first = 0;
let last = 0;
let done: (() => void) | null = null;
let wakeAck: (() => void) | null = null;
const finished = new Promise<void>((r) => (done = r));

const network = new Network(
  {
    chainId: args.chainId,
    listenAddrs: [`/ip4/127.0.0.1/tcp/${args.port}`],
    bootstrap: args.bootstrap ? [args.bootstrap] : [],
    peerKeyFile: join(dir, "p2p.key"),
    gossipValidators: {
      [GossipType.tx]: (data) => {
        if (data[0] === END_MARKER) {
          done?.();
          return;
        }
        const now = performance.now();
        if (received === 0) first = now;
        last = now;
        received++;
      },
      [GossipType.batch]: (data) => {
        acked = Math.max(acked, new DataView(data.buffer, data.byteOffset, data.byteLength).getFloat64(0));
        wakeAck?.();
      },
    },
    reqRespHandlers: { status: async () => new Uint8Array(0), batchesByRange: async () => [] },
  },
  { logger, metrics: null },
);

async function main(): Promise<void> {
  await network.start();
  if (args.role === "sub") {
    process.stdout.write(`ready ${network.getMultiaddrs()[0]}\n`);
    const deadline = setTimeout(() => done?.(), args.durationMs + 20_000);
    let reports = 0;
    const ack = setInterval(() => {
      const m = new Uint8Array(16);
      const v = new DataView(m.buffer);
      v.setFloat64(0, received);
      v.setFloat64(8, reports++); // unique bytes even when the count did not move
      void network.publish(GossipType.batch, m).catch(() => {});
    }, 20);
    await finished;
    clearTimeout(deadline);
    clearInterval(ack);
    process.stdout.write(`result ${JSON.stringify({ received, ms: last - first })}\n`);
  } else {
    const until = Date.now() + 15_000;
    while (network.getTopicPeers(GossipType.tx).length === 0) {
      if (Date.now() > until) throw new Error("the subscriber never joined the topic");
      await sleep(50);
    }
    await sleep(500);
    let sent = 0;
    const msg = new Uint8Array(args.size);
    const view = new DataView(msg.buffer);
    const stopAt = performance.now() + args.durationMs;
    while (performance.now() < stopAt) {
      if (sent - acked >= WINDOW) {
        await new Promise<void>((r) => {
          wakeAck = r;
          setTimeout(r, 100);
        });
        wakeAck = null;
        continue;
      }
      const wave: Promise<number>[] = [];
      for (let k = 0; k < 50; k++) {
        view.setFloat64(1, sent++); // unique bytes: message ids are content hashes
        wave.push(network.publish(GossipType.tx, msg.slice()));
      }
      await Promise.all(wave);
    }
    const end = new Uint8Array(args.size);
    end[0] = END_MARKER;
    await network.publish(GossipType.tx, end);
    await sleep(300);
    process.stdout.write(`result ${JSON.stringify({ sent })}\n`);
  }
}

main()
  .catch((e: Error) => {
    process.stdout.write(`error ${e.message}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await network.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    setTimeout(() => process.exit(), 100).unref();
  });
