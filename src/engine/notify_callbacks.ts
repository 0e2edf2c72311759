/**
 * The callbacks of PGlite's LISTEN API (`listen`, `unlisten`, `onNotification`,
 * `offNotification`) for one session: listen() callbacks by channel and callbacks for every
 * notification. Shared by the embedded API (index.ts) and VecgresWorker (worker/), which keeps
 * them on the application's thread while the session runs on the worker thread: the same
 * channel-name rules and the same order of calls either way.
 */

/** Runs one statement (a session, a transaction, PGlite's transaction object). */
export interface ExecTarget {
  exec(sql: string): Promise<unknown>;
}

/**
 * PostgreSQL's name of a channel as PGlite's `toPostgresName`: a double-quoted name without its
 * quotes, anything else lower-cased.
 */
export function postgresName(channel: string): string {
  return channel.startsWith('"') && channel.endsWith('"') ? channel.substring(1, channel.length - 1) : channel.toLowerCase();
}

/** A channel name as a quoted identifier (for UNLISTEN of a name that is not lower case). */
export function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** One session's notification callbacks; see the module comment. */
export class NotifyCallbacks {
  /** listen() callbacks by channel (PostgreSQL's name of it: `Foo` is `foo`, `"Foo"` is `Foo`). */
  readonly #channels = new Map<string, Set<(payload: string) => void>>();
  /** onNotification() callbacks. */
  readonly #onAny = new Set<(channel: string, payload: string) => void>();

  /**
   * Calls the callbacks of a notification the session received, each in its own microtask as
   * PGlite does.
   */
  dispatch(channel: string, payload: string): void {
    for (const cb of this.#channels.get(channel) ?? []) queueMicrotask(() => cb(payload));
    for (const cb of this.#onAny) queueMicrotask(() => cb(channel, payload));
  }

  /**
   * Adds `callback` for `channel` and runs `LISTEN channel` on `target`; the callback is removed
   * again when the statement fails. Resolves to a function that stops this callback.
   * @throws the LISTEN statement's error.
   */
  async listen(target: ExecTarget, channel: string, callback: (payload: string) => void, unlisten: (channel: string, callback: (payload: string) => void, tx?: ExecTarget) => Promise<void>): Promise<(tx?: ExecTarget) => Promise<void>> {
    const name = postgresName(channel);
    let set = this.#channels.get(name);
    if (set === undefined) this.#channels.set(name, (set = new Set()));
    set.add(callback);
    try {
      await target.exec(`LISTEN ${channel}`);
    } catch (e) {
      set.delete(callback);
      if (set.size === 0) this.#channels.delete(name);
      throw e;
    }
    return async (t?: ExecTarget) => unlisten(name === channel ? channel : quoteName(name), callback, t);
  }

  /**
   * Removes `callback` from `channel` (all of its callbacks when absent); once it has none,
   * runs `UNLISTEN channel` on `target`.
   */
  async unlisten(target: ExecTarget, channel: string, callback?: (payload: string) => void): Promise<void> {
    const name = postgresName(channel);
    const set = this.#channels.get(name);
    if (callback !== undefined) {
      set?.delete(callback);
      if (set !== undefined && set.size > 0) return;
    }
    this.#channels.delete(name);
    await target.exec(`UNLISTEN ${channel}`);
  }

  /** Adds a callback for every notification; returns a function that removes it. */
  onNotification(callback: (channel: string, payload: string) => void): () => void {
    this.#onAny.add(callback);
    return () => this.#onAny.delete(callback);
  }

  /** Removes a callback given to {@link onNotification}. */
  offNotification(callback: (channel: string, payload: string) => void): void {
    this.#onAny.delete(callback);
  }

  /** Forgets every callback (the session ended). */
  clear(): void {
    this.#channels.clear();
    this.#onAny.clear();
  }
}
