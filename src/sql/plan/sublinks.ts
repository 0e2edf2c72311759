/**
 * Correlated EXISTS / NOT EXISTS and uncorrelated IN (subquery) in WHERE as semi / anti
 * joins (PostgreSQL's pull_up_sublinks, for the common shapes). `EXISTS (SELECT ... FROM x WHERE x.k = outer.c
 * AND <conditions on x>)` run as a SubPlan would scan x once per outer row; as a hash semi
 * join x is read once. The subquery qualifies when, once its equality clauses with the outer
 * query are taken out as hash keys, it refers to nothing outside itself and has no grouping,
 * LIMIT, set-returning select list or WITH.
 */
// Hash keys compare by `=` of one type (a cast to it is part of the key expression): no `=` reads the zone.
import { UTC_ZONE as EQUALITY_ZONE } from '../../types/timezone.js';
import type { Expr } from '../analyze/expr.js';
import { forEachOperand } from '../analyze/expr.js';
import type { VarExpr } from './setrefs.js';
import { type SelectQuery, forEachQueryExpr, someNode } from '../analyze/query.js';
import { isNumeric } from '../analyze/types.js';
import { shiftLevels } from '../analyze/range.js';
import type { LayoutItem, PlanNode } from './plan.js';
import { CPU_OPERATOR_COST, CPU_TUPLE_COST, planBase } from './cost.js';
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
  /**
   * EXISTS only: the subquery's conditions that compute vector distances, and the subquery's
   * columns they read. When the outer side is the smaller, the join hashes it and probes
   * with the subquery's rows, and these conditions run as the join filter on the rows whose
   * key matched (a Hash Right Semi Join), not on every row of the subquery.
   */
  lazy?: { quals: Expr[]; rest: Expr[]; vars: VarExpr[] };
}

const DISTANCE_OPS = new Set(['<->', '<#>', '<=>', '<+>', '<~>', '<%>']);

