/**
 * Netns backend: node i runs on test host h<i> (its own network namespace, 10.78.0.(10+i),
 * made by ../shared/ci/netns-hosts.sh), so the network between nodes is real and can fail:
 * a node cut off from its peers, the network split in two, packet loss on one host — on top
 * of the process faults (kill, freeze, stop, outage, skew: ProcessFaults); several at once.
 *
 * The chaos runner stays in the root namespace, which must never send to a test host: its
 * HTTP requests go through a helper process (netnsProxy.ts) running on an extra observer
 * host h<N+1>, over the helper's stdin/stdout. Network faults only drop traffic between
 * nodes, so the observer keeps seeing a node that is cut off (and what it confirms alone).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { compiledProgram, REPO_ROOT, requireBuilt } from "../../programs.js";
import { createDevnet } from "../../generate.js";
import { GENESIS_FILE, nodeLayout } from "../../layout.js";
import { NodeProcess } from "../../process.js";
import { startArgs } from "../../startArgs.js";
import { BackendName, ExitLog, type ChaosBackend, type ClusterInfo, type ClusterSettings } from "../backend.js";
import { loadApiOver, withDeadline, type ChaosHttp, type HttpAnswer } from "../http.js";
import { nftApply, nftHeal, type NftExec } from "../nft.js";
import { FaultKind, type PlannedFault } from "../plan.js";
import type { ProxyAnswer, ProxyRequest } from "./netnsProxy.js";
import { ProcessFaults } from "./processes.js";

export const NETNS_SCRIPT = process.env.BATON_NETNS_SCRIPT ?? join(REPO_ROOT, "../shared/ci/netns-hosts.sh");
export const hostAddr = (i: number) => `10.78.0.${10 + i}`;
const PROXY_FILE = compiledProgram(new URL("./netnsProxy.ts", import.meta.url));

/** Runs a command to completion (bounded); rejects with its stderr on failure. */
export function run(cmd: string, args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(" ")}: ${signal ?? `exit ${code}`}: ${err.trim().slice(-500)}`));
    });
  });
}

/** A node process started inside a host namespace (`ip netns exec` execs: same pid). */
class NetnsNodeProcess extends NodeProcess {
  constructor(
    private readonly host: string,
    ...args: ConstructorParameters<typeof NodeProcess>
  ) {
    super(...args);
  }
  override commandLine(): string[] {
    return ["ip", "netns", "exec", this.host, ...super.commandLine()];
  }
}

/** ChaosHttp through the helper process on the observer host. */
class ProxyHttp implements ChaosHttp {
  private nextId = 1;
  private readonly waiting = new Map<number, (a: ProxyAnswer) => void>();
  constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      let a: ProxyAnswer;
      try {
        a = JSON.parse(line) as ProxyAnswer;
      } catch {
        return;
      }
      this.waiting.get(a.id)?.(a);
      this.waiting.delete(a.id);
    });
  }
  async request(method: "GET" | "POST", url: string, body: unknown, timeoutMs: number): Promise<HttpAnswer> {
    const id = this.nextId++;
    const req: ProxyRequest = { id, method, url, body, timeoutMs };
    const answer = new Promise<ProxyAnswer>((resolve) => this.waiting.set(id, resolve));
    this.child.stdin!.write(JSON.stringify(req) + "\n");
    const a = await withDeadline(answer, timeoutMs + 1_000, `${method} ${url}`).finally(() => this.waiting.delete(id));
    if ("error" in a) throw new Error(`${method} ${url}: ${a.error}`);
    return { status: a.status, body: a.body };
  }
  async close(): Promise<void> {
    this.child.stdin?.end();
    await withDeadline(new Promise((r) => this.child.once("exit", r)), 3_000, "proxy exit").catch(() => this.child.kill("SIGKILL"));
  }
}

/** Lazy: the helper starts with the cluster, but the runner holds `http` from the start. */
class LateHttp implements ChaosHttp {
  inner: ChaosHttp | null = null;
  request(method: "GET" | "POST", url: string, body: unknown, timeoutMs: number) {
    if (!this.inner) return Promise.reject(new Error("netns observer not started"));
    return this.inner.request(method, url, body, timeoutMs);
  }
  async close() {
    await this.inner?.close();
  }
}

export class NetnsBackend implements ChaosBackend {
  readonly name = BackendName.netns;
  readonly kinds = [FaultKind.kill, FaultKind.freeze, FaultKind.stop, FaultKind.cut, FaultKind.split, FaultKind.loss, FaultKind.outage, FaultKind.skew] as const;
  readonly concurrent = true;
  readonly http = new LateHttp();
  readonly loadApi = loadApiOver(this.http);
  private nodes: NetnsNodeProcess[] = [];
  private readonly exitLog = new ExitLog();
  private faults: ProcessFaults | null = null;
  private hostsMade = false;
  private count = 0;
  private readonly nft: NftExec = async (host, args) => {
    await run("ip", ["netns", "exec", `h${host}`, "nft", ...args], 10_000);
  };

  async start(s: ClusterSettings, log: (l: string) => void): Promise<ClusterInfo> {
    if (!existsSync(NETNS_SCRIPT)) throw new Error(`netns backend: ${NETNS_SCRIPT} not found (set BATON_NETNS_SCRIPT)`);
    const existing = (await run("ip", ["netns", "list"])).split("\n").map((l) => l.split(" ")[0]).filter((n) => /^h[0-9]+$/.test(n));
    if (existing.length > 0) {
      throw new Error(`netns backend: test hosts ${existing.join(",")} exist already (another run? a leftover: ${NETNS_SCRIPT} down)`);
    }
    this.count = s.nodes;
    const observer = s.nodes + 1;
    this.hostsMade = true;
    await run("bash", [NETNS_SCRIPT, "up", String(observer)], 120_000);
    log(`   test hosts h1..h${s.nodes} (${hostAddr(1)}..${hostAddr(s.nodes)}), observer h${observer}`);

    const gen = await createDevnet(
      s.dir,
      {
        nodes: s.nodes,
        slotMs: s.slotMs,
        slotsPerEpoch: s.slotsPerEpoch,
        missesToEject: s.missesToEject,
        loadAccounts: s.loadAccounts,
        genesisTime: Date.now() + s.genesisDelayMs,
        seed: s.seed,
      },
      s,
    );
    const layouts = gen.manifest.peerIds.map((_, k) => {
      const i = k + 1;
      const l = nodeLayout(s.dir, i, s);
      return {
        ...l,
        apiUrl: `http://${hostAddr(i)}:${l.apiPort}`,
        metricsUrl: `http://${hostAddr(i)}:${l.metricsPort}/metrics`,
        listenAddr: `/ip4/${hostAddr(i)}/tcp/${l.p2pPort}`,
      };
    });
    const addrs = layouts.map((l, k) => `${l.listenAddr}/p2p/${gen.manifest.peerIds[k]}`);
    this.nodes = layouts.map(
      (l, k) =>
        new NetnsNodeProcess(
          `h${l.index}`,
          l,
          gen.manifest.peerIds[k],
          addrs[k],
          startArgs({
            genesisFile: join(s.dir, GENESIS_FILE),
            keyFile: l.keyFile,
            dataDir: l.dataDir,
            listenAddr: l.listenAddr,
            bootstrap: addrs.filter((_, j) => j !== k),
            apiHost: hostAddr(l.index),
            apiPort: l.apiPort,
            metricsPort: l.metricsPort,
            logLevel: s.logLevel,
          }),
        ),
    );
    this.faults = new ProcessFaults(() => this.nodes, this.exitLog, log);
    for (const n of this.nodes) this.faults.start(n);

    const proxy = spawn("ip", ["netns", "exec", `h${observer}`, process.execPath, requireBuilt(PROXY_FILE)], {
      cwd: REPO_ROOT,
      stdio: ["pipe", "pipe", "inherit"],
    });
    this.http.inner = new ProxyHttp(proxy);
    return { genesis: gen.genesis, loadAccounts: gen.loadAccounts, apiUrls: layouts.map((l) => l.apiUrl), logs: layouts.map((l) => l.logFile) };
  }

  private others(i: number): string[] {
    return Array.from({ length: this.count }, (_, k) => k + 1).filter((j) => j !== i).map(hostAddr);
  }

  async inject(f: PlannedFault): Promise<void> {
    switch (f.kind) {
      case FaultKind.cut:
        for (const i of f.targets) await nftApply(this.nft, i, "cut", { drop: this.others(i) });
        return;
      case FaultKind.split: {
        const a = f.targets;
        const b = f.others ?? [];
        for (const i of a) await nftApply(this.nft, i, "split", { drop: b.map(hostAddr) });
        for (const i of b) await nftApply(this.nft, i, "split", { drop: a.map(hostAddr) });
        return;
      }
      case FaultKind.loss:
        for (const i of f.targets) await nftApply(this.nft, i, "loss", { lossPct: f.lossPct ?? 10 });
        return;
      default:
        await Promise.all(f.targets.map((i) => this.faults!.inject(f.kind, i, f.skewMs)));
    }
  }

  async heal(f: PlannedFault): Promise<void> {
    switch (f.kind) {
      case FaultKind.cut:
      case FaultKind.loss:
        for (const i of f.targets) await nftHeal(this.nft, i, f.kind);
        return;
      case FaultKind.split:
        for (const i of [...f.targets, ...(f.others ?? [])]) await nftHeal(this.nft, i, "split");
        return;
      default:
        await Promise.all(f.targets.map((i) => this.faults!.heal(f.kind, i)));
    }
  }

  async healAll(): Promise<void> {
    for (let i = 1; i <= this.count; i++) for (const t of ["cut", "split", "loss"] as const) await nftHeal(this.nft, i, t);
    await this.faults?.healAll();
  }

  exits() {
    return this.exitLog.all();
  }

  async stop(): Promise<void> {
    for (const n of this.nodes) this.exitLog.expect(n.index);
    await Promise.all(this.nodes.map((n) => n.stop(5_000)));
    this.nodes = [];
    await this.http.close();
    this.http.inner = null;
    if (this.hostsMade) {
      this.hostsMade = false;
      await run("bash", [NETNS_SCRIPT, "down"], 60_000).catch(() => undefined);
    }
  }
}
