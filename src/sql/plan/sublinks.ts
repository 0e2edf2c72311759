/**
 * Correlated EXISTS / NOT EXISTS and uncorrelated IN (subquery) in WHERE as semi / anti
 * joins (PostgreSQL's pull_up_sublinks, for the common shapes). `EXISTS (SELECT ... FROM x WHERE x.k = outer.c
 * AND <conditions on x>)` run as a SubPlan would scan x once per outer row; as a hash semi
 * join x is read once. The subquery qualifies when, once its equality clauses with the outer
 * query are taken out as hash keys, it refers to nothing outside itself and has no grouping,
 * LIMIT, set-returning select list or WITH. Which join each becomes follows PostgreSQL (see
 * addSemiJoins): an inner join when the subquery is distinct on its keys or is made so by a
 * HashAggregate, else a semi / anti join hashing the smaller side.
 */
// Hash keys compare by `=` of one type (a cast to it is part of the key expression): no `=` reads the zone.
import { UTC_ZONE as EQUALITY_ZONE } from '../../types/timezone.js';
import type { Expr } from '../analyze/expr.js';
import { isVolatileCall, forEachOperand } from '../analyze/expr.js';
import type { VarExpr } from './setrefs.js';
import { type SelectQuery, exprEqual, forEachQueryExpr, someNode } from '../analyze/query.js';
import { isNumeric } from '../analyze/types.js';
import { hashablePair } from '../exec/hash_key.js';
import { shiftLevels } from '../analyze/range.js';
import type { LayoutItem, PlanNode } from './plan.js';
import { CPU_OPERATOR_COST, CPU_TUPLE_COST, planBase } from './cost.js';
import { keyDistinct } from './selfuncs.js';
import { conjuncts, planLevel, PlannerInfo } from './planner.js';
import type { QualInfo } from './scan.js';

/** A WHERE conjunct turned into a semi (EXISTS) or anti (NOT EXISTS) join. */
export interface SemiJoin {
  anti: boolean;
  /** The subquery with its correlation clauses removed; its select list is the inner keys. */
  inner: SelectQuery;
  /** The outer keys, as expressions of the planned level. */
  outerKeys: Expr[];
  eq: ((a: unknown, b: unknown) => unknown)[];
  text: string;
}

/**
 * True when subquery `q` reads a column outside itself, or with `beyond` 1, outside the query
 * it is written in too (a level further out).
 */
export function refersOutside(q: SelectQuery, beyond = 0): boolean {
  let found = false;
  forEachQueryExpr(q, 0, (e, depth) => {
    const walk = (x: Expr): void => {
      if (x.k === 'var' && x.levelsUp > depth + beyond) found = true;
      forEachOperand(x, walk);
    };
    if (!found) walk(e);
  });
  return found;
}

function onlyLevel(e: Expr, levelsUp: number): boolean {
  let ok = true;
  let any = false;
  const walk = (x: Expr): void => {
    if (x.k === 'var') {
      any = true;
      if (x.levelsUp !== levelsUp) ok = false;
    }
    if (x.k === 'sublink') ok = false;
    forEachOperand(x, walk);
  };
  walk(e);
  return ok && any;
}

/**
 * Splits `quals` into the conjuncts kept as filters and the EXISTS / NOT EXISTS / IN
 * conjuncts that become semi / anti joins.
 */
export function pullUpExists(quals: QualInfo[]): { rest: QualInfo[]; semis: SemiJoin[] } {
  const rest: QualInfo[] = [];
  const semis: SemiJoin[] = [];
  for (const q of quals) {
    let e = q.expr;
    let anti = false;
    if (e.k === 'not' && e.arg.k === 'sublink') {
      anti = true;
      e = e.arg;
    }
    let s: SemiJoin | null = null;
    if (e.k === 'sublink' && e.sub === 'exists') s = semiJoinOf(e.query as SelectQuery, anti);
    else if (e.k === 'sublink' && e.sub === 'any' && !anti) s = inSemiJoinOf(e);
    if (s === null) rest.push(q);
    else semis.push(s);
  }
  return { rest, semis };
}

