/**
 * The database: catalog, built indexes, settings registry and the index methods, shared by
 * every session; the single entry point {@link Database.execute} that the embedded API and the
 * wire server both call; and, for a data directory, durable storage (durability.ts: log and
 * checkpoints; recovery.ts: opening).
 */
import { systemClock, type Clock } from '../common/clock.js';
import { PgError, SQLSTATE, isStackOverflow, pgErr } from '../common/errors.js';
import type { GucDef } from '../common/guc.js';
import { isOrderedAm, type IndexAm, type OrderedIndex, type OrderedIndexAm, type VectorIndex } from '../access/am.js';
import { Catalog } from '../storage/catalog.js';
import { DirLock } from '../storage/dir_lock.js';
import type { StorageBackend } from '../storage/fs.js';
import { NodeFs } from '../storage/fs_node.js';
import { MemoryFs } from '../storage/fs_memory.js';
import { readDataDirFiles, writeDataDirFiles, type ArchiveFile } from '../storage/data_dir_archive.js';
import { withIo } from '../storage/io_errors.js';
import { loadParser, type RawStatement } from '../sql/parser/parse.js';
import { SettingsRegistry } from '../sql/settings.js';
import type { IndexBuildProgress, Notification } from '../sql/env.js';
import { StatsStore } from '../sql/stats/store.js';
import { executeStatement, rollback, beginImplicitBlock, endImplicitBlock, convertBindParams, type PreparedCache, type StatementResult } from '../sql/exec/statement.js';
import { countPlan } from '../sql/exec/prepared.js';
import { endTransaction, finishWrites } from '../sql/exec/txn.js';
import { describeCopyIn, isCopyFromStdin, type CopyIo, type CopyInDescription } from '../sql/exec/copy.js';
import { loadIndexMethods } from './methods.js';
import { Session } from './session.js';
import { endActivity, startActivity } from '../storage/backend_activity.js';
import { terminationError } from '../common/interrupts.js';
import { wallClockUs } from '../types/datetime_funcs.js';
import { writeSnapshot, type Durability } from './durability.js';
import { recover, type RecoveryReport } from './recovery.js';
import { bufferCache } from '../storage/buffer_cache.js';
import { LockWait } from '../storage/row_locks.js';
import { waitForBuild, waitForLock, waitForScan, waitForSearchesAhead } from './lock_wait.js';
import { knnAheadTestHooks, startSearchesAhead } from '../sql/exec/knn_ahead.js';

/**
 * Another session's statement started this recently (ms): sessions run concurrently, and the
 * pre-execution step moves index searches off the main thread (Database.searchAhead).
 */
const CONCURRENT_WINDOW_MS = 5;
import { BuildWait } from '../sql/exec/index_build_concurrent.js';
import { ScanWait } from '../sql/exec/parallel_knn_async.js';
import { prepareStatement, parseScript, nextBatch, bindPortal, type PreparedStatement, type Portal, type PortalBatch } from './portal.js';

/** Settings of durable storage (PostgreSQL's names, defaults and units). */
export const STORAGE_GUCS: readonly GucDef[] = [
  {
    name: 'synchronous_commit',
    type: 'enum',
    default: 'on',
    values: ['local', 'remote_write', 'remote_apply', 'on', 'off'],
    shortDesc: "Sets the current transaction's synchronization level.",
    category: 'Write-Ahead Log / Settings',
  },
  {
    name: 'max_wal_size',
    context: 'sighup',
    type: 'integer',
    default: 1024,
    min: 2,
    max: 2147483647,
    unit: 'MB',
    shortDesc: 'Sets the WAL size that triggers a checkpoint.',
    category: 'Write-Ahead Log / Checkpoints',
  },
];

/**
 * Index builds of at least this many rows are followed by a checkpoint. Below it a rebuild in
 * recovery takes well under a second (HNSW builds ~5,000-10,000 rows/s), less than a
 * checkpoint of a large table would.
 */
const CHECKPOINT_AFTER_INDEX_ROWS = 10_000;

/**
 * Statements that first make the commits waiting for their group-commit fsync durable and
 * visible (a synchronous flush): they lock whole tables, where PostgreSQL waits for the
 * committing transactions to finish. Rare, so the event loop may block on their fsync.
 */
const WAITS_FOR_COMMITS: ReadonlySet<string> = new Set(['DropStmt', 'TruncateStmt', 'IndexStmt', 'VacuumStmt']);

export interface DatabaseOptions {
  /** Seed for index builds (HNSW levels); default 1. */
  seed?: number;
  /** Data directory; absent: everything stays in memory and nothing is logged. */
  dataDir?: string;
  /** Storage backend for the data directory (default: the real file system). */
  storage?: StorageBackend;
  /** WAL segment size in bytes (default 16 MiB; tests use small ones). */
  walSegmentBytes?: number;
  /** Receives WARNINGs (a torn log tail at open, a failed automatic checkpoint). */
  onNotice?: (notice: PgError) => void;
  /** Receives the progress of index builds (CREATE INDEX, and rebuilds during recovery). */
  onIndexBuildProgress?: (p: IndexBuildProgress) => void;
  /** The clock now() and current_timestamp read (default: the system clock; tests inject a fixed one). */
  clock?: Clock;
  /**
   * The files of a data directory to start from (a verified archive of dumpDataDir,
   * storage/data_dir_archive.ts): written into `dataDir`, which must be missing or empty, or,
   * without `dataDir`, recovered into memory.
   */
  restore?: readonly ArchiveFile[];
  /**
   * Settings by name, as PostgreSQL's postgresql.conf or `postgres -c name=value`: each
   * session's value until it SETs another, and the only way to give the settings a session may
   * not change (`shared_buffers`, `max_wal_size`, `autovacuum*`). Values as SET takes them
   * (`'128MB'`, `'off'`, numbers in the setting's unit).
   */
  settings?: Readonly<Record<string, string | number | boolean>>;
}

