/**
 * `startDevnet(opts)`: a local cluster of N node processes on loopback. Creates (or reuses)
 * the devnet directory, starts every node with all the others as bootstrap peers, and
 * optionally a tx load. Used by `baton devnet`, the end-to-end tests and the chaos tool.
 */
import { randomBytes } from "node:crypto";
import { readdir, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { devnetPreset, type Genesis, type MechanismName } from "@baton/core";
import { createDevnet, defaultDevnetParams, readDevnet } from "./generate.js";
import { dialAddr, GENESIS_FILE, MANIFEST_FILE, METRICS_PORT_OFFSET, nodeLayout } from "./layout.js";
import { LoadGenerator, type LoadApi } from "./load.js";
import { NodeProcess, type DevnetNode } from "./process.js";
import { sleep } from "./sleep.js";
import { startArgs } from "./startArgs.js";
import { fetchSnapshot, formatStatusLine, sequencerLabels } from "./status.js";

export interface DevnetOptions {
  nodes?: number;
  slotMs?: number;
  slotsPerEpoch?: number;
  missesToEject?: number;
  /** txs per second (0 = no load) */
  load?: number;
  dir?: string;
  /** delete the directory's devnet and make a new one */
  fresh?: boolean;
  baseApiPort?: number;
  baseP2pPort?: number;
  logLevel?: string;
  /** a new genesis starts this long after creation */
  genesisDelayMs?: number;
  loadAccounts?: number;
  /** 32 bytes; random when omitted (only used when a new devnet is made) */
  seed?: Uint8Array;
  /** notices and warnings (a node exited unexpectedly...); default stderr */
  log?: (line: string) => void;
  /** for the load generator in tests */
  loadApi?: LoadApi;
  /** new devnets only: the selection mechanism (default pos), its params, governance keys */
  mechanism?: MechanismName;
  mechanismParams?: unknown;
  governance?: { threshold: number; keys: Uint8Array[] };
}

export const defaultDevnetOptions = {
  nodes: 4,
  slotMs: devnetPreset.slotMs,
  slotsPerEpoch: devnetPreset.slotsPerEpoch,
  missesToEject: devnetPreset.missesToEject,
  load: 0,
  dir: "./.devnet",
  fresh: false,
  baseApiPort: 7000,
  baseP2pPort: 9000,
  logLevel: "info",
  genesisDelayMs: 5_000,
  loadAccounts: defaultDevnetParams.loadAccounts,
};

export interface Devnet {
  dir: string;
  genesisFile: string;
  genesis: Genesis;
  /** true if this call made the devnet, false if it reused one */
  created: boolean;
  nodes: DevnetNode[];
  load: LoadGenerator | null;
  /** resolves once every running node answers GET /status */
  waitReady(timeoutMs?: number): Promise<void>;
  /** one status line (see status.ts) */
  statusLine(): Promise<string>;
  /** stops the load, SIGTERMs every node, waits (SIGKILL after 5 s) */
  stop(): Promise<void>;
}

export class DevnetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DevnetError";
  }
}

async function assertPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((ok, fail) => {
    const srv = createServer();
    srv.once("error", (e: NodeJS.ErrnoException) =>
      fail(new DevnetError(`port ${port} (${what}) is ${e.code === "EADDRINUSE" ? "in use: is another devnet running?" : `unusable (${e.code})`}`)),
    );
    srv.listen(port, "127.0.0.1", () => srv.close(() => ok()));
  });
}

/** Makes sure `dir` holds a devnet: reuses it, or (re)creates it when missing or `fresh`. */
async function prepareDir(dir: string, o: typeof defaultDevnetOptions & DevnetOptions, log: (l: string) => void) {
  const existing = await readDevnet(dir);
  if (existing && !o.fresh) {
    const g = existing.genesis.config;
    if (existing.manifest.nodes !== o.nodes) {
      throw new DevnetError(`${dir} holds a ${existing.manifest.nodes}-node devnet; pass --fresh to make a ${o.nodes}-node one`);
    }
    const ignored = [
      ["slot-ms", g.slotMs, o.slotMs],
      ["slots-per-epoch", g.slotsPerEpoch, o.slotsPerEpoch],
      ["misses-to-eject", g.missesToEject, o.missesToEject],
      ["mechanism", g.mechanism, o.mechanism ?? g.mechanism],
    ].filter(([, had, want]) => had !== want);
    for (const [flag, had] of ignored) log(`note: reusing ${dir} (genesis ${flag} ${had}); pass --fresh to change it`);
    return { created: false, genesis: existing.genesis, peerIds: existing.manifest.peerIds, loadAccounts: existing.loadAccounts };
  }
  if (o.fresh) {
    const entries = await readdir(dir).catch(() => [] as string[]);
    if (entries.length > 0 && !existing) {
      throw new DevnetError(`${dir} is not empty and holds no devnet (${MANIFEST_FILE}): refusing to delete it`);
    }
    await rm(dir, { recursive: true, force: true });
  } else if ((await readdir(dir).catch(() => [] as string[])).some((e) => e === GENESIS_FILE)) {
    throw new DevnetError(`${dir} has a genesis but no ${MANIFEST_FILE} (an interrupted setup?); pass --fresh`);
  }
  const gen = await createDevnet(
    dir,
    {
      nodes: o.nodes,
      slotMs: o.slotMs,
      slotsPerEpoch: o.slotsPerEpoch,
      missesToEject: o.missesToEject,
      loadAccounts: o.loadAccounts,
      genesisTime: Date.now() + o.genesisDelayMs,
      seed: o.seed ?? new Uint8Array(randomBytes(32)),
      mechanism: o.mechanism,
      mechanismParams: o.mechanismParams,
      governance: o.governance,
    },
    o,
  );
  return { created: true, genesis: gen.genesis, peerIds: gen.manifest.peerIds, loadAccounts: gen.loadAccounts };
}