/**
 * `x IN (SELECT y ...)` (`= ANY`; a row `(a, b) IN (SELECT x, y ...)` the same on each
 * column) as a WHERE conjunct, uncorrelated: a semi join on x = y
 * (PostgreSQL's convert_ANY_sublink_to_join). In WHERE a NULL result rejects the row as FALSE
 * does, so a row passes exactly when some y equals x: a NULL x or y never matches, duplicate
 * y values match once. NOT IN stays a SubPlan: with a NULL among the y values it is NULL for
 * every x, which an anti join would not give. The types must hash alike (the same type, or
 * numbers), as the hash join compares hash keys before the operator confirms a match.
 */
function inSemiJoinOf(e: Extract<Expr, { k: 'sublink' }>): SemiJoin | null {
  const sub = e.query as SelectQuery;
  // `(a, b) IN (SELECT x, y ...)` joins on a = x AND b = y: one key per column.
  if (e.op !== '=' || e.args.length === 0 || sub.targets.length !== e.args.length) return null;
  for (const [i, arg] of e.args.entries()) {
    const innerType = sub.targets[i]!.expr.type;
    if (arg.type !== innerType && !(isNumeric(arg.type) && isNumeric(innerType))) return null;
    // character(n)'s `=` ignores trailing blanks, which its hash key keeps.
    if (arg.type === 'bpchar') return null;
    if (someNode(arg, (x) => x.k === 'sublink')) return null;
  }
  if (refersOutside(sub)) return null;
  const eq: SemiJoin['eq'] = e.cmps.map((cmp) => (a, b) => cmp(a as never, b as never, EQUALITY_ZONE));
  return { anti: false, inner: sub, outerKeys: e.args, eq, text: '' };
}

/**
 * A WHERE conjunct `x IN (SELECT v)` (`= ANY`; `(a, b) IN (SELECT v, w)` the same per column)
 * over a subquery without FROM as the comparison `x = v` (`a = v AND b = w`), or `e` itself
 * for anything else. PostgreSQL makes the IN a semi join with the subquery
 * (convert_ANY_sublink_to_join), pulls the FROM-less subquery up into a Result relation
 * (pull_up_simple_subquery) and removes that relation (remove_useless_result_rtes), leaving
 * `x = v` as a qual of the table, which an index answers: `id IN (SELECT 5)` is
 * `Index Cond: (id = 5)`. The subquery's one row equals x exactly when `x = v` is true; NULL
 * and false both reject the row in WHERE. Only a subquery of constant expressions qualifies:
 * no WHERE, grouping, aggregate, window, DISTINCT, ORDER BY, LIMIT, set-returning or volatile
 * function, nested subquery, or reference to an outer query.
 */
export function constantInSubLinkAsEquality(e: Expr): Expr {
  if (e.k !== 'sublink' || e.sub !== 'any' || e.op !== '=' || e.args.length === 0) return e;
  const sub = e.query as SelectQuery;
  if (sub.from.length !== 0 || sub.where !== null || sub.aggregate || sub.groupBy.length > 0 || sub.having !== null || sub.setReturning) return e;
  if (sub.limit !== null || sub.offset !== null || sub.orderBy.length > 0 || sub.ctes.length > 0 || sub.windows !== undefined || sub.distinct !== undefined || sub.distinctOn !== undefined) return e;
  if (sub.targets.length !== e.args.length || refersOutside(sub)) return e;
  const unsafe = (x: Expr): boolean => someNode(x, (y) => y.k === 'sublink' || y.k === 'subplan' || isVolatileCall(y));
  if (sub.targets.some((t) => unsafe(t.expr)) || e.args.some(unsafe)) return e;
  const eqs: Expr[] = e.args.map((arg, i) => ({ k: 'op2', type: 'bool', op: '=', l: arg, r: sub.targets[i]!.expr, fn: e.cmps[i]! }));
  return eqs.length === 1 ? eqs[0]! : { k: 'and', type: 'bool', args: eqs };
}

