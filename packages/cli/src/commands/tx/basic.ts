/** `baton tx send|stake|unstake|exit|rejoin`: the txs every chain takes, for a user or an operator. */
import { getAccount, getSequencers } from "@baton/client";
import { bytesEqual, fromHex, toHex } from "@baton/core";
import { optStr, UsageError, type FlagValues } from "../../args.js";
import { rejoinTx, stakeTx, unstakeTx, userTx } from "../../txs.js";
import { committeeEpochOf, txCommand, type Inclusion, type TxRun } from "./command.js";
import { amountFlag, intFlag, optIntFlag, ownIndexFlag } from "./flags.js";
import { ownSequencer } from "./node.js";

function payloadFromFlags(values: FlagValues): Uint8Array {
  const hex = optStr(values, "payload");
  const text = optStr(values, "text");
  if (hex !== undefined && text !== undefined) throw new UsageError("--payload and --text: give one, not both");
  if (text !== undefined) return new TextEncoder().encode(text);
  if (hex === undefined) return new Uint8Array(0);
  try {
    return fromHex(hex);
  } catch {
    throw new UsageError(`--payload: expected hex bytes (0x...), got ${JSON.stringify(hex.slice(0, 20))}`);
  }
}

const ownIndex = (values: FlagValues) => optIntFlag(values, "index", 0, 65_535, "a sequencer index");

export const txSend = txCommand({
  name: "send",
  summary: "send a user tx with an opaque payload",
  flags: {
    payload: { type: "string", valueName: "hex", help: "payload bytes as hex" },
    text: { type: "string", valueName: "string", help: "payload as UTF-8 text" },
  },
  check: payloadFromFlags,
  refusalHint: "a payload above the chain's maxPayloadBytes",
  build: async (payload, run) => ({ tx: userTx(run.keys.ed25519, await run.params(), payload) }),
  async report(run) {
    const account = await getAccount(run.api, toHex(run.keys.ed25519.publicKey));
    return `account balance ${account?.balance ?? "?"}`;
  },
});

/** With --wait: which sequencer it is and the epoch it leads from. */
async function reportStake(run: TxRun, included: Inclusion): Promise<string> {
  const seq = (await getSequencers(run.api)).find((candidate) => bytesEqual(fromHex(candidate.pubkey), run.keys.bls.publicKey));
  const from = committeeEpochOf(included.epoch);
  return `sequencer #${seq?.index ?? "?"} stake ${seq?.stake ?? "?"}: leads from epoch ${from} (slot ${from * run.status.slotsPerEpoch})`;
}

export const txStake = txCommand({
  name: "stake",
  summary: "stake for the key file's BLS sequencer key (a new sequencer, or more stake)",
  flags: { amount: { type: "string", valueName: "amount", help: "stake to add", required: true } },
  check: (values) => amountFlag(values, "amount", 1n),
  refusalHint: "a new key's stake below minStake, or a stake tx for a new key under poa",
  build: async (amount, run) => ({ tx: stakeTx(run.keys.ed25519, run.keys.bls, await run.params(amount), amount) }),
  report: reportStake,
  async noWait(run) {
    const epoch = run.status.epoch;
    run.io.err(
      `if it is included in this epoch (${epoch}), it counts in the committee of epoch ${committeeEpochOf(epoch)} and leads from then on; ` +
        "--wait waits for inclusion and prints the exact epoch",
    );
  },
});

export const txExit = txCommand({
  name: "exit",
  summary: "withdraw all native stake: the sequencer leaves the rotation; paid after the unbonding period (pos token stakes: tx unstake --token)",
  flags: { index: ownIndexFlag },
  check: ownIndex,
  refusalHint: "an ejected sequencer cannot unstake (rejoin first), nor an auction winner below its locked bond",
  async build(given, run) {
    const seq = await ownSequencer(run.api, run.keys, given);
    if (seq.status === "exited") throw new UsageError(`sequencer ${seq.index} has already exited`);
    return { tx: unstakeTx(run.keys.ed25519, await run.params(), seq.index, BigInt(seq.stake)) };
  },
  async report(run, included) {
    const seq = await ownSequencer(run.api, run.keys, ownIndex(run.values));
    const gone = committeeEpochOf(included.epoch);
    return `sequencer #${seq.index} ${seq.status}; its remaining slots go to the fallbacks at once, and from epoch ${gone} it is in no committee`;
  },
});

export const txUnstake = txCommand({
  name: "unstake",
  summary: "withdraw stake: it leaves the weight at once and is paid after the unbonding period (slashable until then); below minStake the sequencer exits",
  flags: {
    amount: { type: "string", valueName: "amount", help: "stake to withdraw", required: true },
    token: { type: "string", valueName: "n", help: "pos stake token to withdraw (0 = native, the default)" },
    index: ownIndexFlag,
  },
  check: (values) => ({
    amount: amountFlag(values, "amount", 1n),
    token: values.token === undefined ? 0 : intFlag(values, "token", 0, 7, "a stake token"),
    index: ownIndex(values),
  }),
  refusalHint: "more than its stake, an ejected or slashed sequencer, or an auction winner's locked bond",
  async build(flags, run) {
    const seq = await ownSequencer(run.api, run.keys, flags.index);
    if (flags.token === 0 && flags.amount > BigInt(seq.stake)) {
      throw new UsageError(`--amount: sequencer ${seq.index} has ${seq.stake} staked, less than ${flags.amount}`);
    }
    return { tx: unstakeTx(run.keys.ed25519, await run.params(), seq.index, flags.amount, flags.token) };
  },
  async report(run, _included, flags) {
    const seq = await ownSequencer(run.api, run.keys, flags.index);
    const release = seq.unbonding.at(-1);
    return `sequencer #${seq.index} stake ${seq.stake}, ${seq.status}${release ? `; ${release.amount} paid out at epoch ${release.releaseEpoch}` : ""}`;
  },
});

export const txRejoin = txCommand({
  name: "rejoin",
  summary: "bring an ejected sequencer back into the rotation (from the next epoch)",
  flags: { index: ownIndexFlag },
  check: ownIndex,
  refusalHint: "only an ejected sequencer whose stake still meets the minimum rejoins",
  async build(given, run) {
    const seq = await ownSequencer(run.api, run.keys, given);
    if (seq.status !== "ejected") throw new UsageError(`sequencer ${seq.index} is ${seq.status}, not ejected: nothing to rejoin`);
    return { tx: rejoinTx(run.keys.ed25519, await run.params(), seq.index) };
  },
  report: async (_run, included) => `active again from epoch ${included.epoch + 1}`,
});
