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
 * Subqueries are pulled up wherever they stand in the join tree: a comma-list item, either side
 * of an inner or outer JOIN, nested joins, and (each level being planned through here) the
 * FROM of a sublink's subquery; a subquery's own simple subqueries are pulled up into it
 * first, so nested ones flatten. Under the nullable side of an outer join a subquery whose
 * columns the level reads are not all NULL for a null-extended row (a constant, COALESCE...)
 * stays, as vecgres has no PlaceHolderVar to carry them; under a FULL JOIN, one with a WHERE.
 *
 * Narrower than PostgreSQL's otherwise, on purpose (each limit keeps the rewrite a plain
 * substitution): only subqueries whose FROM holds only tables and catalog views, with no
 * grouping, aggregates, window functions, DISTINCT, ORDER BY, LIMIT/OFFSET, set-returning or
 * volatile functions, sublinks, WITH, row locks or references to outer levels; and only when
 * no subquery or sublink of the outer level refers to the pulled-up columns. Anything else is
 * planned as before, as a Subquery Scan.
 */
import type { Expr } from '../analyze/expr.js';
import { forEachOperand, mapOperands } from '../analyze/expr.js';
import type { FromNode, RangeTblEntry, SelectQuery } from '../analyze/query.js';
import { forEachQueryExpr, setOpLeaves, someNode } from '../analyze/query.js';
import { isVolatileCall } from '../analyze/expr.js';

/** A subquery FROM entry's place in the join tree: its top-level item and the joins above it. */
interface Leaf {
  rti: number;
  /** Index of the top-level FROM item that holds it. */
  item: number;
  /** The joins from the top-level item down to the entry, with the side taken at each. */
  path: { join: Extract<FromNode, { k: 'join' }>; side: 'left' | 'right' }[];
}

/** Every range-table entry in `q`'s join tree, left to right, with its path. */
function leavesOf(q: SelectQuery): Leaf[] {
  const out: Leaf[] = [];
  const walk = (n: FromNode, item: number, path: Leaf['path']): void => {
    if (n.k === 'rte') out.push({ rti: n.rti, item, path });
    else {
      walk(n.left, item, [...path, { join: n, side: 'left' }]);
      walk(n.right, item, [...path, { join: n, side: 'right' }]);
    }
  };
  q.from.forEach((n, i) => walk(n, i, []));
  return out;
}

/**
 * `q` with every simple subquery of its join tree pulled up (see the module comment),
 * subqueries inside those first; `q` itself when there is none. Never changes `q` or the
 * queries it holds (the analyzed statement is planned again for other parameter values).
 */
export function pullUpSubqueries(q: SelectQuery): SelectQuery {
  if (q.rowMarks !== undefined && q.rowMarks.length > 0) return q;
  let out = q;
  const tried = new Set<number>();
  for (;;) {
    // The first entry not yet tried: pulling one up changes the tree, so look again each time.
    const leaf = leavesOf(out).find((l) => !tried.has(l.rti));
    if (leaf === undefined) return out;
    tried.add(leaf.rti);
    const pulled = tryPullUp(out, leaf);
    if (pulled !== null) out = pulled;
  }
}

/** The query a FROM entry reads when it may be pulled up: a subquery, or a WITH item PostgreSQL inlines. */
function pullableQuery(rte: RangeTblEntry): SelectQuery | null {
  if (rte.lateral) return null;
  if (rte.kind === 'subquery') return rte.query;
  if (rte.kind === 'cte' && cteInlined(rte)) return rte.cte.query;
  return null;
}

/**
 * Whether a reference to a WITH item plans its query in place (as a subquery) rather than as a
 * CTE Scan of its one shared plan: PostgreSQL's SS_process_ctes inlines a non-recursive WITH
 * item of the same level referenced once and not MATERIALIZED, unless its query locks rows
 * at any level (contain_dml counts a locking clause: the rows locked must be those the WITH
 * item returns, once) or calls a volatile function (contain_volatile_functions).
 */
