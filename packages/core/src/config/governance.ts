/**
 * Governance: an m-of-n set of ed25519 keys in genesis. `threshold` distinct keys must sign an
 * action (evict a sequencer; under poa, admit an authority). No keys (the default) = no
 * governance: such txs are refused.
 */
import { ConfigError } from "../errors.js";
import { toHex } from "../crypto/hex.js";
import { MAX_GOVERNANCE_KEYS } from "../types/ssz.js";
import { hexField, intField, objectField } from "./fields.js";

export interface GovernanceConfig {
  threshold: number;
  keys: Uint8Array[];
}

export const NO_GOVERNANCE: GovernanceConfig = Object.freeze({ threshold: 0, keys: [] }) as GovernanceConfig;

export function parseGovernance(raw: unknown): GovernanceConfig {
  if (raw === undefined) return NO_GOVERNANCE;
  const o = objectField(raw, "governance", ["threshold", "keys"]);
  if (!Array.isArray(o.keys) || o.keys.length > MAX_GOVERNANCE_KEYS) {
    throw new ConfigError("governance.keys", `an array of at most ${MAX_GOVERNANCE_KEYS} ed25519 public keys (0x hex)`, o.keys);
  }
  const seen = new Set<string>();
  const keys = o.keys.map((k: unknown, i: number) => {
    const key = hexField(k, `governance.keys[${i}]`, 32);
    if (seen.has(toHex(key))) throw new ConfigError(`governance.keys[${i}]`, "a key listed once", k);
    seen.add(toHex(key));
    return key;
  });
  const threshold = intField(o.threshold, "governance.threshold", keys.length === 0 ? 0 : 1, keys.length);
  return { threshold, keys };
}

export function governanceToJson(g: GovernanceConfig): Record<string, unknown> {
  return { threshold: g.threshold, keys: g.keys.map(toHex) };
}
