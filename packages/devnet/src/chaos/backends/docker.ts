/**
 * Docker backend: the root docker-compose.yml (one project per run, API ports published on
 * 127.0.0.1), nodes restart policy "no" so that a kill stays a kill. Faults: docker kill +
 * start, docker pause/unpause (frozen), docker stop (SIGTERM) + start, an outage (one
 * `docker kill` of every container, one `docker start` of all), and network faults as nftables
 * rules inside a container's network namespace (nsenter from the host; the image needs no
 * tools). Crashes are seen in `docker events` (every die the plan did not ask for).
 *
 * No clock skew: a node container's command and environment are fixed when compose creates it
 * (docker-compose.yml), so a restart with `--clock-offset-ms` would mean recreating the container
 * (a new id, a compose file that passes the setting); the processes and netns backends inject it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseGenesis, toHex } from "@baton/core";
import { REPO_ROOT } from "../../programs.js";
import { sleep } from "../../sleep.js";
import { deriveLoadAccounts } from "../../generate.js";
import { BackendName, ExitLog, type ChaosBackend, type ClusterInfo, type ClusterSettings } from "../backend.js";
import { fetchHttp, loadApiOver } from "../http.js";
import { nftApply, nftHeal, type NftExec } from "../nft.js";
import { FaultKind, type PlannedFault } from "../plan.js";

export class DockerBackend implements ChaosBackend {
  readonly name = BackendName.docker;
  readonly kinds = [FaultKind.kill, FaultKind.freeze, FaultKind.stop, FaultKind.cut, FaultKind.split, FaultKind.loss, FaultKind.outage] as const;
  readonly concurrent = true;
  readonly http = fetchHttp;
  readonly loadApi = loadApiOver(fetchHttp);
  private readonly project = `batonchaos${process.pid}`;
  private readonly image = `baton:chaos${process.pid}`;
  private env: NodeJS.ProcessEnv = {};
  private up = false;
  private built = false;
  private dir = "";
  private count = 0;
  private ids: string[] = [];
  private ips: string[] = [];
  private events: ChildProcess | null = null;
  private readonly exitLog = new ExitLog();
  private log: (l: string) => void = () => undefined;
  private readonly nft: NftExec = async (host, args) => {
    const pid = (await this.sh("docker", ["inspect", "-f", "{{.State.Pid}}", this.ids[host - 1]])).trim();
    await this.sh("nsenter", ["-t", pid, "-n", "nft", ...args], 10_000);
  };

  private sh(cmd: string, args: string[], timeoutMs = 120_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, args, { cwd: REPO_ROOT, env: this.env, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (err += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      child.on("error", (e) => (clearTimeout(timer), reject(e)));
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(out);
        else reject(new Error(`${cmd} ${args.join(" ")}: ${signal ?? `exit ${code}`}: ${(err || out).trim().slice(-800)}`));
      });
    });
  }
  private compose(args: string[], timeoutMs?: number) {
    return this.sh("docker-compose", ["-p", this.project, ...args], timeoutMs);
  }

  async start(s: ClusterSettings, log: (l: string) => void): Promise<ClusterInfo> {
    this.log = log;
    this.count = s.nodes;
    this.dir = s.dir;
    await mkdir(s.dir, { recursive: true });
    if (s.nodes !== 4) throw new Error("docker backend: docker-compose.yml runs 4 nodes (--nodes 4)");
    this.env = {
      ...process.env,
      BASE_IMAGE: process.env.BASE_IMAGE ?? "node:20-bookworm-slim",
      BATON_IMAGE: this.image,
      BATON_SEED: toHex(s.seed),
      BATON_SLOT_MS: String(s.slotMs),
      BATON_SLOTS_PER_EPOCH: String(s.slotsPerEpoch),
      BATON_MISSES_TO_EJECT: String(s.missesToEject),
      BATON_GENESIS_DELAY_MS: String(s.genesisDelayMs),
      BATON_LOG_LEVEL: s.logLevel,
      BATON_RESTART: "no",
      ...Object.fromEntries(Array.from({ length: 4 }, (_, k) => [`BATON_NODE${k + 1}_API`, String(s.baseApiPort + k + 1)])),
    };
    await this.sh("docker", ["info", "--format", "{{.ServerVersion}}"], 15_000).catch((e: Error) => {
      throw new Error(`docker backend: no Docker engine (${e.message.split("\n")[0]}); start one with ../shared/ci/docker-up.sh and eval its output`);
    });
    log(`   building ${this.image} (BASE_IMAGE=${this.env.BASE_IMAGE})`);
    this.built = true;
    await this.sh("docker", ["build", "-q", "-f", "docker/Dockerfile", "--build-arg", `BASE_IMAGE=${this.env.BASE_IMAGE}`, "-t", this.image, "."], 300_000);
    this.up = true;
    await this.compose(["up", "-d", "--no-build"], 180_000);
    this.ids = [];
    for (let i = 1; i <= 4; i++) this.ids.push((await this.compose(["ps", "-q", `node${i}`])).trim());
    for (const id of this.ids) this.ips.push((await this.sh("docker", ["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", id])).trim());
    log(`   compose project ${this.project}: containers ${this.ids.map((id) => id.slice(0, 12)).join(" ")} (${this.ips.join(" ")})`);
    this.watchEvents();

    // genesis and the load accounts' seed, from the shared volume the init service wrote
    const dump = await this.sh("docker", [
      ...["run", "--rm", "--network", "none", "-v", `${this.project}_shared:/baton/shared:ro`, "--entrypoint", "node", this.image],
      ...["-e", "const fs=require('fs');process.stdout.write(JSON.stringify({m:JSON.parse(fs.readFileSync('/baton/shared/devnet.json','utf8')),g:JSON.parse(fs.readFileSync('/baton/shared/genesis.json','utf8'))}))"],
    ]);
    const { m, g } = JSON.parse(dump) as { m: { seed: string; loadAccounts: number }; g: unknown };
    await writeFile(join(s.dir, "genesis.json"), JSON.stringify(g, null, 2));
    const genesis = parseGenesis(g);
    const seed = Uint8Array.from(Buffer.from(m.seed.replace(/^0x/, ""), "hex"));
    return {
      genesis,
      loadAccounts: deriveLoadAccounts(seed, m.loadAccounts),
      apiUrls: this.ids.map((_, k) => `http://127.0.0.1:${s.baseApiPort + k + 1}`),
      logs: [join(s.dir, "compose.log")],
    };
  }

  private watchEvents(): void {
    const child = spawn("docker", ["events", "--filter", `label=com.docker.compose.project=${this.project}`, "--filter", "event=die", "--format", "{{json .}}"], {
      env: this.env,
      stdio: ["ignore", "pipe", "ignore"],
    });
    this.events = child;
    createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        const ev = JSON.parse(line) as { Actor?: { Attributes?: Record<string, string> } };
        const service = ev.Actor?.Attributes?.["com.docker.compose.service"] ?? "";
        const m = /^node([0-9]+)$/.exec(service);
        if (!m) return;
        const e = this.exitLog.record(Number(m[1]), `die, exit code ${ev.Actor?.Attributes?.exitCode ?? "?"}`);
        if (!e.planned) this.log(`!! node${m[1]} container died unplanned (${e.detail})`);
      } catch {
        // not an event line
      }
    });
  }

  private others(i: number): string[] {
    return this.ips.filter((_, k) => k !== i - 1);
  }

  /**
   * `docker pause`, tried again when runc gives up: on a cgroup v1 host the freezer may not
   * settle while the node is busy ("unable to freeze"; runc then thaws the container, so
   * another try is safe). Seen once on a loaded machine, where it aborted the whole run.
   */
  private async pause(i: number, id: string): Promise<void> {
    const tries = 5;
    for (let t = 1; ; t++) {
      try {
        await this.sh("docker", ["pause", id]);
        return;
      } catch (e) {
        if (t >= tries || !/unable to freeze/i.test((e as Error).message)) throw e;
        this.log(`   node${i}: docker pause failed (unable to freeze), try ${t + 1} of ${tries}`);
        await sleep(250);
      }
    }
  }

  async inject(f: PlannedFault): Promise<void> {
    if (f.kind === FaultKind.outage) {
      // every container killed by one command, so they die together
      for (const i of f.targets) this.exitLog.expect(i);
      await this.sh("docker", ["kill", ...f.targets.map((i) => this.ids[i - 1])]);
      return;
    }
    for (const i of f.targets) {
      const id = this.ids[i - 1];
      switch (f.kind) {
        case FaultKind.kill:
          this.exitLog.expect(i);
          await this.sh("docker", ["kill", id]);
          break;
        case FaultKind.freeze:
          await this.pause(i, id);
          break;
        case FaultKind.stop: {
          this.exitLog.expect(i);
          const t0 = Date.now();
          await this.sh("docker", ["stop", "-t", "10", id]);
          const code = (await this.sh("docker", ["inspect", "-f", "{{.State.ExitCode}}", id])).trim();
          this.log(`   node${i} stopped in ${Date.now() - t0} ms (exit code ${code})`);
          break;
        }
        case FaultKind.cut:
          await nftApply(this.nft, i, "cut", { drop: this.others(i) });
          break;
        case FaultKind.loss:
          await nftApply(this.nft, i, "loss", { lossPct: f.lossPct ?? 10 });
          break;
        case FaultKind.split:
          break;
      }
    }
    if (f.kind === FaultKind.split) {
      const ipOf = (j: number) => this.ips[j - 1];
      for (const i of f.targets) await nftApply(this.nft, i, "split", { drop: (f.others ?? []).map(ipOf) });
      for (const i of f.others ?? []) await nftApply(this.nft, i, "split", { drop: f.targets.map(ipOf) });
    }
  }

  async heal(f: PlannedFault): Promise<void> {
    if (f.kind === FaultKind.outage) {
      await this.sh("docker", ["start", ...f.targets.map((i) => this.ids[i - 1])]);
      for (const i of f.targets) this.exitLog.clear(i);
      return;
    }
    const hit = f.kind === FaultKind.split ? [...f.targets, ...(f.others ?? [])] : f.targets;
    for (const i of hit) {
      const id = this.ids[i - 1];
      switch (f.kind) {
        case FaultKind.kill:
        case FaultKind.stop:
          await this.sh("docker", ["start", id]);
          this.exitLog.clear(i);
          break;
        case FaultKind.freeze:
          await this.sh("docker", ["unpause", id]);
          break;
        case FaultKind.cut:
        case FaultKind.loss:
        case FaultKind.split:
          await nftHeal(this.nft, i, f.kind);
          break;
      }
    }
  }

  async healAll(): Promise<void> {
    for (let i = 1; i <= this.count; i++) {
      const id = this.ids[i - 1];
      const state = (await this.sh("docker", ["inspect", "-f", "{{.State.Status}}", id])).trim();
      if (state === "paused") await this.sh("docker", ["unpause", id]);
      else if (state !== "running") {
        await this.sh("docker", ["start", id]);
        this.exitLog.clear(i);
      }
      for (const t of ["cut", "split", "loss"] as const) await nftHeal(this.nft, i, t);
    }
  }

  exits() {
    return this.exitLog.all();
  }

  async stop(): Promise<void> {
    for (let i = 1; i <= this.count; i++) this.exitLog.expect(i);
    if (this.up) {
      this.up = false;
      const logs = await this.compose(["logs", "--no-color"], 60_000).catch((e: Error) => e.message);
      if (this.dir) await writeFile(join(this.dir, "compose.log"), logs).catch(() => undefined);
      for (const id of this.ids) await this.sh("docker", ["unpause", id], 10_000).catch(() => undefined);
      await this.compose(["down", "-v", "-t", "10", "--remove-orphans"], 120_000).catch((e: Error) => this.log(`compose down: ${e.message}`));
    }
    this.events?.kill("SIGTERM");
    this.events = null;
    if (this.built) {
      this.built = false;
      await this.sh("docker", ["image", "rm", "-f", this.image], 60_000).catch(() => undefined);
    }
  }
}
