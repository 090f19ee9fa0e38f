/**
 * The handler of each route of @baton/api's table (the table types this map: a route without
 * a handler does not compile). docs/api.md describes the routes; server.ts serves them.
 */
import {
  ApiError,
  DEFAULT_BATCH_RANGE,
  MAX_BATCH_RANGE,
  type Account,
  type Batch,
  type BlockRef,
  type Health,
  type MempoolInfo,
  type NodeStatus,
  type PeerList,
  type Schedule,
  type SequencerInfo,
  type SubmitTxsResult,
  type Syncing,
  type TxStatus,
  type Version,
} from "@baton/api";
import {
  computeEpoch,
  fromHex,
  getScheduleForEpoch,
  headerRoot,
  SEQUENCER_STATUS_NAMES,
  toHex,
  txHash,
  windowMisses,
  type SignedBatch,
} from "@baton/core";
import type { FastifyReply } from "fastify";
import type { Chain } from "../chain/index.js";
import type { Clock } from "../clock/index.js";
import type { Mempool } from "../mempool/index.js";
import type { TxService } from "../txs/index.js";
import { VERSION } from "../version.js";
import { dashboardHandler } from "./dashboard.js";
import { parseLastEventId, parseTopics, type EventHub } from "./eventStream.js";
import { healthHttpStatus, healthOf, syncingOf, type HealthSources } from "./health.js";
import type { HandlerRequest, Handlers } from "./server.js";
import { parseTxsBody } from "./txJson.js";

export interface ApiModules {
  chain: Chain;
  mempool: Mempool;
  txs: TxService;
  clock: Clock;
  peers(): PeerList;
  syncProgress(): NodeStatus["sync"];
  /** what /health and /syncing read */
  health: HealthSources;
  nodeInfo(): NodeStatus["node"];
  /** GET /events: ids, the replay ring and the clients */
  events: EventHub;
}

const blockRef = (n: { root: Uint8Array; slot: number; height: number }): BlockRef => ({ height: n.height, slot: n.slot, root: toHex(n.root) });

function parseRoot(v: string, name: string): string {
  try {
    return toHex(fromHex(v, 32));
  } catch {
    throw new ApiError("INVALID_PARAM", `${name}: expected a height or a 0x-prefixed 32-byte root`);
  }
}

