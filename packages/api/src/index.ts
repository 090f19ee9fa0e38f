export * from "./schemas.js";
export * from "./events.js";
export * from "./errors.js";
export * from "./routes.js";
