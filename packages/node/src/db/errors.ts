import { BatonError } from "@baton/core";

export enum DbErrorCode {
  /** The data dir is held by another process (or another BatonDb in this one). */
  LOCKED = "DB_LOCKED",
  /** The store could not be opened for another reason (corruption, permissions...). */
  OPEN_FAILED = "DB_OPEN_FAILED",
  /** A stored value does not decode: the store is corrupt or from another version. */
  CORRUPT_VALUE = "DB_CORRUPT_VALUE",
  /** Refused to lower a sequencer's last signed slot (or to sign a slot twice). */
  SLASHING_PROTECTION = "DB_SLASHING_PROTECTION",
}

export class DbError extends BatonError<{ code: DbErrorCode; dir?: string }> {
  constructor(type: { code: DbErrorCode; dir?: string }, message: string, options?: { cause?: unknown }) {
    super(type, message);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
