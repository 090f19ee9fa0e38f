/** The lab's pos: the mechanism's own defaults; a sequencer locks the stake it brings. */
import type { PosParams } from "@baton/core";
import type { SimMechanism } from "./types.js";

export const posSim: SimMechanism<"pos", PosParams> = {
  name: "pos",
  params: {},
};
