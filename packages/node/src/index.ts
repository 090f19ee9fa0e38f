/**
 * @packageDocumentation
 * `@baton/node`: one node process. `createNode(opts)` is the composition root; the subsystems
 * below are exported for programs that drive one of them on its own (the benchmark measures the
 * store, gossip and chain import in-process; cluster tests read a stopped node's store).
 * `@baton/node/polyfill` is the side-effect module every entry point imports first (Node 20
 * lacks `Promise.withResolvers`, which libp2p 3 needs).
 */
export * from "./node.js";
export * from "./options.js";
export { loadOrCreatePeerKey } from "./network/peerId.js";
export { Chain } from "./chain/index.js";
export { BatonDb, DbError, DbErrorCode, MetaKey } from "./db/index.js";
export * from "./db/protectionInterchange.js";
export { Mempool } from "./mempool/index.js";
export { Network, GossipType } from "./network/index.js";
export { defaultSyncOptions } from "./sync/index.js";
export { createMetrics } from "./metrics/index.js";
