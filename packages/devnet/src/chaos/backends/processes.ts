/**
 * Processes backend: the devnet launcher's node processes on 127.0.0.1. Faults: SIGKILL and
 * restart, SIGSTOP/SIGCONT, clean stop (SIGTERM) and restart, an outage (SIGKILL of every
 * node at once, all restarted together), a clock skew (a clean restart with
 * `--clock-offset-ms`, another without it at the end); several at once. Loopback cannot be cut
 * or split: network faults need the netns or docker backend.
 */
import { startDevnet, type Devnet } from "../../launcher.js";
import type { DevnetNode } from "../../process.js";
import { clockOffsetArgs } from "../../startArgs.js";
import { loadApiOver, fetchHttp } from "../http.js";
import { FaultKind, type PlannedFault } from "../plan.js";
import { BackendName, ExitLog, type ChaosBackend, type ClusterInfo, type ClusterSettings } from "../backend.js";

/** Signal faults on node processes; shared with the netns backend. */
export class ProcessFaults {
  /** per node: the watch of its current child, settled once that child's exit is recorded */
  private readonly recorded = new Map<number, Promise<void>>();
  constructor(
    private readonly nodes: () => DevnetNode[],
    private readonly exitLog: ExitLog,
    private readonly log: (l: string) => void,
  ) {}

  /** Watches the current child of node i: its exit is recorded, planned or not. */
  watch(node: DevnetNode): void {
    const recorded = node.waitExit().then((exit) => {
      if (exit === null) return;
      const e = this.exitLog.record(node.index, exit.signal ?? `exit code ${exit.code}`);
      if (!e.planned) this.log(`!! node${node.index} exited unplanned (${e.detail}); see ${node.logFile}`);
    });
    this.recorded.set(node.index, recorded);
  }

  start(node: DevnetNode): void {
    node.start();
    this.exitLog.clear(node.index);
    this.watch(node);
  }

  /**
   * A clean stop (planned), then a start with `extraArgs` after the node's usual arguments (none:
   * its usual arguments again); the stop's exit is recorded as planned before the next child is watched.
   */
  private async restartWith(node: DevnetNode, extraArgs: string[]): Promise<void> {
    this.exitLog.expect(node.index);
    const startedAt = Date.now();
    const exit = await node.restartWith(extraArgs);
    await this.recorded.get(node.index);
    this.exitLog.clear(node.index);
    this.watch(node);
    const how = exit === null ? "was not running" : `stopped in ${Date.now() - startedAt} ms (${exit.signal ?? `exit code ${exit.code}`})`;
    this.log(`   node${node.index} ${how}; started ${extraArgs.length > 0 ? `with ${extraArgs.join(" ")}` : "with its usual arguments"}`);
  }

  /** `skewMs`: a skew's clock offset (PlannedFault.skewMs). */
  async inject(kind: FaultKind, i: number, skewMs = 0): Promise<void> {
    const node = this.nodes()[i - 1];
    if (kind === FaultKind.kill || kind === FaultKind.outage) {
      // an outage is a kill of every node at once (the harsher stop: no clean shutdown anywhere)
      this.exitLog.expect(i);
      node.kill("SIGKILL");
    } else if (kind === FaultKind.freeze) {
      node.kill("SIGSTOP");
    } else if (kind === FaultKind.stop) {
      this.exitLog.expect(i);
      const t0 = Date.now();
      const exit = await node.stop(10_000);
      this.log(`   node${i} stopped cleanly in ${Date.now() - t0} ms (${exit?.signal ?? `exit code ${exit?.code}`})`);
    } else if (kind === FaultKind.skew) {
      await this.restartWith(node, clockOffsetArgs(skewMs));
    } else {
      throw new Error(`not a process fault: ${kind}`);
    }
  }

  async heal(kind: FaultKind, i: number): Promise<void> {
    const node = this.nodes()[i - 1];
    if (kind === FaultKind.freeze) node.kill("SIGCONT");
    else if (kind === FaultKind.skew) await this.restartWith(node, []);
    else if (!node.running) this.start(node);
  }

  async healAll(): Promise<void> {
    for (const n of this.nodes()) {
      n.kill("SIGCONT");
      if (n.extraArgs.length > 0) await this.restartWith(n, []);
      else if (!n.running) this.start(n);
    }
  }
}

export class ProcessesBackend implements ChaosBackend {
  readonly name = BackendName.processes;
  readonly kinds = [FaultKind.kill, FaultKind.freeze, FaultKind.stop, FaultKind.outage, FaultKind.skew] as const;
  readonly concurrent = true;
  readonly http = fetchHttp;
  readonly loadApi = loadApiOver(fetchHttp);
  private devnet: Devnet | null = null;
  private readonly exitLog = new ExitLog();
  private faults: ProcessFaults | null = null;

  async start(s: ClusterSettings, log: (l: string) => void): Promise<ClusterInfo> {
    this.devnet = await startDevnet({
      nodes: s.nodes,
      dir: s.dir,
      fresh: true,
      slotMs: s.slotMs,
      slotsPerEpoch: s.slotsPerEpoch,
      missesToEject: s.missesToEject,
      genesisDelayMs: s.genesisDelayMs,
      loadAccounts: s.loadAccounts,
      seed: s.seed,
      baseApiPort: s.baseApiPort,
      baseP2pPort: s.baseP2pPort,
      logLevel: s.logLevel,
      load: 0,
      log: () => undefined, // exits are reported by ProcessFaults.watch
    });
    const devnet = this.devnet;
    this.faults = new ProcessFaults(() => devnet.nodes, this.exitLog, log);
    for (const n of devnet.nodes) this.faults.watch(n);
    await devnet.waitReady(30_000);
    const { readDevnet } = await import("../../generate.js");
    const made = await readDevnet(devnet.dir);
    return {
      genesis: devnet.genesis,
      loadAccounts: made!.loadAccounts,
      apiUrls: devnet.nodes.map((n) => n.apiUrl),
      logs: devnet.nodes.map((n) => n.logFile),
    };
  }

  async inject(f: PlannedFault): Promise<void> {
    await Promise.all(f.targets.map((i) => this.faults!.inject(f.kind, i, f.skewMs)));
  }
  async heal(f: PlannedFault): Promise<void> {
    await Promise.all(f.targets.map((i) => this.faults!.heal(f.kind, i)));
  }
  async healAll(): Promise<void> {
    await this.faults?.healAll();
  }
  exits() {
    return this.exitLog.all();
  }
  async stop(): Promise<void> {
    if (!this.devnet) return;
    for (const n of this.devnet.nodes) this.exitLog.expect(n.index);
    await this.devnet.stop();
    this.devnet = null;
  }
}
