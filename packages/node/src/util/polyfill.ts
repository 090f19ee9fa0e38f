/**
 * Node 20 lacks `Promise.withResolvers` (added in Node 22); libp2p 3 and its
 * queues call it. Import this module first in every entry point, and pass it
 * to the test runner (`node --import ./packages/node/src/util/polyfill.ts`).
 */
if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function withResolvers<T>(): PromiseWithResolvers<T> {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return {promise, resolve, reject};
  };
}

export {};
