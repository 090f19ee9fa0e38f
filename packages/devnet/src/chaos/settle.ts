
import { toHex } from "@baton/core";
import { type ChaosBackend, type ClusterInfo } from "./backend.js";
import { getJson } from "./http.js";
import {
  connectedGroups,
  healthyAt,
  type ClusterShape,
  type FaultWindow,
  type Gap,
  type LivenessFacts,
  type TxCheck,
} from "./invariants.js";
import { Observer, pickRecord, type SequencerRecord, type StatusSample } from "./observer.js";
import { type KindStats } from "./report.js";
import { sleep } from "../sleep.js";

export async function checkTxs(
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

export async function parallel<T>(items: T[], width: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** Every node's /sequencers, taken while all nodes are on one head (checked before and after). */
export async function commonHeadRecords(backend: ChaosBackend, info: ClusterInfo, deadline: number, signal?: AbortSignal) {
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

/**
 * Stretches where at most 2/3 was up and connected: did each side keep producing, did
 * confirmation resume (an outage's window lasts until >2/3 is up and in sync again, so for it
 * the time counts from then).
 */
export function degradedPeriods(c: ClusterShape, windows: FaultWindow[], samples: StatusSample[], faultEndSlot: number, endMs: number): LivenessFacts["degraded"] {
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
      // an outage leaves no node up: no side to judge, only whether confirmation resumed
      const groups = connectedGroups(c, windows, Math.floor((from + to) / 2)).filter((g) => g.length > 0);
      const absentMax = c.nodes - Math.min(c.nodes, ...groups.map((g) => g.length));
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

export function kindStats(windows: FaultWindow[], chain: { slot: number }[], gaps: Gap[], c: ClusterShape, faultEndSlot: number): KindStats[] {
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
