/** The devnet's status line: one node's view of slot, head, confirmation and every sequencer. */
import { toHex, type Genesis } from "@baton/core";
import { getSequencers, getStatus, type NodeStatus, type SequencerInfo } from "@baton/client";
import type { LoadStats } from "./load.js";

export interface ClusterSnapshot {
  /** 1-based index of the node that answered */
  from: number;
  status: NodeStatus;
  sequencers: SequencerInfo[];
}

/** Asks the nodes in order; the first that answers both requests gives the snapshot. */
export async function fetchSnapshot(apiUrls: string[], timeoutMs = 1_000): Promise<ClusterSnapshot | null> {
  for (const [i, url] of apiUrls.entries()) {
    try {
      const [status, sequencers] = await Promise.all([getStatus(url, { timeoutMs }), getSequencers(url, { timeoutMs })]);
      return { from: i + 1, status, sequencers };
    } catch {
      // try the next node
    }
  }
  return null;
}

/** Node labels: node i runs genesis sequencer i-1; sequencers that joined later show as s<index>. */
export function sequencerLabels(genesis: Genesis): Map<string, string> {
  return new Map(genesis.sequencers.map((s, i) => [toHex(s.pubkey).toLowerCase(), `n${i + 1}`]));
}

export function formatStatusLine(
  snap: ClusterSnapshot | null,
  labels: Map<string, string>,
  load: LoadStats | null,
  exited: number[] = [],
): string {
  const parts: string[] = [];
  if (snap === null) {
    parts.push("no node answers yet");
  } else {
    const s = snap.status;
    parts.push(`slot ${s.slot} epoch ${s.epoch}`);
    parts.push(`head ${s.head.height} confirmed ${s.confirmed.height}${s.syncing ? " (syncing)" : ""}`);
    const seqs = snap.sequencers.map((q) => {
      const label = labels.get(String(q.pubkey).toLowerCase()) ?? `s${q.index}`;
      const status = q.status === "active" ? "" : ` ${String(q.status).toUpperCase()}`;
      return `${label} ${q.produced}/${q.misses}${status}`;
    });
    parts.push(seqs.join("  "));
  }
  if (load) parts.push(`load ok ${load.acknowledged} refused ${load.refused} failed ${load.failed}`);
  if (exited.length > 0) parts.push(`down: ${exited.map((i) => `n${i}`).join(",")}`);
  if (snap) parts.push(`(via n${snap.from})`);
  return parts.join(" | ");
}

export const STATUS_LEGEND = "status line: slot, epoch | head and confirmed height | per node produced/missed [status] | load";
