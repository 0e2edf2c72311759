/**
 * Settings (GUCs, PostgreSQL's Grand Unified Configuration): a registry of definitions
 * (PostgreSQL's own few plus every index method's {@link IndexAm.gucs}) and per-session values
 * with PostgreSQL's semantics:
 * - `SET` changes the session value; if the transaction rolls back, the change is undone;
 * - `SET LOCAL` lasts until the end of the transaction (COMMIT or ROLLBACK);
 * - `RESET` / `SET ... TO DEFAULT` return to the default; `SHOW` prints the current value.
 * Values are validated with the same min/max/enum the definition declares, and rejected with
 * PostgreSQL's message texts (guc.c parse_and_validate_value), never clamped.
 */
import { zoneSetting, zoneSettingErrorDetail } from '../types/timezone_setting.js';
import { UTC_ZONE, type TimeZone } from '../types/timezone.js';
import type { GucDef, GucReader, GucValue } from '../common/guc.js';
import { PgError, SQLSTATE, pgErr } from '../common/errors.js';
import { assert } from '../common/assert.js';
import { defaultArenaLimitBytes } from '../kernels/arena.js';
import { formatG as formatCG } from '../types/float.js';
import { rint } from '../common/rint.js';

/**
 * PostgreSQL's isolation levels (the enum values of transaction_isolation). vecgres provides
 * read committed; READ UNCOMMITTED is read committed in PostgreSQL too. The others are refused
 * (Settings.set) rather than run with weaker guarantees.
 */
const ISOLATION_LEVELS = ['serializable', 'repeatable read', 'read committed', 'read uncommitted'] as const;
const PROVIDED_ISOLATION_LEVELS: ReadonlySet<string> = new Set(['read committed', 'read uncommitted']);

/** Name of the setting that picks the digits real and double precision values print with. */
export const GUC_EXTRA_FLOAT_DIGITS = 'extra_float_digits';