/** An EXISTS subquery taken apart by {@link decorrelateExists}. */
export interface DecorrelatedExists {
  /** The subquery without its correlation clauses; its select list is the inner keys. */
  inner: SelectQuery;
  /** The outer keys, as expressions of the level the EXISTS is written in. */
  outerKeys: Expr[];
  /** `eq[i](outer, inner)`: the clause's `=` with its operands in their written order. */
  eq: SemiJoin['eq'];
  /** The subquery's other conditions (the inner query's WHERE). */
  kept: Expr[];
}

/**
 * EXISTS subquery `sub` as `(outer keys) = (SELECT inner keys FROM ... WHERE <the rest>)`:
 * its `inner expr = outer expr` conjuncts taken out, when every other part of it refers to
 * nothing outside it (PostgreSQL's convert_EXISTS_to_ANY, which pull_up_sublinks'
 * convert_EXISTS_sublink_to_join shares the tests of). Null for a subquery with grouping,
 * LIMIT / OFFSET, a set-returning select list, WITH, row locks, no FROM or no such clause.
 */
export function decorrelateExists(sub: SelectQuery): DecorrelatedExists | null {
  if (sub.aggregate || sub.limit !== null || sub.offset !== null || sub.setReturning || sub.ctes.length > 0 || sub.from.length === 0 || sub.rowMarks !== undefined) return null;
  const innerKeys: Expr[] = [];
  const outerKeys: Expr[] = [];
  const eq: SemiJoin['eq'] = [];
  const kept: Expr[] = [];
  for (const c of conjuncts(sub.where)) {
    if (c.k === 'op2' && c.op === '=' && c.type === 'bool') {
      const fn = c.fn;
      if (onlyLevel(c.l, 0) && onlyLevel(c.r, 1)) {
        innerKeys.push(c.l);
        outerKeys.push(shiftLevels(c.r, -1));
        eq.push((a, b) => fn(b as never, a as never, EQUALITY_ZONE));
        continue;
      }
      if (onlyLevel(c.r, 0) && onlyLevel(c.l, 1)) {
        innerKeys.push(c.r);
        outerKeys.push(shiftLevels(c.l, -1));
        eq.push((a, b) => fn(a as never, b as never, EQUALITY_ZONE));
        continue;
      }
    }
    kept.push(c);
  }
  if (innerKeys.length === 0) return null;
  const where = kept.length === 0 ? null : kept.length === 1 ? kept[0]! : ({ k: 'and', type: 'bool', args: kept } as Expr);
  const inner: SelectQuery = { ...sub, where, targets: innerKeys.map((k, i) => ({ name: `k${i}`, expr: k })), orderBy: [] };
  // DISTINCT [ON] changes no EXISTS (PostgreSQL's simplify_EXISTS_query drops it), and its
  // expressions are of the select list just replaced by the keys.
  delete inner.distinct;
  delete inner.distinctOn;
  if (refersOutside(inner)) return null;
  return { inner, outerKeys, eq, kept };
}

/**
 * A correlated EXISTS that is not a WHERE conjunct (under OR or NOT, in the select list) as
 * the uncorrelated `(outer keys) = ANY (SELECT inner keys ...)` a hashed SubPlan answers
 * (convert_EXISTS_to_ANY), or null when it cannot be (see {@link decorrelateExists}) or its
 * keys do not hash (hash_key.ts hashablePair).
 */
export function existsAsAny(sub: SelectQuery): DecorrelatedExists | null {
  const d = decorrelateExists(sub);
  if (d === null) return null;
  for (const [i, k] of d.outerKeys.entries()) {
    if (!hashablePair(k.type, d.inner.targets[i]!.expr.type)) return null;
    if (someNode(k, (x) => x.k === 'sublink')) return null;
  }
  return d;
}

