/**
 * @packageDocumentation
 * `@baton/client`: what a program needs to act as a user of a Baton node, shared by the `baton`
 * CLI and the devnet tools (launcher, load generator, status line, chaos, bench):
 *
 * - the node's HTTP API client (`api.ts`): `getStatus`, `getSequencers`, `getAccount`,
 *   `postTxs`, `apiRequest`, with `ApiError` / `ApiUnreachableError`;
 * - key files (`keyFile.ts`, `keystore.ts`): the encrypted keystore and the plaintext devnet
 *   key file, read, written and told apart; errors are `KeyFileError` / `KeystoreError` with codes.
 *
 * @example
 * ```ts
 * import { toHex } from "@baton/core";
 * import { getAccount, loadKeyFile, nextNonceOf } from "@baton/client";
 * const keys = await loadKeyFile(".devnet/node1/key.json");
 * const account = await getAccount("http://127.0.0.1:7001", toHex(keys.ed25519.publicKey));
 * const nonce = account ? nextNonceOf(account) : 0;
 * ```
 */
export * from "./api.js";
export * from "./errors.js";
export * from "./keyFile.js";
export * from "./keystore.js";