/** PostgreSQL settings vecgres reads or that clients commonly SET/SHOW. */
export const POSTGRES_GUCS: readonly GucDef[] = [
  { name: 'enable_seqscan', type: 'bool', default: true, shortDesc: "Enables the planner's use of sequential-scan plans.", category: 'Query Tuning / Planner Method Configuration' },
  { name: 'enable_indexscan', type: 'bool', default: true, shortDesc: "Enables the planner's use of index-scan plans.", category: 'Query Tuning / Planner Method Configuration' },
  { name: 'enable_bitmapscan', type: 'bool', default: true, shortDesc: "Enables the planner's use of bitmap-scan plans.", category: 'Query Tuning / Planner Method Configuration' },
  { name: 'search_path', type: 'string', default: '"$user", public', shortDesc: 'Sets the schema search order for names that are not schema-qualified.', category: 'Client Connection Defaults / Statement Behavior' },
  { name: 'application_name', type: 'string', default: '', shortDesc: 'Sets the application name to be reported in statistics and logs.', category: 'Reporting and Logging / What to Log' },
  { name: 'client_encoding', type: 'string', default: 'UTF8', shortDesc: "Sets the client's character set encoding.", category: 'Client Connection Defaults / Locale and Formatting' },
  { name: 'client_min_messages', type: 'enum', default: 'notice', values: ['debug5', 'debug4', 'debug3', 'debug2', 'debug1', 'log', 'notice', 'warning', 'error'], shortDesc: 'Sets the message levels that are sent to the client.', category: 'Client Connection Defaults / Statement Behavior' },
  { name: 'statement_timeout', type: 'integer', default: 0, min: 0, max: 2147483647, unit: 'ms', shortDesc: 'Sets the maximum allowed duration of any statement.', category: 'Client Connection Defaults / Statement Behavior' },
  { name: 'idle_in_transaction_session_timeout', type: 'integer', default: 0, min: 0, max: 2147483647, unit: 'ms', shortDesc: 'Sets the maximum allowed idle time between queries, when in a transaction.', category: 'Client Connection Defaults / Statement Behavior' },
  { name: 'idle_session_timeout', type: 'integer', default: 0, min: 0, max: 2147483647, unit: 'ms', shortDesc: 'Sets the maximum allowed idle time between queries, when not in a transaction.', category: 'Client Connection Defaults / Statement Behavior' },
  { name: 'maintenance_work_mem', type: 'integer', default: 65536, min: 64, max: 2147483647, unit: 'kB', shortDesc: 'Sets the maximum memory to be used for maintenance operations.', category: 'Resource Usage / Memory' },
  { name: 'work_mem', type: 'integer', default: 4096, min: 64, max: 2147483647, unit: 'kB', shortDesc: 'Sets the maximum memory to be used for query workspaces.', category: 'Resource Usage / Memory' },
  { name: 'max_parallel_maintenance_workers', type: 'integer', default: 2, min: 0, max: 1024, shortDesc: 'Sets the maximum number of parallel processes per maintenance operation.', category: 'Resource Usage / Worker Processes' },
  // Parallel query (plan/parallel.ts): PostgreSQL's names, defaults, ranges and units.
  { name: 'max_parallel_workers_per_gather', type: 'integer', default: 2, min: 0, max: 1024, shortDesc: 'Sets the maximum number of parallel processes per executor node.', category: 'Resource Usage / Worker Processes' },
  { name: 'max_parallel_workers', type: 'integer', default: 8, min: 0, max: 1024, shortDesc: 'Sets the maximum number of parallel workers that can be active at one time.', category: 'Resource Usage / Worker Processes' },
  { name: 'parallel_leader_participation', type: 'bool', default: true, shortDesc: 'Controls whether Gather and Gather Merge also run subplans.', category: 'Resource Usage / Worker Processes' },
  { name: 'parallel_setup_cost', type: 'real', default: 1000, min: 0, max: Number.MAX_VALUE, shortDesc: "Sets the planner's estimate of the cost of starting up worker processes for parallel query.", category: 'Query Tuning / Planner Cost Constants' },
  { name: 'parallel_tuple_cost', type: 'real', default: 0.1, min: 0, max: Number.MAX_VALUE, shortDesc: "Sets the planner's estimate of the cost of passing each tuple (row) from worker to leader backend.", category: 'Query Tuning / Planner Cost Constants' },
  { name: 'min_parallel_table_scan_size', type: 'integer', default: 1024, min: 0, max: 715827882, unit: '8kB', shortDesc: 'Sets the minimum amount of table data for a parallel scan.', category: 'Query Tuning / Planner Cost Constants' },
  { name: 'standard_conforming_strings', type: 'bool', default: true, shortDesc: "Causes '...' strings to treat backslashes literally.", category: 'Version and Platform Compatibility / Previous PostgreSQL Versions' },
  { name: 'server_version', context: 'internal', type: 'string', default: '18.0', shortDesc: 'Shows the server version.', category: 'Preset Options' },
  { name: 'in_hot_standby', context: 'internal', type: 'bool', default: false, shortDesc: 'Shows whether hot standby is currently active.', category: 'Preset Options' },
  { name: 'TimeZone', type: 'string', default: 'UTC', shortDesc: 'Sets the time zone for displaying and interpreting time stamps.', category: 'Client Connection Defaults / Locale and Formatting' },
  { name: 'default_statistics_target', type: 'integer', default: 100, min: 1, max: 10000, shortDesc: 'Sets the default statistics target.', category: 'Query Tuning / Other Planner Options' },
  // Server-wide in PostgreSQL (pg_settings.context sighup: postgresql.conf and a reload); vecgres
  // still lets a session SET them, for its own statements.
  { name: 'autovacuum', context: 'sighup', type: 'bool', default: true, shortDesc: 'Starts the autovacuum subprocess.', category: 'Autovacuum' },
  { name: 'autovacuum_naptime', context: 'sighup', type: 'integer', default: 60, min: 1, max: 2147483, unit: 's', shortDesc: 'Time to sleep between autovacuum runs.', category: 'Autovacuum' },
  { name: 'autovacuum_analyze_threshold', context: 'sighup', type: 'integer', default: 50, min: 0, max: 2147483647, shortDesc: 'Minimum number of tuple inserts, updates, or deletes prior to analyze.', category: 'Autovacuum' },
  { name: 'autovacuum_analyze_scale_factor', context: 'sighup', type: 'real', default: 0.1, min: 0, max: 100, shortDesc: 'Number of tuple inserts, updates, or deletes prior to analyze as a fraction of reltuples.', category: 'Autovacuum' },
  // Float output (types/float.ts formatFloat4 / formatFloat8): above 0 the shortest exact digits.
  {
    name: GUC_EXTRA_FLOAT_DIGITS, type: 'integer', default: 1, min: -15, max: 3,
    shortDesc: 'Sets the number of digits displayed for floating-point values.',
    extraDesc: 'This affects real, double precision, and geometric data types. A zero or negative parameter value is added to the standard number of digits (FLT_DIG or DBL_DIG as appropriate). Any value greater than zero selects precise output mode.',
    category: 'Client Connection Defaults / Locale and Formatting',
  },
  { name: 'DateStyle', type: 'string', default: 'ISO, MDY', shortDesc: 'Sets the display format for date and time values.', category: 'Client Connection Defaults / Locale and Formatting' },
  // Settings a pg_dump script SETs in its prelude (accepted and shown; vecgres has no locks to wait
  // for, no function bodies, XML or row security, and one table access method).
  { name: 'lock_timeout', type: 'integer', default: 0, min: 0, max: 2147483647, unit: 'ms', shortDesc: 'Sets the maximum allowed duration of any wait for a lock.', category: 'Client Connection Defaults / Statement Behavior' },
  { name: 'idle_in_transaction_session_timeout', type: 'integer', default: 0, min: 0, max: 2147483647, unit: 'ms', shortDesc: 'Sets the maximum allowed idle time between queries, when in a transaction.', category: 'Client Connection Defaults / Statement Behavior' },
  { name: 'check_function_bodies', type: 'bool', default: true, shortDesc: 'Check routine bodies during CREATE FUNCTION and CREATE PROCEDURE.', category: 'Client Connection Defaults / Statement Behavior' },
  { name: 'xmloption', type: 'enum', default: 'content', values: ['content', 'document'], shortDesc: 'Sets whether XML data in implicit parsing and serialization operations is to be considered as documents or content fragments.', category: 'Client Connection Defaults / Statement Behavior' },
  { name: 'row_security', type: 'bool', default: true, shortDesc: 'Enable row security.', category: 'Client Connection Defaults / Statement Behavior' },
  { name: 'default_tablespace', type: 'string', default: '', shortDesc: 'Sets the default tablespace to create tables and indexes in.', category: 'Client Connection Defaults / Statement Behavior' },
  { name: 'default_table_access_method', type: 'string', default: 'heap', shortDesc: 'Sets the default table access method for new tables.', category: 'Client Connection Defaults / Statement Behavior' },
  { name: 'transaction_isolation', type: 'enum', default: 'read committed', values: ISOLATION_LEVELS, shortDesc: "Sets the current transaction's isolation level.", category: 'Client Connection Defaults / Statement Behavior' },
  { name: 'default_transaction_isolation', type: 'enum', default: 'read committed', values: ISOLATION_LEVELS, shortDesc: 'Sets the transaction isolation level of each new transaction.', category: 'Client Connection Defaults / Statement Behavior' },
  { name: 'transaction_read_only', type: 'bool', default: false, shortDesc: "Sets the current transaction's read-only status.", category: 'Client Connection Defaults / Statement Behavior' },
  { name: 'default_transaction_read_only', type: 'bool', default: false, shortDesc: 'Sets the default read-only status of new transactions.', category: 'Client Connection Defaults / Statement Behavior' },
];

