/**
 * The embedded database on a worker thread (PGlite's `PGliteWorker` is the model), so that a
 * long statement (a 60-second CREATE INDEX, an exact scan over a million rows) never blocks
 * the application's event loop: its timers, its HTTP server, its other databases go on.
 *
 * ```ts
 * import { VecgresWorker } from 'vecgres/worker';
 * const db = await VecgresWorker.create({ dataDir: './data' });
 * await db.query('CREATE INDEX ON items USING hnsw (embedding vector_cosine_ops)');   // off this thread
 * ```
 *
 * It implements {@link VecgresApi}, as {@link Vecgres} does, and answers every call as Vecgres
 * would (the worker thread runs a Vecgres): the same rows and value shapes (Float32Array,
 * BigInt, Date, Blob), the same {@link PgError}s with every field, notices to `onNotice`,
 * progress to `onIndexBuildProgress`. The cost is a message round trip per call (README:
 * "Running off the main thread").
 *
 * Lifetime: `close()` closes the database in the worker (the final checkpoint) and ends the
 * thread. The thread holds the process open only while a call is in flight, as a pending
 * Vecgres call does. If the thread dies (an uncaught error, `process.exit` in it, a
 * `thread.terminate()`), every pending and later call fails with PgError 08006 instead of
 * hanging; the data directory is then recovered by the next open, as after a crash.
 */
import type { Worker } from 'node:worker_threads';
import { PgError, SQLSTATE } from '../common/errors.js';
import { startWorkerThread } from '../common/worker_thread.js';
import { DirLock } from '../storage/dir_lock.js';
import { query as templateQuery } from '../common/sql_template.js';
import type { DumpOptions, DumpSummary } from '../sql/dump/dump.js';
import type {
  DescribeQueryResult,
  ListenTransaction,
  QueryOptions,
  Results,
  Transaction,
  VecgresApi,
  VecgresOptions,
  VecgresSession,
  Queryable,
} from '../index.js';
import type { HostInit } from './host.js';
import { wireToError, type HostEvent, type Request, type WireQueryOptions } from './messages.js';
import { NotifyCallbacks } from '../engine/notify_callbacks.js';

/** Request without its id (assigned when sent). */
type Outgoing = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  /** The query's own onNotice, for notice events with this request's id. */
  onNotice?: (n: PgError) => void;
  /** A dump's writer, for chunk events. */
  onChunk?: (chunk: string) => void;
  /** transaction(): called when the worker ran BEGIN. */
  onTxReady?: () => void;
  /** What an onNotice handler threw during this call: the call fails with it, as on Vecgres. */
  failure?: { e: unknown };
}

/** Options of {@link VecgresWorker.create}: those of Vecgres.create but `storage` and `clock`, which cannot cross threads. */
export type VecgresWorkerOptions = Omit<VecgresOptions, 'storage' | 'clock'> & {
  /** Test hook (see worker/host.ts HostInit.progressGate); not for applications. */
  progressGate?: HostInit['progressGate'];
};

/** The link to one worker thread: requests out, replies and events in. */
class Link {
  readonly pending = new Map<number, Pending>();
  /** The notification callbacks of each session on this side, by session id. */
  readonly callbacks = new Map<number, NotifyCallbacks>();
  #nextId = 1;
  /** What the database's onNotice threw for a WARNING of the open: create() fails with it. */
  openFailure: { e: unknown } | null = null;
  /** create() returned: a handler's error outside any call is thrown. */
  opened = false;
  /** Set when the thread died: every later call fails with it. */
  crash: PgError | null = null;
  /** The database was closed by close(): later calls fail with `Vecgres is closed`. */
  closing = false;
  #lastError: string | undefined;

