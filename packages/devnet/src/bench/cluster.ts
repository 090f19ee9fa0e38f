/**
 * One cluster phase of the bench: a fresh devnet of N node processes on loopback (the same
 * launcher as `baton devnet`), then, in order and each bounded in time (clusterWindows.ts,
 * steady.ts), each also reading the bench process's own CPU:
 *  - at rest: each node's CPU with no txs; then, for the cost-growth rows, at 100 tx/s;
 *  - max: a closed-loop load that always keeps `backlog` txs waiting; included txs per second
 *    over the window is the maximum sustained throughput; CPU seconds per 1,000 txs and peak
 *    RSS of every node process (from /proc);
 *  - steady: an open-loop load at a fixed rate, in back-to-back runs; each tx's time from its
 *    POST to each node's importedAt of a batch holding it (soft-confirmation latency), CPU per
 *    1,000 txs, RSS and PSS sampled meanwhile;
 *  - failover: under the steady load, SIGKILL the leader of a slot just before that slot; the
 *    time until the next batch and until the dead sequencer's ejection, seen by a survivor.
 * N = 1 is the centralized baseline: the same software, one sequencer leading every slot.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { slotStartTime } from "@baton/core";
import { startDevnet, type Devnet } from "../launcher.js";
import { sleep } from "../sleep.js";
import { drainQueue, measureIdle, measureMaxLoad, measureScale } from "./clusterWindows.js";
import { LoadDriver } from "./driver.js";
import { BatchHashes, NodeObserver } from "./observer.js";
import { measureSteadyLoad } from "./steady.js";

export type { ClusterPhaseOptions, NodeMaxStats, MaxResult, NodeSteadyStats, SteadyResult, FailoverResult, ClusterPhaseResult } from "./clusterTypes.js";
import type { ClusterPhaseOptions, FailoverResult, ClusterPhaseResult, RunningCluster } from "./clusterTypes.js";

interface StatusJson {
  slot: number;
  epoch: number;
  head: { height: number };
  peers: number;
  node?: { sequencerIndex: number | null };
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, signal?: AbortSignal): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr = "";
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastErr = (error as Error).message;
    }
    await sleep(200);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? ` (${lastErr})` : ""}`);
}

/** What the teardown stops: filled in as the cluster starts, so a start that fails half-way is still torn down. */
interface ClusterResources {
  devnet: Devnet | null;
  observers: NodeObserver[];
  driver: LoadDriver | null;
}

export async function runClusterPhase(options: ClusterPhaseOptions): Promise<ClusterPhaseResult> {
  const dir = mkdtempSync(join(tmpdir(), `baton-bench-${options.name}-`));
  const result: ClusterPhaseResult = { name: options.name, nodes: options.nodes, slotMs: options.slotMs, idleCores: null, max: null, steady: null, failover: null };
  const resources: ClusterResources = { devnet: null, observers: [], driver: null };
  let failed = false;
  try {
    const cluster = await startCluster(options, dir, resources);
    const onAbort = () => cluster.driver.stop();
    options.signal?.addEventListener("abort", onAbort);
    if (options.idleMs) {
      const idle = await measureIdle(cluster, options.idleMs, options.idleSettleMs);
      result.idleCores = idle.idleCores;
      result.idleCpu = idle.cpu;
    }
    if (options.scale) result.scale = await measureScale(cluster, options.scale);
    if (options.max) {
      result.max = await measureMaxLoad(cluster, options.max);
      // let the queue drain before the steady load
      await drainQueue(cluster);
    }
    if (options.steady) result.steady = await measureSteadyLoad(cluster, options.steady, result.max);
    if (options.failover && options.nodes > 1) {
      result.failover = await runFailover(cluster, options.failover);
      options.signal?.throwIfAborted();
    }
    options.signal?.removeEventListener("abort", onAbort);
    return result;
  } catch (error) {
    failed = true;
    throw new Error(`${options.name}: ${(error as Error).message}${resources.devnet ? ` (node logs in ${dir})` : ""}`);
  } finally {
    await stopCluster(resources);
    if (!failed && !options.keepDir) rmSync(dir, { recursive: true, force: true });
    else if (options.keepDir) options.log(`  node logs kept in ${dir}`);
  }
}

/** The devnet started and every node connected and past genesis; an observer on each node, and the load driver. */
async function startCluster(options: ClusterPhaseOptions, dir: string, resources: ClusterResources): Promise<RunningCluster> {
  const genesisDelayMs = 3_000 + 600 * options.nodes;
  options.log(`  starting ${options.nodes} node process(es), slot ${options.slotMs} ms, genesis in ${(genesisDelayMs / 1000).toFixed(1)} s`);
  resources.devnet = await startDevnet({
    nodes: options.nodes,
    dir,
    fresh: true,
    slotMs: options.slotMs,
    slotsPerEpoch: options.slotsPerEpoch,
    missesToEject: options.missesToEject,
    baseApiPort: options.baseApiPort,
    baseP2pPort: options.baseP2pPort,
    logLevel: options.logLevel ?? "info",
    genesisDelayMs,
    loadAccounts: options.loadAccounts,
    seed: options.seed,
    log: (line) => options.log(`  ${line}`),
  });
  const devnet = resources.devnet;
  await devnet.waitReady(60_000);
  options.log(`  every node answers; waiting until each has ${options.nodes - 1} peer(s) and a batch past genesis`);
  const urls = devnet.nodes.map((node) => node.apiUrl);
  await waitFor(`${options.nodes} nodes connected and past genesis`, 60_000, async () => {
    const all = await Promise.all(urls.map((url) => getJson<StatusJson>(`${url}/status`)));
    return all.every((status) => status.peers >= options.nodes - 1 && status.head.height >= 1) ? true : undefined;
  }, options.signal);
  const sequencerIndexes = await Promise.all(urls.map(async (url) => (await getJson<StatusJson>(`${url}/status`)).node?.sequencerIndex ?? null));
  const hashes = new BatchHashes();
  for (const url of urls) resources.observers.push(new NodeObserver(url, hashes));
  await Promise.all(resources.observers.map((observer) => observer.start()));
  const driver = new LoadDriver(options.pool, urls);
  resources.driver = driver;
  return { options, devnet, urls, sequencerIndexes, observers: resources.observers, driver };
}

