/**
 * RSS and PSS of every node process, sampled from /proc/<pid>/smaps_rollup every `intervalMs`
 * while a window runs: what a node holds in steady state, besides its lifetime peak (VmHWM,
 * which also counts start-up and GC spikes). The median of each node's samples is reported.
 */
import { processSmaps } from "./procstat.js";
import { percentile } from "./stats.js";

const MB = 2 ** 20;

export class MemorySampler {
  private readonly rss: number[][];
  private readonly pss: number[][];
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> = Promise.resolve();
  private busy = false;

  constructor(
    private readonly pids: (number | null)[],
    private readonly intervalMs: number,
  ) {
    this.rss = pids.map(() => []);
    this.pss = pids.map(() => []);
  }

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  /** Stops sampling; each node's median RSS and PSS (MB) and how many samples they rest on. */
  async stop(): Promise<{ rssMb: number | null; pssMb: number | null; samples: number }[]> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
    const median = (values: number[]) => (values.length === 0 ? null : percentile(values, 50) / MB);
    return this.pids.map((_, index) => ({ rssMb: median(this.rss[index]), pssMb: median(this.pss[index]), samples: Math.min(this.rss[index].length, this.pss[index].length) }));
  }

  private sample(): void {
    // one sample at a time: a tick that comes while the last read is still running is skipped
    if (this.busy) return;
    this.busy = true;
    this.inFlight = Promise.all(this.pids.map((pid) => processSmaps(pid))).then((all) => {
      all.forEach((memory, index) => {
        if (memory.rssBytes !== null) this.rss[index].push(memory.rssBytes);
        if (memory.pssBytes !== null) this.pss[index].push(memory.pssBytes);
      });
      this.busy = false;
    });
  }
}