/** Name of the setting that caps the memories of vectors and indexes (kernels/memories.ts). */
export const GUC_MEMORY_LIMIT = 'vecgres.memory_limit';

/**
 * PostgreSQL's `shared_buffers`: the buffer cache's cap on the resident full segments of
 * tables' `vector(n)` columns (storage/buffer_cache.ts), in 8 kB blocks as PostgreSQL counts
 * it (`SET shared_buffers = '2GB'`, `SHOW` prints `2GB`). Default: the default memory limit,
 * so a default install evicts nothing until memory runs short (an allocation that would fail
 * with 53200 evicts clean segments first whatever the setting). Unlike PostgreSQL, where it is
 * fixed at server start, it applies per statement as `vecgres.memory_limit` does: the cache
 * is one per process.
 */
export const GUC_SHARED_BUFFERS = 'shared_buffers';
/** Bytes of one `shared_buffers` unit (PostgreSQL's BLCKSZ). */
export const SHARED_BUFFERS_BLOCK_BYTES = 8192;

/** Name of the setting that fixes the filtered-search strategy (plan/scan.ts). */
export const GUC_FILTERED_SEARCH = 'vecgres.filtered_search';
/** Name of the setting that turns the planner's "index not used" NOTICEs and EXPLAIN lines off. */
export const GUC_INDEX_HINTS = 'vecgres.index_hints';
/** Name of the setting that lets filtered searches use the subgraphs an index keeps per filter (access/hnsw/subgraphs.ts). */
export const GUC_FILTER_SUBGRAPHS = 'vecgres.filter_subgraphs';
/** Name of the setting that lets index scans search on a worker thread ahead of execution (exec/knn_ahead.ts). */
export const GUC_SEARCH_AHEAD = 'vecgres.search_ahead';

/**
 * vecgres's own settings. `vecgres.filtered_search` fixes the strategy of filtered k-NN
 * queries (`auto`: chosen by cost; `exact`, `traversal`, `iterative`: that one, still with the
 * exact answer as the fallback when an index scan comes up short). `vecgres.filter_subgraphs`
 * (on) lets them search a subgraph of a large filter's rows. `vecgres.memory_limit` caps the memory that vectors and indexes take
 * (kB, as work_mem; units accepted); each statement runs under its session's value, and a
 * request beyond it fails with 53200 out of memory. Default: half the machine's memory. It caps
 * the total over all WebAssembly memories (each at most 4 GB; the process adds memories as
 * needed), up to PostgreSQL's largest integer setting (2^31 - 1 kB, 2 TB).
 */
