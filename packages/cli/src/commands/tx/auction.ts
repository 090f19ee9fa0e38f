/**
 * `baton tx bid|reveal` (auction): during epoch E a sequencer's account seals a bid for epoch
 * E+2 in the commit phase (slots before revealOffset, by default the first half of the epoch)
 * and reveals it in the reveal phase (the rest of E). The salt is kept in a file next to the key.
 */
import { randomBytes } from "node:crypto";
import { getAccount } from "@baton/client";
import { paramsOf, toHex, type Genesis } from "@baton/core";
import { str, UsageError } from "../../args.js";
import { bidTx, revealTx } from "../../txs.js";
import { bidFilePath, readBidFile, removeBidFile, writeBidFile } from "./bidFile.js";
import { chainGenesis, txCommand, type TxRun } from "./command.js";
import { amountFlag, genesisFlag, optIntFlag, ownIndexFlag } from "./flags.js";
import { ownSequencer } from "./node.js";

const SALT_NOTE =
  "The bid's amount and salt are written to <key>.bid-<epoch>.json next to the key file (mode 0600, never overwritten) before it is sent; `baton tx reveal` reads it. Keep it until the reveal is included: a bid never revealed pays the unrevealed penalty.";

/** Where the clock is in the auction of the current epoch (revealOffset known only from --genesis). */
function phaseOf(run: TxRun, genesis: Genesis | undefined) {
  const { slot, epoch, slotsPerEpoch, slotMs } = run.status;
  const start = epoch * slotsPerEpoch;
  const revealOffset = genesis === undefined ? undefined : paramsOf(genesis.config, "auction").revealOffset;
  // a tx sent now lands in the batch of the next slot at the earliest
  const next = slot + 1 - start;
  const msUntil = (target: number) => Math.max(0, (target - slot) * slotMs);
  return { epoch, start, revealOffset, next, slotsPerEpoch, slotMs, msUntil };
}

const seconds = (ms: number) => `${Math.ceil(ms / 1000)} s`;

export const txBid = txCommand({
  name: "bid",
  summary: "auction: seal a bid for the epoch after next (commit phase of this epoch); the deposit is escrowed",
  flags: {
    amount: { type: "string", valueName: "amount", help: "the bid: what the seat is worth to you (at least the reserve price)", required: true },
    deposit: { type: "string", valueName: "amount", help: "escrowed with the bid, at least the amount (more hides the bid better) [default: the amount]" },
    index: ownIndexFlag,
    genesis: genesisFlag("checks that the chain runs auction and that the commit phase is open"),
  },
  notes: [SALT_NOTE],
  check(values) {
    const amount = amountFlag(values, "amount", 1n);
    const deposit = values.deposit === undefined ? amount : amountFlag(values, "deposit", 1n);
    if (deposit < amount) throw new UsageError(`--deposit: expected at least the bid --amount ${amount} (a reveal above its deposit is refused), got "${deposit}"`);
    return { amount, deposit, index: optIntFlag(values, "index", 0, 65_535, "a sequencer index") };
  },
  refusalHint: "bids are taken in the commit phase only (before slot revealOffset of the epoch), one per sequencer and epoch, from a sequencer holding the bond",
  async build(flags, run) {
    const phase = phaseOf(run, await chainGenesis(run, "bid", "auction"));
    const target = phase.epoch + 2;
    if (phase.revealOffset !== undefined && phase.next >= phase.revealOffset) {
      const opens = phase.start + phase.slotsPerEpoch;
      throw new UsageError(`the commit phase of epoch ${phase.epoch} is over (slot ${phase.start + phase.revealOffset}); the next opens at slot ${opens}, in ${seconds(phase.msUntil(opens))}`);
    }
    const seq = await ownSequencer(run.api, run.keys, flags.index);
    const params = await run.params(flags.deposit);
    const bid = { sequencerIndex: seq.index, epoch: target, amount: flags.amount, deposit: flags.deposit, salt: new Uint8Array(randomBytes(32)) };
    const file = bidFilePath(str(run.values, "key"), target);
    await writeBidFile(file, run.status.chainId, bid);
    run.io.err(`bid for epoch ${target} sealed; its amount and salt are in ${file} for \`baton tx reveal\``);
    const commitEnd = phase.start + (phase.revealOffset ?? phase.slotsPerEpoch);
    return {
      tx: bidTx(run.keys.ed25519, params, bid),
      undo: () => removeBidFile(file),
      wait: {
        timeoutMs: phase.msUntil(commitEnd) + 2 * phase.slotMs,
        lateReason: `bids for epoch ${target} are taken only in the commit phase of epoch ${phase.epoch}: it can no longer be included`,
      },
    };
  },
  async report(run, included, flags) {
    const account = await getAccount(run.api, toHex(run.keys.ed25519.publicKey));
    return `bid for epoch ${included.epoch + 2} sealed, deposit ${flags.deposit} escrowed (balance ${account?.balance ?? "?"}); reveal it later in epoch ${included.epoch} with \`baton tx reveal\``;
  },
});

export const txReveal = txCommand({
  name: "reveal",
  summary: "auction: reveal this key's sealed bid (reveal phase: the rest of the epoch it was made in), from its <key>.bid-<epoch>.json",
  flags: {
    epoch: { type: "string", valueName: "e", help: "the epoch the bid is for [default: the current epoch + 2: the bid made this epoch]" },
    genesis: genesisFlag("checks that the chain runs auction and that the reveal phase is open"),
  },
  notes: [SALT_NOTE],
  check: (values) => optIntFlag(values, "epoch", 2, Number.MAX_SAFE_INTEGER, "an epoch"),
  refusalHint: "reveals are taken in the reveal phase only (from slot revealOffset to the end of the epoch the bid was made in), and must match the sealed bid",
  async build(given, run) {
    const phase = phaseOf(run, await chainGenesis(run, "reveal", "auction"));
    const target = given ?? phase.epoch + 2;
    const bid = await readBidFile(bidFilePath(str(run.values, "key"), target), run.status.chainId, target);
    if (phase.epoch !== target - 2) {
      const when = phase.epoch < target - 2 ? "opens later" : "is over: the bid stays sealed and pays the unrevealed penalty";
      throw new UsageError(`reveals for epoch ${target} are taken in epoch ${target - 2} only (now epoch ${phase.epoch}): the reveal phase ${when}`);
    }
    if (phase.revealOffset !== undefined && phase.next < phase.revealOffset) {
      const opens = phase.start + phase.revealOffset;
      throw new UsageError(`the reveal phase of epoch ${phase.epoch} opens at slot ${opens}, in ${seconds(phase.msUntil(opens - 1))}: run this again then`);
    }
    const epochEnd = phase.start + phase.slotsPerEpoch;
    return {
      tx: revealTx(run.keys.ed25519, await run.params(), bid),
      wait: { timeoutMs: phase.msUntil(epochEnd) + 2 * phase.slotMs, lateReason: `reveals for epoch ${target} are taken only in epoch ${target - 2}: it can no longer be included` },
    };
  },
  async report(_run, included) {
    return `bid for epoch ${included.epoch + 2} revealed; the auction settles at the start of epoch ${included.epoch + 1}`;
  },
});
