/**
 * The timeline picture: a row per sequencer, a column per slot — produced, missed, ejected —
 * with every fault drawn over the rows it hit, and the invariants' verdicts on top. Pure.
 */
import type { BatchInfo, ScheduleSlot, SequencersSample } from "./observer.js";
import type { FaultWindow, InvariantResult } from "./invariants.js";

export enum CellState {
  produced = "produced",
  missed = "missed",
  ejected = "ejected",
  idle = "idle",
}

export interface Timeline {
  fromSlot: number;
  toSlot: number;
  /** rows[i][s - fromSlot]: sequencer i at slot s */
  rows: CellState[][];
}

export function buildTimeline(o: {
  sequencers: number;
  chain: BatchInfo[];
  schedules: Map<number, ScheduleSlot[]>;
  records: SequencersSample[];
  slotsPerEpoch: number;
  fromSlot: number;
  toSlot: number;
}): Timeline {
  const bySlot = new Map(o.chain.map((b) => [b.slot, b]));
  const records = [...o.records].sort((a, b) => a.slot - b.slot);
  const rows: CellState[][] = Array.from({ length: o.sequencers }, () => []);
  let r = -1;
  for (let s = o.fromSlot; s <= o.toSlot; s++) {
    while (r + 1 < records.length && records[r + 1].slot <= s) r++;
    const ejected = new Set(r >= 0 ? records[r].sequencers.filter((q) => q.status !== "active").map((q) => q.index) : []);
    const batch = bySlot.get(s);
    const order = o.schedules.get(Math.floor(s / o.slotsPerEpoch))?.find((x) => x.slot === s);
    const effective = order ? [order.leader, ...order.fallbacks].find((i) => !ejected.has(i)) : undefined;
    for (let i = 0; i < o.sequencers; i++) {
      let cell = CellState.idle;
      if (batch && batch.proposer === i) cell = CellState.produced;
      else if (ejected.has(i)) cell = CellState.ejected;
      else if (!batch && effective === i) cell = CellState.missed;
      rows[i].push(cell);
    }
  }
  return { fromSlot: o.fromSlot, toSlot: o.toSlot, rows };
}