export const VECGRES_GUCS: readonly GucDef[] = [
  {
    name: GUC_MEMORY_LIMIT,
    type: 'integer',
    default: Math.floor(defaultArenaLimitBytes() / 1024),
    min: 1024,
    max: 2147483647,
    unit: 'kB',
    shortDesc: 'Sets the maximum memory for vector data and indexes.',
    category: 'Resource Usage / Memory',
  },
  {
    name: GUC_SHARED_BUFFERS,
    // PostgreSQL fixes it at server start; vecgres applies a session's SET per statement.
    context: 'postmaster',
    type: 'integer',
    default: Math.floor(defaultArenaLimitBytes() / SHARED_BUFFERS_BLOCK_BYTES),
    // PostgreSQL's range: 16 blocks .. INT_MAX / 2.
    min: 16,
    max: 1073741823,
    unit: '8kB',
    shortDesc: 'Sets the number of shared memory buffers used by the server.',
    category: 'Resource Usage / Memory',
  },
  {
    name: GUC_FILTERED_SEARCH,
    type: 'enum',
    default: 'auto',
    values: ['auto', 'exact', 'traversal', 'iterative'],
    shortDesc: 'Sets the strategy of filtered vector searches (auto: by cost).',
    category: 'Query Tuning / Planner Method Configuration',
  },
  {
    name: GUC_INDEX_HINTS,
    type: 'bool',
    default: true,
    shortDesc: 'Reports when a k-NN ORDER BY on an indexed column cannot use the index, and why.',
    category: 'Query Tuning / Other Planner Options',
  },
  {
    name: GUC_FILTER_SUBGRAPHS,
    type: 'bool',
    default: true,
    shortDesc: 'Lets filtered vector searches on column = value use a graph of the value\'s rows (built at its second query).',
    category: 'Query Tuning / Planner Method Configuration',
  },
  {
    name: GUC_SEARCH_AHEAD,
    type: 'bool',
    default: true,
    shortDesc: 'Runs the first search of HNSW index scans on a worker thread before the query executes, while other sessions run.',
    category: 'Resource Usage / Asynchronous Behavior',
  },
];

/**
 * Why a session may not SET a setting of this context, as PostgreSQL's set_config_option words
 * it (all 55P02), or null when it may. `postmaster` settings are fixed when the database opens
 * (the `settings` option, `vecgres serve -c`); `sighup` ones are read from the server's
 * configuration, which for vecgres is the same set of start values.
 */
function sessionSetRefusal(def: GucDef): string | null {
  switch (def.context) {
    case 'internal':
      return `parameter "${def.name}" cannot be changed`;
    case 'postmaster':
      return `parameter "${def.name}" cannot be changed without restarting the server`;
    case 'sighup':
      return `parameter "${def.name}" cannot be changed now`;
    case 'backend':
    case 'superuser-backend':
      return `parameter "${def.name}" cannot be set after connection start`;
    default:
      return null;
  }
}

/** The set of known settings, shared by all sessions of a database. */
export class SettingsRegistry {
  private readonly defs = new Map<string, GucDef>();
  /** Prefixes owned by a loaded extension/method (`hnsw`): unknown names under them are errors. */
  private readonly reserved = new Set<string>();
  /**
   * Values given when the database opened (PostgreSQL's postgresql.conf and `postgres -c`):
   * what every session starts from and RESET returns to (pg_settings.reset_val), by lower-case
   * name.
   */
  private readonly startValues = new Map<string, GucValue>();

  constructor(defs: readonly GucDef[] = [...POSTGRES_GUCS, ...VECGRES_GUCS]) {
    for (const d of defs) this.register(d);
  }

  /** Adds a definition; a dotted name reserves its prefix, as pgvector's MarkGUCPrefixReserved. */
  register(def: GucDef): void {
    this.defs.set(def.name.toLowerCase(), def);
    const dot = def.name.indexOf('.');
    if (dot > 0) this.reserved.add(def.name.slice(0, dot).toLowerCase());
  }

  /**
   * The definition of `name` (case-insensitive), or null for a custom placeholder (`a.b` under
   * an unreserved prefix). @throws PgError 42704 unknown name, 42602 unknown name under a
   * reserved prefix.
   */
  lookup(name: string): GucDef | null {
    const key = name.toLowerCase();
    const d = this.defs.get(key);
    if (d !== undefined) return d;
    const dot = key.indexOf('.');
    if (dot > 0) {
      const prefix = key.slice(0, dot);
      if (this.reserved.has(prefix)) {
        throw new PgError(SQLSTATE.invalid_name, `invalid configuration parameter name "${key}"`, {
          detail: `"${prefix}" is a reserved prefix.`,
        });
      }
      return null;
    }
    throw new PgError(SQLSTATE.undefined_object, `unrecognized configuration parameter "${key}"`);
  }