export function cteInlined(rte: Extract<RangeTblEntry, { kind: 'cte' }>): boolean {
  const c = rte.cte;
  return c.refCount === 1 && c.materialized !== 'always' && c.recursive === null && rte.levelsUp === 0 && !locksOrVolatile(c.query);
}

/** True when some level of `q` (sublinks, subqueries, WITH items) has a locking clause or calls a volatile function. */
function locksOrVolatile(q: SelectQuery): boolean {
  let found = false;
  forEachQueryExpr(q, 0, (e) => {
    if (!found && someNode(e, isVolatileCall)) found = true;
  });
  if (found) return true;
  const levels = (x: SelectQuery): boolean => {
    if ((x.rowMarks?.length ?? 0) > 0) return true;
    for (const rte of x.rtable) {
      if (rte.kind === 'subquery' && levels(rte.query)) return true;
      if (rte.kind === 'setop' && setOpLeaves(rte.tree).some(levels)) return true;
    }
    if (x.ctes.some((c) => levels(c.query) || (c.recursive !== null && levels(c.recursive.term)))) return true;
    let inSublink = false;
    forEachQueryExpr(x, 0, (e, depth) => {
      if (!inSublink && depth === 0 && someNode(e, (y) => y.k === 'sublink' && levels(y.query as SelectQuery))) inSublink = true;
    });
    return inSublink;
  };
  return levels(q);
}

/** is_simple_subquery, narrowed (module comment); `s` has had its own subqueries pulled up. */
function isSimple(s: SelectQuery): boolean {
  if (s.kind !== 'select' || s.aggregate || s.groupBy.length > 0 || s.having !== null) return false;
  if ((s.windows?.length ?? 0) > 0 || s.distinct !== undefined || s.distinctOn !== undefined) return false;
  if (s.orderBy.length > 0 || s.limit !== null || s.offset !== null || s.setReturning) return false;
  if ((s.rowMarks?.length ?? 0) > 0 || s.ctes.length > 0 || s.from.length === 0) return false;
  // Only the entries its join tree reads count: those of subqueries pulled up into it stay
  // in its range table unreferenced.
  if (!leavesOf(s).every((l) => { const r = s.rtable[l.rti]!; return (r.kind === 'relation' || r.kind === 'virtual') && !r.lateral; })) return false;
  let ok = true;
  forEachQueryExpr(s, 0, (e, depth) => {
    if (depth === 0 && !flat(e)) ok = false;
  });
  return ok;
}

