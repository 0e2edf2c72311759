/**
 * Which vector index can serve a k-NN ORDER BY, and why the others cannot (PostgreSQL's
 * match_index_to_operand + match_clause_to_ordering_op + predicate_implied_by, for ordering
 * operators):
 *
 * - the operand of the distance operator must be the index's key: the same column, or the same
 *   normalized expression tree as an expression key (`subvector(embedding, 1, 256)::vector(256)`);
 * - the operator must be the one the key's operator class orders by;
 * - a partial index's predicate must be implied by the query's WHERE (predtest.ts); the WHERE
 *   conjuncts the predicate makes redundant need no recheck.
 *
 * Also here: {@link knnOrderOf}, which sees the distance through a monotone transform of it
 * (`1 - (e <=> q)`, `(e <#> q) * -1`, `-(e <-> q)`) so a similarity ORDER BY runs as the
 * ascending distance scan; and {@link distanceBound}, the `WHERE dist < c` conjunct that lets
 * the scan stop early.
 */
import { isOrderedAm, isOrderedIndex, type IndexAm, type OrderedIndex, type VectorIndex } from '../../access/am.js';
import type { IndexDef } from '../../storage/catalog.js';
import type { Table, Value } from '../../storage/table.js';
import { mapOperands, type Expr } from '../analyze/expr.js';
import { exprEqual } from '../analyze/query.js';
import type { SqlEnv } from '../env.js';
import { isNumeric } from '../analyze/types.js';
import { compileIndexDef } from '../exec/index_keys.js';
import { Numeric } from '../../types/numeric.js';
import { predicateImpliedBy, redundantClauses } from './predtest.js';

export type DistanceExpr = Extract<Expr, { k: 'op2' }>;

const KNN_OPS = new Set(['<->', '<#>', '<=>', '<+>', '<~>', '<%>']);

/** The number a plan-time constant (possibly cast) holds, or null. */
function constNumber(e: Expr): number | null {
  if (e.k === 'cast' && e.arg.k === 'const') return constNumber(e.arg);
  if (e.k !== 'const' || e.value === null) return null;
  if (typeof e.value === 'number') return e.value;
  if (typeof e.value === 'bigint') return Number(e.value);
  if (e.value instanceof Numeric) return Number(e.value.toString());
  return null;
}

/**
 * The distance expression an ORDER BY key orders by, seen through increasing or decreasing
 * affine transforms by constants (`c - d`, `d - c`, `d + c`, `c + d`, `d * c`, `c * d`, `d / c`,
 * `-d`), and whether the rows must come in ascending distance. Null when `e` is no such form.
 * The transforms are monotone on floats (rounding can only merge neighbours into ties, whose
 * order SQL leaves open), and NULL distances stay NULL, so ordering by the distance in the
 * resulting direction gives an order the query accepts.
 */
export function knnOrderOf(e: Expr, desc: boolean): { dist: DistanceExpr; ascending: boolean } | null {
  let ascending = !desc;
  let x = e;
  for (;;) {
    if (x.k === 'op2' && KNN_OPS.has(x.op)) return { dist: x, ascending };
    if (x.k === 'op1' && x.op === '-' && x.type === 'float8') {
      ascending = !ascending;
      x = x.arg;
      continue;
    }
    if (x.k !== 'op2' || x.type !== 'float8') return null;
    const lc = constNumber(x.l);
    const rc = constNumber(x.r);
    if (x.op === '+' && (lc !== null) !== (rc !== null)) {
      x = lc !== null ? x.r : x.l;
    } else if (x.op === '-' && (lc !== null) !== (rc !== null)) {
      if (lc !== null) ascending = !ascending;
      x = lc !== null ? x.r : x.l;
    } else if ((x.op === '*' && (lc !== null) !== (rc !== null)) || (x.op === '/' && rc !== null && lc === null)) {
      const c = (lc ?? rc)!;
      if (!(c !== 0 && Number.isFinite(c))) return null;
      if (c < 0) ascending = !ascending;
      x = lc !== null ? x.r : x.l;
    } else {
      return null;
    }
  }
}

