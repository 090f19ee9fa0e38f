/**
 * Crash consistency (issue 12): a producing node is SIGKILLed at random points 100 times —
 * while it starts (level open, libp2p), imports, produces and writes — and started again from
 * its data dir each time. After every 20 kills, and at the end, it must start, catch up with
 * the others, and the chain must hold no two batches of one proposer for one slot: no node
 * saw an equivocation, nobody was slashed, and every height has one batch whose slot only its
 * own proposer used. The slashing-protection record is what makes the last part hold.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDevnet, type Devnet } from "@baton/devnet";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { getJson, reportSetupErrors, waitFor, type SequencerInfo, type Status } from "./helpers.js";

const test = suite("crash consistency");
const KILLS = Number(process.env.BATON_CRASH_KILLS ?? 100);
const VICTIM = 2; // node3 = sequencer index 2
const SLOT_MS = 250;
const log = (msg: string) => console.log(`    [crash] ${msg}`);

let dir = "";
let devnet: Devnet;
const status = (i: number) => getJson<Status>(`${devnet.nodes[i].apiUrl}/status`);

/** A deterministic pseudo-random sequence (the kill points repeat for a given seed). */
function randomDelays(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return 60 + (x % 840); // 60 ms (still loading) .. 0.9 s (importing, producing, writing)
  };
}

test.before(
  reportSetupErrors(async () => {
    dir = mkdtempSync(join(tmpdir(), "baton-crash-"));
    devnet = await startDevnet({
      nodes: 3,
      dir,
      fresh: true,
      slotMs: SLOT_MS,
      slotsPerEpoch: 8,
      // ejection would take the victim out of the leader rotation: keep it leading through the kills
      missesToEject: 10_000,
      baseApiPort: 17900,
      baseP2pPort: 19900,
      logLevel: "info",
      genesisDelayMs: 3_000,
      loadAccounts: 0,
      log: (line) => log(line),
    });
    await devnet.waitReady(30_000);
  }),
);

test.after(async () => {
  await devnet?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function caughtUp(what: string): Promise<void> {
  await waitFor(`node3 to start and catch up (${what})`, 30_000, async () => {
    const [reference, victim] = await Promise.all([status(0), status(VICTIM)]);
    return victim.head.height >= reference.head.height - 2 && !victim.syncing ? true : undefined;
  });
}

test(`SIGKILL at ${KILLS} random points: it starts, catches up, and never signs two batches for one slot`, async () => {
  const victim = devnet.nodes[VICTIM];
  const next = randomDelays(20261208);
  const started = Date.now();
  for (let kill = 1; kill <= KILLS; kill++) {
    await new Promise((resolve) => setTimeout(resolve, next()));
    assert.ok(victim.kill("SIGKILL"), `kill ${kill}: node3 was not running (it exited by itself: see ${victim.logFile})`);
    await (victim as unknown as { waitExit(): Promise<unknown> }).waitExit();
    victim.start();
    if (kill % 20 === 0) {
      await caughtUp(`after kill ${kill}`);
      log(`${kill}/${KILLS} kills in ${((Date.now() - started) / 1000).toFixed(0)} s; node3 caught up`);
    }
  }
  await caughtUp("at the end");
  // it still leads: a batch of its own after the last restart
  const producedBefore = (await getJson<SequencerInfo[]>(`${devnet.nodes[0].apiUrl}/sequencers`))[VICTIM].produced;
  await waitFor("node3 to produce again", 20_000, async () => (await getJson<SequencerInfo[]>(`${devnet.nodes[0].apiUrl}/sequencers`))[VICTIM].produced > producedBefore || undefined);

  for (let i = 0; i < devnet.nodes.length; i++) {
    const sequencers = await getJson<SequencerInfo[]>(`${devnet.nodes[i].apiUrl}/sequencers`);
    assert.ok(
      sequencers.every((s) => !(s as SequencerInfo & { slashed?: boolean }).slashed && s.status !== "exited"),
      `node${i + 1}: ${JSON.stringify(sequencers)}`,
    );
    const logText = readFileSync(devnet.nodes[i].logFile, "utf8");
    assert.not.match(logText, "equivocation: two batches of one proposer for one slot", `node${i + 1} saw an equivocation`);
  }
  // the canonical chain: heights 1..head, strictly increasing slots, the same on every node up to the confirmed batch
  const reference = await status(0);
  const seen = new Map<number, number>();
  for (let height = 1; height <= reference.confirmed.height; height++) {
    const batch = await getJson<{ slot: number; proposer: number; root: string }>(`${devnet.nodes[0].apiUrl}/batches/${height}`);
    assert.not.ok(seen.has(batch.slot), `two batches for slot ${batch.slot}`);
    seen.set(batch.slot, batch.proposer);
    const other = await getJson<{ root: string }>(`${devnet.nodes[VICTIM].apiUrl}/batches/${height}`);
    assert.is(other.root, batch.root, `node3 disagrees at height ${height}`);
  }
  const own = [...seen.values()].filter((proposer) => proposer === VICTIM).length;
  log(`${KILLS} kills in ${((Date.now() - started) / 1000).toFixed(0)} s; ${reference.confirmed.height} confirmed batches, ${own} of them node3's`);
  assert.ok(own > 0, "node3 produced nothing on the confirmed chain");
});

test.run();
