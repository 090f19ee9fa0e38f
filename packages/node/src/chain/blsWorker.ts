/**
 * BLS signature checks on a worker thread, so that range sync's main thread applies the next
 * batches while the worker checks the previous ones' signatures (two cores: the pairing work
 * and the state transition overlap). One worker per process, started on first use; a check is
 * one blst multi-verify of the sets, and on failure the index of the first bad set (bisection,
 * on the worker). blsWorkerMain.ts is the worker's side.
 */
import { Worker } from "node:worker_threads";
import type { BlsSignatureSet } from "@baton/core";

export interface WorkerCheckResult {
  /** -1: every set verifies; else the index of the first that does not */
  firstInvalid: number;
}

interface Pending {
  resolve(result: WorkerCheckResult): void;
  reject(error: Error): void;
}

/**
 * The worker's file: blsWorkerMain.js next to this one when compiled; from source (tests,
 * tsx), the .ts file, run with this process's loader flags (execArgv).
 */
const WORKER_URL = new URL(import.meta.url.endsWith(".ts") ? "./blsWorkerMain.ts" : "./blsWorkerMain.js", import.meta.url);

export class BlsWorker {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  /** Checks the sets on the worker thread. */
  check(sets: BlsSignatureSet[]): Promise<WorkerCheckResult> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<WorkerCheckResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, sets });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_URL, { execArgv: process.execArgv });
    worker.unref(); // an idle worker never keeps the process alive
    worker.on("message", (message: { id: number; firstInvalid?: number; error?: string }) => {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) pending.reject(new Error(`bls worker: ${message.error}`));
      else pending.resolve({ firstInvalid: message.firstInvalid ?? -1 });
    });
    worker.on("error", (error) => this.failAll(error));
    worker.on("exit", (code) => {
      if (this.worker === worker) this.worker = null;
      if (this.pending.size > 0) this.failAll(new Error(`bls worker exited (code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

let shared: BlsWorker | null = null;
/** The process's BLS worker (one is enough: it serves range sync, one chunk at a time). */
export function sharedBlsWorker(): BlsWorker {
  shared ??= new BlsWorker();
  return shared;
}
