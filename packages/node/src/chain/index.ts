export * from "./chain.js";
export * from "./events.js";
export * from "./store.js";
export * from "./validation.js";
