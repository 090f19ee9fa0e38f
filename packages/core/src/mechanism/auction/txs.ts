/**
 * Auction txs (index.ts), their checks and builders. During epoch e, for epoch e+2, by the sequencer's account:
 * - bid {sequencerIndex, epoch, commitment, deposit}: in the commit phase (slots of the epoch
 *   before revealOffset); the sequencer holds the bond; one bid per sequencer and epoch;
 *   deposit >= reservePrice is escrowed from the sender's balance (its size hides the bid
 *   only as far as the bidder over-deposits).
 * - reveal {sequencerIndex, epoch, amount, salt}: in the reveal phase (the rest of the epoch);
 *   commitment = bidCommitment(chainId, sequencerIndex, epoch, amount, salt); reservePrice <=
 *   amount <= deposit (a bid that cannot pay is refused: it stays sealed, and pays the
 *   unrevealed penalty at settlement).
 */
import { digest } from "@chainsafe/as-sha256";
import { computeEpoch, epochStartSlot } from "../../config/chainParams.js";
import type { Ed25519Keypair } from "../../crypto/ed25519.js";
import { bytesEqual } from "../../crypto/hex.js";
import { makeTx, type TxFields } from "../../signing.js";
import { ownBids, writableBid } from "../../state/lists.js";
import { decodePayload, notAllowed, requireBalance, sequencerOf } from "../../state/txChecks.js";
import { decodeBidCommitPayload, decodeBidRevealPayload } from "../../types/encoding.js";
import { BidStatus, TxKind } from "../../types/enums.js";
import { BidCommitPayload, BidRevealPayload, type State, type Tx } from "../../types/ssz.js";
import { isCandidate } from "../eligible.js";
import type { MechanismConfig, MechanismTx } from "../types.js";
import { auctionBond, auctionParams, type AuctionParams } from "./params.js";

const BID_DOMAIN = new TextEncoder().encode("baton bid");

/**
 * sha256("baton bid" ‖ uint64 chainId ‖ uint64 sequencerIndex ‖ uint64 epoch ‖ uint64 amount ‖
 * salt), little-endian; the salt is 32 bytes. (One buffer and the wasm sha256: it runs for
 * every bid twice, and a simulated epoch has a hundred.)
 */
export function bidCommitment(chainId: number, sequencerIndex: number, epoch: number, amount: bigint, salt: Uint8Array): Uint8Array {
  const buf = new Uint8Array(BID_DOMAIN.length + 32 + salt.length);
  const view = new DataView(buf.buffer);
  buf.set(BID_DOMAIN);
  const at = BID_DOMAIN.length;
  const u64 = (offset: number, n: number) => {
    view.setUint32(offset, n % 2 ** 32, true);
    view.setUint32(offset + 4, Math.floor(n / 2 ** 32), true);
  };
  u64(at, chainId);
  u64(at + 8, sequencerIndex);
  u64(at + 16, epoch);
  view.setBigUint64(at + 24, amount, true);
  buf.set(salt, at + 32);
  return digest(buf);
}

/** Where the next batch's slot sits in the auction: its epoch and whether reveals are open. */
export function auctionPhase(state: State, config: MechanismConfig): { epoch: number; target: number; revealing: boolean } {
  const slot = state.slot + 1;
  const epoch = computeEpoch(config, slot);
  const revealing = slot - epochStartSlot(config, epoch) >= auctionParams(config).revealOffset;
  return { epoch, target: epoch + 2, revealing };
}

