/**
 * An ejected sequencer that is back and synced sends a `rejoin` tx from its account key,
 * once; it leads again from the next epoch.
 */
import type { Logger } from "pino";
import { computeEpoch, makeRejoinTx, SequencerStatus, type ChainConfig, type Ed25519Keypair } from "@baton/core";
import type { Chain } from "../chain/index.js";
import type { TxService } from "../txs/index.js";
import type { Producer } from "./producer.js";

export class Rejoiner {
  private sentInEpoch = -1;

  constructor(
    private readonly config: ChainConfig,
    private readonly accountKey: Ed25519Keypair,
    private readonly modules: { chain: Chain; producer: Producer; txs: TxService; logger: Logger; isSyncing(): boolean },
  ) {}

  onSlot(slot: number): void {
    const { chain, producer, txs, logger } = this.modules;
    if (this.modules.isSyncing()) return;
    // our head must be recent: a node that just restarted first catches up
    if (slot - chain.getHead().slot > this.config.missesToEject + 2) return;
    const index = producer.myIndex();
    if (index < 0) return;
    const seq = chain.getHeadState().sequencers[index];
    if (seq.status !== SequencerStatus.ejected || seq.rejoinEpoch !== 0) return;
    const epoch = computeEpoch(this.config, slot);
    if (this.sentInEpoch === epoch) return; // one attempt per epoch
    this.sentInEpoch = epoch;
    const tx = makeRejoinTx(this.config.chainId, this.accountKey, {
      nonce: txs.nextNonce(this.accountKey.publicKey, chain.nonceOf(this.accountKey.publicKey)),
      fee: this.config.minFee,
      sequencerIndex: index,
    });
    const [res] = txs.submit([tx], { local: true });
    if (res.error) logger.warn({ index, code: res.error.code, err: res.error.message }, "rejoin tx refused");
    else logger.info({ index, epoch, tx: res.hash }, "sent rejoin tx");
  }
}
