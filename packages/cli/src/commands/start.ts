/**
 * `baton start`: one node. Settings come from flags > environment > config file > defaults
 * (config.ts), are validated (values, files, free ports) before anything starts, and become
 * NodeOptions; SIGTERM/SIGINT close the node cleanly. While it catches up with its peers it
 * prints sync progress (height, rate, ETA) on stderr.
 */
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { KeyFileFormat, loadKey, type KeyFile } from "@baton/client";
import { bytesEqual, SEQUENCER_STATUS_NAMES, toHex, type BlsKeypair, type Genesis } from "@baton/core";
import type { NodeOptions } from "@baton/node";
import { UsageError, type CommandSpec, type FlagValues } from "../args.js";
import type { Command, Io } from "../command.js";
import {
  configFilePath,
  describeSource,
  LOG_LEVELS,
  requireAll,
  resolveNodeConfig,
  settingFlags,
  type NodeConfig,
  type ResolvedConfig,
  type SettingName,
  type Source,
} from "../config.js";
import { loadConfigFile } from "../configFile.js";
import { readGenesisFile } from "../genesisFile.js";
import { acquireKeyLock, type KeyLock } from "../keyLock.js";
import { isInDevnetDir, keyFileTooOpen } from "../keys.js";
import { passwordSource, readPassword } from "../password.js";
import { onStopSignal } from "../signals.js";

export { LOG_LEVELS };

const spec: CommandSpec = {
  name: "start",
  summary: "run a node (a sequencer if its key is staked, else a full node)",
  flags: settingFlags(),
  notes: [
    "Each setting can also come from the environment (BATON_*) or a config file (--config, TOML or JSON,",
    "keys as in `baton config show`); precedence: flags > environment > config file > defaults.",
    "The keystore password comes from --password-file, BATON_KEYSTORE_PASSWORD_FILE or BATON_KEYSTORE_PASSWORD.",
    "Exposing the API (--api-host 0.0.0.0)? Set --api-token-file so only holders of the token can POST /txs.",
    "SIGTERM or SIGINT stops the node cleanly; a second signal exits at once.",
  ],
};

/** Reads the config file (if --config or BATON_CONFIG names one) and merges every source. */
export async function resolveStartConfig(values: FlagValues, env: NodeJS.ProcessEnv, cwd: string): Promise<ResolvedConfig> {
  const cf = configFilePath(values, env, cwd);
  const file = cf ? await loadConfigFile(cf.path, cf.from) : null;
  return resolveNodeConfig({ flags: values, env, file, cwd });
}

/** Pure: the effective config (plus the loaded genesis, key and API token) → NodeOptions. */
export function toNodeOptions(c: NodeConfig, genesis: Genesis, sequencerKey: BlsKeypair | null, apiToken: string | null = null): NodeOptions {
  return {
    genesis,
    dataDir: c.dataDir,
    sequencerKey,
    p2p: { listenAddrs: c.listen, bootstrap: c.bootstrap },
    api: {
      host: c.apiHost,
      port: c.apiPort,
      enabled: true,
      ...((c.apiCorsOrigins ?? []).length > 0 ? { corsOrigins: c.apiCorsOrigins } : {}),
      ...(apiToken !== null ? { token: apiToken } : {}),
    },
    metrics: c.metricsPort === null ? null : { host: c.metricsHost, port: c.metricsPort },
    mempool: { maxSize: c.mempoolSize },
    logLevel: c.logLevel,
    ...(c.clockOffsetMs ? { clockOffsetMs: c.clockOffsetMs } : {}),
  };
}

/** Pure: flags only (no environment, no config file) → NodeOptions. */
export function nodeOptionsFromFlags(values: FlagValues, genesis: Genesis, sequencerKey: BlsKeypair | null): NodeOptions {
  return toNodeOptions(requireAll(resolveNodeConfig({ flags: values, env: {}, file: null, cwd: process.cwd() })), genesis, sequencerKey);
}

/** The API token: the first line of apiTokenFile (trimmed); a missing, unreadable or empty file is a UsageError naming the setting. */
export async function readApiToken(c: NodeConfig, sources: Record<SettingName, Source>): Promise<string | null> {
  if (c.apiTokenFile === null || c.apiTokenFile === undefined) return null;
  const where = describeSource("apiTokenFile", sources.apiTokenFile);
  let text: string;
  try {
    text = await readFile(c.apiTokenFile, "utf8");
  } catch (e) {
    throw new UsageError(`${where}: cannot read ${c.apiTokenFile} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); expected a file holding the API token`);
  }
  const token = (text.split(/\r?\n/, 1)[0] ?? "").trim();
  if (!/^[\x21-\x7e]{16,}$/.test(token)) {
    throw new UsageError(`${where}: the first line of ${c.apiTokenFile} must be the API token: at least 16 printable characters without spaces (e.g. openssl rand -hex 32)`);
  }
  return token;
}

