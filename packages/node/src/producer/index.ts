export * from "./producer.js";