  constructor(
    readonly thread: Worker,
    private readonly onNotice: ((n: PgError) => void) | undefined,
    private readonly onProgress: VecgresOptions['onIndexBuildProgress'],
    onReady: (e: HostEvent & ({ type: 'ready' } | { type: 'openFailed' })) => void,
    onExit: () => void,
  ) {
    thread.unref();
    thread.on('message', (m: HostEvent) => {
      if (m.type === 'ready' || m.type === 'openFailed') onReady(m);
      else this.#event(m);
    });
    thread.on('error', (e) => {
      this.#lastError = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    });
    thread.on('exit', (code) => {
      if (!this.closing) {
        this.crash = new PgError(SQLSTATE.connection_failure, 'the vecgres worker thread exited unexpectedly', {
          severity: 'FATAL',
          detail: this.#lastError === undefined ? `The thread exited with code ${code}.` : `The thread exited with code ${code} after: ${this.#lastError}`,
        });
      }
      const failure = this.crash ?? new Error('Vecgres is closed');
      for (const p of this.pending.values()) p.reject(failure);
      this.pending.clear();
      onExit();
    });
  }

  #event(m: HostEvent): void {
    switch (m.type) {
      case 'reply': {
        const p = this.pending.get(m.id);
        if (p === undefined) return;
        this.pending.delete(m.id);
        if (this.pending.size === 0) this.thread.unref();
        if (p.failure !== undefined) p.reject(p.failure.e);
        else if (m.ok) p.resolve(m.value);
        else p.reject(wireToError(m.error));
        return;
      }
      case 'notice': {
        const n = wireToError(m.notice) as PgError;
        const p = m.id === 0 ? undefined : this.pending.get(m.id);
        // After a handler threw, the call's later notices are not delivered (Vecgres stops at the throw).
        if (p?.failure !== undefined) return;
        try {
          (p?.onNotice ?? this.onNotice)?.(n);
        } catch (e) {
          // A handler's error fails the call whose statement raised the notice; one raised by
          // no statement (a WARNING of the open) fails create(), as Vecgres.create fails.
          if (p !== undefined) p.failure = { e };
          else if (!this.opened) this.openFailure ??= { e };
          else throw e;
        }
        return;
      }
      case 'progress':
        this.onProgress?.(m.progress);
        return;
      case 'txReady':
        this.pending.get(m.id)?.onTxReady?.();
        return;
      case 'chunk':
        this.pending.get(m.id)?.onChunk?.(m.chunk);
        return;
      case 'notification':
        this.callbacks.get(m.sid)?.dispatch(m.channel, m.payload);
        return;
      default:
        return;
    }
  }

  /** The error a call fails with before it is sent, or null when the thread can take it. */
  refusal(): Error | null {
    if (this.crash !== null) return this.crash;
    if (this.closing) return new Error('Vecgres is closed');
    return null;
  }

  /**
   * Sends a request; resolves with the host's reply value. Keeps the process alive (ref) while
   * any request is in flight, and only then.
   */
  send<T>(req: Outgoing, hooks: Omit<Pending, 'resolve' | 'reject'> = {}, id = this.newId()): Promise<T> {
    const refused = this.refusal();
    if (refused !== null) return Promise.reject(refused);
    return new Promise<T>((resolve, reject) => {
      try {
        this.thread.postMessage({ ...req, id });
      } catch (e) {
        // A parameter that cannot be cloned (a function, a symbol).
        reject(new PgError(SQLSTATE.feature_not_supported, `a value that cannot be sent to a worker thread is not supported: ${(e as Error).message}`));
        return;
      }
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, ...hooks });
      if (this.pending.size === 1) this.thread.ref();
    });
  }

  /** Sends a message that gets no reply (txEnd). */
  post(req: Outgoing): void {
    if (this.refusal() === null) this.thread.postMessage({ ...req, id: this.newId() });
  }

  /** A fresh request id. */
  newId(): number {
    return this.#nextId++;
  }
}

/** The worker thread, with the process's flags a worker can take (common/worker_thread.ts). */
function startThread(init: HostInit): Worker {
  return startWorkerThread(new URL('./host.js', import.meta.url), { workerData: init });
}

function wireOptions(o: QueryOptions): WireQueryOptions {
  const w: WireQueryOptions = {};
  if (o.rowMode !== undefined) w.rowMode = o.rowMode;
  if (o.vectorFormat !== undefined) w.vectorFormat = o.vectorFormat;
  if (o.blob !== undefined) w.blob = o.blob;
  if (o.onNotice !== undefined) w.notice = true;
  return w;
}

