/**
 * Joins (PostgreSQL's joinpath.c / joinrels.c, much reduced). WHERE and ON conjuncts are
 * pushed down to the lowest FROM item or join that can evaluate them without changing an
 * outer join's result (a WHERE clause on the nullable side of an outer join stays above it).
 * The items of a comma list or chain of inner joins are joined greedily, cheapest next join
 * first, preferring items connected by a join clause; each join is a:
 *
 * - nested loop over a primary-key lookup, when the inner side is a table whose key the join
 *   equates with an outer value and the outer side is small (one lookup per outer row);
 * - hash join on the equality clauses otherwise (the smaller side hashed, also for LEFT and
 *   FULL joins: a LEFT JOIN whose preserved side is the smaller runs as a Hash Right Join);
 * - nested loop over a materialized inner side when there is no equality clause;
 * - nested loop with a rescanned, parameterized inner side when it is a LATERAL item (its
 *   references to the outer side are executor parameters set per outer row).
 */
// Hash keys compare by `=` of one type (a cast to it is part of the key expression): no `=` reads the zone.
import { UTC_ZONE as EQUALITY_ZONE } from '../../types/timezone.js';
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { Expr } from '../analyze/expr.js';
import type { FromNode, JoinType } from '../analyze/query.js';
import { someNode } from '../analyze/query.js';
import type { LayoutItem, PlanNode } from './plan.js';
import { CPU_OPERATOR_COST, CPU_TUPLE_COST, planBase, qualSelectivity } from './cost.js';
import { eqJoinSelectivity, type VarLookup } from './selfuncs.js';
import { conjuncts, relsOf, type PlannerInfo } from './planner.js';
import { classClause, type JoinClass } from './equivclass.js';
import { knnKey, knnScan, planBaseRel, pkQual, type QualInfo, type RelPlan } from './scan.js';
import type { VarExpr } from './setrefs.js';

export type { QualInfo } from './scan.js';

