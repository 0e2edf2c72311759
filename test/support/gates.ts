/**
 * Holding background work open in tests without timing: a module's test hook (`{ gate }`, read
 * when a build or scan starts) is set to a promise that only {@link hold}'s `open()` resolves,
 * and {@link track} turns a statement's promise into a flag a test can check while it is held.
 */

/** Holds every build or scan started through `hooks` until `open()` (which also clears the hook). */
export function hold(hooks: { gate: Promise<void> | null }): { open: () => void } {
  let resolve!: () => void;
  hooks.gate = new Promise<void>((r) => {
    resolve = r;
  });
  return {
    open: () => {
      hooks.gate = null;
      resolve();
    },
  };
}

/** Settles `p` into a flag, so that a test can assert it is still pending. */
export function track<T>(p: Promise<T>): { done: boolean; promise: Promise<T> } {
  const t = { done: false, promise: p };
  p.then(() => {
    t.done = true;
  }, () => {
    t.done = true;
  });
  return t;
}
