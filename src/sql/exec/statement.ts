/**
 * Statement execution: the SQL layer's entry point. Takes one parsed statement and the
 * client's parameter values, analyzes it (cached per statement tree and catalog version),
 * and runs it. Transaction control (BEGIN/COMMIT/ROLLBACK, savepoints), settings
 * (SET/RESET/SHOW) and statement atomicity (a failed INSERT leaves no rows) are handled here.
 */
import type { TimeZone } from '../../types/timezone.js';
import { commentOn } from './comment.js';
import { createExtension, dropExtensions } from './extension.js';
import { alterEnum, alterTypeOwner, createEnumType, dropTypes, renameType } from './enum_types.js';
import { notifyMark, queueListen, queueNotify, rollbackNotifyTo } from './notify.js';
import { alterSequence, createSequence, dropSequences, renameSequence } from './sequences.js';
import { alterTable, renameRelation } from './alter_table.js';
import { alterTableChange, alterViewStatement, createView, dropViews, guardDependentViews, renameChange, renameViewStatement } from './views.js';
import { createTableAs } from './create_table_as.js';
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import { attnumOf, type Table, type Value } from '../../storage/table.js';
import type { RawStatement, PgNode } from '../parser/parse.js';
import type { SqlEnv } from '../env.js';
import { analyzeSelect, analyzeInsert, type Analyzed, type SelectQuery, type InsertQuery } from '../analyze/query.js';
import { type SqlType, type RegCatalog, TYPE_OID, valueFromText, toInt8, elemTypeOf, typeOid } from '../analyze/types.js';
import { isVoidCall, resolveTypeName, VOID_OID, type Expr } from '../analyze/expr.js';
import { advisoryCall } from './advisory.js';
import { regCatalog, resultRegNames, enumTypeOf } from './catalog_describe.js';
import { parseVector, formatVector, vectorFromNumbers } from '../../types/vector.js';
import { parseHalfvec, formatHalfvec } from '../../types/halfvec.js';
import { SparseVector, parseSparsevec, formatSparsevec } from '../../types/sparsevec.js';
import { BitString, parseBit } from '../../types/bit.js';
import { vectorToSparsevec } from '../../types/casts.js';
import { PgArray, type ArrayElement } from '../../types/pgarray.js';
import { isEnumSqlType, hasEnumElements } from '../../types/enum_value.js';
import { Numeric } from '../../types/numeric.js';
import { Jsonb } from '../../types/jsonb.js';
import { runSelect, runStatement } from './select.js';
import { checkModifyingWith, dmlTagOf, modifyingCtes, returnedRowsQuery } from './modifying_with.js';
import { runInsert, columnDefaultExpr } from './insert.js';
import { runCopy, type CopyIo, type CopyOutput } from './copy.js';
import { runUpdate, runDelete, truncateTables, vacuum } from './dml.js';
import { explainModify } from './explain_dml.js';
import { ExplainProbe } from './explain_probe.js';
import { positionInCharacters } from '../parser/char_position.js';
import { endTransaction, preventCommandIfReadOnly, rollbackStatement, rollbackWritesTo, statementMark } from './txn.js';
import { LockWait } from '../../storage/row_locks.js';
import { BuildWait, finishConcurrentBuild } from './index_build_concurrent.js';
import { autoAnalyze } from '../stats/analyze.js';
import { analyzeUpdate, analyzeDelete, type UpdateQuery, type DeleteQuery } from '../analyze/dml.js';
import { alterSchemaOwner, createSchema, dropSchemas, renameSchema, setRelationSchema } from './schemas.js';
import { createTable, dropTables, createIndex, dropIndexes, notice, referencedRelation, type Notices } from './ddl.js';
import { reindex } from './reindex.js';
import { closeCursor, cursorsAtRelease, cursorsAtRollbackTo, declareCursor, fetchCursor } from './cursors.js';
import { PREPARABLE, deallocate, executeParams, lookupPrepared, runCountingPlan, storePrepared, type PreparedStatement } from './prepared.js';
import { planSelect, planSelectCached, cachedPlanValid, type CachedPlan } from '../plan/planner.js';
import { explainOutput, type ExplainOptions } from '../plan/explain.js';
import type { PlanNode, PlannedStmt } from '../plan/plan.js';
import type { Instrumentation } from './executor.js';
import { systemClock } from '../../common/clock.js';
import { Interval, formatInterval, parseInterval } from '../../types/interval.js';
import { offsetZoneName } from '../../types/timezone_setting.js';
import { wallClockUs } from '../../types/datetime_funcs.js';
import type { DateTimeClock } from '../../types/datetime.js';
import { memories } from '../../kernels/memories.js';
import { GUC_MEMORY_LIMIT, GUC_SHARED_BUFFERS, SHARED_BUFFERS_BLOCK_BYTES } from '../settings.js';
import { bufferCache } from '../../storage/buffer_cache.js';
import { commandTag } from '../parser/command_tag.js';
import { hasRowType } from '../analyze/namespace.js';

/** pgvector's extension comment (pg_description of extension vector). */
const VECTOR_EXTENSION_COMMENT = 'vector data type and ivfflat and hnsw access methods';

export interface ResultField {
  name: string;
  /** Type OID (PGlite's `dataTypeID`). */
  dataTypeID: number;
  type: SqlType;
  /** Type modifier (a vector's dimensions, varchar's length + 4, ...), -1 when none. */
  typmod?: number;
  /**
   * A column that comes straight from a table column: the table's oid (pg_class.oid) and the
   * column's number (pg_attribute.attnum, from 1), as RowDescription reports them
   * (PostgreSQL's resorigtbl / resorigcol). Absent for anything computed.
   */
  tableOid?: number;
  columnAttr?: number;
}

/** What one statement returns; rows are arrays of plain values in field order. */
export interface StatementResult {
  command: string;
  fields: ResultField[];
  rows: Value[][];
  /** Rows inserted, updated or deleted (INSERT, UPDATE, DELETE), else 0. */
  affectedRows: number;
  /** NOTICEs and WARNINGs the statement raised (severity, SQLSTATE and PostgreSQL's text). */
  notices: PgError[];
  /** FETCH and MOVE: the rows moved over, the count of their command tag (`FETCH 2`, `MOVE 3`). */
  moved?: number;
  /** COPY TO: the output (CopyData payloads), for the server or the embedded API's blob. */
  copyOut?: CopyOutput;
  /**
   * The session's time zone when the statement ended (set by executeStatement): the zone the
   * result's timestamptz values print in (a later SET of the same script does not change them).
   */
  zone?: TimeZone;
  /**
   * The session's extra_float_digits when the statement ended (set by executeStatement): the
   * digits the result's real and double precision values print with (absent: 1).
   */
  floatDigits?: number;
  /**
   * The relation names the result's regclass values print (set by executeStatement, looked up
   * when the statement ended): rows keep the oids, which binary output sends.
   */
  regNames?: Pick<RegCatalog, 'relationName' | 'userType'>;
}

type AnyAnalyzed = Analyzed<SelectQuery> | Analyzed<InsertQuery> | Analyzed<UpdateQuery> | Analyzed<DeleteQuery>;

interface Prepared {
  version: number;
  /** The catalog's view key when analyzed (Catalog.viewKey: per transaction while DDL is in flight). */
  viewKey?: number;
  /**
   * The settings the analysis read ({@link analysisSettings}): another TimeZone or search_path
   * analyzes again.
   */
  settings?: string;
  /**
   * The transaction start the analysis read when it folded `'now'`, `'today'` and the like
   * (SqlEnv.analysisClock); absent when it read none. PostgreSQL parses a simple query anew
   * each time, so such an analysis is reused only in the transaction it read.
   */
  clockUs?: bigint;
  analyzed: AnyAnalyzed | null;
  /** Parameter types the client declared (the extended protocol's Parse); kept for re-analysis. */
  declared?: readonly SqlType[];
  /**
   * The last plan of a SELECT per session settings object (each session has its own, and a
   * plan is valid only for the settings it was made under: plan/planner.ts cachedPlanValid),
   * reused while valid. One slot for all sessions made concurrent sessions running the same
   * SQL text replan each other's plans at every execution.
   */
  plans?: WeakMap<object, CachedPlan>;
}

/** Analysis cache for one database: statement tree -> analyzed query. */
export type PreparedCache = WeakMap<object, Prepared>;

/** A table column a target reads: the table's name and the column's 0-based index. */
/** A result column's table and the column's attnum (not its position: dropped columns keep theirs). */
type Origin = { table: string; attnum: number } | null;

/**
 * The result fields of `targets`; `origin` says which table column a target reads, if any
 * (PostgreSQL's markTargetListOrigins), for RowDescription's table oid and column number.
 */
function fieldsOf(env: SqlEnv, targets: { name: string; expr: Expr; shownTypeOid?: number }[], origin: (e: Expr) => Origin = () => null): ResultField[] {
  return targets.map((t) => {
    const typmod = (t.expr as { typmod?: number }).typmod;
    const o = origin(t.expr);
    return {
      name: t.name, dataTypeID: t.shownTypeOid !== undefined ? t.shownTypeOid : isVoidCall(t.expr) ? VOID_OID : typeOid(t.expr.type), type: t.expr.type, ...(typmod === undefined ? {} : { typmod }),
      ...(o === null ? {} : { tableOid: env.stats.relOid(o.table), columnAttr: o.attnum }),
    };
  });
}

/** pg_type oid of `name`, the type of the system catalogs' name columns (its text is text's). */

/**
 * The table column a SELECT's output expression reads directly, following subqueries and
 * (non-recursive) WITH items to their own output columns, as PostgreSQL's
 * markTargetListOrigin does; null for anything else (expressions, set operations, VALUES).
 */
