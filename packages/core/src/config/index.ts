export * from "./chainConfig.js";
export * from "./genesis.js";
export * from "./governance.js";
export * from "./ranges.js";
