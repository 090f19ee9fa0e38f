/**
 * `runChaos(opts)`: a cluster on one backend, a steady tx load, faults from a seeded plan;
 * then every fault healed, the load stopped, the cluster given time to settle, and the five
 * invariants checked. Writes the JSON report and the SVG timeline; always tears down.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { sha256, toHex } from "@baton/core";
import { LoadGenerator } from "../load.js";
import { BackendName, type ChaosBackend, type ClusterInfo } from "./backend.js";
import { getJson } from "./http.js";
import {
  checkAgreement,
  checkLiveness,
  checkNoCrash,
  checkNoLoss,
  checkSafety,
  confirmationStalls,
  connectedGroups,
  headGaps,
  healthMap,
  healthyAt,
  slotAt,
  type ClusterShape,
  type FaultWindow,
  type Gap,
  type LivenessFacts,
  type TxCheck,
} from "./invariants.js";
import { Observer, pickRecord, type SequencerRecord, type StatusSample } from "./observer.js";
import { describeFault, makeFaultPlan, parseFaultKinds, type PlannedFault } from "./plan.js";
import { formatTable, type ChaosReport, type KindStats } from "./report.js";
import { buildTimeline, renderTimelineSvg } from "./svg.js";

export interface ChaosOptions {
  backend: BackendName;
  /** length of the fault phase, from genesis */
  durationMs: number;
  seed: string;
  nodes?: number;
  slotMs?: number;
  slotsPerEpoch?: number;
  missesToEject?: number;
  /** tx/s */
  loadRate?: number;
  /** "all" or a comma list of fault kinds */
  faults?: string;
  reportDir?: string;
  /** most time to wait, after the faults, for the cluster to settle */
  settleMs?: number;
  baseApiPort?: number;
  baseP2pPort?: number;
  logLevel?: string;
  log?: (line: string) => void;
  /** aborts the run (Ctrl-C): it still tears down */
  signal?: AbortSignal;
}

export const defaultChaosOptions = {
  nodes: 4,
  slotMs: 500,
  slotsPerEpoch: 16,
  missesToEject: 3,
  loadRate: 20,
  faults: "all",
  reportDir: "reports",
  settleMs: 120_000,
  baseApiPort: 17500,
  baseP2pPort: 19500,
  logLevel: "info",
};

export async function createBackend(name: BackendName): Promise<ChaosBackend> {
  switch (name) {
    case BackendName.processes:
      return new (await import("./backends/processes.js")).ProcessesBackend();
    case BackendName.netns:
      return new (await import("./backends/netns.js")).NetnsBackend();
    case BackendName.docker:
      return new (await import("./backends/docker.js")).DockerBackend();
  }
}

