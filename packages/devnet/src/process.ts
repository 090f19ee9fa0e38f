/**
 * One node as a child process: `node packages/cli/dist/bin.js start ...` (compiled; programs.ts),
 * stdout and stderr appended to its node.log. Children run in their own process group, so a
 * Ctrl-C in the terminal reaches only the launcher, which then stops them with SIGTERM.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { BATON_BIN, REPO_ROOT, requireBuilt } from "./programs.js";
import type { NodeLayout } from "./layout.js";

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface DevnetNode extends NodeLayout {
  peerId: string;
  /** multiaddr other nodes dial: /ip4/127.0.0.1/tcp/<port>/p2p/<peerId> */
  p2pAddr: string;
  /** pid of the running child, null when not running */
  readonly pid: number | null;
  readonly running: boolean;
  /** sends a signal (SIGTERM, SIGKILL, SIGSTOP, SIGCONT...); false if not running */
  kill(signal?: NodeJS.Signals): boolean;
  /** SIGTERM, wait up to `timeoutMs` (then SIGKILL) until it exited */
  stop(timeoutMs?: number): Promise<ExitInfo | null>;
  /** starts it again from its data dir (no-op if running) */
  start(): void;
  /** stop() if running, then start() */
  restart(): Promise<void>;
  /**
   * stop() if running, then start() with `extraArgs` after its usual arguments, kept for every
   * later start until the next restartWith (`[]`: its usual arguments again)
   */
  restartWith(extraArgs: string[]): Promise<ExitInfo | null>;
  /** the arguments restartWith added (empty: none) */
  readonly extraArgs: readonly string[];
  /** resolves when the current child exits (at once if none runs) */
  waitExit(): Promise<ExitInfo | null>;
}

export interface NodeProcessHooks {
  /** the child exited without kill()/stop() asking it to */
  onUnexpectedExit?(node: DevnetNode, exit: ExitInfo): void;
}

const STOPPING_SIGNALS = new Set<string>(["SIGTERM", "SIGKILL", "SIGINT", "SIGQUIT"]);

export class NodeProcess implements DevnetNode {
  readonly index: number;
  readonly dataDir: string;
  readonly keyFile: string;
  readonly peerKeyFile: string;
  readonly logFile: string;
  readonly apiPort: number;
  readonly apiUrl: string;
  readonly metricsPort: number;
  /** Prometheus text, on the node's metrics listener */
  readonly metricsUrl: string;
  readonly p2pPort: number;
  readonly listenAddr: string;
  private child: ChildProcess | null = null;
  private exited: Promise<ExitInfo> | null = null;
  private expectExit = false;
  private added: string[] = [];

  constructor(
    layout: NodeLayout,
    readonly peerId: string,
    readonly p2pAddr: string,
    /** arguments after `bin.ts` */
    private readonly cliArgs: string[],
    private readonly hooks: NodeProcessHooks = {},
  ) {
    this.index = layout.index;
    this.dataDir = layout.dataDir;
    this.keyFile = layout.keyFile;
    this.peerKeyFile = layout.peerKeyFile;
    this.logFile = layout.logFile;
    this.apiPort = layout.apiPort;
    this.apiUrl = layout.apiUrl;
    this.metricsPort = layout.metricsPort;
    this.metricsUrl = layout.metricsUrl;
    this.p2pPort = layout.p2pPort;
    this.listenAddr = layout.listenAddr;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }
  get running(): boolean {
    return this.child !== null;
  }

  get extraArgs(): readonly string[] {
    return this.added;
  }

  /** The full command line (for logs and for a person who wants to run one node by hand). */
  commandLine(): string[] {
    return [process.execPath, requireBuilt(BATON_BIN), ...this.cliArgs, ...this.added];
  }

  start(): void {
    if (this.child) return;
    const [cmd, ...args] = this.commandLine();
    const fd = openSync(this.logFile, "a");
    let child: ChildProcess;
    try {
      child = spawn(cmd, args, { cwd: REPO_ROOT, stdio: ["ignore", fd, fd], detached: true, env: process.env });
    } finally {
      closeSync(fd);
    }
    this.child = child;
    this.expectExit = false;
    this.exited = new Promise<ExitInfo>((resolve) => {
      child.once("exit", (code, signal) => {
        const exit = { code, signal };
        this.child = null;
        if (!this.expectExit) this.hooks.onUnexpectedExit?.(this, exit);
        resolve(exit);
      });
      child.once("error", (err) => {
        // spawn failed (no exit event follows)
        this.child = null;
        this.hooks.onUnexpectedExit?.(this, { code: null, signal: null });
        resolve({ code: null, signal: null });
        void err;
      });
    });
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): boolean {
    if (!this.child || this.child.pid === undefined) return false;
    if (STOPPING_SIGNALS.has(signal)) this.expectExit = true;
    try {
      process.kill(this.child.pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  async waitExit(): Promise<ExitInfo | null> {
    return this.child && this.exited ? this.exited : null;
  }

  async stop(timeoutMs = 5_000): Promise<ExitInfo | null> {
    if (!this.child || !this.exited) return null;
    const exited = this.exited;
    this.kill("SIGTERM");
    this.kill("SIGCONT"); // a SIGSTOPped node must run to handle SIGTERM
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), timeoutMs)));
    const first = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    if (first !== "timeout") return first;
    this.kill("SIGKILL");
    return exited;
  }

  async restart(): Promise<void> {
    await this.stop();
    this.start();
  }

  async restartWith(extraArgs: string[], timeoutMs = 10_000): Promise<ExitInfo | null> {
    const exit = await this.stop(timeoutMs);
    this.added = [...extraArgs];
    this.start();
    return exit;
  }

  /** Synchronous last resort when the launcher itself exits. */
  killNow(): void {
    this.kill("SIGKILL");
  }
}