const isLoopback = (host: string) => host === "localhost" || host === "::1" || host.startsWith("127.");

/** Resolves when `port` can be bound on `host`, else with the error code (EADDRINUSE...). */
export function probePort(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(null)));
  });
}

/** Fails with the setting's name when the API port, the metrics port or a p2p listen port is taken. */
export async function checkPortsFree(c: NodeConfig, sources: Record<SettingName, Source>): Promise<void> {
  const problem = (code: string) => (code === "EADDRINUSE" ? "is already in use (another node?)" : code === "EADDRNOTAVAIL" ? "is not an address of this machine" : `cannot be bound (${code})`);
  if (c.apiPort !== 0) {
    const err = await probePort(c.apiHost, c.apiPort);
    if (err) throw new UsageError(`${describeSource("apiPort", sources.apiPort)}: port ${c.apiPort} on ${c.apiHost} ${problem(err)}; expected a free port`);
  }
  if (c.metricsPort !== null && c.metricsPort !== 0) {
    if (c.metricsPort === c.apiPort && c.metricsHost === c.apiHost) {
      throw new UsageError(`${describeSource("metricsPort", sources.metricsPort)}: port ${c.metricsPort} is the API's; expected another port`);
    }
    const err = await probePort(c.metricsHost, c.metricsPort);
    if (err) throw new UsageError(`${describeSource("metricsPort", sources.metricsPort)}: port ${c.metricsPort} on ${c.metricsHost} ${problem(err)}; expected a free port`);
  }
  for (const addr of c.listen) {
    const m = /^\/(ip4|ip6)\/([^/]+)\/tcp\/([0-9]+)/.exec(addr);
    if (!m || m[3] === "0") continue;
    const err = await probePort(m[2], Number(m[3]));
    if (err) throw new UsageError(`${describeSource("listen", sources.listen)}: ${addr}: port ${m[3]} ${problem(err)}; expected a free port`);
  }
}

/** Loads the node's key (asking the password source only for a keystore), or null for "none". */
async function loadStartKey(c: NodeConfig, sources: Record<SettingName, Source>, io: Io, env: NodeJS.ProcessEnv): Promise<KeyFile | null> {
  if (c.key === "none") {
    io.err("no key (key = none): a full node that follows the chain and serves its API; set --key <keystore> to sequence");
    return null;
  }
  const source = passwordSource(c.passwordFile ? { path: c.passwordFile, from: describeSource("passwordFile", sources.passwordFile) } : undefined, env);
  const loaded = await loadKey(c.key, { password: () => readPassword(source, env, io.err) });
  if (loaded.format === KeyFileFormat.plaintextDevnet) {
    const inDevnet = await isInDevnetDir(c.key);
    if (!inDevnet && !c.insecurePlaintextKey) {
      throw new UsageError(
        `${describeSource("key", sources.key)}: ${c.key} is a plaintext devnet key file (unencrypted secret keys); ` +
          `outside a devnet directory expected an encrypted keystore: make one with \`baton keys import --from ${c.key} --out <keystore.json>\`, ` +
          `or pass --insecure-plaintext-key`,
      );
    }
    if (!inDevnet) io.err(`warning: ${c.key} is a plaintext devnet key file (unencrypted); use a keystore (baton keys import) for anything but a throwaway network`);
  }
  if (await keyFileTooOpen(c.key)) io.err(`warning: key file ${c.key} is readable by other users; chmod 600 it`);
  const keys = loaded.keys;
  io.err(`sequencer key ${toHex(keys.bls.publicKey).slice(0, 18)}…  account ${toHex(keys.ed25519.publicKey)}`);
  return keys;
}

/** What this node's key is on the chain it holds (its head state: a restarted node that staked since genesis is a sequencer). */
export function sequencerNote(sequencers: { pubkey: Uint8Array; status: number }[], keys: KeyFile, height: number): string {
  const short = `${toHex(keys.bls.publicKey).slice(0, 18)}…`;
  const index = sequencers.findIndex((s) => bytesEqual(s.pubkey, keys.bls.publicKey));
  if (index < 0) return `note: ${short} is not a sequencer at height ${height}; it leads once a stake tx makes it one (baton tx stake)`;
  return `${short} is sequencer #${index} (${SEQUENCER_STATUS_NAMES[sequencers[index].status]}) at height ${height}`;
}

