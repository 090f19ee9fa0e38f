export * from "./hex.js";
export * from "./hash.js";
export * from "./ed25519.js";
export * from "./bls.js";