function noticeHook(o: QueryOptions): Omit<Pending, 'resolve' | 'reject'> {
  return o.onNotice === undefined ? {} : { onNotice: o.onNotice };
}

/**
 * One session's calls, sent to the host's session `sid`. LISTEN's callbacks stay in this
 * thread (engine/notify_callbacks.ts, as Vecgres keeps them); the host sends the session's
 * notifications as events, before the reply of the statement that delivered them.
 */
class RemoteSession implements Queryable {
  /** listen() and onNotification() callbacks, dispatched by the link. */
  protected readonly callbacks = new NotifyCallbacks();

  /** As Vecgres's listen(): `LISTEN channel` on the worker's session (or in `tx`), `callback` here. */
  listen(channel: string, callback: (payload: string) => void, tx?: ListenTransaction): Promise<(tx?: ListenTransaction) => Promise<void>> {
    return this.callbacks.listen(tx ?? this, channel, callback, (c, cb, t) => this.unlisten(c, cb, t));
  }

  /** As Vecgres's unlisten(). */
  unlisten(channel: string, callback?: (payload: string) => void, tx?: ListenTransaction): Promise<void> {
    return this.callbacks.unlisten(tx ?? this, channel, callback);
  }

  /** As Vecgres's onNotification(). */
  onNotification(callback: (channel: string, payload: string) => void): () => void {
    return this.callbacks.onNotification(callback);
  }

  /** As Vecgres's offNotification(). */
  offNotification(callback: (channel: string, payload: string) => void): void {
    this.callbacks.offNotification(callback);
  }

  /** Set by release(): later calls fail here (the worker has forgotten the session). */
  protected isReleased = false;

  constructor(
    protected readonly link: Link,
    protected readonly sid: number,
  ) {
    link.callbacks.set(sid, this.callbacks);
  }

  /** Sends a call of this session; refused as Vecgres refuses it after close or release. */
  protected send<T>(req: Outgoing, hooks: Omit<Pending, 'resolve' | 'reject'> = {}, id?: number): Promise<T> {
    if (this.link.refusal() === null && this.isReleased) return Promise.reject(new Error('Session is released'));
    return this.link.send<T>(req, hooks, id);
  }

  query<T = Record<string, unknown>>(sql: string, params: unknown[] = [], opts: QueryOptions = {}): Promise<Results<T>> {
    return this.send({ op: 'query', sid: this.sid, sql, params, opts: wireOptions(opts) }, noticeHook(opts));
  }

  exec(sql: string, opts: QueryOptions = {}): Promise<Results[]> {
    return this.send({ op: 'exec', sid: this.sid, sql, opts: wireOptions(opts) }, noticeHook(opts));
  }

  sql<T = Record<string, unknown>>(strings: TemplateStringsArray, ...params: unknown[]): Promise<Results<T>> {
    const q = templateQuery(strings, ...params);
    return this.query<T>(q.query, q.params);
  }

  describeQuery(sql: string): Promise<DescribeQueryResult> {
    return this.send({ op: 'describe', sid: this.sid, sql });
  }

