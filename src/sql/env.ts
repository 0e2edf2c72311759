/**
 * What the SQL layer needs from the engine: the catalog, the built index structures, the
 * registered index methods, the session's settings and transaction state. The engine
 * implements it once per session; the SQL layer never imports the engine or a concrete index.
 */
import type { PgError } from '../common/errors.js';
import type { Catalog, DdlUndo } from '../storage/catalog.js';
import type { Sequence } from '../storage/sequence.js';
import type { Table } from '../storage/table.js';
import type { BuildProgress, IndexAm, IndexSearchAhead, OrderedIndex, OrderedIndexAm, VectorIndex } from '../access/am.js';
import type { Settings } from './settings.js';
import type { PlanNode } from './plan/plan.js';
import type { Prng } from '../common/prng.js';
import type { Clock } from '../common/clock.js';
import type { StatsStore } from './stats/store.js';
import type { Interrupts } from '../common/interrupts.js';
import type { ConcurrentBuild } from './exec/index_build_concurrent.js';
import type { AsyncScans } from './exec/parallel_knn_async.js';
import type { StatementRerun } from './exec/statement_rerun.js';
import type { SqlCursor } from './exec/cursors.js';
import type { PreparedStatement } from './exec/prepared.js';
import type { BackendActivity } from '../storage/backend_activity.js';

/**
 * One row write of the current transaction: an inserted row (new or the new version of an
 * UPDATE) or a deleted one (DELETE, or the old version of an UPDATE). Finished at COMMIT or
 * ROLLBACK (exec/txn.ts).
 */
export type TxnWrite = RowWrite | DdlWrite;

export interface RowWrite {
  kind: 'insert' | 'delete';
  table: Table;
  rowId: number;
  pkey: unknown;
  /**
   * Set on both halves of an UPDATE (the old version's delete, the new version's insert), so
   * the statistics count one update, not an insert and a delete, as PostgreSQL's do.
   */
  update?: true;
  /**
   * On an UPDATE's delete half: no column an index refers to changed, the case in which
   * PostgreSQL makes a heap-only tuple when the page has room (pg_stat_*.n_tup_hot_upd).
   */
  hot?: boolean;
}

/**
 * One DDL change of the current transaction (storage/catalog.ts `DdlUndo`, wrapped by the SQL
 * layer to keep index structures too): `commit` runs at COMMIT in order with the row writes,
 * `undo` at ROLLBACK / ROLLBACK TO / an error, newest first. A new kind of DDL (ALTER TABLE,
 * constraints) logs its change with the transaction's xid and pushes one of these
 * (exec/ddl_txn.ts `registerDdl`); recovery replays the record and pushes the same entry.
 */
export interface DdlWrite {
  kind: 'ddl';
  ddl: DdlUndo;
}

/** SAVEPOINT name: where ROLLBACK TO returns (writes kept, settings as they were). */
export interface Savepoint {
  name: string;
  /** Length of `writes` when it was set. */
  mark: number;
  /** Row locks the transaction had taken then (storage/row_locks.ts `RowLocks.mark`). */
  lockMark?: number;
  /** The session's settings then (sql/settings.ts `Settings.mark`). */
  settings: unknown;
  /** Lengths of the session's queued LISTEN actions and notifications then (exec/notify.ts). */
  notifyMark?: { actions: number; pending: number };
  /** Transaction-level advisory locks the session held then (storage/advisory_locks.ts `xactMark`). */
  advisoryMark?: number;
}

