/**
 * Genesis `mechanismParams`: each mechanism's typed parameters, with defaults, validated when
 * the chain config is created: a bad value names `mechanismParams.<field>` and the expected
 * form. Amounts are in native-token units; rates in basis points (bps, 1/10,000) or parts per
 * million (ppm) as named. The params themselves are the mechanism's (`defaultParams`,
 * `parseParams`); this file fills defaults, refuses unknown fields and reads each field.
 */
import { intField, objectField, oneOfField, parseAmount } from "../config/fields.js";
import { getMechanism, type MechanismName, type MechanismParams, type MechanismParamsMap } from "./registry.js";
import { paramsFor, type ParamReader } from "./types.js";

export { MECHANISM_NAMES, type MechanismName, type MechanismParams, type MechanismParamsMap } from "./registry.js";

const F = "mechanismParams";

export function defaultMechanismParams(name: MechanismName, slotsPerEpoch: number): MechanismParams {
  return getMechanism(name).defaultParams(slotsPerEpoch);
}

/** Reads fields of `values` (given over defaults), each named mechanismParams.<key> when refused. */
function paramReader(values: Record<string, unknown>): ParamReader {
  return {
    value: (k) => values[k],
    int: (k, min, max) => intField(values[k], `${F}.${k}`, min, max),
    amount: (k, min = 0n) => parseAmount(values[k], `${F}.${k}`, min),
    oneOf: (k, allowed) => oneOfField(values[k], `${F}.${k}`, allowed),
    field: (k) => `${F}.${k}`,
  };
}

/** Fills defaults and validates. `raw` is JSON (amounts as strings) or typed params. */
export function parseMechanismParams(name: MechanismName, raw: unknown, slotsPerEpoch: number): MechanismParams {
  const m = getMechanism(name);
  const defaults: object = m.defaultParams(slotsPerEpoch);
  const given = raw === undefined ? {} : objectField(raw, F, Object.keys(defaults));
  return m.parseParams(paramReader({ ...defaults, ...given }), slotsPerEpoch);
}

/** The JSON form (amounts as decimal strings). */
export function mechanismParamsToJson(p: MechanismParams): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(p).map(([k, x]) => [k, typeof x === "bigint" ? x.toString() : Array.isArray(x) ? x.map((t) => ({ ...t })) : x]),
  );
}

/** The params of `config`, typed for mechanism `name`; throws if the chain runs another mechanism. */
export function paramsOf<N extends MechanismName>(
  config: { mechanism: MechanismName; mechanismParams: MechanismParams },
  name: N,
): MechanismParamsMap[N] {
  return paramsFor<MechanismParamsMap[N]>(name, config);
}
