/** `baton status`: a human summary of one node's view (GET /status and /sequencers). */
import { url, type CommandSpec } from "../args.js";
import { getSequencers, getStatus, type NodeStatus, type SequencerInfo } from "../api.js";
import type { Command } from "../command.js";

const spec: CommandSpec = {
  name: "status",
  summary: "show a node's slot, head, confirmed batch, peers and sequencers",
  flags: { api: { type: "string", valueName: "url", help: "node API", default: "http://127.0.0.1:7001" } },
};

const short = (hex: string) => (hex.length > 14 ? `${hex.slice(0, 10)}…${hex.slice(-4)}` : hex);

export function formatStatus(s: NodeStatus, seqs: SequencerInfo[]): string[] {
  const lines = [
    `chain ${s.chainId}  slot ${s.slot}  epoch ${s.epoch}  peers ${s.peers}${s.syncing ? "  SYNCING" : ""}`,
    `head       height ${s.head.height}  slot ${s.head.slot}  root ${short(s.head.root)}`,
    `confirmed  height ${s.confirmed.height}  slot ${s.confirmed.slot}  root ${short(s.confirmed.root)}`,
    `sequencers (${seqs.length}):`,
  ];
  for (const q of seqs) {
    lines.push(
      `  #${String(q.index).padEnd(3)} ${short(q.pubkey)}  ${String(q.status).padEnd(7)}  stake ${String(q.stake).padStart(8)}` +
        `  produced ${String(q.produced).padStart(5)}  missed ${String(q.misses).padStart(4)} (${q.consecutiveMisses} in a row)`,
    );
  }
  return lines;
}

export const statusCommand: Command = {
  spec,
  async run(values, io) {
    const api = url(values, "api");
    const [status, seqs] = await Promise.all([getStatus(api), getSequencers(api)]);
    for (const line of formatStatus(status, seqs)) io.out(line);
    return 0;
  },
};