/** Where a restore into memory puts the files it recovers from (on a private MemoryFs). */
const RESTORE_DIR = '/restore';
/** Segment files (`t<N>c<C>s<K>.<id>`): evicted vector segments are read back from them. */
const SEGMENT_FILE = /^t\d+c\d+s\d+\./;

export class Database {
  readonly catalog = new Catalog();
  readonly registry = new SettingsRegistry();
  readonly indexes = new Map<string, VectorIndex | OrderedIndex>();
  /** Column statistics and activity counters of all sessions (wall clock for last_analyze). */
  readonly stats = new StatsStore(() => Date.now(), this.catalog.oids);
  private readonly prepared: PreparedCache = new WeakMap();
  private readonly defaultSession: Session;
  /** Durable storage, or null for an in-memory database. */
  durability: Durability | null = null;
  /** What opening the data directory found (null in memory). */
  recovery: RecoveryReport | null = null;
  /** WARNINGs raised outside statements (recovery, automatic checkpoints). */
  readonly notices: PgError[] = [];
  private lock: DirLock | null = null;
  private closed = false;
  /** Statements waiting for work that needs event-loop turns (see yieldToBackground). */
  private backgroundWaits = 0;
  /** The session that started the last statement of the awaiting runner, and when (ms). */
  private lastRunner: Session | null = null;
  private lastRunnerMs = -Infinity;
  /** Calls of runPortal / runScript not returned yet (statements queued or running, all sessions). */
  private runnersInFlight = 0;
  /** A CREATE INDEX of at least CHECKPOINT_AFTER_INDEX_ROWS rows committed since the last checkpoint. */
  private indexCheckpointDue = false;
  /** Sessions opened (weakly held): close() undoes the transactions they left open. */
  private readonly sessions = new Set<WeakRef<Session>>();
  /** Process ids of embedded sessions (the wire server sets its connections' own). */
  private nextPid = 1;
  /**
   * Committed notifications not yet delivered, in commit order, each with the sessions that
   * listened on its channel at the commit. `lsn` > 0: the commit becomes visible once the log
   * is durable past it, and so is the notification sent.
   */
  private readonly notifyQueue: { lsn: number; notification: Notification; to: WeakRef<Session>[] }[] = [];

  private constructor(
    readonly methods: ReadonlyMap<string, IndexAm | OrderedIndexAm>,
    readonly seed: number,
    private readonly onNotice: ((n: PgError) => void) | undefined,
    private readonly onIndexBuildProgress: ((p: IndexBuildProgress) => void) | undefined,
    private readonly clock: Clock = systemClock,
  ) {
    for (const g of STORAGE_GUCS) this.registry.register(g);
    for (const am of methods.values()) if (!isOrderedAm(am)) for (const g of am.gucs) this.registry.register(g);
    this.defaultSession = this.openSession();
  }

