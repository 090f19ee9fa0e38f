/**
 * `baton status`: a human summary of one node's view: slot, epoch, head, confirmed, peers,
 * sync progress, this node's next slots, and every sequencer with its stake, status, record
 * and place in the current committee (GET /status, /sequencers, /schedule).
 */
import { apiRequest, getSequencers, getStatus, type NodeStatus, type Schedule, type SequencerInfo } from "@baton/client";
import { url, type CommandSpec } from "../args.js";
import type { Command } from "../command.js";
import { formatSyncLine } from "./start.js";

const spec: CommandSpec = {
  name: "status",
  summary: "show a node's slot, head, confirmed batch, peers, its next slots and the committee",
  flags: { api: { type: "string", valueName: "url", help: "node API", default: "http://127.0.0.1:7001" } },
};

/** What `baton status` reads of GET /status (older nodes may lack the optional parts). */
export type FullStatus = Pick<NodeStatus, "chainId" | "slot" | "epoch" | "head" | "confirmed" | "peers" | "syncing"> &
  Partial<Pick<NodeStatus, "mempool" | "sync" | "node">>;
export type ScheduleView = Schedule;

const short = (hex: string) => (hex.length > 14 ? `${hex.slice(0, 10)}…${hex.slice(-4)}` : hex);

/** Pure: the summary lines. `schedules` are the current and next epoch's, when the node knows them. */
export function formatStatus(s: FullStatus, seqs: SequencerInfo[], schedules: ScheduleView[] = []): string[] {
  const lines = [
    `chain ${s.chainId}  slot ${s.slot}  epoch ${s.epoch}  peers ${s.peers}${s.syncing ? "  SYNCING" : ""}${s.mempool !== undefined ? `  mempool ${s.mempool}` : ""}`,
    `head       height ${s.head.height}  slot ${s.head.slot}  root ${short(s.head.root)}`,
    `confirmed  height ${s.confirmed.height}  slot ${s.confirmed.slot}  root ${short(s.confirmed.root)}`,
  ];
  const syncLine = formatSyncLine(s);
  if (syncLine) lines.push(syncLine);

  const current = schedules.find((x) => x.epoch === s.epoch);
  const upcoming = schedules.flatMap((x) => x.slots).filter((x) => x.slot > s.slot);
  // an ejected or exited sequencer keeps its place in the schedule, but its slots go to the fallbacks
  const active = (i: number) => seqs.find((q) => q.index === i)?.status === "active";
  const nextOf = (i: number) => (active(i) ? upcoming.filter((x) => x.leader === i).map((x) => x.slot) : []);
  const me = s.node?.sequencerIndex ?? null;
  if (s.node?.multiaddrs?.length) lines.push(`p2p        ${s.node.multiaddrs.join(" ")}  (a bootstrap address for others)`);
  if (s.node) {
    if (me === null) lines.push(`this node  full node (no staked sequencer key)  peer ${short(s.node.peerId)}`);
    else {
      const mine = nextOf(me);
      const st = seqs.find((q) => q.index === me)?.status ?? "?";
      const why = st === "active" ? `none in epochs ${schedules.map((x) => x.epoch).join(", ") || "?"}` : `none (${st}: its slots go to the fallbacks)`;
      lines.push(`this node  sequencer #${me}  next slots: ${mine.length ? mine.join(", ") : why}`);
    }
  }

  const committee = new Set<number>();
  const slotsThisEpoch = new Map<number, number>();
  for (const x of current?.slots ?? []) {
    committee.add(x.leader);
    x.fallbacks.forEach((f) => committee.add(f));
    slotsThisEpoch.set(x.leader, (slotsThisEpoch.get(x.leader) ?? 0) + 1);
  }
  lines.push(current ? `sequencers (${seqs.length}), committee of epoch ${s.epoch}: ${committee.size}` : `sequencers (${seqs.length}):`);
  for (const q of seqs) {
    const base =
      `  #${String(q.index).padEnd(3)} ${short(q.pubkey)}  ${String(q.status).padEnd(7)}  stake ${String(q.stake).padStart(8)}` +
      `  produced ${String(q.produced).padStart(5)}  missed ${String(q.misses).padStart(4)} (${q.consecutiveMisses} in a row)`;
    if (!current) {
      lines.push(base + (q.index === me ? "  <- this node" : ""));
      continue;
    }
    const next = nextOf(q.index)[0];
    const member = committee.has(q.index) ? `${String(slotsThisEpoch.get(q.index) ?? 0).padStart(2)} slots this epoch` : "not in committee  ";
    lines.push(`${base}  ${member}  next ${next ?? "-"}${q.index === me ? "  <- this node" : ""}`);
  }
  return lines;
}

async function schedule(api: string, epoch: number): Promise<ScheduleView | null> {
  try {
    return await apiRequest<ScheduleView>(api, "GET", `/schedule?epoch=${epoch}`);
  } catch {
    return null; // the node's head state does not know that epoch (a node far behind)
  }
}

export const statusCommand: Command = {
  spec,
  async run(values, io) {
    const api = url(values, "api");
    const [status, seqs] = await Promise.all([getStatus(api) as Promise<FullStatus>, getSequencers(api)]);
    const schedules = (await Promise.all([schedule(api, status.epoch), schedule(api, status.epoch + 1)])).filter((x): x is ScheduleView => x !== null);
    for (const line of formatStatus(status, seqs, schedules)) io.out(line);
    return 0;
  },
};