/** True when `e` holds no sublink, no volatile function, no aggregate or window call and no column of an outer level. */
function flat(e: Expr): boolean {
  if (e.k === 'sublink' || e.k === 'subplan' || e.k === 'session' || e.k === 'agg' || e.k === 'count' || e.k === 'window' || e.k === 'srf') return false;
  if (isVolatileCall(e)) return false;
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

/** True when the outer join `j` can null-extend the rows of its side `side`. */
function nullableSide(j: Extract<FromNode, { k: 'join' }>, side: 'left' | 'right'): boolean {
  return j.type === 'full' || (j.type === 'left' && side === 'right') || (j.type === 'right' && side === 'left');
}

/**
 * True when `e`, a select-list expression of a subquery pulled up under the nullable side of
 * an outer join, is NULL whenever the subquery's row is null-extended: a column, or a strict
 * expression over one (PostgreSQL's pullup_replace_vars_callback needs no PlaceHolderVar
 * then). Anything else (a constant, COALESCE, CASE...) would need the PlaceHolderVar vecgres
 * does not have, so such a subquery is not pulled up.
 */
function goesNullWithRow(e: Expr): boolean {
  let hasVar = false;
  const strict = (x: Expr): boolean => {
    if (x.k === 'var') {
      if (x.levelsUp === 0) hasVar = true;
      return true;
    }
    if (x.k === 'fn' && x.strict === false) return false;
    if (x.k !== 'const' && x.k !== 'param' && x.k !== 'op1' && x.k !== 'op2' && x.k !== 'cast' && x.k !== 'fn') return false;
    let ok = true;
    forEachOperand(x, (y) => {
      if (ok && !strict(y)) ok = false;
    });
    return ok;
  };
  return strict(e) && hasVar;
}

/** The columns of entry `rti` that `q`'s own level reads. */
function columnsRead(q: SelectQuery, rti: number): Set<number> {
  const cols = new Set<number>();
  forEachQueryExpr(q, 0, (e, depth) => {
    if (depth !== 0) return;
    const visit = (x: Expr): void => {
      if (x.k === 'var' && x.rti === rti && x.levelsUp === 0) cols.add(x.col);
      forEachOperand(x, visit);
    };
    visit(e);
  });
  return cols;
}

/**
 * `q` with the subquery of entry `leaf` pulled up (pull_up_simple_subquery), or null when it
 * may not be. Its FROM items replace the entry (at the top level, in its place in the comma
 * list; inside a join, as a chain of inner joins), and its WHERE goes where it filters the
 * same rows: the ON condition of the nearest join above it that is inner or that it is the
 * nullable side of, else the level's WHERE; under a FULL JOIN a subquery with a WHERE stays.
 */
function tryPullUp(q: SelectQuery, leaf: Leaf): SelectQuery | null {
  const found = pullableQuery(q.rtable[leaf.rti]!);
  if (found === null) return null;
  const sub = pullUpSubqueries(found);
  if (!isSimple(sub) || referencedBelow(q, leaf.rti)) return null;
  if (leaf.path.some((p) => nullableSide(p.join, p.side))) {
    for (const col of columnsRead(q, leaf.rti)) if (!goesNullWithRow(sub.targets[col]!.expr)) return null;
  }
  // Where the subquery's WHERE goes: the nearest join that keeps its meaning, else the level's WHERE.
  let attach: Extract<FromNode, { k: 'join' }> | null = null;
  if (sub.where !== null) {
    for (let i = leaf.path.length - 1; i >= 0 && attach === null; i--) {
      const { join, side } = leaf.path[i]!;
      if (join.type === 'full') return null;
      if (join.type === 'inner' || nullableSide(join, side)) attach = join;
    }
  }

  const rti = leaf.rti;
  const offset = q.rtable.length;
  // The subquery's entries follow the outer ones; its own entry stays (unreferenced), as the
  // range table PostgreSQL keeps, so entry numbers and EXPLAIN's qualification are unchanged.
  const renumber = (e: Expr): Expr => mapDeep(e, (x) => (x.k === 'var' ? { ...x, rti: x.rti + offset } : x));
  const renumberFrom = (n: FromNode): FromNode =>
    n.k === 'rte' ? { k: 'rte', rti: n.rti + offset } : { ...n, left: renumberFrom(n.left), right: renumberFrom(n.right), quals: n.quals === null ? null : renumber(n.quals) };
  const outputs = sub.targets.map((t) => renumber(t.expr));
  const subst = (e: Expr): Expr => mapDeep(e, (x) => (x.k === 'var' && x.rti === rti && x.levelsUp === 0 ? outputs[x.col]! : x));
  // The subquery's quals first, as deconstruct_jointree distributes a lower FromExpr's quals
  // before those of the join or level above it.
  const subQuals = conjunctsOf(sub.where).map(renumber);
  const subFrom = sub.from.map(renumberFrom);
  const rebuild = (n: FromNode): FromNode => {
    if (n.k === 'rte') return n.rti === rti ? subFrom.reduce((l, r) => ({ k: 'join', type: 'inner', left: l, right: r, quals: null })) : n;
    const quals = conjunctsOf(n.quals === null ? null : subst(n.quals));
    const all = n === attach ? [...subQuals, ...quals] : quals;
    return { ...n, left: rebuild(n.left), right: rebuild(n.right), quals: andOf(all) };
  };
  const from = leaf.path.length === 0
    ? [...q.from.slice(0, leaf.item).map(rebuild), ...subFrom, ...q.from.slice(leaf.item + 1).map(rebuild)]
    : q.from.map(rebuild);
  const where = andOf([...(attach === null ? subQuals : []), ...conjunctsOf(q.where).map(subst)]);
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

function andOf(quals: Expr[]): Expr | null {
  return quals.length === 0 ? null : quals.length === 1 ? quals[0]! : { k: 'and', type: 'bool', args: quals };
}