export interface TxnState {
  /** Inside BEGIN ... COMMIT/ROLLBACK. */
  inBlock: boolean;
  /** A statement failed inside the block: only ROLLBACK (or COMMIT, which rolls back) is accepted. */
  failed: boolean;
  /**
   * The block is implicit (with `inBlock`): the statements of one multi-statement simple query,
   * which PostgreSQL runs as one transaction (exec_simple_query); BEGIN makes it explicit.
   */
  implicit: boolean;
  /**
   * With `implicit`: the block holds the extended protocol's messages up to Sync (PostgreSQL's
   * TBLOCK_STARTED, which is no transaction block: DECLARE CURSOR refuses it), not the
   * statements of a multi-statement simple query.
   */
  pipeline?: boolean;
  /** Transaction id, assigned at the first write (0: none yet, a reader). */
  xid: number;
  /** Row and DDL writes of the current transaction (or statement, outside a block), oldest first. */
  writes: TxnWrite[];
  /** Open savepoints, oldest first (names may repeat: the newest one shadows). */
  savepoints: Savepoint[];
  /**
   * A statement that reads the database has run in the transaction (PostgreSQL's
   * FirstSnapshotSet): it may no longer become read-write.
   */
  snapshotTaken?: boolean;
}

/** What the engine offers the SQL layer beyond the catalog (CHECKPOINT, VACUUM). */
export interface EngineHooks {
  /** Runs a checkpoint now (CHECKPOINT). No-op for an in-memory database. */
  checkpoint(): void;
  /**
   * pg_cancel_backend / pg_terminate_backend of session `pid` (engine/database.ts
   * signalBackend): false when it is no session of this database.
   */
  signalBackend?: (pid: number, terminate: boolean) => boolean;
  /**
   * Called after CREATE INDEX built `rows` entries: the engine may checkpoint so that a crash
   * does not cost a rebuild (recovery rebuilds an index created after the last checkpoint).
   */
  indexBuilt?: (rows: number) => void;
  /**
   * Called at COMMIT after the commit record was logged: true if the engine takes the
   * transaction's writes over, to make them visible only once the commit is durable
   * (synchronous_commit = on); false or absent: they are finished (made visible) at once.
   */
  deferCommit?: (env: SqlEnv, txn: TxnState) => boolean;
  /** Receives the progress of index builds (for progress bars; builds run synchronously). */
  onIndexBuildProgress?: (p: IndexBuildProgress) => void;
  /**
   * Called when a transaction that sent notifications commits, in commit order, with its
   * notifications (duplicates folded). `deferred`: the commit's writes become visible only once
   * its commit record is durable (EngineHooks.deferCommit took them), and so must the
   * notifications. Absent: notifications are dropped.
   */
  notify?: (env: SqlEnv, notifications: readonly Notification[], deferred: boolean) => void;
}

/** Progress of one index build, as pg_stat_progress_create_index reports it. */
export interface IndexBuildProgress extends BuildProgress {
  /** The index being built. */
  index: string;
}