export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const o = { ...defaultDevnetOptions, ...dropUndefined(options) };
  const log = o.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const dir = resolve(o.dir);
  const prepared = await prepareDir(dir, o, log);
  const genesisFile = join(dir, GENESIS_FILE);

  if (o.baseApiPort + METRICS_PORT_OFFSET + prepared.peerIds.length > 65535) {
    throw new DevnetError(`--base-api-port ${o.baseApiPort}: node i's metrics listen on base+${METRICS_PORT_OFFSET}+i; expected at most ${65535 - METRICS_PORT_OFFSET - prepared.peerIds.length}`);
  }
  const layouts = prepared.peerIds.map((_, k) => nodeLayout(dir, k + 1, o));
  for (const n of layouts) {
    await assertPortFree(n.apiPort, `node${n.index} API`);
    await assertPortFree(n.p2pPort, `node${n.index} p2p`);
    await assertPortFree(n.metricsPort, `node${n.index} metrics`);
  }
  const addrs = layouts.map((n, k) => dialAddr(n, prepared.peerIds[k]));
  const nodes = layouts.map((n, k) => {
    const args = startArgs({
      genesisFile,
      keyFile: n.keyFile,
      dataDir: n.dataDir,
      listenAddr: n.listenAddr,
      bootstrap: addrs.filter((_, j) => j !== k),
      apiHost: "127.0.0.1",
      apiPort: n.apiPort,
      metricsPort: n.metricsPort,
      logLevel: o.logLevel,
    });
    return new NodeProcess(n, prepared.peerIds[k], addrs[k], args, {
      onUnexpectedExit: (node, exit) =>
        log(`warning: node${node.index} exited (${exit.signal ?? `code ${exit.code}`}); see ${node.logFile}`),
    });
  });
  const killAll = () => nodes.forEach((n) => n.killNow());
  process.on("exit", killAll);
  for (const n of nodes) n.start();

  const load =
    o.load > 0
      ? new LoadGenerator({
          rate: o.load,
          apiUrls: nodes.map((n) => n.apiUrl),
          accounts: prepared.loadAccounts,
          chainId: prepared.genesis.config.chainId,
          api: o.loadApi,
        })
      : null;
  const labels = sequencerLabels(prepared.genesis);
  let stopped = false;

  const devnet: Devnet = {
    dir,
    genesisFile,
    genesis: prepared.genesis,
    created: prepared.created,
    nodes,
    load,
    async waitReady(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (const n of nodes) {
        while (n.running && (await fetchSnapshot([n.apiUrl], 500)) === null) {
          if (Date.now() > deadline) throw new DevnetError(`node${n.index} API ${n.apiUrl} did not answer within ${timeoutMs} ms; see ${n.logFile}`);
          await sleep(200);
        }
      }
    },
    async statusLine() {
      const snap = await fetchSnapshot(nodes.filter((n) => n.running).map((n) => n.apiUrl));
      if (snap) snap.from = nodes.filter((n) => n.running)[snap.from - 1].index;
      const down = nodes.filter((n) => !n.running).map((n) => n.index);
      return formatStatusLine(snap, labels, load?.stats ?? null, down);
    },
    async stop() {
      stopped = true;
      await load?.stop();
      await Promise.all(nodes.map((n) => n.stop(5_000)));
      process.off("exit", killAll);
    },
  };
  // The load starts once the nodes answer (so its first bundles don't fail), or after 30 s anyway.
  if (load) {
    void devnet
      .waitReady(30_000)
      .catch((e: Error) => log(`warning: ${e.message}; starting the load anyway`))
      .then(() => !stopped && load.start());
  }
  return devnet;
}

/** Prints devnet.statusLine() every `intervalMs` until stopped. */
export function startStatusReporter(devnet: Devnet, print: (line: string) => void, intervalMs = 3_000): { stop(): void } {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    devnet
      .statusLine()
      .then(print, (e: Error) => print(`status: ${e.message}`))
      .finally(() => (busy = false));
  }, intervalMs);
  return { stop: () => clearInterval(timer) };
}

function dropUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