  /**
   * Sets the value a setting has in every session from now on (the database's start value):
   * `Vecgres.create({ settings })`, `vecgres serve -c name=value`. Called on an open database it
   * acts as PostgreSQL's configuration reload (pg_reload_conf): sessions that have not SET the
   * setting see the new value from their next statement.
   * Any setting but an `internal` one may be given, `postmaster` and `sighup` ones included.
   * @throws PgError 42704 unknown name (42602 under a reserved prefix; custom `a.b` names are
   *   kept as text), 22023 invalid value, 55P02 an internal (read-only) setting.
   */
  setStartValue(name: string, value: string): void {
    const def = this.lookup(name);
    const key = name.toLowerCase();
    if (def === null) {
      this.startValues.set(key, value);
      return;
    }
    if (def.context === 'internal') throw new PgError('55P02', sessionSetRefusal(def)!);
    this.startValues.set(key, parseGucValue(def, value));
  }

  /** Drops the start value of `name`: sessions start from the built-in default again. */
  clearStartValue(name: string): void {
    this.startValues.delete(name.toLowerCase());
  }

  /** The value a session starts from: the start value given at open, else the built-in default. */
  startValue(def: GucDef): GucValue {
    return this.startValues.get(def.name.toLowerCase()) ?? def.default;
  }

  /** The start value given for `key` (lower case, a registered or custom name), if any. */
  startValueOf(key: string): GucValue | undefined {
    return this.startValues.get(key);
  }

  all(): GucDef[] {
    return [...this.defs.values()].sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
  }
}

/** The transaction's read-only mode: a setting that belongs to the transaction. */
const TRANSACTION_READ_ONLY = 'transaction_read_only';
/** Settings RESET ALL leaves alone (guc_tables.c GUC_NO_RESET_ALL). */
const NO_RESET_ALL = new Set(['transaction_isolation', TRANSACTION_READ_ONLY]);

/** One session's values. Implements {@link GucReader} for index scans. */
export class Settings implements GucReader {
  private readonly session = new Map<string, GucValue>();
  /** Incremented by every change of a value (cached plans compare it). */
  generation = 0;
  private readonly local = new Map<string, GucValue>();
  /**
   * Values the client gave when it connected (startup packet parameters and `options`),
   * PostgreSQL's PGC_S_CLIENT: they stand in for the defaults, so RESET and RESET ALL return
   * to them, and SET, ROLLBACK and savepoints leave them alone.
   */
  private readonly client = new Map<string, GucValue>();
  /**
   * Called before the transaction goes from read-only to read-write: throws when it may not
   * (after its first query, or inside a savepoint), as check_transaction_read_only. Installed
   * by the session, which knows the transaction's state.
   */
  readWriteGuard: (() => void) | null = null;
  /** Session values at BEGIN, restored by ROLLBACK (null outside a transaction block). */
  private snapshot: Map<string, GucValue> | null = null;

  constructor(readonly registry: SettingsRegistry) {}

  /** Current value of a registered setting (or placeholder); asserts the name is known. */
  get(name: string): GucValue {
    const key = name.toLowerCase();
    const l = this.local.get(key);
    if (l !== undefined) return l;
    // Outside a transaction block each statement is a transaction of its own, which starts
    // with the default (xact.c StartTransaction: XactReadOnly = DefaultXactReadOnly).
    if (key === TRANSACTION_READ_ONLY) return this.get('default_transaction_read_only');
    const s = this.session.get(key);
    if (s !== undefined) return s;
    const c = this.client.get(key);
    if (c !== undefined) return c;
    const start = this.registry.startValueOf(key);
    if (start !== undefined) return start;
    const def = this.registry.lookup(key);
    assert(def !== null, `setting ${key} is registered`);
    return def.default;
  }

  /** What RESET returns `def` to (pg_settings.reset_val): the client's value, else the start value or default. */
  resetValue(def: GucDef): GucValue {
    return this.client.get(def.name.toLowerCase()) ?? this.registry.startValue(def);
  }

  /**
   * pg_settings.source of `name`: `session` for SET (and SET LOCAL), `client` for a value the
   * client gave at connection, `command line` for one given when the database opened
   * (`Vecgres.create({ settings })`, `vecgres serve -c`), else `default`.
   */
  source(name: string): string {
    const key = name.toLowerCase();
    if (this.local.has(key) || this.session.has(key)) return 'session';
    if (this.client.has(key)) return 'client';
    return this.registry.startValueOf(key) !== undefined ? 'command line' : 'default';
  }

