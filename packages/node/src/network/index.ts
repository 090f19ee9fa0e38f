export {Network} from "./network.js";
export type {NetworkModules} from "./network.js";
export type {NetworkOptions} from "./options.js";
export {defaultNetworkOptions} from "./options.js";
export type {
  NetworkMetrics,
  GossipResult,
  GossipValidatorFn,
  GossipHandlerFn,
  ReqRespHandlers,
  PeerInfoSummary,
} from "./interface.js";
export {GossipType, GOSSIP_TOPIC_VERSION, TopicParseError, stringifyTopic, parseTopic} from "./topics.js";
export type {GossipTopic} from "./topics.js";
export {GossipAction, GossipValidationError, ReqRespError, ReqRespErrorCode} from "./errors.js";
export {MAX_BATCHES_PER_REQUEST, ReqRespMethod, reqRespProtocol} from "./reqresp.js";
export {MAX_GOSSIP_MESSAGE_BYTES, MAX_GOSSIP_RPC_BYTES} from "./gossip.js";
export {PeerOffence, OFFENCE_PENALTY} from "./peerScore.js";
export type {BanEntry} from "./peerScore.js";
export {defaultPeerGuardOptions} from "./peerGuard.js";
export type {PeerGuardOptions, RefusalCounts} from "./peerGuard.js";
export {loadOrCreatePeerKey} from "./peerId.js";
