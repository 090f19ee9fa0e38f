/**
 * The bodies of the node's HTTP API as JSON Schemas (TypeBox): each schema is the runtime
 * contract (fastify validates and serializes with it, the OpenAPI document is generated from
 * it, the tests check real responses against it) and, through `Static`, the TypeScript type
 * the server returns and the client reads. Amounts are decimal strings (they exceed 2^53);
 * roots, hashes and keys are 0x-prefixed lowercase hex.
 */
import Type, { type Static } from "typebox";

export const Hex32 = Type.String({ pattern: "^0x[0-9a-f]{64}$", description: "32 bytes, 0x-prefixed lowercase hex" });
export const Hex = Type.String({ pattern: "^0x([0-9a-f]{2})*$", description: "bytes, 0x-prefixed lowercase hex" });
export const Amount = Type.String({ pattern: "^[0-9]+$", description: "an amount of the smallest unit, decimal (u64)" });
const Uint = (description: string) => Type.Integer({ minimum: 0, description });

export const BlockRef = Type.Object(
  { height: Uint("batches since genesis (genesis = 0)"), slot: Uint("the batch's slot"), root: Hex32 },
  { title: "BlockRef", description: "a batch on the chain" },
);
export type BlockRef = Static<typeof BlockRef>;

export const SyncProgress = Type.Object(
  {
    syncing: Type.Boolean({ description: "range sync is running" }),
    headHeight: Uint("this node's head height"),
    targetHeight: Uint("while syncing, the height sync works toward (a peer's claim, checked as batches arrive); else the head height"),
    startedHeight: Uint("the head height when the current range sync started"),
    batchesPerSecond: Type.Number({ minimum: 0, description: "import rate of the running sync (0 when none runs)" }),
    etaSeconds: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], { description: "seconds to the target at that rate; null when not syncing" }),
    peer: Type.Union([Type.String(), Type.Null()], { description: "the peer range sync downloads from" }),
  },
  { title: "SyncProgress" },
);
export type SyncProgress = Static<typeof SyncProgress>;

export const NodeInfo = Type.Object(
  {
    peerId: Type.String({ description: "libp2p peer id" }),
    multiaddrs: Type.Array(Type.String(), { description: "libp2p listen addresses" }),
    sequencerIndex: Type.Union([Uint("this node's sequencer index"), Type.Null()]),
  },
  { title: "NodeInfo" },
);
export type NodeInfo = Static<typeof NodeInfo>;

export const NodeStatus = Type.Object(
  {
    version: Type.String({ description: "the node's version (GET /version has more)" }),
    chainId: Uint("the chain id of genesis"),
    slotMs: Uint("slot length in ms"),
    slotsPerEpoch: Uint("slots per epoch"),
    slot: Uint("the clock's current slot"),
    epoch: Uint("the clock's current epoch"),
    head: BlockRef,
    confirmed: BlockRef,
    peers: Uint("connected peers"),
    syncing: Type.Boolean({ description: "same as sync.syncing" }),
    sync: SyncProgress,
    mempool: Uint("pending txs"),
    node: NodeInfo,
  },
  { title: "NodeStatus" },
);
export type NodeStatus = Static<typeof NodeStatus>;

export const SequencerStatusName = Type.Union([Type.Literal("active"), Type.Literal("ejected"), Type.Literal("exited")]);

export const Unbonding = Type.Object(
  {
    token: Uint("0 = native stake (paid to the balance), t > 0 = proof-of-stake token t"),
    amount: Amount,
    releaseEpoch: Uint("the epoch from which it is paid out"),
  },
  { title: "Unbonding" },
);

export const SequencerInfo = Type.Object(
  {
    index: Uint("index in the sequencer list"),
    pubkey: Hex,
    account: Hex32,
    stake: Amount,
    status: SequencerStatusName,
    produced: Uint("batches produced"),
    misses: Uint("slots missed, lifetime"),
    consecutiveMisses: Uint("misses since the last produced batch"),
    windowMisses: Uint("misses in the recent miss window"),
    slashed: Type.Boolean(),
    unbonding: Type.Array(Unbonding),
  },
  { title: "SequencerInfo" },
);
export type SequencerInfo = Static<typeof SequencerInfo>;
export const SequencerList = Type.Array(SequencerInfo);
export type SequencerList = Static<typeof SequencerList>;