  /**
   * A value the client gave at connection (a startup packet parameter or `-c` in `options`):
   * checked as SET checks it, then kept below the session's values (see {@link client}).
   * @throws PgError as {@link set}.
   */
  setClient(name: string, value: string): void {
    const key = name.toLowerCase();
    const def = this.registry.lookup(key);
    if (key === TRANSACTION_READ_ONLY || def === null) {
      // The transaction's own mode, and custom names, as a SET.
      this.set(name, value, false);
      return;
    }
    const refusal = sessionSetRefusal(def);
    if (refusal !== null) throw new PgError('55P02', refusal);
    const v = this.checkedValue(key, def, value);
    this.generation++;
    this.client.set(key, v);
  }

  /**
   * True when the session or transaction has set `name` (SET, SET LOCAL, also to its default
   * value) and not RESET it since: filtered vector search follows pgvector's semantics for
   * `hnsw.iterative_scan` only when the user chose a value.
   */
  isExplicit(name: string): boolean {
    const key = name.toLowerCase();
    return this.local.has(key) || this.session.has(key) || this.client.has(key) || this.registry.startValueOf(key) !== undefined;
  }

  /**
   * The session's time zone (the TimeZone setting, types/timezone_setting.ts): what every
   * timestamptz is printed in and a timestamptz without a zone is read in. The one way code
   * reaches the session zone: callers pass the value down (EvalCtx.zone, ExprScope.zone).
   */
  timeZone(): TimeZone {
    const name = this.get('TimeZone') as string;
    if (name === 'UTC') return UTC_ZONE;
    const z = zoneSetting(name);
    assert(z !== null, `TimeZone "${name}" was validated when set`);
    return z.zone;
  }

  /**
   * The session's extra_float_digits (-15 .. 3): the digits real and double precision values
   * print with (types/float.ts formatFloat4 / formatFloat8). Passed down as the time zone is
   * (EvalCtx.floatDigits, StatementResult.floatDigits).
   */
  extraFloatDigits(): number {
    return this.get(GUC_EXTRA_FLOAT_DIGITS) as number;
  }

  /**
   * SET / SET LOCAL. `value` is the text as written (null = DEFAULT). Outside a transaction
   * block SET LOCAL has no effect (PostgreSQL warns and ignores it).
   * @throws PgError 22023 invalid value, 42704/42602 unknown name, 55P02 a setting a session
   *   cannot change (read-only, or fixed when the database opened: `shared_buffers`,
   *   `autovacuum`, `max_wal_size`; give those in `Vecgres.create({ settings })`).
   */
  set(name: string, value: string | null, isLocal: boolean): void {
    const key = name.toLowerCase();
    const def = this.registry.lookup(key);
    const refusal = def === null ? null : sessionSetRefusal(def);
    if (refusal !== null) throw new PgError('55P02', refusal);
    if (key === TRANSACTION_READ_ONLY) {
      // The transaction's own mode: every SET of it lasts until the transaction ends, and
      // going back to read-write is checked (check_transaction_read_only).
      isLocal = true;
      const ro = value === null ? false : parseGucValue(def!, value) === true;
      if (this.snapshot === null) return;
      if (!ro && this.get(key) === true) this.readWriteGuard?.();
    }
    const target = isLocal ? this.local : this.session;
    if (isLocal && this.snapshot === null) return;
    this.generation++;
    if (value === null) {
      // RESET / SET ... TO DEFAULT: a session value is dropped (the default applies, and the
      // setting no longer counts as explicit); a local one must still hide the session's.
      if (def === null || !isLocal) target.delete(key);
      else target.set(key, this.resetValue(def));
      if (!isLocal) this.local.delete(key);
      return;
    }
    const v = def === null ? value : this.checkedValue(key, def, value);
    target.set(key, v);
    // A plain SET overrides an earlier SET LOCAL in the same transaction (as PostgreSQL).
    if (!isLocal) this.local.delete(key);
  }

  /**
   * `value` parsed for registered setting `def`.
   * @throws PgError 22023 / 42704 as parseGucValue; 0A000 for an isolation level vecgres does not provide.
   */
  private checkedValue(key: string, def: GucDef, value: string): GucValue {
    const v = parseGucValue(def, value);
    if ((key === 'transaction_isolation' || key === 'default_transaction_isolation') && !PROVIDED_ISOLATION_LEVELS.has(String(v))) {
      throw new PgError(SQLSTATE.feature_not_supported, `transaction isolation level ${String(v).toUpperCase()} is not supported`);
    }
    return v;
  }

  /** RESET name: back to the default for the session. */
  reset(name: string): void {
    this.set(name, null, false);
  }

  /** RESET ALL (not the transaction's own isolation level and mode: PostgreSQL's GUC_NO_RESET_ALL). */
  resetAll(): void {
    this.generation++;
    this.session.clear();
    for (const key of [...this.local.keys()]) if (!NO_RESET_ALL.has(key)) this.local.delete(key);
  }