/** True for an index whose operator class orders by a distance operator (not a B-tree). */
export function isKnnIndex(index: VectorIndex | OrderedIndex): index is VectorIndex {
  if (isOrderedIndex(index)) return false;
  const op = index.opclass?.operator;
  return op !== undefined && KNN_OPS.has(op);
}

/** `e` with the index's range-table entry 0 renamed to the query's entry `rti`. */
export function toRti(e: Expr, rti: number): Expr {
  if (e.k === 'var') return e.levelsUp === 0 && e.rti === 0 ? { ...e, rti } : e;
  return mapOperands(e, (x) => toRti(x, rti));
}

/** A vector index that can serve the ORDER BY, with the WHERE conjuncts its predicate makes redundant. */
export interface KnnIndexMatch {
  def: IndexDef;
  am: IndexAm;
  index: VectorIndex;
  redundant: Set<Expr>;
}

/** An index on the ordered operand that cannot serve the ORDER BY, and why (for the planner's hint). */
export interface KnnIndexMiss {
  def: IndexDef;
  reason: 'operator' | 'predicate';
  /** The operator the index's operator class orders by. */
  operator: string;
}

/**
 * The vector indexes of `table` whose key is `operand` (an expression over entry `rti`) and
 * whose operator class orders by `op`, usable under the WHERE `clauses`; and those on the
 * operand that are not usable, with the reason.
 */
export function matchKnnIndexes(env: SqlEnv, table: Table, rti: number, operand: Expr, op: string, clauses: readonly Expr[]): { usable: KnnIndexMatch[]; misses: KnnIndexMiss[] } {
  const usable: KnnIndexMatch[] = [];
  const misses: KnnIndexMiss[] = [];
  for (const def of env.catalog.indexesOf(table.name)) {
    if (def.primaryKey || def.keys.length !== 1) continue;
    const index = env.indexes.get(def.name);
    const am = env.methods.get(def.method);
    // Ordered (B-tree) methods have no ORDER BY operator.
    if (index === undefined || am === undefined || isOrderedAm(am) || !isKnnIndex(index)) continue;
    const c = compileIndexDef(env, def, table);
    if (!exprEqual(toRti(c.keyExprs[0]!, rti), operand)) continue;
    if (index.opclass.operator !== op) {
      misses.push({ def, reason: 'operator', operator: index.opclass.operator });
      continue;
    }
    let redundant = new Set<Expr>();
    if (c.predicate !== null) {
      const pred = toRti(c.predicate, rti);
      if (!predicateImpliedBy(pred, clauses)) {
        misses.push({ def, reason: 'predicate', operator: index.opclass.operator });
        continue;
      }
      redundant = redundantClauses(pred, clauses);
    }
    usable.push({ def, am, index, redundant });
  }
  return { usable, misses };
}

/**
 * A WHERE conjunct `dist < c` / `dist <= c` (or `c > dist`, `c >= dist`) bounding the ordered
 * distance `dist` by an expression without columns of the scanned table: the ordered scan can
 * stop once its distances pass it. Returns the bound expression, or null.
 */
export function distanceBound(dist: DistanceExpr, clauses: readonly Expr[], outsideRel: (e: Expr) => boolean): Expr | null {
  for (const c of clauses) {
    if (c.k !== 'op2' || c.type !== 'bool') continue;
    if ((c.op === '<' || c.op === '<=') && exprEqual(c.l, dist) && outsideRel(c.r) && isNumeric(c.r.type)) return c.r;
    if ((c.op === '>' || c.op === '>=') && exprEqual(c.r, dist) && outsideRel(c.l) && isNumeric(c.l.type)) return c.l;
  }
  return null;
}

/** The value a bound evaluates to is used as a float; NULL (never TRUE) ends the scan at once. */
export function boundValue(v: Value): number {
  if (v === null) return -Infinity;
  return typeof v === 'number' ? v : Number(String(v));
}
