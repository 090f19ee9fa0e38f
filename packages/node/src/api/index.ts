export * from "./server.js";
export * from "./handlers.js";
export * from "./txJson.js";
export * from "./health.js";
export * from "./eventStream.js";
export * from "./apiAccess.js";