function selectOrigin(q: SelectQuery, e: Expr): Origin {
  if (e.k !== 'var' || e.levelsUp !== 0) return null;
  const rte = q.rtable[e.rti];
  if (rte === undefined) return null;
  switch (rte.kind) {
    case 'relation':
      return { table: rte.table.name, attnum: attnumOf(rte.table.def, e.col) };
    case 'subquery': {
      const t = rte.query.targets[e.col];
      return t === undefined ? null : selectOrigin(rte.query, t.expr);
    }
    case 'cte': {
      if (rte.cte.recursive !== null) return null;
      const t = rte.cte.query.targets[e.col];
      return t === undefined ? null : selectOrigin(rte.cte.query, t.expr);
    }
    default:
      return null;
  }
}

/** The target table's column a RETURNING expression reads directly (the table is range entry 0). */
function returningOrigin(table: Pick<Table, 'name' | 'def'>): (e: Expr) => Origin {
  return (e) => (e.k === 'var' && e.levelsUp === 0 && e.rti === 0 ? { table: table.name, attnum: attnumOf(table.def, e.col) } : null);
}

const EMPTY: Value[][] = [];

function done(command: string, notices: Notices = [], affectedRows = 0): StatementResult {
  return { command, fields: [], rows: EMPTY, affectedRows, notices };
}

/**
 * Runs one statement.
 * @throws PgError with PostgreSQL's SQLSTATE and message for anything the user got wrong.
 */
export function executeStatement(env: SqlEnv, raw: RawStatement, params: readonly unknown[], cache: PreparedCache, io: CopyIo | null = null): StatementResult {
  const txn = env.txn;
  // Names resolve as this session's transaction sees the catalog (others' uncommitted DDL).
  env.catalog.viewer = txn;
  if (txn.failed && raw.tag !== 'TransactionStmt') {
    throw new PgError(SQLSTATE.in_failed_sql_transaction, 'current transaction is aborted, commands ignored until end of transaction block');
  }
  if (raw.tag === 'TransactionStmt') {
    env.rerun.clear();
    const nowUs = wallClockUs(env.clock);
    env.timestamps.statementUs = nowUs;
    if (!txn.inBlock) {
      env.timestamps.transactionUs = nowUs;
      // A new local transaction (pg_locks' virtual transaction id).
      env.lxid++;
    }
    return transaction(env, raw.stmt.TransactionStmt);
  }
  // The statement's start; outside a block also the transaction's. A rerun after a wait keeps
  // its first run's, and replays what that run drew (statement_rerun.ts).
  const startUs = env.rerun.begin(env, raw, params, wallClockUs(env.clock));
  env.runtimeNotices.length = 0;
  env.timestamps.statementUs = startUs;
  if (!txn.inBlock) {
    env.timestamps.transactionUs = startUs;
    // A rerun after a wait is the same statement, in the same virtual transaction.
    if (!env.rerun.rerunning) env.lxid++;
  }
  // statement_timeout counts from here, for each statement of a multi-statement query (as
  // PostgreSQL 13 and later); the executor's loops check it.
  env.interrupts.startStatement(Number(env.settings.get('statement_timeout')));
  // The memories are shared by every database of the process; each statement runs under its
  // own session's vecgres.memory_limit.
  memories.limitBytes = Number(env.settings.get(GUC_MEMORY_LIMIT)) * 1024;
  // The buffer cache too (one per process): this session's shared_buffers, and a new epoch, so
  // the segments earlier statements read may be evicted while this one's stay (buffer_cache.ts).
  bufferCache.limitBytes = Number(env.settings.get(GUC_SHARED_BUFFERS)) * SHARED_BUFFERS_BLOCK_BYTES;
  bufferCache.nextStatement();
  bufferCache.trim();
  const mark = txn.inBlock ? statementMark(env) : null;
  // Outside a block each statement starts a transaction; one that reads takes its snapshot.
  if (!txn.inBlock) txn.snapshotTaken = false;
  if (!SNAPSHOTLESS.has(raw.tag)) txn.snapshotTaken = true;
  try {
    checkReadOnlyUtility(env, raw);
    const r = dispatch(env, raw, params, cache, io);
    if (env.runtimeNotices.length > 0) r.notices.push(...env.runtimeNotices.splice(0));
    r.zone = env.settings.timeZone();
    r.floatDigits = env.settings.extraFloatDigits();
    if (r.fields.length > 0) r.regNames = resultRegNames(env, r.fields, r.rows);
    // Outside a block every statement is its own transaction.
    env.rerun.clear();
    if (!txn.inBlock) {
      endTransaction(env, true);
      // The statement boundary is where the automatic analyze runs (no timers).
      autoAnalyze(env);
    }
    return r;
  } catch (e) {
    // A statement that waits (a row lock, a parallel exact scan, an index build) is undone and
    // runs again: what it drew is kept for the rerun, the session-local state put back.
    if (e instanceof LockWait) env.rerun.undo(env);
    else env.rerun.clear();
    if (e instanceof LockWait && mark !== null) {
      // The statement waits for a lock: undone, to run again once the holder ends.
      try {
        rollbackStatement(env, mark);
      } catch (e2) {
        env.rerun.clear();
        txn.failed = true;
        throw e2;
      }
      throw e;
    }
    // A plain CREATE INDEX building off the event loop: its transaction stays open until the
    // statement's second run commits it, holding the table's SHARE lock (index_build_concurrent.ts).
    if (e instanceof BuildWait && e.build.plain && !txn.inBlock) throw e;
    // Inside a block the transaction is rolled back at ROLLBACK, or to a savepoint.
    if (txn.inBlock) txn.failed = true;
    else endTransaction(env, false);
    const failure = hostOutOfMemory(e);
    positionInCharacters(failure, raw.source?.sql);
    // What the statement raised before it failed reaches the client first, as in PostgreSQL.
    if (failure instanceof PgError && env.runtimeNotices.length > 0) failure.notices = [...(failure.notices ?? []), ...env.runtimeNotices.splice(0)];
    throw failure;
  } finally {
    env.interrupts.endStatement();
  }
}

/**
 * Statements that take no snapshot (PostgreSQL's PlannedStmtRequiresSnapshot): after them a
 * read-only transaction may still become read-write.
 */
const SNAPSHOTLESS: ReadonlySet<string> = new Set(['TransactionStmt', 'VariableSetStmt', 'VariableShowStmt', 'LockStmt', 'ConstraintsSetStmt', 'FetchStmt', 'ListenStmt', 'UnlistenStmt', 'NotifyStmt', 'CheckPointStmt']);

/**
 * Statements a read-only transaction may run, as PostgreSQL's ClassifyUtilityCommandAsReadOnly
 * allows them: queries (INSERT, UPDATE, DELETE and SELECT FOR UPDATE are refused when they run,
 * COPY FROM by COPY itself), settings, cursors, prepared statements, LISTEN / NOTIFY, and the
 * maintenance that changes no data a user sees (VACUUM, ANALYZE, REINDEX, CHECKPOINT, LOCK).
 */
const READ_ONLY_OK: ReadonlySet<string> = new Set([
  'SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt', 'ExplainStmt',
  'TransactionStmt', 'VariableSetStmt', 'VariableShowStmt', 'DiscardStmt', 'PrepareStmt', 'ExecuteStmt', 'DeallocateStmt',
  'DeclareCursorStmt', 'FetchStmt', 'ClosePortalStmt', 'ListenStmt', 'UnlistenStmt', 'NotifyStmt', 'LockStmt',
  'ConstraintsSetStmt', 'VacuumStmt', 'ReindexStmt', 'CheckPointStmt', 'ClusterStmt', 'DoStmt', 'CallStmt', 'LoadStmt', 'AlterSystemStmt',
]);

/**
 * A utility statement that writes, in a read-only transaction: refused before anything else
 * is checked, as standard_ProcessUtility does.
 * @throws PgError 25006 `cannot execute CREATE TABLE in a read-only transaction`.
 */
function checkReadOnlyUtility(env: SqlEnv, raw: RawStatement): void {
  // PostgreSQL tags every CREATE TYPE alike; commandTag tells its forms apart (`CREATE TYPE ... AS ENUM`).
  if (!READ_ONLY_OK.has(raw.tag)) preventCommandIfReadOnly(env, commandTag(raw.tag, raw.stmt[raw.tag]).replace(/ \.\.\. .*$/, ''));
  else if (raw.tag === 'SelectStmt' && raw.stmt.SelectStmt.intoClause !== undefined) preventCommandIfReadOnly(env, 'SELECT INTO');
}

/**
 * A JavaScript allocation failure (a typed array or buffer the host could not give) as
 * PostgreSQL's 53200, so no RangeError reaches a user; anything else unchanged.
 */
function hostOutOfMemory(e: unknown): unknown {
  if (e instanceof RangeError && /allocation failed|invalid (typed )?array length|out of memory/i.test(e.message)) {
    return new PgError(SQLSTATE.out_of_memory, 'out of memory', { detail: `Failed on request in the JavaScript heap: ${e.message}.` });
  }
  return e;
}

