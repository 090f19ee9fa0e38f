export * from "./errors.js";
export * from "./shuffle.js";
export * from "./committee.js";
export * from "./shares.js";
export * from "./epochSchedule.js";
export * from "./leader.js";
