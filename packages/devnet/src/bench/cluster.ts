/**
 * One cluster phase of the bench: a fresh devnet of N node processes on loopback (the same
 * launcher as `baton devnet`), then, in order and each bounded in time:
 *  - max: a closed-loop load that always keeps `backlog` txs waiting; included txs per second
 *    over the window is the maximum sustained throughput; CPU seconds per 1,000 txs and peak
 *    RSS of every node process (from /proc);
 *  - steady: an open-loop load at a fixed rate; each tx's time from its POST to the event of a
 *    batch holding it, at every node (soft-confirmation latency), and CPU per 1,000 txs;
 *  - failover: under the steady load, SIGKILL the leader of a slot just before that slot; the
 *    time until the next batch and until the dead sequencer's ejection, seen by a survivor.
 * N = 1 is the centralized baseline: the same software, one sequencer leading every slot.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { slotStartTime } from "@baton/core";
import { startDevnet, type Devnet } from "../launcher.js";
import { sleep } from "../sleep.js";
import { LoadDriver } from "./driver.js";
import { BatchHashes, NodeObserver } from "./observer.js";
import { processCpuSeconds, processMemory } from "./procstat.js";
import { perSecond, ratio, summarize, } from "./stats.js";

export type { ClusterPhaseOptions, NodeMaxStats, MaxResult, NodeSteadyStats, SteadyResult, FailoverResult, ClusterPhaseResult } from "./clusterTypes.js";
import type { ClusterPhaseOptions, FailoverResult, ClusterPhaseResult } from "./clusterTypes.js";

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
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      lastErr = (e as Error).message;
    }
    await sleep(200);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? ` (${lastErr})` : ""}`);
}

interface NodeGauges {
  /** event-loop lag p99 and max (ms) since the previous scrape (prom-client resets them at each scrape) */
  p99: number | null;
  max: number | null;
  /** MB: V8 heap used and total, memory outside the heap (buffers, native), resident set */
  heapUsedMb: number | null;
  heapTotalMb: number | null;
  externalMb: number | null;
  rssMb: number | null;
}

/** A few of the node's own gauges, from GET /metrics. */
async function eventLoopLag(url: string): Promise<NodeGauges> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) });
    const text = await res.text();
    const g = (name: string, scale: number) => {
      const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, "m").exec(text);
      return m ? Number(m[1]) * scale : null;
    };
    const mb = 1 / 2 ** 20;
    return {
      p99: g("nodejs_eventloop_lag_p99_seconds", 1000),
      max: g("nodejs_eventloop_lag_max_seconds", 1000),
      heapUsedMb: g("nodejs_heap_size_used_bytes", mb),
      heapTotalMb: g("nodejs_heap_size_total_bytes", mb),
      externalMb: g("nodejs_external_memory_bytes", mb),
      rssMb: g("process_resident_memory_bytes", mb),
    };
  } catch {
    return { p99: null, max: null, heapUsedMb: null, heapTotalMb: null, externalMb: null, rssMb: null };
  }
}
const lagOf = (urls: string[]) => Promise.all(urls.map(eventLoopLag));

const cpuOf = (devnet: Devnet) => devnet.nodes.map((n) => processCpuSeconds(n.pid));
const diff = (a: (number | null)[], b: (number | null)[]) => a.map((x, i) => (x === null || b[i] === null ? null : b[i]! - x));