export const Schedule = Type.Object(
  {
    epoch: Uint("the epoch"),
    slots: Type.Array(
      Type.Object({
        slot: Uint("slot"),
        leader: Uint("sequencer index of the leader"),
        fallbacks: Type.Array(Uint("sequencer index"), { description: "who may build the slot after the leader, in order" }),
      }),
    ),
  },
  { title: "Schedule" },
);
export type Schedule = Static<typeof Schedule>;

export const Batch = Type.Object(
  {
    root: Hex32,
    chainId: Uint("chain id"),
    slot: Uint("slot"),
    height: Uint("height"),
    proposer: Uint("sequencer index of the proposer"),
    parentRoot: Hex32,
    txRoot: Hex32,
    stateRoot: Hex32,
    randaoReveal: Hex,
    signature: Hex,
    txs: Type.Array(Hex32, { description: "tx hashes, in order" }),
  },
  { title: "Batch" },
);
export type Batch = Static<typeof Batch>;

export const TxObject = Type.Object(
  {
    sender: Hex32,
    nonce: Uint("the sender's nonce"),
    fee: Type.Union([Amount, Uint("fee")]),
    kind: Type.Optional(Type.Union([Uint("tx kind number"), Type.String({ description: "tx kind name" })])),
    payload: Type.Optional(Hex),
    signature: Hex,
  },
  { description: "a tx as JSON" },
);
export const TxItem = Type.Union([Type.String({ description: "0x hex of the SSZ-encoded Tx" }), TxObject]);
export const SubmitTxsBody = Type.Union(
  [Type.Object({ txs: Type.Array(TxItem) }), Type.Object({ tx: TxItem }), Type.Array(TxItem), TxItem],
  { description: 'one tx, an array, {"tx": …} or {"txs": […]} (at most 10,000 per request); each tx as SSZ hex or JSON' },
);

export const TxRejection = Type.Object({ index: Uint("position in the request"), hash: Hex32, code: Type.String(), message: Type.String() });
export const SubmitTxsResult = Type.Object(
  {
    hashes: Type.Array(Hex32, { description: "txs accepted into the mempool" }),
    errors: Type.Optional(Type.Array(TxRejection, { description: "txs refused (present only if some were)" })),
  },
  { title: "SubmitTxsResult" },
);
export type SubmitTxsResult = Static<typeof SubmitTxsResult>;

export const TxStatus = Type.Object(
  {
    hash: Hex32,
    status: Type.Union([Type.Literal("pending"), Type.Literal("included"), Type.Literal("confirmed")]),
    height: Type.Union([Uint("height of its batch"), Type.Null()]),
    slot: Type.Union([Uint("slot of its batch"), Type.Null()]),
    batch: Type.Optional(Hex32),
  },
  { title: "TxStatus" },
);
export type TxStatus = Static<typeof TxStatus>;

export const Account = Type.Object(
  {
    pubkey: Hex32,
    balance: Amount,
    nonce: Uint("nonce in the head state"),
    nextNonce: Uint("next free nonce counting this node's pending txs"),
    exists: Type.Boolean({ description: "the account is in the head state" }),
  },
  { title: "Account" },
);
export type Account = Static<typeof Account>;

export const MempoolInfo = Type.Object({ size: Uint("pending txs") }, { title: "MempoolInfo" });
export type MempoolInfo = Static<typeof MempoolInfo>;

export const Peer = Type.Object({ peerId: Type.String(), addrs: Type.Array(Type.String()) }, { title: "Peer" });
export type Peer = Static<typeof Peer>;
export const PeerList = Type.Array(Peer);
export type PeerList = Static<typeof PeerList>;

export const ErrorBody = Type.Object(
  { error: Type.Object({ code: Type.String({ description: "one of the codes in docs/api.md" }), message: Type.String() }) },
  { title: "ErrorBody" },
);
export type ErrorBody = Static<typeof ErrorBody>;

