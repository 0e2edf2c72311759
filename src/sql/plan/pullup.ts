/**
 * Pulling simple subqueries in FROM up into the level that reads them, before planning
 * (PostgreSQL's prepjointree.c: pull_up_simple_subquery under is_simple_subquery's rules, and
 * for a WITH item referenced once and not MATERIALIZED, which PostgreSQL inlines as such a
 * subquery first). The subquery's tables become scans of the outer level, its WHERE joins the
 * outer WHERE, and references to its output columns are replaced by its select-list
 * expressions. So `SELECT id FROM (SELECT id, embedding <=> $1 AS d FROM items) s ORDER BY d
 * LIMIT 10` plans as the k-NN query it is, and reaches the vector index, where a Subquery Scan
 * would sort every row; a filter on a subquery column reaches a B-tree index the same way.
 *
 * Narrower than PostgreSQL's, on purpose (each limit keeps the rewrite a plain substitution):
 * only subqueries that are direct FROM items of the level (not inside a JOIN), whose FROM holds
 * only tables and catalog views, with no grouping, aggregates, window functions, DISTINCT,
 * ORDER BY, LIMIT/OFFSET, set-returning or volatile functions, sublinks, WITH, row locks or
 * references to outer levels; and only when no subquery or sublink of the outer level refers
 * to the pulled-up columns. Anything else is planned as before, as a Subquery Scan.
 */
import type { Expr } from '../analyze/expr.js';
import { forEachOperand, mapOperands } from '../analyze/expr.js';
import type { FromNode, RangeTblEntry, SelectQuery } from '../analyze/query.js';
import { forEachQueryExpr } from '../analyze/query.js';
import { VOLATILE_FNS } from './indexpath.js';

/**
 * `q` with every simple subquery among its top-level FROM items pulled up (see the module
 * comment); `q` itself when there is none. Never changes `q` or the queries it holds (the
 * analyzed statement is planned again for other parameter values).
 */
export function pullUpSubqueries(q: SelectQuery): SelectQuery {
  if (q.rowMarks !== undefined && q.rowMarks.length > 0) return q;
  let out = q;
  for (let i = 0; i < out.from.length; i++) {
    const node = out.from[i]!;
    if (node.k !== 'rte') continue;
    const sub = pullableQuery(out.rtable[node.rti]!);
    if (sub === null || !isSimple(sub) || referencedBelow(out, node.rti)) continue;
    const pulled = pullUp(out, i, node.rti, sub);
    // The subquery's FROM items took the place of item i: continue after them.
    i += sub.from.length - 1;
    out = pulled;
  }
  return out;
}

/** The query a FROM entry reads when it may be pulled up: a subquery, or a WITH item PostgreSQL inlines. */
function pullableQuery(rte: RangeTblEntry): SelectQuery | null {
  if (rte.lateral) return null;
  if (rte.kind === 'subquery') return rte.query;
  if (rte.kind === 'cte') {
    const c = rte.cte;
    if (c.refCount === 1 && c.materialized !== 'always' && c.recursive === null && rte.levelsUp === 0) return c.query;
  }
  return null;
}

/** is_simple_subquery, narrowed (module comment). */
function isSimple(s: SelectQuery): boolean {
  if (s.kind !== 'select' || s.aggregate || s.groupBy.length > 0 || s.having !== null) return false;
  if ((s.windows?.length ?? 0) > 0 || s.distinct !== undefined || s.distinctOn !== undefined) return false;
  if (s.orderBy.length > 0 || s.limit !== null || s.offset !== null || s.setReturning) return false;
  if ((s.rowMarks?.length ?? 0) > 0 || s.ctes.length > 0 || s.from.length === 0) return false;
  if (!s.rtable.every((r) => (r.kind === 'relation' || r.kind === 'virtual') && !r.lateral)) return false;
  let ok = true;
  forEachQueryExpr(s, 0, (e, depth) => {
    if (depth > 0 || !flat(e)) ok = false;
  });
  return ok;
}

