/**
 * Anyone may prove equivocation: when the chain sees two valid batches of one proposer for
 * one slot, a node with an account key submits the `slash` tx with both signed headers.
 */
import type { Logger } from "pino";
import { makeSlashTx, SequencerStatus, type ChainConfig, type Ed25519Keypair } from "@baton/core";
import { ChainEvent, type Chain, type EquivocationEventData } from "../chain/index.js";
import type { TxService } from "../txs/index.js";

export class Slasher {
  private readonly submitted = new Set<number>();
  private readonly listener = (d: EquivocationEventData) => this.onEquivocation(d);

  constructor(
    private readonly config: ChainConfig,
    private readonly accountKey: Ed25519Keypair,
    private readonly modules: { chain: Chain; txs: TxService; logger: Logger },
  ) {
    modules.chain.on(ChainEvent.equivocation, this.listener);
  }

  close(): void {
    this.modules.chain.off(ChainEvent.equivocation, this.listener);
  }

  private onEquivocation(d: EquivocationEventData): void {
    const { chain, txs, logger } = this.modules;
    const seq = chain.getHeadState().sequencers[d.proposer];
    if (!seq || seq.slashed || seq.status === SequencerStatus.exited || this.submitted.has(d.proposer)) return;
    this.submitted.add(d.proposer);
    const tx = makeSlashTx(this.config.chainId, this.accountKey, {
      nonce: txs.nextNonce(this.accountKey.publicKey, chain.nonceOf(this.accountKey.publicKey)),
      fee: this.config.minFee,
      header1: d.header1,
      header2: d.header2,
    });
    const [res] = txs.submit([tx], { local: true });
    if (res.error) logger.warn({ proposer: d.proposer, code: res.error.code }, "slash tx refused");
    else logger.warn({ proposer: d.proposer, slot: d.slot, tx: res.hash }, "submitted slash tx for equivocation");
  }
}
