/**
 * Per-sequencer genesis fields that belong to a mechanism (its `genesisFields`), e.g.
 *   "stakes": {"<token>": amount, ...}   pos: stake in the non-native tokens of mechanismParams.tokens
 *   "commissionBps": n                   dpos: the sequencer's commission (default: defaultCommissionBps)
 * A field of another registered mechanism is refused, naming whose it is.
 */
import { ConfigError } from "../errors.js";
import { MECHANISMS, mechanismOf } from "../mechanism/registry.js";
import type { SequencerExtras } from "../state/sequencer.js";
import type { ChainConfig } from "./chainConfig.js";

export type { SequencerExtras };

/** The genesis fields of a sequencer besides those of the registered mechanisms. */
export const COMMON_SEQUENCER_FIELDS = ["pubkey", "account", "stake"] as const;

/** Every per-sequencer genesis field a registered mechanism defines. */
export const MECHANISM_SEQUENCER_FIELDS: readonly string[] = MECHANISMS.flatMap((m) => (m.genesisFields ?? []).map((g) => g.key));

export function parseSequencerExtras(s: Record<string, unknown>, f: string, config: ChainConfig): SequencerExtras {
  const own = mechanismOf(config).genesisFields ?? [];
  const out: SequencerExtras = {};
  for (const m of MECHANISMS) {
    for (const g of m.genesisFields ?? []) {
      if (s[g.key] === undefined) continue;
      const mine = own.find((o) => o.key === g.key);
      if (mine === undefined) throw new ConfigError(`${f}.${g.key}`, `absent: ${g.absentReason}`, s[g.key]);
      Object.assign(out, mine.parse(s[g.key], `${f}.${g.key}`, config));
    }
  }
  return out;
}

export function sequencerExtrasToJson(s: SequencerExtras, config: ChainConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const g of mechanismOf(config).genesisFields ?? []) {
    const v = g.toJson(s, config);
    if (v !== undefined) out[g.key] = v;
  }
  return out;
}
