import { suite } from "uvu";
import * as assert from "uvu/assert";
import { toHex } from "../../src/crypto/hex.js";
import { decodeState, encodeState, stateRoot } from "../../src/types/encoding.js";
import { computeStateRoot, sequencersRoot } from "../../src/state/stateRoot.js";
import { ChainState } from "../../src/types/ssz.js";
import { makeTestChain, produce, userTxs } from "./helpers.js";

const test = suite("stateRoot: cached sequencer roots");

test("with 40 sequencers, across batches, misses and a fork, computeStateRoot equals stateRoot", () => {
  const chain = makeTestChain({ sequencers: 40, users: 8 });
  let state = chain.state;
  const states = [state];
  for (const slot of [1, 2, 5, 6, 11]) {
    state = produce(chain, state, slot, userTxs(chain, state, 3)).state;
    states.push(state);
  }
  const fork = produce(chain, states[2], 7, userTxs(chain, states[2], 2)).state;
  for (const s of [...states, fork]) {
    assert.is(toHex(computeStateRoot(s)), toHex(stateRoot(s)), `slot ${s.slot}`);
    assert.is(toHex(sequencersRoot(s.sequencers)), toHex(ChainState.fields.sequencers.hashTreeRoot(s.sequencers)));
  }
  const decoded = decodeState(encodeState(state));
  assert.is(toHex(computeStateRoot(decoded)), toHex(stateRoot(state)));
});

test("an empty sequencer list", () => {
  assert.is(toHex(sequencersRoot([])), toHex(ChainState.fields.sequencers.hashTreeRoot([])));
});
test.run();
