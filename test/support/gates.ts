/**
 * Holding background work open in tests without timing: a module's test hook (`{ gate }`, read
 * when a build or scan starts) is set to a promise that only {@link hold}'s `open()` resolves,
 * and {@link track} turns a statement's promise into a flag a test can check while it is held.
 */

import type { Vecgres } from '../../src/index.js';
import type { AsyncBuild, IndexAm, OrderedIndexAm } from '../../src/access/am.js';

/**
 * Wraps method `name`'s asynchronous build (IndexAm / OrderedIndexAm buildAsync) so that its
 * result is handed over only after `release` (cancel still ends it at once). Returns the
 * release and a restore of the method.
 */
export function gateBuilds(db: Vecgres, name: string): { release(): void; restore(): void } {
  const methods = db.database.methods as Map<string, IndexAm | OrderedIndexAm>;
  const am = methods.get(name)!;
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const gated = Object.create(am) as { buildAsync(input: unknown): AsyncBuild<unknown> };
  gated.buildAsync = (input: unknown): AsyncBuild<unknown> => {
    const b = (am.buildAsync as (i: unknown) => AsyncBuild<unknown>)(input);
    return {
      done: gate.then(() => b.done),
      tuplesDone: () => b.tuplesDone(),
      cancel: () => {
        b.cancel();
        release();
      },
    };
  };
  methods.set(name, gated as unknown as IndexAm);
  return { release: () => release(), restore: () => methods.set(name, am) };
}

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
