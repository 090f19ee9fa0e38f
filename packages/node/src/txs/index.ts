export * from "./txService.js";
export * from "./txGossip.js";