export function batchToJson(b: SignedBatch): Batch {
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

export function apiHandlers(m: ApiModules, openApi: () => Promise<Record<string, unknown>>): Handlers {
  const { chain } = m;
  const config = chain.config;
  return {
    dashboard: dashboardHandler(config),
    getStatus: (): NodeStatus => status(m),
    getHealth: (_req, reply): Health => {
      const health = healthOf(m.health);
      void reply.code(healthHttpStatus(health));
      return health;
    },
    getReady: (_req, reply): Health => {
      const health = healthOf(m.health);
      void reply.code(health.status === "healthy" ? 200 : 503);
      return health;
    },
    getSyncing: (): Syncing => syncingOf(m.health),
    getVersion: (): Version => versionInfo(),
    getSequencers: (): SequencerInfo[] => sequencers(chain),
    getSchedule: (req): Schedule => schedule(m, req),
    getBatches: (req): Promise<Batch[]> => batchRange(chain, req),
    getBatch: async (req): Promise<Batch> => {
      const id = req.params.id;
      const batch = /^[0-9]{1,15}$/.test(id) ? await chain.getBatchAtHeight(Number(id)) : await chain.getBatch(parseRoot(id, "id"));
      if (!batch) throw new ApiError("NOT_FOUND", `no batch ${id}`);
      return batchToJson(batch);
    },
    submitTxs: (req): SubmitTxsResult => submitTxs(m, req.body),
    getTx: (req): Promise<TxStatus> => txStatus(m, parseRoot(req.params.hash, "hash")),
    getAccount: (req): Account => account(m, req.params.pubkey),
    getMempool: (): MempoolInfo => ({ size: m.mempool.size }),
    getPeers: () => m.peers(),
    getEvents: (req, reply) => streamEvents(m.events, req, reply),
    getOpenApi: () => openApi(),
  };
}

function status(m: ApiModules): NodeStatus {
  const config = m.chain.config;
  const slot = m.clock.currentSlot();
  const sync = m.syncProgress();
  return {
    version: VERSION,
    chainId: config.chainId,
    slotMs: config.slotMs,
    slotsPerEpoch: config.slotsPerEpoch,
    slot,
    epoch: computeEpoch(config, slot),
    head: blockRef(m.chain.getHead()),
    confirmed: blockRef(m.chain.getConfirmed()),
    peers: m.peers().length,
    syncing: sync.syncing,
    sync,
    mempool: m.mempool.size,
    node: m.nodeInfo(),
  };
}

export const versionInfo = (): Version => ({ version: VERSION, runtime: `node ${process.version}`, platform: `${process.platform}-${process.arch}` });

function sequencers(chain: Chain): SequencerInfo[] {
  const state = chain.getHeadState();
  return state.sequencers.map((s, index) => ({
    index,
    pubkey: toHex(s.pubkey),
    account: toHex(s.account),
    stake: s.stake.toString(),
    status: SEQUENCER_STATUS_NAMES[s.status] as SequencerInfo["status"],
    produced: s.produced,
    misses: s.misses,
    consecutiveMisses: s.consecutiveMisses,
    windowMisses: windowMisses(s.missBits),
    slashed: s.slashed,
    unbonding: state.unbonding
      .filter((u) => u.sequencerIndex === index)
      .map((u) => ({ token: u.token, amount: u.amount.toString(), releaseEpoch: u.releaseEpoch })),
  }));
}

function schedule(m: ApiModules, req: HandlerRequest): Schedule {
  const config = m.chain.config;
  const state = m.chain.getHeadState();
  const epoch = req.query.epoch !== undefined ? Number(req.query.epoch) : computeEpoch(config, m.clock.currentSlot());
  const known = [state.currentCommittee.epoch, state.nextCommittee.epoch];
  if (!known.includes(epoch)) {
    throw new ApiError("EPOCH_NOT_AVAILABLE", `epoch: the head state knows the schedule of epochs ${known.join(" and ")}, not ${epoch}`);
  }
  const s = getScheduleForEpoch(state, config, epoch);
  return { epoch, slots: s.slots.map((x) => ({ slot: x.slot, leader: x.order[0], fallbacks: x.order.slice(1) })) };
}

function submitTxs(m: ApiModules, body: unknown): SubmitTxsResult {
  if (body === undefined) throw new ApiError("EMPTY_BODY", "expected a JSON body");
  const results = m.txs.submit(parseTxsBody(body));
  const errors = results.flatMap((r, index) => (r.error ? [{ index, hash: r.hash, ...r.error }] : []));
  if (errors.length === results.length) {
    const first = errors[0];
    throw new ApiError(first.code, `txs[${first.index}]: ${first.message}`);
  }
  return { hashes: results.filter((r) => !r.error).map((r) => r.hash), ...(errors.length ? { errors } : {}) };
}

async function txStatus(m: ApiModules, hash: string): Promise<TxStatus> {
  const found = await findTx(m, hash);
  if (found) return found;
  // an import takes an included tx out of the mempool before its write of the tx index
  // lands: a tx in that window is in neither; ask again once the import is done
  await m.chain.whenIdle(2_000);
  const again = await findTx(m, hash);
  if (again) return again;
  throw new ApiError("NOT_FOUND", `tx ${hash} is neither pending nor in the head chain`);
}

async function findTx(m: ApiModules, hash: string): Promise<TxStatus | null> {
  const { chain } = m;
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
  return null;
}

function account(m: ApiModules, pubkeyHex: string): Account {
  let pk: Uint8Array;
  try {
    pk = fromHex(pubkeyHex, 32);
  } catch {
    throw new ApiError("INVALID_PARAM", "pubkey: expected 0x-prefixed 32-byte ed25519 public key");
  }
  const acc = m.chain.findAccount(pk);
  const nonce = acc?.nonce ?? 0;
  return { pubkey: toHex(pk), balance: (acc?.balance ?? 0n).toString(), nonce, nextNonce: m.mempool.nextNonce(pk, nonce), exists: !!acc };
}

/** GET /batches?from&count: the head chain from `from`, at most `count`, stopping at the head. */
async function batchRange(chain: Chain, req: HandlerRequest): Promise<Batch[]> {
  const from = Number(req.query.from);
  const count = req.query.count === undefined ? DEFAULT_BATCH_RANGE : Number(req.query.count);
  if (count < 1 || count > MAX_BATCH_RANGE) throw new ApiError("INVALID_PARAM", `count: expected an integer in [1, ${MAX_BATCH_RANGE}], got ${req.query.count}`);
  const last = Math.min(from + count - 1, chain.getHead().height);
  const out: Batch[] = [];
  for (let height = from; height <= last; height++) {
    const batch = await chain.getBatchAtHeight(height);
    // a reorg while reading shortens the head chain: answer what is still on it
    if (!batch) break;
    out.push(batchToJson(batch));
  }
  return out;
}

/** Server-sent events (eventStream.ts): checks the topics and Last-Event-ID, then hands the response to the hub. */
function streamEvents(hub: EventHub, req: HandlerRequest, reply: FastifyReply): void {
  const topics = parseTopics(req.query.topics);
  const lastId = parseLastEventId(req.raw.headers["last-event-id"], req.query.lastEventId);
  // the answer is written by hand from here on: carry over what hooks set (CORS)
  const headers: Record<string, string | number | string[]> = {};
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = v;
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { ...headers, "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
  if (req.raw.method === "HEAD") {
    res.end();
    return;
  }
  hub.subscribe(res, topics, lastId);
}
