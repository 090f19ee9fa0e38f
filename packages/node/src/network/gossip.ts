import {createHash} from "node:crypto";
import {gossipsub, StrictNoSign, TopicValidatorResult} from "@libp2p/gossipsub";
import type {GossipSub, GossipsubMessage, GossipsubOpts, TopicValidatorFn} from "@libp2p/gossipsub";
import {createTopicScoreParams} from "@libp2p/gossipsub/score";
import type {TopicScoreParams} from "@libp2p/gossipsub/score";
import type {Logger} from "pino";
import {GossipAction, GossipValidationError} from "./errors.js";
import type {GossipHandlerFn, GossipValidatorFn, NetworkMetrics} from "./interface.js";
import {GossipType, stringifyTopic} from "./topics.js";

/**
 * Largest payload we publish. gossipsub frames each RPC with a 4 MiB limit and silently drops
 * (publish returns 0 recipients) a message that does not fit; 1 KiB is left for the envelope.
 */
export const MAX_GOSSIP_MESSAGE_BYTES = 4 * 1024 * 1024 - 1024;

/**
 * Largest gossipsub RPC frame we read. The frame's length prefix is checked before any of it
 * is buffered: a longer frame ends that peer's gossip stream unread (it-length-prefixed's
 * InvalidDataLengthError). Equal to what a gossipsub sender can encode at most.
 */
export const MAX_GOSSIP_RPC_BYTES = 4 * 1024 * 1024;

/**
 * Weight of our own peer score (peerGuard.ts, ≤ 0, the ban comes at -100) in gossipsub's
 * score (its app-specific part, P5). Small enough that two REJECTs (gossipsub's own
 * invalid-delivery penalty -40, ours -80 × 0.25) stay above the graylist threshold (-80), so
 * the third still reaches our validator and bans; large enough that a peer with sync
 * offences drops below 0 and out of the mesh.
 */
export const APP_SCORE_WEIGHT = 0.25;

/** Topic string of every gossip type for one chain. */
export function gossipTopics(chainId: number): Record<GossipType, string> {
  return {
    [GossipType.tx]: stringifyTopic({chainId, type: GossipType.tx}),
    [GossipType.batch]: stringifyTopic({chainId, type: GossipType.batch}),
  };
}

/**
 * Per-topic score: punish invalid messages hard (the penalty is -10 x count^2, so a peer with
 * three recent REJECTs is below the graylist threshold of -80; counts decay 10% a second), reward first deliveries a little, and do NOT penalise peers for
 * quiet topics (the default mesh-delivery penalty would graylist every peer of a topic that
 * carries less than ~20 messages per 10 s — e.g. one batch per slot).
 */
const TOPIC_SCORE_PARAMS: Partial<TopicScoreParams> = {
  topicWeight: 1,
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: 1_000,
  timeInMeshCap: 300,
  firstMessageDeliveriesWeight: 1,
  firstMessageDeliveriesDecay: 0.5,
  firstMessageDeliveriesCap: 10,
  meshMessageDeliveriesWeight: 0,
  meshFailurePenaltyWeight: 0,
  invalidMessageDeliveriesWeight: -10,
  invalidMessageDeliveriesDecay: 0.9,
};

/**
 * gossipsub service factory: unsigned messages with content-hash ids, only our topics, frames
 * up to MAX_GOSSIP_RPC_BYTES; `appScore` (our peer score) counts in gossipsub's peer score.
 */