function semiJoinOf(sub: SelectQuery, anti: boolean): SemiJoin | null {
  const d = decorrelateExists(sub);
  if (d === null) return null;
  const { inner, outerKeys, eq } = d;
  return { anti, inner, outerKeys, eq, text: '' };
}

/**
 * Key types whose `=` is the equality that unique indexes, the hash table and grouping use
 * (byte for byte or by value with one representation per value): no float zeros or NaN, no
 * numeric scales, no character(n) blanks. A semi join is made an inner join only over these.
 */
const UNIQUE_KEY_TYPES = new Set<string>(['int2', 'int4', 'int8', 'text', 'varchar', 'bool', 'uuid', 'date', 'time']);

/**
 * True when the rows of subquery `q` are distinct on its select list (the semi join's inner
 * keys), so each outer row matches at most one of them and the semi join is an inner join
 * (PostgreSQL's innerrel_is_unique, through query_is_distinct_for for a subquery and
 * relation_has_unique_index_for for one table): DISTINCT or GROUP BY on key columns only, an
 * aggregate without GROUP BY (one row), or one table with a primary key or a unique
 * non-partial index whose columns are all keys or equated with constants in the WHERE.
 */
function innerIsUnique(info: PlannerInfo, q: SelectQuery): boolean {
  if (q.setReturning) return false;
  const keys = q.targets.map((t) => t.expr);
  const covered = (group: readonly Expr[]): boolean => group.length > 0 && group.every((g) => keys.some((k) => exprEqual(k, g)));
  if (q.distinct !== undefined && covered(q.distinct)) return true;
  if (q.aggregate) return q.groupingSets === undefined && (q.groupBy.length === 0 || covered(q.groupBy));
  if (q.distinctOn !== undefined || q.from.length !== 1) return false;
  const item = q.from[0]!;
  if (item.k !== 'rte') return false;
  const rte = q.rtable[item.rti];
  if (rte === undefined || rte.kind !== 'relation') return false;
  const cols = new Set<number>();
  const isCol = (e: Expr): e is VarExpr => e.k === 'var' && e.levelsUp === 0 && e.rti === item.rti && e.col >= 0;
  for (const k of keys) if (isCol(k)) cols.add(k.col);
  for (const c of conjuncts(q.where)) {
    // `col = constant` in the subquery's WHERE fixes that column (a NULL constant matches nothing).
    if (c.k !== 'op2' || c.op !== '=' || c.type !== 'bool') continue;
    if (isCol(c.l) && c.r.k === 'const' && c.r.type === c.l.type) cols.add(c.l.col);
    else if (isCol(c.r) && c.l.k === 'const' && c.l.type === c.r.type) cols.add(c.r.col);
  }
  const t = rte.table;
  if (t.def.primaryKey.length > 0 && t.def.primaryKey.every((c) => cols.has(c))) return true;
  return info.global.env.catalog.indexesOf(t.name).some(
    (d) => d.unique && d.predicate === null && d.valid !== false && d.keys.every((k) => k.expr === null && cols.has(k.column)),
  );
}

/**
 * `sub` (planned with select list `s.inner.targets`, bound to `layout`) unique-ified on its
 * keys by a HashAggregate, when joining its distinct keys as the inner side of an inner join
 * is estimated cheaper than the semi join over all its rows (PostgreSQL's create_unique_path
 * and the choice between the two joins); null when it is not, or when the keys' distinct
 * counts are unknown (not columns). The comparison follows final_cost_hashjoin: building the
 * hash table costs (cpu_operator_cost per key + cpu_tuple_cost) per hashed row, the
 * HashAggregate cpu_operator_cost per key and input row plus cpu_tuple_cost per group, and each
 * matched outer row walks a bucket of rows * bucket fraction rows (bucket fraction 1 / distinct,
 * or the most common value's frequency when larger), of which a semi join reads
 * 2 / (matches per key + 1) before it stops.
 */
