/** What the chaos runner needs from a way of running a cluster (processes, netns hosts, docker). */
import type { Ed25519Keypair, Genesis } from "@baton/core";
import type { LoadApi } from "../load.js";
import type { ChaosHttp } from "./http.js";
import type { FaultKind, PlannedFault } from "./plan.js";

export enum BackendName {
  processes = "processes",
  netns = "netns",
  docker = "docker",
}
export const BACKEND_NAMES = Object.values(BackendName);

export interface ClusterSettings {
  nodes: number;
  slotMs: number;
  slotsPerEpoch: number;
  missesToEject: number;
  /** first slot starts this long after the cluster is made */
  genesisDelayMs: number;
  loadAccounts: number;
  /** derives every key of the cluster */
  seed: Uint8Array;
  /** node i: API port base+i, p2p port base+i */
  baseApiPort: number;
  baseP2pPort: number;
  /** where the cluster's files and logs go */
  dir: string;
  logLevel: string;
}

export interface ClusterInfo {
  genesis: Genesis;
  loadAccounts: Ed25519Keypair[];
  /** API base URL of node i at [i-1] (as the backend's http reaches it) */
  apiUrls: string[];
  /** where each node's log is (files or a command) */
  logs: string[];
}

/** A node exit the runner must judge: planned (the fault plan asked for it) or a crash. */
export interface NodeExit {
  node: number;
  atMs: number;
  planned: boolean;
  detail: string;
}

export interface ChaosBackend {
  readonly name: BackendName;
  /** faults this backend can inject */
  readonly kinds: readonly FaultKind[];
  /** can it run two faults at once */
  readonly concurrent: boolean;
  readonly http: ChaosHttp;
  readonly loadApi: LoadApi;
  /** makes the cluster and starts every node */
  start(settings: ClusterSettings, log: (line: string) => void): Promise<ClusterInfo>;
  inject(fault: PlannedFault): Promise<void>;
  heal(fault: PlannedFault): Promise<void>;
  /** every node process runs (restarts any that is down, thaws any frozen, heals the network) */
  healAll(): Promise<void>;
  /** exits seen so far */
  exits(): NodeExit[];
  /** stops every node and removes what start() made; safe to call twice or after a failed start */
  stop(): Promise<void>;
}

/** Shared bookkeeping: which node is expected to exit, and every exit seen. */
export class ExitLog {
  private readonly expecting = new Set<number>();
  private readonly seen: NodeExit[] = [];
  constructor(private readonly now: () => number = Date.now) {}
  expect(node: number): void {
    this.expecting.add(node);
  }
  clear(node: number): void {
    this.expecting.delete(node);
  }
  record(node: number, detail: string): NodeExit {
    const e = { node, atMs: this.now(), planned: this.expecting.has(node), detail };
    this.seen.push(e);
    return e;
  }
  all(): NodeExit[] {
    return [...this.seen];
  }
}