function dispatch(env: SqlEnv, raw: RawStatement, params: readonly unknown[], cache: PreparedCache, io: CopyIo | null): StatementResult {
  const s = raw.stmt[raw.tag];
  const notices: Notices = [];
  switch (raw.tag) {
    case 'SelectStmt': {
      if (modifyingCtes(s).length > 0) return runWithModifyingCtes(env, raw, params, cache);
      const a = prepare(env, raw, cache) as Analyzed<SelectQuery>;
      const zone = env.settings.timeZone();
      const values = boundValues(env, a.paramTypes, params, zone);
      const prep = cache.get(raw.stmt)!;
      const plan = selectPlan(env, prep, a.query, values);
      const out = runSelect(env, plan.stmt, values);
      for (const h of plan.stmt.indexHints ?? []) notices.push(new PgError(SQLSTATE.successful_completion, h.message, { severity: 'NOTICE', hint: h.hint }));
      return { command: 'SELECT', fields: fieldsOf(env, a.query.targets, (e) => selectOrigin(a.query, e)), rows: out.rows, affectedRows: 0, notices };
    }
    case 'InsertStmt': {
      if (modifyingCtes(s).length > 0) return runWithModifyingCtes(env, raw, params, cache);
      const a = prepare(env, raw, cache) as Analyzed<InsertQuery>;
      const out = runInsert(env, a.query, boundValues(env, a.paramTypes, params, env.settings.timeZone()));
      if (a.query.returning !== null) {
        return { command: 'INSERT', fields: fieldsOf(env, a.query.returning, returningOrigin(a.query.table)), rows: out.returning!, affectedRows: out.count, notices };
      }
      return done('INSERT', notices, out.count);
    }
    case 'UpdateStmt': {
      if (modifyingCtes(s).length > 0) return runWithModifyingCtes(env, raw, params, cache);
      const a = prepare(env, raw, cache) as Analyzed<UpdateQuery>;
      const out = runUpdate(env, a.query, boundValues(env, a.paramTypes, params, env.settings.timeZone()));
      if (a.query.returning !== null) {
        return { command: 'UPDATE', fields: fieldsOf(env, a.query.returning, (e) => selectOrigin(a.query.scan, e)), rows: out.returning!, affectedRows: out.count, notices };
      }
      return done('UPDATE', notices, out.count);
    }
    case 'DeleteStmt': {
      if (modifyingCtes(s).length > 0) return runWithModifyingCtes(env, raw, params, cache);
      const a = prepare(env, raw, cache) as Analyzed<DeleteQuery>;
      const out = runDelete(env, a.query, boundValues(env, a.paramTypes, params, env.settings.timeZone()));
      if (a.query.returning !== null) {
        return { command: 'DELETE', fields: fieldsOf(env, a.query.returning, (e) => selectOrigin(a.query.scan, e)), rows: out.returning!, affectedRows: out.count, notices };
      }
      return done('DELETE', notices, out.count);
    }
    case 'TruncateStmt':
      truncateTables(env, s, notices);
      return done('TRUNCATE TABLE', notices);
    case 'VacuumStmt':
      vacuum(env, s, notices);
      return done(s.is_vacuumcmd === true ? 'VACUUM' : 'ANALYZE', notices);
    case 'CheckPointStmt':
      env.engine.checkpoint();
      return done('CHECKPOINT', notices);
    case 'CreateStmt':
      createTable(env, s, notices);
      return done('CREATE TABLE', notices);
    case 'CreateTableAsStmt': {
      const n = createTableAs(env, s, notices);
      return done('SELECT', notices, n);
    }
    case 'AlterTableStmt':
      if (alterViewStatement(env, s, notices)) return done(s.objtype === 'OBJECT_VIEW' ? 'ALTER VIEW' : 'ALTER TABLE', notices);
      guardDependentViews(env, relationKeyOf(env, s.relation), alterTableChange(s), notices, () => alterTable(env, s, notices));
      return done('ALTER TABLE', notices);
    case 'RenameStmt':
      if (s.renameType === 'OBJECT_SCHEMA') {
        renameSchema(env, s, notices);
        return done('ALTER SCHEMA', notices);
      }
      if (s.renameType === 'OBJECT_TYPE') {
        renameType(env, s);
        return done('ALTER TYPE', notices);
      }
      if (s.renameType === 'OBJECT_SEQUENCE') {
        renameSequence(env, s, notices);
        return done('ALTER SEQUENCE', notices);
      }
      if (renameViewStatement(env, s, notices)) return done(s.renameType === 'OBJECT_VIEW' ? 'ALTER VIEW' : 'ALTER TABLE', notices);
      guardDependentViews(env, s.relation === undefined ? '' : relationKeyOf(env, s.relation), renameChange(s), notices, () => renameRelation(env, s, notices));
      return done('ALTER TABLE', notices);
    case 'ViewStmt':
      createView(env, raw, s, notices);
      return done('CREATE VIEW', notices);
    case 'CreateSeqStmt':
      createSequence(env, s, notices);
      return done('CREATE SEQUENCE', notices);
    case 'AlterSeqStmt':
      alterSequence(env, s, notices);
      return done('ALTER SEQUENCE', notices);
    case 'DropStmt': {
      if (s.removeType === 'OBJECT_SEQUENCE') {
        dropSequences(env, s, notices);
        return done('DROP SEQUENCE', notices);
      }
      if (s.removeType === 'OBJECT_TYPE') {
        dropTypes(env, s, notices);
        return done('DROP TYPE', notices);
      }
      if (s.removeType === 'OBJECT_EXTENSION') {
        dropExtensions(env, s, notices);
        return done('DROP EXTENSION', notices);
      }
      if (s.removeType === 'OBJECT_SCHEMA') {
        dropSchemas(env, s, notices);
        return done('DROP SCHEMA', notices);
      }
      if (s.removeType === 'OBJECT_VIEW') {
        dropViews(env, s, notices);
        return done('DROP VIEW', notices);
      }
      const what = s.removeType === 'OBJECT_TABLE' ? 'TABLE' : s.removeType === 'OBJECT_INDEX' ? 'INDEX' : null;
      if (what === null) throw pgErr.featureNotSupported(`DROP ${String(s.removeType).replace('OBJECT_', '')}`);
      // PostgreSQL's PreventInTransactionBlock (ExecDropStmt), before the statement's other checks.
      if (what === 'INDEX' && s.concurrent === true && env.txn.inBlock) {
        throw new PgError(SQLSTATE.active_sql_transaction, 'DROP INDEX CONCURRENTLY cannot run inside a transaction block');
      }
      if (what === 'TABLE') dropTables(env, s, notices);
      else dropIndexes(env, s, notices);
      return done(`DROP ${what}`, notices);
    }
    case 'IndexStmt':
      // PostgreSQL's PreventInTransactionBlock: also in the implicit block of a multi-statement query.
      if (s.concurrent === true && env.txn.inBlock) {
        throw new PgError(SQLSTATE.active_sql_transaction, 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block');
      }
      if (env.concurrentBuild !== null && env.concurrentBuild.stmt === s) {
        // The second run of CREATE INDEX CONCURRENTLY, after its build settled.
        const b = env.concurrentBuild;
        notices.push(...b.notices);
        const index = finishConcurrentBuild(env, b);
        env.engine.indexBuilt?.(index.size);
        return done('CREATE INDEX', notices);
      }
      createIndex(env, s, notices);
      return done('CREATE INDEX', notices);
    case 'ReindexStmt':
      reindex(env, s, notices);
      return done('REINDEX', notices);
    case 'CommentStmt':
      // pg_dump writes pgvector's own comment back (COMMENT ON EXTENSION vector IS '...'):
      // that one changes nothing. vecgres does not store comments on its objects yet.
      if (s.objtype === 'OBJECT_EXTENSION' && s.object?.String?.sval === 'vector' && s.comment === VECTOR_EXTENSION_COMMENT) return done('COMMENT', notices);
      commentOn(env, s);
      return done('COMMENT', notices);
    case 'ListenStmt':
      queueListen(env, String(s.conditionname), true);
      return done('LISTEN', notices);
    case 'UnlistenStmt':
      queueListen(env, s.conditionname === undefined ? null : String(s.conditionname), false);
      return done('UNLISTEN', notices);
    case 'NotifyStmt':
      queueNotify(env, String(s.conditionname ?? ''), s.payload === undefined ? null : String(s.payload));
      return done('NOTIFY', notices);
    case 'CreateSchemaStmt':
      createSchema(env, s, notices);
      return done('CREATE SCHEMA', notices);
    case 'CreateEnumStmt':
      createEnumType(env, s);
      return done('CREATE TYPE', notices);
    case 'AlterObjectSchemaStmt':
      if (s.objectType !== 'OBJECT_TABLE' && s.objectType !== 'OBJECT_SEQUENCE') throw pgErr.featureNotSupported(commandTag(raw.tag, s));
      setRelationSchema(env, s, notices);
      return done(s.objectType === 'OBJECT_TABLE' ? 'ALTER TABLE' : 'ALTER SEQUENCE', notices);
    case 'AlterOwnerStmt':
      if (s.objectType === 'OBJECT_SCHEMA') {
        alterSchemaOwner(env, s);
        return done('ALTER SCHEMA', notices);
      }
      if (s.objectType !== 'OBJECT_TYPE') throw pgErr.featureNotSupported(commandTag(raw.tag, s));
      alterTypeOwner(env, s);
      return done('ALTER TYPE', notices);
    case 'AlterEnumStmt':
      alterEnum(env, s, notices);
      return done('ALTER TYPE', notices);
    case 'CreateExtensionStmt':
      createExtension(env, s, notices);
      return done('CREATE EXTENSION', notices);
    case 'VariableSetStmt':
      if (s.kind === 'VAR_SET_MULTI' && (s.name === 'TRANSACTION' || s.name === 'SESSION CHARACTERISTICS')) {
        const { level, readOnly } = transactionOptions(s.args);
        if (s.name === 'SESSION CHARACTERISTICS') {
          if (level !== null) env.settings.set('default_transaction_isolation', level, false);
          if (readOnly !== null) env.settings.set('default_transaction_read_only', readOnly ? 'on' : 'off', false);
          return done('SET', notices);
        }
        // PostgreSQL warns and does nothing outside a block. The implicit block of a
        // multi-statement query is one (IsTransactionBlock); the extended protocol's messages
        // up to Sync are not (TBLOCK_STARTED).
        if (!env.txn.inBlock || env.txn.pipeline === true) {
          return done('SET', [notice(SQLSTATE.no_active_sql_transaction, 'SET TRANSACTION can only be used in transaction blocks', 'WARNING')]);
        }
        setTransactionOptions(env, level, readOnly);
        return done('SET', notices);
      }
      return setStatement(env, s);
    case 'VariableShowStmt': {
      const name: string = s.name;
      if (name === 'all') throw pgErr.featureNotSupported('SHOW ALL');
      const { name: shown, value } = env.settings.show(name);
      return { command: 'SHOW', fields: [{ name: shown, dataTypeID: TYPE_OID.text, type: 'text' }], rows: [[value]], affectedRows: 0, notices };
    }
    case 'ExplainStmt':
      return explain(env, s, params, cache);
    case 'PrepareStmt':
      prepareNamed(env, s, cache);
      return done('PREPARE');
    case 'ExecuteStmt': {
      const p = lookupPrepared(env, s.name);
      if (p.raw === null) return done('EXECUTE');
      const values = executeValues(env, s, p);
      return runCountingPlan(env, p, values.length, () => dispatch(env, p.raw!, values, cache, null));
    }
    case 'DeallocateStmt':
      deallocate(env, s.isall === true ? null : (s.name as string));
      return done(s.isall === true ? 'DEALLOCATE ALL' : 'DEALLOCATE');
    case 'DiscardStmt':
      return discard(env, s.target as string);
    case 'DeclareCursorStmt':
      declareCursor(env, s, (query) => dispatch(env, { stmt: query, tag: Object.keys(query)[0]! }, params, cache, null));
      return done('DECLARE CURSOR');
    case 'FetchStmt': {
      const f = fetchCursor(env, s);
      return { command: s.ismove === true ? 'MOVE' : 'FETCH', fields: f.fields, rows: f.rows, affectedRows: 0, moved: f.count, notices };
    }
    case 'ClosePortalStmt':
      closeCursor(env, s);
      return done(s.portalname === undefined ? 'CLOSE CURSOR ALL' : 'CLOSE CURSOR');
    case 'CopyStmt': {
      const out = runCopy(env, s, io);
      const r = done('COPY', notices, out.count);
      return out.output === null ? r : { ...r, copyOut: out.output };
    }
    default:
      throw pgErr.featureNotSupported(commandTag(raw.tag, s));
  }
}

/**
 * A statement whose WITH list holds INSERT / UPDATE / DELETE statements (modifying_with.ts):
 * runs each of them once, in order, as a statement of its own with the client's parameters,
 * then the main statement with each such CTE replaced by its RETURNING rows (bound as further
 * parameters after the client's). A CTE without RETURNING runs and is dropped from the list.
 * The command tag, rows and affected-row count are the main statement's, as PostgreSQL's.
 * @throws PgError 0A000 from checkModifyingWith before anything ran; 42P18 for a parameter no
 *   part types; the CTEs' own errors.
 */
function runWithModifyingCtes(env: SqlEnv, raw: RawStatement, params: readonly unknown[], cache: PreparedCache): StatementResult {
  const s = raw.stmt[raw.tag];
  const { types, parts } = describeModifyingWith(env, raw, cache);
  // The statement as a whole writes: refused under its own tag (a SELECT's is SELECT).
  preventCommandIfReadOnly(env, commandTag(raw.tag, s));
  const clientParams = types.length;
  const returned: Value[] = [];
  let next = clientParams + 1;
  const ctes: PgNode[] = [];
  let part = 0;
  for (const c of s.withClause.ctes as PgNode[]) {
    const cte = c.CommonTableExpr;
    const tag = dmlTagOf(cte.ctequery);
    if (tag === null) {
      ctes.push(c);
      continue;
    }
    const r = dispatch(env, parts[part++]!, params, cache, null);
    if ((cte.ctequery[tag].returningClause?.exprs ?? cte.ctequery[tag].returningList) === undefined) continue;
    ctes.push({ CommonTableExpr: { ...cte, ctequery: returnedRowsQuery(r.fields, r.rows.length, next) } });
    next += r.rows.length * r.fields.length;
    for (const row of r.rows) for (const v of row) returned.push(v as Value);
  }
  const mainRaw = withCtes(raw, ctes);
  // The client's parameters keep the types the whole statement gave them.
  cache.set(mainRaw.stmt, { version: -1, analyzed: null, declared: types });
  const a = prepare(env, mainRaw, cache);
  const zone = env.settings.timeZone();
  const values = [...boundValues(env, types, params, zone), ...returned];
  // The main statement's run finds its parameters converted already (boundValues).
  const all: unknown[] = [...params, ...returned];
  convertedParams.set(all, { types: a.paramTypes, zone, values });
  return dispatch(env, mainRaw, all, cache, null);
}

/** `raw` with its WITH list replaced by `ctes` (dropped when empty): a new tree, `raw` unchanged. */
function withCtes(raw: RawStatement, ctes: PgNode[]): RawStatement {
  const main: PgNode = { ...raw.stmt[raw.tag] };
  if (ctes.length > 0) main.withClause = { ...main.withClause, ctes };
  else delete main.withClause;
  return { tag: raw.tag, stmt: { [raw.tag]: main } };
}

/** What {@link describeModifyingWith} found for a statement tree, while the catalog and zone stay. */
interface ModifyingWithDescription {
  version: number;
  viewKey: number;
  settings: string;
  declared: readonly SqlType[];
  /** Every parameter's type ($1 first): declared, else inferred by the first part that types it. */
  types: SqlType[];
  /** The main statement's result columns (null: no rows). */
  fields: ResultField[] | null;
  /** The data-modifying WITH items' statements, in order, each its own analysis-cache key. */
  parts: RawStatement[];
}

const modifyingWithDescriptions = new WeakMap<object, ModifyingWithDescription>();

/**
 * Parse analysis of a statement with data-modifying WITH items, without running anything (the
 * extended protocol's Describe needs it, and each execution reads the types it found). As
 * PostgreSQL's parse analysis (one set of parameter types for the whole statement, typed by
 * the first part that types each): each INSERT / UPDATE / DELETE item is analyzed in order
 * with the parameter types the client declared and earlier items inferred, then the main
 * statement with each such item standing as an empty relation of its RETURNING columns. Each
 * item's statement is then analyzed (cached under a key of its own for this tree) with the
 * statement's final types, so its run converts the client's parameters as the whole does.
 * @throws PgError 0A000 from checkModifyingWith; 42P18 for a parameter no part types; the
 *   analysis errors of each part (42P01, 42703, ...).
 */
function describeModifyingWith(env: SqlEnv, raw: RawStatement, cache: PreparedCache): ModifyingWithDescription {
  const s = raw.stmt[raw.tag];
  const declared = cache.get(raw.stmt)?.declared ?? [];
  const settings = analysisSettings(env);
  const had = modifyingWithDescriptions.get(raw.stmt);
  if (had !== undefined && had.version === env.catalog.version && had.viewKey === env.catalog.viewKey() && had.settings === settings && sameTypes(had.declared, declared)) return had;
  checkModifyingWith(s, modifyingCtes(s), (name) => env.catalog.tableNames().filter((n) => (env.catalog.getTable(n)?.def.foreignKeys ?? []).some((f) => f.refTable === name)), (rv) => relationKeyOf(env, rv));
  const types: SqlType[] = [...declared];
  const merge = (found: readonly SqlType[]): void => {
    for (let i = 0; i < found.length; i++) if (types[i] === undefined || types[i] === 'unknown') types[i] = found[i]!;
  };
  const parts: RawStatement[] = had?.parts ?? [];
  const ctes: PgNode[] = [];
  let part = 0;
  for (const c of s.withClause.ctes as PgNode[]) {
    const cte = c.CommonTableExpr;
    const tag = dmlTagOf(cte.ctequery);
    if (tag === null) {
      ctes.push(c);
      continue;
    }
    // A wrapper of the item's own tree: the key of its analysis for this statement only (the
    // parser shares trees by SQL text, and another Parse may declare other types).
    const sub = (parts[part] ??= { tag, stmt: { [tag]: cte.ctequery[tag] } });
    part++;
    cache.set(sub.stmt, { version: -1, analyzed: null, declared: [...types] });
    const a = prepare(env, sub, cache, true);
    merge(a.paramTypes);
    if ((cte.ctequery[tag].returningClause?.exprs ?? cte.ctequery[tag].returningList) === undefined) continue;
    const dml = a.query as { returning: { name: string; expr: Expr }[] };
    ctes.push({ CommonTableExpr: { ...cte, ctequery: returnedRowsQuery(fieldsOf(env, dml.returning), 0, 0) } });
  }
  const main = describeStatement(env, withCtes(raw, ctes), [...types], cache);
  merge(main.paramTypes);
  for (const p of parts) cache.set(p.stmt, { version: -1, analyzed: null, declared: types });
  const out: ModifyingWithDescription = {
    version: env.catalog.version, viewKey: env.catalog.viewKey(), settings, declared, types, fields: main.fields, parts,
  };
  modifyingWithDescriptions.set(raw.stmt, out);
  return out;
}

/**
 * PREPARE name [(types)] AS statement (PostgreSQL's PrepareQuery): analyzes the statement with
 * the declared parameter types (their typmods ignored, as PostgreSQL's), inferring the rest, and
 * stores it in the session under `name`.
 * @throws PgError 0A000 for MERGE; the analysis' errors (42P01, 42703, 42P18 a parameter whose
 *   type nothing decides ...); 42P05 when the session already has a statement `name`.
 */
function prepareNamed(env: SqlEnv, s: PgNode, cache: PreparedCache): void {
  const tag = Object.keys(s.query)[0]!;
  if (!PREPARABLE.has(tag)) throw pgErr.featureNotSupported(`PREPARE of ${commandTag(tag, s.query[tag])}`);
  const declared = ((s.argtypes ?? []) as PgNode[]).map((t) => resolveTypeName(t.TypeName, (n) => enumTypeOf(env, n), (sc, n) => hasRowType(env, sc, n)).type);
  // A key of its own: parse trees are shared by SQL text, and its declared types are its own.
  const raw: RawStatement = { stmt: { [tag]: s.query[tag] }, tag };
  const d = describeStatement(env, raw, declared, cache);
  storePrepared(env, s.name as string, {
    // The query string the PREPARE came in, whole (other statements of it included), as
    // PostgreSQL keeps it for pg_prepared_statements.
    sql: env.activity.query,
    fromSql: true,
    prepareTimeUs: env.timestamps.statementUs,
    plans: { generic: 0, custom: 0 },
    raw,
    paramTypes: d.paramTypes,
    paramOids: d.paramTypes.map((t) => typeOid(t)),
    fields: d.fields,
  });
}

/**
 * The parameter values of EXECUTE `s` of `p` (prepared.ts executeParams), marked as converted
 * to `p`'s types so the execution takes them as they are (boundValues).
 */
function executeValues(env: SqlEnv, s: PgNode, p: PreparedStatement): Value[] {
  const values = executeParams(env, s.name as string, p, (s.params ?? []) as PgNode[]);
  if (values.length > 0) convertedParams.set(values, { types: p.paramTypes, zone: env.settings.timeZone(), values });
  return values;
}

/**
 * DISCARD ALL | PLANS | SEQUENCES | TEMP (PostgreSQL's DiscardCommand). ALL resets the session
 * as a connection pooler needs it: settings (RESET ALL), prepared statements (DEALLOCATE ALL),
 * LISTEN (UNLISTEN *), session-level advisory locks (pg_advisory_unlock_all), sequence state.
 * PLANS has nothing to drop that a user could see (cached plans are checked against the
 * catalog and settings at each use); TEMP has no temporary tables to drop (vecgres refuses
 * CREATE TEMP TABLE).
 * @throws PgError 25001 `DISCARD ALL cannot run inside a transaction block`.
 */
function discard(env: SqlEnv, target: string): StatementResult {
  switch (target) {
    case 'DISCARD_ALL':
      if (env.txn.inBlock) throw new PgError(SQLSTATE.active_sql_transaction, 'DISCARD ALL cannot run inside a transaction block');
      env.settings.resetAll();
      deallocate(env, null);
      env.cursors.clear();
      queueListen(env, null, false);
      advisoryCall(env, 'unlock_all', '', false, false);
      discardSequences(env);
      return done('DISCARD ALL');
    case 'DISCARD_PLANS':
      return done('DISCARD PLANS');
    case 'DISCARD_SEQUENCES':
      discardSequences(env);
      return done('DISCARD SEQUENCES');
    default:
      return done('DISCARD TEMP');
  }
}

/** Forgets currval and lastval (DISCARD SEQUENCES: ResetSequenceCaches). */
function discardSequences(env: SqlEnv): void {
  env.sequenceValues.currval.clear();
  env.sequenceValues.last = null;
}

/**
 * Opens the implicit transaction block that holds the statements of a multi-statement simple
 * query (PostgreSQL's BeginImplicitTransactionBlock): they commit together at its end, and an
 * error rolls all of them back. The engine calls it before each statement run outside a block.
 * `pipeline`: the block holds the extended protocol's messages up to Sync instead (TxnState.pipeline).
 */
export function beginImplicitBlock(env: SqlEnv, pipeline = false): void {
  const txn = env.txn;
  if (txn.inBlock) return;
  txn.inBlock = true;
  txn.implicit = true;
  txn.pipeline = pipeline;
  // The block's transaction starts now (StartTransaction's xactStartTimestamp): its statements
  // see inBlock already set, so none of them would set the timestamp now() reads.
  env.timestamps.transactionUs = wallClockUs(env.clock);
  env.lxid++;
  env.settings.beginTransaction();
}

/**
 * Ends the implicit block, if one is open: commits it (`commit`) or rolls it back. A commit
 * the log refuses rolls back and throws (endTransaction).
 */
export function endImplicitBlock(env: SqlEnv, commit: boolean): void {
  const txn = env.txn;
  if (!txn.inBlock || !txn.implicit) return;
  if (!commit || txn.failed) {
    rollback(env);
    return;
  }
  txn.inBlock = false;
  txn.implicit = false;
  try {
    endTransaction(env, true);
  } finally {
    env.settings.commitTransaction();
  }
  autoAnalyze(env);
}

/**
 * Analyzes `raw` (or reuses its cached analysis). `unknownOk`: a parameter left untyped is no
 * error (a part of a statement whose other parts may type it: describeModifyingWith).
 * @throws PgError 42P18 `could not determine data type of parameter $n` when a parameter's type
 *   is still unknown after analysis: never referenced below a higher-numbered one, or only where
 *   nothing types it (PostgreSQL's exec_parse_message checks every parameter the same way).
 */
function prepare(env: SqlEnv, raw: RawStatement, cache: PreparedCache, unknownOk = false): AnyAnalyzed {
  const hit = cache.get(raw.stmt);
  const analyzed = hit !== undefined && analysisFresh(env, hit) ? hit.analyzed! : analyzeStatement(env, raw, cache);
  const unknown = unknownOk ? -1 : analyzed.paramTypes.indexOf('unknown');
  if (unknown >= 0) throw new PgError(SQLSTATE.indeterminate_datatype, `could not determine data type of parameter $${unknown + 1}`);
  return analyzed;
}

/**
 * True when the cached analysis `hit` still holds: made under this catalog version, view of
 * the catalog, TimeZone and search_path, and, when it read the clock, in this transaction.
 */
/**
 * The settings an analysis depends on, as one string: TimeZone (timestamptz literals were read
 * and constants folded in it) and search_path (unqualified relation names were looked up on it).
 */
function analysisSettings(env: SqlEnv): string {
  return `${env.settings.get('TimeZone') as string}\0${env.settings.get('search_path') as string}`;
}

function analysisFresh(env: SqlEnv, hit: Prepared): boolean {
  return hit.analyzed !== null && hit.version === env.catalog.version && hit.viewKey === env.catalog.viewKey()
    && hit.settings === analysisSettings(env) && (hit.clockUs === undefined || hit.clockUs === env.timestamps.transactionUs);
}

function analyzeStatement(env: SqlEnv, raw: RawStatement, cache: PreparedCache): AnyAnalyzed {
  const s = raw.stmt[raw.tag];
  const declared = cache.get(raw.stmt)?.declared ?? [];
  const clock = env.analysisClock;
  const outerRead = clock.read;
  clock.read = false;
  let analyzed: AnyAnalyzed;
  let read: boolean;
  try {
    analyzed =
      raw.tag === 'SelectStmt'
        ? analyzeSelect(env, s, declared)
        : raw.tag === 'UpdateStmt'
          ? analyzeUpdate(env, s, (t, col) => columnDefaultExpr(env, t, col), declared)
          : raw.tag === 'DeleteStmt'
            ? analyzeDelete(env, s, declared)
            : analyzeInsert(env, s, (t, col) => columnDefaultExpr(env, t, col), declared);
  } finally {
    read = clock.read;
    clock.read = outerRead || read;
  }
  cache.set(raw.stmt, {
    version: env.catalog.version, viewKey: env.catalog.viewKey(), settings: analysisSettings(env), analyzed, declared,
    ...(read ? { clockUs: env.timestamps.transactionUs } : {}),
  });
  return analyzed;
}

/** What a client learns from Describe of a prepared statement, before it runs. */
export interface StatementDescription {
  /** Parameter types, declared or inferred ($1 first). */
  paramTypes: SqlType[];
  /** Result columns, or null for a statement that returns no rows (NoData). */
  fields: ResultField[] | null;
}

/**
 * Parse analysis of one statement for the extended protocol's Parse / Describe (PostgreSQL's
 * exec_parse_message + exec_describe_statement_message): the parameter types, with the ones
 * the client declared (`declared[i]`, 'unknown' for OID 0) taking precedence over inference,
 * and the result columns. Nothing runs. The analysis is cached on `raw.stmt` (with the declared
 * types, for re-analysis after DDL), so the statement's executions reuse it.
 * @throws PgError 25P02 in a failed transaction (except transaction control), 42P01 / 42703 ...
 *   as analysis finds them, 42P18 for a parameter whose type stays unknown.
 */
export function describeStatement(env: SqlEnv, raw: RawStatement, declared: readonly SqlType[], cache: PreparedCache): StatementDescription {
  try {
    return describeParsed(env, raw, declared, cache);
  } catch (e) {
    positionInCharacters(e, raw.source?.sql);
    throw e;
  }
}

function describeParsed(env: SqlEnv, raw: RawStatement, declared: readonly SqlType[], cache: PreparedCache): StatementDescription {
  env.catalog.viewer = env.txn;
  if (env.txn.failed && raw.tag !== 'TransactionStmt') {
    throw new PgError(SQLSTATE.in_failed_sql_transaction, 'current transaction is aborted, commands ignored until end of transaction block');
  }
  const s = raw.stmt[raw.tag];
  switch (raw.tag) {
    case 'SelectStmt':
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt': {
      if (declared.length > 0 && cache.get(raw.stmt)?.declared === undefined) cache.set(raw.stmt, { version: -1, analyzed: null, declared });
      if (modifyingCtes(s).length > 0) {
        const d = describeModifyingWith(env, raw, cache);
        return { paramTypes: d.types, fields: d.fields };
      }
      const a = prepare(env, raw, cache);
      const q = a.query;
      if (q.kind === 'select') return { paramTypes: a.paramTypes, fields: fieldsOf(env, q.targets, (e) => selectOrigin(q as SelectQuery, e)) };
      const dml = q as { returning: { name: string; expr: Expr }[] | null; table: Table; scan?: SelectQuery };
      const origin = dml.scan === undefined ? returningOrigin(dml.table) : (e: Expr): Origin => selectOrigin(dml.scan!, e);
      return { paramTypes: a.paramTypes, fields: dml.returning === null ? null : fieldsOf(env, dml.returning, origin) };
    }
    case 'ExplainStmt': {
      const inner = s.query;
      const tag = Object.keys(inner)[0]!;
      const d = ['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt'].includes(tag) ? describeStatement(env, { stmt: inner, tag }, declared, cache) : { paramTypes: [...declared] };
      const json = explainOptions(s).format === 'json';
      return { paramTypes: d.paramTypes, fields: [{ name: 'QUERY PLAN', dataTypeID: json ? 114 : TYPE_OID.text, type: 'text' }] };
    }
    case 'VariableShowStmt': {
      if (s.name === 'all') throw pgErr.featureNotSupported('SHOW ALL');
      const { name } = env.settings.show(s.name as string);
      return { paramTypes: [...declared], fields: [{ name, dataTypeID: TYPE_OID.text, type: 'text' }] };
    }
    case 'DeclareCursorStmt': {
      // The query's parameters (a driver may bind values into a cursor's query); no rows.
      const inner = s.query as PgNode;
      const d = describeStatement(env, { stmt: inner, tag: Object.keys(inner)[0]! }, declared, cache);
      return { paramTypes: d.paramTypes, fields: null };
    }
    case 'FetchStmt': {
      // The cursor's columns (UtilityTupleDescriptor); none for MOVE or an unknown cursor.
      const c = s.ismove === true ? undefined : env.cursors.get(String(s.portalname ?? ''));
      return { paramTypes: [...declared], fields: c === undefined ? null : [...c.fields] };
    }
    case 'ExecuteStmt': {
      // The prepared statement's columns (FetchPreparedStatementResultDesc); none while the
      // name is unknown, which the execution then reports.
      const fields = env.preparedStatements.get(s.name as string)?.fields;
      return { paramTypes: [...declared], fields: fields === undefined || fields === null ? null : [...fields] };
    }
    default:
      return { paramTypes: [...declared], fields: null };
  }
}