/** The load stopped, the observers closed, the nodes stopped: whatever of them was started. */
async function stopCluster(resources: ClusterResources): Promise<void> {
  resources.driver?.stop();
  for (const observer of resources.observers) observer.close();
  await resources.driver?.settle();
  await resources.devnet?.stop();
}

async function runFailover(cluster: RunningCluster, failover: { rate: number; timeoutMs: number }): Promise<FailoverResult> {
  const { options, devnet, observers, driver, sequencerIndexes } = cluster;
  const config = devnet.genesis.config;
  const url0 = devnet.nodes[0].apiUrl;
  const load = driver.runRate(failover.rate, Date.now() + failover.timeoutMs + 30_000);
  try {
    const status = await getJson<StatusJson>(`${url0}/status`);
    const leaderOf = new Map<number, number>();
    const addSchedule = async (url: string, epoch: number) => {
      try {
        const schedule = await getJson<{ slots: { slot: number; leader: number }[] }>(`${url}/schedule?epoch=${epoch}`);
        for (const entry of schedule.slots) leaderOf.set(entry.slot, entry.leader);
      } catch {
        // the node's head state does not know that epoch: the count below stays partial
      }
    };
    await addSchedule(url0, status.epoch);
    await addSchedule(url0, status.epoch + 1);
    // The first slot at least 1.5 slots ahead whose leader does not also lead the slot after:
    // a dead leader's own next slots are missed by design until it is ejected, so with
    // consecutive slots the gap would measure the schedule, not the failover.
    const leads = (slot: number) => leaderOf.get(slot);
    let killSlot = status.slot + 2;
    while (
      leads(killSlot) === undefined ||
      !sequencerIndexes.includes(leads(killSlot)!) ||
      (leads(killSlot + 1) !== undefined && leads(killSlot + 1) === leads(killSlot))
    ) {
      killSlot++;
    }
    const killedSequencer = leaderOf.get(killSlot)!;
    const killed = sequencerIndexes.indexOf(killedSequencer);
    const survivor = observers.find((_, index) => index !== killed)!;
    const survivorUrl = survivor.apiUrl;
    // it dies just before its slot; the gaps are counted from the start of the slot it fails to lead
    const deadFrom = slotStartTime(config, killSlot);
    const killAt = deadFrom - Math.min(50, config.slotMs / 4);
    options.log(`  failover: SIGKILL node${killed + 1} (sequencer ${killedSequencer}) just before slot ${killSlot}, which it leads`);
    await sleep(Math.max(0, killAt - Date.now()));
    const killedAt = Date.now();
    devnet.nodes[killed].kill("SIGKILL");
    driver.markDown(killed);
    const deadline = killedAt + failover.timeoutMs;

    let next = survivor.batches.find((batch) => batch.at > killedAt && batch.slot >= killSlot);
    while (!next && Date.now() < deadline && !options.signal?.aborted) {
      await survivor.nextEvent(200);
      next = survivor.batches.find((batch) => batch.at > killedAt && batch.slot >= killSlot);
    }
    let ejected = survivor.ejections.find((ejection) => ejection.sequencer === killedSequencer && ejection.at > killedAt);
    while (!ejected && Date.now() < deadline && !options.signal?.aborted) {
      await survivor.nextEvent(200);
      ejected = survivor.ejections.find((ejection) => ejection.sequencer === killedSequencer && ejection.at > killedAt);
    }
    let deadSlots: number | null = null;
    if (ejected) {
      const now = await getJson<StatusJson>(`${survivorUrl}/status`);
      await addSchedule(survivorUrl, now.epoch);
      await addSchedule(survivorUrl, now.epoch + 1);
      deadSlots = 0;
      for (let slot = killSlot; slot <= ejected.slot; slot++) {
        const leader = leaderOf.get(slot);
        if (leader === undefined) {
          deadSlots = null;
          break;
        }
        if (leader === killedSequencer) deadSlots++;
      }
    }
    const result: FailoverResult = {
      slotMs: config.slotMs,
      missesToEject: config.missesToEject,
      killedNode: killed + 1,
      killedSequencer,
      killSlot,
      nextBatchMs: next ? next.at - deadFrom : null,
      nextBatchSlot: next?.slot ?? null,
      ejectionMs: ejected ? ejected.at - deadFrom : null,
      ejectionSlot: ejected?.slot ?? null,
      deadLeaderSlotsToEjection: deadSlots,
    };
    options.log(
      `  failover: next batch ${result.nextBatchMs ?? "never"} ms after the start of its slot (slot ${result.nextBatchSlot}), ` +
        `ejected after ${result.ejectionMs ?? "never"} ms (slot ${result.ejectionSlot}, ${deadSlots ?? "?"} of its slots)`,
    );
    return result;
  } finally {
    driver.stop();
    await load;
  }
}