export const bidTx: MechanismTx<AuctionParams> = {
  kind: TxKind.bid,
  check(state, tx, sender, config) {
    const p = decodePayload(decodeBidCommitPayload, tx.body.payload);
    const seq = sequencerOf(state, p.sequencerIndex, sender);
    if (!isCandidate(seq)) throw notAllowed(`sequencer ${p.sequencerIndex} has exited`);
    if (seq.stake < auctionBond(config)) throw notAllowed(`stake ${seq.stake} below the bond ${auctionBond(config)}`);
    const phase = auctionPhase(state, config);
    if (p.epoch !== phase.target) throw notAllowed(`bids in epoch ${phase.epoch} are for epoch ${phase.target}, not ${p.epoch}`);
    if (phase.revealing) throw notAllowed(`the commit phase of epoch ${phase.epoch} is over`);
    if (state.bids.some((b) => b.sequencerIndex === p.sequencerIndex && b.epoch === p.epoch)) {
      throw notAllowed(`sequencer ${p.sequencerIndex} has bid for epoch ${p.epoch} already`);
    }
    const reserve = config.mechanismParams.reservePrice;
    if (p.deposit === 0n || p.deposit < reserve) throw notAllowed(`deposit ${p.deposit} below the reserve price ${reserve} (or 0)`);
    requireBalance(sender, tx.body.fee, p.deposit);
    return (draft, senderIndex) => {
      draft.account(senderIndex).balance -= p.deposit;
      ownBids(draft).push({
        sequencerIndex: p.sequencerIndex,
        epoch: p.epoch,
        commitment: p.commitment,
        deposit: p.deposit,
        amount: 0n,
        status: BidStatus.committed,
        price: 0n,
      });
    };
  },
};

export const revealTx: MechanismTx<AuctionParams> = {
  kind: TxKind.reveal,
  check(state, tx, sender, config) {
    const p = decodePayload(decodeBidRevealPayload, tx.body.payload);
    sequencerOf(state, p.sequencerIndex, sender);
    const phase = auctionPhase(state, config);
    if (p.epoch !== phase.target || !phase.revealing) {
      throw notAllowed(`reveals for epoch ${p.epoch} are open in the second part of epoch ${p.epoch - 2} only`);
    }
    const k = state.bids.findIndex((b) => b.sequencerIndex === p.sequencerIndex && b.epoch === p.epoch && b.status === BidStatus.committed);
    if (k < 0) throw notAllowed(`no sealed bid of sequencer ${p.sequencerIndex} for epoch ${p.epoch}`);
    const bid = state.bids[k];
    if (!bytesEqual(bidCommitment(config.chainId, p.sequencerIndex, p.epoch, p.amount, p.salt), bid.commitment)) {
      throw notAllowed("amount and salt do not match the commitment");
    }
    const reserve = config.mechanismParams.reservePrice;
    if (p.amount === 0n || p.amount < reserve) throw notAllowed(`bid ${p.amount} below the reserve price ${reserve} (or 0)`);
    if (p.amount > bid.deposit) throw notAllowed(`bid ${p.amount} exceeds its deposit ${bid.deposit}: it cannot pay`);
    return (draft) => {
      const w = writableBid(draft, k);
      w.amount = p.amount;
      w.status = BidStatus.revealed;
    };
  },
};

/** The sealed bid: a commitment to `amount` (kept secret with `salt` until the reveal) and the deposit. */
export function makeBidTx(
  chainId: number,
  key: Ed25519Keypair,
  f: TxFields & { sequencerIndex: number; epoch: number; amount: bigint; salt: Uint8Array; deposit: bigint },
): Tx {
  const commitment = bidCommitment(chainId, f.sequencerIndex, f.epoch, f.amount, f.salt);
  const payload = BidCommitPayload.serialize({ sequencerIndex: f.sequencerIndex, epoch: f.epoch, commitment, deposit: f.deposit });
  return makeTx(chainId, key, { nonce: f.nonce, fee: f.fee, kind: TxKind.bid, payload });
}

export function makeRevealTx(
  chainId: number,
  key: Ed25519Keypair,
  f: TxFields & { sequencerIndex: number; epoch: number; amount: bigint; salt: Uint8Array },
): Tx {
  const payload = BidRevealPayload.serialize({ sequencerIndex: f.sequencerIndex, epoch: f.epoch, amount: f.amount, salt: f.salt });
  return makeTx(chainId, key, { nonce: f.nonce, fee: f.fee, kind: TxKind.reveal, payload });
}
