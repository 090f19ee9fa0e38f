/**
 * Per-sequencer genesis fields that belong to a mechanism:
 *   "stakes": {"<token>": amount, ...}   pos only: stake in the non-native tokens of mechanismParams.tokens
 *   "commissionBps": n                   dpos only: the sequencer's commission (default: defaultCommissionBps)
 */
import { ConfigError } from "../errors.js";
import { paramsOf } from "../mechanism/params.js";
import type { ChainConfig } from "./chainConfig.js";
import { intField, isObject, parseAmount } from "./fields.js";

export interface SequencerExtras {
  tokenStakes?: bigint[];
  commissionBps?: number;
}

export function parseSequencerExtras(s: Record<string, unknown>, f: string, config: ChainConfig): SequencerExtras {
  const out: SequencerExtras = {};
  if (s.stakes !== undefined) {
    if (config.mechanism !== "pos") throw new ConfigError(`${f}.stakes`, "absent: stake tokens are a pos feature", s.stakes);
    const tokens = paramsOf(config, "pos").tokens;
    const names = tokens.slice(1).map((t) => t.name);
    if (!isObject(s.stakes)) throw new ConfigError(`${f}.stakes`, `an object {token: amount} over ${names.join(", ") || "(no extra tokens)"}`, s.stakes);
    const given = s.stakes;
    for (const k of Object.keys(given)) {
      if (!names.includes(k)) throw new ConfigError(`${f}.stakes.${k}`, `a token of mechanismParams.tokens other than the native ${tokens[0].name}`, given[k]);
    }
    out.tokenStakes = names.map((n) => (given[n] === undefined ? 0n : parseAmount(given[n], `${f}.stakes.${n}`)));
  }
  if (s.commissionBps !== undefined) {
    if (config.mechanism !== "dpos") throw new ConfigError(`${f}.commissionBps`, "absent: commission is a dpos feature", s.commissionBps);
    out.commissionBps = intField(s.commissionBps, `${f}.commissionBps`, 0, paramsOf(config, "dpos").maxCommissionBps);
  }
  return out;
}

export function sequencerExtrasToJson(s: SequencerExtras, config: ChainConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (config.mechanism === "pos" && s.tokenStakes?.some((a) => a > 0n)) {
    const tokens = paramsOf(config, "pos").tokens;
    out.stakes = Object.fromEntries(s.tokenStakes.map((a, t) => [tokens[t + 1].name, a.toString()]));
  }
  if (config.mechanism === "dpos" && s.commissionBps !== undefined) out.commissionBps = s.commissionBps;
  return out;
}