function subset(a: Set<number>, b: Set<number>): boolean {
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function relsOfNode(n: FromNode): Set<number> {
  if (n.k === 'rte') return new Set([n.rti]);
  return new Set([...relsOfNode(n.left), ...relsOfNode(n.right)]);
}

function and(exprs: Expr[]): Expr | null {
  if (exprs.length === 0) return null;
  return exprs.length === 1 ? exprs[0]! : { k: 'and', type: 'bool', args: exprs };
}

/**
 * Plans the FROM clause `from` (a comma list) with the WHERE conjuncts `quals`.
 * @throws PgError 0A000 for a FULL JOIN without an equality condition.
 */
export function planJoinTree(info: PlannerInfo, from: FromNode[], quals: QualInfo[], needed: Map<number, Set<number>>): PlanNode {
  const r = planInnerGroup(info, from, quals, needed, info.joinClasses);
  return r.plan;
}

/**
 * An inner join of `items` (a comma list, or the flattened operands of INNER JOINs). The
 * `classes` whose columns are all of tables among the items replace their written clauses:
 * their columns of one table are equated on its scan, and each join takes one implied clause
 * per class with columns on both sides (equivclass.ts JoinClass).
 */
function planInnerGroup(info: PlannerInfo, items: FromNode[], quals: QualInfo[], needed: Map<number, Set<number>>, classes: readonly JoinClass[] = []): RelPlan {
  // Flatten nested inner joins into one group, their ON conditions joining the WHERE clauses.
  const flat: FromNode[] = [];
  const all = [...quals];
  const flatten = (n: FromNode): void => {
    if (n.k === 'join' && n.type === 'inner') {
      flatten(n.left);
      flatten(n.right);
      for (const c of conjuncts(n.quals)) all.push({ expr: c, rels: relsOf(c) });
    } else {
      flat.push(n);
    }
  };
  for (const it of items) flatten(it);
  const tables = new Set(flat.flatMap((n) => (n.k === 'rte' ? [n.rti] : [])));
  const usable = classes.filter((c) => c.members.every((m) => tables.has(m.rti)) && c.sources.every((s) => all.some((q) => q.expr === s)));
  if (usable.length > 0) {
    const absorbed = new Set(usable.flatMap((c) => c.sources));
    all.splice(0, all.length, ...all.filter((q) => !absorbed.has(q.expr)));
    // generate_base_implied_equalities_no_const: each table's columns of a class equated in turn.
    for (const c of usable) {
      const prev = new Map<number, Expr>();
      for (const m of c.members) {
        const p = prev.get(m.rti);
        if (p !== undefined) all.push({ expr: classClause(c.sources[0]!, p, m), rels: new Set([m.rti]) });
        prev.set(m.rti, m);
      }
    }
  }
  /** generate_join_implied_equalities: per class, its first member on each side. */
  const implied = (a: Set<number>, b: Set<number>): QualInfo[] =>
    usable.flatMap((c) => {
      const o = c.members.find((m) => a.has(m.rti));
      const i = c.members.find((m) => b.has(m.rti));
      return o === undefined || i === undefined ? [] : [{ expr: classClause(c.sources[0]!, o, i), rels: new Set([o.rti, i.rti]) }];
    });
  const itemRels = flat.map(relsOfNode);
  const used = new Set<QualInfo>();
  const plans = flat.map((it, i) => {
    const mine = all.filter((q) => !used.has(q) && subset(q.rels, itemRels[i]!) && (q.rels.size > 0 || i === 0));
    for (const q of mine) used.add(q);
    return planNode(info, it, mine, needed);
  });
  let rest = all.filter((q) => !used.has(q));
  const pending = plans.map((p, i) => ({ p, i }));
  // Start from the cheapest item that needs nothing from the others.
  const free = (p: RelPlan, have: Set<number>): boolean => p.lateral.every((l) => have.has(l.v.rti) || !pendingHas(l.v.rti));
  const pendingHas = (rti: number): boolean => pending.some((x) => x.p.rels.has(rti));
  let start = -1;
  for (let k = 0; k < pending.length; k++) {
    const c = pending[k]!;
    if (!c.p.lateral.every((l) => c.p.rels.has(l.v.rti) || !pending.some((x) => x !== c && x.p.rels.has(l.v.rti)))) continue;
    if (start < 0 || c.p.plan.rows < pending[start]!.p.plan.rows) start = k;
  }
  if (start < 0) start = 0;
  let cur = pending.splice(start, 1)[0]!.p;
  while (pending.length > 0) {
    let bestK = -1;
    let best: { cost: number; connected: boolean } | null = null;
    for (let k = 0; k < pending.length; k++) {
      const c = pending[k]!.p;
      if (!free(c, cur.rels)) continue;
      const rels = new Set([...cur.rels, ...c.rels]);
      const applicable = [...rest.filter((q) => subset(q.rels, rels)), ...implied(cur.rels, c.rels)];
      const connected = applicable.length > 0 || c.lateral.some((l) => cur.rels.has(l.v.rti));
      const est = chooseJoin(info, cur, c, 'inner', applicable);
      if (best === null || (connected && !best.connected) || (connected === best.connected && est.cost < best.cost)) {
        best = { cost: est.cost, connected };
        bestK = k;
      }
    }
    if (bestK < 0) bestK = 0;
    const next = pending.splice(bestK, 1)[0]!.p;
    const rels = new Set([...cur.rels, ...next.rels]);
    const written = rest.filter((q) => subset(q.rels, rels));
    rest = rest.filter((q) => !written.includes(q));
    const applicable = [...written, ...implied(cur.rels, next.rels)];
    cur = makeJoin(info, cur, next, 'inner', applicable, []);
  }
  if (rest.length > 0) {
    // Conditions on nothing this level joins (cannot happen with well-formed rels): filter on top.
    const e = and(rest.map((q) => q.expr))!;
    cur.plan.qual = cur.plan.qual === null ? info.bindFor(cur.plan, e, cur.plan.layout) : { k: 'and', type: 'bool', args: [cur.plan.qual, info.bindFor(cur.plan, e, cur.plan.layout)] };
  }
  return cur;
}

/** Plans one FROM node with the conjuncts `pushed` from above (all of them evaluable inside it). */
function planNode(info: PlannerInfo, n: FromNode, pushed: QualInfo[], needed: Map<number, Set<number>>): RelPlan {
  if (n.k === 'rte') return planBaseRel(info, n.rti, pushed, needed);
  if (n.type === 'inner') return planInnerGroup(info, [n], pushed, needed);
  let type: JoinType = n.type;
  let leftNode = n.left;
  let rightNode = n.right;
  if (type === 'right') {
    // A RIGHT JOIN is the LEFT JOIN of its operands swapped (tuples carry their layout).
    type = 'left';
    leftNode = n.right;
    rightNode = n.left;
  }
  const lRels = relsOfNode(leftNode);
  const rRels = relsOfNode(rightNode);
  const leftQ: QualInfo[] = [];
  const rightQ: QualInfo[] = [];
  const joinQ: QualInfo[] = [];
  const filterQ: QualInfo[] = [];
  for (const q of pushed) {
    if (type === 'left' && subset(q.rels, lRels)) leftQ.push(q);
    else filterQ.push(q);
  }
  for (const c of conjuncts(n.quals)) {
    const q = { expr: c, rels: relsOf(c) };
    if (type === 'left' && q.rels.size > 0 && subset(q.rels, rRels)) rightQ.push(q);
    else joinQ.push(q);
  }
  const L = planNode(info, leftNode, leftQ, needed);
  const R = planNode(info, rightNode, rightQ, needed);
  return makeJoin(info, L, R, type, joinQ, filterQ);
}

/**
 * Raises PostgreSQL's 0A000 for a FULL JOIN anywhere in `from` whose ON condition has no
 * equality between its two sides to hash on. makeJoin raises it while planning; a level whose
 * WHERE cannot hold plans no join (planner.ts dummyResult) yet must refuse the same query, as
 * PostgreSQL, which builds the join paths under a constant-false qual, does. `exemptTop`: the
 * single item of `from` is not checked (its children are).
 */
export function checkFullJoins(from: readonly FromNode[], exemptTop = false): void {
  for (const n of from) {
    if (n.k !== 'join') continue;
    if (n.type === 'full' && !exemptTop) {
      const quals = conjuncts(n.quals).map((c) => ({ expr: c, rels: relsOf(c) }));
      if (equiClauses({ rels: relsOfNode(n.left) }, { rels: relsOfNode(n.right) }, quals).length === 0) {
        throw new PgError(SQLSTATE.feature_not_supported, 'FULL JOIN is only supported with merge-joinable or hash-joinable join conditions');
      }
    }
    checkFullJoins([n.left, n.right]);
  }
}

/** An equality clause usable as a hash key: one side over the outer rels, the other over the inner. */
interface EquiClause {
  q: QualInfo;
  outer: Expr;
  inner: Expr;
  eq: (a: unknown, b: unknown) => unknown;
}

function equiClauses(L: { rels: Set<number> }, R: { rels: Set<number> }, quals: QualInfo[]): EquiClause[] {
  const out: EquiClause[] = [];
  for (const q of quals) {
    const e = q.expr;
    if (e.k !== 'op2' || e.op !== '=' || e.type !== 'bool') continue;
    if (someNode(e, (x) => x.k === 'sublink')) continue;
    const lr = relsOf(e.l);
    const rr = relsOf(e.r);
    if (lr.size === 0 || rr.size === 0) continue;
    const fn = e.fn;
    if (subset(lr, L.rels) && subset(rr, R.rels)) out.push({ q, outer: e.l, inner: e.r, eq: (a, b) => fn(a as never, b as never, EQUALITY_ZONE) });
    else if (subset(lr, R.rels) && subset(rr, L.rels)) out.push({ q, outer: e.r, inner: e.l, eq: (a, b) => fn(b as never, a as never, EQUALITY_ZONE) });
  }
  return out;
}

type Method = 'lateral' | 'pk' | 'hash' | 'nl';

interface JoinChoice {
  method: Method;
  cost: number;
  rows: number;
  /**
   * Hash join: hash the left operand instead (the smaller side is hashed; a LEFT join then
   * runs as a RIGHT join of the swapped operands).
   */
  swap: boolean;
}

/**
 * The rows of `L type JOIN R` (calc_joinrel_size_estimate): the cross product times each
 * clause's selectivity, an equality between the sides by eqjoinsel (the larger distinct count
 * of its two columns), the others as restrictions; an outer join keeps at least its preserved
 * side's rows.
 */
function joinRows(L: RelPlan, R: RelPlan, type: JoinType, quals: QualInfo[], equi: EquiClause[], lookup: VarLookup): number {
  let rows = L.plan.rows * R.plan.rows;
  for (const x of equi) rows *= eqJoinSelectivity(x.outer, x.inner, lookup);
  for (const q of quals) if (!equi.some((x) => x.q === q)) rows *= qualSelectivity(q.expr, lookup);
  if (type === 'left' || type === 'full') rows = Math.max(rows, L.plan.rows);
  if (type === 'full') rows = Math.max(rows, R.plan.rows);
  return Math.max(1, rows);
}

/**
 * Chooses how to join L (outer) with R, and its cost, without building anything. With
 * `keepOrder` the join emits rows in L's order (a nested loop, or a hash join that hashes R),
 * so an ordered outer scan needs no Sort above the join.
 */
function chooseJoin(info: PlannerInfo, L: RelPlan, R: RelPlan, type: JoinType, quals: QualInfo[], keepOrder = false): JoinChoice {
  const equi = equiClauses(L, R, quals);
  const rows = joinRows(L, R, type, quals, equi, info.statsLookup());
  const needsL = R.lateral.some((l) => L.rels.has(l.v.rti));
  if (needsL) return { method: 'lateral', cost: L.plan.totalCost + L.plan.rows * Math.max(R.plan.totalCost, CPU_TUPLE_COST), rows, swap: false };
  const out = rows * CPU_TUPLE_COST;
  let best: JoinChoice = {
    method: 'nl',
    cost: L.plan.totalCost + R.plan.totalCost + L.plan.rows * R.plan.rows * CPU_OPERATOR_COST * Math.max(1, quals.length) + out,
    rows,
    swap: false,
  };
  if (equi.length > 0) {
    // The smaller side is hashed, as hash_inner_and_outer tries both orders and the build
    // cost grows with the hashed side. For a LEFT JOIN with the preserved side the smaller,
    // that side is hashed and the join runs as a RIGHT join of the swapped operands (PostgreSQL's
    // Hash Right Join: unmatched hashed rows are emitted at the end); a FULL JOIN stays FULL.
    const swap = (type === 'inner' || type === 'left' || type === 'full') && !keepOrder && L.plan.rows < R.plan.rows;
    const build = swap ? L.plan.rows : R.plan.rows;
    const probe = swap ? R.plan.rows : L.plan.rows;
    const cost = L.plan.totalCost + R.plan.totalCost + build * CPU_TUPLE_COST * 2 + probe * CPU_OPERATOR_COST * 2 * equi.length + out;
    // With an equality clause a hash join is taken over a plain nested loop: the loop's
    // quadratic cost is what the estimates understate most on small inputs.
    best = { method: 'hash', cost, rows, swap };
    if (R.base !== null && (type === 'inner' || type === 'left') && !R.base.quals.some((q) => someNode(q.expr, (x) => x.k === 'sublink'))) {
      const pk = pkQual(info, R.base.rti, equi.map((x) => x.q).filter((q) => subset(relsOf(pkKeySide(q.expr, R.base!.rti)), L.rels)));
      if (pk !== null) {
        const pkCost = L.plan.totalCost + L.plan.rows * 0.3 + out;
        if (pkCost < best.cost) best = { method: 'pk', cost: pkCost, rows, swap: false };
      }
    }
  } else if (type === 'full') {
    throw new PgError(SQLSTATE.feature_not_supported, 'FULL JOIN is only supported with merge-joinable or hash-joinable join conditions');
  }
  return best;
}

/** The non-primary-key side of `pk = expr` (whichever side does not refer to `rti`). */
function pkKeySide(e: Expr, rti: number): Expr {
  if (e.k !== 'op2') return e;
  return relsOf(e.l).has(rti) ? e.r : e.l;
}

/**
 * Builds the join of L (outer) and R with join clauses `joinQ` and, above it, `filterQ`.
 * `keepOrder`: the join must emit its rows in L's order (see chooseJoin; R must not be LATERAL
 * to L the other way round).
 */
export function makeJoin(info: PlannerInfo, L: RelPlan, R: RelPlan, type: JoinType, joinQ: QualInfo[], filterQ: QualInfo[], keepOrder = false): RelPlan {
  if (type === 'inner' && L.lateral.some((l) => R.rels.has(l.v.rti))) [L, R] = [R, L];
  if (type !== 'inner' && L.lateral.some((l) => R.rels.has(l.v.rti))) throw new PgError(SQLSTATE.feature_not_supported, 'LATERAL reference to the right side of a join is not supported');
  const choice = chooseJoin(info, L, R, type, joinQ, keepOrder);
  if (type === 'full' && choice.method !== 'hash') {
    throw new PgError(SQLSTATE.feature_not_supported, 'FULL JOIN is only supported with merge-joinable or hash-joinable join conditions');
  }
  if (choice.method === 'lateral' && type === 'full') throw new PgError(SQLSTATE.feature_not_supported, 'FULL JOIN with a LATERAL reference is not supported');
  const rels = new Set([...L.rels, ...R.rels]);
  let outer = L;
  let inner = R;
  let joinType = type;
  if (choice.method === 'hash' && choice.swap) {
    [outer, inner] = [R, L];
    if (type === 'left') joinType = 'right';
  }
  if (choice.method === 'pk') inner = pkInner(info, L, R, joinQ);
  const equi = choice.method === 'hash' ? equiClauses(outer, inner, joinQ) : [];
  const usedQ = new Set<QualInfo>(equi.map((x) => x.q));
  if (choice.method === 'pk') usedQ.add((inner as RelPlan & { pkUsed: QualInfo }).pkUsed);
  const layout: LayoutItem[] = [...outer.plan.layout, ...inner.plan.layout];
  const restJoin = joinQ.filter((q) => !usedQ.has(q));
  const lateralLeft = [...outer.lateral.filter((l) => !inner.rels.has(l.v.rti)), ...inner.lateral.filter((l) => !outer.rels.has(l.v.rti))];
  const width = outer.plan.width + inner.plan.width;
  let node: PlanNode;
  if (choice.method === 'hash') {
    const hash: PlanNode & { node: 'Hash' } = {
      ...planBase(inner.plan.rows, inner.plan.totalCost, inner.plan.totalCost, inner.plan.layout, inner.plan.width),
      node: 'Hash', input: inner.plan,
    };
    const hj: PlanNode = {
      ...planBase(choice.rows, hash.totalCost + outer.plan.startupCost, choice.cost, layout, width),
      node: 'HashJoin', joinType, outer: outer.plan, inner: hash, outerKeys: [], innerKeys: [], keyEq: equi.map((x) => x.eq),
      hashCondText: '', joinQual: null, outerWidth: outer.plan.layout.length, innerWidth: inner.plan.layout.length,
    };
    hj.outerKeys = equi.map((x) => info.bindFor(hj, x.outer, outer.plan.layout));
    hj.innerKeys = equi.map((x) => info.bindFor(hj, x.inner, inner.plan.layout));
    const pre = info.global.useprefix('upper');
    const condText = equi.map((x) => `(${info.text(x.outer, pre)} = ${info.text(x.inner, pre)})`);
    hj.hashCondText = condText.length === 1 ? condText[0]! : `(${condText.join(' AND ')})`;
    node = hj;
  } else {
    let innerPlan = inner.plan;
    // Materialized only when rescanned: PostgreSQL costs a Material for one outer row as
    // more than the plain inner side (as after an equivalence class leaves a join no clause
    // and each side is one row).
    if (choice.method === 'nl' && outer.plan.rows > 1 && (innerPlan.node === 'SeqScan' || innerPlan.node === 'SubqueryScan' || innerPlan.node === 'Agg' || innerPlan.node === 'Sort')) {
      innerPlan = { ...planBase(innerPlan.rows, innerPlan.startupCost, innerPlan.totalCost + innerPlan.rows * CPU_OPERATOR_COST, innerPlan.layout, innerPlan.width), node: 'Material', input: innerPlan };
    }
    const nl: PlanNode = {
      ...planBase(choice.rows, outer.plan.startupCost + innerPlan.startupCost, choice.cost, layout, width),
      node: 'NestLoop', joinType: type, outer: outer.plan, inner: innerPlan, joinQual: null, nestParams: [],
      outerWidth: outer.plan.layout.length, innerWidth: innerPlan.layout.length,
    };
    nl.nestParams = inner.lateral.filter((l) => outer.rels.has(l.v.rti)).map((l) => ({ id: l.id, expr: info.bindFor(nl, l.v, outer.plan.layout) }));
    node = nl;
  }
  const jq = and(restJoin.map((q) => q.expr));
  const fq = and(filterQ.map((q) => q.expr));
  if (type === 'inner') {
    const both = and([...restJoin, ...filterQ].map((q) => q.expr));
    if (both !== null) (node as { joinQual: Expr | null }).joinQual = info.bindFor(node, both, layout);
  } else {
    if (jq !== null) (node as { joinQual: Expr | null }).joinQual = info.bindFor(node, jq, layout);
    if (fq !== null) node.qual = info.bindFor(node, fq, layout);
  }
  return { plan: node, rels, lateral: lateralLeft, base: null };
}

/** R re-planned as a primary-key lookup whose key is an outer value (an executor parameter). */
function pkInner(info: PlannerInfo, L: RelPlan, R: RelPlan, joinQ: QualInfo[]): RelPlan & { pkUsed: QualInfo } {
  const b = R.base!;
  const cands = equiClauses(L, R, joinQ).map((x) => x.q).filter((q) => subset(relsOf(pkKeySide(q.expr, b.rti)), L.rels));
  const pk = pkQual(info, b.rti, cands)!;
  // Plan it as a base scan whose quals include the key clause: planBaseRel picks the lookup.
  const needed = new Map<number, Set<number>>([[b.rti, new Set(b.cols)]]);
  const r = planBaseRel(info, b.rti, [pk.qual, ...b.quals], needed);
  return { ...r, pkUsed: pk.qual };
}

/**
 * The cross-join trap (`FROM articles a, articles b WHERE b.id = 1 ORDER BY a.embedding <=>
 * b.embedding LIMIT 10`): when the ORDER BY is one distance between a vector column of one
 * table and values of the other FROM items, and each other item is a table read by a
 * constant primary-key lookup (at most one row), the other items form the outer side of a
 * nested loop and the k-NN scan of the first table (a vector index scan when it is cheaper)
 * its inner side, its query vector an executor parameter set from the outer row. The join's
 * order is then the inner scan's, and the LIMIT bounds the inner scan. PostgreSQL + pgvector
 * sorts the whole cross product instead. Null when the query has another shape.
 */
export function tryKnnJoin(info: PlannerInfo, quals: QualInfo[], needed: Map<number, Set<number>>, need: number): PlanNode | null {
  const q = info.q;
  if (need === Infinity || q.orderBy.length !== 1 || q.from.length < 2 || !q.from.every((n) => n.k === 'rte')) return null;
  const rtis = q.from.map((n) => (n as { rti: number }).rti);
  const key = q.orderBy[0]!;
  for (const rti of rtis) {
    const others = new Set(rtis.filter((r) => r !== rti));
    const k = knnKey(key.expr, rti, (x) => subset(relsOf(x), others));
    if (k === null) continue;
    if (quals.some((x) => x.rels.size > 1 || (x.rels.size === 0 && someNode(x.expr, (y) => y.k === 'sublink')))) return null;
    const single = [...others].every((r) => {
      const mine = quals.filter((x) => x.rels.size === 1 && x.rels.has(r));
      const pk = pkQual(info, r, mine);
      return pk !== null && relsOf(pk.key).size === 0;
    });
    if (!single) continue;
    const outerItems = q.from.filter((n) => n.k === 'rte' && n.rti !== rti);
    const outer = planInnerGroup(info, outerItems, quals.filter((x) => x.rels.size > 0 && !x.rels.has(rti)), needed);
    const lateral: { id: number; v: VarExpr }[] = [];
    const lateralRef = (v: VarExpr): number | null => {
      if (v.rti === rti) return null;
      const id = info.lateralParam(v);
      if (!lateral.some((l) => l.id === id)) lateral.push({ id, v });
      return id;
    };
    const mine = quals.filter((x) => x.rels.size === 0 || (x.rels.size === 1 && x.rels.has(rti)));
    const inner = knnScan(info, rti, key, k, mine, needed, need, lateralRef);
    if (inner === null) return null;
    const layout: LayoutItem[] = [...outer.plan.layout, ...inner.plan.layout];
    const nl: PlanNode = {
      ...planBase(inner.plan.rows, outer.plan.startupCost + inner.plan.startupCost, outer.plan.totalCost + inner.plan.totalCost, layout, outer.plan.width + inner.plan.width),
      node: 'NestLoop', joinType: 'inner', outer: outer.plan, inner: inner.plan, joinQual: null, nestParams: [],
      outerWidth: outer.plan.layout.length, innerWidth: inner.plan.layout.length, boundToInner: true,
    };
    nl.nestParams = lateral.map((l) => ({ id: l.id, expr: info.bindFor(nl, l.v, outer.plan.layout) }));
    return nl;
  }
  return null;
}