  /**
   * Runs `fn` in BEGIN ... COMMIT on the worker's session, as Vecgres's transaction(): the
   * worker runs Vecgres's own transaction() and holds it open while `fn` runs here; each
   * `tx` call goes to it; when `fn` returns the worker commits, when it throws the worker rolls
   * back and the error `fn` threw is rethrown here (it never crosses the thread).
   */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const link = this.link;
    let ready!: () => void;
    const begun = new Promise<void>((resolve) => (ready = resolve));
    const txId = link.newId();
    const whole = this.send<void>({ op: 'txBegin', sid: this.sid }, { onTxReady: () => ready() }, txId);
    // BEGIN failed (closed database, released session, a crash): whole rejects before txReady.
    await Promise.race([begun, whole]);
    let closed = false;
    const call = <R>(kind: 'query' | 'exec' | 'rollback', sql: string, params: unknown[], o: QueryOptions): Promise<R> => {
      if (closed) return Promise.reject(new Error('Transaction is closed'));
      return link.send<R>({ op: 'tx', tx: txId, kind, sql, params, opts: wireOptions(o) }, noticeHook(o));
    };
    const tx: Transaction = {
      query: <R,>(sql: string, params: unknown[] = [], o: QueryOptions = {}) => call<Results<R>>('query', sql, params, o),
      sql: <R,>(strings: TemplateStringsArray, ...params: unknown[]) => {
        const q = templateQuery(strings, ...params);
        return call<Results<R>>('query', q.query, q.params, {});
      },
      exec: (sql: string, o: QueryOptions = {}) => call<Results[]>('exec', sql, [], o),
      listen: (channel: string, callback: (payload: string) => void) => {
        if (closed) return Promise.reject(new Error('Transaction is closed'));
        return this.listen(channel, callback, tx);
      },
      rollback: async () => {
        if (!closed) await call<void>('rollback', '', [], {});
        closed = true;
      },
      get closed() {
        return closed;
      },
    };
    let result: T;
    try {
      result = await fn(tx);
    } catch (e) {
      closed = true;
      link.post({ op: 'txEnd', tx: txId, ok: false });
      // The rollback's own outcome does not replace the callback's error, as in Vecgres.
      await whole.catch(() => undefined);
      throw e;
    }
    closed = true;
    link.post({ op: 'txEnd', tx: txId, ok: true });
    await whole;
    return result;
  }
}

/** A session of a {@link VecgresWorker}, from connect(). */
class RemoteSessionHandle extends RemoteSession implements VecgresSession {
  get released(): boolean {
    return this.isReleased;
  }

  async release(): Promise<void> {
    if (this.isReleased) return;
    this.isReleased = true;
    // A released session stops listening (PostgreSQL's Async_UnlistenOnExit), as on Vecgres.
    this.link.callbacks.delete(this.sid);
    this.callbacks.clear();
    // After a close or a crash there is nothing left to roll back.
    if (this.link.refusal() !== null) return;
    await this.link.send({ op: 'release', sid: this.sid });
  }
}

/** A vecgres database on its own worker thread; see the module comment. */
export class VecgresWorker extends RemoteSession implements VecgresApi {
  readonly dataDir: string | undefined;
  #notices: readonly PgError[];
  #exited: Promise<void>;

  private constructor(link: Link, dataDir: string | undefined, notices: readonly PgError[], exited: Promise<void>) {
    super(link, 0);
    this.dataDir = dataDir;
    this.#notices = notices;
    this.#exited = exited;
  }

