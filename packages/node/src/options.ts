/**
 * Options of one node process. The CLI turns flags / config files into this; createNode()
 * builds every subsystem from it.
 */
import type { Genesis } from "@baton/core";
import type { BlsKeypair } from "@baton/core";

export interface NodeOptions {
  genesis: Genesis;
  /** directory for the level store, the p2p key and the slashing-protection record */
  dataDir: string;
  /** this node's sequencer key; null = a full (non-sequencing) node */
  sequencerKey: BlsKeypair | null;
  p2p: {
    /** e.g. ["/ip4/127.0.0.1/tcp/9001"] */
    listenAddrs: string[];
    /** multiaddrs with /p2p/<peerId> */
    bootstrap: string[];
  };
  api: {
    host: string; // default 127.0.0.1
    port: number; // 0 = disabled? no: 0 = ephemeral
    enabled: boolean;
    /** origins (scheme://host[:port]) that get CORS headers and preflight answers, or ["*"]; absent/empty = no CORS */
    corsOrigins?: string[];
    /** when set, POST /txs needs `Authorization: Bearer <token>` (GET routes stay open) */
    token?: string | null;
  };
  /** Prometheus text at GET /metrics on a listener of its own; null = no metrics listener */
  metrics: { host: string; port: number } | null;
  mempool: {
    maxSize: number;
  };
  /** pino level */
  logLevel: string;
  /**
   * Shifts this node's clock by this many ms (positive: ahead). For tests and chaos's clock
   * skew fault only: a skewed node must not harm the others, and its misses count like any.
   */
  clockOffsetMs?: number;
}

/** The libp2p identity inside a data dir (a stable peer id across restarts). */
export const PEER_KEY_FILE = "p2p.key";

export const defaultNodeOptions = {
  api: { host: "127.0.0.1", port: 7001, enabled: true },
  mempool: { maxSize: 50_000 },
  logLevel: "info",
};
