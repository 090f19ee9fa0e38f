export * from "./server.js";
export * from "./routes.js";
export * from "./txJson.js";
