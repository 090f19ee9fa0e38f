/**
 * The devnet directory:
 *   <dir>/devnet.json        manifest: seed, node count, peer ids (mode 0600: the seed derives every key)
 *   <dir>/genesis.json
 *   <dir>/node<i>/key.json   sequencer key file (baton keys format, mode 0600)
 *   <dir>/node<i>/p2p.key    libp2p identity (protobuf Ed25519, mode 0600), read by the node
 *   <dir>/node<i>/node.log   the node's stdout/stderr (pino JSON lines)
 *   <dir>/node<i>/...        the node's data dir (chain store, slashing protection)
 * Node i (1-based) serves its API at http://127.0.0.1:(baseApiPort+i), its metrics at
 * http://127.0.0.1:(baseApiPort+METRICS_PORT_OFFSET+i)/metrics and p2p at
 * /ip4/127.0.0.1/tcp/(baseP2pPort+i).
 */
import { join } from "node:path";

export const MANIFEST_FILE = "devnet.json";
export const GENESIS_FILE = "genesis.json";
export const KEY_FILE = "key.json";
/** Must match the file name the node reads its libp2p key from, inside its data dir. */
export const PEER_KEY_FILE = "p2p.key";
export const LOG_FILE = "node.log";
/** A node's metrics listener is its API port + this (devnet: API 7001 → metrics 8001). */
export const METRICS_PORT_OFFSET = 1000;

export interface Ports {
  baseApiPort: number;
  baseP2pPort: number;
}

export interface NodeLayout {
  /** 1-based */
  index: number;
  dataDir: string;
  keyFile: string;
  peerKeyFile: string;
  logFile: string;
  apiPort: number;
  apiUrl: string;
  metricsPort: number;
  /** GET here: Prometheus text */
  metricsUrl: string;
  p2pPort: number;
  listenAddr: string;
}

export function nodeLayout(dir: string, index: number, ports: Ports): NodeLayout {
  const dataDir = join(dir, `node${index}`);
  const apiPort = ports.baseApiPort + index;
  const p2pPort = ports.baseP2pPort + index;
  return {
    index,
    dataDir,
    keyFile: join(dataDir, KEY_FILE),
    peerKeyFile: join(dataDir, PEER_KEY_FILE),
    logFile: join(dataDir, LOG_FILE),
    apiPort,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    metricsPort: apiPort + METRICS_PORT_OFFSET,
    metricsUrl: `http://127.0.0.1:${apiPort + METRICS_PORT_OFFSET}/metrics`,
    p2pPort,
    listenAddr: `/ip4/127.0.0.1/tcp/${p2pPort}`,
  };
}

export const dialAddr = (n: NodeLayout, peerId: string) => `${n.listenAddr}/p2p/${peerId}`;