export async function runClusterPhase(o: ClusterPhaseOptions): Promise<ClusterPhaseResult> {
  const dir = mkdtempSync(join(tmpdir(), `baton-bench-${o.name}-`));
  const result: ClusterPhaseResult = { name: o.name, nodes: o.nodes, slotMs: o.slotMs, idleCores: null, max: null, steady: null, failover: null };
  let devnet: Devnet | null = null;
  const observers: NodeObserver[] = [];
  const driverRef: { d: LoadDriver | null } = { d: null };
  let failed = false;
  try {
    devnet = await startDevnet({
      nodes: o.nodes,
      dir,
      fresh: true,
      slotMs: o.slotMs,
      slotsPerEpoch: o.slotsPerEpoch,
      missesToEject: o.missesToEject,
      baseApiPort: o.baseApiPort,
      baseP2pPort: o.baseP2pPort,
      logLevel: o.logLevel ?? "info",
      genesisDelayMs: 3_000 + 600 * o.nodes,
      loadAccounts: o.loadAccounts,
      seed: o.seed,
      log: (l) => o.log(`  ${l}`),
    });
    const d = devnet;
    await d.waitReady(60_000);
    const urls = d.nodes.map((n) => n.apiUrl);
    await waitFor(`${o.nodes} nodes connected and past genesis`, 60_000, async () => {
      const all = await Promise.all(urls.map((u) => getJson<StatusJson>(`${u}/status`)));
      return all.every((s) => s.peers >= o.nodes - 1 && s.head.height >= 1) ? true : undefined;
    }, o.signal);
    const seqIndex = await Promise.all(urls.map(async (u) => (await getJson<StatusJson>(`${u}/status`)).node?.sequencerIndex ?? null));
    const hashes = new BatchHashes();
    for (const u of urls) observers.push(new NodeObserver(u, hashes));
    await Promise.all(observers.map((ob) => ob.start()));
    const driver = new LoadDriver(o.pool, urls);
    driverRef.d = driver;
    const onAbort = () => driver.stop();
    o.signal?.addEventListener("abort", onAbort);
    const check = () => o.signal?.throwIfAborted();
    const ref = observers[0];

    if (o.idleMs) {
      // no load: what the nodes cost at rest (a fixed cost that each tx rate shares)
      const cpu0 = cpuOf(d);
      const t0 = Date.now();
      await sleep(o.idleMs);
      result.idleCores = diff(cpu0, cpuOf(d)).map((c) => (c === null ? null : c / ((Date.now() - t0) / 1000)));
      o.log(`  idle: CPU cores per node ${result.idleCores.map((c) => c?.toFixed(3) ?? "?").join(" ")}`);
    }

    if (o.max) {
      const m = o.max;
      o.log(`  max load: keeping ${m.backlog} txs queued, ${m.warmupMs / 1000} s warm-up + ${m.windowMs / 1000} s window`);
      await driver.runBacklog(m.backlog, () => ref.includedTxs, Date.now() + m.warmupMs);
      check();
      await lagOf(urls);
      const cpu0 = cpuOf(d);
      const bench0 = process.cpuUsage();
      const w0 = Date.now();
      await driver.runBacklog(m.backlog, () => ref.includedTxs, w0 + m.windowMs);
      const w1 = Date.now();
      check();
      const cpu = diff(cpu0, cpuOf(d));
      const lag = await lagOf(urls);
      const benchCpu = process.cpuUsage(bench0);
      const mem = d.nodes.map((n) => processMemory(n.pid).peakRssBytes);
      const inc = ref.includedBetween(w0, w1);
      result.max = {
        txPerSecond: perSecond(inc.txs, w1 - w0),
        windowMs: w1 - w0,
        includedTxs: inc.txs,
        batches: inc.batches,
        missedSlots: ref.missesBetween(w0, w1),
        perNode: observers.map((ob, i) => {
          const here = ob.includedBetween(w0, w1).txs;
          const { heapUsedMb, heapTotalMb, externalMb, rssMb } = lag[i];
          return {
            eventLoopLagP99Ms: lag[i].p99,
            eventLoopLagMaxMs: lag[i].max,
            memory: { heapUsedMb, heapTotalMb, externalMb, rssMb },
            cpuSeconds: cpu[i],
            cpuSecondsPer1kTx: ratio(cpu[i], here / 1000),
            peakRssBytes: mem[i],
          };
        }),
        benchCpuSeconds: (benchCpu.user + benchCpu.system) / 1e6,
        cpuShare: cpu.some((c) => c === null)
          ? null
          : (cpu.reduce((a, c) => a! + c!, 0)! + (benchCpu.user + benchCpu.system) / 1e6) / ((availableParallelism() * (w1 - w0)) / 1000),
        driver: { ...driver.stats },
      };
      o.log(
        `  max load: ${Math.round(result.max.txPerSecond ?? 0)} tx/s (${inc.txs} txs in ${inc.batches} batches, ${result.max.missedSlots} missed slots, ` +
          `nodes + bench used ${Math.round((result.max.cpuShare ?? NaN) * 100)}% of the machine's CPU), ` +
          `event-loop lag p99/max ms ${lag.map((l) => `${Math.round(l.p99 ?? NaN)}/${Math.round(l.max ?? NaN)}`).join(" ")}, ` +
          `CPU s/1k tx per node ${result.max.perNode.map((p) => p.cpuSecondsPer1kTx?.toFixed(3) ?? "?").join(" ")}, ` +
          `peak RSS MB ${mem.map((b) => (b === null ? "?" : Math.round(b / 2 ** 20))).join(" ")} ` +
          `(heap used/total, external at the end: ${lag.map((l) => `${Math.round(l.heapUsedMb ?? NaN)}/${Math.round(l.heapTotalMb ?? NaN)}, ${Math.round(l.externalMb ?? NaN)}`).join("; ")})`,
      );
      if (driver.stats.exhausted) o.log("  note: the pre-signed pool ran out during the max-load window");
      // let the queue drain before the steady load
      await driver.settle();
      const drainUntil = Date.now() + 8_000;
      while (Date.now() < drainUntil && ref.includedTxs < driver.submitted) await ref.nextEvent(500);
    }

    if (o.steady) {
      const cap = o.steady.capAtMaxFraction !== undefined && result.max?.txPerSecond ? Math.floor((o.steady.capAtMaxFraction * result.max.txPerSecond) / 50) * 50 : Infinity;
      const s = { ...o.steady, rate: Math.max(50, Math.min(o.steady.rate, cap)) };
      o.log(`  steady load: ${s.rate} tx/s${s.rate < o.steady.rate ? ` (${o.steady.capAtMaxFraction} of this cluster's max, below the ${o.steady.rate} tx/s of the others)` : ""}, ${s.warmupMs / 1000} s warm-up + ${s.windowMs / 1000} s window`);
      await driver.runRate(s.rate, Date.now() + s.warmupMs);
      check();
      for (const ob of observers) ob.trackHashes = true;
      driver.trackSendTimes = true;
      await lagOf(urls);
      const cpu0 = cpuOf(d);
      const w0 = Date.now();
      await driver.runRate(s.rate, w0 + s.windowMs);
      const w1 = Date.now();
      const lag = await lagOf(urls);
      driver.trackSendTimes = false;
      // keep the load on while the last txs of the window are included
      await driver.runRate(s.rate, Date.now() + s.tailMs);
      check();
      const cpu = diff(cpu0, cpuOf(d));
      for (const ob of observers) ob.trackHashes = false;
      const all: number[] = [];
      const seenAt = await Promise.all(observers.map((ob) => ob.txSeenAt()));
      const perNode = observers.map((ob, i) => {
        const lat: number[] = [];
        let notSeen = 0;
        for (const [hash, sentAt] of driver.sendTimes) {
          const seen = seenAt[i].get(hash);
          if (seen === undefined) notSeen++;
          else lat.push(seen - sentAt);
        }
        all.push(...lat);
        const here = ob.includedBetween(w0, w1).txs;
        const cfg = d.genesis.config;
        const inWindow = ob.batches.filter((b) => b.at >= w0 && b.at < w1);
        const batchDelay = summarize(inWindow.map((b) => b.at - slotStartTime(cfg, b.slot)));
        const ownBatchDelay = summarize(inWindow.filter((b) => b.source === "produced").map((b) => b.at - slotStartTime(cfg, b.slot)));
        return { batchDelay, ownBatchDelay, eventLoopLagP99Ms: lag[i].p99, eventLoopLagMaxMs: lag[i].max, latency: summarize(lat), notSeen, cpuSecondsPer1kTx: ratio(cpu[i], here / 1000) };
      });
      const inc = ref.includedBetween(w0, w1);
      result.steady = {
        rate: s.rate,
        txPerSecond: perSecond(inc.txs, w1 - w0),
        windowMs: w1 - w0,
        missedSlots: ref.missesBetween(w0, w1),
        perNode,
        latency: summarize(all),
        driver: { ...driver.stats },
      };
      o.log(
        `  steady load: ${Math.round(result.steady.txPerSecond ?? 0)} tx/s included, ${result.steady.missedSlots} missed slots; latency p50/p99 ms per node ` +
          perNode.map((p) => `${Math.round(p.latency.p50)}/${Math.round(p.latency.p99)}`).join(" ") +
          `; CPU s/1k tx ${perNode.map((p) => p.cpuSecondsPer1kTx?.toFixed(3) ?? "?").join(" ")}` +
          `; event-loop lag p99/max ms ${lag.map((l) => `${Math.round(l.p99 ?? NaN)}/${Math.round(l.max ?? NaN)}`).join(" ")}` +
          `; batch imported after slot start p50/p99 ms ${perNode.map((p) => `${Math.round(p.batchDelay.p50)}/${Math.round(p.batchDelay.p99)}`).join(" ")}` +
          ` (own batches ${perNode.map((p) => `${Math.round(p.ownBatchDelay.p50)}/${Math.round(p.ownBatchDelay.p99)}`).join(" ")})`,
      );
    }

    if (o.failover && o.nodes > 1) {
      result.failover = await runFailover(d, observers, driver, seqIndex, { ...o, failover: o.failover });
      check();
    }
    o.signal?.removeEventListener("abort", onAbort);
    return result;
  } catch (e) {
    failed = true;
    throw new Error(`${o.name}: ${(e as Error).message}${devnet ? ` (node logs in ${dir})` : ""}`);
  } finally {
    driverRef.d?.stop();
    for (const ob of observers) ob.close();
    await driverRef.d?.settle();
    await devnet?.stop();
    if (!failed && !o.keepDir) rmSync(dir, { recursive: true, force: true });
    else if (o.keepDir) o.log(`  node logs kept in ${dir}`);
  }
}

async function runFailover(
  d: Devnet,
  observers: NodeObserver[],
  driver: LoadDriver,
  seqIndex: (number | null)[],
  o: ClusterPhaseOptions & { failover: { rate: number; timeoutMs: number } },
): Promise<FailoverResult> {
  const cfg = d.genesis.config;
  const url0 = d.nodes[0].apiUrl;
  const load = driver.runRate(o.failover.rate, Date.now() + o.failover.timeoutMs + 30_000);
  try {
    const st = await getJson<StatusJson>(`${url0}/status`);
    const leaderOf = new Map<number, number>();
    const addSchedule = async (url: string, epoch: number) => {
      try {
        const s = await getJson<{ slots: { slot: number; leader: number }[] }>(`${url}/schedule?epoch=${epoch}`);
        for (const x of s.slots) leaderOf.set(x.slot, x.leader);
      } catch {
        // the node's head state does not know that epoch: the count below stays partial
      }
    };
    await addSchedule(url0, st.epoch);
    await addSchedule(url0, st.epoch + 1);
    // The first slot at least 1.5 slots ahead whose leader does not also lead the slot after:
    // a dead leader's own next slots are missed by design until it is ejected, so with
    // consecutive slots the gap would measure the schedule, not the failover.
    const leads = (slot: number) => leaderOf.get(slot);
    let killSlot = st.slot + 2;
    while (
      leads(killSlot) === undefined ||
      !seqIndex.includes(leads(killSlot)!) ||
      (leads(killSlot + 1) !== undefined && leads(killSlot + 1) === leads(killSlot))
    ) {
      killSlot++;
    }
    const killedSequencer = leaderOf.get(killSlot)!;
    const k = seqIndex.indexOf(killedSequencer);
    const survivor = observers.find((_, i) => i !== k)!;
    const survivorUrl = survivor.apiUrl;
    // it dies just before its slot; the gaps are counted from the start of the slot it fails to lead
    const deadFrom = slotStartTime(cfg, killSlot);
    const killAt = deadFrom - Math.min(50, cfg.slotMs / 4);
    o.log(`  failover: SIGKILL node${k + 1} (sequencer ${killedSequencer}) just before slot ${killSlot}, which it leads`);
    await sleep(Math.max(0, killAt - Date.now()));
    const tKill = Date.now();
    d.nodes[k].kill("SIGKILL");
    driver.markDown(k);
    const deadline = tKill + o.failover.timeoutMs;

    let next = survivor.batches.find((b) => b.at > tKill && b.slot >= killSlot);
    while (!next && Date.now() < deadline && !o.signal?.aborted) {
      await survivor.nextEvent(200);
      next = survivor.batches.find((b) => b.at > tKill && b.slot >= killSlot);
    }
    let ejected = survivor.ejections.find((e) => e.sequencer === killedSequencer && e.at > tKill);
    while (!ejected && Date.now() < deadline && !o.signal?.aborted) {
      await survivor.nextEvent(200);
      ejected = survivor.ejections.find((e) => e.sequencer === killedSequencer && e.at > tKill);
    }
    let deadSlots: number | null = null;
    if (ejected) {
      const now = await getJson<StatusJson>(`${survivorUrl}/status`);
      await addSchedule(survivorUrl, now.epoch);
      await addSchedule(survivorUrl, now.epoch + 1);
      deadSlots = 0;
      for (let s = killSlot; s <= ejected.slot; s++) {
        const leader = leaderOf.get(s);
        if (leader === undefined) {
          deadSlots = null;
          break;
        }
        if (leader === killedSequencer) deadSlots++;
      }
    }
    const r: FailoverResult = {
      slotMs: cfg.slotMs,
      missesToEject: cfg.missesToEject,
      killedNode: k + 1,
      killedSequencer,
      killSlot,
      nextBatchMs: next ? next.at - deadFrom : null,
      nextBatchSlot: next?.slot ?? null,
      ejectionMs: ejected ? ejected.at - deadFrom : null,
      ejectionSlot: ejected?.slot ?? null,
      deadLeaderSlotsToEjection: deadSlots,
    };
    o.log(
      `  failover: next batch ${r.nextBatchMs ?? "never"} ms after the start of its slot (slot ${r.nextBatchSlot}), ` +
        `ejected after ${r.ejectionMs ?? "never"} ms (slot ${r.ejectionSlot}, ${deadSlots ?? "?"} of its slots)`,
    );
    return r;
  } finally {
    driver.stop();
    await load;
  }
}