/** True when `e` holds no sublink, no volatile function, no aggregate or window call and no column of an outer level. */
function flat(e: Expr): boolean {
  if (e.k === 'sublink' || e.k === 'subplan' || e.k === 'session' || e.k === 'agg' || e.k === 'count' || e.k === 'window' || e.k === 'srf') return false;
  if (e.k === 'fn' && VOLATILE_FNS.has(e.name)) return false;
  if (e.k === 'var' && e.levelsUp !== 0) return false;
  let ok = true;
  forEachOperand(e, (x) => {
    if (ok && !flat(x)) ok = false;
  });
  return ok;
}

/** True when a subquery or sublink of `q` (any depth below it) reads a column of entry `rti`. */
function referencedBelow(q: SelectQuery, rti: number): boolean {
  let found = false;
  forEachQueryExpr(q, 0, (e, depth) => {
    if (found || depth === 0) return;
    const visit = (x: Expr): void => {
      if (x.k === 'var' && x.rti === rti && x.levelsUp === depth) found = true;
      else forEachOperand(x, visit);
    };
    visit(e);
  });
  return found;
}

/** Maps every expression node of `e` bottom-up through `f` (sublinks' queries are left as they are). */
function mapDeep(e: Expr, f: (x: Expr) => Expr): Expr {
  return f(mapOperands(e, (x) => mapDeep(x, f)));
}

function conjunctsOf(e: Expr | null): Expr[] {
  if (e === null) return [];
  return e.k === 'and' ? e.args : [e];
}

/** Pulls subquery `sub` of FROM item `at` (entry `rti`) of `q` up into it. */
function pullUp(q: SelectQuery, at: number, rti: number, sub: SelectQuery): SelectQuery {
  const offset = q.rtable.length;
  // The subquery's entries follow the outer ones; its own entry stays (unreferenced), as the
  // range table PostgreSQL keeps, so entry numbers and EXPLAIN's qualification are unchanged.
  const renumber = (e: Expr): Expr => mapDeep(e, (x) => (x.k === 'var' ? { ...x, rti: x.rti + offset } : x));
  const renumberFrom = (n: FromNode): FromNode =>
    n.k === 'rte' ? { k: 'rte', rti: n.rti + offset } : { ...n, left: renumberFrom(n.left), right: renumberFrom(n.right), quals: n.quals === null ? null : renumber(n.quals) };
  const outputs = sub.targets.map((t) => renumber(t.expr));
  const subst = (e: Expr): Expr => mapDeep(e, (x) => (x.k === 'var' && x.rti === rti && x.levelsUp === 0 ? outputs[x.col]! : x));
  const fromOuter = (n: FromNode): FromNode =>
    n.k === 'rte' ? n : { ...n, left: fromOuter(n.left), right: fromOuter(n.right), quals: n.quals === null ? null : subst(n.quals) };
  const from = [...q.from.slice(0, at).map(fromOuter), ...sub.from.map(renumberFrom), ...q.from.slice(at + 1).map(fromOuter)];
  // The subquery's quals first, as deconstruct_jointree collects a lower FromExpr's quals
  // before the level's own.
  const quals = [...conjunctsOf(sub.where).map(renumber), ...conjunctsOf(q.where).map(subst)];
  const where: Expr | null = quals.length === 0 ? null : quals.length === 1 ? quals[0]! : { k: 'and', type: 'bool', args: quals };
  const rtable = [...q.rtable, ...sub.rtable];
  return {
    ...q,
    rtable,
    from,
    where,
    targets: q.targets.map((t) => ({ ...t, expr: subst(t.expr) })),
    orderBy: q.orderBy.map((k) => ({ ...k, expr: subst(k.expr) })),
    groupBy: q.groupBy.map(subst),
    having: q.having === null ? null : subst(q.having),
    ...(q.distinct === undefined ? {} : { distinct: q.distinct.map(subst) }),
    ...(q.distinctOn === undefined ? {} : { distinctOn: q.distinctOn.map((k) => ({ ...k, expr: subst(k.expr) })) }),
    ...(q.windows === undefined ? {} : { windows: q.windows.map((w) => ({ ...w, partitionBy: w.partitionBy.map(subst), orderBy: w.orderBy.map((k) => ({ ...k, expr: subst(k.expr) })) })) }),
  };
}