/** True when `e` (at `depth` levels below the subquery) refers to anything outside the subquery. */
function refersOutside(q: SelectQuery): boolean {
  let found = false;
  forEachQueryExpr(q, 0, (e, depth) => {
    const walk = (x: Expr): void => {
      if (x.k === 'var' && x.levelsUp > depth) found = true;
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
 * `x IN (SELECT y ...)` (`= ANY`) as a WHERE conjunct, uncorrelated: a semi join on x = y
 * (PostgreSQL's convert_ANY_sublink_to_join). In WHERE a NULL result rejects the row as FALSE
 * does, so a row passes exactly when some y equals x: a NULL x or y never matches, duplicate
 * y values match once. NOT IN stays a SubPlan: with a NULL among the y values it is NULL for
 * every x, which an anti join would not give. The types must hash alike (the same type, or
 * numbers), as the hash join compares hash keys before the operator confirms a match.
 */
function inSemiJoinOf(e: Extract<Expr, { k: 'sublink' }>): SemiJoin | null {
  const sub = e.query as SelectQuery;
  if (e.op !== '=' || e.arg === null || e.cmp === null || sub.targets.length !== 1) return null;
  const arg = e.arg;
  const innerType = sub.targets[0]!.expr.type;
  if (arg.type !== innerType && !(isNumeric(arg.type) && isNumeric(innerType))) return null;
  // character(n)'s `=` ignores trailing blanks, which its hash key keeps.
  if (arg.type === 'bpchar') return null;
  if (someNode(arg, (x) => x.k === 'sublink') || refersOutside(sub)) return null;
  const cmp = e.cmp;
  return { anti: false, inner: sub, outerKeys: [arg], eq: [(a, b) => cmp(a as never, b as never, EQUALITY_ZONE)], text: '' };
}

function semiJoinOf(sub: SelectQuery, anti: boolean): SemiJoin | null {
  if (sub.aggregate || sub.limit !== null || sub.offset !== null || sub.setReturning || sub.ctes.length > 0 || sub.from.length === 0) return null;
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
  if (refersOutside(inner)) return null;
  const out: SemiJoin = { anti, inner, outerKeys, eq, text: '' };
  const costly = kept.filter((c) => someNode(c, (x) => x.k === 'op2' && DISTANCE_OPS.has(x.op)) && !someNode(c, (x) => x.k === 'sublink'));
  if (!anti && costly.length > 0 && sub.from.length === 1) {
    const vars: VarExpr[] = [];
    const walk = (x: Expr): void => {
      if (x.k === 'var' && !vars.some((v) => v.rti === x.rti && v.col === x.col)) vars.push(x);
      forEachOperand(x, walk);
    };
    for (const c of costly) walk(c);
    out.lazy = { quals: costly, rest: kept.filter((c) => !costly.includes(c)), vars };
  }
  return out;
}

/**
 * The semi join of `outer` with EXISTS subquery `s` as a Hash Right Semi Join: `outer`
 * hashed on its keys, the subquery (without its distance conditions) probing it, the
 * distance conditions evaluated as the join filter on probe rows whose key matched. Null
 * when hashing the subquery is estimated cheaper.
 */
function rightSemiJoin(info: PlannerInfo, outer: PlanNode, s: SemiJoin): PlanNode | null {
  const lazy = s.lazy!;
  const restWhere = lazy.rest.length === 0 ? null : lazy.rest.length === 1 ? lazy.rest[0]! : ({ k: 'and', type: 'bool', args: lazy.rest } as Expr);
  const q: SelectQuery = { ...s.inner, where: restWhere, targets: [...s.inner.targets, ...lazy.vars.map((v, i) => ({ name: `v${i}`, expr: v as Expr }))] };
  const child = new PlannerInfo(info.global, q, info);
  const sub = planLevel(child);
  if (outer.rows >= sub.rows) return null;
  const subLayout: LayoutItem[] = q.targets.map((t) => ({ expr: t.expr }));
  sub.layout = subLayout;
  const hash: PlanNode & { node: 'Hash' } = { ...planBase(outer.rows, outer.totalCost, outer.totalCost, outer.layout, outer.width), node: 'Hash', input: outer };
  const rows = Math.max(1, outer.rows * 0.5);
  const cost = outer.totalCost + sub.totalCost + (outer.rows + sub.rows) * (CPU_TUPLE_COST + CPU_OPERATOR_COST);
  const eq = s.eq;
  const hj: PlanNode & { node: 'HashJoin' } = {
    ...planBase(rows, outer.totalCost, cost, [...outer.layout, ...subLayout], outer.width),
    node: 'HashJoin', joinType: 'right_semi', outer: sub, inner: hash, outerKeys: [], innerKeys: [],
    keyEq: eq.map((f) => (a: unknown, b: unknown) => f(b, a)),
    hashCondText: '', joinQual: null, outerWidth: subLayout.length, innerWidth: outer.layout.length,
  };
  hj.outerKeys = s.inner.targets.map((t, i) => ({ k: 'slot', type: t.expr.type, idx: i, typmod: -1, name: '' }) as Expr);
  hj.innerKeys = s.outerKeys.map((k) => info.bindFor(hj, k, outer.layout));
  // The join filter reads the subquery's columns where the emitted row (outer ++ subquery)
  // holds them: bound at the subquery's level, the outer positions matching nothing.
  const bindLayout: LayoutItem[] = [...outer.layout.map(() => ({ rti: -1, col: -1 })), ...s.inner.targets.map(() => ({ rti: -1, col: -1 })), ...lazy.vars.map((v) => ({ rti: v.rti, col: v.col }))];
  const lq = lazy.quals.length === 1 ? lazy.quals[0]! : ({ k: 'and', type: 'bool', args: lazy.quals } as Expr);
  hj.joinQual = child.bindFor(hj, lq, bindLayout);
  const pre = info.global.qualify;
  const conds = s.outerKeys.map((k, i) => `(${child.text(child.q.targets[i]!.expr, pre)} = ${info.text(k, pre)})`);
  hj.hashCondText = conds.length === 1 ? conds[0]! : `(${conds.join(' AND ')})`;
  return hj;
}

/** `plan` semi / anti joined with each of `semis` (hash joins, the subquery hashed). */
export function addSemiJoins(info: PlannerInfo, plan: PlanNode, semis: SemiJoin[]): PlanNode {
  for (const s of semis) {
    if (s.lazy !== undefined) {
      const r = rightSemiJoin(info, plan, s);
      if (r !== null) {
        plan = r;
        continue;
      }
    }
    const child = new PlannerInfo(info.global, s.inner, info);
    const sub = planLevel(child);
    const innerLayout: LayoutItem[] = s.inner.targets.map((t) => ({ expr: t.expr }));
    sub.layout = innerLayout;
    const hash: PlanNode & { node: 'Hash' } = { ...planBase(sub.rows, sub.totalCost, sub.totalCost, innerLayout, sub.width), node: 'Hash', input: sub };
    const outer = plan;
    const rows = Math.max(1, outer.rows * (s.anti ? 0.5 : 0.5));
    const cost = outer.totalCost + sub.totalCost + (outer.rows + sub.rows) * (CPU_TUPLE_COST + CPU_OPERATOR_COST);
    const hj: PlanNode = {
      ...planBase(rows, sub.totalCost, cost, [...outer.layout, ...innerLayout], outer.width),
      node: 'HashJoin', joinType: s.anti ? 'anti' : 'semi', outer, inner: hash, outerKeys: [], innerKeys: [], keyEq: s.eq,
      hashCondText: '', joinQual: null, outerWidth: outer.layout.length, innerWidth: innerLayout.length,
    };
    hj.outerKeys = s.outerKeys.map((k) => info.bindFor(hj, k, outer.layout));
    hj.innerKeys = s.inner.targets.map((_, i) => ({ k: 'slot', type: s.inner.targets[i]!.expr.type, idx: i, typmod: -1, name: '' }) as Expr);
    const pre = info.global.qualify;
    const conds = s.outerKeys.map((k, i) => `(${info.text(k, pre)} = ${child.text(child.q.targets[i]!.expr, pre)})`);
    hj.hashCondText = conds.length === 1 ? conds[0]! : `(${conds.join(' AND ')})`;
    plan = hj;
  }
  return plan;
}

