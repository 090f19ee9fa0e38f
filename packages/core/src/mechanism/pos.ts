/**
 * Proof of stake: weight = committed stake, for every candidate with at least minStake. A
 * chain may take several stake tokens (mechanismParams.tokens, each with a weight): a
 * sequencer's effective stake is Σ amount_t × weightBps_t / 10,000 (token 0 is `stake`, the
 * native token; the others are in `tokenStakes`, set per sequencer at genesis with "stakes":
 * {"<token>": amount} — no tx adds them — and withdrawn with the token field of an unstake).
 */
import { ConfigError } from "../errors.js";
import { intField, isObject, objectField, parseAmount } from "../config/fields.js";
import { MAX_STAKE_TOKENS } from "../types/ssz.js";
import { stakedCandidates } from "./eligible.js";
import type { GenesisField, Mechanism, MechanismConfig, StakeFields } from "./types.js";
import { BPS } from "../config/ranges.js";

export interface StakeToken {
  name: string;
  /** what one unit of the token counts for, in native units × 10,000 (10,000 = 1:1) */
  weightBps: number;
}
/** pos: weight = Σ stake in token t × weightBps_t / 10,000. Token 0 is the native token. */
export interface PosParams {
  tokens: StakeToken[];
}

export const NATIVE_TOKEN = "native";


function parseTokens(v: unknown, field: string): StakeToken[] {
  if (!Array.isArray(v) || v.length < 1 || v.length > MAX_STAKE_TOKENS) {
    throw new ConfigError(field, `an array of 1 to ${MAX_STAKE_TOKENS} {name, weightBps}; the first is the native token`, v);
  }
  const names = new Set<string>();
  return v.map((t: unknown, i: number) => {
    const f = `${field}[${i}]`;
    const o = objectField(t, f, ["name", "weightBps"]);
    if (typeof o.name !== "string" || !/^[A-Za-z0-9_-]{1,16}$/.test(o.name) || names.has(o.name)) {
      throw new ConfigError(`${f}.name`, "a unique name of 1-16 letters, digits, _ or -", o.name);
    }
    names.add(o.name);
    return { name: o.name, weightBps: intField(o.weightBps, `${f}.weightBps`, 0, 2 ** 32 - 1) };
  });
}

/** Σ amount_t × weightBps_t / 10,000 over the native stake and the token stakes. */
export function posEffectiveStake(seq: StakeFields, tokens: readonly StakeToken[]): bigint {
  let total = seq.stake * BigInt(tokens[0].weightBps);
  for (let t = 1; t < tokens.length; t++) total += (seq.tokenStakes[t - 1] ?? 0n) * BigInt(tokens[t].weightBps);
  return total / BPS;
}

/** genesis "stakes": {"<token>": amount, ...}: stake in the non-native tokens of mechanismParams.tokens. */
const stakesField: GenesisField<PosParams> = {
  key: "stakes",
  absentReason: "stake tokens are a pos feature",
  parse(value, f, config) {
    const tokens = config.mechanismParams.tokens;
    const names = tokens.slice(1).map((t) => t.name);
    if (!isObject(value)) throw new ConfigError(f, `an object {token: amount} over ${names.join(", ") || "(no extra tokens)"}`, value);
    for (const k of Object.keys(value)) {
      if (!names.includes(k)) throw new ConfigError(`${f}.${k}`, `a token of mechanismParams.tokens other than the native ${tokens[0].name}`, value[k]);
    }
    return { tokenStakes: names.map((n) => (value[n] === undefined ? 0n : parseAmount(value[n], `${f}.${n}`))) };
  },
  toJson(s, config) {
    if (!s.tokenStakes?.some((a) => a > 0n)) return undefined;
    const tokens = config.mechanismParams.tokens;
    return Object.fromEntries(s.tokenStakes.map((a, t) => [tokens[t + 1].name, a.toString()]));
  },
};

const committed = (config: MechanismConfig<PosParams>) => (s: StakeFields & { restakeOwed: bigint }) =>
  posEffectiveStake(s, config.mechanismParams.tokens) + s.restakeOwed;

export const posMechanism: Mechanism<"pos", PosParams> = {
  name: "pos",
  defaultParams: () => ({ tokens: [{ name: NATIVE_TOKEN, weightBps: 10_000 }] }),
  parseParams: (read) => ({ tokens: parseTokens(read.value("tokens"), read.field("tokens")) }),
  weights(state, config) {
    return stakedCandidates(state.sequencers, config.minStake, committed(config)).map((c) => ({ index: c.index, weight: c.stake }));
  },
  effectiveStake: (seq, config) => posEffectiveStake(seq, config.mechanismParams.tokens),
  extraStakeTokens: (config) => config.mechanismParams.tokens.length - 1,
  genesisFields: [stakesField],
  txs: [],
};
