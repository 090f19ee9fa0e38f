/**
 * Errors with codes. Codes are a fixed set per domain so they can be
 * metric labels and log fields.
 */
export class BatonError<T extends { code: string }> extends Error {
  readonly type: T;
  constructor(type: T, message?: string) {
    super(message ?? type.code);
    this.type = type;
    this.name = new.target.name;
  }
  get code(): string {
    return this.type.code;
  }
}

export enum DecodeErrorCode {
  MALFORMED = "DECODE_MALFORMED",
  TOO_LARGE = "DECODE_TOO_LARGE",
  INVALID_FIELD = "DECODE_INVALID_FIELD",
}
export class DecodeError extends BatonError<{ code: DecodeErrorCode; what: string }> {}

export enum ConfigErrorCode {
  INVALID_FIELD = "CONFIG_INVALID_FIELD",
}
/** A bad genesis/config value: names the field and what was expected. */
export class ConfigError extends BatonError<{ code: ConfigErrorCode; field: string; expected: string }> {
  constructor(field: string, expected: string, got?: unknown) {
    const shown = got === undefined ? "missing" : JSON.stringify(got, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
    super(
      { code: ConfigErrorCode.INVALID_FIELD, field, expected },
      `invalid ${field}: expected ${expected}, got ${shown && shown.length > 80 ? shown.slice(0, 77) + "..." : shown}`,
    );
  }
}

export enum TxErrorCode {
  BAD_SIGNATURE = "TX_BAD_SIGNATURE",
  UNKNOWN_SENDER = "TX_UNKNOWN_SENDER",
  BAD_NONCE = "TX_BAD_NONCE",
  FEE_TOO_LOW = "TX_FEE_TOO_LOW",
  INSUFFICIENT_BALANCE = "TX_INSUFFICIENT_BALANCE",
  TOO_LARGE = "TX_TOO_LARGE",
  BAD_KIND = "TX_BAD_KIND",
  BAD_PAYLOAD = "TX_BAD_PAYLOAD",
  NOT_ALLOWED = "TX_NOT_ALLOWED",
}
export class TxError extends BatonError<{ code: TxErrorCode; detail?: string }> {
  constructor(code: TxErrorCode, detail?: string) {
    super({ code, detail }, detail ? `${code}: ${detail}` : code);
  }
}

export enum BatchErrorCode {
  WRONG_CHAIN = "BATCH_WRONG_CHAIN",
  SLOT_NOT_AFTER_PARENT = "BATCH_SLOT_NOT_AFTER_PARENT",
  WRONG_PARENT = "BATCH_WRONG_PARENT",
  WRONG_HEIGHT = "BATCH_WRONG_HEIGHT",
  WRONG_LEADER = "BATCH_WRONG_LEADER",
  BAD_SIGNATURE = "BATCH_BAD_SIGNATURE",
  BAD_RANDAO = "BATCH_BAD_RANDAO",
  BAD_TX_ROOT = "BATCH_BAD_TX_ROOT",
  BAD_STATE_ROOT = "BATCH_BAD_STATE_ROOT",
  TOO_MANY_TXS = "BATCH_TOO_MANY_TXS",
  INVALID_TX = "BATCH_INVALID_TX",
  DUPLICATE_TX = "BATCH_DUPLICATE_TX",
  NO_SCHEDULE = "BATCH_NO_SCHEDULE",
}
export class BatchError extends BatonError<{ code: BatchErrorCode; detail?: string }> {
  constructor(code: BatchErrorCode, detail?: string) {
    super({ code, detail }, detail ? `${code}: ${detail}` : code);
  }
}
