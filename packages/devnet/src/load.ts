/**
 * Tx load for a devnet: `rate` signed user txs per second in total, sent in bundles (one
 * POST /txs {"txs": [hex...]} per tick) round-robin across the nodes, from a set of funded
 * accounts whose nonces it tracks. A refused or lost tx makes its account re-read its nonce
 * from the API before it is used again.
 *
 * Each (account, nonce) is signed once: when a re-read nonce is one already sent, the same tx
 * goes out again. A node that answers from a stale head (just unfrozen or restarted, not yet
 * synced) reports a nonce another node already took; signing a new tx for it would make two
 * acknowledged txs that cannot both be included (chaos, seed 1: "no loss" violated that way).
 */
import { encodeTx, signTx, toHex, txHash, TxKind, type Ed25519Keypair } from "@baton/core";
import { ApiError, getAccount, nextNonceOf, postTxs } from "@baton/client";

/** What the load generator needs from a node (a fake in tests). */
export interface LoadApi {
  /** resolves with the acknowledged hashes; rejects with ApiError when refused, else when unreachable */
  postTxs(apiUrl: string, txsHex: string[]): Promise<{ hashes: string[] }>;
  /** the account's next nonce; null if the node does not know the account */
  getNonce(apiUrl: string, pubkeyHex: string): Promise<number | null>;
}

export const httpLoadApi: LoadApi = {
  postTxs: (url, txs) => postTxs(url, txs, { timeoutMs: 5_000 }),
  getNonce: async (url, pubkey) => {
    const account = await getAccount(url, pubkey, { timeoutMs: 2_000 });
    return account === null ? null : nextNonceOf(account);
  },
};

export interface LoadOptions {
  /** txs per second, all nodes together */
  rate: number;
  apiUrls: string[];
  accounts: Ed25519Keypair[];
  chainId: number;
  fee?: bigint;
  tickMs?: number;
  payloadBytes?: number;
  /** most POSTs awaiting an answer; a tick is skipped beyond it */
  maxInFlight?: number;
  /** largest bundle per POST */
  maxBundle?: number;
  api?: LoadApi;
  now?: () => number;
  /** every acknowledged tx hash (0x hex) with the node that took it */
  onAcknowledged?: (hashes: string[], apiUrl: string) => void;
}

export interface LoadStats {
  sent: number;
  acknowledged: number;
  refused: number;
  /** no answer: unknown whether the node took them */
  failed: number;
  inFlight: number;
  skippedTicks: number;
  lastError: string | null;
}

interface AccountState {
  key: Ed25519Keypair;
  pubkeyHex: string;
  /** next nonce to use; null = unknown, re-read from the API first */
  next: number | null;
  syncing: boolean;
  /** bumped on every re-sync, so late answers about older txs don't trigger another */
  generation: number;
  /** lowest nonce not acknowledged: used if the API cannot tell the nonce */
  fallback: number | null;
  /** the tx signed for each recent nonce (the last SIGNED_KEPT), sent again if that nonce comes up again */
  signed: Map<number, { hex: string; hash: string }>;
}

/** nonces per account whose signed tx is kept for a re-send */
const SIGNED_KEPT = 1024;

interface BundleTx {
  account: AccountState;
  generation: number;
  nonce: number;
  hex: string;
  hash: string;
}

const norm = (h: string) => h.toLowerCase().replace(/^0x/, "");

export class LoadGenerator {
  readonly stats: LoadStats = { sent: 0, acknowledged: 0, refused: 0, failed: 0, inFlight: 0, skippedTicks: 0, lastError: null };
  private readonly accounts: AccountState[];
  private readonly api: LoadApi;
  private readonly opts: Required<Omit<LoadOptions, "onAcknowledged" | "api" | "now">> & Pick<LoadOptions, "onAcknowledged">;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private due = 0;
  private accountCursor = 0;
  private nodeCursor = 0;
  private counter = 0;
  private readonly nodeDownUntil: number[];
  private readonly pending = new Set<Promise<void>>();

  constructor(opts: LoadOptions) {
    if (opts.accounts.length === 0) throw new Error("load generator: no accounts");
    if (opts.apiUrls.length === 0) throw new Error("load generator: no nodes");
    this.api = opts.api ?? httpLoadApi;
    this.now = opts.now ?? Date.now;
    this.opts = { fee: 1n, tickMs: 100, payloadBytes: 32, maxInFlight: 8, maxBundle: 512, ...opts };
    this.accounts = opts.accounts.map((key) => ({ key, pubkeyHex: toHex(key.publicKey), next: null, syncing: false, generation: 0, fallback: null, signed: new Map() }));
    this.nodeDownUntil = opts.apiUrls.map(() => 0);
  }

  start(): void {
    if (this.timer || this.opts.rate <= 0) return;
    this.timer = setInterval(() => void this.tick(), this.opts.tickMs);
  }

