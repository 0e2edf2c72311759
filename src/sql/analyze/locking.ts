/**
 * The locking clause of a SELECT: `FOR UPDATE | FOR NO KEY UPDATE | FOR SHARE | FOR KEY SHARE
 * [OF name, ...] [NOWAIT | SKIP LOCKED]` (PostgreSQL's transformLockingClause and
 * CheckSelectLocking, parser/analyze.c). Each locked relation of the level becomes a
 * {@link RowMark}; the planner puts a LockRows node over the level's rows (below its LIMIT),
 * which locks each row it returns (storage/row_locks.ts).
 */
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import type { PgNode } from '../parser/parse.js';
import type { FromNode, RangeTblEntry } from './range.js';

/** What a SELECT does on a row another transaction holds: wait, skip it, or fail (NOWAIT: 55P03). */
export type LockWaitPolicy = 'block' | 'skip' | 'error';

/**
 * One locked range-table entry (PostgreSQL's RowMarkClause): `strength` is the row lock mode
 * (0 FOR KEY SHARE, 1 FOR SHARE, 2 FOR NO KEY UPDATE, 3 FOR UPDATE: storage/row_locks.ts
 * RowLockMode), the strongest clause naming it, with the strictest wait policy.
 */
export interface RowMark {
  rti: number;
  strength: 0 | 1 | 2 | 3;
  wait: LockWaitPolicy;
}

const STRENGTHS: Record<string, RowMark['strength']> = { LCS_FORKEYSHARE: 0, LCS_FORSHARE: 1, LCS_FORNOKEYUPDATE: 2, LCS_FORUPDATE: 3 };
const STRENGTH_NAMES = ['FOR KEY SHARE', 'FOR SHARE', 'FOR NO KEY UPDATE', 'FOR UPDATE'];
const WAIT_RANK: Record<LockWaitPolicy, number> = { block: 0, skip: 1, error: 2 };

/** The locking clause as SQL (`FOR UPDATE` ...), as PostgreSQL's LCS_asString names it in messages. */
export function lockStrengthName(strength: number): string {
  return STRENGTH_NAMES[strength]!;
}

/** The clause text of the first locking clause of raw `lockingClause` (for error messages). */
export function firstLockingName(clauses: PgNode[]): string {
  return lockStrengthName(STRENGTHS[clauses[0]!.LockingClause.strength] ?? 3);
}

/**
 * What the query level is, for {@link checkSelectLocking}: the clauses PostgreSQL refuses with
 * a locking clause.
 */
export interface LockingShape {
  distinct: boolean;
  groupBy: boolean;
  having: boolean;
  aggregates: boolean;
  windows: boolean;
  setReturning: boolean;
}

/**
 * PostgreSQL's CheckSelectLocking, in its order.
 * @throws PgError 0A000 `FOR UPDATE is not allowed with DISTINCT clause` (GROUP BY clause,
 *   HAVING clause, aggregate functions, window functions, set-returning functions in the
 *   target list).
 */
export function checkSelectLocking(shape: LockingShape, clauses: PgNode[]): void {
  for (const c of clauses) {
    const what = lockStrengthName(STRENGTHS[c.LockingClause.strength] ?? 3);
    const refuse = (with_: string): never => {
      throw new PgError(SQLSTATE.feature_not_supported, `${what} is not allowed with ${with_}`);
    };
    if (shape.distinct) refuse('DISTINCT clause');
    if (shape.groupBy) refuse('GROUP BY clause');
    if (shape.having) refuse('HAVING clause');
    if (shape.aggregates) refuse('aggregate functions');
    if (shape.windows) refuse('window functions');
    if (shape.setReturning) refuse('set-returning functions in the target list');
  }
}

/** 0A000 `FOR UPDATE is not allowed with UNION/INTERSECT/EXCEPT`. */
export function lockingWithSetOp(clauses: PgNode[]): PgError {
  return new PgError(SQLSTATE.feature_not_supported, `${firstLockingName(clauses)} is not allowed with UNION/INTERSECT/EXCEPT`);
}