const COLORS: Record<CellState, string> = {
  [CellState.produced]: "#2e7d32",
  [CellState.missed]: "#e53935",
  [CellState.ejected]: "#9e9e9e",
  [CellState.idle]: "#eceff1",
};
const FAULT_COLORS: Record<string, string> = { kill: "#d81b60", freeze: "#1e88e5", stop: "#8e24aa", cut: "#f57c00", split: "#fbc02d", loss: "#00897b", outage: "#4e342e", skew: "#9e9d24" };

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function renderTimelineSvg(o: {
  title: string;
  timeline: Timeline;
  labels: string[];
  faults: FaultWindow[];
  invariants: InvariantResult[];
  slotsPerEpoch: number;
  /** slot where the faults stop (the settle phase follows) */
  faultPhaseEndSlot?: number;
}): string {
  const t = o.timeline;
  const n = t.toSlot - t.fromSlot + 1;
  const cw = Math.max(2, Math.min(10, Math.floor(1500 / Math.max(1, n))));
  const left = 64;
  const rowH = 22;
  const laneH = 16;
  const lanes = assignLanes(o.faults);
  const laneCount = Math.max(1, ...lanes.map((l) => l + 1));
  const top = 58 + laneCount * laneH + 6;
  const width = left + n * cw + 130;
  const rowsH = o.labels.length * rowH;
  const height = top + rowsH + 30 + 40;
  const x = (slot: number) => left + (slot - t.fromSlot) * cw;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`);
  parts.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  parts.push(`<text x="8" y="18" font-size="15" font-weight="600">${esc(o.title)}</text>`);
  let vx = 8;
  for (const inv of o.invariants) {
    const label = `${inv.held ? "✓" : "✗"} ${inv.name}`;
    parts.push(`<text x="${vx}" y="38" fill="${inv.held ? "#2e7d32" : "#c62828"}" font-weight="600"><title>${esc(inv.summary)}</title>${esc(label)}</text>`);
    vx += label.length * 7 + 18;
  }
  // fault lanes (above the rows) and shading over the rows each fault hit
  for (const [k, f] of o.faults.entries()) {
    const color = FAULT_COLORS[f.kind] ?? "#000";
    const x0 = x(Math.max(t.fromSlot, f.startSlot));
    const x1 = x(Math.min(t.toSlot, f.endSlot) + 1);
    const y = 52 + lanes[k] * laneH;
    parts.push(`<rect x="${x0}" y="${y}" width="${Math.max(2, x1 - x0)}" height="${laneH - 3}" fill="${color}" rx="2"><title>${esc(f.label)}: slots ${f.startSlot}-${f.endSlot}</title></rect>`);
    parts.push(`<text x="${x0 + 3}" y="${y + laneH - 6}" font-size="10" fill="#fff">${esc(f.label)}</text>`);
    const hit = f.kind === "split" ? [...f.targets, ...(f.others ?? [])] : f.targets;
    for (const node of hit) {
      const ry = top + (node - 1) * rowH;
      parts.push(`<rect x="${x0}" y="${ry - 1}" width="${Math.max(2, x1 - x0)}" height="${rowH}" fill="${color}" fill-opacity="0.18" stroke="${color}" stroke-width="1.5"/>`);
      if (f.kind === "split") parts.push(`<text x="${x0 + 2}" y="${ry + rowH - 5}" font-size="9" fill="#5d4037">${f.targets.includes(node) ? "A" : "B"}</text>`);
    }
    // an outage: where every node was started again (its band lasts until >2/3 is up and in sync)
    if (f.restartSlot !== undefined && f.restartSlot >= t.fromSlot && f.restartSlot <= t.toSlot) {
      const rx = x(f.restartSlot);
      const bottom = top + o.labels.length * rowH;
      parts.push(`<line x1="${rx}" y1="${y}" x2="${rx}" y2="${bottom}" stroke="${color}" stroke-width="1.5" stroke-dasharray="4,3"><title>${esc(f.label)}: every node started again at slot ${f.restartSlot}</title></line>`);
      parts.push(`<text x="${rx + 3}" y="${bottom - 4}" font-size="10" fill="${color}">restart</text>`);
    }
  }
  // cells
  for (const [i, row] of t.rows.entries()) {
    const y = top + i * rowH + 3;
    parts.push(`<text x="8" y="${y + 12}" font-weight="600">${esc(o.labels[i] ?? `s${i}`)}</text>`);
    for (const [j, cell] of row.entries()) {
      if (cell === CellState.idle) continue;
      parts.push(`<rect x="${left + j * cw}" y="${y}" width="${Math.max(1, cw - (cw > 3 ? 1 : 0))}" height="${rowH - 8}" fill="${COLORS[cell]}"><title>slot ${t.fromSlot + j}: ${cell}</title></rect>`);
    }
  }
  // axis: a tick per epoch
  const axisY = top + rowsH + 4;
  parts.push(`<line x1="${left}" y1="${axisY}" x2="${x(t.toSlot + 1)}" y2="${axisY}" stroke="#90a4ae"/>`);
  for (let s = Math.ceil(t.fromSlot / o.slotsPerEpoch) * o.slotsPerEpoch; s <= t.toSlot; s += o.slotsPerEpoch) {
    parts.push(`<line x1="${x(s)}" y1="${top - 2}" x2="${x(s)}" y2="${axisY + 4}" stroke="#cfd8dc" stroke-dasharray="2,3"/>`);
    parts.push(`<text x="${x(s)}" y="${axisY + 15}" font-size="10" fill="#546e7a" text-anchor="middle">${s}</text>`);
  }
  if (o.faultPhaseEndSlot !== undefined && o.faultPhaseEndSlot <= t.toSlot) {
    const fx = x(o.faultPhaseEndSlot);
    parts.push(`<line x1="${fx}" y1="48" x2="${fx}" y2="${axisY}" stroke="#37474f" stroke-width="1.5"/>`);
    parts.push(`<text x="${fx + 3}" y="${top - 4}" font-size="10" fill="#37474f">faults end, settle</text>`);
  }
  // legend
  let lx = left;
  const ly = axisY + 30;
  parts.push(`<text x="8" y="${ly + 9}" font-size="11" fill="#546e7a">slot →</text>`);
  for (const c of [CellState.produced, CellState.missed, CellState.ejected]) {
    parts.push(`<rect x="${lx}" y="${ly}" width="10" height="10" fill="${COLORS[c]}"/><text x="${lx + 14}" y="${ly + 9}" font-size="11">${c}</text>`);
    lx += 90;
  }
  for (const [k, color] of Object.entries(FAULT_COLORS)) {
    parts.push(`<rect x="${lx}" y="${ly}" width="10" height="10" fill="${color}"/><text x="${lx + 14}" y="${ly + 9}" font-size="11">${k}</text>`);
    lx += 70;
  }
  parts.push(`</svg>`);
  return parts.join("\n") + "\n";
}

/** Lane per fault so overlapping faults do not overlap in the picture. */
function assignLanes(faults: FaultWindow[]): number[] {
  const laneEnd: number[] = [];
  return faults.map((f) => {
    let lane = laneEnd.findIndex((end) => end < f.startSlot);
    if (lane === -1) lane = laneEnd.length;
    laneEnd[lane] = f.endSlot + 6;
    return lane;
  });
}