  /** SHOW name: the value as PostgreSQL prints it. */
  show(name: string): { name: string; value: string } {
    const key = name.toLowerCase();
    const def = this.registry.lookup(key);
    if (def === null) {
      const v = this.local.get(key) ?? this.session.get(key) ?? this.client.get(key) ?? this.registry.startValueOf(key);
      if (v === undefined) throw new PgError(SQLSTATE.undefined_object, `unrecognized configuration parameter "${key}"`);
      return { name: key, value: String(v) };
    }
    return { name: def.name, value: formatGucValue(def, this.get(key)) };
  }

  /** Current value as text, for pg_settings.setting. */
  showValue(def: GucDef): string {
    return formatGucValue(def, this.get(def.name));
  }

  /**
   * BEGIN: remember session values so ROLLBACK can restore them; the transaction's read-only
   * mode starts as default_transaction_read_only says.
   */
  beginTransaction(): void {
    this.snapshot = new Map(this.session);
    this.local.set(TRANSACTION_READ_ONLY, this.get('default_transaction_read_only'));
  }

  /** COMMIT: keep SET values, drop SET LOCAL ones. */
  commitTransaction(): void {
    this.generation++;
    this.snapshot = null;
    this.local.clear();
  }

  /** SAVEPOINT: the session's and the transaction's values now, for {@link rollbackToMark}. */
  mark(): unknown {
    return { session: new Map(this.session), local: new Map(this.local) };
  }

  /** ROLLBACK TO SAVEPOINT: the values as {@link mark} saw them (SET and SET LOCAL undone). */
  rollbackToMark(m: unknown): void {
    const { session, local } = m as { session: Map<string, GucValue>; local: Map<string, GucValue> };
    this.generation++;
    this.session.clear();
    for (const [k, v] of session) this.session.set(k, v);
    this.local.clear();
    for (const [k, v] of local) this.local.set(k, v);
  }

  /** ROLLBACK: undo SETs made in the transaction and drop SET LOCAL ones. */
  rollbackTransaction(): void {
    this.generation++;
    if (this.snapshot !== null) {
      this.session.clear();
      for (const [k, v] of this.snapshot) this.session.set(k, v);
    }
    this.snapshot = null;
    this.local.clear();
  }
}

/** An integer setting's text: a number (decimals allowed, as PostgreSQL's parse_int) and a unit. */
const INT_UNIT_RE = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z]*)\s*$/;
/** PostgreSQL's memory and time unit tables (guc.c), case-sensitive as there. */
const UNIT_SCALE: Record<string, { kind: 'memory' | 'time'; factor: number }> = {
  B: { kind: 'memory', factor: 1 },
  kB: { kind: 'memory', factor: 1024 },
  // The block-sized unit of settings counted in pages (min_parallel_table_scan_size); never typed by users.
  '8kB': { kind: 'memory', factor: 8192 },
  MB: { kind: 'memory', factor: 1024 ** 2 },
  GB: { kind: 'memory', factor: 1024 ** 3 },
  TB: { kind: 'memory', factor: 1024 ** 4 },
  us: { kind: 'time', factor: 0.001 },
  ms: { kind: 'time', factor: 1 },
  s: { kind: 'time', factor: 1000 },
  min: { kind: 'time', factor: 60_000 },
  h: { kind: 'time', factor: 3_600_000 },
  d: { kind: 'time', factor: 86_400_000 },
};
const MEMORY_UNITS_HINT = 'Valid units for this parameter are "B", "kB", "MB", "GB", and "TB".';
const TIME_UNITS_HINT = 'Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".';

const REAL_RE = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