export function createGossipsubService(chainId: number, appScore: (peerId: string) => number = () => 0): ReturnType<typeof gossipsub> {
  const topics = Object.values(gossipTopics(chainId));
  const opts: Partial<GossipsubOpts> = {
    // We sign payloads ourselves; gossipsub's signatures halve throughput and prove nothing.
    globalSignaturePolicy: StrictNoSign,
    msgIdFn: (msg) => createHash("sha256").update(msg.data).digest(),
    msgIdToStrFn: (id) => Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString("hex"),
    allowPublishToZeroTopicPeers: true,
    ignoreDuplicatePublishError: true,
    fallbackToFloodsub: false,
    allowedTopics: topics,
    emitSelf: false,
    maxInboundDataLength: MAX_GOSSIP_RPC_BYTES,
    scoreParams: {
      appSpecificScore: appScore,
      appSpecificWeight: APP_SCORE_WEIGHT,
      // Disabled: local clusters share 127.0.0.1; sequencer sets are small and known.
      IPColocationFactorWeight: 0,
      decayInterval: 1_000,
      topics: Object.fromEntries(topics.map((t) => [t, createTopicScoreParams(TOPIC_SCORE_PARAMS)])),
    },
  };
  return gossipsub(opts);
}

/**
 * Adapts an application validator to gossipsub: maps GossipValidationError to IGNORE/REJECT,
 * any other error to IGNORE (logged: it is our bug), and counts every result.
 */
export function createTopicValidator(
  type: GossipType,
  validate: GossipValidatorFn,
  metrics: NetworkMetrics | null,
  log: Logger,
  onReject: RejectListener = () => {}
): TopicValidatorFn {
  return async (peer, msg) => {
    const from = peer.toString();
    try {
      await validate(msg.data, from);
    } catch (e) {
      if (e instanceof GossipValidationError) {
        const reject = e.action === GossipAction.REJECT;
        metrics?.onGossipResult(type, reject ? "reject" : "ignore");
        log.debug({type, peer: from, action: e.action, code: e.code}, "gossip message dropped");
        if (reject && e.scored) onReject(from, type, e.code);
        return reject ? TopicValidatorResult.Reject : TopicValidatorResult.Ignore;
      }
      metrics?.onGossipResult(type, "ignore");
      log.warn({type, peer: from, err: e}, "gossip validator threw an untyped error; message ignored");
      return TopicValidatorResult.Ignore;
    }
    metrics?.onGossipResult(type, "accept");
    return TopicValidatorResult.Accept;
  };
}

/** Told of every message our validator REJECTed (unless `scored: false`): `from` is the peer that sent it to us. */
export type RejectListener = (from: string, type: GossipType, code: string) => void;

export interface GossipWiring {
  /** Join our topics; call once libp2p has started. */
  subscribe(): void;
  /** Remove validators and the message listener; call before stopping libp2p. */
  unwire(): void;
}

/**
 * Registers validators and hands accepted messages to `onGossip`. Call before libp2p starts,
 * so that no message is ever processed without its validator; then `subscribe()` after start.
 */
export function wireGossip(
  pubsub: GossipSub,
  chainId: number,
  validators: Record<GossipType, GossipValidatorFn>,
  onGossip: Partial<Record<GossipType, GossipHandlerFn>>,
  metrics: NetworkMetrics | null,
  log: Logger,
  onReject?: RejectListener
): GossipWiring {
  const topics = gossipTopics(chainId);
  const typeByTopic = new Map<string, GossipType>();
  for (const type of Object.values(GossipType)) {
    typeByTopic.set(topics[type], type);
    pubsub.topicValidators.set(topics[type], createTopicValidator(type, validators[type], metrics, log, onReject));
  }

  const onMessage = (evt: CustomEvent<GossipsubMessage>): void => {
    const {propagationSource, msg} = evt.detail;
    const type = typeByTopic.get(msg.topic);
    const handler = type === undefined ? undefined : onGossip[type];
    if (handler === undefined) return;
    const from = propagationSource.toString();
    Promise.resolve()
      .then(() => handler(msg.data, from))
      .catch((err: unknown) => log.warn({type, peer: from, err}, "gossip handler failed"));
  };
  pubsub.addEventListener("gossipsub:message", onMessage);

  return {
    subscribe: () => {
      for (const topic of typeByTopic.keys()) pubsub.subscribe(topic);
    },
    unwire: () => {
      pubsub.removeEventListener("gossipsub:message", onMessage);
      for (const topic of typeByTopic.keys()) pubsub.topicValidators.delete(topic);
    },
  };
}
