/**
 * A session: one client's settings and transaction state over a shared database (a backend,
 * in PostgreSQL terms). The embedded API uses one session; the wire server opens one per
 * connection.
 */
import type { Catalog } from '../storage/catalog.js';
import type { Sequence } from '../storage/sequence.js';
import type { IndexAm, IndexSearchAhead, OrderedIndex, OrderedIndexAm, VectorIndex } from '../access/am.js';
import type { EngineHooks, Notification, NotifyState, SqlEnv, TxnState } from '../sql/env.js';
import { newNotifyState } from '../sql/exec/notify.js';
import { readWriteGuard } from '../sql/exec/txn.js';
import type { PlanNode } from '../sql/plan/plan.js';
import { Settings, type SettingsRegistry } from '../sql/settings.js';
import { Prng } from '../common/prng.js';
import { systemClock, type Clock } from '../common/clock.js';
import type { StatsStore } from '../sql/stats/store.js';
import { Interrupts } from '../common/interrupts.js';
import type { PgError } from '../common/errors.js';
import type { ConcurrentBuild } from '../sql/exec/index_build_concurrent.js';
import { AsyncScans } from '../sql/exec/parallel_knn_async.js';
import { StatementRerun } from '../sql/exec/statement_rerun.js';
import type { PreparedStatement } from '../sql/exec/prepared.js';
import type { SqlCursor } from '../sql/exec/cursors.js';
import { newBackendActivity, type BackendActivity } from '../storage/backend_activity.js';
import { wallClockUs } from '../types/datetime_funcs.js';

export class Session implements SqlEnv {
  readonly settings: Settings;
  readonly txn: TxnState = { inBlock: false, failed: false, implicit: false, xid: 0, writes: [], savepoints: [] };
  lastPlan: PlanNode | null = null;
  /** currval and lastval state, by sequence object (its identity, as PostgreSQL's oid). */
  readonly sequenceValues = { currval: new Map<Sequence, bigint>(), last: null as Sequence | null };
  /** LSN past the latest commit or DDL of this session that sync() has not yet waited for (0: none). */
  commitLsn = 0;
  /** Random values SQL draws (gen_random_uuid), seeded from the database seed. */
  readonly random: Prng;
  /** Cancel requests and statement_timeout, checked by the executor (CHECK_FOR_INTERRUPTS). */
  readonly interrupts = new Interrupts();
  /** Process id (the wire server's BackendKeyData; the engine numbers embedded sessions). */
  pid = 0;
  /** The running or last statement, and the client, as pg_stat_activity shows them. */
  readonly activity: BackendActivity;
  /** Local transactions begun (SqlEnv.lxid). */
  lxid = 0;
  /** The engine's awaiting runner runs the current statement (SqlEnv.awaitable). */
  awaitable = false;
  /** CREATE INDEX CONCURRENTLY between its two runs (SqlEnv.concurrentBuild). */
  concurrentBuild: ConcurrentBuild | null = null;
  /** Exact scans run off the event loop for the running statement (SqlEnv.asyncScans). */
  readonly asyncScans = new AsyncScans();
  /** The running statement's state across its reruns after a wait (SqlEnv.rerun). */
  readonly rerun = new StatementRerun();
  /** Index searches started ahead of the running statement (SqlEnv.searchAhead). */
  searchAhead: readonly IndexSearchAhead[] = [];
  /** Notices raised while the running statement executes (SqlEnv.runtimeNotices). */
  readonly runtimeNotices: PgError[] = [];
  /** Start of the current transaction and statement (now(), statement_timestamp()). */
  readonly timestamps = { transactionUs: 0n, statementUs: 0n };
  /** The transaction's start as the words 'now' and 'today' read it (SqlEnv.transactionClock). */
  readonly transactionClock = (): bigint => this.timestamps.transactionUs;
  /** Whether the analysis under way read the clock, and where it may not (SqlEnv.analysisClock). */
  readonly analysisClock: { read: boolean; storedIn: string | null } = { read: false, storedIn: null };
  /**
   * Named prepared statements (SqlEnv.preparedStatements): PREPARE's and the wire protocol's
   * Parse share them, and the unnamed statement ('').
   */
  readonly preparedStatements = new Map<string, PreparedStatement>();
  /** Open SQL cursors (SqlEnv.cursors). */
  readonly cursors = new Map<string, SqlCursor>();
  /** LISTEN / NOTIFY state (sql/exec/notify.ts). */
  readonly notify: NotifyState = newNotifyState();
  /**
   * Notifications delivered to this session (it listened on their channel when they were
   * committed), oldest first, until its client takes them ({@link takeNotifications}).
   */
  readonly inbox: Notification[] = [];
  /**
   * Called when a notification arrives in {@link inbox}: the embedded API and the wire server
   * hand them on once the session is outside a transaction block, as PostgreSQL does.
   */
  onNotification: (() => void) | null = null;
  /**
   * Called once when pg_terminate_backend has ended this session (the engine already rolled
   * back and released it): the wire server sends FATAL 57P01 and closes the connection.
   */
  onTerminate: (() => void) | null = () => undefined;

  constructor(
    readonly catalog: Catalog,
    registry: SettingsRegistry,
    readonly methods: ReadonlyMap<string, IndexAm | OrderedIndexAm>,
    readonly indexes: Map<string, VectorIndex | OrderedIndex>,
    readonly seed: number,
    readonly engine: EngineHooks,
    readonly stats: StatsStore,
    readonly clock: Clock = systemClock,
  ) {
    this.settings = new Settings(registry);
    this.settings.readWriteGuard = () => readWriteGuard(this.txn);
    this.random = new Prng(seed ^ 0x5eed5eed);
    this.activity = newBackendActivity(wallClockUs(clock));
  }

  /**
   * The notifications to hand to the client now: when the session is outside a transaction
   * block (PostgreSQL reads its queue between transactions), those of {@link inbox} on channels
   * it still listens on (an UNLISTEN committed since drops the rest, as PostgreSQL checks the
   * channel when it reads the queue); else none.
   */
  takeNotifications(): Notification[] {
    if (this.inbox.length === 0 || this.txn.inBlock) return [];
    const all = this.inbox.splice(0, this.inbox.length);
    const listening = this.notify.listening;
    return all.filter((n) => listening.has(n.channel));
  }

  /** Transaction status as PostgreSQL's ReadyForQuery reports it: I idle, T in block, E failed. */
  get status(): 'I' | 'T' | 'E' {
    return this.txn.failed ? 'E' : this.txn.inBlock ? 'T' : 'I';
  }
}
