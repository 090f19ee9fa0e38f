/** The bench's results table: pure, from what the phases measured (unit-tested with made-up results). */
import type { GossipCeiling, VerifyCeiling } from "./ceilings.js";
import type { ClusterPhaseResult } from "./clusterTypes.js";
import type { CoreScalePoint } from "./coreScale.js";
import { atLeast, atMost, type BenchRow } from "./report.js";
import { growthExponents, ratio, withinNLogN } from "./stats.js";
import type { SyncResult } from "./sync.js";

/** Everything the phases measured, as the rows are built from it (and the JSON keeps it). */
export interface BenchResults {
  verify?: VerifyCeiling;
  gossip?: GossipCeiling;
  levelPutsPerSecond?: number;
  core?: CoreScalePoint[];
  centralized?: ClusterPhaseResult;
  baton?: ClusterPhaseResult;
  sweep?: ClusterPhaseResult[];
  failover?: ClusterPhaseResult[];
  sync?: SyncResult;
}

const MB = 2 ** 20;
const maxOf = (xs: (number | null | undefined)[]): number | null => {
  const v = xs.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
  return v.length ? Math.max(...v) : null;
};

/**
 * A note when other work on the machine took a visible share of the CPU during a window. A
 * node is one thread: `nodes` node processes can use at most min(nodes, cores) of the cores.
 */
function busyNote(share: number | null | undefined, nodes: number, cores: number): string | undefined {
  const usable = Math.min(nodes, cores) / cores;
  return share !== null && share !== undefined && share < 0.85 * usable ? `nodes and bench got ${Math.round(share * 100)}% of the CPU: other work shared the machine` : undefined;
}