/**
 * Parameter values {@link cachedSelectPlan} converted, by the client's array (a portal's, which
 * the execution then passes): the execution reuses them instead of converting the same text
 * again (a 100-d vector's text costs about 60 us). Weak: an entry goes with its array.
 */
const convertedParams = new WeakMap<readonly unknown[], { types: readonly SqlType[]; zone: TimeZone; values: Value[] }>();

/**
 * The parameter values of an execution: those Bind ({@link convertBindParams}) or the look-ahead
 * ({@link cachedSelectPlan}) converted from the same array for the same types and zone, else
 * converted now.
 */
function boundValues(env: SqlEnv, types: readonly SqlType[], params: readonly unknown[], zone: TimeZone): Value[] {
  const c = convertedParams.get(params);
  if (c !== undefined && c.zone === zone && sameTypes(c.types, types)) return c.values;
  return paramValues(env, types, params, zone);
}

function sameTypes(a: readonly SqlType[], b: readonly SqlType[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Bind's input step (PostgreSQL's exec_bind_message calls the parameter types' input
 * functions): the client's parameter values converted to `types`, the prepared statement's
 * parameter types, in the session's zone, and kept for the execution of the same array. A value
 * that does not convert fails here, in reply to Bind, before any Execute.
 * @throws PgError the input function's error (22P02, 22003, 22000, ...); 08P01 on a count mismatch.
 */
export function convertBindParams(env: SqlEnv, types: readonly SqlType[], params: readonly unknown[]): void {
  if (params.length === 0) return;
  const zone = env.settings.timeZone();
  const ahead = clockAhead(env);
  const values = paramValues(env, types, params, zone, ahead.clock);
  if (!ahead.read) convertedParams.set(params, { types, zone, values });
}

/**
 * The clock of a conversion made before the statement's transaction starts (Bind, a search
 * started ahead): a `'now'` read through it is noted, and the values are then not kept, so the
 * execution converts them again at its transaction's start (where PostgreSQL's Bind runs).
 */
function clockAhead(env: SqlEnv): { clock: () => bigint; read: boolean } {
  const ahead = {
    read: false,
    clock: (): bigint => {
      ahead.read = true;
      return env.timestamps.transactionUs;
    },
  };
  return ahead;
}

/**
 * The cached plan of a SELECT that its next execution with `params` will run, and the
 * parameter values converted, without running or planning anything (exec/knn_ahead.ts looks
 * ahead at it); null when there is none (not a SELECT, not analyzed or planned yet, stale, a
 * failed transaction, parameters that do not convert: the execution reports those).
 */
export function cachedSelectPlan(env: SqlEnv, raw: RawStatement, params: readonly unknown[], cache: PreparedCache): { stmt: PlannedStmt; values: Value[] } | null {
  if (raw.tag !== 'SelectStmt' || env.txn.failed) return null;
  const hit = cache.get(raw.stmt);
  if (hit === undefined || hit.analyzed === null || hit.analyzed.paramTypes.includes('unknown')) return null;
  env.catalog.viewer = env.txn;
  if (!analysisFresh(env, hit)) return null;
  try {
    const zone = env.settings.timeZone();
    const ahead = clockAhead(env);
    const values = paramValues(env, hit.analyzed.paramTypes, params, zone, ahead.clock);
    if (ahead.read) return null;
    if (params.length > 0) convertedParams.set(params, { types: hit.analyzed.paramTypes, zone, values });
    // Planned here when this session has no valid plan yet: the execution then reuses it.
    return { stmt: selectPlan(env, hit, hit.analyzed.query as SelectQuery, values).stmt, values };
  } catch {
    return null;
  }
}

/** This session's cached plan of a SELECT for `values`, planned (and kept) when it has none valid. */
function selectPlan(env: SqlEnv, prep: Prepared, query: SelectQuery, values: readonly Value[]): CachedPlan {
  const plans = (prep.plans ??= new WeakMap());
  let plan = plans.get(env.settings);
  if (plan === undefined || !cachedPlanValid(env, plan, values)) {
    plan = planSelectCached(env, query, values);
    plans.set(env.settings, plan);
  }
  return plan;
}

/**
 * The client's parameter values converted to the types the statement inferred.
 * @throws PgError 08P01 when their number differs from the statement's.
 */
function paramValues(env: SqlEnv, types: readonly SqlType[], params: readonly unknown[], zone: TimeZone, clock: DateTimeClock = env.transactionClock): Value[] {
  if (params.length !== types.length && !(params.length > types.length && types.length === 0 && params.length === 0)) {
    if (params.length < types.length || params.length > types.length) {
      throw new PgError(
        SQLSTATE.protocol_violation,
        `bind message supplies ${params.length} parameters, but prepared statement "" requires ${types.length}`,
      );
    }
  }
  const values: Value[] = new Array(types.length);
  // A reg* parameter may name an object (`'items'` for a regclass): its input reads the catalog.
  const reg = types.some((t) => t.startsWith('reg') || hasEnumElements(t)) ? regCatalog(env) : undefined;
  for (let i = 0; i < types.length; i++) values[i] = coerceParam(params[i], types[i]!, zone, reg, clock);
  return values;
}

/**
 * Converts a client parameter to the type the statement inferred for it. Vectors accept a
 * Float32Array (used as is), a number[] or pgvector text; numbers accept numbers, bigints or
 * text; everything else is converted from its text form.
 * @throws PgError 22P02 etc. when the value does not convert.
 */
export function coerceParam(v: unknown, type: SqlType, zone: TimeZone, reg?: RegCatalog, clock?: DateTimeClock): Value {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'vector':
      // Checked like vector_in (a Float32Array holding NaN must not reach a table), but
      // never through text: a 1,536-d number[] costs one copy.
      if (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) return vectorFromNumbers(v as unknown as ArrayLike<unknown>);
      return parseVector(String(v));
    case 'int2':
      if (typeof v === 'number' && Number.isInteger(v) && v >= -32768 && v <= 32767) return v;
      return valueFromText(String(v), 'int2', -1, zone);
    case 'uuid':
      return valueFromText(String(v), 'uuid', -1, zone);
    case 'int4':
      if (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) return v;
      return valueFromText(String(v), 'int4', -1, zone);
    case 'int8':
      if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
      if (typeof v === 'bigint') return toInt8(v);
      return valueFromText(String(v), 'int8', -1, zone);
    case 'float4':
      if (typeof v === 'number') return Math.fround(v);
      return valueFromText(String(v), 'float4', -1, zone);
    case 'float8':
      if (typeof v === 'number') return v;
      return valueFromText(String(v), type, -1, zone);
    case 'numeric':
      // As PGlite sends a JS number: its text, read by numeric_in.
      if (v instanceof Numeric) return v;
      if (typeof v === 'bigint') return Numeric.fromInt(v);
      return valueFromText(String(v), type, -1, zone);
    case 'bool':
      if (typeof v === 'boolean') return v;
      return valueFromText(String(v), 'bool', -1, zone);
    case 'text':
    case 'unknown':
      if (v instanceof Float32Array) return formatVector(v);
      if (typeof v === 'string') return v;
      if (Array.isArray(v)) return `{${v.join(',')}}`;
      return String(v);
    case 'varchar':
    case 'bpchar':
      // The column's length is applied by the assignment, as for PostgreSQL's parameters.
      return typeof v === 'string' ? v : String(v);
    case 'jsonb':
    case 'json': {
      // As PGlite serializes a parameter for a json column: strings as they are, other values
      // through JSON.stringify.
      if (v instanceof Jsonb) return type === 'jsonb' ? v : v.toString();
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      return valueFromText(text, type, -1, zone);
    }
    case 'bytea':
      if (v instanceof Uint8Array) return v.slice();
      return valueFromText(String(v), 'bytea', -1, zone);
    case 'halfvec':
      if (v instanceof Uint16Array) return parseHalfvec(formatHalfvec(v));
      if (Array.isArray(v) || ArrayBuffer.isView(v)) return parseHalfvec(formatVector(Float32Array.from(v as ArrayLike<number>)));
      return parseHalfvec(String(v));
    case 'sparsevec':
      if (v instanceof SparseVector) return parseSparsevec(formatSparsevec(v));
      if (Array.isArray(v) || ArrayBuffer.isView(v)) return vectorToSparsevec(parseVector(formatVector(Float32Array.from(v as ArrayLike<number>))));
      return parseSparsevec(String(v));
    case 'bit':
    case 'varbit':
      if (v instanceof BitString) return v;
      return parseBit(String(v), -1, type === 'varbit');
    case 'timestamp':
    case 'timestamptz':
    case 'date':
      // As PGlite serializes a Date parameter (and a number, as epoch milliseconds): its
      // toISOString() text.
      if (typeof v === 'number' && Number.isFinite(v)) v = new Date(v);
      return valueFromText(v instanceof Date ? v.toISOString() : String(v), type, -1, zone, undefined, clock);
    case 'interval':
      if (v instanceof Interval) return v;
      return valueFromText(String(v), type, -1, zone);
    case 'time':
    case 'timetz':
      // PGlite sends a time parameter as its text.
      return valueFromText(String(v), type, -1, zone, undefined, clock);
    case 'oid':
    case 'regclass':
    case 'regtype':
    case 'regproc':
    case 'regprocedure':
    case 'regnamespace':
      // As PGlite serializes a number: its text, read by the input function (a name through
      // the catalog, as a literal is).
      return valueFromText(String(v), type, -1, zone, reg);
    default: {
      // An enum label, read by enum_in through the catalog.
      if (isEnumSqlType(type)) return valueFromText(String(v), type, -1, zone, reg);
      // Arrays: a JS array (nested for several dimensions), a typed array, or array text.
      if (typeof v === 'string') return valueFromText(v, type, -1, zone, reg, clock);
      const elem = elemTypeOf(type);
      if (ArrayBuffer.isView(v)) v = Array.from(v as unknown as ArrayLike<number>);
      if (!Array.isArray(v)) return valueFromText(String(v), type, -1, zone, reg);
      const dims: number[] = [];
      for (let x: unknown = v; Array.isArray(x); x = x[0]) dims.push(x.length);
      const flat = (v as unknown[]).flat(dims.length - 1 as 1) as unknown[];
      return new PgArray(elem, flat.length === 0 ? [] : dims, flat.map((x) => coerceParam(x, elem, zone, reg, clock) as ArrayElement));
    }
  }
}