/** Validates and converts a SET value for `def` (PostgreSQL guc.c parse_and_validate_value). */
export function parseGucValue(def: GucDef, text: string): GucValue {
  const invalid = (hint?: string) =>
    new PgError(SQLSTATE.invalid_parameter_value, `invalid value for parameter "${def.name}": "${text}"`, hint === undefined ? {} : { hint });
  switch (def.type) {
    case 'integer': {
      const m = INT_UNIT_RE.exec(text);
      if (m === null) throw invalid();
      let v = Number(m[1]);
      const unitText = m[2]!;
      if (unitText !== '' || def.unit !== undefined) {
        const base = def.unit === undefined ? undefined : UNIT_SCALE[def.unit];
        if (unitText !== '') {
          const scale = UNIT_SCALE[unitText];
          if (base === undefined || scale === undefined || scale.kind !== base.kind) {
            throw invalid(base === undefined ? undefined : base.kind === 'memory' ? MEMORY_UNITS_HINT : TIME_UNITS_HINT);
          }
          v = (v * scale.factor) / base.factor;
        }
      }
      v = rint(v);
      if (!Number.isFinite(v) || Math.abs(v) > 2147483647) throw invalid('Value exceeds integer range.');
      if (v < def.min || v > def.max) {
        const u = def.unit === undefined ? '' : ` ${def.unit}`;
        throw new PgError(
          SQLSTATE.invalid_parameter_value,
          `${v}${u} is outside the valid range for parameter "${def.name}" (${def.min}${u} .. ${def.max}${u})`,
        );
      }
      return v;
    }
    case 'real': {
      if (!REAL_RE.test(text)) throw invalid();
      const v = Number(text);
      if (v < def.min || v > def.max) {
        throw new PgError(
          SQLSTATE.invalid_parameter_value,
          `${formatG(v)} is outside the valid range for parameter "${def.name}" (${formatG(def.min)} .. ${formatG(def.max)})`,
        );
      }
      return v;
    }
    case 'bool': {
      const b = parseBool(text);
      if (b === null) throw new PgError(SQLSTATE.invalid_parameter_value, `parameter "${def.name}" requires a Boolean value`);
      // The parser reads '...' with backslashes as written (standard strings) whatever the
      // setting says, so `off` would read '\n' differently from PostgreSQL: refused, not ignored.
      if (def.name === 'standard_conforming_strings' && !b) throw pgErr.featureNotSupported('standard_conforming_strings = off');
      return b;
    }
    case 'enum': {
      const lower = text.toLowerCase();
      for (const v of def.values) if (v === lower) return v;
      throw invalid(`Available values: ${def.values.join(', ')}.`);
    }
    case 'string':
      if (def.name === 'TimeZone') {
        // Kept as SHOW prints it: the zone's own spelling, or the POSIX name of an offset.
        const z = zoneSetting(text);
        if (z === null) {
          const detail = zoneSettingErrorDetail(text);
          if (detail === undefined) throw invalid();
          throw new PgError(SQLSTATE.invalid_parameter_value, `invalid value for parameter "${def.name}": "${text}"`, { detail });
        }
        return z.name;
      }
      // Dates are printed in the ISO DateStyle only: another style would print differently,
      // so it is refused rather than ignored.
      if (def.name === 'DateStyle' && !/^\s*iso\s*(,\s*(mdy|dmy|ymd|us|european|noneuropean|german)\s*)?$/i.test(text)) {
        throw new PgError(SQLSTATE.feature_not_supported, `DateStyle "${text}" is not supported: vecgres prints dates in the ISO style`);
      }
      if (def.name === 'application_name') return cleanApplicationName(text);
      return text;
  }
}

/**
 * application_name as PostgreSQL keeps it: cut to NAMEDATALEN - 1 (63) bytes without splitting
 * a character, then every byte outside printable ASCII written `\xNN` (pg_clean_ascii).
 */
function cleanApplicationName(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  let end = Math.min(bytes.length, 63);
  while (end < bytes.length && end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  let out = '';
  for (let i = 0; i < end; i++) {
    const b = bytes[i]!;
    out += b >= 32 && b <= 126 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** SHOW text of a value. */
export function formatGucValue(def: GucDef, v: GucValue): string {
  switch (def.type) {
    case 'bool':
      return v ? 'on' : 'off';
    case 'real':
      return formatG(v as number);
    case 'integer':
      return def.unit === undefined ? String(v) : formatWithUnit(v as number, def.unit);
    default:
      return String(v);
  }
}

/** SHOW text of an integer with a unit: the largest unit that divides it (guc.c convert_int_from_base_unit). */
function formatWithUnit(v: number, unit: string): string {
  const base = UNIT_SCALE[unit];
  if (base === undefined) return `${v}${unit}`;
  // PostgreSQL prints zero without a unit (ShowGUCOption converts only positive values).
  if (v === 0) return '0';
  const order = base.kind === 'memory' ? ['TB', 'GB', 'MB', 'kB', 'B'] : ['d', 'h', 'min', 's', 'ms', 'us'];
  for (const u of order) {
    const f = UNIT_SCALE[u]!.factor;
    // Below the base unit only kB, for a base of blocks (guc.c's tables: every block count is whole kB).
    if (f < base.factor && !(base.kind === 'memory' && u === 'kB')) break;
    const x = (v * base.factor) / f;
    if (Number.isInteger(x)) return `${x}${u}`;
  }
  return `${v}${unit}`;
}

/** printf("%g"), as guc.c prints a real setting and its bounds (1.79769e+308). */
export function formatG(v: number): string {
  return formatCG(v, 6);
}

/** PostgreSQL parse_bool: on/off, true/false, yes/no, 1/0 and unique prefixes. */
export function parseBool(text: string): boolean | null {
  const s = text.trim().toLowerCase();
  if (s.length === 0) return null;
  if ('true'.startsWith(s) || 'yes'.startsWith(s) || s === 'on' || s === '1') return true;
  if ('false'.startsWith(s) || 'no'.startsWith(s) || s === 'off' || s === '0') return false;
  return null;
}
