/**
 * MIN and MAX through an ordered index (PostgreSQL's planagg.c: preprocess_minmax_aggregates,
 * build_minmax_path, create_minmaxagg_plan). A query whose only aggregates are min / max of
 * one table, without GROUP BY,
 *
 *   SELECT max(id), min(x) FROM t WHERE <quals> [HAVING ...]
 *
 * may also run as one InitPlan per aggregate, each reading the first row of an index scan:
 *
 *   SELECT (SELECT id FROM t WHERE <quals> AND id IS NOT NULL ORDER BY id DESC LIMIT 1),
 *          (SELECT x  FROM t WHERE <quals> AND x IS NOT NULL  ORDER BY x       LIMIT 1)
 *
 * (HAVING then is the Result's one-time filter). The min / max of the non-null values in the
 * B-tree order is the aggregate's value, NULL when there is none, so the answers are the same;
 * the planner keeps whichever plan costs less, and this one only when every InitPlan is an
 * index scan (PostgreSQL builds the path only from an index's sorted path).
 *
 * {@link minMaxRewrite} makes the second form of a query level, or says it has none.
 */
import type { Expr } from '../analyze/expr.js';
import { comparatorFor, mapOperands, someNode } from '../analyze/expr.js';
import { exprEqual, type SelectQuery, type SortKey } from '../analyze/query.js';
import type { PlanNode, SubPlan } from './plan.js';

type AggExpr = Extract<Expr, { k: 'agg' }>;

/** A min or max call without FILTER, ORDER BY or grouping arguments (DISTINCT changes nothing). */
function minMaxCall(e: Expr): AggExpr | null {
  if (e.k !== 'agg' || (e.name !== 'min' && e.name !== 'max') || e.gargs !== undefined || e.arg2 !== undefined) return null;
  if ((e.mods?.filter ?? null) !== null || (e.mods?.order.length ?? 0) > 0) return null;
  return e;
}

/**
 * `q` as a level without FROM whose min / max calls are scalar subqueries over its one table
 * (see the module comment), or null when PostgreSQL would not consider it: GROUP BY, grouping
 * sets, windows, DISTINCT, set-returning targets, row locks, ORDER BY, CTEs, a FROM that is not
 * one table, another aggregate or count, an aggregate with FILTER or ORDER BY, a subquery or a
 * reference to an enclosing level anywhere. `notNull(col)` says whether column `col` of the
 * table is NOT NULL (no IS NOT NULL test is added for it, as PostgreSQL drops one it proves).
 */
export function minMaxRewrite(q: SelectQuery, notNull: (col: number) => boolean): SelectQuery | null {
  // GROUP BY () is one group of all rows, as no GROUP BY.
  const oneGroup = q.groupingSets === undefined || (q.groupingSets.length === 1 && q.groupingSets[0]!.length === 0);
  if (!q.aggregate || q.groupBy.length > 0 || !oneGroup || q.windows !== undefined || q.setReturning) return null;
  if (q.distinct !== undefined || q.distinctOn !== undefined || q.rowMarks !== undefined || q.orderBy.length > 0 || q.ctes.length > 0) return null;
  if (q.from.length !== 1 || q.from[0]!.k !== 'rte') return null;
  const rti = q.from[0]!.rti;
  const rte = q.rtable[rti]!;
  if (rte.kind !== 'relation') return null;
  const exprs = [...q.targets.map((t) => t.expr), ...(q.where === null ? [] : [q.where]), ...(q.having === null ? [] : [q.having])];
  if (q.limit !== null) exprs.push(q.limit);
  if (q.offset !== null) exprs.push(q.offset);
  const foreign = (x: Expr): boolean => x.k === 'sublink' || (x.k === 'var' && x.levelsUp > 0);
  if (exprs.some((e) => someNode(e, foreign))) return null;
  // Every aggregate is a min or max; equal calls share one subquery.
  const calls: AggExpr[] = [];
  let other = false;
  const collect = (e: Expr): Expr => {
    if (e.k === 'agg' || e.k === 'count') {
      const c = minMaxCall(e);
      if (c === null) other = true;
      else if (!calls.some((x) => exprEqual(x, c))) calls.push(c);
      return e;
    }
    return mapOperands(e, collect);
  };
  for (const e of [...q.targets.map((t) => t.expr), ...(q.having === null ? [] : [q.having])]) collect(e);
  if (other || calls.length === 0) return null;
  const subquery = (c: AggExpr, i: number): Expr => {
    const arg = c.arg;
    const desc = c.name === 'max';
    // The first subquery scans the level's entry, each other one a copy of it: EXPLAIN names
    // them `t`, `t_1`, ... as PostgreSQL names its subroots' entries.
    const rtable = i === 0 ? q.rtable : q.rtable.map((r, k) => (k === rti ? { ...r } : r));
    const known = arg.k === 'var' && arg.levelsUp === 0 && arg.rti === rti && notNull(arg.col);
    const test: Expr = { k: 'isnull', type: 'bool', arg, negate: true };
    // The test first, as PostgreSQL adds it ahead of the query's quals.
    const where = known ? q.where : q.where === null ? test : { k: 'and', type: 'bool', args: [test, ...(q.where.k === 'and' ? q.where.args : [q.where])] } as Expr;
    // No NULL passes the WHERE (or the column has none): an index may hold them at either end.
    const key: SortKey = { expr: arg, desc, nullsFirst: desc, cmp: comparatorFor(arg.type) as SortKey['cmp'], nullsAnywhere: true };
    const sub: SelectQuery = {
      kind: 'select', rtable, from: [{ k: 'rte', rti }], where, targets: [{ name: c.name, expr: arg }], orderBy: [key],
      limit: { k: 'const', type: 'int8', value: 1 }, offset: null, aggregate: false, groupBy: [], having: null, setReturning: false, ctes: [],
    };
    return { k: 'sublink', type: c.type, typmod: -1, sub: 'expr', query: sub, args: [], cmps: [], op: '', src: `minmax ${i}` };
  };
  const replacements = calls.map(subquery);
  const replace = (e: Expr): Expr => {
    if (e.k === 'agg') return replacements[calls.findIndex((x) => exprEqual(x, e))]!;
    return mapOperands(e, replace);
  };
  return {
    ...q, rtable: [], from: [], where: q.having === null ? null : replace(q.having), having: null, aggregate: false, groupingSets: undefined,
    targets: q.targets.map((t) => ({ ...t, expr: replace(t.expr) })),
  };
}

/** True when each of `subPlans` (a rewritten level's InitPlans) is a Limit over an index scan. */
export function allIndexScans(subPlans: readonly SubPlan[]): boolean {
  const isIndexLimit = (p: PlanNode): boolean => p.node === 'Limit' && p.input.node === 'BtreeIndexScan';
  return subPlans.length > 0 && subPlans.every((sp) => isIndexLimit(sp.plan));
}
