/** The lab's poa: authorities bonded at SIM_BOND (plus a margin); governance admits each joiner, which then posts its bond. */
import { signGovernanceAction, signProofOfPossession, ssz, TxKind, type PoaParams } from "@baton/core";
import { bondedStake, SIM_BOND } from "./bond.js";
import type { MechanismAgent, SimMechanism } from "./types.js";

const poaAgent: MechanismAgent = {
  beforeJoin({ state, world, maker, txs, alive }) {
    for (let i = world.genesisCount; i < state.sequencers.length; i++) {
      // an admitted authority posts its bond (a top-up of its stake of 0)
      const s = state.sequencers[i];
      if (s.stake >= SIM_BOND || !alive(i)) continue;
      txs.push(maker.topUp(world.sequencerAccounts[i], s.pubkey, SIM_BOND - s.stake));
    }
  },
  joinTx({ state, world, maker }, { key, account }) {
    const { config, governance } = world;
    const action = { pubkey: key.publicKey, account, nonce: state.governanceNonce };
    const signatures = signGovernanceAction(config.chainId, { kind: "admit", action }, [0, 1].map((signer) => ({ signer, key: governance[signer] })));
    const payload = ssz.AdmitPayload.serialize({ action, proofOfPossession: signProofOfPossession(config.chainId, key), signatures });
    return maker.make(account, TxKind.admit, payload);
  },
};

export const poaSim: SimMechanism<"poa", PoaParams> = {
  name: "poa",
  params: { bond: SIM_BOND },
  lockedStake: bondedStake,
  agent: () => poaAgent,
};
