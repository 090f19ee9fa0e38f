/**
 * Scale of the pure core: how the cost of an epoch schedule and of applying a batch of 1,000
 * txs grows with the number of sequencers. In-process, no I/O. Sequencers other than the
 * batch's proposer get made-up BLS keys (the schedule depends on stakes and the RANDAO mix,
 * never on keys), so a 10,000-sequencer state costs no key generation.
 */
import {
  applyBatch,
  blsKeypairFromSeed,
  buildBatch,
  computeEpochCommittee,
  computeEpochSchedule,
  createChainConfig,
  createGenesisState,
  ed25519FromSeed,
  genesisRoot,
  getEffectiveLeader,
  processSlots,
  sha256,
  signTx,
  TxKind,
  uint64Bytes,
  type ChainConfig,
  type Genesis,
  type Tx,
} from "@baton/core";
import { percentile } from "./stats.js";

export interface CoreScalePoint {
  sequencers: number;
  /** txs in the batch applied */
  txs: number;
  /** median ms: the committee and leader of every slot of one epoch */
  scheduleMs: number;
  /** median ms: applyBatch of a batch of `txs` txs the node verified already (the node's path) */
  applyBatchMs: number;
  /** median ms: the same, verifying every tx signature too (a batch of unseen txs) */
  applyBatchVerifyingMs: number;
}

const text = (s: string) => new TextEncoder().encode(s);
const CHAIN_ID = 4242;

/** The 1,000 signed txs (one per account) and their senders; made once, reused for every size. */
function makeUsers(count: number): { genesisAccounts: Genesis["accounts"]; txs: Tx[] } {
  const keys = Array.from({ length: count }, (_, i) => ed25519FromSeed(sha256(text("bench user"), uint64Bytes(i))));
  return {
    genesisAccounts: keys.map((k) => ({ pubkey: k.publicKey, balance: 1_000_000n })),
    txs: keys.map((k) => signTx(CHAIN_ID, { sender: k.publicKey, nonce: 0, fee: 1n, kind: TxKind.user, payload: new Uint8Array(32) }, k)),
  };
}

function timeMedian(runs: number, fn: () => void): number {
  fn(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  return percentile(ms, 50);
}

function genesisOf(config: ChainConfig, sequencers: number, accounts: Genesis["accounts"], realKey?: { index: number; pubkey: Uint8Array }): Genesis {
  return {
    config,
    sequencers: Array.from({ length: sequencers }, (_, i) => ({
      pubkey: realKey?.index === i ? realKey.pubkey : Uint8Array.from([...sha256(text("bench seq"), uint64Bytes(i)), ...new Uint8Array(16).fill(i % 251)]),
      account: sha256(text("bench seq account"), uint64Bytes(i)),
      // unequal stakes, so the slot shares are weighted
      stake: 100_000n + BigInt((i * 7919) % 100_000),
    })),
    accounts,
  };
}

export function measureCoreScale(sizes: readonly number[], opts: { txs?: number; runs?: number } = {}): CoreScalePoint[] {
  const txCount = opts.txs ?? 1_000;
  const { genesisAccounts, txs } = makeUsers(txCount);
  const proposerKey = blsKeypairFromSeed(sha256(text("bench proposer")));
  const out: CoreScalePoint[] = [];
  for (const n of sizes) {
    const runs = opts.runs ?? 7;
    const config = createChainConfig({ chainId: CHAIN_ID, genesisTime: 0, slotsPerEpoch: 32, maxBatchTxs: Math.max(2_000, txCount) });
    // The schedule of a fresh epoch each run (a new seed: no cache hit).
    const base = createGenesisState(genesisOf(config, n, genesisAccounts));
    let epoch = 10;
    const scheduleMs = timeMedian(runs, () => {
      const committee = computeEpochCommittee(base, config, epoch++);
      const schedule = computeEpochSchedule(committee, config.slotsPerEpoch);
      if (schedule.slots.length !== config.slotsPerEpoch) throw new Error("bad schedule");
    });
    // The leader of slot 1 gets a real key (keys do not change the schedule).
    const leader = getEffectiveLeader(processSlots(base, 1, config), config, 1);
    const genesis = genesisOf(config, n, genesisAccounts, { index: leader, pubkey: proposerKey.publicKey });
    const state = createGenesisState(genesis);
    const built = buildBatch(state, config, {
      slot: 1,
      proposerIndex: leader,
      parentRoot: genesisRoot(config, state),
      candidateTxs: txs,
      blsKey: proposerKey,
      isTxVerified: () => true,
    });
    if (built.included.length !== txCount) throw new Error(`built ${built.included.length} of ${txCount} txs`);
    const applyBatchMs = timeMedian(n >= 10_000 ? 5 : runs, () => void applyBatch(state, built.batch, config, { isTxVerified: () => true }));
    const applyBatchVerifyingMs = timeMedian(Math.min(runs, 3), () => void applyBatch(state, built.batch, config));
    out.push({ sequencers: n, txs: txCount, scheduleMs, applyBatchMs, applyBatchVerifyingMs });
  }
  return out;
}
