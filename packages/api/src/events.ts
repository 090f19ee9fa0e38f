/**
 * The chain's events as the API streams them (`GET /events`, server-sent events: `event:` is
 * the name, `data:` the JSON payload). The node's Chain emits the same names with these
 * payloads (the batch event adds the decoded batch, which the stream leaves out).
 */
import Type, { type Static } from "typebox";
import { Amount, BlockRef, Hex32, SequencerStatusName } from "./schemas.js";

const Uint = (description: string) => Type.Integer({ minimum: 0, description });

export const BatchEvent = Type.Object(
  {
    root: Hex32,
    slot: Uint("slot"),
    height: Uint("height"),
    proposer: Uint("sequencer index of the proposer"),
    txs: Uint("number of txs"),
    source: Type.Union([Type.Literal("gossip"), Type.Literal("sync"), Type.Literal("produced"), Type.Literal("api")]),
    importedAt: Uint("unix ms when this node finished importing it (tools time soft confirmation with it)"),
  },
  { title: "BatchEvent", description: "a batch was imported" },
);
export type BatchEvent = Static<typeof BatchEvent>;

export const MissEvent = Type.Object(
  { sequencer: Uint("sequencer index"), misses: Uint("misses recorded by this batch"), slot: Uint("slot of the batch that recorded them") },
  { title: "MissEvent", description: "misses were recorded on the head chain" },
);
export type MissEvent = Static<typeof MissEvent>;

export const StatusChangeEvent = Type.Object(
  { sequencer: Uint("sequencer index"), slot: Uint("slot"), from: SequencerStatusName, to: SequencerStatusName, stake: Amount },
  { title: "StatusChangeEvent", description: "a sequencer was ejected, rejoined or exited on the head chain" },
);
export type StatusChangeEvent = Static<typeof StatusChangeEvent>;

/** Event name → payload schema: what `GET /events` streams. */
export const API_EVENTS = {
  batch: BatchEvent,
  head: BlockRef,
  confirmed: BlockRef,
  miss: MissEvent,
  ejected: StatusChangeEvent,
  rejoined: StatusChangeEvent,
  exited: StatusChangeEvent,
} as const;

export type ApiEventName = keyof typeof API_EVENTS;
export type ApiEventMap = { [K in ApiEventName]: Static<(typeof API_EVENTS)[K]> };
export const API_EVENT_NAMES = Object.keys(API_EVENTS) as ApiEventName[];

/** The event stream sends a `: ping` comment this often (proxies and clients see it is alive). */
export const EVENT_HEARTBEAT_MS = 15_000;
/** How many recent events the node keeps to replay to a client that reconnects with Last-Event-ID. */
export const EVENT_REPLAY_SIZE = 1_024;