function uniqueify(child: PlannerInfo, sub: PlanNode, s: SemiJoin, layout: LayoutItem[], outerRows: number): PlanNode | null {
  const lookup = child.statsLookup();
  const n = Math.max(1, sub.rows);
  let groups = 1;
  let bucket = 0;
  for (const t of s.inner.targets) {
    const d = keyDistinct(t.expr, lookup, n);
    if (d === null) return null;
    groups *= d.nDistinct;
    bucket = s.inner.targets.length === 1 ? Math.max(1 / d.nDistinct, d.mcvFreq) : 0;
  }
  groups = Math.min(groups, n);
  if (bucket === 0) bucket = 1 / groups;
  const k = s.inner.targets.length;
  const matched = outerRows * 0.5;
  const walk = (rows: number, scanFrac: number): number => CPU_OPERATOR_COST * k * 0.5 * matched * Math.max(1, Math.round(rows * bucket * scanFrac));
  const semiCost = (CPU_OPERATOR_COST * k + CPU_TUPLE_COST) * n + walk(n, 2 / (n / groups + 1));
  const uniqueCost = CPU_OPERATOR_COST * k * n + CPU_TUPLE_COST * groups + (CPU_OPERATOR_COST * k + CPU_TUPLE_COST) * groups + walk(groups, 1);
  if (uniqueCost >= semiCost) return null;
  const startup = sub.totalCost + n * k * CPU_OPERATOR_COST;
  const agg: PlanNode & { node: 'Agg' } = {
    ...planBase(groups, startup, startup + groups * CPU_TUPLE_COST, layout, sub.width),
    node: 'Agg', strategy: 'hashed', input: sub, groupKeys: [], groupText: [], aggs: [],
  };
  agg.groupKeys = s.inner.targets.map((t) => child.bindFor(agg, t.expr, layout));
  agg.groupText = s.inner.targets.map((t) => child.text(t.expr, child.global.useprefix('upper')));
  return agg;
}

/**
 * `plan` semi / anti joined with each of `semis` (hash joins). A semi join whose subquery is
 * distinct on its keys (innerIsUnique), or made so by a HashAggregate when that is cheaper
 * (uniqueify), is an inner join, the smaller side hashed, as PostgreSQL plans it; otherwise
 * a semi or anti join hashing the subquery, or the outer rows when they are the fewer (a
 * Hash Right Semi / Anti Join).
 */
