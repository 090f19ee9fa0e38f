import { computeEpochCommittee, computeEpochSchedule, getEffectiveLeader, shuffleList } from "./src/schedule/index.ts";
import { createGenesisState } from "./src/config/genesis.ts";
import { createChainConfig, devnetPreset } from "./src/config/chainConfig.ts";
import { sha256, uint64Bytes } from "./src/crypto/hash.ts";
const N = 10_000;
for (const [committeeSize, slotsPerEpoch] of [[0, 16], [0, 32], [100, 16], [1000, 16]]) {
  const config = createChainConfig({ genesisTime: 0, committeeSize, slotsPerEpoch }, devnetPreset);
  const sequencers = Array.from({ length: N }, (_, i) => {
    const pubkey = new Uint8Array(48); new DataView(pubkey.buffer).setUint32(0, i + 1);
    return { pubkey, account: pubkey.slice(0, 32), stake: 1000n + BigInt(i * 7919 % 100_000) };
  });
  const state = createGenesisState({ config, sequencers, accounts: [] });
  const times: number[] = []; const tc: number[] = []; const ts: number[] = [];
  for (let e = 2; e < 22; e++) {
    state.randaoMix = sha256(uint64Bytes(e));
    const t0 = performance.now();
    const c = computeEpochCommittee(state, config, e);
    const t1 = performance.now();
    computeEpochSchedule(c, config.slotsPerEpoch);
    const t2 = performance.now();
    times.push(t2 - t0); tc.push(t1 - t0); ts.push(t2 - t1);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1].toFixed(1);
  // per-slot calls (cache hits)
  state.currentCommittee = computeEpochCommittee(state, config, 0);
  const h0 = performance.now(); for (let s = 0; s < 1000; s++) getEffectiveLeader(state, config, s % config.slotsPerEpoch); const h1 = performance.now();
  console.log(`N=${N} committeeSize=${committeeSize} slots=${slotsPerEpoch}: committee+schedule median ${med(times)} ms (committee ${med(tc)}, schedule ${med(ts)}), first ${times[0].toFixed(1)} ms; getEffectiveLeader cached ${((h1 - h0)).toFixed(3)} us/call`);
}