function transaction(env: SqlEnv, s: PgNode): StatementResult {
  const txn = env.txn;
  switch (s.kind) {
    case 'TRANS_STMT_BEGIN':
    case 'TRANS_STMT_START': {
      if (txn.failed) {
        throw new PgError(SQLSTATE.in_failed_sql_transaction, 'current transaction is aborted, commands ignored until end of transaction block');
      }
      const { level, readOnly } = transactionOptions(s.options);
      // PostgreSQL's tag names the statement: START TRANSACTION is not BEGIN.
      const tag = s.kind === 'TRANS_STMT_START' ? 'START TRANSACTION' : 'BEGIN';
      if (txn.implicit) {
        // BEGIN inside a multi-statement query makes its implicit block explicit: the
        // statements before it belong to the transaction (xact.c, TBLOCK_IMPLICIT_INPROGRESS).
        txn.implicit = false;
        setTransactionOptions(env, level, readOnly);
        return done(tag);
      }
      if (txn.inBlock) return done(tag, [notice(SQLSTATE.active_sql_transaction, 'there is already a transaction in progress', 'WARNING')]);
      txn.inBlock = true;
      txn.snapshotTaken = false;
      env.settings.beginTransaction();
      const initial = level ?? String(env.settings.get('default_transaction_isolation'));
      if (initial !== 'read committed') env.settings.set('transaction_isolation', initial, true);
      setTransactionOptions(env, null, readOnly);
      return done(tag);
    }
    case 'TRANS_STMT_COMMIT': {
      if (!txn.inBlock) return done('COMMIT', [noTransaction()]);
      if (txn.implicit) {
        // PostgreSQL commits an implicit block at COMMIT, warning that no BEGIN opened it.
        endImplicitBlock(env, true);
        return done('COMMIT', [noTransaction()]);
      }
      if (txn.failed) {
        // COMMIT of a failed transaction rolls it back and says so in its command tag.
        rollback(env);
        return done('ROLLBACK');
      }
      txn.inBlock = false;
      try {
        endTransaction(env, true);
      } finally {
        env.settings.commitTransaction();
      }
      autoAnalyze(env);
      return done('COMMIT');
    }
    case 'TRANS_STMT_ROLLBACK': {
      if (!txn.inBlock || txn.implicit) {
        // ROLLBACK in an implicit block rolls it back, with the same warning as outside one.
        if (txn.implicit) rollback(env);
        return done('ROLLBACK', [noTransaction()]);
      }
      rollback(env);
      return done('ROLLBACK');
    }
    case 'TRANS_STMT_SAVEPOINT':
    case 'TRANS_STMT_RELEASE':
    case 'TRANS_STMT_ROLLBACK_TO':
      return savepointStatement(env, s.kind, String(s.savepoint_name));
    default:
      if (txn.failed) {
        throw new PgError(SQLSTATE.in_failed_sql_transaction, 'current transaction is aborted, commands ignored until end of transaction block');
      }
      throw pgErr.featureNotSupported(String(s.kind).replace('TRANS_STMT_', '').replace('_', ' '));
  }
}

