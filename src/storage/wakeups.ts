/**
 * Promises that waiting sessions await, one per key, resolved together when the key's event
 * happens (a transaction's end for row locks, a release for advisory locks): the waiters then
 * run their statements again and look anew.
 */
export class Wakeups<K> {
  private readonly pending = new Map<K, { promise: Promise<void>; resolve: () => void }>();

  /** A promise resolved at the next {@link wake} of `key` (or {@link wakeAll}). */
  next(key: K): Promise<void> {
    let p = this.pending.get(key);
    if (p === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.pending.set(key, (p = { promise, resolve }));
    }
    return p.promise;
  }

  /** Resolves the waiters of `key`. */
  wake(key: K): void {
    const p = this.pending.get(key);
    if (p === undefined) return;
    this.pending.delete(key);
    p.resolve();
  }

  /** Resolves every waiter (the database is closing). */
  wakeAll(): void {
    for (const p of this.pending.values()) p.resolve();
    this.pending.clear();
  }
}
