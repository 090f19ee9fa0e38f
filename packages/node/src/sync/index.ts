export * from "./sync.js";