/**
 * SAVEPOINT, RELEASE [SAVEPOINT] and ROLLBACK TO [SAVEPOINT] (PostgreSQL's DefineSavepoint,
 * ReleaseSavepoint, RollbackToSavepoint). A savepoint is a mark in the transaction's writes
 * and a copy of its settings; ROLLBACK TO undoes the row changes, DDL and SETs after it (logged,
 * so recovery undoes the same), keeps the savepoint and leaves the failed state. An error here
 * inside a block fails the block, as any error does.
 * @throws PgError 25P01 outside a transaction block (an implicit one included), 25P02 for
 *   SAVEPOINT or RELEASE in a failed block, 3B001 `savepoint "x" does not exist`.
 */
function savepointStatement(env: SqlEnv, kind: string, name: string): StatementResult {
  const txn = env.txn;
  const what = kind === 'TRANS_STMT_SAVEPOINT' ? 'SAVEPOINT' : kind === 'TRANS_STMT_RELEASE' ? 'RELEASE SAVEPOINT' : 'ROLLBACK TO SAVEPOINT';
  if (!txn.inBlock || txn.implicit) {
    const e = new PgError(SQLSTATE.no_active_sql_transaction, `${what} can only be used in transaction blocks`);
    if (txn.implicit) txn.failed = true;
    throw e;
  }
  try {
    if (txn.failed && kind !== 'TRANS_STMT_ROLLBACK_TO') {
      throw new PgError(SQLSTATE.in_failed_sql_transaction, 'current transaction is aborted, commands ignored until end of transaction block');
    }
    if (kind === 'TRANS_STMT_SAVEPOINT') {
      txn.savepoints.push({
        name, mark: txn.writes.length, lockMark: txn.xid === 0 ? 0 : env.catalog.rowLocks.mark(txn.xid), settings: env.settings.mark(), notifyMark: notifyMark(env),
        advisoryMark: env.catalog.advisoryLocks.xactMark(env.pid),
      });
      return done('SAVEPOINT');
    }
    let at = -1;
    for (let i = txn.savepoints.length - 1; i >= 0; i--) if (txn.savepoints[i]!.name === name) { at = i; break; }
    if (at < 0) throw new PgError('3B001', `savepoint "${name}" does not exist`);
    const sp = txn.savepoints[at]!;
    if (kind === 'TRANS_STMT_RELEASE') {
      cursorsAtRelease(env, at);
      txn.savepoints.length = at;
      return done('RELEASE');
    }
    rollbackWritesTo(env, sp.mark);
    // Row locks taken after the savepoint go with it (PostgreSQL's subtransaction aborts).
    if (txn.xid !== 0) env.catalog.rowLocks.releaseSince(txn.xid, sp.lockMark ?? 0);
    // So do transaction-level advisory locks (session-level ones stay, as in PostgreSQL).
    env.catalog.advisoryLocks.releaseXactSince(env.pid, sp.advisoryMark ?? 0);
    env.settings.rollbackToMark(sp.settings);
    rollbackNotifyTo(env, sp.notifyMark);
    cursorsAtRollbackTo(env, at);
    txn.savepoints.length = at + 1;
    txn.failed = false;
    return done('ROLLBACK');
  } catch (e) {
    txn.failed = true;
    throw e;
  }
}