export interface SqlEnv {
  readonly catalog: Catalog;
  readonly settings: Settings;
  readonly txn: TxnState;
  /** Index methods by name (`hnsw`, ...). */
  readonly methods: ReadonlyMap<string, IndexAm | OrderedIndexAm>;
  /** Built index structures by index name (the primary key index has none). */
  readonly indexes: Map<string, VectorIndex | OrderedIndex>;
  /** Seed handed to index builds (deterministic builds). */
  readonly seed: number;
  /** The session's seeded random stream (gen_random_uuid), so runs are reproducible. */
  readonly random: Prng;
  /** Engine services (checkpoints). */
  readonly engine: EngineHooks;
  /** The database's statistics (ANALYZE results, activity counters, build progress), shared by its sessions. */
  readonly stats: StatsStore;
  /** Cancel requests and the statement_timeout deadline, which the executor checks (57014). */
  readonly interrupts: Interrupts;
  /** The clock now(), current_timestamp and clock_timestamp() read. */
  readonly clock: Clock;
  /**
   * Microseconds since 2000-01-01 UTC at the start of the current transaction (now(),
   * current_timestamp) and of the current statement (statement_timestamp()), set by
   * executeStatement.
   */
  readonly timestamps: { transactionUs: bigint; statementUs: bigint };
  /**
   * The current transaction's start (timestamps.transactionUs): what the input words `'now'`,
   * `'today'`, `'tomorrow'` and `'yesterday'` read where a cast runs at execution
   * (`'now'::text::timestamptz`), and where bound parameters and COPY fields are read.
   */
  readonly transactionClock: () => bigint;
  /**
   * The analyzer's use of that clock. PostgreSQL reads those words when it parses the literal,
   * so an analysis that folded one (`read`, set by the analyzer) holds the value of its
   * transaction and is reused in that transaction only (exec/statement.ts). `storedIn` names
   * the stored expression under analysis (`a column default`, `a check constraint`, `an index
   * expression`): PostgreSQL fixes such a literal when the object is created, which vecgres
   * does for a default that is only the literal (exec/clock_literals.ts) and refuses elsewhere.
   */
  readonly analysisClock: { read: boolean; storedIn: string | null };
  /** The plan of the last SELECT executed, for EXPLAIN-free plan assertions in tests. */
  lastPlan: PlanNode | null;
  /**
   * The session's sequence values (PostgreSQL's SeqTable): what nextval or setval last gave per
   * sequence (currval) and the sequence nextval last advanced (lastval).
   */
  readonly sequenceValues: { currval: Map<Sequence, bigint>; last: Sequence | null };
  /** The session's process id (pg_backend_pid; a deadlock's DETAIL names processes by it). */
  readonly pid: number;
  /** Local transactions the session has begun (the second half of its virtual transaction id in pg_locks). */
  lxid: number;
  /**
   * The session's prepared statements by name (exec/prepared.ts): SQL PREPARE and the
   * extended protocol's Parse share one namespace, as in PostgreSQL.
   */
  readonly preparedStatements: Map<string, PreparedStatement>;
  /** The session's open SQL cursors by name (exec/cursors.ts: DECLARE, FETCH, MOVE, CLOSE). */
  readonly cursors: Map<string, SqlCursor>;
  /**
   * The running or last query and its client (pg_stat_activity); its text is the query string
   * a PREPARE came in (pg_prepared_statements.statement).
   */
  readonly activity: BackendActivity;
  /** LISTEN / NOTIFY state of the session (exec/notify.ts). */
  readonly notify: NotifyState;
  /**
   * True while the engine's awaiting runner (`runScript` / `runPortal`) runs the statement: it
   * may throw a BuildWait (CREATE INDEX, CONCURRENTLY or not) or a ScanWait (a parallel exact
   * scan) and be run again once that settled.
   */
  awaitable: boolean;
  /** The CREATE INDEX CONCURRENTLY this session waits for, between its two runs (exec/index_build_concurrent.ts). */
  concurrentBuild: ConcurrentBuild | null;
  /** Exact scans run off the event loop for the running statement (exec/parallel_knn_async.ts). */
  readonly asyncScans: AsyncScans;
  /**
   * What the running statement keeps from its first run when it is undone to wait and run
   * again: recorded sequence values and clock readings, the random stream's and the settings'
   * state at its start (exec/statement_rerun.ts).
   */
  readonly rerun: StatementRerun;
  /**
   * Index searches started ahead of the running statement's execution (exec/knn_ahead.ts);
   * its index scans take their results. Empty outside the awaiting runner.
   */
  searchAhead: readonly IndexSearchAhead[];
  /**
   * WARNINGs and NOTICEs raised while the running statement executes (pg_advisory_unlock of a
   * lock not held), added to its result's notices; emptied at each statement's start.
   */
  readonly runtimeNotices: PgError[];
}

/** One notification: the channel, its payload and the process id of the session that sent it. */
export interface Notification {
  channel: string;
  payload: string;
  pid: number;
}

/**
 * A session's LISTEN / NOTIFY state (PostgreSQL's async.c): the channels it listens on
 * (committed), and what its open transaction has queued for its commit: LISTEN / UNLISTEN
 * actions in order, and notifications (duplicates already folded).
 */
export interface NotifyState {
  listening: Set<string>;
  actions: { kind: 'listen' | 'unlisten' | 'unlisten_all'; channel: string }[];
  pending: Notification[];
}
