/**
 * `baton tx evict|admit`: governance actions, signed here by a quorum of the chain's governance
 * keys (`--signer`, key files whose ed25519 key is in genesis governance.keys) and submitted by
 * --key, which pays the fee. The genesis file names the keys (each signature carries its
 * signer's index there) and the threshold; the governance nonce (the count of governance
 * actions applied so far) is given, because the node's API does not show it.
 */
import { getSequencers } from "@baton/client";
import { bytesEqual, fromHex, toHex, type Genesis, type GovernanceSigners } from "@baton/core";
import { str, UsageError, type FlagSpec, type FlagValues } from "../../args.js";
import { admitTx, evictTx } from "../../txs.js";
import { chainGenesis, loadTxKey, txCommand, type TxRun } from "./command.js";
import { accountKeyFlag, fileListFlag, indexFlagValue, intFlag } from "./flags.js";
import { sequencerAt } from "./node.js";

const governanceFlags: Record<string, FlagSpec> = {
  genesis: { type: "string", valueName: "file", help: "the chain's genesis file: its governance keys and threshold", required: true },
  signer: {
    type: "string",
    valueName: "file[,file...]",
    help: "governance key files that sign (keystores or plaintext), a comma-separated list; at least the threshold",
    required: true,
  },
  "governance-nonce": {
    type: "string",
    valueName: "n",
    help: "the chain's governance nonce: how many governance actions (evict, admit) were applied so far (0 on a new chain)",
    required: true,
  },
};
const GOVERNANCE_NOTE =
  "A repeated --signer keeps only its last value: list the signers in one flag, comma-separated. A wrong --governance-nonce is refused when a leader builds its batch (--wait reports it).";

interface GovernanceFlags {
  signers: string[];
  nonce: number;
}

const checkGovernance = (values: FlagValues): GovernanceFlags => ({
  signers: fileListFlag(values, "signer"),
  nonce: intFlag(values, "governance-nonce", 0, Number.MAX_SAFE_INTEGER, "a governance nonce"),
});

/** Loads the signer files and finds each one's index in the chain's governance keys; refuses fewer than the threshold. */
async function governanceSigners(run: TxRun, genesis: Genesis, files: string[]): Promise<GovernanceSigners> {
  const { keys, threshold } = genesis.config.governance;
  if (keys.length === 0) throw new UsageError("--genesis: this chain has no governance keys (genesis governance): it takes no governance actions");
  const signers: GovernanceSigners = [];
  for (const file of files) {
    const key = (await loadTxKey(run.values, run.io, file)).ed25519;
    const signer = keys.findIndex((known) => bytesEqual(known, key.publicKey));
    if (signer < 0) throw new UsageError(`--signer: ${file}: its account key ${toHex(key.publicKey)} is not one of the chain's governance keys`);
    if (signers.some((other) => other.signer === signer)) throw new UsageError(`--signer: ${file}: governance key ${signer} is listed twice`);
    signers.push({ signer, key });
  }
  if (signers.length < threshold) {
    throw new UsageError(`--signer: ${signers.length} governance signer(s) given, the chain needs ${threshold} (genesis governance.threshold); list them comma-separated`);
  }
  return signers;
}

async function requiredGenesis(run: TxRun, kind: string, mechanism?: "poa"): Promise<Genesis> {
  const genesis = await chainGenesis(run, kind, mechanism);
  if (genesis === undefined) throw new UsageError(`--genesis is required: ${governanceFlags.genesis.help}`);
  return genesis;
}

export const txEvict = txCommand({
  name: "evict",
  summary: "governance: exit a sequencer for good and burn --penalty-bps of its stake (signed by a quorum of governance keys)",
  flags: {
    sequencer: { type: "string", valueName: "i", help: "the sequencer to evict", required: true },
    "penalty-bps": { type: "string", valueName: "bps", help: "share of everything staked on it to burn, in basis points", default: "0" },
    ...governanceFlags,
  },
  notes: [GOVERNANCE_NOTE],
  check: (values) => ({
    sequencer: indexFlagValue(values, "sequencer"),
    penaltyBps: intFlag(values, "penalty-bps", 0, 10_000, "basis points"),
    ...checkGovernance(values),
  }),
  refusalHint: "a governance nonce that is not the chain's, or a sequencer evicted already",
  async build(flags, run) {
    const genesis = await requiredGenesis(run, "evict");
    sequencerAt(await getSequencers(run.api), flags.sequencer, "sequencer", run.api);
    const signers = await governanceSigners(run, genesis, flags.signers);
    const action = { sequencerIndex: flags.sequencer, penaltyBps: flags.penaltyBps, governanceNonce: flags.nonce };
    return { tx: evictTx(run.keys.ed25519, await run.params(), action, signers) };
  },
  async report(run, _included, flags) {
    const seq = sequencerAt(await getSequencers(run.api), flags.sequencer, "sequencer", run.api);
    return `sequencer #${seq.index} evicted: ${seq.status}, stake ${seq.stake}; the next governance nonce is ${flags.nonce + 1}`;
  },
});

export const txAdmit = txCommand({
  name: "admit",
  summary: "governance (poa): admit a new authority, the BLS key of --new-key (signed by a quorum of governance keys)",
  flags: {
    "new-key": { type: "string", valueName: "file", help: "the new authority's key file: its BLS key (its proof of possession is signed here) and, unless --account, its account", required: true },
    account: { type: "string", valueName: "pubkey", help: "the ed25519 account that controls the authority [default: --new-key's account]" },
    ...governanceFlags,
  },
  notes: [GOVERNANCE_NOTE, "Under poa with a bond, the new authority posts it with `baton tx stake` from its account."],
  check: (values) => ({
    newKey: str(values, "new-key"),
    account: values.account === undefined ? undefined : accountKeyFlag(values, "account"),
    ...checkGovernance(values),
    /** set by build, for the report */
    blsPubkey: undefined as Uint8Array | undefined,
  }),
  refusalHint: "a governance nonce that is not the chain's",
  async build(flags, run) {
    const genesis = await requiredGenesis(run, "admit", "poa");
    const authority = await loadTxKey(run.values, run.io, flags.newKey);
    const known = (await getSequencers(run.api)).find((seq) => bytesEqual(fromHex(seq.pubkey), authority.bls.publicKey));
    if (known !== undefined) throw new UsageError(`--new-key: its BLS key is sequencer ${known.index} already`);
    flags.blsPubkey = authority.bls.publicKey;
    const signers = await governanceSigners(run, genesis, flags.signers);
    const action = { blsKey: authority.bls, account: flags.account ?? authority.ed25519.publicKey, governanceNonce: flags.nonce };
    return { tx: admitTx(run.keys.ed25519, await run.params(), action, signers) };
  },
  async report(run, _included, flags) {
    const pubkey = flags.blsPubkey ?? new Uint8Array(48);
    const seq = (await getSequencers(run.api)).find((candidate) => bytesEqual(fromHex(candidate.pubkey), pubkey));
    return `authority admitted as sequencer #${seq?.index ?? "?"} (stake ${seq?.stake ?? "?"}); the next governance nonce is ${flags.nonce + 1}`;
  },
});