/** The current transaction's isolation level and read-only mode, where given (null: unchanged). */
function setTransactionOptions(env: SqlEnv, level: string | null, readOnly: boolean | null): void {
  if (level !== null) env.settings.set('transaction_isolation', level, true);
  if (readOnly !== null) env.settings.set('transaction_read_only', readOnly ? 'on' : 'off', true);
}

/**
 * The options of BEGIN / START TRANSACTION / SET TRANSACTION / SET SESSION CHARACTERISTICS.
 * vecgres provides one isolation level, read committed (READ UNCOMMITTED is read committed, as
 * in PostgreSQL); REPEATABLE READ and SERIALIZABLE are refused rather than given weaker
 * guarantees. READ ONLY / READ WRITE set the mode (a read-only transaction refuses writes with
 * 25006). [NOT] DEFERRABLE has no effect outside SERIALIZABLE READ ONLY, as in PostgreSQL, and
 * is accepted. Returns the isolation level and mode named, or null for each.
 * @throws PgError 0A000 naming the level.
 */
function transactionOptions(options: PgNode[] | undefined): { level: string | null; readOnly: boolean | null } {
  let level: string | null = null;
  let readOnly: boolean | null = null;
  for (const o of options ?? []) {
    const d = o.DefElem;
    const arg = d.arg?.A_Const;
    switch (d.defname) {
      case 'transaction_isolation': {
        level = String(arg?.sval?.sval ?? '');
        if (level !== 'read committed' && level !== 'read uncommitted') throw pgErr.featureNotSupported(`transaction isolation level ${level.toUpperCase()}`);
        break;
      }
      case 'transaction_read_only':
        readOnly = (arg?.ival?.ival ?? 0) !== 0;
        break;
      case 'transaction_deferrable':
        break;
      default:
        throw pgErr.featureNotSupported(`transaction option ${String(d.defname)}`);
    }
  }
  return { level, readOnly };
}

/** WARNING 25P01 for COMMIT or ROLLBACK outside a transaction block. */
function noTransaction(): PgError {
  return notice(SQLSTATE.no_active_sql_transaction, 'there is no transaction in progress', 'WARNING');
}

