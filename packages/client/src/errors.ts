/**
 * Errors of the key-file code. Each is the user's to fix (a wrong path, password or file), so
 * the CLI prints the one-line message and exits 2; the codes are a fixed set for tests and logs.
 */
import { BatonError } from "@baton/core";

export enum KeyFileErrorCode {
  /** the file cannot be read (missing, no permission) */
  UNREADABLE = "KEY_FILE_UNREADABLE",
  /** the file is not JSON */
  NOT_JSON = "KEY_FILE_NOT_JSON",
  /** a field of a plaintext key file is missing or wrong */
  INVALID_FIELD = "KEY_FILE_INVALID_FIELD",
  /** refusing to overwrite an existing key file */
  EXISTS = "KEY_FILE_EXISTS",
}

export enum KeystoreErrorCode {
  WRONG_PASSWORD = "WRONG_PASSWORD",
  TAMPERED = "TAMPERED",
  MALFORMED = "MALFORMED",
  NO_PASSWORD = "NO_PASSWORD",
  WEAK_PASSWORD = "WEAK_PASSWORD",
}

/** A key file that cannot be read, written or opened; the message names the file and the problem. */
export class KeyFileError extends BatonError<{ code: KeyFileErrorCode | KeystoreErrorCode }> {
  constructor(code: KeyFileErrorCode | KeystoreErrorCode, message: string) {
    super({ code }, message);
  }
}

/** An encrypted keystore that cannot be opened (or made: a weak password). */
export class KeystoreError extends KeyFileError {
  constructor(code: KeystoreErrorCode, message: string) {
    super(code, message);
  }
}
