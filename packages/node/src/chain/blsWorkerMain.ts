/**
 * The BLS worker thread (blsWorker.ts starts it): for each message {id, sets}, answers
 * {id, firstInvalid} (-1 when every set verifies), or {id, error}.
 */
import { parentPort } from "node:worker_threads";
import { firstInvalidSignatureSet, type BlsSignatureSet } from "@baton/core";

parentPort?.on("message", (message: { id: number; sets: BlsSignatureSet[] }) => {
  try {
    parentPort?.postMessage({ id: message.id, firstInvalid: firstInvalidSignatureSet(message.sets) });
  } catch (e) {
    parentPort?.postMessage({ id: message.id, error: (e as Error).message });
  }
});
