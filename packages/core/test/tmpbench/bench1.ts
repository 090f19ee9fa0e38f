import * as ssz from "../../src/types/ssz.ts";
import { stateRoot, txRoot, txHash } from "../../src/types/encoding.ts";
const accounts = Array.from({length: 10000}, (_, i) => ({pubkey: new Uint8Array(32).fill(i%256), balance: BigInt(i)*1000n, nonce: i}));
const st: ssz.State = { chainId: 1, slot: 0, height: 0, epoch: 0, randaoMix: new Uint8Array(32), currentCommittee: {epoch:0, seed:new Uint8Array(32), members: []}, nextCommittee: {epoch:1, seed:new Uint8Array(32), members: []}, sequencers: [], accounts, treasury: 0n, burned: 0n};
for (let k=0;k<3;k++){ let t=performance.now(); stateRoot(st); console.log("stateRoot 10k", performance.now()-t); }
const txs = Array.from({length: 1000}, (_, i) => ({body: {sender: new Uint8Array(32).fill(i%256), nonce: i, fee: 1n, kind: 0, payload: new Uint8Array(100)}, signature: new Uint8Array(64)}));
for (let k=0;k<3;k++){ let t=performance.now(); txRoot(txs); console.log("txRoot 1000", performance.now()-t); t=performance.now(); txs.map(txHash); console.log("txHash x1000", performance.now()-t);}
