import { computeEpochCommittee, computeEpochSchedule } from "./src/schedule/index.ts";
import { createGenesisState } from "./src/config/genesis.ts";
import { createChainConfig, testPreset } from "./src/config/chainConfig.ts";
import { sha256, uint64Bytes } from "./src/crypto/hash.ts";
function run(stakes: bigint[], committeeSize: number, slotsPerEpoch: number, epochs: number, mechanism: "pos"|"poa" = "pos") {
  const config = createChainConfig({ genesisTime: 0, committeeSize, slotsPerEpoch, mechanism }, testPreset);
  const g = { config, accounts: [], sequencers: stakes.map((stake, i) => ({ pubkey: new Uint8Array(48).fill(i + 1), account: new Uint8Array(32).fill(i + 1), stake })) };
  const state = createGenesisState(g);
  const slots = new Array(stakes.length).fill(0); const incl = new Array(stakes.length).fill(0);
  for (let e = 0; e < epochs; e++) {
    state.randaoMix = sha256(uint64Bytes(e), new TextEncoder().encode("sim"));
    const c = computeEpochCommittee(state, config, e);
    for (const m of c.members) incl[m.index] += 1 / c.members.length;
    const s = computeEpochSchedule(c, config.slotsPerEpoch);
    for (const x of s.slots) slots[x.order[0]]++;
  }
  const W = stakes.reduce((a, b) => a + b, 0n);
  console.log(mechanism, committeeSize, slotsPerEpoch, "\n slots  ", slots.map((x) => (x / (epochs * slotsPerEpoch)).toFixed(3)).join(" "), "\n equal* ", incl.map((x) => (x / epochs).toFixed(3)).join(" "), "\n stake  ", stakes.map((x) => (Number(x) / Number(W)).toFixed(3)).join(" "));
}
const k = 1000n;
run([1n, 2n, 3n, 4n, 1n, 2n, 3n, 4n].map((x) => x * k), 2, 8, 5000);
run([1n, 2n, 3n, 4n, 1n, 2n, 3n, 4n].map((x) => x * k), 4, 8, 5000);
run([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n].map((x) => x * k), 2, 8, 5000);
run([1n, 1n, 1n, 1n, 1n].map((x) => x * k), 0, 8, 500, "poa");
