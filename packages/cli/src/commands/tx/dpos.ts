/** `baton tx delegate|undelegate|commission` (dpos): delegated stake and a sequencer's commission. */
import { getAccount, getSequencers } from "@baton/client";
import { paramsOf, toHex } from "@baton/core";
import { UsageError, type FlagValues } from "../../args.js";
import { commissionTx, delegateTx, undelegateTx } from "../../txs.js";
import { chainGenesis, committeeEpochOf, txCommand, type TxRun } from "./command.js";
import { amountFlag, genesisFlag, indexFlagValue, intFlag, optIntFlag, ownIndexFlag, targetFlag } from "./flags.js";
import { ownSequencer, sequencerAt } from "./node.js";

const delegationFlags = (verb: string) => ({
  sequencer: targetFlag(`the sequencer to ${verb}`),
  amount: { type: "string" as const, valueName: "amount", help: `units to ${verb}`, required: true },
  genesis: genesisFlag("checks that the chain runs dpos (and, for delegate, minDelegation)"),
});
const checkDelegation = (values: FlagValues) => ({ sequencer: indexFlagValue(values, "sequencer"), amount: amountFlag(values, "amount", 1n) });

async function balanceLine(run: TxRun): Promise<string> {
  const account = await getAccount(run.api, toHex(run.keys.ed25519.publicKey));
  return `account balance ${account?.balance ?? "?"}`;
}

export const txDelegate = txCommand({
  name: "delegate",
  summary: "dpos: delegate stake to a sequencer (weighed from the committee computed next, rewarded from the next epoch)",
  flags: delegationFlags("delegate to"),
  check: checkDelegation,
  refusalHint: "a delegation below minDelegation, or to a sequencer that has exited",
  async build(flags, run) {
    const genesis = await chainGenesis(run, "delegate", "dpos");
    const min = genesis === undefined ? 0n : paramsOf(genesis.config, "dpos").minDelegation;
    if (flags.amount < min) throw new UsageError(`--amount: expected at least the chain's minDelegation ${min}, got "${flags.amount}"`);
    const seq = sequencerAt(await getSequencers(run.api), flags.sequencer, "sequencer", run.api);
    if (seq.status === "exited") throw new UsageError(`--sequencer: sequencer ${seq.index} has exited: it takes no delegations`);
    return { tx: delegateTx(run.keys.ed25519, await run.params(flags.amount), seq.index, flags.amount) };
  },
  async report(run, included, flags) {
    return `${flags.amount} delegated to sequencer #${flags.sequencer}, weighed in the committee of epoch ${committeeEpochOf(included.epoch)}; ${await balanceLine(run)}`;
  },
});

export const txUndelegate = txCommand({
  name: "undelegate",
  summary: "dpos: withdraw delegated stake: it leaves the weight at once and is paid back after the unbonding period (slashable until then)",
  flags: delegationFlags("undelegate from"),
  check: checkDelegation,
  refusalHint: "more than this account delegated to that sequencer",
  async build(flags, run) {
    await chainGenesis(run, "undelegate", "dpos");
    sequencerAt(await getSequencers(run.api), flags.sequencer, "sequencer", run.api);
    return { tx: undelegateTx(run.keys.ed25519, await run.params(), flags.sequencer, flags.amount) };
  },
  async report(run, _included, flags) {
    return `${flags.amount} undelegated from sequencer #${flags.sequencer}, paid back after the unbonding period; ${await balanceLine(run)}`;
  },
});

export const txCommission = txCommand({
  name: "commission",
  summary: "dpos: set your sequencer's commission, its share of the rewards before the split (applies to this epoch's payout)",
  flags: {
    "commission-bps": { type: "string", valueName: "bps", help: "commission in basis points (100 = 1%), at most the chain's maxCommissionBps", required: true },
    index: ownIndexFlag,
    genesis: genesisFlag("checks that the chain runs dpos and maxCommissionBps"),
  },
  check: (values) => ({
    bps: intFlag(values, "commission-bps", 0, 10_000, "basis points"),
    index: optIntFlag(values, "index", 0, 65_535, "a sequencer index"),
  }),
  refusalHint: "a commission above the chain's maxCommissionBps, or a sequencer this account does not control",
  async build(flags, run) {
    const genesis = await chainGenesis(run, "commission", "dpos");
    const max = genesis === undefined ? 10_000 : paramsOf(genesis.config, "dpos").maxCommissionBps;
    if (flags.bps > max) throw new UsageError(`--commission-bps: expected at most the chain's maxCommissionBps ${max}, got "${flags.bps}"`);
    const seq = await ownSequencer(run.api, run.keys, flags.index);
    return { tx: commissionTx(run.keys.ed25519, await run.params(), seq.index, flags.bps) };
  },
  report: async (_run, included, flags) => `commission ${flags.bps} bps, from the rewards paid at the end of epoch ${included.epoch}`,
});
