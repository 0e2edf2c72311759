/**
 * SQL-level cursors (PostgreSQL's portalcmds.c and the FETCH half of pquery.c): DECLARE,
 * FETCH, MOVE and CLOSE, and what transaction ends and savepoints do to them (portalmem.c's
 * AtCommit_Portals, AtAbort_Portals, AtSubAbort_Portals).
 *
 *   BEGIN;
 *   DECLARE c SCROLL CURSOR FOR SELECT id FROM items ORDER BY id;
 *   FETCH 2 FROM c;        -- rows 1 and 2, tag FETCH 2
 *   FETCH PRIOR FROM c;    -- row 1
 *   MOVE LAST IN c;        -- MOVE 1
 *   CLOSE c;
 *
 * The query runs once, at DECLARE, and its rows are kept (vecgres's executor runs a plan to
 * completion): a cursor is what PostgreSQL's holdable cursor is after its commit, a tuple store
 * with a position. The rows are those the query sees at DECLARE (PostgreSQL's snapshot there),
 * so FETCH answers as PostgreSQL does; what differs is when the query's own run-time errors
 * (a division by zero in the fifth row) and volatile functions happen: at DECLARE here, at the
 * FETCH that reaches the row in PostgreSQL.
 *
 * Movement follows DoPortalRunFetch and PortalRunSelect step by step (portalPos, atStart and
 * atEnd, and the store's own position), so that counts, end positions and the "cursor can only
 * scan forward" errors of a NO SCROLL cursor are PostgreSQL's. A cursor declared without SCROLL
 * or NO SCROLL scrolls when its plan could run backward (ExecSupportsBackwardScan, asked of
 * vecgres's plan, which mirrors PostgreSQL's node for node in the cases tested; where the plans
 * differ, so may the answer to a backward FETCH).
 */
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import type { Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import type { PgNode } from '../parser/parse.js';
import type { PlanNode } from '../plan/plan.js';
import type { ResultField, StatementResult } from './statement.js';

/** DeclareCursorStmt's option bits (parsenodes.h CURSOR_OPT_*). */
const OPT = { binary: 0x1, scroll: 0x2, noScroll: 0x4, insensitive: 0x8, asensitive: 0x10, hold: 0x20 } as const;

/** One open cursor of a session. */
export interface SqlCursor {
  readonly name: string;
  /** The whole query string the DECLARE came in (pg_cursors.statement, PostgreSQL's sourceText). */
  readonly statement: string;
  /** The DECLARE's statement start (pg_cursors.creation_time: µs since 2000-01-01 UTC). */
  readonly creationTimeUs: bigint;
  /** Result columns of every FETCH. */
  readonly fields: ResultField[];
  /** The query's rows, in order (the tuple store). */
  readonly rows: Value[][];
  /** Backward movement allowed (SCROLL, or the plan supports it); false: NO SCROLL. */
  readonly scroll: boolean;
  /** WITH HOLD: survives the COMMIT of its transaction. */
  readonly holdable: boolean;
  /**
   * Savepoints open when it was declared (txn.savepoints.length): ROLLBACK TO a savepoint
   * set before it closes it; null once its transaction committed (a held cursor), which no
   * rollback closes.
   */
  depth: number | null;
  /** The store's position: 0 before the first row, i on row i (from 1), rows + 1 after the last. */
  at: number;
  /** PostgreSQL's portalPos, atStart and atEnd (what ABSOLUTE and MOVE BACKWARD ALL read). */
  portalPos: number;
  atStart: boolean;
  atEnd: boolean;
  /** A FETCH or MOVE failed on it (MarkPortalFailed): it cannot be run again. */
  failed: boolean;
}

/**
 * DECLARE: checks the statement, runs its query with `run` (the statement layer's SELECT
 * execution, which leaves its plan in env.lastPlan) and opens the cursor.
 * @throws PgError 25P01 outside a transaction block without WITH HOLD; 42P03 for a name in
 *   use; 42P11 for SCROLL with NO SCROLL or INSENSITIVE with ASENSITIVE; 0A000 for BINARY,
 *   FOR UPDATE / SHARE and data-modifying WITH; the query's own errors.
 */
export function declareCursor(env: SqlEnv, s: PgNode, run: (query: PgNode) => StatementResult): void {
  const name = String(s.portalname ?? '');
  const options = Number(s.options ?? 0);
  const holdable = (options & OPT.hold) !== 0;
  // RequireTransactionBlock: the implicit block of a multi-statement query counts as one, the
  // extended protocol's messages up to Sync do not.
  if (!holdable && (!env.txn.inBlock || (env.txn.implicit && env.txn.pipeline === true))) throw new PgError(SQLSTATE.no_active_sql_transaction, 'DECLARE CURSOR can only be used in transaction blocks');
  // PostgreSQL looks the name up before it analyzes the query (PerformCursorOpen).
  if (env.cursors.has(name)) throw new PgError(SQLSTATE.duplicate_cursor, `cursor "${name}" already exists`);
  if ((options & OPT.scroll) !== 0 && (options & OPT.noScroll) !== 0) throw new PgError(SQLSTATE.invalid_cursor_definition, 'cannot specify both SCROLL and NO SCROLL');
  if ((options & OPT.insensitive) !== 0 && (options & OPT.asensitive) !== 0) throw new PgError(SQLSTATE.invalid_cursor_definition, 'cannot specify both ASENSITIVE and INSENSITIVE');
  if ((options & OPT.binary) !== 0) throw pgErr.featureNotSupported('DECLARE BINARY CURSOR');
  const query = s.query as PgNode;
  if (query.SelectStmt?.lockingClause !== undefined) throw pgErr.featureNotSupported('DECLARE CURSOR ... FOR UPDATE/SHARE');
  const ctes = (query.SelectStmt?.withClause?.ctes ?? []) as PgNode[];
  if (ctes.some((c) => !('SelectStmt' in (c.CommonTableExpr?.ctequery ?? { SelectStmt: 0 })))) {
    throw new PgError(SQLSTATE.feature_not_supported, 'DECLARE CURSOR must not contain data-modifying statements in WITH');
  }
  const r = run(query);
  const scroll = (options & OPT.scroll) !== 0 ? true : (options & OPT.noScroll) !== 0 ? false : env.lastPlan !== null && defaultScroll(env.lastPlan);
  env.cursors.set(name, {
    name, statement: env.activity.query, creationTimeUs: env.timestamps.statementUs, fields: r.fields, rows: r.rows, scroll, holdable, depth: env.txn.savepoints.length,
    at: 0, portalPos: 0, atStart: true, atEnd: false, failed: false,
  });
}

/**
 * FETCH or MOVE (`s.ismove`): the rows moved over (FETCH returns them; MOVE only counts them)
 * and the fields of the cursor.
 * @throws PgError 34000 `cursor "c" does not exist`; 55000 `cursor can only scan forward` for
 *   backward movement of a NO SCROLL cursor; 55000 `portal "c" cannot be run` after such a failure.
 */
export function fetchCursor(env: SqlEnv, s: PgNode): { rows: Value[][]; count: number; fields: ResultField[] } {
  const name = String(s.portalname ?? '');
  const c = env.cursors.get(name);
  if (c === undefined) throw new PgError(SQLSTATE.undefined_cursor, `cursor "${name}" does not exist`);
  if (c.failed) throw new PgError(SQLSTATE.object_not_in_prerequisite_state, `portal "${name}" cannot be run`);
  const move = s.ismove === true;
  const out: Value[][] | null = move ? null : [];
  // The grammar's FETCH_ALL is LONG_MAX, which the JSON tree carries as an inexact number.
  const howMany = Number(s.howMany ?? 0);
  const count = howMany >= Number.MAX_SAFE_INTEGER ? Infinity : howMany;
  try {
    const n = doFetch(c, String(s.direction ?? 'FETCH_FORWARD'), count, out);
    return { rows: out ?? [], count: n, fields: move ? [] : c.fields };
  } catch (e) {
    c.failed = true;
    throw e;
  }
}

/**
 * CLOSE name, or CLOSE ALL (`portalname` absent).
 * @throws PgError 34000 `cursor "c" does not exist`.
 */
export function closeCursor(env: SqlEnv, s: PgNode): void {
  if (s.portalname === undefined) {
    env.cursors.clear();
    return;
  }
  const name = String(s.portalname);
  if (!env.cursors.delete(name)) throw new PgError(SQLSTATE.undefined_cursor, `cursor "${name}" does not exist`);
}

/**
 * The rows of pg_cursors (PostgreSQL's pg_cursor()) in its column order: name, statement,
 * is_holdable, is_binary (always false: BINARY is refused), is_scrollable, creation_time.
 */
export function cursorsRows(env: SqlEnv): Value[][] {
  const rows: Value[][] = [];
  for (const c of env.cursors.values()) rows.push([c.name, c.statement, c.holdable, false, c.scroll, c.creationTimeUs]);
  return rows;
}

/**
 * The end of the session's transaction: COMMIT keeps WITH HOLD cursors (their rows are kept
 * already) and closes the rest; a rollback closes those its transaction declared. Cursors held
 * from an earlier transaction stay either way.
 */
export function cursorsAtTransactionEnd(env: SqlEnv, commit: boolean): void {
  for (const [name, c] of env.cursors) {
    if (c.depth === null) continue;
    if (commit && c.holdable) c.depth = null;
    else env.cursors.delete(name);
  }
}

/**
 * ROLLBACK TO the savepoint at index `at` of txn.savepoints: closes the cursors declared after
 * it (AtSubAbort_Portals and AtSubCleanup_Portals).
 */
export function cursorsAtRollbackTo(env: SqlEnv, at: number): void {
  for (const [name, c] of env.cursors) if (c.depth !== null && c.depth > at) env.cursors.delete(name);
}

/** RELEASE of the savepoint at index `at`: its cursors now belong to the savepoint's parent. */
export function cursorsAtRelease(env: SqlEnv, at: number): void {
  for (const c of env.cursors.values()) if (c.depth !== null && c.depth > at) c.depth = at;
}

/** DoPortalRunFetch: the direction and count of one FETCH / MOVE; returns the rows processed. */
function doFetch(c: SqlCursor, direction: string, countIn: number, out: Value[][] | null): number {
  let count = countIn;
  let forward: boolean;
  switch (direction) {
    case 'FETCH_FORWARD':
    case 'FETCH_BACKWARD':
      forward = direction === 'FETCH_FORWARD';
      if (count < 0) {
        forward = !forward;
        count = -count;
      }
      break;
    case 'FETCH_ABSOLUTE':
      if (count > 0) {
        // Rewind and go forward when the target is nearer the start than where the cursor is.
        if (count - 1 <= Math.floor(c.portalPos / 2)) {
          rewind(c);
          if (count > 1) runSelect(c, true, count - 1, null);
        } else {
          let pos = c.portalPos;
          if (c.atEnd) pos++;
          if (count <= pos) runSelect(c, false, pos - count + 1, null);
          else if (count > pos + 1) runSelect(c, true, count - pos - 1, null);
        }
        return runSelect(c, true, 1, out);
      }
      if (count < 0) {
        runSelect(c, true, Infinity, null);
        if (count < -1) runSelect(c, false, -count - 1, null);
        return runSelect(c, false, 1, out);
      }
      rewind(c);
      return runSelect(c, true, 0, out);
    case 'FETCH_RELATIVE':
      if (count > 0) {
        if (count > 1) runSelect(c, true, count - 1, null);
        return runSelect(c, true, 1, out);
      }
      if (count < 0) {
        if (count < -1) runSelect(c, false, -count - 1, null);
        return runSelect(c, false, 1, out);
      }
      forward = true;
      break;
    default:
      throw new PgError(SQLSTATE.internal_error, `bogus direction ${direction}`);
  }
  if (count === 0) {
    // FETCH 0 fetches the current row again, if the cursor is on one; MOVE 0 says whether it is.
    const onRow = !c.atStart && !c.atEnd;
    if (out === null) return onRow ? 1 : 0;
    if (onRow) {
      runSelect(c, false, 1, null);
      count = 1;
      forward = true;
    }
  }
  if (!forward && count === Infinity && out === null) {
    // MOVE BACKWARD ALL is a rewind, counting the rows it passed.
    let n = c.portalPos;
    if (n > 0 && !c.atEnd) n--;
    rewind(c);
    return n;
  }
  return runSelect(c, forward, count, out);
}

/** DoPortalRewind. */
function rewind(c: SqlCursor): void {
  // Nothing to do (and no NO SCROLL error) when the cursor has not moved.
  if (c.atStart && !c.atEnd) return;
  if (!c.scroll) throw forwardOnly();
  c.at = 0;
  c.atStart = true;
  c.atEnd = false;
  c.portalPos = 0;
}

/** PortalRunSelect over the kept rows: moves at most `count` rows (Infinity: all) one way. */
function runSelect(c: SqlCursor, forward: boolean, count: number, out: Value[][] | null): number {
  const n = c.rows.length;
  let done = 0;
  if (forward) {
    if (c.atEnd || count <= 0) return 0;
    while (done < count && c.at < n) {
      c.at++;
      out?.push(c.rows[c.at - 1]!);
      done++;
    }
    if (done < count) c.at = n + 1;
    if (done > 0) c.atStart = false;
    if (done < count) c.atEnd = true;
    c.portalPos += done;
    return done;
  }
  if (!c.scroll) throw forwardOnly();
  if (c.atStart || count <= 0) return 0;
  while (done < count && c.at > 1) {
    c.at--;
    out?.push(c.rows[c.at - 1]!);
    done++;
  }
  if (done < count) c.at = 0;
  if (done > 0 && c.atEnd) {
    c.atEnd = false;
    c.portalPos++;
  }
  if (done < count) {
    c.atStart = true;
    c.portalPos = 0;
  } else {
    c.portalPos -= done;
  }
  return done;
}

function forwardOnly(): PgError {
  return new PgError(SQLSTATE.object_not_in_prerequisite_state, 'cursor can only scan forward', { hint: 'Declare it with SCROLL option to enable backward scan.' });
}

/**
 * Whether a cursor declared without SCROLL or NO SCROLL scrolls: its plan supports backward
 * scans, and holds no join and no UNION's duplicate removal. PostgreSQL plans a cursor for its
 * first rows (cursor_tuple_fraction), which turns such plans into nested loops, merge joins and
 * Unique over Merge Append, none of which scans backward, where vecgres's plan has a Sort over
 * a hash join or hash aggregate that would.
 */
function defaultScroll(p: PlanNode): boolean {
  return supportsBackwardScan(p) && !hasJoinOrUnion(p, false);
}

function hasJoinOrUnion(p: PlanNode, underAgg: boolean): boolean {
  if (p.node === 'NestLoop' || p.node === 'HashJoin') return true;
  if (p.node === 'Append' && underAgg) return true;
  const agg = underAgg || p.node === 'Agg' || p.node === 'Unique';
  const q = p as unknown as Record<string, unknown>;
  for (const key of ['input', 'outer', 'inner', 'left', 'right', 'recursive']) {
    const child = q[key] as PlanNode | null | undefined;
    if (child !== null && child !== undefined && hasJoinOrUnion(child, agg)) return true;
  }
  for (const child of (q.inputs ?? []) as PlanNode[]) if (hasJoinOrUnion(child, agg)) return true;
  return false;
}

/**
 * PostgreSQL's ExecSupportsBackwardScan over vecgres's plan: whether a cursor declared without
 * SCROLL or NO SCROLL may move backward. Vector index scans cannot (pgvector's amcanbackward
 * is false); joins, aggregation, windows, set operations and parallel plans cannot.
 */
export function supportsBackwardScan(p: PlanNode): boolean {
  switch (p.node) {
    case 'Result':
      return p.input !== null && supportsBackwardScan(p.input);
    case 'SeqScan':
      return p.parallel !== true;
    case 'PkLookup':
    case 'BtreeIndexScan':
    case 'ValuesScan':
    case 'FunctionScan':
    case 'CteScan':
    case 'Material':
    case 'Sort':
    case 'TopK':
      return true;
    case 'SubqueryScan':
    case 'Limit':
    case 'LockRows':
      return supportsBackwardScan(p.input);
    case 'Append':
      return p.inputs.every(supportsBackwardScan);
    default:
      return false;
  }
}