export function addSemiJoins(info: PlannerInfo, plan: PlanNode, semis: SemiJoin[]): PlanNode {
  for (const s of semis) {
    const child = new PlannerInfo(info.global, s.inner, info);
    let sub = planLevel(child);
    const innerLayout: LayoutItem[] = s.inner.targets.map((t) => ({ expr: t.expr }));
    sub.layout = innerLayout;
    const outer = plan;
    let joinType: 'semi' | 'anti' | 'inner' = s.anti ? 'anti' : 'semi';
    let uniqueified = false;
    const safeKeys = s.inner.targets.every((t) => UNIQUE_KEY_TYPES.has(t.expr.type)) && s.outerKeys.every((k) => UNIQUE_KEY_TYPES.has(k.type));
    if (!s.anti && safeKeys) {
      if (innerIsUnique(info, s.inner)) joinType = 'inner';
      else {
        const u = uniqueify(child, sub, s, innerLayout, outer.rows);
        if (u !== null) {
          sub = u;
          joinType = 'inner';
          uniqueified = true;
        }
      }
    }
    const rows = Math.max(1, outer.rows * 0.5);
    const cost = outer.totalCost + sub.totalCost + (outer.rows + sub.rows) * (CPU_TUPLE_COST + CPU_OPERATOR_COST);
    const pre = info.global.useprefix('upper');
    // The smaller side is hashed. A unique-ified subquery stays hashed unless the outer side
    // is much the smaller: as the inner side its keys are known unique, which PostgreSQL's
    // final_cost_hashjoin credits (a probe stops at the first match) and hashing the outer
    // rows forgoes.
    // A semi or anti join hashes the outer rows when they are the fewer (PostgreSQL's Hash
    // Right Semi Join: each hashed row emitted once, at its first match; Hash Right Anti Join:
    // the hashed rows never matched, at the end).
    const hashOuter = joinType === 'inner' ? (uniqueified ? outer.rows * 2 < sub.rows : outer.rows < sub.rows) : outer.rows < sub.rows;
    if (hashOuter) {
      // The outer rows hashed, the subquery's rows probing them (an inner join emits
      // subquery ++ outer, a right semi or anti join outer ++ subquery). The subquery's columns are
      // masked in the join's layout: nothing above reads them, and a column of its range
      // table must not be taken for the outer level's column of the same number.
      const hash: PlanNode & { node: 'Hash' } = { ...planBase(outer.rows, outer.totalCost, outer.totalCost, outer.layout, outer.width), node: 'Hash', input: outer };
      const masked: LayoutItem[] = innerLayout.map(() => ({ rti: -1, col: -1 }));
      const hj: PlanNode & { node: 'HashJoin' } = {
        ...planBase(rows, outer.totalCost + sub.startupCost, cost, joinType === 'inner' ? [...masked, ...outer.layout] : [...outer.layout, ...masked], outer.width),
        node: 'HashJoin', joinType: joinType === 'inner' ? 'inner' : joinType === 'semi' ? 'right_semi' : 'right_anti', outer: sub, inner: hash, outerKeys: [], innerKeys: [],
        keyEq: s.eq.map((f) => (a: unknown, b: unknown) => f(b, a)),
        hashCondText: '', joinQual: null, outerWidth: innerLayout.length, innerWidth: outer.layout.length,
      };
      hj.outerKeys = s.inner.targets.map((t, i) => ({ k: 'slot', type: t.expr.type, idx: i, typmod: -1, name: '' }) as Expr);
      hj.innerKeys = s.outerKeys.map((k) => info.bindFor(hj, k, outer.layout));
      const conds = s.outerKeys.map((k, i) => `(${child.text(child.q.targets[i]!.expr, pre)} = ${info.text(k, pre)})`);
      hj.hashCondText = conds.length === 1 ? conds[0]! : `(${conds.join(' AND ')})`;
      plan = hj;
      continue;
    }
    const hash: PlanNode & { node: 'Hash' } = { ...planBase(sub.rows, sub.totalCost, sub.totalCost, innerLayout, sub.width), node: 'Hash', input: sub };
    const hj: PlanNode & { node: 'HashJoin' } = {
      ...planBase(rows, sub.totalCost, cost, [...outer.layout, ...innerLayout], outer.width),
      node: 'HashJoin', joinType, outer, inner: hash, outerKeys: [], innerKeys: [], keyEq: s.eq,
      hashCondText: '', joinQual: null, outerWidth: outer.layout.length, innerWidth: innerLayout.length,
    };
    if (joinType === 'inner') hj.innerUnique = true;
    hj.outerKeys = s.outerKeys.map((k) => info.bindFor(hj, k, outer.layout));
    hj.innerKeys = s.inner.targets.map((_, i) => ({ k: 'slot', type: s.inner.targets[i]!.expr.type, idx: i, typmod: -1, name: '' }) as Expr);
    const conds = s.outerKeys.map((k, i) => `(${info.text(k, pre)} = ${child.text(child.q.targets[i]!.expr, pre)})`);
    hj.hashCondText = conds.length === 1 ? conds[0]! : `(${conds.join(' AND ')})`;
    plan = hj;
  }
  return plan;
}