/** Undoes the transaction's writes and settings; used by ROLLBACK and by the embedded API. */
export function rollback(env: SqlEnv): void {
  endTransaction(env, false);
  env.txn.inBlock = false;
  env.txn.implicit = false;
  env.txn.failed = false;
  env.settings.rollbackTransaction();
}

function setArgText(a: PgNode): string {
  const c = a.A_Const;
  if (c !== undefined) {
    if (c.ival !== undefined) return String(c.ival.ival ?? 0);
    if (c.fval !== undefined) return String(c.fval.fval);
    if (c.sval !== undefined) return String(c.sval.sval ?? '');
    if (c.boolval !== undefined) return c.boolval.boolval ? 'on' : 'off';
  }
  if (a.TypeCast !== undefined) return setArgText(a.TypeCast.arg);
  throw pgErr.featureNotSupported('this SET value');
}

/**
 * `SET TIME ZONE INTERVAL '+02:00' HOUR TO MINUTE`: the fixed zone of that offset (east), named
 * as PostgreSQL's check_timezone names it (`<+02>-02`).
 * @throws PgError 22023 for an interval with months or days.
 */
function zoneIntervalText(cast: PgNode): string {
  const names = ((cast.typeName?.names ?? []) as PgNode[]).map((n) => String(n.String?.sval ?? ''));
  if (names[names.length - 1] !== 'interval') return setArgText(cast.arg);
  const iv = parseInterval(setArgText(cast.arg));
  // check_timezone's messages, with the value as flatten_set_variable_args spells it.
  const bad = (detail: string) => new PgError(SQLSTATE.invalid_parameter_value, `invalid value for parameter "TimeZone": "INTERVAL '${formatInterval(iv)}'"`, { detail });
  if (iv.months !== 0) throw bad('Cannot specify months in time zone interval.');
  if (iv.days !== 0) throw bad('Cannot specify days in time zone interval.');
  return offsetZoneName(Number(iv.us / 1_000_000n));
}

function setStatement(env: SqlEnv, s: PgNode): StatementResult {
  const settings = env.settings;
  switch (s.kind) {
    case 'VAR_SET_VALUE': {
      if (s.name === 'transaction' || s.name === 'session characteristics') throw pgErr.featureNotSupported('SET TRANSACTION');
      const args: PgNode[] = s.args ?? [];
      const text = String(s.name).toLowerCase() === 'timezone' && args.length === 1 && args[0]!.TypeCast !== undefined ? zoneIntervalText(args[0]!.TypeCast) : args.map(setArgText).join(', ');
      const notices: Notices = [];
      if (s.is_local && !env.txn.inBlock) notices.push(notice(SQLSTATE.no_active_sql_transaction, 'SET LOCAL can only be used in transaction blocks', 'WARNING'));
      // transaction_isolation belongs to the transaction (xact.c sets it at each start): a SET
      // of it lasts until the transaction ends, and does nothing outside a block.
      settings.set(s.name, text, s.is_local === true || String(s.name).toLowerCase() === 'transaction_isolation');
      return done('SET', notices);
    }
    case 'VAR_SET_DEFAULT':
      settings.set(s.name, null, s.is_local === true);
      return done('SET');
    case 'VAR_RESET':
      settings.reset(s.name);
      return done('RESET');
    case 'VAR_RESET_ALL':
      settings.resetAll();
      return done('RESET');
    case 'VAR_SET_MULTI':
      throw pgErr.featureNotSupported(`SET ${String(s.name).toUpperCase()}`);
    default:
      throw pgErr.featureNotSupported(`SET ${String(s.kind)}`);
  }
}

/**
 * EXPLAIN options as PostgreSQL parses them (defaults: COSTS on, TIMING on under ANALYZE,
 * SUMMARY on under ANALYZE, FORMAT TEXT).
 * @throws PgError 22023 for an unknown option or value, 0A000 for FORMAT XML / YAML.
 */
function explainOptions(s: PgNode): ExplainOptions {
  const o: ExplainOptions = { analyze: false, verbose: false, costs: true, timing: true, summary: false, buffers: false, format: 'text' };
  let timingSet = false;
  let summarySet = false;
  for (const d of (s.options ?? []) as PgNode[]) {
    const name = String(d.DefElem.defname);
    const arg = d.DefElem.arg;
    const raw: string | undefined = arg === undefined ? undefined : String(arg.String?.sval ?? arg.A_Const?.sval?.sval ?? arg.A_Const?.ival?.ival ?? arg.Integer?.ival ?? arg.A_Const?.boolval?.boolval ?? '').toLowerCase();
    const at = typeof d.DefElem.location === 'number' ? { position: d.DefElem.location + 1 } : {};
    const bool = (): boolean => {
      if (raw === undefined) return true;
      if (['true', 'on', '1', 'yes'].includes(raw)) return true;
      if (['false', 'off', '0', 'no'].includes(raw)) return false;
      throw new PgError(SQLSTATE.syntax_error, `${name} requires a Boolean value`);
    };
    switch (name) {
      case 'analyze': o.analyze = bool(); break;
      case 'verbose': o.verbose = bool(); break;
      case 'costs': o.costs = bool(); break;
      case 'timing': o.timing = bool(); timingSet = true; break;
      case 'summary': o.summary = bool(); summarySet = true; break;
      case 'buffers': o.buffers = bool(); break;
      case 'settings':
      case 'wal':
      case 'memory':
      case 'serialize':
      case 'generic_plan':
        throw pgErr.featureNotSupported(`EXPLAIN option ${name.toUpperCase()}`);
      case 'format':
        if (raw === 'text' || raw === 'json') o.format = raw;
        else if (raw === 'xml' || raw === 'yaml') throw pgErr.featureNotSupported(`EXPLAIN (FORMAT ${raw.toUpperCase()})`);
        else throw new PgError(SQLSTATE.invalid_parameter_value, `unrecognized value for EXPLAIN option "format": "${raw}"`, at);
        break;
      default:
        throw new PgError(SQLSTATE.syntax_error, `unrecognized EXPLAIN option "${name}"`, at);
    }
  }
  if (!timingSet) o.timing = o.analyze;
  else if (o.timing && !o.analyze) throw new PgError(SQLSTATE.invalid_parameter_value, 'EXPLAIN option TIMING requires ANALYZE');
  if (!summarySet) o.summary = o.analyze;
  return o;
}

/**
 * EXPLAIN [ANALYZE] of a SELECT, INSERT, UPDATE or DELETE: plans it (and runs it, under
 * ANALYZE, with its effects) and prints the plan.
 * @throws PgError 0A000 for other statements.
 */
function explain(env: SqlEnv, s: PgNode, params: readonly unknown[], cache: PreparedCache): StatementResult {
  const opts = explainOptions(s);
  const raw: RawStatement = { stmt: s.query, tag: Object.keys(s.query)[0]! };
  if (raw.tag !== 'ExecuteStmt') return explainStatement(env, opts, raw, params, cache);
  // EXPLAIN EXECUTE: the prepared statement's plan for these argument values (a planning
  // pg_prepared_statements counts, as PostgreSQL's ExplainExecuteQuery gets a cached plan).
  const e = s.query.ExecuteStmt;
  const p = lookupPrepared(env, e.name as string);
  const values = executeValues(env, e, p);
  const prepared = p.raw;
  if (prepared === null) throw pgErr.featureNotSupported('EXPLAIN of an empty prepared statement');
  return runCountingPlan(env, p, values.length, () => explainStatement(env, opts, prepared, values, cache));
}

/** EXPLAIN of the SELECT, INSERT, UPDATE or DELETE `raw` with `params` (see {@link explain}). */
function explainStatement(env: SqlEnv, opts: ExplainOptions, raw: RawStatement, params: readonly unknown[], cache: PreparedCache): StatementResult {
  const tag = raw.tag;
  if (tag === 'InsertStmt' || tag === 'UpdateStmt' || tag === 'DeleteStmt') {
    const a = prepare(env, raw, cache) as Analyzed<InsertQuery | UpdateQuery | DeleteQuery>;
    const values = boundValues(env, a.paramTypes, params, env.settings.timeZone());
    return explainResult(opts, explainModify(env, opts, a.query, values, systemClock));
  }
  if (tag !== 'SelectStmt') throw pgErr.featureNotSupported(`EXPLAIN of ${commandTag(tag, raw.stmt[tag])}`);
  const clock = systemClock;
  const t0 = clock.nowMs();
  const a = prepare(env, raw, cache) as Analyzed<SelectQuery>;
  const values = boundValues(env, a.paramTypes, params, env.settings.timeZone());
  const stmt = planSelect(env, a.query, values, { verbose: opts.verbose });
  env.lastPlan = stmt.plan;
  const planningMs = clock.nowMs() - t0;
  let lookup: ((p: PlanNode) => Instrumentation | undefined) | null = null;
  let executionMs: number | null = null;
  if (opts.analyze) {
    const t1 = clock.nowMs();
    const probe = new ExplainProbe(opts.timing ? clock : null);
    runStatement(env, stmt, values, probe);
    executionMs = clock.nowMs() - t1;
    lookup = probe.lookup();
  }
  return explainResult(opts, explainOutput(stmt, opts, lookup, opts.summary ? { planningMs, executionMs } : null));
}

/** EXPLAIN's result: one `QUERY PLAN` row per line (json for FORMAT JSON). */
function explainResult(opts: ExplainOptions, lines: string[]): StatementResult {
  return {
    command: 'EXPLAIN',
    fields: [{ name: 'QUERY PLAN', dataTypeID: opts.format === 'json' ? 114 : TYPE_OID.text, type: 'text' }],
    rows: lines.map((l) => [l]),
    affectedRows: 0,
    notices: [],
  };
}

/** The catalog key range variable `rv` names (its own name when its schema holds no relation of vecgres'). */
function relationKeyOf(env: SqlEnv, rv: PgNode): string {
  return referencedRelation(env, rv.schemaname === undefined ? [rv.relname] : [rv.schemaname, rv.relname]).key ?? (rv.relname as string);
}
