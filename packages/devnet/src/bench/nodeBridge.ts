/**
 * The benchmark measures the node's own subsystems in-process (the store's write rate,
 * gossipsub between two Network instances, a chain written for the sync test), so it reaches
 * into @baton/node's source like bridge.ts reaches into the CLI's. This is the one file of the
 * devnet package that knows where those modules live.
 */
export { Chain } from "../../../node/src/chain/index.js";
export { BatonDb } from "../../../node/src/db/index.js";
export { Mempool } from "../../../node/src/mempool/index.js";
export { Network, GossipType } from "../../../node/src/network/index.js";