  /** Stops sending and waits for the answers still outstanding. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.pending]);
  }

  /** Reads the nonce of every account whose nonce is unknown (start() does it lazily). */
  async prepare(): Promise<void> {
    await Promise.all(this.accounts.filter((a) => a.next === null).map((a) => this.resync(a)));
  }

  /** Next nonce of each account (null = to be re-read); for tests and reports. */
  nonces(): (number | null)[] {
    return this.accounts.map((a) => a.next);
  }

  /** One tick: the txs due by now, in bundles. Resolves when their POSTs are answered. */
  async tick(): Promise<void> {
    this.due += (this.opts.rate * this.opts.tickMs) / 1000;
    const count = Math.floor(this.due);
    this.due -= count;
    if (count === 0) return;
    if (this.stats.inFlight >= this.opts.maxInFlight) {
      this.stats.skippedTicks++;
      return;
    }
    const work: Promise<void>[] = [];
    for (let left = count; left > 0; left -= this.opts.maxBundle) {
      const bundle = this.buildBundle(Math.min(left, this.opts.maxBundle));
      if (bundle.length > 0) work.push(this.track(this.send(bundle)));
    }
    await Promise.all(work);
  }

  private track(p: Promise<void>): Promise<void> {
    this.pending.add(p);
    return p.finally(() => this.pending.delete(p));
  }

  private buildBundle(size: number): BundleTx[] {
    const out: BundleTx[] = [];
    for (let tried = 0; out.length < size && tried < size + this.accounts.length; tried++) {
      const a = this.accounts[this.accountCursor++ % this.accounts.length];
      if (a.next === null) {
        void this.resync(a);
        continue;
      }
      const nonce = a.next++;
      let signed = a.signed.get(nonce);
      if (signed === undefined) {
        const payload = new Uint8Array(this.opts.payloadBytes);
        new DataView(payload.buffer).setFloat64(0, this.counter++);
        const tx = signTx(this.opts.chainId, { sender: a.key.publicKey, nonce, fee: this.opts.fee, kind: TxKind.user, payload }, a.key);
        signed = { hex: toHex(encodeTx(tx)), hash: norm(toHex(txHash(tx))) };
        a.signed.set(nonce, signed);
        if (a.signed.size > SIGNED_KEPT) a.signed.delete(a.signed.keys().next().value as number);
      }
      out.push({ account: a, generation: a.generation, nonce, ...signed });
    }
    return out;
  }

  private pickNode(): number {
    const n = this.opts.apiUrls.length;
    const now = this.now();
    for (let k = 0; k < n; k++) {
      const i = this.nodeCursor++ % n;
      if (this.nodeDownUntil[i] <= now) return i;
    }
    return this.nodeCursor++ % n;
  }

  private async send(bundle: BundleTx[]): Promise<void> {
    const node = this.pickNode();
    const url = this.opts.apiUrls[node];
    this.stats.sent += bundle.length;
    this.stats.inFlight++;
    try {
      const { hashes } = await this.api.postTxs(url, bundle.map((t) => t.hex));
      const acked = new Set(hashes.map(norm));
      // A node may answer with hashes in another form: if it took as many as we sent, it took all.
      const all = hashes.length === bundle.length;
      const ok = bundle.filter((t) => all || acked.has(t.hash));
      this.stats.acknowledged += ok.length;
      this.stats.refused += bundle.length - ok.length;
      if (ok.length < bundle.length) this.invalidate(bundle.filter((t) => !(all || acked.has(t.hash))));
      if (ok.length > 0) this.opts.onAcknowledged?.(ok.map((t) => "0x" + t.hash), url);
    } catch (e) {
      this.stats.lastError = (e as Error).message;
      if (e instanceof ApiError) {
        this.stats.refused += bundle.length;
      } else {
        this.stats.failed += bundle.length;
        this.nodeDownUntil[node] = this.now() + 2_000;
      }
      this.invalidate(bundle);
    } finally {
      this.stats.inFlight--;
    }
  }

  private invalidate(txs: BundleTx[]): void {
    for (const t of txs) {
      const a = t.account;
      a.fallback = a.fallback === null ? t.nonce : Math.min(a.fallback, t.nonce);
      if (a.generation === t.generation) {
        t.account.next = null;
        t.account.generation++;
      }
    }
  }

  private resync(a: AccountState): Promise<void> {
    if (a.syncing) return Promise.resolve();
    a.syncing = true;
    const generation = a.generation;
    const now = this.now();
    const url = this.opts.apiUrls.find((_, i) => this.nodeDownUntil[i] <= now) ?? this.opts.apiUrls[0];
    const p = this.api
      .getNonce(url, a.pubkeyHex)
      .then((nonce) => {
        if (a.generation === generation && a.next === null) {
          a.next = nonce ?? a.fallback ?? 0;
          a.fallback = null;
        }
      })
      .catch((e: Error) => {
        this.stats.lastError = e.message;
      })
      .finally(() => {
        a.syncing = false;
      });
    return this.track(p);
  }
}