class Aborted extends Error {}
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((res, rej) => {
    if (signal?.aborted) return rej(new Aborted("aborted"));
    const onAbort = () => (clearTimeout(t), rej(new Aborted("aborted")));
    const t = setTimeout(() => (signal?.removeEventListener("abort", onAbort), res()), Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const o = { ...defaultChaosOptions, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as typeof defaultChaosOptions & ChaosOptions;
  const log = o.log ?? ((l: string) => process.stderr.write(l + "\n"));
  const backend = await createBackend(o.backend);
  const kinds = parseFaultKinds(o.faults, backend.kinds);
  const plan = makeFaultPlan({ seed: o.seed, nodes: o.nodes, durationMs: o.durationMs, kinds, concurrent: backend.concurrent, slotMs: o.slotMs, slotsPerEpoch: o.slotsPerEpoch });
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
  const runDir = resolve(o.reportDir, `chaos-${o.backend}-seed${o.seed.replace(/[^A-Za-z0-9_-]/g, "_")}-${stamp}`);
  await mkdir(runDir, { recursive: true });
  log(`chaos: backend ${o.backend}, seed ${JSON.stringify(o.seed)}, ${o.durationMs / 1000} s, ${o.nodes} nodes, load ${o.loadRate} tx/s; files in ${runDir}`);
  log(`plan (${plan.length} faults, same seed = same plan):`);
  for (const f of plan) log(`  #${f.id} t+${(f.atMs / 1000).toFixed(1)}s for ${(f.durationMs / 1000).toFixed(1)}s: ${describeFault(f)}${plan.some((g) => g !== f && g.group === f.group) ? " (together)" : ""}`);

  let load: LoadGenerator | null = null;
  let observer: Observer | null = null;
  try {
    const info = await backend.start(
      {
        nodes: o.nodes,
        slotMs: o.slotMs,
        slotsPerEpoch: o.slotsPerEpoch,
        missesToEject: o.missesToEject,
        genesisDelayMs: o.backend === BackendName.docker ? 12_000 : 6_000,
        loadAccounts: 16,
        seed: sha256(new TextEncoder().encode(`baton chaos cluster ${o.seed}`)),
        baseApiPort: o.baseApiPort,
        baseP2pPort: o.baseP2pPort,
        dir: join(runDir, "cluster"),
        logLevel: o.logLevel,
      },
      log,
    );
    const genesisTime = info.genesis.config.genesisTime;
    const shape: ClusterShape = {
      nodes: o.nodes,
      weights: info.genesis.sequencers.map((s) => Number(s.stake)),
      missesToEject: o.missesToEject,
      slotsPerEpoch: o.slotsPerEpoch,
      slotMs: o.slotMs,
      genesisTime,
    };
    const rel = (t: number) => `t+${((t - genesisTime) / 1000).toFixed(1)}s`;
    log(`cluster up: ${info.apiUrls.join(" ")}; genesis ${rel(Date.now()).replace("t+-", "in ")}`);

    observer = new Observer({ http: backend.http, apiUrls: info.apiUrls, sampleMs: Math.max(250, o.slotMs) });
    observer.start();
    const acked = new Map<string, { node: number; t: number }>();
    load = new LoadGenerator({
      rate: o.loadRate,
      apiUrls: info.apiUrls,
      accounts: info.loadAccounts,
      chainId: info.genesis.config.chainId,
      api: backend.loadApi,
      onAcknowledged: (hashes, url) => {
        const node = info.apiUrls.indexOf(url) + 1;
        const t = Date.now();
        for (const h of hashes) if (!acked.has(h.toLowerCase())) acked.set(h.toLowerCase(), { node, t });
      },
    });
    await sleep(genesisTime + o.slotMs - Date.now(), o.signal);
    load.start();

    // the fault phase
    const windows: FaultWindow[] = [];
    const open = new Map<number, FaultWindow>();
    const actions = plan
      .flatMap((f) => [
        { at: genesisTime + f.atMs, f, inject: true },
        { at: genesisTime + f.atMs + f.durationMs, f, inject: false },
      ])
      .sort((a, b) => a.at - b.at || Number(a.inject) - Number(b.inject));
    const endOfFaults = genesisTime + o.durationMs;
    const progress = setInterval(() => log(progressLine(observer!, rel(Date.now()), [...open.values()], acked.size, load!)), 5_000);
    try {
      for (const a of actions) {
        await sleep(a.at - Date.now(), o.signal);
        const now = Date.now();
        if (a.inject) {
          const w: FaultWindow = { id: a.f.id, kind: a.f.kind, targets: a.f.targets, others: a.f.others, lossPct: a.f.lossPct, label: describeFault(a.f), startMs: now, endMs: now, startSlot: slotAt(shape, now), endSlot: slotAt(shape, now) };
          open.set(a.f.id, w);
          windows.push(w);
          markImpaired(observer, a.f, true);
          log(`>> ${rel(now)} slot ${w.startSlot}: fault #${a.f.id} ${w.label}`);
          await backend.inject(a.f);
        } else {
          await backend.heal(a.f);
          const w = open.get(a.f.id)!;
          open.delete(a.f.id);
          w.endMs = Date.now();
          w.endSlot = slotAt(shape, w.endMs);
          markImpaired(observer, a.f, false);
          log(`<< ${rel(w.endMs)} slot ${w.endSlot}: healed #${a.f.id} ${w.label}`);
        }
      }
      await sleep(endOfFaults - Date.now(), o.signal);
    } finally {
      clearInterval(progress);
    }
    await backend.healAll();
    for (const w of open.values()) (w.endMs = Date.now()), (w.endSlot = slotAt(shape, w.endMs));
    await load.stop();
    const loadStoppedAt = Date.now();
    log(`faults over at ${rel(loadStoppedAt)}; load stopped (${acked.size} txs acknowledged); settling (at most ${o.settleMs / 1000} s)`);

    // settle: every node confirms past the head at the end of the load, and every acked tx is in the chain
    const settleDeadline = Date.now() + o.settleMs;
    const targetHeight = Math.max(0, ...observer.latest.map((s) => s?.head.height ?? 0)) + 2;
    const progress2 = setInterval(() => log(progressLine(observer!, rel(Date.now()), [], acked.size, load!)), 5_000);
    let txCheck: TxCheck;
    try {
      await waitUntil(settleDeadline, o.signal, () => observer!.latest.every((s) => s !== null && s.confirmed.height >= targetHeight) && observer!.confirmedChain().length >= targetHeight);
      txCheck = await checkTxs(backend, info, observer, acked, settleDeadline, o.signal, log);
    } finally {
      clearInterval(progress2);
    }

    // agreement: every node's /sequencers at one common head
    const agreement = await commonHeadRecords(backend, info, Date.now() + 30_000, o.signal);
    const endMs = Date.now();
    await observer.stop();

    // liveness
    const lastSlot = slotAt(shape, endMs);
    const faultEndSlot = slotAt(shape, endOfFaults);
    const grace = 2 * o.slotsPerEpoch;
    const health = healthMap(shape, windows, 0, lastSlot, grace);
    const chain = observer.confirmedChain();
    const gaps = headGaps(chain, health, windows);
    const maxBy = <T>(xs: T[], f: (x: T) => number) => xs.reduce<T | null>((m, x) => (m === null || f(x) > f(m) ? x : m), null);
    const stalls = confirmationStalls(shape, observer.samples, health, windows, endMs);
    const facts: LivenessFacts = {
      longestGap: maxBy(gaps, (g) => g.slots),
      longestHealthyGap: maxBy(gaps.filter((g) => g.healthy), (g) => g.slots),
      longestStall: maxBy(stalls, (s) => s.ms),
      longestHealthyStall: maxBy(stalls, (s) => s.healthyMs),
      gapLimitSlots: o.missesToEject + 1,
      stallLimitMs: 2 * o.slotsPerEpoch * o.slotMs,
      degraded: degradedPeriods(shape, windows, observer.samples, faultEndSlot, endMs),
    };

    const notRunning = info.apiUrls.map((_, k) => k + 1).filter((i) => observer!.latest[i - 1] === null);
    const invariants = [
      checkSafety(observer.conflicts, observer.comparisons, observer.confirmedRoots.size),
      checkNoLoss(acked, txCheck),
      checkLiveness(facts, shape),
      checkAgreement(agreement.records, agreement.why),
      checkNoCrash(backend.exits(), notRunning),
    ];

    const perKind = kindStats(windows, chain, gaps, shape, faultEndSlot);
    const bySlot = new Set(chain.map((b) => b.slot));
    let fill = 0;
    for (let s = 1; s <= faultEndSlot; s++) if (bySlot.has(s)) fill++;
    const files = { dir: runDir, json: join(runDir, "report.json"), svg: join(runDir, "timeline.svg"), logs: info.logs };
    const report: ChaosReport = {
      version: 1,
      backend: o.backend,
      seed: o.seed,
      durationMs: o.durationMs,
      startedAt: startedAt.toISOString(),
      genesisTime,
      config: { nodes: o.nodes, slotMs: o.slotMs, slotsPerEpoch: o.slotsPerEpoch, missesToEject: o.missesToEject, loadRate: o.loadRate },
      ok: invariants.every((i) => i.held),
      invariants,
      faults: windows,
      perKind,
      liveness: { longestGap: facts.longestGap, longestHealthyGap: facts.longestHealthyGap, longestStall: facts.longestStall, longestHealthyStall: facts.longestHealthyStall },
      chain: { confirmedHeight: chain.length, lastSlot, faultPhaseEndSlot: faultEndSlot, fillRate: faultEndSlot > 0 ? fill / faultEndSlot : 0 },
      load: { ...load.stats, acknowledgedUnique: acked.size },
      observer: { samples: observer.samples.length, failedPolls: observer.failures, comparisons: observer.comparisons },
      files,
    };
    const timeline = buildTimeline({
      sequencers: o.nodes,
      chain,
      schedules: observer.schedules,
      records: observer.sequencers,
      slotsPerEpoch: o.slotsPerEpoch,
      fromSlot: 1,
      toSlot: chain.length > 0 ? chain[chain.length - 1].slot : 1,
    });
    const svg = renderTimelineSvg({
      title: `baton chaos · ${o.backend} · seed ${o.seed} · ${o.nodes} sequencers · ${(o.durationMs / 1000).toFixed(0)} s of faults`,
      timeline,
      labels: Array.from({ length: o.nodes }, (_, k) => `n${k + 1}`),
      faults: windows,
      invariants,
      slotsPerEpoch: o.slotsPerEpoch,
      faultPhaseEndSlot: faultEndSlot,
    });
    await writeFile(files.json, JSON.stringify(report, null, 2) + "\n");
    await writeFile(files.svg, svg);
    return report;
  } finally {
    await load?.stop().catch(() => undefined);
    await observer?.stop().catch(() => undefined);
    log("tearing down the cluster");
    await backend.stop().catch((e: Error) => log(`teardown: ${e.message}`));
  }
}

function markImpaired(observer: Observer, f: PlannedFault, on: boolean): void {
  for (const i of [...f.targets, ...(f.others ?? [])]) {
    if (on) observer.impaired.add(i);
    else observer.impaired.delete(i);
  }
}

function progressLine(obs: Observer, when: string, open: FaultWindow[], acked: number, load: LoadGenerator): string {
  const nodes = obs.latest.map((s, k) => (s ? `n${k + 1} ${s.head.height}/${s.confirmed.height}` : `n${k + 1} --`)).join("  ");
  const slot = Math.max(0, ...obs.latest.map((s) => s?.slot ?? 0));
  const faults = open.length ? ` | faults: ${open.map((w) => w.label).join(" + ")}` : "";
  return `.. ${when} slot ${slot} | head/confirmed ${nodes}${faults} | acked ${acked} (no answer ${load.stats.failed}) | conflicts ${obs.conflicts.length}`;
}

async function waitUntil(deadline: number, signal: AbortSignal | undefined, cond: () => boolean): Promise<boolean> {
  while (Date.now() < deadline) {
    if (cond()) return true;
    await sleep(250, signal);
  }
  return cond();
}

/** No loss: each acknowledged tx in exactly one batch of the confirmed chain, and confirmed on every node. */
async function checkTxs(
  backend: ChaosBackend,
  info: ClusterInfo,
  observer: Observer,
  acked: Map<string, { node: number; t: number }>,
  deadline: number,
  signal: AbortSignal | undefined,
  log: (l: string) => void,
): Promise<TxCheck> {
  const count = () => {
    const counts = new Map<string, number>();
    for (const b of observer.confirmedChain()) for (const h of b.txs) counts.set(h.toLowerCase(), (counts.get(h.toLowerCase()) ?? 0) + 1);
    return counts;
  };
  let counts = count();
  const missing = () => [...acked.keys()].filter((h) => !counts.has(h));
  while (missing().length > 0 && Date.now() < deadline) {
    await sleep(1_000, signal);
    counts = count();
  }
  if (missing().length > 0) log(`   ${missing().length} acknowledged txs not in the confirmed chain by the settle deadline`);
  // every node must report every acknowledged tx confirmed
  let pending: { node: number; hash: string; status: string }[] = [];
  // a node that does not answer at all is reported once, not once per tx
  const silent: number[] = [];
  for (const [k, url] of info.apiUrls.entries()) {
    if (!(await getJson(backend.http, `${url}/status`, 3_000).catch(() => null))) silent.push(k + 1);
  }
  for (let attempt = 0; ; attempt++) {
    const todo = attempt === 0 ? info.apiUrls.flatMap((_, k) => (silent.includes(k + 1) ? [] : [...acked.keys()].map((hash) => ({ node: k + 1, hash })))) : pending;
    pending = [];
    await parallel(todo, 16, async ({ node, hash }) => {
      const r = await getJson<{ status: string }>(backend.http, `${info.apiUrls[node - 1]}/txs/${hash}`, 3_000).catch((e: Error) => ({ status: `error: ${e.message}` }));
      const status = r?.status ?? "unknown (404)";
      if (status !== "confirmed") pending.push({ node, hash, status });
    });
    if (pending.length === 0 || Date.now() > deadline) break;
    await sleep(1_000, signal);
  }
  const duplicates = [...counts.entries()].filter(([, n]) => n > 1).map(([h]) => h);
  for (const node of silent) pending.unshift({ node, hash: `(all ${acked.size})`, status: "unchecked: the node does not answer" });
  return { counts, notConfirmed: pending, duplicates };
}

async function parallel<T>(items: T[], width: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** Every node's /sequencers, taken while all nodes are on one head (checked before and after). */
async function commonHeadRecords(backend: ChaosBackend, info: ClusterInfo, deadline: number, signal?: AbortSignal) {
  type S = { head: { root: string } };
  let why = "the nodes never shared a head";
  while (Date.now() < deadline) {
    try {
      const heads = async () => (await Promise.all(info.apiUrls.map((u) => getJson<S>(backend.http, `${u}/status`, 2_000)))).map((s) => s!.head.root);
      const before = await heads();
      if (new Set(before).size === 1) {
        const seqs = await Promise.all(info.apiUrls.map((u) => getJson<SequencerRecord[]>(backend.http, `${u}/sequencers`, 2_000)));
        const after = await heads();
        if (after.every((r) => r === before[0])) {
          return { records: seqs.map((s, k) => ({ node: k + 1, head: before[0], sequencers: s!.map(pickRecord) })), why: "" };
        }
      }
    } catch (e) {
      why = (e as Error).message;
    }
    await sleep(100, signal);
  }
  return { records: null, why };
}

/** Stretches where at most 2/3 was up and connected: did each side keep producing, did confirmation resume. */
function degradedPeriods(c: ClusterShape, windows: FaultWindow[], samples: StatusSample[], faultEndSlot: number, endMs: number): LivenessFacts["degraded"] {
  const out: LivenessFacts["degraded"] = [];
  let start = -1;
  for (let s = 0; s <= faultEndSlot + 1; s++) {
    const bad = s <= faultEndSlot && !healthyAt(c, windows, s);
    if (bad && start < 0) start = s;
    if (!bad && start >= 0) {
      const from = start;
      const to = s - 1;
      start = -1;
      const fromMs = c.genesisTime + from * c.slotMs;
      const toMs = c.genesisTime + (to + 1) * c.slotMs;
      const groups = connectedGroups(c, windows, Math.floor((from + to) / 2));
      const absentMax = c.nodes - Math.min(...groups.map((g) => g.length));
      const judge = to - from + 1 >= c.missesToEject * absentMax + 4;
      const sides = groups.map((g) => {
        const mine = samples.filter((x) => g.includes(x.node) && x.t >= fromMs && x.t <= toMs);
        const first = mine.length ? Math.min(...mine.map((x) => x.head.height)) : 0;
        const best = mine.length ? Math.max(...mine.map((x) => x.head.height)) : 0;
        return { nodes: g, headAdvanced: best - first, producing: !judge || best > first };
      });
      const confirmedAt = (t: number) => Math.max(-1, ...samples.filter((x) => x.t <= t).map((x) => x.confirmed.height));
      const base = confirmedAt(toMs);
      const later = samples.filter((x) => x.t > toMs && x.confirmed.height > base).sort((a, b) => a.t - b.t)[0];
      const resumedAfterMs = later ? later.t - toMs : null;
      const label = windows.filter((w) => w.startSlot <= to && w.endSlot >= from).map((w) => w.label).join(" + ");
      const limit = 4 * c.slotsPerEpoch * c.slotMs;
      out.push({ label, fromSlot: from, toSlot: to, sides, resumedAfterMs, ok: sides.every((x) => x.producing) && resumedAfterMs !== null && resumedAfterMs <= limit });
      void endMs;
    }
  }
  return out;
}

function kindStats(windows: FaultWindow[], chain: { slot: number }[], gaps: Gap[], c: ClusterShape, faultEndSlot: number): KindStats[] {
  const bySlot = new Set(chain.map((b) => b.slot));
  const kinds = [...new Set(windows.map((w) => w.kind as string))];
  const stat = (kind: string, ranges: [number, number][]): KindStats => {
    let slots = 0;
    let produced = 0;
    for (const [a, b] of ranges) for (let s = a; s <= b; s++) (slots++, bySlot.has(s) && produced++);
    const over = gaps.filter((g) => ranges.some(([a, b]) => g.toSlot >= a && g.fromSlot <= b));
    const longest = over.reduce<Gap | null>((m, g) => (m === null || g.slots > m.slots ? g : m), null);
    return {
      kind,
      faults: kind === "none" ? 0 : windows.filter((w) => w.kind === kind).length,
      slots,
      produced,
      fillRate: slots ? produced / slots : 0,
      longestGapSlots: longest?.slots ?? 0,
      longestGapAt: longest ? `(slots ${longest.fromSlot}→${longest.toSlot})` : "",
    };
  };
  const out = kinds.map((k) => stat(k, windows.filter((w) => w.kind === k).map((w) => [w.startSlot, w.endSlot])));
  // slots of the fault phase with no fault in force
  const free: [number, number][] = [];
  let a = -1;
  for (let s = 1; s <= faultEndSlot + 1; s++) {
    const inFault = s > faultEndSlot || windows.some((w) => w.startSlot <= s && s <= w.endSlot);
    if (!inFault && a < 0) a = s;
    if (inFault && a >= 0) (free.push([a, s - 1]), (a = -1));
  }
  out.push(stat("none", free));
  void c;
  void toHex;
  return out;
}

export { formatTable };
