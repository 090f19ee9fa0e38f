export * from "./chainConfig.js";
export * from "./genesis.js";
