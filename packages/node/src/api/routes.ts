/**
 * The node's HTTP API (documented in docs/api.md).
 */
import {
  computeEpoch,
  fromHex,
  getScheduleForEpoch,
  headerRoot,
  SEQUENCER_STATUS_NAMES,
  windowMisses,
  toHex,
  txHash,
  type SignedBatch,
} from "@baton/core";
import { ChainEvent, type Chain } from "../chain/index.js";
import type { Clock } from "../clock/index.js";
import type { Mempool } from "../mempool/index.js";
import type { Metrics } from "../metrics/index.js";
import type { TxService } from "../txs/index.js";
import { dashboardHandler } from "./dashboard.js";
import { ApiError, ApiServer, toJson, type Request } from "./server.js";
import { parseTxsBody } from "./txJson.js";

export interface ApiModules {
  chain: Chain;
  mempool: Mempool;
  txs: TxService;
  clock: Clock;
  metrics: Metrics | null;
  peers(): { peerId: string; addrs: string[] }[];
  syncProgress(): { syncing: boolean; targetHeight: number; batchesPerSecond: number };
  nodeInfo(): { peerId: string; multiaddrs: string[]; sequencerIndex: number | null };
}

const nodeRef = (n: { root: Uint8Array; slot: number; height: number }) => ({ height: n.height, slot: n.slot, root: toHex(n.root) });