/** The table: pure, from what was measured (unit-tested with made-up results). */
export function benchRows(r: BenchResults, cores: number): BenchRow[] {
  const rows: BenchRow[] = [];
  const verify = r.verify?.ed25519PerSecond ?? null;
  /** cores × verify/s ÷ nodes: the txs/s a node can admit when the machine is shared by `nodes` nodes */
  const verifyShare = (nodes: number) => (verify === null ? null : (cores * verify) / nodes);

  if (r.verify) {
    rows.push({ section: "ceilings", metric: "ed25519 verify, one core", value: r.verify.ed25519PerSecond, unit: "/s" });
    rows.push({
      section: "ceilings",
      metric: "tx verify (SSZ signing root + ed25519), one core",
      value: r.verify.txVerifyPerSecond,
      unit: "/s",
      ratio: { value: ratio(r.verify.txVerifyPerSecond, verify), of: "ed25519" },
    });
  }
  if (r.gossip) rows.push({ section: "ceilings", metric: `gossipsub, 2 node processes, ${r.gossip.messageBytes} B msgs`, value: r.gossip.msgsPerSecond, unit: "msg/s" });
  if (r.levelPutsPerSecond !== undefined) rows.push({ section: "ceilings", metric: "level, batched puts of 1 KiB", value: r.levelPutsPerSecond, unit: "/s" });

  const c = r.centralized;
  const cMaxCpu = maxOf(c?.max?.perNode.map((p) => p.cpuSecondsPer1kTx) ?? []);
  const worst = (p: ClusterPhaseResult | undefined, k: "p50" | "p99") => maxOf(p?.steady?.perNode.map((n) => n.latency[k]) ?? []);
  const cP50 = worst(c, "p50");
  const cP99 = worst(c, "p99");
  if (c) {
    const s = "centralized (1 node)";
    rows.push({
      section: s,
      metric: "max sustained throughput",
      value: c.max?.txPerSecond ?? null,
      unit: "tx/s",
      ratio: { value: ratio(c.max?.txPerSecond, verifyShare(1)), of: "cores × verify" },
      note: busyNote(c.max?.cpuShare, 1, cores),
    });
    rows.push({ section: s, metric: `soft confirmation p50 at ${c.steady?.rate ?? "?"} tx/s`, value: cP50, unit: "ms" });
    rows.push({ section: s, metric: `soft confirmation p99 at ${c.steady?.rate ?? "?"} tx/s`, value: cP99, unit: "ms" });
    rows.push({ section: s, metric: "CPU per 1,000 txs at max load", value: cMaxCpu, unit: "s" });
    rows.push({ section: s, metric: "CPU at rest (no txs)", value: maxOf(c.idleCores ?? []), unit: "cores" });
    rows.push({ section: s, metric: "CPU per 1,000 txs at the steady load", value: maxOf(c.steady?.perNode.map((p) => p.cpuSecondsPer1kTx) ?? []), unit: "s" });
  }

  const clusterRows = (p: ClusterPhaseResult, judged: boolean) => {
    const s = `baton (${p.nodes} sequencers)`;
    const tput = p.max?.txPerSecond ?? null;
    const share = ratio(tput, verifyShare(p.nodes));
    rows.push({
      section: s,
      metric: "max sustained throughput",
      value: tput,
      unit: "tx/s",
      ratio: { value: share, of: `cores × verify ÷ ${p.nodes}` },
      target: judged ? atLeast(share, 0.75, ">= 0.75× cores × verify ÷ nodes") : undefined,
      note: busyNote(p.max?.cpuShare, p.nodes, cores),
    });
    const steadyCpu = maxOf(p.steady?.perNode.map((n) => n.cpuSecondsPer1kTx) ?? []);
    const cSteadyCpu = maxOf(c?.steady?.perNode.map((n) => n.cpuSecondsPer1kTx) ?? []);
    const steadyRatio = ratio(steadyCpu, cSteadyCpu);
    rows.push({
      section: s,
      metric: `CPU per 1,000 txs at ${p.steady?.rate ?? "?"} tx/s${p.steady?.rate === c?.steady?.rate ? " (the centralized load)" : ""}, busiest node`,
      value: steadyCpu,
      unit: "s",
      ratio: { value: steadyRatio, of: "centralized" },
      target: judged ? atMost(steadyRatio, 1.1, "<= 1.10× centralized") : undefined,
    });
    const idle = maxOf(p.idleCores ?? []);
    rows.push({ section: s, metric: "CPU at rest (no txs), busiest node", value: idle, unit: "cores", ratio: { value: ratio(idle, maxOf(c?.idleCores ?? [])), of: "centralized" } });
    const cpu = maxOf(p.max?.perNode.map((n) => n.cpuSecondsPer1kTx) ?? []);
    rows.push({ section: s, metric: "CPU per 1,000 txs at its max load, busiest node", value: cpu, unit: "s", ratio: { value: ratio(cpu, cMaxCpu), of: "centralized at its max" } });
    const p50 = worst(p, "p50");
    const p99 = worst(p, "p99");
    const r50 = ratio(p50, cP50);
    const r99 = ratio(p99, cP99);
    const both = (a: { met: boolean | null }, b: { met: boolean | null }) => (a.met === null || b.met === null ? null : a.met && b.met);
    rows.push({
      section: s,
      metric: `soft confirmation p50 at ${p.steady?.rate ?? "?"} tx/s, slowest node`,
      value: p50,
      unit: "ms",
      ratio: { value: r50, of: "centralized" },
      target: judged ? { text: "<= 150 ms and <= 1.10× centralized", met: both(atMost(p50, 150, ""), atMost(r50, 1.1, "")) } : undefined,
    });
    rows.push({
      section: s,
      metric: `soft confirmation p99 at ${p.steady?.rate ?? "?"} tx/s, slowest node`,
      value: p99,
      unit: "ms",
      ratio: { value: r99, of: "centralized" },
      target: judged ? { text: "<= 400 ms and <= 1.10× centralized", met: both(atMost(p99, 400, ""), atMost(r99, 1.1, "")) } : undefined,
    });
  };
  if (r.baton) clusterRows(r.baton, true);
  for (const p of r.sweep ?? []) clusterRows(p, false);

  for (const f of r.failover ?? []) {
    const fo = f.failover;
    if (!fo) continue;
    const s = `failover (${f.nodes} nodes, slot ${fo.slotMs} ms)`;
    const nextSlots = fo.nextBatchMs === null ? null : fo.nextBatchMs / fo.slotMs;
    rows.push({
      section: s,
      metric: "leader dies → next batch (from its slot's start)",
      value: fo.nextBatchMs,
      unit: "ms",
      ratio: { value: nextSlots, of: "slots" },
      target: atMost(nextSlots, 2, "<= 2 slots"),
      note: fo.nextBatchSlot !== null && fo.nextBatchSlot > fo.killSlot + 1 ? `the dead sequencer also led slot ${fo.killSlot + 1}` : undefined,
    });
    rows.push({
      section: s,
      metric: "leader dies → ejected (from its slot's start)",
      value: fo.ejectionMs,
      unit: "ms",
      ratio: { value: fo.ejectionMs === null ? null : fo.ejectionMs / fo.slotMs, of: "slots" },
    });
    rows.push({
      section: s,
      metric: "its own slots until ejected",
      value: fo.deadLeaderSlotsToEjection,
      unit: "slots",
      target: atMost(fo.deadLeaderSlotsToEjection, fo.missesToEject + 1, `<= missesToEject + 1 = ${fo.missesToEject + 1}`),
    });
  }

  if (r.sync) {
    const y = r.sync;
    const s = `sync (${y.light + y.full} batches)`;
    rows.push({
      section: s,
      metric: `${y.light} light batches (${y.lightTxs} tx each)`,
      value: y.lightBatchesPerSecond,
      unit: "batch/s",
      target: atLeast(y.lightBatchesPerSecond, 2_000, ">= 2,000 batch/s"),
    });
    const txShare = ratio(y.fullTxPerSecond, verify);
    rows.push({
      section: s,
      metric: `${y.full} full batches (${y.fullTxs} txs each)`,
      value: y.fullTxPerSecond,
      unit: "tx/s",
      ratio: { value: txShare, of: "verify, one core" },
      target: atLeast(txShare, 0.8, ">= 0.80× verify ceiling"),
    });
  }

  const mem: [string, number | null][] = [];
  if (c?.max) mem.push(["centralized node at max load", maxOf(c.max.perNode.map((p) => p.peakRssBytes))]);
  for (const p of [r.baton, ...(r.sweep ?? [])]) if (p?.max) mem.push([`largest of ${p.nodes} nodes at max load`, maxOf(p.max.perNode.map((n) => n.peakRssBytes))]);
  if (r.sync) mem.push(["syncing node", r.sync.syncerPeakRssBytes]);
  for (const [metric, bytes] of mem) {
    const v = bytes === null ? null : bytes / MB;
    rows.push({ section: "memory (peak RSS)", metric, value: v, unit: "MB", target: atMost(v, 200, "<= 200 MB") });
  }

  if (r.core && r.core.length > 0) {
    const s = "core scale";
    for (const p of r.core) {
      rows.push({
        section: s,
        metric: `epoch schedule, ${p.sequencers.toLocaleString("en-US")} sequencers`,
        value: p.scheduleMs,
        unit: "ms",
        target: p.sequencers >= 10_000 ? atMost(p.scheduleMs, 100, "< 100 ms") : undefined,
      });
    }
    for (const p of r.core) {
      rows.push({ section: s, metric: `apply a ${p.txs.toLocaleString("en-US")}-tx batch, ${p.sequencers.toLocaleString("en-US")} sequencers`, value: p.applyBatchMs, unit: "ms" });
    }
    const growth = (k: "scheduleMs" | "applyBatchMs", what: string) => {
      const pts = r.core!.map((p) => ({ n: p.sequencers, ms: p[k] }));
      const ex = growthExponents(pts);
      const last = ex[ex.length - 1];
      if (!last) return;
      const a = pts[pts.length - 2];
      const b = pts[pts.length - 1];
      rows.push({
        section: s,
        metric: `${what} growth ${a.n.toLocaleString("en-US")} → ${b.n.toLocaleString("en-US")} (exponent; n log n ≈ 1.1)`,
        value: last.exponent,
        unit: "",
        ratio: { value: b.ms / a.ms, of: `time for ${b.n / a.n}× the sequencers` },
        target: k === "scheduleMs" ? { text: "no worse than n log n", met: withinNLogN(a.n, a.ms, b.n, b.ms) } : undefined,
      });
    };
    growth("scheduleMs", "schedule");
    growth("applyBatchMs", "apply batch");
  }
  return rows;
}
