/**
 * Outer-join reduction (PostgreSQL's reduce_outer_joins, prep/prepjointree.c): an outer join
 * whose nullable side a condition above it rejects when null-extended is planned as the join
 * that condition leaves. `a LEFT JOIN b ON ... WHERE b.x = 1` keeps no row whose b columns
 * are NULL, so it is `a JOIN b`: the inner join may then be reordered, hashed either way and
 * answered by b's index scans. A FULL join becomes a LEFT join (its right side forced), a
 * RIGHT join (its left side) or an inner join (both).
 *
 * A condition rejects a relation's null-extended rows when it cannot be true with every column
 * of that relation NULL (find_nonnullable_rels): a strict operator, function or cast over the
 * column (`b.x = 1`, `b.x > 0`, `lower(b.t) = 'x'`), `b.x IS NOT NULL`, an IN list, the
 * column itself as a boolean condition; conjuncts add relations, OR arms intersect them.
 * Never `IS NULL`, COALESCE, CASE, IS DISTINCT FROM, a non-strict function, or a subquery.
 */
import { forEachOperand, type Expr } from '../analyze/expr.js';
import type { FromNode, SelectQuery } from '../analyze/query.js';

/** The relations (range-table indexes) whose null-extended rows make `e` not true (its value NULL or false). */
export function nonnullableRels(e: Expr | null): Set<number> {
  const out = new Set<number>();
  if (e !== null) walk(e, true, out);
  return out;
}

/**
 * Adds to `out` the relations for which `e` is NULL (or, at the top level of a WHERE /
 * ON, not true) whenever all of their columns are NULL. `top`: `e` is a conjunct whose false
 * rejects the row as its NULL does (AND lists and NOT of them are only looked into there).
 */
function walk(e: Expr, top: boolean, out: Set<number>): void {
  switch (e.k) {
    case 'var':
      if (e.levelsUp === 0) out.add(e.rti);
      return;
    case 'op1':
    case 'op2':
    case 'cast':
      // Strict: NULL in, NULL out (eval.ts evaluates them so).
      forEachOperand(e, (x) => walk(x, false, out));
      return;
    case 'fn':
      if (e.strict === false) return;
      for (const a of e.args) walk(a, false, out);
      return;
    case 'and':
      // At the top an AND is a list of conjuncts, each of which must hold.
      if (top) for (const a of e.args) walk(a, true, out);
      return;
    case 'or': {
      // Strict when every arm is: the relations all arms reject.
      let common: number[] | null = null;
      for (const a of e.args) {
        const s = new Set<number>();
        walk(a, top, s);
        common = common === null ? [...s] : common.filter((x) => s.has(x));
        if (common.length === 0) return;
      }
      for (const x of common ?? []) out.add(x);
      return;
    }
    case 'not':
      // NOT of NULL is NULL; below the top NOT(false) is true, so only a strict argument counts.
      walk(e.arg, false, out);
      return;
    case 'isnull':
      // `x IS NOT NULL` is false for a NULL x: rejected wherever x is NULL with the relation.
      if (e.negate && top) walk(e.arg, false, out);
      return;
    case 'in':
      // x IN (list) is NULL for a NULL x (NOT IN too); the list's values do not matter.
      walk(e.arg, false, out);
      return;
    case 'arrayop':
      // x op ANY / ALL (array) is NULL for a NULL x unless the array is empty (then false /
      // true): only at the top, where false rejects too, and not for ALL (true on empty).
      if (top && !e.all) walk(e.arg, false, out);
      return;
    default:
      return;
  }
}

/**
 * `q` with its outer joins reduced where the conditions above them reject their nullable
 * side (reduce_outer_joins), or `q` itself when none is. The analyzed query is not changed.
 */
export function reduceOuterJoins(q: SelectQuery): SelectQuery {
  if (!q.from.some(hasOuter)) return q;
  const above = nonnullableRels(q.where);
  let changed = false;
  const from = q.from.map((n) => {
    const r = reduce(n, above);
    if (r !== n) changed = true;
    return r;
  });
  return changed ? { ...q, from } : q;
}

function hasOuter(n: FromNode): boolean {
  return n.k === 'join' && (n.type !== 'inner' || hasOuter(n.left) || hasOuter(n.right));
}

function relsOfNode(n: FromNode, out: Set<number> = new Set()): Set<number> {
  if (n.k === 'rte') out.add(n.rti);
  else {
    relsOfNode(n.left, out);
    relsOfNode(n.right, out);
  }
  return out;
}

function overlaps(a: Set<number>, b: Set<number>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}

/** Join tree `n` reduced under `above`, the relations conditions above it reject when null-extended. */
function reduce(n: FromNode, above: Set<number>): FromNode {
  if (n.k === 'rte' || !hasOuter(n)) return n;
  let type = n.type;
  const leftForced = overlaps(relsOfNode(n.left), above);
  const rightForced = overlaps(relsOfNode(n.right), above);
  if (type === 'left' && rightForced) type = 'inner';
  else if (type === 'right' && leftForced) type = 'inner';
  else if (type === 'full') type = leftForced && rightForced ? 'inner' : leftForced ? 'left' : rightForced ? 'right' : 'full';
  // What the children may assume: an inner join's own conditions reject for both sides; an
  // outer join's conditions only filter its nullable side (the preserved side's rows stay,
  // null-extending the other), and nothing passes into either side of a FULL join.
  let local: Set<number> = new Set();
  if (type !== 'full') {
    local = nonnullableRels(n.quals);
    for (const x of above) local.add(x);
  }
  const leftPass = type === 'inner' ? local : type === 'left' ? above : type === 'right' ? local : new Set<number>();
  const rightPass = type === 'inner' ? local : type === 'left' ? local : type === 'right' ? above : new Set<number>();
  const left = reduce(n.left, leftPass);
  const right = reduce(n.right, rightPass);
  if (type === n.type && left === n.left && right === n.right) return n;
  return { ...n, type, left, right };
}