/**
 * The row marks of one query level from its raw `lockingClause`: without OF every table of the
 * FROM clause, with OF the entries named (by alias, as PostgreSQL looks them up).
 * @throws PgError 42P01 `relation "x" in FOR UPDATE clause not found in FROM clause`; 0A000
 *   `FOR UPDATE cannot be applied to a function` (a WITH query), and for what
 *   vecgres does not lock: a subquery in FROM, a system view, the nullable side of an outer
 *   join (PostgreSQL's error).
 */
export function rowMarksOf(clauses: PgNode[], rtable: readonly RangeTblEntry[], from: readonly FromNode[]): RowMark[] {
  const marks: RowMark[] = [];
  const nullable = nullableRtis(from);
  const add = (rti: number, strength: RowMark['strength'], wait: LockWaitPolicy, what: string): void => {
    const rte = rtable[rti]!;
    if (rte.kind === 'subquery' || rte.kind === 'setop') throw pgErr.featureNotSupported(`${what} of a subquery in FROM`);
    if (rte.kind === 'virtual') throw pgErr.featureNotSupported(`${what} of a system view`);
    if (rte.kind !== 'relation') return;
    if (nullable.has(rti)) throw new PgError(SQLSTATE.feature_not_supported, `${what} cannot be applied to the nullable side of an outer join`);
    const had = marks.find((m) => m.rti === rti);
    if (had === undefined) {
      marks.push({ rti, strength, wait });
      return;
    }
    // PostgreSQL's applyLockingClause: the strongest strength and the strictest policy win.
    if (strength > had.strength) had.strength = strength;
    if (WAIT_RANK[wait] > WAIT_RANK[had.wait]) had.wait = wait;
  };
  for (const raw of clauses) {
    const c = raw.LockingClause;
    const strength = STRENGTHS[c.strength] ?? 3;
    const what = lockStrengthName(strength);
    const wait: LockWaitPolicy = c.waitPolicy === 'LockWaitSkip' ? 'skip' : c.waitPolicy === 'LockWaitError' ? 'error' : 'block';
    const rels = (c.lockedRels ?? []) as PgNode[];
    if (rels.length === 0) {
      for (let rti = 0; rti < rtable.length; rti++) {
        const k = rtable[rti]!.kind;
        if (k === 'relation' || k === 'subquery' || k === 'setop' || k === 'virtual') add(rti, strength, wait, what);
      }
      continue;
    }
    for (const r of rels) {
      const rv = r.RangeVar;
      const name = rv.relname as string;
      const rti = rtable.findIndex((e) => e.alias === name);
      if (rti < 0) {
        throw new PgError(SQLSTATE.undefined_table, `relation "${name}" in ${what} clause not found in FROM clause`, typeof rv.location === 'number' ? { position: rv.location + 1 } : {});
      }
      const kind = rtable[rti]!.kind;
      const at = typeof rv.location === 'number' ? { position: rv.location + 1 } : {};
      if (kind === 'function') throw new PgError(SQLSTATE.feature_not_supported, `${what} cannot be applied to a function`, at);
      if (kind === 'cte') throw new PgError(SQLSTATE.feature_not_supported, `${what} cannot be applied to a WITH query`, at);
      // A VALUES list in FROM is a subquery for PostgreSQL, whose rows have nothing to lock.
      if (kind === 'values') continue;
      add(rti, strength, wait, what);
    }
  }
  return marks;
}

/** Range-table entries on the nullable side of an outer join in `from`. */
function nullableRtis(from: readonly FromNode[]): Set<number> {
  const out = new Set<number>();
  const all = (n: FromNode, acc: Set<number>): void => {
    if (n.k === 'rte') acc.add(n.rti);
    else {
      all(n.left, acc);
      all(n.right, acc);
    }
  };
  const visit = (n: FromNode): void => {
    if (n.k === 'rte') return;
    if (n.type === 'right' || n.type === 'full') all(n.left, out);
    if (n.type === 'left' || n.type === 'full') all(n.right, out);
    visit(n.left);
    visit(n.right);
  };
  for (const n of from) visit(n);
  return out;
}
