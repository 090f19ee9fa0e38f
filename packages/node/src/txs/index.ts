export * from "./txService.js";
