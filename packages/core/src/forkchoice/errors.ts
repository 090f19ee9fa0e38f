import { BatonError } from "../errors.js";

export enum ForkChoiceErrorCode {
  UNKNOWN_PARENT = "FORKCHOICE_UNKNOWN_PARENT",
  NOT_DESCENDANT_OF_CONFIRMED = "FORKCHOICE_NOT_DESCENDANT_OF_CONFIRMED",
  WRONG_HEIGHT = "FORKCHOICE_WRONG_HEIGHT",
  SLOT_NOT_AFTER_PARENT = "FORKCHOICE_SLOT_NOT_AFTER_PARENT",
}

export class ForkChoiceError extends BatonError<{ code: ForkChoiceErrorCode; root: string; detail?: string }> {
  constructor(code: ForkChoiceErrorCode, root: string, detail?: string) {
    super({ code, root, detail }, `${code}: batch ${root}${detail ? ` (${detail})` : ""}`);
  }
}