  /**
   * Loads the SQL parser and the index methods and, for a data directory, locks it and
   * recovers its contents; everything after this is synchronous.
   * @throws PgError 42704 / 22023 / 55P02 for an unknown, invalid or read-only entry of
   *   `opts.settings` (before any file is touched); 55006 if another process has the directory open; XX001 naming the file
   *   for a damaged checkpoint; mapped I/O errors (42501 permission denied, 53100 disk full).
   */
  static async create(opts: DatabaseOptions = {}): Promise<Database> {
    await loadParser();
    const methods = await loadIndexMethods();
    const db = new Database(methods, opts.seed ?? 1, opts.onNotice, opts.onIndexBuildProgress, opts.clock);
    // Before anything reads a setting (recovery's checkpoint sizes, the buffer cache).
    for (const [name, value] of Object.entries(opts.settings ?? {})) {
      db.registry.setStartValue(name, typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value));
    }
    if (opts.restore !== undefined && opts.dataDir !== undefined) {
      writeDataDirFiles(opts.storage ?? new NodeFs(), opts.dataDir, opts.restore);
    } else if (opts.restore !== undefined) {
      db.restoreIntoMemory(opts.restore, opts);
      return db;
    }
    if (opts.dataDir !== undefined) db.openDataDir(opts.dataDir, opts);
    return db;
  }

  /**
   * Recovers a data directory's files into this in-memory database: recovery runs over a
   * private MemoryFs, then the database lets go of the log (nothing is logged from now on, as
   * for any in-memory database). Only the segment files stay, since the vector segments the
   * buffer cache evicts are read back from them.
   */
  private restoreIntoMemory(files: readonly ArchiveFile[], opts: DatabaseOptions): void {
    const fs = new MemoryFs();
    writeDataDirFiles(fs, RESTORE_DIR, files);
    const { storage: _storage, ...rest } = opts;
    this.openDataDir(RESTORE_DIR, { ...rest, storage: fs });
    const d = this.durability!;
    d.abandon();
    this.durability = null;
    this.catalog.onChange = null;
    const base = `${RESTORE_DIR}/base`;
    for (const name of fs.list(base)) if (!SEGMENT_FILE.test(name)) fs.unlink(`${base}/${name}`);
  }

  /**
   * The files of a consistent data directory holding this database, for dumpDataDir. On disk:
   * a checkpoint first (so the log holds only what came after it: nothing, unless a
   * transaction's DDL was in flight and held the checkpoint back), then the control file,
   * checkpoint files and log as they are. In memory: a checkpoint of the catalog written to a
   * scratch MemoryFs (engine/durability.ts writeSnapshot). Synchronous: no statement runs
   * while the files are read. Transactions still open are in the files as in flight, and
   * recovery of the copy rolls them back.
   * @throws PgError 55000 in memory while a transaction has uncommitted DDL; the log's or the
   *   checkpoint's I/O errors (58030, 53100...).
   */
  dataDirFiles(): ArchiveFile[] {
    this.checkOpen();
    const d = this.durability;
    if (d !== null) {
      d.checkpoint();
      return readDataDirFiles(d.fs, d.dir);
    }
    const fs = new MemoryFs();
    writeSnapshot(fs, '/snapshot', this.catalog, this.indexes);
    return readDataDirFiles(fs, '/snapshot');
  }

  private openDataDir(dir: string, opts: DatabaseOptions): void {
    const fs = opts.storage ?? new NodeFs();
    if (opts.storage === undefined) {
      if (!fs.exists(dir)) withIo('mkdir', dir, () => fs.mkdir(dir));
      this.lock = DirLock.acquire(dir);
    }
    try {
      const { durability, report } = recover(fs, dir, this.defaultSession, { segmentBytes: opts.walSegmentBytes });
      durability.publishWrites = (txn) => finishWrites(this.defaultSession, txn, true);
      // Notifications of a deferred commit go out once it is published (durable and visible).
      const published = durability.wal.onFlushed;
      durability.wal.onFlushed = () => {
        published?.();
        this.deliverNotifications();
      };
      this.durability = durability;
      this.recovery = report;
      this.stats.noteRecovered(this.catalog.tableNames().map((n) => this.catalog.getTable(n)!));
      for (const w of report.warnings) this.notice(w);
    } catch (e) {
      this.releaseMemory();
      this.lock?.release();
      throw e;
    }
  }

  private notice(n: PgError): void {
    this.notices.push(n);
    this.onNotice?.(n);
  }

  /**
   * A process id no other session of this database has had: embedded sessions and the wire
   * server's connections draw from this one counter, since locks (advisory locks, the wait-for
   * graph) and pg_backend_pid tell sessions apart by it.
   */
  allocatePid(): number {
    return this.nextPid++;
  }

  /** A new session (its own settings and transaction state) with process id `pid`. */
  openSession(pid: number = this.allocatePid()): Session {
    const session = this.newSession();
    session.pid = pid;
    this.catalog.lockSessions.add(session);
    for (const r of this.sessions) if (r.deref() === undefined) this.sessions.delete(r);
    this.sessions.add(new WeakRef(session));
    return session;
  }

  private newSession(): Session {
    return new Session(this.catalog, this.registry, this.methods, this.indexes, this.seed, {
      checkpoint: () => this.durability?.checkpoint(),
      signalBackend: (pid, terminate) => this.signalBackend(pid, terminate),
      deferCommit: (env, txn) => {
        const d = this.durability;
        if (d === null || env.settings.get('synchronous_commit') === 'off') return false;
        d.deferCommit(txn);
        return true;
      },
      notify: (env, notifications, deferred) => this.queueNotifications(notifications, deferred),
      indexBuilt: (rows) => {
        if (this.durability !== null && rows >= CHECKPOINT_AFTER_INDEX_ROWS) this.indexCheckpointDue = true;
      },
      ...(this.onIndexBuildProgress === undefined ? {} : { onIndexBuildProgress: this.onIndexBuildProgress }),
    }, this.stats, this.clock);
  }

  /**
   * A transaction committed `notifications`: each goes to the sessions listening on its channel
   * now (PostgreSQL's listeners at commit), in commit order, once the commit is visible.
   */
  private queueNotifications(notifications: readonly Notification[], deferred: boolean): void {
    const d = this.durability;
    const lsn = deferred && d !== null ? d.wal.insertLsn : 0;
    const listeners: Session[] = [];
    for (const r of this.sessions) {
      const s = r.deref();
      if (s !== undefined && s.notify.listening.size > 0) listeners.push(s);
    }
    for (const n of notifications) {
      const to = listeners.filter((s) => s.notify.listening.has(n.channel)).map((s) => new WeakRef(s));
      if (to.length > 0) this.notifyQueue.push({ lsn, notification: n, to });
    }
    this.deliverNotifications();
  }

  /**
   * Hands queued notifications whose commit is visible to their sessions' inboxes, oldest
   * first (a later commit's wait behind an earlier one keeps commit order), and wakes them.
   */
  private deliverNotifications(): void {
    const q = this.notifyQueue;
    if (q.length === 0) return;
    const flushed = this.durability?.wal.flushedLsn ?? 0;
    let n = 0;
    const woken = new Set<Session>();
    while (n < q.length && (q[n]!.lsn === 0 || q[n]!.lsn <= flushed)) {
      for (const r of q[n]!.to) {
        const s = r.deref();
        if (s === undefined) continue;
        s.inbox.push(q[n]!.notification);
        woken.add(s);
      }
      n++;
    }
    if (n > 0) q.splice(0, n);
    for (const s of woken) s.onNotification?.();
  }

  /** True once {@link close} or {@link abandon} ran. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** The session the embedded API uses. */
  get session(): Session {
    return this.defaultSession;
  }

  /**
   * Parses and runs `sql` (one or more statements) in `session`. Parameters apply to every
   * statement (a multi-statement string may not use them, as PostgreSQL's simple protocol).
   * Statements run one after the other; the first error stops the rest and is thrown.
   * Several statements outside a transaction block run as one implicit transaction, as
   * PostgreSQL's simple query does: they commit together after the last one, and an error
   * rolls all of them back; BEGIN inside makes the block explicit (it stays open after the
   * call), COMMIT or ROLLBACK inside ends it and the next statement opens a new one; DDL in it
   * is rolled back with the rest on an error, as in PostgreSQL. Commits are applied
   * but not yet durable when this returns: await {@link sync} before acknowledging them.
   * @throws PgError (SQLSTATE + PostgreSQL's message).
   */
  execute(sql: string, params: readonly unknown[] = [], session: Session = this.defaultSession, io: CopyIo | null = null): StatementResult[] {
    const out: StatementResult[] = [];
    this.beginActivity(session, sql);
    try {
      this.executeScript(sql, params, session, (r) => out.push(r), io);
    } finally {
      this.endActivity(session);
    }
    return out;
  }

  /**
   * Query `sql` of `session` starts (pg_stat_activity: state active, query, query_start).
   * @throws PgError FATAL 57P01 when pg_terminate_backend ended the session.
   */
  private beginActivity(session: Session, sql: string): void {
    if (session.interrupts.terminatePending) throw terminationError();
    startActivity(session.activity, sql, wallClockUs(this.clock));
  }

  /** The query of `session` ended; a session pg_terminate_backend told to end ends now. */
  private endActivity(session: Session): void {
    endActivity(session.activity, wallClockUs(this.clock));
    if (session.interrupts.terminatePending) this.terminated(session);
  }

  /** Ends `session` after pg_terminate_backend (once) and tells its client (the wire server closes it). */
  private terminated(session: Session): void {
    if (session.onTerminate === null) return;
    const tell = session.onTerminate;
    session.onTerminate = null;
    this.endSession(session);
    tell();
  }

  /** The live session with process id `pid`, or undefined. */
  private sessionByPid(pid: number): Session | undefined {
    for (const r of this.sessions) {
      const s = r.deref();
      if (s !== undefined && s.pid === pid && this.catalog.lockSessions.get(pid) !== undefined) return s;
    }
    return undefined;
  }

  /**
   * pg_cancel_backend (`terminate` false) and pg_terminate_backend (true) of session `pid`, as
   * PostgreSQL's pg_signal_backend (signalfuncs.c) signals a backend: a cancel fails the
   * session's running statement with 57014 (an idle session ignores it); a termination fails
   * it with FATAL 57P01 and ends the session (its transaction rolled back, its locks released,
   * its connection closed), at once when it is idle, else once its statement has stopped.
   * @returns false when `pid` is no live session of this database (the caller warns).
   */
  signalBackend(pid: number, terminate: boolean): boolean {
    const s = this.sessionByPid(pid);
    if (s === undefined) return false;
    if (!terminate) {
      if (s.activity.running) s.interrupts.requestCancel();
      return true;
    }
    s.interrupts.requestTerminate();
    // After the signalling statement: an idle session's rollback must not run inside it.
    if (!s.activity.running) queueMicrotask(() => {
      if (!s.activity.running) this.terminated(s);
    });
    return true;
  }

  /**
   * As {@link execute}, but hands each statement's result to `emit` as soon as it is done, so
   * a caller (the wire server's simple query) reports the statements that ran before the one
   * that failed. An empty string emits nothing. `io` is COPY's data: the STDIN input of a
   * COPY FROM STDIN (the wire server collects its CopyData first), or the embedded API's blob.
   * @throws PgError the first failing statement's error (the implicit transaction of a
   *   multi-statement string, the statements before it included, is rolled back).
   */
  executeScript(sql: string, params: readonly unknown[], session: Session, emit: (r: StatementResult) => void, io: CopyIo | null = null): void {
    this.checkOpen();
    try {
      const blocked = this.executeParsed(parseScript(sql), params, session, emit, io, 0);
      if (blocked !== null) this.failStatement(session, blocked.wait.unavailable());
      // A simple query ends its implicit transaction (finish_xact_command), also one that
      // extended-protocol messages before it opened.
      this.endImplicitTransaction(session);
    } catch (e) {
      // The failed statement has been rolled back like any other error by now.
      if (isStackOverflow(e)) throw pgErr.stackDepthExceeded();
      throw e;
    }
  }

  /**
   * Ends the implicit transaction block of `session`, if one is open: commits it, or rolls it
   * back when `commit` is false. The wire server calls it at Sync, which ends the implicit
   * transaction of the extended-protocol messages before it (postgres.c finish_xact_command).
   * @throws PgError when the log refuses the commit (58030, 53100...): it was rolled back.
   */
  endImplicitTransaction(session: Session, commit = true): void {
    if (!session.txn.implicit) return;
    const d = this.durability;
    const logged = d?.syncLsn;
    try {
      endImplicitBlock(session, commit);
    } finally {
      if (d !== null && d.syncLsn !== logged) session.commitLsn = d.syncLsn;
      this.maybeCheckpoint(session);
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new PgError(SQLSTATE.admin_shutdown, 'terminating connection due to administrator command');
  }

  /**
   * The extended protocol's Parse: parses one statement and analyzes it (PostgreSQL's
   * exec_parse_message). `paramOids[i]` declares the type of `$i+1` (0: infer it). Nothing
   * runs; the statement may be bound and executed many times.
   * @throws PgError 42601 syntax errors and `cannot insert multiple commands into a prepared
   *   statement`; 42704 `type with OID n does not exist` for a declared OID vecgres lacks;
   *   analysis errors (42P01, 42703, 42P18 ...); 25P02 in a failed transaction.
   */
  prepare(sql: string, paramOids: ArrayLike<number> = [], session: Session = this.defaultSession): PreparedStatement {
    this.checkOpen();
    try {
      return prepareStatement(session, sql, paramOids, this.prepared);
    } catch (e) {
      if (isStackOverflow(e)) throw pgErr.stackDepthExceeded();
      throw e;
    }
  }

  /**
   * Bind as PostgreSQL's exec_bind_message runs it (the wire server's Bind): {@link bindPortal},
   * with the parameters converted by the statement's parameter types now, so a value that does
   * not convert (`'abc'` for an integer, a malformed vector) fails in reply to Bind, before any
   * Execute; the execution reuses the converted values. An error fails a transaction block.
   * The embedded API binds with {@link bindPortal} and converts at execution.
   * @throws PgError the input function's error (22P02, 22003, 22000, ...).
   */
  bind(stmt: PreparedStatement, params: readonly unknown[], resultFormats: readonly number[], session: Session = this.defaultSession): Portal {
    this.checkOpen();
    const portal = bindPortal(stmt, params, resultFormats);
    if (stmt.raw !== null && params.length > 0) {
      try {
        session.catalog.viewer = session.txn;
        convertBindParams(session, stmt.paramTypes, portal.params);
      } catch (e) {
        if (e instanceof PgError && session.txn.inBlock) session.txn.failed = true;
        throw e;
      }
    }
    // PostgreSQL plans at Bind (exec_bind_message's GetCachedPlan): pg_prepared_statements counts it.
    countPlan(stmt, params.length);
    return portal;
  }

  /**
   * Runs a bound portal (the extended protocol's Execute): the first call executes the
   * statement to completion (PostgreSQL would run a SELECT lazily; the rows are the same, and
   * vecgres statements have no side effects a partial run could show), later calls hand out
   * the held rows. `maxRows` <= 0: all remaining rows.
   * `implicitBlock` (the wire server's Execute): the statement joins the implicit transaction
   * of the messages up to the next Sync, which {@link endImplicitTransaction} ends.
   * @throws PgError as {@link execute} (an error rolls the implicit transaction back).
   */
  executePortal(portal: Portal, maxRows: number, session: Session = this.defaultSession, implicitBlock = false, io: CopyIo | null = null): PortalBatch {
    this.checkOpen();
    if (portal.result === null && portal.statement.raw !== null) {
      this.beginActivity(session, portal.statement.sql);
      try {
        // A statement that would wait for a row lock fails with 55P03 here (runPortal waits).
        const blocked = this.executePortalOnce(portal, session, implicitBlock, io);
        if (blocked !== null) this.failStatement(session, blocked.unavailable());
      } finally {
        this.endActivity(session);
      }
    }
    return nextBatch(portal, maxRows);
  }

  /**
   * As {@link executePortal}, but the statement waits for a row lock another transaction
   * holds (and runs again) instead of failing with 55P03, as {@link runScript}.
   */
  async runPortal(portal: Portal, maxRows: number, session: Session = this.defaultSession, implicitBlock = false, io: CopyIo | null = null): Promise<PortalBatch> {
    this.runnersInFlight++;
    const runs = portal.result === null && portal.statement.raw !== null;
    try {
      if (runs) this.beginActivity(session, portal.statement.sql);
      return await this.runPortalNow(portal, maxRows, session, implicitBlock, io);
    } finally {
      this.runnersInFlight--;
      if (runs) this.endActivity(session);
    }
  }

  private async runPortalNow(portal: Portal, maxRows: number, session: Session, implicitBlock: boolean, io: CopyIo | null): Promise<PortalBatch> {
    await this.yieldToBackground();
    this.checkOpen();
    if (portal.result === null && portal.statement.raw !== null) {
      await this.searchAhead(session, portal.statement.raw, portal.params);
      try {
        for (;;) {
          let blocked: LockWait | null;
          session.awaitable = true;
          try {
            blocked = this.executePortalOnce(portal, session, implicitBlock, io);
          } finally {
            session.awaitable = false;
          }
          if (blocked === null) break;
          await this.waitOrFail(session, blocked);
          this.checkOpen();
        }
      } finally {
        session.searchAhead = [];
      }
    }
    return nextBatch(portal, maxRows);
  }

  /** Runs a bound portal's statement once; the LockWait of a statement that must wait, or null. */
  private executePortalOnce(portal: Portal, session: Session, implicitBlock: boolean, io: CopyIo | null): LockWait | null {
    const raw = portal.statement.raw!;
    // The messages up to Sync are one transaction: the first statement outside a block opens
    // an implicit one, ended by endImplicitTransaction at Sync. VACUUM and CREATE INDEX
    // CONCURRENTLY may run first (PostgreSQL refuses them only after another statement).
    if (implicitBlock && !session.txn.inBlock && raw.tag !== 'TransactionStmt' && !runsOutsideBlocks(raw)) beginImplicitBlock(session, true);
    try {
      const blocked = this.executeParsed([raw], portal.params, session, (r) => {
        portal.result = r;
      }, io, 0);
      return blocked === null ? null : blocked.wait;
    } catch (e) {
      if (isStackOverflow(e)) throw pgErr.stackDepthExceeded();
      throw e;
    }
  }

  /**
   * As {@link executeScript}, but a statement that meets a row another transaction holds waits
   * for it (engine/lock_wait.ts) and runs again, instead of failing with 55P03; other sessions
   * run meanwhile. The embedded API and the wire server run queries through this.
   * @throws PgError as {@link executeScript}; 40P01, 55P03 (lock_timeout), 57014 from a wait.
   */
  async runScript(sql: string, params: readonly unknown[], session: Session, emit: (r: StatementResult) => void, io: CopyIo | null = null): Promise<void> {
    this.runnersInFlight++;
    let began = false;
    try {
      this.beginActivity(session, sql);
      began = true;
      await this.runScriptNow(sql, params, session, emit, io);
    } finally {
      this.runnersInFlight--;
      if (began) this.endActivity(session);
    }
  }

  private async runScriptNow(sql: string, params: readonly unknown[], session: Session, emit: (r: StatementResult) => void, io: CopyIo | null): Promise<void> {
    await this.yieldToBackground();
    this.checkOpen();
    const stmts = parseScript(sql);
    let start = 0;
    if (stmts.length === 1) await this.searchAhead(session, stmts[0]!, params);
    try {
      for (;;) {
        let blocked: { index: number; wait: LockWait } | null;
        session.awaitable = true;
        try {
          blocked = this.executeParsed(stmts, params, session, emit, io, start);
        } finally {
          session.awaitable = false;
        }
        if (blocked === null) break;
        await this.waitOrFail(session, blocked.wait);
        this.checkOpen();
        start = blocked.index;
      }
      this.endImplicitTransaction(session);
    } catch (e) {
      if (isStackOverflow(e)) throw pgErr.stackDepthExceeded();
      throw e;
    } finally {
      session.searchAhead = [];
    }
  }

  /**
   * The pre-execution step (sql/exec/knn_ahead.ts): starts the first searches of the index
   * scans of `raw`'s cached plan on pool workers and awaits them, so its execution takes their
   * results; other sessions run meanwhile. Nothing when no scan qualifies.
   * @throws PgError 57014 when a cancel request or statement_timeout comes first (the
   *   statement fails as if it had run).
   */
  private async searchAhead(session: Session, raw: RawStatement, params: readonly unknown[]): Promise<void> {
    // Only while other sessions run statements too (another call of the runner in flight, or
    // another session's statement started within CONCURRENT_WINDOW_MS: the wire server's
    // connections come one message at a time): alone, a session's search costs the same on the
    // main thread, and the step would only add its own cost (about 60-90 us of 300 a query,
    // measured).
    const now = session.interrupts.clock.nowMs();
    const concurrent = this.runnersInFlight > 1 || (this.lastRunner !== session && now - this.lastRunnerMs < CONCURRENT_WINDOW_MS) || knnAheadTestHooks.always;
    this.lastRunner = session;
    this.lastRunnerMs = now;
    if (!concurrent) return;
    const ahead = startSearchesAhead(session, raw, params, this.prepared);
    if (ahead.length === 0) return;
    session.searchAhead = ahead;
    try {
      await waitForSearchesAhead(session, ahead);
    } catch (e) {
      session.searchAhead = [];
      if (e instanceof PgError && !this.closed) this.failStatement(session, e);
      throw e;
    }
    this.checkOpen();
  }

  /** Waits for a lock; a failed wait fails the statement (and its transaction) as an error would. */
  private async waitOrFail(session: Session, w: LockWait): Promise<void> {
    const background = w instanceof BuildWait || w instanceof ScanWait;
    if (background) this.backgroundWaits++;
    try {
      // CREATE INDEX's build (sql/exec/index_build_concurrent.ts), a parallel exact scan
      // (sql/exec/parallel_knn_async.ts), or a row lock.
      if (w instanceof BuildWait) {
        // CREATE INDEX CONCURRENTLY committed its INVALID definition first: durable before the
        // build, so that a crash during it leaves the index INVALID, as PostgreSQL's does.
        await this.sync(session);
        await waitForBuild(session, w.build);
      }
      else if (w instanceof ScanWait) await waitForScan(session, w.scan);
      else await waitForLock(session, w);
    } catch (e) {
      session.asyncScans.clear();
      // The statement will not run again: what it kept for its rerun goes.
      session.rerun.clear();
      if (e instanceof PgError && !this.closed) this.failStatement(session, e);
      throw e;
    } finally {
      if (background) this.backgroundWaits--;
    }
  }

  /**
   * While a statement waits for work that advances in event-loop turns (the calling thread's
   * slices of a CREATE INDEX or of a parallel exact scan, the workers' completion messages),
   * each statement of another session first yields one turn: a caller that only awaits queries
   * (a loop polling pg_stat_progress_create_index) settles through microtasks alone and would
   * otherwise starve that work for as long as it loops.
   */
  private async yieldToBackground(): Promise<void> {
    if (this.backgroundWaits > 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /**
   * Fails the statement that was undone to wait for a lock with `err`, as if it had thrown
   * it: a transaction block becomes failed, an implicit one is rolled back.
   * @throws PgError `err`.
   */
  private failStatement(session: Session, err: PgError): never {
    session.rerun.clear();
    if (session.txn.inBlock) session.txn.failed = true;
    if (session.txn.implicit) endImplicitBlock(session, false);
    // A plain CREATE INDEX kept its statement's own transaction open while it built (sql/exec/statement.ts).
    // Outside a block also the transaction-level advisory locks its run took end here.
    else if (!session.txn.inBlock) endTransaction(session, false);
    throw err;
  }

  /**
   * Runs `stmts` from index `start`. Returns null when all ran, or the statement that must
   * wait for a lock (undone; the statements before it ran and were emitted).
   */
  private executeParsed(stmts: RawStatement[], params: readonly unknown[], session: Session, emit: (r: StatementResult) => void, io: CopyIo | null, start: number): { index: number; wait: LockWait } | null {
    if (stmts.length > 1 && params.length > 0) {
      throw new PgError(SQLSTATE.syntax_error, 'cannot insert multiple commands into a prepared statement');
    }
    const d = this.durability;
    // A commit of this session not yet durable (its caller did not await sync) is made durable
    // first, so the session reads its own commits. If that flush fails the commit stays
    // unpublished and unacknowledged, and this statement still runs (reads keep working).
    if (d !== null && session.commitLsn > d.wal.flushedLsn && d.unpublishedLsn > d.wal.flushedLsn) this.flushQuietly(d);
    // Several statements form one implicit transaction block (postgres.c exec_simple_query):
    // opened before each statement that runs outside a block, so that after a COMMIT, a
    // ROLLBACK inside the query the next statement opens a new one.
    const implicit = stmts.length > 1;
    try {
      for (let i = start; i < stmts.length; i++) {
        if (implicit && !session.txn.inBlock && stmts[i]!.tag !== 'TransactionStmt') beginImplicitBlock(session);
        // DROP TABLE and TRUNCATE refuse a table with rows in flight (55P03, where PostgreSQL
        // would wait for the lock): commits merely waiting for their fsync must not count.
        if (d !== null && WAITS_FOR_COMMITS.has(stmts[i]!.tag) && d.unpublishedLsn > d.wal.flushedLsn) this.flushQuietly(d);
        const logged = d?.syncLsn;
        try {
          const r = executeStatement(session, stmts[i]!, params, this.prepared, io);
          // The statement ended: the results of scans it waited for go (parallel_knn_async.ts).
          session.asyncScans.clear();
          emit(r);
        } catch (e) {
          if (e instanceof LockWait) return { index: i, wait: e };
          session.asyncScans.clear();
          throw e;
        } finally {
          // Also when it failed: what it logged before failing is waited for.
          if (d !== null && d.syncLsn !== logged) session.commitLsn = d.syncLsn;
        }
        if (d === null || d.syncLsn === logged) continue;
        // A statement that committed (COMMIT): the next one must see the commit,
        // so it becomes durable (and visible) now.
        if (i + 1 < stmts.length && d.unpublishedLsn > d.wal.flushedLsn) {
          d.wal.flush();
          d.publish();
        }
      }
      return null;
    } catch (e) {
      // The first error ends the query and rolls its implicit block back, every statement of it.
      if (session.txn.implicit) endImplicitBlock(session, false);
      throw e;
    } finally {
      this.maybeCheckpoint(session);
    }
  }

  private flushQuietly(d: Durability): void {
    if (d.wal.failed !== null) return;
    try {
      d.wal.flush();
      d.publish();
    } catch (e) {
      if (!(e instanceof PgError)) throw e;
    }
  }

  /**
   * Waits until the commits (and DDL) of `session` are durable, group-committing with other
   * sessions, and visible to every session; returns at once when the session wrote nothing
   * since, when it has synchronous_commit = off, or in memory. Read-only statements never
   * wait, so they keep working after a failed log write.
   * @throws PgError when the log cannot be written or fsynced (58030, 53100...), once per
   *   failed commit: the commit was not acknowledged and stays invisible.
   */
  async sync(session: Session = this.defaultSession): Promise<void> {
    const d = this.durability;
    const lsn = session.commitLsn;
    if (d === null || lsn === 0) return;
    try {
      await d.sync(lsn, session.settings.get('synchronous_commit') !== 'off');
    } finally {
      if (session.commitLsn === lsn) session.commitLsn = 0;
    }
  }

  /** CHECKPOINT: writes every table and index, then cuts the log. No-op in memory. */
  checkpoint(): void {
    this.durability?.checkpoint();
  }

  /**
   * An automatic checkpoint once the log since the last one exceeds max_wal_size, or the
   * buffer cache's dirty segments grew by a quarter of shared_buffers, or after a
   * large CREATE INDEX committed: the index file then survives a crash, as PostgreSQL syncs an
   * index at the end of its build, instead of being rebuilt by recovery.
   */
  private maybeCheckpoint(session: Session): void {
    const d = this.durability;
    if (d === null || d.wal.failed !== null) return;
    const limit = (session.settings.get('max_wal_size') as number) * 1024 * 1024;
    const indexDue = this.indexCheckpointDue && !session.txn.inBlock;
    // One that waited for a transaction's DDL to end (Durability.checkpoint).
    const waited = d.checkpointWaiting && !this.catalog.ddlInFlight;
    // Full vector segments no file holds cannot be evicted: once they grew by a quarter of the
    // buffer cache since the last checkpoint, one makes them clean (a bulk load into a small
    // cache keeps its resident memory near the cache).
    const dirtyDue = bufferCache.dirtyBytes - d.dirtyBytesAtCheckpoint > bufferCache.limitBytes / 4;
    if (d.walSinceCheckpoint <= limit && !indexDue && !waited && !dirtyDue) return;
    this.indexCheckpointDue = false;
    try {
      d.checkpoint();
    } catch (e) {
      if (!(e instanceof PgError)) throw e;
      this.notice(new PgError(SQLSTATE.warning, `automatic checkpoint failed: ${e.message}`, { severity: 'WARNING' }));
    }
  }

  /**
   * For a query that is one `COPY ... FROM STDIN`: checks the table, columns and options before
   * the client sends data (PostgreSQL fails such a COPY before CopyInResponse) and says how the
   * data is framed; null for any other query (several statements included: the wire server
   * runs those without copy data, and a COPY FROM STDIN among them is refused).
   * @throws PgError the COPY's table, column and option errors; 25P02 in a failed transaction.
   */
  describeCopyIn(sql: string, session: Session = this.defaultSession): CopyInDescription | null {
    this.checkOpen();
    const stmts = parseScript(sql);
    if (stmts.length !== 1 || stmts[0]!.tag !== 'CopyStmt' || !isCopyFromStdin(stmts[0]!.stmt.CopyStmt)) return null;
    if (session.txn.failed) {
      throw new PgError(SQLSTATE.in_failed_sql_transaction, 'current transaction is aborted, commands ignored until end of transaction block');
    }
    return describeCopyIn(session, stmts[0]!.stmt.CopyStmt);
  }

  /** Rolls back an open transaction of `session` (the embedded API's transaction() on error). */
  abort(session: Session = this.defaultSession): void {
    if (session.txn.inBlock) rollback(session);
  }

  /**
   * Session `session` ended (a connection closed, an embedded session released), as
   * PostgreSQL's backend exit: a statement still waiting for a lock is cancelled (it must not
   * run afterwards), an open transaction rolled back, its advisory locks released
   * (LockReleaseAll: also those a client never unlocked) and its LISTENs dropped
   * (Async_UnlistenOnExit).
   */
  endSession(session: Session): void {
    session.interrupts.requestCancel();
    if (!this.closed) {
      try {
        this.abort(session);
      } catch {
        // The log may have failed: an unlogged abort is rolled back by recovery anyway.
      }
      this.catalog.advisoryLocks.endSession(session.pid);
    }
    this.catalog.lockSessions.remove(session.pid);
    session.notify.listening.clear();
    session.inbox.length = 0;
    session.onNotification = null;
  }

  /**
   * Checkpoints (for a data directory), closes the log, unlocks the directory and releases
   * every index and table. A checkpoint failure is thrown after everything was released.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.catalog.cancelConcurrentBuilds();
    try {
      this.undoOpenTransactions();
      this.durability?.close();
    } finally {
      this.releaseMemory();
      this.lock?.release();
    }
  }

  /** Drops everything without writing a byte, as if the process died (crash tests). */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    this.catalog.cancelConcurrentBuilds();
    this.durability?.abandon();
    this.undoOpenTransactions();
    this.releaseMemory();
    this.lock?.release();
  }

  /**
   * Undoes, in memory only, the transactions sessions left open, newest first: their DDL puts
   * back what it dropped or replaced (so nothing it kept for a rollback outlives the database),
   * and the final checkpoint then writes only committed work. Nothing is logged: a transaction
   * without a commit record is rolled back by recovery anyway.
   */
  private undoOpenTransactions(): void {
    const open: Session[] = [];
    for (const r of this.sessions) {
      const s = r.deref();
      if (s !== undefined && s.txn.xid !== 0) open.push(s);
    }
    open.sort((a, b) => b.txn.xid - a.txn.xid);
    for (const s of open) {
      finishWrites(s, s.txn, false);
      s.txn.inBlock = false;
      s.txn.implicit = false;
      s.txn.failed = false;
    }
  }

  private releaseMemory(): void {
    for (const idx of this.indexes.values()) idx.dispose();
    this.indexes.clear();
    this.catalog.release();
  }
}

/** VACUUM, CREATE / DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, DISCARD ALL: statements PostgreSQL runs only outside a transaction block. */
function runsOutsideBlocks(raw: RawStatement): boolean {
  const s = raw.stmt[raw.tag];
  return (raw.tag === 'VacuumStmt' && s.is_vacuumcmd === true) || (raw.tag === 'IndexStmt' && s.concurrent === true)
    || (raw.tag === 'DiscardStmt' && s.target === 'DISCARD_ALL')
    || (raw.tag === 'DropStmt' && s.concurrent === true)
    || (raw.tag === 'ReindexStmt' && ((s.params ?? []) as { DefElem?: { defname?: string } }[]).some((p) => p.DefElem?.defname === 'concurrently'));
}
