export * from "./node.js";
export * from "./options.js";
export { loadOrCreatePeerKey } from "./network/peerId.js";