export const BatchList = Type.Array(Batch, { title: "BatchList", description: "batches of the head chain, by height, ascending" });
export type BatchList = Static<typeof BatchList>;

/** Most batches one GET /batches answers with, and how many without `count`. */
export const MAX_BATCH_RANGE = 256;
export const DEFAULT_BATCH_RANGE = 64;

export const EpochQuery = Type.Object({ epoch: Type.Optional(Type.String({ pattern: "^[0-9]{1,15}$", description: "an epoch; default: the current one" })) });
export const BatchRangeQuery = Type.Object({
  from: Type.String({ pattern: "^[0-9]{1,15}$", description: "the first height" }),
  count: Type.Optional(
    Type.String({ pattern: "^[0-9]{1,4}$", description: `how many batches, 1 to ${MAX_BATCH_RANGE} (default ${DEFAULT_BATCH_RANGE}); fewer when the head is lower` }),
  ),
});
export const EventsQuery = Type.Object({
  topics: Type.Optional(Type.String({ description: "a comma list of event names to receive (default: all), e.g. batch,head" })),
  lastEventId: Type.Optional(
    Type.String({ pattern: "^[0-9]{1,16}$", description: "replay the kept events after this id (for EventSource polyfills that cannot send the Last-Event-ID header; the header wins)" }),
  ),
});
export const EventsHeaders = Type.Object({
  "last-event-id": Type.Optional(
    Type.String({ pattern: "^[0-9]{1,16}$", description: "the id of the last event the client saw: the stream first replays the kept events after it" }),
  ),
});
export const BatchIdParams = Type.Object({ id: Type.String({ description: "a height or a 0x-prefixed 32-byte root" }) });
export const TxHashParams = Type.Object({ hash: Type.String({ description: "a 0x-prefixed 32-byte tx hash" }) });
export const PubkeyParams = Type.Object({ pubkey: Type.String({ description: "a 0x-prefixed 32-byte ed25519 public key" }) });

/** GET /openapi.json: checked only for its frame (the rest is OpenAPI 3.1's own schema). */
export const OpenApiDocument = Type.Object(
  {
    openapi: Type.String({ description: "3.1.0" }),
    info: Type.Object({ title: Type.String(), version: Type.String() }, { additionalProperties: true }),
    paths: Type.Object({}, { additionalProperties: true }),
  },
  { title: "OpenApiDocument", additionalProperties: true },
);

export const HealthStatusName = Type.Union([Type.Literal("healthy"), Type.Literal("syncing"), Type.Literal("unhealthy")]);
export const Health = Type.Object(
  {
    status: HealthStatusName,
    reasons: Type.Array(Type.String(), { description: "why it is not healthy (empty when healthy)" }),
    peers: Uint("connected peers"),
    headSlot: Uint("slot of the head batch"),
    currentSlot: Uint("the clock's slot"),
    lagSlots: Uint("currentSlot - headSlot"),
    maxLagSlots: Uint("above this lag the node is unhealthy"),
  },
  { title: "Health" },
);
export type Health = Static<typeof Health>;

export const Syncing = Type.Object(
  {
    headSlot: Uint("slot of the head batch"),
    headHeight: Uint("height of the head batch"),
    currentSlot: Uint("the clock's slot"),
    syncDistance: Uint("currentSlot - headSlot: slots the head is behind the clock (empty slots count too)"),
    targetHeight: Uint("the best head height peers reported in the last 30 s (a hint: what sync aims at), at least headHeight"),
    isSyncing: Type.Boolean({ description: "a range sync is importing batches this node lacked" }),
    isStalled: Type.Boolean({ description: "the head is more than maxLagSlots behind the clock and no sync is making progress" }),
  },
  { title: "Syncing" },
);
export type Syncing = Static<typeof Syncing>;

export const Version = Type.Object(
  {
    version: Type.String({ description: "the node's version" }),
    runtime: Type.String({ description: "the JavaScript runtime, e.g. node v20.19.0" }),
    platform: Type.String({ description: "OS and CPU architecture, e.g. linux-x64" }),
  },
  { title: "Version" },
);
export type Version = Static<typeof Version>;
