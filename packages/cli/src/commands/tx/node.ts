/**
 * What a `baton tx` subcommand asks the node: the chain id and the clock (GET /status), the
 * sender's account before anything is sent (GET /accounts/:pubkey: an unknown or unfunded
 * account is a usage error, not a tx the mempool refuses), sequencers, and after the POST the
 * tx's fate (GET /txs/:hash) for --wait.
 */
import { ApiError, apiRequest, getAccount, getSequencers, postTxs, type KeyFile, type NodeStatus, type SequencerInfo } from "@baton/client";
import { bytesEqual, fromHex, toHex, type Tx } from "@baton/core";
import { UsageError } from "../../args.js";
import type { Io } from "../../command.js";
import { txHashHex, txToHex, type TxParams } from "../../txs.js";

const FUND_HINT = "fund it with `baton tx transfer` from a funded account";

/**
 * Chain id and nonce for a tx from `keys`' account that spends `spend` besides the fee. Refuses,
 * before anything is sent, an account the chain does not know and one whose balance cannot pay.
 */
export async function fundedParams(api: string, keys: KeyFile, status: NodeStatus, fee: bigint, spend: bigint, nonce?: number): Promise<TxParams> {
  const pubkey = toHex(keys.ed25519.publicKey);
  const account = await getAccount(api, pubkey);
  if (account === null) throw new UsageError(`account ${pubkey} has no funds on this chain: ${FUND_HINT}`);
  const balance = BigInt(account.balance);
  if (balance < fee + spend) {
    const what = spend > 0n ? `the fee ${fee} + ${spend} this tx spends` : `the fee ${fee}`;
    throw new UsageError(`account ${pubkey} holds ${balance}, less than ${what}: ${FUND_HINT}`);
  }
  const next = typeof account.nextNonce === "number" ? account.nextNonce : account.nonce;
  return { chainId: status.chainId, nonce: nonce ?? next, fee };
}

/** The sequencer whose BLS key is `keys`' (or the one `given`), else a usage error naming --index. */
export async function ownSequencer(api: string, keys: KeyFile, given: number | undefined): Promise<SequencerInfo> {
  const sequencers = await getSequencers(api);
  if (given !== undefined) return sequencerAt(sequencers, given, "index", api);
  const found = sequencers.find((seq) => bytesEqual(fromHex(seq.pubkey), keys.bls.publicKey));
  if (!found) throw new UsageError(`--key: BLS key ${toHex(keys.bls.publicKey).slice(0, 18)}… is not a sequencer on ${api}; pass --index`);
  return found;
}

/** Sequencer `index`, which must exist (`flag` names the flag that gave it). */
export function sequencerAt(sequencers: SequencerInfo[], index: number, flag: string, api: string): SequencerInfo {
  const seq = sequencers.find((candidate) => candidate.index === index);
  if (seq === undefined) {
    const range = sequencers.length === 0 ? "none" : `0 … ${sequencers.length - 1}`;
    throw new UsageError(`--${flag}: no sequencer ${index} on ${api} (sequencers: ${range})`);
  }
  return seq;
}

/** POSTs the tx; prints its hash on stdout and a line on stderr. */
export async function send(io: Io, api: string, tx: Tx, what: string, token: string | null = null): Promise<string> {
  const { hashes } = await postTxs(api, [txToHex(tx)], { token });
  const hash = hashes[0] ?? txHashHex(tx);
  io.out(hash);
  io.err(`${what} tx sent: nonce ${tx.body.nonce}, fee ${tx.body.fee}`);
  return hash;
}

export interface WaitOptions {
  timeoutMs: number;
  /** why the chain may refuse the tx when a leader builds its batch (named if the tx is dropped) */
  refusalHint: string;
  /** what the timeout means, when it is more than "not yet" (a bid whose epoch is over) */
  lateReason?: string;
  /** poll interval (tests) */
  everyMs?: number;
}

/** Polls after this many answers of 404 in a row: the tx left the mempool without being included. */
const GONE_POLLS = 3;

/**
 * Polls GET /txs/:hash until the tx is in a batch on the head chain; its slot. The tx was
 * accepted into this node's mempool, so a 404 means it left it unincluded: a leader found it
 * invalid (a rule of its kind that the mempool does not check), or it expired.
 */
export async function waitIncluded(api: string, hash: string, opts: WaitOptions): Promise<number> {
  const deadline = Date.now() + opts.timeoutMs;
  let gone = 0;
  while (Date.now() < deadline) {
    try {
      const found = await apiRequest<{ status: string; slot: number | null }>(api, "GET", `/txs/${hash}`);
      gone = 0;
      if ((found.status === "included" || found.status === "confirmed") && found.slot !== null) return found.slot;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
      if (++gone >= GONE_POLLS) {
        throw new UsageError(`--wait: tx ${hash} left the node's mempool without being included: a leader refused it (${opts.refusalHint}), or it expired`);
      }
    }
    await new Promise((done) => setTimeout(done, opts.everyMs ?? 250));
  }
  const why = opts.lateReason ?? "see `baton status`; it may still be included later";
  throw new UsageError(`--wait: tx ${hash} was not included within ${Math.round(opts.timeoutMs / 1000)} s (${why})`);
}