function parseIntParam(v: string | null, name: string): number {
  if (v === null || !/^[0-9]{1,15}$/.test(v)) throw new ApiError(400, "INVALID_PARAM", `${name}: expected a non-negative integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

function parseRoot(v: string, name: string): string {
  try {
    return toHex(fromHex(v, 32));
  } catch {
    throw new ApiError(400, "INVALID_PARAM", `${name}: expected a height or a 0x-prefixed 32-byte root`);
  }
}

export function batchToJson(b: SignedBatch) {
  const h = b.header;
  return {
    root: toHex(headerRoot(h)),
    chainId: h.chainId,
    slot: h.slot,
    height: h.height,
    proposer: h.proposerIndex,
    parentRoot: toHex(h.parentRoot),
    txRoot: toHex(h.txRoot),
    stateRoot: toHex(h.stateRoot),
    randaoReveal: toHex(h.randaoReveal),
    signature: toHex(b.signature),
    txs: b.txs.map((t) => toHex(txHash(t))),
  };
}

export function registerRoutes(api: ApiServer, m: ApiModules): void {
  const { chain } = m;
  const config = chain.config;

  api.route("GET", "/", dashboardHandler(config)); // the live dashboard page (dashboard.ts)

  api.route("GET", "/status", () => {
    const slot = m.clock.currentSlot();
    const sync = m.syncProgress();
    return {
      chainId: config.chainId,
      slotMs: config.slotMs,
      slotsPerEpoch: config.slotsPerEpoch,
      slot,
      epoch: computeEpoch(config, slot),
      head: nodeRef(chain.getHead()),
      confirmed: nodeRef(chain.getConfirmed()),
      peers: m.peers().length,
      syncing: sync.syncing,
      sync,
      mempool: m.mempool.size,
      node: m.nodeInfo(),
    };
  });

  api.route("GET", "/sequencers", () => {
    const state = chain.getHeadState();
    return state.sequencers.map((s, index) => ({
      index,
      pubkey: toHex(s.pubkey),
      account: toHex(s.account),
      stake: s.stake.toString(),
      status: SEQUENCER_STATUS_NAMES[s.status],
      produced: s.produced,
      misses: s.misses,
      consecutiveMisses: s.consecutiveMisses,
      windowMisses: windowMisses(s.missBits),
      slashed: s.slashed,
      unbonding: state.unbonding
        .filter((u) => u.sequencerIndex === index)
        .map((u) => ({ token: u.token, amount: u.amount.toString(), releaseEpoch: u.releaseEpoch })),
    }));
  });

  api.route("GET", "/schedule", (req: Request) => {
    const state = chain.getHeadState();
    const epoch = req.query.has("epoch") ? parseIntParam(req.query.get("epoch"), "epoch") : computeEpoch(config, m.clock.currentSlot());
    const known = [state.currentCommittee.epoch, state.nextCommittee.epoch];
    if (!known.includes(epoch)) {
      throw new ApiError(400, "EPOCH_NOT_AVAILABLE", `epoch: the head state knows the schedule of epochs ${known.join(" and ")}, not ${epoch}`);
    }
    const s = getScheduleForEpoch(state, config, epoch);
    return { epoch, slots: s.slots.map((x) => ({ slot: x.slot, leader: x.order[0], fallbacks: x.order.slice(1) })) };
  });

  api.route("GET", "/batches/:id", async (req: Request) => {
    const id = req.params.id;
    const batch = /^[0-9]+$/.test(id) ? await chain.getBatchAtHeight(Number(id)) : await chain.getBatch(parseRoot(id, "batch"));
    if (!batch) throw new ApiError(404, "NOT_FOUND", `no batch ${id}`);
    return batchToJson(batch);
  });

  api.route("POST", "/txs", async (req: Request) => {
    const txs = parseTxsBody(await req.body());
    const results = m.txs.submit(txs);
    const errors = results.flatMap((r, i) => (r.error ? [{ index: i, hash: r.hash, ...r.error }] : []));
    if (errors.length === results.length) {
      const first = errors[0];
      throw new ApiError(first.code.includes("FULL") ? 503 : 400, first.code, `txs[${first.index}]: ${first.message}`);
    }
    return { hashes: results.filter((r) => !r.error).map((r) => r.hash), ...(errors.length ? { errors } : {}) };
  });

  api.route("GET", "/txs/:hash", async (req: Request) => {
    const hash = parseRoot(req.params.hash, "hash");
    const root = await chain.store.getTxBatchRoot(hash);
    if (root) {
      const batch = await chain.getBatch(toHex(root));
      if (batch) {
        const onHead = await chain.getBatchAtHeight(batch.header.height);
        if (onHead && toHex(headerRoot(onHead.header)) === toHex(root)) {
          const confirmed = batch.header.height <= chain.getConfirmed().height;
          return { hash, status: confirmed ? "confirmed" : "included", height: batch.header.height, slot: batch.header.slot, batch: toHex(root) };
        }
      }
    }
    if (m.mempool.has(hash)) return { hash, status: "pending", height: null, slot: null };
    throw new ApiError(404, "NOT_FOUND", `tx ${hash} is neither pending nor in the head chain`);
  });

  api.route("GET", "/accounts/:pubkey", (req: Request) => {
    let pk: Uint8Array;
    try {
      pk = fromHex(req.params.pubkey, 32);
    } catch {
      throw new ApiError(400, "INVALID_PARAM", "pubkey: expected 0x-prefixed 32-byte ed25519 public key");
    }
    const acc = chain.findAccount(pk);
    const nonce = acc?.nonce ?? 0;
    return { pubkey: toHex(pk), balance: (acc?.balance ?? 0n).toString(), nonce, nextNonce: m.mempool.nextNonce(pk, nonce), exists: !!acc };
  });

  api.route("GET", "/mempool", () => ({ size: m.mempool.size }));

  api.route("GET", "/peers", () => m.peers());

  api.route("GET", "/metrics", async (_req, res) => {
    if (!m.metrics) throw new ApiError(404, "NOT_FOUND", "metrics are disabled");
    const text = await m.metrics.registry.metrics();
    res.writeHead(200, { "content-type": m.metrics.registry.contentType });
    res.end(text);
    return undefined;
  });

  // server-sent events: one JSON object per chain event, for the dashboard and for tools
  api.route("GET", "/events", (req: Request, res) => {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.write(": baton events\n\n");
    const listeners = EVENT_NAMES.map((ev) => {
      const fn = (data: Record<string, unknown>) => {
        const { batch: _omit, ...rest } = data;
        res.write(`event: ${ev}\ndata: ${toJson(rest)}\n\n`);
      };
      chain.on(ev, fn);
      return [ev, fn] as const;
    });
    req.raw.on("close", () => {
      for (const [ev, fn] of listeners) chain.off(ev, fn);
    });
    return undefined;
  });
}

const EVENT_NAMES = [ChainEvent.batch, ChainEvent.head, ChainEvent.confirmed, ChainEvent.miss, ChainEvent.ejected, ChainEvent.rejoined, ChainEvent.exited];