interface StatusLike {
  head?: { height: number };
  syncing?: boolean;
  sync?: { targetHeight?: number; batchesPerSecond?: number; etaSeconds?: number | null; startedHeight?: number };
}

/** One line of sync progress for the terminal. */
export function formatSyncLine(s: StatusLike): string | null {
  const h = s.head?.height ?? 0;
  const target = s.sync?.targetHeight ?? 0;
  if (!s.syncing) return null;
  const pct = target > 0 ? Math.min(100, (100 * h) / target) : 0;
  const rate = s.sync?.batchesPerSecond ?? 0;
  const eta = s.sync?.etaSeconds ?? (rate > 0 ? (target - h) / rate : null);
  return `sync: height ${h} of ${target} (${pct.toFixed(1)}%), ${rate.toFixed(0)} batches/s, ETA ${eta === null ? "?" : `${Math.max(0, Math.round(eta))} s`}`;
}

/** Prints sync progress every `everyMs` while the node syncs, read from its own API. */
function startProgressReporter(apiUrl: string, io: Io, everyMs = 2_000): () => void {
  let wasSyncing = false;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    fetch(`${apiUrl}/status`, { signal: AbortSignal.timeout(1_500) })
      .then((r) => r.json() as Promise<StatusLike>)
      .then((s) => {
        const line = formatSyncLine(s);
        if (line) io.err(line);
        else if (wasSyncing) io.err(`sync: caught up at height ${s.head?.height ?? "?"}; following gossip`);
        wasSyncing = line !== null;
      })
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

export const startCommand: Command = {
  spec,
  async run(values, io) {
    const env = process.env;
    const resolved = await resolveStartConfig(values, env, process.cwd());
    const c = requireAll(resolved);
    const genesis = await readGenesisFile(c.genesis);
    const keys = await loadStartKey(c, resolved.sources, io, env);
    await checkPortsFree(c, resolved.sources);
    let lock: KeyLock | null = null;
    if (keys) {
      lock = await acquireKeyLock(toHex(keys.bls.publicKey), { dataDir: c.dataDir, keyFile: c.key });
      if (lock.replaced) io.err(`note: took over a stale key lock of pid ${lock.replaced.pid} (that process is gone)`);
    }
    const apiToken = await readApiToken(c, resolved.sources);
    if (apiToken === null && !isLoopback(c.apiHost)) io.err(`warning: the API on ${c.apiHost} accepts POST /txs from anyone who can reach it; set --api-token-file`);
    const opts = toNodeOptions(c, genesis, keys?.bls ?? null, apiToken);
    const stop = onStopSignal(io);
    try {
      // Loaded here, not at the top: the other subcommands need no libp2p.
      const { createNode } = await import("@baton/node");
      let node;
      try {
        // The account key lets the node send its own rejoin tx after an ejection.
        node = await createNode({ ...opts, accountKey: keys?.ed25519 ?? null });
      } catch (e) {
        io.err(`baton: ${(e as Error).message}`);
        return 1;
      }
      // human lines on stderr: stdout carries pino's JSON lines only (`| jq` works)
      if (keys) io.err(sequencerNote(node.chain.getHeadState().sequencers, keys, node.chain.getHead().height));
      io.err(`peer id: ${node.peerId}`);
      for (const addr of node.multiaddrs) io.err(`listening: ${addr}`);
      if (node.metricsPort !== null) io.err(`metrics: http://${c.metricsHost}:${node.metricsPort}/metrics`);
      let stopProgress = () => {};
      if (node.apiPort !== null) {
        const host = ["0.0.0.0", "::"].includes(c.apiHost) ? "127.0.0.1" : c.apiHost;
        const apiUrl = `http://${host.includes(":") ? `[${host}]` : host}:${node.apiPort}`;
        io.err(`api: ${apiUrl}  (dashboard: ${apiUrl}/)`);
        stopProgress = startProgressReporter(apiUrl, io);
      }
      await stop.received;
      stopProgress();
      await node.close();
      io.err("node stopped");
      return 0;
    } finally {
      stop.dispose();
      await lock?.release();
    }
  },
};