  /**
   * Starts a worker thread and opens the database in it, with Vecgres.create's arguments
   * (a data directory or `memory://`, and options; `onNotice` and `onIndexBuildProgress` are
   * called in this thread).
   * @throws what Vecgres.create throws (PgError 55006 for a data directory open elsewhere, ...);
   *   Error when given `storage` or `clock` (objects that cannot move to another thread).
   */
  static async create(dataDirOrOpts?: string | VecgresWorkerOptions, opts: VecgresWorkerOptions = {}): Promise<VecgresWorker> {
    const o: VecgresWorkerOptions & Pick<VecgresOptions, 'storage' | 'clock'> =
      typeof dataDirOrOpts === 'object' ? dataDirOrOpts : { ...opts, dataDir: dataDirOrOpts ?? opts.dataDir };
    if (o.storage !== undefined || o.clock !== undefined) {
      throw new Error('VecgresWorker: the storage and clock options cannot move to a worker thread; use Vecgres for them');
    }
    const { onNotice, onIndexBuildProgress, progressGate, ...options } = o;
    const dir = o.dataDir === undefined || o.dataDir.startsWith('memory://') ? undefined : o.dataDir.replace(/^file:\/\//, '');
    // This thread's registry of open directories must know the worker's (see DirLock.reserve).
    const unreserve = dir === undefined ? () => {} : DirLock.reserve(dir);
    const init: HostInit = { options, notice: onNotice !== undefined, progress: onIndexBuildProgress !== undefined };
    if (progressGate !== undefined) init.progressGate = progressGate;
    let thread: Worker;
    try {
      thread = startThread(init);
    } catch (e) {
      unreserve();
      throw e;
    }
    let exited!: () => void;
    const exitedP = new Promise<void>((resolve) => (exited = resolve));
    let opened!: (m: HostEvent & ({ type: 'ready' } | { type: 'openFailed' })) => void;
    const open = new Promise<HostEvent & ({ type: 'ready' } | { type: 'openFailed' })>((resolve) => (opened = resolve));
    const link = new Link(thread, onNotice, onIndexBuildProgress, (m) => opened(m), () => {
      unreserve();
      exited();
    });
    // Until the open answers, the thread keeps the process alive (this call is in flight).
    thread.ref();
    const m = await Promise.race([open, exitedP.then(() => null)]);
    if (m === null || m.type === 'openFailed') {
      link.closing = true;
      if (m !== null) await exitedP;
      throw m === null ? (link.crash ?? new Error('Vecgres is closed')) : wireToError(m.error);
    }
    if (link.openFailure !== null) {
      link.closing = true;
      await thread.terminate();
      throw link.openFailure.e;
    }
    link.opened = true;
    if (link.pending.size === 0) thread.unref();
    // (The open's warnings reached onNotice already, as notice events before 'ready'.)
    const notices = m.notices.map((n) => wireToError(n) as PgError);
    return new VecgresWorker(link, o.dataDir, notices, exitedP);
  }

  /** WARNINGs raised while opening (e.g. replay stopped at a torn log record). */
  get notices(): readonly PgError[] {
    return this.#notices;
  }

  /** True after close(), or once the thread died. */
  get closed(): boolean {
    return this.link.refusal() !== null;
  }

  /** The worker thread (for monitoring, and for tests that end it as a crash would). */
  get thread(): Worker {
    return this.link.thread;
  }

  /** A new independent session on the worker's database (see Vecgres.connect). */
  async connect(): Promise<VecgresSession> {
    const sid = await this.link.send<number>({ op: 'connect' });
    return new RemoteSessionHandle(this.link, sid);
  }

  /**
   * Writes the database as a SQL script PostgreSQL + pgvector loads (see Vecgres.dump); the
   * worker makes it, `write` gets its chunks here, in order, before the summary resolves.
   * @throws what Vecgres.dump throws; the first error `write` throws (later chunks are dropped).
   */
  /**
   * The database as a data directory archive, as {@link Vecgres.dumpDataDir} (made in the
   * worker, its bytes copied to this thread).
   */
  async dumpDataDir(compression: 'none' | 'gzip' | 'auto' = 'auto'): Promise<File | Blob> {
    const r = await this.link.send<{ name: string; type: string; bytes: Uint8Array }>({ op: 'dumpDataDir', compression });
    const part = r.bytes as Uint8Array<ArrayBuffer>;
    return typeof File === 'function' ? new File([part], r.name, { type: r.type }) : new Blob([part], { type: r.type });
  }

  async dump(write: (chunk: string) => void, opts: DumpOptions = {}): Promise<DumpSummary> {
    let failed: { e: unknown } | null = null;
    const onChunk = (chunk: string): void => {
      if (failed !== null) return;
      try {
        write(chunk);
      } catch (e) {
        failed = { e };
      }
    };
    const summary = await this.link.send<DumpSummary>({ op: 'dump', opts: { ...opts } }, { onChunk });
    if (failed !== null) throw (failed as { e: unknown }).e;
    return summary;
  }

  /**
   * Closes the database in the worker (a final checkpoint for a data directory), then the
   * thread ends. Idempotent; after a crash it only waits for the thread to be gone.
   */
  async close(): Promise<void> {
    const link = this.link;
    if (link.closing || link.crash !== null) {
      await this.#exited;
      return;
    }
    const closing = link.send<void>({ op: 'close' });
    link.closing = true;
    try {
      await closing;
    } finally {
      // The host ends its thread when it closed the database; terminate() makes sure of it.
      await link.thread.terminate();
      await this.#exited;
    }
  }

  /** Test hook: the thread calls process.exit(code), as a crash would. */
  exitForTests(code: number): void {
    if (this.link.refusal() === null) this.link.thread.postMessage({ op: 'exit', id: 0, code } satisfies Request);
  }
}

export type { VecgresApi };
