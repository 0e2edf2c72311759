/**
 * The planner (PostgreSQL's planner.c / subselect.c): turns an analyzed query into a plan
 * tree the executor runs. Per query level: the columns each relation must produce, the
 * WHERE clauses split and pushed down to the scan or join that can first evaluate them, a
 * scan per FROM item (scan.ts), joins chosen by cost (join.ts), then aggregation,
 * set-returning projection, sort (or a k-NN scan that returns rows already in distance
 * order), limit, and the select list as the top node's projection. Subqueries in expressions
 * become SubPlans; uncorrelated ones InitPlans run at most once. Planning runs per execution,
 * so settings (enable_indexscan, hnsw.ef_search) and LIMIT parameter values are honoured.
 */
import { parallelAgg } from './parallel.js';
import { indexHints } from './index_hints.js';
import { pgErr } from '../../common/errors.js';
import type { Table, Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import type { Expr } from '../analyze/expr.js';
import { forEachOperand, comparatorFor, mapOperands, isVolatileCall } from '../analyze/expr.js';
import { pullUpSubqueries } from './pullup.js';
import { applyEquivalences, joinClasses, type JoinClass } from './equivclass.js';
import { type FromNode, type SelectQuery, type SortKey, type RangeTblEntry, setOpLeaves, forEachQueryExpr, exprEqual, someNode } from '../analyze/query.js';
import type { RowMark } from '../analyze/locking.js';
import { evalExpr, NO_CONTEXT, type EvalCtx } from '../exec/eval.js';
import { groupableTypes } from '../exec/sort_order.js';
import type { AggCall, LayoutItem, PlanNode, PlannedStmt, SortSpec, SubPlan } from './plan.js';
import { planChildren } from './plan.js';
import { bindExpr, type BindCtx, type LevelBinder, type VarExpr } from './setrefs.js';
import { CPU_OPERATOR_COST, CPU_TUPLE_COST, planBase, qualOps } from './cost.js';
import { deparse, type DeparseContext } from './deparse.js';
import { orderNodeQuals } from './qual_order.js';
import { checkFullJoins, planJoinTree, tryKnnJoin, type QualInfo } from './join.js';
import { tryKnnPlan } from './scan.js';
import { tryOrderedIndexPlan } from './indexpath.js';
import { reduceOuterJoins } from './outer_join_reduce.js';
import { tryKnnOuterJoin } from './ordered_join.js';
import { addSemiJoins, constantInSubLinkAsEquality, existsAsAny, pullUpExists, refersOutside } from './sublinks.js';
import { planWindows, sameKeys } from './window.js';
import { allIndexScans, minMaxRewrite } from './minmax.js';
import { statsLookup, type VarLookup } from './selfuncs.js';
import { relSizeEstimate, type RelSize } from '../stats/rel_size.js';
import { quoteIdent } from '../parser/parse.js';

/** Statement-wide planning state (PostgreSQL's PlannerGlobal). */
export class PlannerGlobal {
  nParams = 0;
  readonly subPlans: SubPlan[] = [];
  readonly ctePlans = new Map<number, { id: number; name: string; plan: PlanNode }>();
  /** CTEs whose recursive term is being planned: their self-references are WorkTableScans. */
  readonly recursiveCtes = new Set<number>();
  /**
   * More than one range-table entry in the statement: EXPLAIN qualifies column names in join
   * and upper-node expressions, and in VERBOSE's Output lists.
   */
  qualify = false;
  /** EXPLAIN's unique name of each range-table entry (`a`, then `a_1` for a second `a`). */
  readonly rteNames = new Map<RangeTblEntry, string>();
  private readonly usedNames = new Set<string>();

  /** Assigns EXPLAIN names to the entries of a range table, in order (PostgreSQL's select_rtable_names_for_explain). */
  nameRtes(rtable: readonly RangeTblEntry[]): void {
    for (const rte of rtable) {
      if (this.rteNames.has(rte)) continue;
      const base = rte.kind === 'values' ? '*VALUES*' : rte.alias;
      let name = base;
      for (let i = 1; this.usedNames.has(name); i++) name = `${base}_${i}`;
      this.usedNames.add(name);
      this.rteNames.set(rte, name);
      this.named.push(rte);
    }
  }

  /** The entries named so far, in order (a {@link mark} undoes the names given after it). */
  private readonly named: RangeTblEntry[] = [];

  /**
   * Where planning stands: SubPlans, parameters, names and LIMIT checks so far. Planning an
   * alternative and dropping it ({@link reset}) leaves the statement as if it never ran
   * (minmax.ts: the chosen plan numbers its InitPlans and names its tables from here).
   */
  mark(): { subPlans: number; nParams: number; named: number; checks: number } {
    return { subPlans: this.subPlans.length, nParams: this.nParams, named: this.named.length, checks: this.planTimeChecks.length };
  }

  /** Drops what planning added after `m` (see {@link mark}). */
  reset(m: ReturnType<PlannerGlobal['mark']>): void {
    this.subPlans.length = m.subPlans;
    this.nParams = m.nParams;
    this.planTimeChecks.length = m.checks;
    for (const rte of this.named.splice(m.named)) {
      this.usedNames.delete(this.rteNames.get(rte)!);
      this.rteNames.delete(rte);
    }
  }

  /** Takes `name` for a range-table entry outside the planned query (INSERT's target). */
  reserveName(name: string): void {
    this.usedNames.add(name);
  }

  /** LIMIT / OFFSET values the plan was built for (a cached plan is reused only while they hold). */
  readonly planTimeChecks: { e: Expr; value: number | null }[] = [];
  /** Tables whose size the plan's choices depend on. */
  readonly tables = new Set<Table>();
  /**
   * The statement may run parallel plans (plan/parallel.ts): a query that writes nothing, as
   * PostgreSQL plans no parallel query for INSERT ... SELECT, UPDATE or DELETE.
   */
  parallelOk = true;

  /** How constants and parameters print in the plan's EXPLAIN text: in the session's zone when planned, with its values. */
  readonly deparse: DeparseContext;

  /** `verbose`: the plan is for EXPLAIN (VERBOSE), which qualifies every column name. */
  constructor(readonly env: SqlEnv, readonly params: readonly Value[], verbose = false) {
    this.deparse = verbose ? { zone: env.settings.timeZone(), params, verbose } : { zone: env.settings.timeZone(), params };
  }

  /**
   * Whether EXPLAIN qualifies column names in text the planner prints: in a scan's own quals
   * (Index Cond, Order By) only under VERBOSE; in join conditions and upper nodes' keys also
   * when the statement has several range-table entries (explain.c's show_scan_qual and
   * show_upper_qual).
   */
  useprefix(where: 'scan' | 'upper'): boolean {
    return this.deparse.verbose === true || (where === 'upper' && this.qualify);
  }

  private readonly relSizes = new Map<Table, RelSize>();

  /**
   * The rows the planner assumes `t` holds: PostgreSQL's estimate_rel_size, from its heap
   * pages and statistics (stats/rel_size.ts; a never-analyzed table counts at least 10 pages).
   */
  relRows(t: Table): number {
    let size = this.relSizes.get(t);
    if (size === undefined) {
      size = relSizeEstimate(t, this.env.stats.peekTable(t));
      this.relSizes.set(t, size);
    }
    return size.tuples;
  }

  newParam(): number {
    return this.nParams++;
  }
}

/** A SubPlan planned at a level (PlannerInfo.planSubLink), kept to bind it again for another node. */
interface PlannedSubPlan {
  sp: SubPlan;
  /** The subquery's references to this level, passed as parameters at each call. */
  outerParams: { id: number; v: VarExpr }[];
  /** A correlated EXISTS's hashed `= ANY` alternative, with its outer keys (hashedExists). */
  hashed: { sp: SubPlan; outerKeys: Expr[] } | null;
  /** `sp` itself is bound in some node: later bindings get copies. */
  used: boolean;
}

/** One query level being planned (PostgreSQL's PlannerInfo). */
export class PlannerInfo implements LevelBinder {
  /** Columns of the enclosing level this level reads: the SubPlan / scan above sets these parameters. */
  readonly outerParams: { id: number; v: VarExpr; name: string }[] = [];
  /** Parameters this level (or a level inside it) reads that are set outside it. */
  readonly ext = new Set<number>();
  /** Lateral references of this level's FROM items to their neighbours, by `rti:col`. */
  readonly lateralParams = new Map<string, number>();
  /** Materialized CTEs defined at this level, printed under its top node. */
  readonly cteDefs: { id: number; name: string; plan: PlanNode }[] = [];
  /** The parameter of each scalar InitPlan planned at this level, and the InitPlan, by its subquery expression. */
  private readonly initPlanParams = new Map<object, { param: Expr; sp: SubPlan }>();

  /**
   * The level's query, with its simple FROM subqueries pulled up (pullup.ts), its outer joins
   * reduced where WHERE rejects their nullable side (outer_join_reduce.ts) and its
   * equalities with constants rewritten by their equivalence classes (equivclass.ts).
   */
  readonly q: SelectQuery;
  /** True when an equivalence class holds two unequal constants: the level's FROM yields no row. */
  readonly alwaysFalse: boolean;
  /** Classes of columns equated across three or more tables, joined on implied clauses (join.ts). */
  readonly joinClasses: JoinClass[];

  constructor(readonly global: PlannerGlobal, q: SelectQuery, readonly parent: PlannerInfo | null) {
    // prepjointree.c's order: pull up subqueries, then reduce outer joins (their WHERE may
    // reject a nullable side only once it is one level), then the equivalence classes.
    const pulled = reduceOuterJoins(pullUpSubqueries(q));
    const eq = applyEquivalences(pulled);
    this.q = eq?.q ?? pulled;
    this.alwaysFalse = eq?.alwaysFalse ?? false;
    this.joinClasses = joinClasses(this.q);
    global.nameRtes(this.q.rtable);
  }

  outerParam(v: VarExpr): number {
    let target: PlannerInfo = this;
    for (let i = 1; i < v.levelsUp; i++) target = target.parent!;
    const owner = target.parent!;
    let p = target.outerParams.find((x) => x.v.rti === v.rti && x.v.col === v.col);
    if (p === undefined) {
      p = { id: this.global.newParam(), v: { ...v, levelsUp: 0 }, name: owner.varName({ ...v, levelsUp: 0 }, true) };
      target.outerParams.push(p);
    }
    for (let l: PlannerInfo = this; ; l = l.parent!) {
      l.ext.add(p.id);
      if (l === target) break;
    }
    return p.id;
  }

  /** EXPLAIN names of a set operation's output columns (its leftmost leaf's select list), by rti. */
  readonly setOpNames = new Map<number, { name: string; qname: string }[]>();

  varName(v: VarExpr, prefix: boolean): string {
    const so = this.setOpNames.get(v.rti)?.[v.col];
    if (so !== undefined) return prefix && this.global.useprefix('upper') ? so.qname : so.name;
    const rte = this.q.rtable[v.rti];
    // A VALUES list's columns print by their own names ("*VALUES*".column1), as PostgreSQL's.
    const name = rte?.kind === 'values' ? `column${v.col + 1}` : quoteIdent(v.name);
    if (!prefix || !this.global.useprefix('upper') || rte === undefined) return name;
    return `${quoteIdent(this.global.rteNames.get(rte) ?? rte.alias)}.${name}`;
  }

  outerParamName(v: VarExpr): string {
    let target: PlannerInfo = this;
    for (let i = 1; i < v.levelsUp; i++) target = target.parent!;
    return target.outerParams.find((x) => x.v.rti === v.rti && x.v.col === v.col)?.name ?? quoteIdent(v.name);
  }

  get deparseCtx(): DeparseContext {
    return this.global.deparse;
  }

  /**
   * Deparses an unbound expression of this level (`prefix`: qualify column names). A scalar
   * subquery already planned as an InitPlan prints as its parameter, `(InitPlan 1).col1`.
   */
  text(e: Expr, prefix: boolean): string {
    if (this.initPlanParams.size > 0 && someNode(e, (x) => x.k === 'sublink')) {
      const swap = (x: Expr): Expr => (x.k === 'sublink' ? this.liveInitPlan(x)?.param ?? x : mapOperands(x, swap));
      e = swap(e);
    }
    return deparse(e, this.global.deparse, prefix, (v, p) => {
      if (v.levelsUp === 0) return this.varName(v, p);
      let owner: PlannerInfo | null = this;
      for (let i = 0; i < v.levelsUp && owner !== null; i++) owner = owner.parent;
      return owner === null ? quoteIdent(v.name) : owner.varName({ ...v, levelsUp: 0 }, true);
    });
  }

  /** The InitPlan planned for subquery `e` at this level, unless a PlannerGlobal.reset dropped it since. */
  private liveInitPlan(e: object): { param: Expr; sp: SubPlan } | undefined {
    const p = this.initPlanParams.get(e);
    return p !== undefined && this.global.subPlans[p.sp.id - 1] === p.sp ? p : undefined;
  }

  /** Per-call cost of each correlated subquery costed so far (see {@link qualOps}). */
  private readonly subPlanCosts = new Map<object, number>();

  /**
   * The cost of evaluating qual `e` once per row, in cpu_operator_cost units: one per operator
   * (cost.ts qualOps), plus, for each subquery correlated to this level, the cost of running its
   * plan once, as cost_qual_eval charges a SubPlan (an EXISTS only to its first row). So a
   * scan that stops early under LIMIT wins over one that runs the subquery for every row and
   * sorts. An uncorrelated subquery runs once (an InitPlan) and adds nothing per row.
   */
  qualOps(e: Expr | null): number {
    if (e === null) return 0;
    let ops = qualOps(e);
    const visit = (x: Expr): void => {
      if (x.k === 'sublink') ops += this.subPlanCost(x) / CPU_OPERATOR_COST;
      forEachOperand(x, visit);
    };
    visit(e);
    return ops;
  }

  /**
   * The per-call cost of correlated subquery `e`, planned now and dropped (PlannerGlobal.mark /
   * reset: the statement's SubPlans and names are as if it never ran); 0 for one that reads
   * nothing of the enclosing query, and for one that reads a level further out or a CTE (its
   * planning would leave traces there).
   */
  private subPlanCost(e: Extract<Expr, { k: 'sublink' }>): number {
    const known = this.subPlanCosts.get(e);
    if (known !== undefined) return known;
    let cost = 0;
    const q = e.query as SelectQuery;
    if (refersOutside(q) && !refersOutside(q, 1) && !usesCte(q)) {
      const g = this.global;
      const m = g.mark();
      try {
        const plan = planLevel(new PlannerInfo(g, q, this));
        cost = e.sub === 'exists' ? plan.startupCost + (plan.totalCost - plan.startupCost) / Math.max(1, plan.rows) : plan.totalCost;
      } catch {
        // The error is raised again where the subquery is bound for execution.
        cost = 0;
      } finally {
        g.reset(m);
      }
    }
    this.subPlanCosts.set(e, cost);
    return cost;
  }

  /** The executor parameter a LATERAL reference to neighbour column `v` is passed in. */
  lateralParam(v: VarExpr): number {
    const key = `${v.rti}:${v.col}`;
    let id = this.lateralParams.get(key);
    if (id === undefined) {
      id = this.global.newParam();
      this.lateralParams.set(key, id);
    }
    return id;
  }

  planSubLink(e: Extract<Expr, { k: 'sublink' }>, ctx: BindCtx): Expr {
    // One subquery object met again (a min / max InitPlan read by the select list and HAVING;
    // a WHERE clause bound for a sequential scan and again as an index qual): its InitPlan's
    // parameter, planned once. The InitPlan goes with every node that reads it, as the node
    // bound first may be a path the planner drops; hoistInitPlans keeps one per level.
    // A plan dropped by PlannerGlobal.reset takes its SubPlans with it: one planned there is
    // planned again.
    const planned = this.liveInitPlan(e);
    if (planned !== undefined) {
      ctx.initPlans.push(planned.sp);
      return planned.param;
    }
    // A SubPlan met again: the same plan under the same number (PostgreSQL plans each SubLink
    // once, before it weighs paths), its arguments bound for this node.
    const memo = this.liveSubPlan(e);
    if (memo !== undefined) return this.useSubPlan(memo, e, ctx);
    const g = this.global;
    const child = new PlannerInfo(g, e.query as SelectQuery, this);
    const plan = planLevel(child);
    const types = (e.query as SelectQuery).targets.map((t) => t.expr.type);
    const sp: SubPlan = {
      id: g.subPlans.length + 1,
      plan,
      sub: e.sub,
      testArgs: e.args.map((a) => bindExpr(a, ctx)),
      cmps: e.cmps as SubPlan['cmps'],
      op: e.op,
      args: child.outerParams.map((p) => ({ id: p.id, expr: bindExpr(p.v, ctx) })),
      initPlan: child.ext.size === 0,
      outParam: -1,
      types,
    };
    for (const id of child.ext) if (!child.outerParams.some((p) => p.id === id)) this.ext.add(id);
    g.subPlans.push(sp);
    if (sp.initPlan && (sp.sub === 'expr' || sp.sub === 'exists' || sp.sub === 'array')) {
      sp.outParam = g.newParam();
      ctx.initPlans.push(sp);
      const param: Expr = { k: 'execParam', type: e.type, id: sp.outParam, typmod: e.typmod, name: `(InitPlan ${sp.id}).col1` };
      this.initPlanParams.set(e, { param, sp });
      return param;
    }
    const made: PlannedSubPlan = { sp, outerParams: child.outerParams, hashed: e.sub === 'exists' && !sp.initPlan ? this.hashedExists(e) : null, used: false };
    this.subPlanMemo.set(e, made);
    return this.useSubPlan(made, e, ctx);
  }

  /** SubPlans (not InitPlans) planned at this level, by subquery (see planSubLink). */
  private readonly subPlanMemo = new Map<object, PlannedSubPlan>();

  /** The SubPlan planned for subquery `e` at this level, unless a PlannerGlobal.reset dropped it since. */
  private liveSubPlan(e: object): PlannedSubPlan | undefined {
    const p = this.subPlanMemo.get(e);
    return p !== undefined && this.global.subPlans[p.sp.id - 1] === p.sp ? p : undefined;
  }

  /**
   * SubPlan `m` of subquery `e` read by the node `ctx` binds for: the planned SubPlan the first
   * time, then a copy with the arguments bound to this node's tuple. A correlated EXISTS with a
   * hashed alternative runs as the cheaper of the two for the node's `calls` evaluations, as
   * setrefs.c's fix_alternative_subplan chooses: the correlated plan's first row per call,
   * against the hashed plan's whole run and hash table once and a comparison per key per call
   * (cost_subplan). Without an estimate of the calls the correlated plan is kept.
   */
  private useSubPlan(m: PlannedSubPlan, e: Extract<Expr, { k: 'sublink' }>, ctx: BindCtx): Expr {
    let sp = m.sp;
    let outerParams = m.outerParams;
    let testArgs = e.args;
    const h = m.hashed;
    if (h !== null && ctx.calls !== undefined) {
      const corr = m.sp.plan;
      const corrPerCall = corr.startupCost + (corr.totalCost - corr.startupCost) / Math.max(1, corr.rows);
      const hashOnce = h.sp.plan.totalCost + CPU_OPERATOR_COST * h.sp.plan.rows;
      if (hashOnce + ctx.calls * CPU_OPERATOR_COST * h.outerKeys.length < ctx.calls * corrPerCall) {
        sp = h.sp;
        outerParams = [];
        testArgs = h.outerKeys;
      }
    }
    const bound = sp === m.sp && !m.used ? sp : { ...sp };
    if (sp === m.sp) m.used = true;
    bound.testArgs = testArgs.map((a) => bindExpr(a, ctx));
    bound.args = outerParams.map((p) => ({ id: p.id, expr: bindExpr(p.v, ctx) }));
    // A hashed (uncorrelated) ANY / ALL SubPlan stays with the node that evaluates it, as in
    // PostgreSQL: it is no InitPlan, whose value a parameter carries to any node. An
    // uncorrelated multiple-column assignment's is one (MULTIEXPR).
    (bound.initPlan && bound.sub !== 'any' && bound.sub !== 'all' ? ctx.initPlans : ctx.subPlans).push(bound);
    return { k: 'subplan', type: e.type, typmod: e.typmod, sp: bound };
  }

  /**
   * The hashed alternative of correlated EXISTS `e`: the uncorrelated SubPlan of `(outer keys)
   * = ANY (SELECT inner keys ...)` (PostgreSQL's make_subplan plans it beside the correlated
   * one with convert_EXISTS_to_ANY, so it is numbered after it whichever runs). It answers
   * FALSE where ANY would be NULL (a NULL key, or NULLs among the subquery's keys), as EXISTS
   * is never NULL (unknownEqFalse). Null when the EXISTS does not convert (existsAsAny).
   */
  private hashedExists(e: Extract<Expr, { k: 'sublink' }>): { sp: SubPlan; outerKeys: Expr[] } | null {
    const d = existsAsAny(e.query as SelectQuery);
    if (d === null) return null;
    const g = this.global;
    const child = new PlannerInfo(g, d.inner, this);
    const plan = planLevel(child);
    if (child.ext.size !== 0) return null;
    const sp: SubPlan = {
      id: g.subPlans.length + 1,
      plan,
      sub: 'any',
      testArgs: [],
      cmps: d.eq,
      op: '=',
      args: [],
      initPlan: true,
      outParam: -1,
      types: d.inner.targets.map((t) => t.expr.type),
      unknownEqFalse: true,
    };
    g.subPlans.push(sp);
    return { sp, outerKeys: d.outerKeys };
  }

  /** A bind context for a node reading `layout`. */
  bindCtx(layout: readonly LayoutItem[], lateral?: (v: VarExpr) => number | null): BindCtx {
    return { level: this, layout, ...(lateral === undefined ? {} : { lateral }), initPlans: [], subPlans: [] };
  }

  /** Binds `e` for `node` (whose input tuple is `layout`), recording its SubPlans on the node. */
  bindFor(node: { initPlans: SubPlan[]; subPlans: SubPlan[]; rows?: number }, e: Expr, layout: readonly LayoutItem[], lateral?: (v: VarExpr) => number | null): Expr {
    const ctx = this.bindCtx(layout, lateral);
    // How often the node evaluates `e`: twice its rows, setrefs.c's NUM_EXEC_QUAL guess.
    if (node.rows !== undefined) ctx.calls = 2 * node.rows;
    const out = bindExpr(e, ctx);
    node.initPlans.push(...ctx.initPlans);
    node.subPlans.push(...ctx.subPlans);
    return out;
  }

  /** The statistics lookup of this level, estimating column-free sides as PostgreSQL does. */
  statsLookup(): VarLookup {
    return statsLookup(this.global.env.stats, this.q.rtable, (t) => this.global.relRows(t), (e) => estimateValue(e, this.global));
  }

  /** Evaluates a LIMIT / OFFSET made of constants and parameters now (null when it cannot). */
  planTimeValue(e: Expr | null): number | null {
    if (e === null) return null;
    const value = planTimeValue(e, this.global.params);
    this.global.planTimeChecks.push({ e, value });
    return value;
  }
}

/** Transaction and statement clocks: stable within a statement, so an estimate may read them. */
const STABLE_CLOCKS = new Set(['now', 'transaction_timestamp', 'statement_timestamp', 'current_timestamp', 'current_date', 'current_time', 'localtimestamp']);

/**
 * PostgreSQL's estimate_expression_value for selectivity estimates: the value now of an
 * expression made only of constants, parameters, casts, operators and the transaction's
 * clock (`now() - interval '1 day'`), or undefined for anything else. The value only steers
 * estimates, never results; nothing with a side effect or a per-row value is evaluated.
 */
function estimateValue(e: Expr, g: PlannerGlobal): Value | undefined {
  const ok = !someNode(e, (x) => !(x.k === 'const' || x.k === 'param' || x.k === 'cast' || x.k === 'op1' || x.k === 'op2' || (x.k === 'session' && STABLE_CLOCKS.has(x.name))));
  if (!ok) return undefined;
  try {
    const v = evalExpr(e, null, { ...NO_CONTEXT, zone: g.env.settings.timeZone(), params: g.params, env: g.env });
    return v === null ? undefined : v;
  } catch {
    return undefined;
  }
}

/** The value of a LIMIT / OFFSET made of constants and parameters, or null when it has none now. */
export function planTimeValue(e: Expr, params: readonly Value[]): number | null {
  if (someNode(e, (x) => x.k === 'var' || x.k === 'sublink')) return null;
  try {
    const ctx: EvalCtx = { ...NO_CONTEXT, params };
    const v = evalExpr(e, null, ctx);
    return v === null ? null : Number(v);
  } catch {
    return null;
  }
}

/**
 * A plan cached with the analyzed statement (PostgreSQL's cached plans): reused while the
 * settings, the LIMIT / OFFSET values it was built for, and the size class (power of two)
 * of every table it reads are unchanged. Executor state lives in EState, so a plan is never
 * modified by running it.
 */
export interface CachedPlan {
  stmt: PlannedStmt;
  /** The session's settings and their generation when planned (plans are per session's settings). */
  settings: object;
  generation: number;
  checks: { e: Expr; value: number | null }[];
  tables: { table: Table; sizeClass: number }[];
  /** The statistics generation when planned: an ANALYZE since invalidates the plan. */
  statsGeneration: number;
}

function sizeClass(t: Table): number {
  return t.liveCount === 0 ? -1 : Math.floor(Math.log2(t.liveCount));
}

/** True when `c` may run for `params` now. */
export function cachedPlanValid(env: SqlEnv, c: CachedPlan, params: readonly Value[]): boolean {
  if (c.settings !== env.settings || c.generation !== env.settings.generation) return false;
  if (c.statsGeneration !== env.stats.generation) return false;
  for (const t of c.tables) if (sizeClass(t.table) !== t.sizeClass) return false;
  for (const k of c.checks) if (planTimeValue(k.e, params) !== k.value) return false;
  return true;
}

/** Plans `q` and describes when the plan may be reused. */
export function planSelectCached(env: SqlEnv, q: SelectQuery, params: readonly Value[]): CachedPlan {
  const g = new PlannerGlobal(env, params);
  const stmt = planWith(g, q);
  return { stmt, settings: env.settings, generation: env.settings.generation, checks: g.planTimeChecks, tables: [...g.tables].map((table) => ({ table, sizeClass: sizeClass(table) })), statsGeneration: env.stats.generation };
}

/** Splits a condition into its AND-ed conjuncts. */
export function conjuncts(e: Expr | null): Expr[] {
  if (e === null) return [];
  if (e.k === 'and') return e.args.flatMap(conjuncts);
  return [e];
}

/** Calls `f` on every var of `e` (not entering subqueries). */
export function walkVars(e: Expr, f: (v: VarExpr) => void): void {
  if (e.k === 'var') {
    f(e);
    return;
  }
  forEachOperand(e, (x) => walkVars(x, f));
}

/**
 * The range-table entries of this level `e` refers to: its own columns (levelsUp 0) and the
 * columns of this level its subqueries refer to.
 */
export function relsOf(e: Expr): Set<number> {
  const rels = new Set<number>();
  const walk = (x: Expr, depth: number): void =>
    walkVars(x, (v) => {
      if (v.levelsUp === depth) rels.add(v.rti);
    });
  walk(e, 0);
  const subs = (y: Expr): void => {
    if (y.k === 'sublink') forEachQueryExpr(y.query as SelectQuery, 1, walk);
    forEachOperand(y, subs);
  };
  subs(e);
  return rels;
}

/** Columns each range-table entry of `q` must produce (read anywhere in the query, or by a subquery). */
function neededColumns(q: SelectQuery): Map<number, Set<number>> {
  const needed = new Map<number, Set<number>>();
  forEachQueryExpr(q, 0, (e, depth) =>
    walkVars(e, (v) => {
      if (v.levelsUp !== depth) return;
      let s = needed.get(v.rti);
      if (s === undefined) needed.set(v.rti, (s = new Set()));
      s.add(v.col);
    }),
  );
  return needed;
}

/** Number of range-table entries in the statement, all levels (EXPLAIN qualifies names when > 1). */
function countRtes(q: SelectQuery): number {
  // A query without FROM has one entry in PostgreSQL, its RTE_RESULT; a VALUES list in FROM is
  // two: the subquery and its VALUES.
  let n = q.rtable.length === 0 && q.from.length === 0 ? 1 : q.rtable.length + q.rtable.filter((r) => r.kind === 'values').length;
  for (const rte of q.rtable) {
    if (rte.kind === 'subquery') n += countRtes(rte.query);
    else if (rte.kind === 'setop') for (const leaf of setOpLeaves(rte.tree)) n += countRtes(leaf);
  }
  for (const c of q.ctes) n += countRtes(c.query) + (c.recursive === null ? 0 : countRtes(c.recursive.term));
  forEachQueryExpr(q, 0, (e, depth) => {
    if (depth !== 0) return;
    n += sublinkRtes(e);
  });
  return n;
}

/** True when `q` or a query inside it reads a CTE or defines one. */
function usesCte(q: SelectQuery): boolean {
  if (q.ctes.length > 0) return true;
  if (q.rtable.some((r) => r.kind === 'cte' || (r.kind === 'subquery' && usesCte(r.query)) || (r.kind === 'setop' && setOpLeaves(r.tree).some(usesCte)))) return true;
  let found = false;
  forEachQueryExpr(q, 0, (e) => {
    if (!found) found = someNode(e, (x) => x.k === 'sublink' && usesCte(x.query as SelectQuery));
  });
  return found;
}

/** Range-table entries of the subqueries in `e`. */
function sublinkRtes(e: Expr): number {
  let n = 0;
  const subs = (y: Expr): void => {
    if (y.k === 'sublink') n += countRtes(y.query as SelectQuery);
    forEachOperand(y, subs);
  };
  subs(e);
  return n;
}

/**
 * Plans a SELECT for execution with the client's parameter values `params`.
 * @throws PgError 0A000 for a FULL JOIN without an equality condition.
 */
export function planSelect(env: SqlEnv, q: SelectQuery, params: readonly Value[], options: { parallel?: boolean; target?: string; verbose?: boolean } = {}): PlannedStmt {
  const g = new PlannerGlobal(env, params, options.verbose);
  if (options.parallel === false) g.parallelOk = false;
  // INSERT ... SELECT: the target is the statement's first range-table entry, so EXPLAIN
  // qualifies names and a scan of the same table is `t t_1`, as PostgreSQL names them.
  if (options.target !== undefined) g.reserveName(options.target);
  return planWith(g, q, options.target !== undefined);
}

/** `qualify`: the statement has range-table entries besides `q`'s (INSERT ... SELECT's target). */
function planWith(g: PlannerGlobal, q: SelectQuery, qualify = false): PlannedStmt {
  g.qualify = qualify || countRtes(q) > 1;
  const info = new PlannerInfo(g, q, null);
  const plan = planLevel(info);
  finishPlan(plan, g);
  const hints = indexHints(info, plan);
  return { plan, ctes: [...g.ctePlans.values()], nParams: g.nParams, subPlans: g.subPlans, qualify: g.qualify, deparse: g.deparse, ...(hints.length > 0 ? { indexHints: hints } : {}) };
}

/** Orders every Filter's conjuncts as PostgreSQL evaluates them (qual_order.ts) and fills extParams of every node of `plan` and of its SubPlans' plans. */
function finishPlan(plan: PlanNode, g: PlannerGlobal): void {
  const initOut = new Set<number>();
  for (const sp of g.subPlans) if (sp.outParam >= 0) initOut.add(sp.outParam);
  const done = new Set<PlanNode>();
  const visit = (p: PlanNode): Set<number> => {
    orderNodeQuals(p);
    const ext = new Set<number>();
    for (const e of nodeExprs(p)) collectParams(e, ext, visit);
    for (const c of planChildren(p)) {
      const ce = visit(c);
      const set = p.node === 'NestLoop' && c === p.inner ? new Set(p.nestParams.map((n) => n.id)) : null;
      for (const id of ce) if (set === null || !set.has(id)) ext.add(id);
    }
    for (const c of p.cteDefs ?? []) visit(c.plan);
    for (const id of initOut) ext.delete(id);
    if (!done.has(p)) {
      p.extParams = [...ext];
      done.add(p);
    }
    return ext;
  };
  visit(plan);
  for (const c of g.ctePlans.values()) visit(c.plan);
}

function collectParams(e: Expr, out: Set<number>, visitPlan: (p: PlanNode) => Set<number>): void {
  if (e.k === 'execParam') out.add(e.id);
  if (e.k === 'subplan') {
    const sp = e.sp as SubPlan;
    const inner = visitPlan(sp.plan);
    const args = new Set(sp.args.map((a) => a.id));
    for (const id of inner) if (!args.has(id)) out.add(id);
    for (const a of sp.args) collectParams(a.expr, out, visitPlan);
    for (const a of sp.testArgs) collectParams(a, out, visitPlan);
  }
  forEachOperand(e, (x) => collectParams(x, out, visitPlan));
}

/** Every expression a node evaluates itself (not its children's). */
export function nodeExprs(p: PlanNode): Expr[] {
  const out: Expr[] = [];
  if (p.qual !== null) out.push(p.qual);
  if (p.project !== null) out.push(...p.project);
  switch (p.node) {
    case 'Result':
      if (p.oneTimeFilter !== null) out.push(p.oneTimeFilter);
      break;
    case 'PkLookup':
      out.push(p.key);
      break;
    case 'IndexScan':
      out.push(p.knn.query);
      if (p.distanceBound !== null) out.push(p.distanceBound);
      break;
    case 'TopK':
      out.push(p.knn.query);
      for (const k of p.keys) out.push(k.expr);
      break;
    case 'BtreeIndexScan':
    case 'BitmapIndexScan':
      for (const q of p.quals) {
        if (q.arg !== null) out.push(q.arg);
        if (q.list !== null) out.push(...q.list);
      }
      break;
    case 'ValuesScan':
      for (const r of p.values) out.push(...r);
      break;
    case 'FunctionScan':
      out.push(...p.args);
      break;
    case 'NestLoop':
      if (p.joinQual !== null) out.push(p.joinQual);
      for (const n of p.nestParams) out.push(n.expr);
      break;
    case 'HashJoin':
      out.push(...p.outerKeys, ...p.innerKeys);
      if (p.joinQual !== null) out.push(p.joinQual);
      break;
    case 'Sort':
      for (const k of p.keys) out.push(k.expr);
      break;
    case 'Limit':
      if (p.limit !== null) out.push(p.limit);
      if (p.offset !== null) out.push(p.offset);
      if (p.ties !== undefined) out.push(...p.ties.keys);
      break;
    case 'Agg':
      out.push(...p.groupKeys);
      for (const a of p.aggs) {
        if (a.arg !== null) out.push(a.arg);
        if (a.arg2 !== null) out.push(a.arg2);
        if (a.filter !== null) out.push(a.filter);
        for (const o of a.order) out.push(o.expr);
      }
      break;
    case 'ProjectSet':
      out.push(...p.targets);
      break;
    case 'Unique':
      out.push(...p.keys);
      break;
    case 'LockRows':
      for (const m of p.marks) out.push(m.ctid);
      break;
    case 'WindowAgg':
      out.push(...p.partition, ...p.order);
      if (p.startOffset !== null) out.push(p.startOffset);
      if (p.endOffset !== null) out.push(p.endOffset);
      for (const f of p.funcs) {
        out.push(...f.args);
        if (f.filter !== null) out.push(f.filter);
      }
      break;
    default:
      break;
  }
  return out;
}

/** Aggregate calls of `e` (not inside subqueries), added to `out` once each. */
function gatherAggregates(e: Expr, out: Expr[]): void {
  if (e.k === 'window' && e.agg !== null) {
    // An aggregate over a window is the WindowAgg's; aggregates in its argument are the Agg's.
    for (const a of e.args) gatherAggregates(a, out);
    return;
  }
  if (e.k === 'count' || e.k === 'agg') {
    if (!out.some((x) => exprEqual(x, e))) out.push(e);
    return;
  }
  forEachOperand(e, (x) => gatherAggregates(x, out));
}

/**
 * Plans one query level; the plan's output tuple is the select list. `info.q` may be a
 * subquery (its correlated columns become parameters, see PlannerInfo.outerParam).
 */
export function planLevel(info: PlannerInfo): PlanNode {
  const g = info.global;
  const q = info.q;
  const rel = q.from.length === 1 && q.from[0]!.k === 'rte' ? q.rtable[q.from[0]!.rti] : undefined;
  const alt = rel?.kind === 'relation' ? minMaxRewrite(q, (col) => rel.table.def.columns[col]?.notNull === true) : null;
  if (alt === null) return planPaths(info);
  // MIN / MAX by index (minmax.ts): planned both ways from the same point, the cheaper kept.
  const start = g.mark();
  const planAlt = (): { plan: PlanNode; ok: boolean } => {
    const plan = planPaths(new PlannerInfo(g, alt, info.parent));
    return { plan, ok: allIndexScans(g.subPlans.slice(start.subPlans)) };
  };
  const byIndex = planAlt();
  g.reset(start);
  const normal = planPaths(info);
  if (!byIndex.ok || byIndex.plan.totalCost >= normal.totalCost) return normal;
  g.reset(start);
  return planAlt().plan;
}

/**
 * Plans the level's uncorrelated scalar, EXISTS and ARRAY subqueries as InitPlans in the order
 * PostgreSQL's subquery_planner preprocesses the level's expressions (select list with its
 * ORDER BY / GROUP BY entries, each JOIN's ON after its inputs, WHERE, HAVING, OFFSET, LIMIT),
 * so they are numbered as PostgreSQL numbers them whichever node binds one first. A subquery
 * that turns out not to be an InitPlan is dropped (PlannerGlobal.reset) and planned where it
 * is bound.
 */
function planInitPlansInOrder(info: PlannerInfo): void {
  const q = info.q;
  const exprs: Expr[] = [...q.targets.map((t) => t.expr), ...q.orderBy.map((k) => k.expr), ...q.groupBy];
  const joinQuals = (n: FromNode): void => {
    if (n.k !== 'join') return;
    joinQuals(n.left);
    joinQuals(n.right);
    if (n.quals !== null) exprs.push(n.quals);
  };
  for (const n of q.from) joinQuals(n);
  for (const e of [q.where, q.having, q.offset, q.limit]) if (e !== null) exprs.push(e);
  const g = info.global;
  const visit = (x: Expr): void => {
    if (x.k === 'sublink') {
      if ((x.sub === 'expr' || x.sub === 'exists' || x.sub === 'array') && !refersOutside(x.query as SelectQuery)) {
        const m = g.mark();
        if (info.planSubLink(x, info.bindCtx([])).k !== 'execParam') g.reset(m);
      }
      return;
    }
    forEachOperand(x, visit);
  };
  for (const e of exprs) visit(e);
}

/** The plan of one query level as written (planLevel may also try another form of it). */
function planPaths(info: PlannerInfo): PlanNode {
  const q = info.q;
  planInitPlansInOrder(info);
  const needed = neededColumns(q);
  // FOR UPDATE / SHARE: the scans of the locked tables emit their row ids for LockRows. A query
  // that locks rows never runs in parallel (PostgreSQL: row locks are taken by the leader's
  // scan, standard_planner refuses parallel plans when rowMarks exist).
  if ((q.rowMarks?.length ?? 0) > 0) info.global.parallelOk = false;
  for (const m of q.rowMarks ?? []) {
    let s = needed.get(m.rti);
    if (s === undefined) needed.set(m.rti, (s = new Set()));
    s.add(-1);
  }
  // `x IN (SELECT 5)`: PostgreSQL's pulled-up FROM-less subquery leaves `x = 5` (an index qual).
  const quals: QualInfo[] = conjuncts(q.where).flatMap((w) => conjuncts(constantInSubLinkAsEquality(w))).map((e) => ({ expr: e, rels: relsOf(e) }));
  const limit = info.planTimeValue(q.limit);
  const offset = info.planTimeValue(q.offset) ?? 0;
  // The rows the level's consumer reads: what costs an ordered scan's early stop and the Limit.
  const want = q.limit === null || limit === null ? Infinity : limit + offset;
  // WITH TIES may return more than LIMIT rows: no bound for a top-N sort or a k-NN scan (its
  // estimate is still LIMIT + OFFSET, as PostgreSQL's limit_tuples).
  const need = q.withTies === true ? Infinity : want;

  let plan: PlanNode;
  let ordered = false;
  // A contradiction among the level's equalities (equivclass.ts), or a WHERE that folded to
  // constant false or NULL: PostgreSQL's dummy relation, a Result with a false one-time filter
  // that reads nothing, the nodes above it kept. PostgreSQL still builds the join paths first,
  // so a FULL JOIN it cannot run is refused as it would be: every one under a contradiction (a
  // dummy base relation does not exempt its join), all but the level's top join under a false
  // WHERE (the join whose restriction list holds the constant, which populate_joinrel_with_paths
  // marks dummy without trying a method).
  const whereFalse = gatingConjuncts(q).some((e) => e.k === 'const' && e.value !== true);
  if (q.from.length > 0 && (info.alwaysFalse || whereFalse)) checkFullJoins(q.from, !info.alwaysFalse && q.from.length === 1);
  const dummy = (info.alwaysFalse || whereFalse) && q.from.length > 0 ? dummyResult(info, needed) : null;
  const knn = dummy === null && q.orderBy.length >= 1 && q.windows === undefined && q.distinct === undefined && q.distinctOn === undefined && !q.aggregate && !q.setReturning && q.limit !== null
    ? (tryKnnPlan(info, quals, needed, need) ?? tryKnnJoin(info, quals, needed, need) ?? (q.orderBy.length === 1 ? tryKnnOuterJoin(info, quals, needed, need) : null)) : null;
  // ORDER BY columns of one table: an Index Scan in that order when it beats scan + Sort.
  const byIndex = dummy === null && knn === null && q.orderBy.length > 0 && q.windows === undefined && q.distinct === undefined && q.distinctOn === undefined && !q.aggregate && !q.setReturning
    ? tryOrderedIndexPlan(info, quals, needed, want) : null;
  if (dummy !== null) {
    plan = dummy;
  } else if (knn !== null) {
    plan = knn;
    ordered = true;
  } else if (byIndex !== null) {
    plan = byIndex;
    ordered = true;
  } else if (q.from.length === 0) {
    const r: PlanNode = { ...planBase(1, 0, CPU_TUPLE_COST, []), node: 'Result', input: null, oneTimeFilter: null };
    if (quals.length > 0) {
      const e = quals.length === 1 ? quals[0]!.expr : ({ k: 'and', type: 'bool', args: quals.map((x) => x.expr) } as Expr);
      r.oneTimeFilter = info.bindFor(r, e, []);
    }
    plan = r;
  } else {
    // Correlated EXISTS / NOT EXISTS conjuncts become semi / anti joins above the join tree.
    const { rest, semis } = pullUpExists(quals);
    plan = addSemiJoins(info, planJoinTree(info, q.from, rest, needed), semis);
  }

  // A Sort for ORDER BY or DISTINCT ON follows right above the scan or join: the select list is
  // computed below it, with the distances.
  const sortAboveScan = !ordered && (q.orderBy.length > 0 || q.distinctOn !== undefined) && !q.aggregate && q.windows === undefined && !q.setReturning;
  if (!q.aggregate && knn === null) plan = precomputeDistances(info, plan, sortAboveScan ? sortInputTargets(q) : []);
  if (q.aggregate) {
    plan = planAgg(info, plan);
    // Finalize Aggregate -> Gather -> Partial Aggregate over a parallel scan when it pays (plan/parallel.ts).
    plan = parallelAgg(plan, info.global.env.settings, info.global.parallelOk && info.outerParams.length === 0 && info.lateralParams.size === 0, (t) => info.global.relRows(t));
  }
  if (q.windows !== undefined) {
    const w = planWindows(info, plan);
    plan = w.plan;
    if (q.orderBy.length > 0 && q.distinctOn === undefined && q.distinct === undefined && !q.setReturning && sameKeys(q.orderBy, w.sortedOn)) ordered = true;
  }

  if (q.setReturning) {
    const ps: PlanNode = {
      ...planBase(plan.rows * 10, plan.startupCost, plan.totalCost + plan.rows * 10 * CPU_TUPLE_COST, []),
      node: 'ProjectSet', input: plan, targets: [],
    };
    ps.targets = q.targets.map((t) => info.bindFor(ps, t.expr, plan.layout));
    ps.layout = [...q.targets.map((t) => ({ expr: t.expr })), ...plan.layout];
    plan = ps;
  }

  // A Sort above an Aggregate or WindowAgg computes the select list below it too.
  if ((q.aggregate || q.windows !== undefined) && !ordered && (q.orderBy.length > 0 || q.distinctOn !== undefined) && plan.project === null) {
    plan = projectBelowSort(info, plan, sortInputTargets(q));
  }
  if (q.distinctOn !== undefined) {
    // DISTINCT ON: Unique over a Sort on the longer of the DISTINCT ON sort list and ORDER BY
    // (one is a prefix of the other), which also gives the ORDER BY.
    const keys = q.orderBy.length >= q.distinctOn.length ? q.orderBy : q.distinctOn;
    plan = makeSort(info, plan, keys);
    const dk = q.distinctOn;
    if (dk.every((k, i) => exprEqual(k.expr, keys[i]!.expr)) && groupableTypes(dk.map((k) => k.expr.type))) {
      // Unique keeps one tuple per run of the leading keys: the Sort need not order the rest.
      (plan as Extract<PlanNode, { node: 'Sort' }>).perGroup = { prefix: dk.length, limit: 1 };
    }
    plan = makeUnique(info, plan, dk);
    ordered = true;
  } else if (q.distinct !== undefined) {
    // DISTINCT: hashed on the select list (PostgreSQL's usual plan), sorted after if ORDER BY.
    plan = makeHashDistinct(info, plan, q.distinct);
  }

  if (q.orderBy.length > 0 && !ordered) plan = makeSort(info, plan, q.orderBy);
  if (q.rowMarks !== undefined) plan = makeLockRows(info, plan, q.rowMarks);

  if (limitNeeded(q)) {
    const input = plan;
    const rows = Math.min(input.rows, want === Infinity ? input.rows : Math.max(want - offset, 0));
    const frac = input.rows > 0 ? Math.min(1, (rows + offset) / input.rows) : 1;
    const lim: PlanNode = {
      ...planBase(rows, input.startupCost, input.startupCost + (input.totalCost - input.startupCost) * frac, input.layout),
      node: 'Limit', input, limit: null, offset: null,
    };
    lim.limit = q.limit === null ? null : info.bindFor(lim, q.limit, []);
    lim.offset = q.offset === null ? null : info.bindFor(lim, q.offset, []);
    if (q.withTies === true) lim.ties = { keys: q.orderBy.map((k) => info.bindFor(lim, k.expr, input.layout)), cmps: q.orderBy.map((k) => k.cmp) };
    plan = lim;
  }

  // The plan is a subquery's top node (its SubqueryScan was left out) when it projects already.
  // Reading its columns as they are, in order, this level needs no node of its own (PostgreSQL
  // removes such a SubqueryScan: setrefs.c trivial_subqueryscan); else the SubqueryScan comes
  // back to project (a Result where the subquery's scan is not known).
  const passThrough = plan.project !== null && plan.elidedScan !== undefined && !plan.elidedScan.junk
    && q.targets.length === plan.layout.length
    && q.targets.every((t, i) => {
      const l = plan.layout[i]!;
      return t.expr.k === 'var' && t.expr.levelsUp === 0 && 'rti' in l && t.expr.rti === l.rti && t.expr.col === l.col;
    });
  if (plan.project !== null && !passThrough) {
    const input = plan;
    const base = planBase(input.rows, input.startupCost, input.totalCost, input.layout, input.width);
    plan = input.elidedScan !== undefined ? { ...base, node: 'SubqueryScan', scan: input.elidedScan.scan, input } : { ...base, node: 'Result', input, oneTimeFilter: null };
  }
  const top = plan;
  if (!passThrough) top.project = q.targets.map((t) => info.bindFor(top, t.expr, top.layout));
  if (info.cteDefs.length > 0) top.cteDefs = info.cteDefs;
  hoistInitPlans(top);
  return top;
}

/**
 * PostgreSQL's limit_needed: a Limit node only for a LIMIT that is not a NULL constant (`LIMIT
 * ALL`) or an OFFSET that is not a constant 0 or NULL, so `OFFSET 0` (the usual optimization
 * fence) keeps its subquery apart without a node of its own.
 */
function limitNeeded(q: SelectQuery): boolean {
  if (q.withTies === true) return true;
  // eval_const_expressions folds `0`'s cast to bigint and `0 + 0`; a parameter, a function or a
  // column keeps the node.
  const folded = (e: Expr): boolean => !someNode(e, (x) => x.k !== 'const' && x.k !== 'cast' && x.k !== 'op1' && x.k !== 'op2');
  const nullConst = (e: Expr): boolean => (e.k === 'cast' ? nullConst(e.arg) : e.k === 'const' && e.value === null);
  if (q.limit !== null && !nullConst(q.limit)) return true;
  if (q.offset === null || nullConst(q.offset)) return false;
  return !folded(q.offset) || planTimeValue(q.offset, []) !== 0;
}

/**
 * The conjuncts that gate a whole level: its WHERE's and the ON conditions' of its inner joins
 * that no outer join is above (PostgreSQL distributes those to the top of the join tree, so a
 * constant false there empties the level; one under an outer join only empties that join).
 */
function gatingConjuncts(q: SelectQuery): Expr[] {
  const out = conjuncts(q.where);
  const visit = (n: FromNode): void => {
    if (n.k !== 'join' || n.type !== 'inner') return;
    out.push(...conjuncts(n.quals));
    visit(n.left);
    visit(n.right);
  };
  for (const n of q.from) visit(n);
  return out;
}

/** The empty FROM of a level whose WHERE cannot hold: every needed column in its layout, no row. */
function dummyResult(info: PlannerInfo, needed: Map<number, Set<number>>): PlanNode {
  const layout: LayoutItem[] = [];
  for (const [rti, cols] of needed) for (const col of cols) layout.push({ rti, col });
  const r: PlanNode = { ...planBase(0, 0, 0, layout), node: 'Result', input: null, oneTimeFilter: null };
  r.oneTimeFilter = { k: 'const', type: 'bool', value: false };
  return r;
}

/**
 * LockRows over `input` for the level's row marks (PostgreSQL puts it above the Sort and below
 * the Limit, so SKIP LOCKED skips before LIMIT counts, and LIMIT passes no bound through it).
 */
function makeLockRows(info: PlannerInfo, input: PlanNode, marks: readonly RowMark[]): PlanNode {
  const lr: PlanNode = {
    ...planBase(input.rows, input.startupCost, input.totalCost + input.rows * CPU_TUPLE_COST, input.layout, input.width),
    node: 'LockRows', input, marks: [],
  };
  lr.marks = marks.map((m) => {
    const rte = info.q.rtable[m.rti]! as Extract<RangeTblEntry, { kind: 'relation' }>;
    const ctid: Expr = { k: 'var', type: 'int4', rti: m.rti, col: -1, levelsUp: 0, typmod: -1, name: 'ctid' };
    return { table: rte.table, ctid: info.bindFor(lr, ctid, input.layout), strength: m.strength, wait: m.wait };
  });
  return lr;
}

const DISTANCE_OPS = new Set(['<->', '<#>', '<=>', '<+>', '<~>', '<%>']);

/**
 * Vector distances the level reads in two places or more (the select list and ORDER BY, a
 * window's ORDER BY, DISTINCT ON) are computed once per row by the node below the Sort or
 * WindowAgg, as PostgreSQL's scan computes a sort expression into its target list for the
 * nodes above to read: `plan` gets a projection that appends them to its tuple, and the upper
 * nodes bind each occurrence to that position. Distances over this level's columns only (no
 * subqueries). `sortInput` ({@link sortInputTargets}) joins them when a Sort follows. The plan
 * is returned unchanged when there are none or it projects already.
 */
function precomputeDistances(info: PlannerInfo, plan: PlanNode, sortInput: readonly Expr[]): PlanNode {
  const q = info.q;
  if (plan.project !== null || (q.orderBy.length === 0 && q.windows === undefined && q.distinctOn === undefined)) return plan;
  const found: { e: Expr; n: number }[] = [];
  const local = (e: Expr): boolean => !someNode(e, (x) => x.k === 'sublink' || x.k === 'subplan' || (x.k === 'var' && x.levelsUp > 0));
  const visit = (e: Expr): void => {
    if (e.k === 'op2' && DISTANCE_OPS.has(e.op) && relsOf(e).size > 0 && local(e)) {
      const f = found.find((x) => exprEqual(x.e, e));
      if (f !== undefined) f.n++;
      else found.push({ e, n: 1 });
      return;
    }
    if (e.k === 'sublink') return;
    forEachOperand(e, visit);
  };
  for (const t of q.targets) visit(t.expr);
  for (const k of q.orderBy) visit(k.expr);
  for (const k of q.distinctOn ?? []) visit(k.expr);
  for (const w of q.windows ?? []) {
    for (const e of w.partitionBy) visit(e);
    for (const k of w.orderBy) visit(k.expr);
  }
  const exprs = found.filter((x) => x.n >= 2).map((x) => x.e);
  for (const e of sortInput) if (!exprs.some((x) => exprEqual(x, e))) exprs.push(e);
  return projectBelowSort(info, plan, exprs);
}

/**
 * The select-list expressions PostgreSQL computes below the level's Sort rather than above its
 * Limit (planner.c make_sort_input_target): every one but volatile calls, set-returning
 * functions, subqueries and, under a LIMIT, expensive ones (more than 10 operator calls, its
 * "10 x cpu_operator_cost"). So an expression that fails on a row the LIMIT leaves out (a
 * numeric overflow, a division by zero) fails the query, as in PostgreSQL; columns and
 * constants need no computing.
 */
function sortInputTargets(q: SelectQuery): Expr[] {
  const out: Expr[] = [];
  for (const t of q.targets) {
    const e = t.expr;
    if (e.k === 'var' || e.k === 'const' || e.k === 'param' || out.some((x) => exprEqual(x, e))) continue;
    if (someNode(e, (x) => x.k === 'subplan' || x.k === 'srf' || isVolatileCall(x) || (x.k === 'sublink' && callsVolatile(x.query as SelectQuery)))) continue;
    if (q.limit !== null && (operatorCalls(e) > 10 || someNode(e, (x) => x.k === 'sublink' && !cheapSubquery(x)))) continue;
    out.push(e);
  }
  return out;
}

/** True when some expression of `q`, at any level of its subqueries, calls a volatile function. */
function callsVolatile(q: SelectQuery): boolean {
  let found = false;
  forEachQueryExpr(q, 0, (e) => {
    if (!found && someNode(e, isVolatileCall)) found = true;
  });
  return found;
}

/**
 * A scalar subquery whose plan costs less than 10 operator calls per row: one without FROM,
 * WHERE or aggregates that computes at most 6 calls (a Result's cpu_tuple_cost is 4 of them).
 * Any other plan reads a table and counts as expensive.
 */
function cheapSubquery(e: Extract<Expr, { k: 'sublink' }>): boolean {
  const sq = e.query as SelectQuery;
  return e.sub === 'expr' && sq.kind === 'select' && sq.from.length === 0 && sq.where === null && !sq.aggregate && sq.ctes.length === 0
    && sq.targets.length === 1 && sq.targets.every((t) => !someNode(t.expr, (x) => x.k === 'sublink') && operatorCalls(t.expr) <= 6);
}

/** The function and operator calls `e` makes per row (cost_qual_eval's count, every call at cost 1). */
function operatorCalls(e: Expr): number {
  let n = 0;
  someNode(e, (x) => {
    if (x.k === 'fn' || x.k === 'op1' || x.k === 'op2' || x.k === 'cast' || x.k === 'session' || x.k === 'in' || x.k === 'arrayop' || x.k === 'minmax' || x.k === 'nullif') n++;
    return false;
  });
  return n;
}

/**
 * `plan` with a projection that appends `exprs` (expressions of the level) to its tuple, for
 * the Sort and the nodes above to read by position; `plan` unchanged when `exprs` is empty or
 * the expressions are in its tuple already.
 */
function projectBelowSort(info: PlannerInfo, plan: PlanNode, wanted: readonly Expr[]): PlanNode {
  const q = info.q;
  const exprs = wanted.filter((e) => !plan.layout.some((it) => 'expr' in it && exprEqual(it.expr, e)));
  if (exprs.length === 0) return plan;
  // Columns no node above reads except through these expressions are left out of the projection
  // (PostgreSQL's target list holds only what the plan above needs): a vector column then
  // never leaves the scan. A subquery above may read any column: then all stay.
  const used = new Set<string>();
  let keepAll = false;
  const uses = (e: Expr): void => {
    if (keepAll || exprs.some((x) => exprEqual(x, e))) return;
    if (e.k === 'sublink' || e.k === 'subplan') keepAll = true;
    else if (e.k === 'var') {
      if (e.levelsUp === 0) used.add(`${e.rti}:${e.col}`);
    } else forEachOperand(e, uses);
  };
  for (const t of q.targets) uses(t.expr);
  for (const k of q.orderBy) uses(k.expr);
  for (const k of q.distinctOn ?? []) uses(k.expr);
  for (const e of q.distinct ?? []) uses(e);
  for (const w of q.windows ?? []) {
    for (const e of w.partitionBy) uses(e);
    for (const k of w.orderBy) uses(k.expr);
    if (w.startOffset !== null) uses(w.startOffset);
    if (w.endOffset !== null) uses(w.endOffset);
  }
  const layout = keepAll ? plan.layout : plan.layout.filter((it) => 'expr' in it || it.col < 0 || used.has(`${it.rti}:${it.col}`));
  const project: Expr[] = layout.map((it) => {
    if ('expr' in it) return info.bindFor(plan, it.expr, plan.layout);
    const rte = q.rtable[it.rti];
    const name = it.col < 0 ? 'ctid' : (rte?.colNames[it.col] ?? '?');
    // Only the position and EXPLAIN's name of a passed-through column matter here.
    return info.bindFor(plan, { k: 'var', type: 'unknown', rti: it.rti, col: it.col, levelsUp: 0, typmod: -1, name }, plan.layout);
  });
  for (const e of exprs) project.push(info.bindFor(plan, e, plan.layout));
  plan.project = project;
  plan.layout = [...layout, ...exprs.map((e) => ({ expr: e }))];
  plan.width += 8 * exprs.length;
  return plan;
}

/** A Sort of `input` on `keys` (expressions of the level, bound to the input's tuple). */
export function makeSort(info: PlannerInfo, input: PlanNode, keys: readonly SortKey[]): PlanNode {
  const sortCost = input.totalCost + input.rows * Math.log2(input.rows + 1) * 2 * CPU_OPERATOR_COST;
  const sort: PlanNode = { ...planBase(input.rows, sortCost, sortCost + input.rows * CPU_TUPLE_COST, input.layout), node: 'Sort', input, keys: [] };
  sort.keys = keys.map((k): SortSpec => {
    const expr = info.bindFor(sort, k.expr, input.layout);
    return { expr, desc: k.desc, nullsFirst: k.nullsFirst, cmp: k.cmp, text: sortKeyText(info, k.expr, expr, k.desc, k.nullsFirst) };
  });
  return sort;
}

/** Unique over sorted `input`: the first tuple of each run equal on `keys` (PostgreSQL's nodeUnique.c). */
function makeUnique(info: PlannerInfo, input: PlanNode, keys: readonly SortKey[]): PlanNode {
  const rows = Math.max(1, Math.min(input.rows, Math.round(input.rows / 10)));
  const u: PlanNode = {
    ...planBase(rows, input.startupCost, input.totalCost + input.rows * keys.length * CPU_OPERATOR_COST, input.layout),
    node: 'Unique', input, keys: [], cmps: keys.map((k) => k.cmp),
  };
  u.keys = keys.map((k) => info.bindFor(u, k.expr, input.layout));
  return u;
}

/** DISTINCT as a HashAggregate grouping on the distinct expressions, with no aggregates. */
function makeHashDistinct(info: PlannerInfo, input: PlanNode, keys: readonly Expr[]): PlanNode {
  const groups = Math.max(1, Math.min(input.rows, Math.round(input.rows / 10)));
  const cost = input.totalCost + input.rows * keys.length * CPU_OPERATOR_COST;
  const agg: PlanNode = {
    ...planBase(groups, cost, cost + groups * CPU_TUPLE_COST, keys.map((e) => ({ expr: e }))),
    node: 'Agg', strategy: 'hashed', input, groupKeys: [], groupText: [], aggs: [],
  };
  agg.groupKeys = keys.map((e) => info.bindFor(agg, e, input.layout));
  agg.groupText = keys.map((e, i) => {
    const b = agg.groupKeys[i]!;
    return b.k === 'slot' ? deparse(b, info.global.deparse, info.global.useprefix('upper')) : info.text(e, info.global.useprefix('upper'));
  });
  return agg;
}

/**
 * Moves the InitPlans of a level's nodes to its top node, where PostgreSQL attaches them
 * (SS_attach_initplans): EXPLAIN prints them there, before the children.
 */
function hoistInitPlans(top: PlanNode): void {
  const visit = (p: PlanNode): void => {
    if (p !== top && p.initPlans.length > 0) {
      top.initPlans.push(...p.initPlans);
      p.initPlans = [];
    }
    if (p.node === 'SubqueryScan') return;
    for (const c of planChildren(p)) visit(c);
  };
  visit(top);
  // One InitPlan read by several nodes (planSubLink) is attached once.
  top.initPlans = [...new Set(top.initPlans)].sort((a, b) => a.id - b.id);
}

/**
 * Plans the row-finding query of UPDATE / DELETE (range-table entry 0 is the target table;
 * output column 0 is its row id, columns 1.. are vars of other entries, e.g. UPDATE ... FROM
 * columns) and binds `exprs` (SET values, RETURNING, INSERT values) to the tuple [the
 * target's full row..., output columns 1..] (`slot` i = column i of the table, `slot` n + k =
 * output column 1 + k). Subqueries in any of them become SubPlans of the returned statement.
 */
export function planTableStatement(
  env: SqlEnv, q: SelectQuery, params: readonly Value[], exprs: Expr[][], verbose = false,
): { stmt: PlannedStmt; bound: Expr[][] } {
  const g = new PlannerGlobal(env, params, verbose);
  g.parallelOk = false;
  // EXPLAIN qualifies names when the statement has several range-table entries: the scan's,
  // and those of subqueries in SET, RETURNING and VALUES.
  g.qualify = countRtes(q) + exprs.reduce((n, list) => n + list.reduce((m, e) => m + sublinkRtes(e), 0), 0) > 1;
  const info = new PlannerInfo(g, q, null);
  const plan = planLevel(info);
  const rte = q.rtable[0];
  const layout: LayoutItem[] = rte === undefined ? [] : rte.colNames.map((_, col) => ({ rti: 0, col }));
  for (const t of q.targets.slice(1)) layout.push(t.expr.k === 'var' ? { rti: t.expr.rti, col: t.expr.col } : { expr: t.expr });
  const bound = exprs.map((list) => list.map((e) => info.bindFor(plan, e, layout)));
  finishPlan(plan, g);
  return { stmt: { plan, ctes: [...g.ctePlans.values()], nParams: g.nParams, subPlans: g.subPlans, qualify: g.qualify, deparse: g.deparse }, bound };
}

/** A sort key as EXPLAIN's `Sort Key` prints it. */
export function sortKeyText(info: PlannerInfo, e: Expr, bound: Expr, desc: boolean, nullsFirst: boolean): string {
  // A sort key that is not a plain column prints in parentheses (PostgreSQL's show_sort_keys).
  const q = info.global.useprefix('upper');
  let text = e.k === 'var' ? info.varName(e, q) : bound.k === 'slot' || bound.k === 'execParam' ? deparse(bound, info.global.deparse, q) : `(${info.text(e, q)})`;
  if (bound.k === 'slot' && e.k !== 'var' && !/^[a-z_][a-z0-9_.]*$/i.test(text)) text = `(${text})`;
  if (desc) text += ' DESC';
  if (nullsFirst !== desc) text += nullsFirst ? ' NULLS FIRST' : ' NULLS LAST';
  return text;
}

/** Agg over `input`: group keys and aggregate calls bound to its tuple; HAVING over the Agg's output. */
function planAgg(info: PlannerInfo, input: PlanNode): PlanNode {
  const q = info.q;
  const calls: Expr[] = [];
  for (const t of q.targets) gatherAggregates(t.expr, calls);
  if (q.having !== null) gatherAggregates(q.having, calls);
  for (const k of q.orderBy) gatherAggregates(k.expr, calls);
  for (const w of q.windows ?? []) for (const e of [...w.partitionBy, ...w.orderBy.map((k) => k.expr)]) gatherAggregates(e, calls);
  const hashed = q.groupBy.length > 0;
  const groups = hashed ? Math.max(1, Math.min(input.rows, Math.round(input.rows / 10))) : 1;
  const layout: LayoutItem[] = [...q.groupBy.map((g) => ({ expr: g })), ...calls.map((c) => ({ expr: c }))];
  const cost = input.totalCost + input.rows * (calls.length + q.groupBy.length) * CPU_OPERATOR_COST;
  const agg: PlanNode = {
    ...planBase(groups, cost, cost + groups * CPU_TUPLE_COST, layout),
    node: 'Agg', strategy: hashed ? 'hashed' : 'plain', input, groupKeys: [], groupText: [], aggs: [],
  };
  agg.groupKeys = q.groupBy.map((g) => info.bindFor(agg, g, input.layout));
  agg.groupText = q.groupBy.slice(0, q.groupByWritten ?? q.groupBy.length).map((g, i) => {
    const b = agg.groupKeys[i]!;
    return b.k === 'slot' ? deparse(b, info.global.deparse, info.global.useprefix('upper')) : info.text(g, info.global.useprefix('upper'));
  });
  if (q.groupingSets !== undefined) {
    agg.sets = q.groupingSets;
  }
  agg.aggs = calls.map((c): AggCall => {
    const call = c as Extract<Expr, { k: 'count' | 'agg' }>;
    if (call.k === 'agg' && call.gargs !== undefined) {
      const grouping = call.gargs.map((g) => q.groupBy.findIndex((x) => exprEqual(x, g)));
      return { call: c, arg: null, kind: 'agg', arg2: null, filter: null, distinct: false, order: [], grouping };
    }
    const bind = (e: Expr): Expr => info.bindFor(agg, e, input.layout);
    const mods = call.mods;
    return {
      call: c,
      arg: call.arg === null ? null : bind(call.arg),
      kind: c.k === 'count' ? 'count' : 'agg',
      arg2: call.k === 'agg' && call.arg2 !== undefined ? bind(call.arg2) : null,
      filter: mods?.filter == null ? null : bind(mods.filter),
      distinct: mods?.distinct === true,
      // DISTINCT without ORDER BY sorts by the argument, so equal inputs are adjacent (and
      // array_agg(DISTINCT x) comes out in x order, as PostgreSQL's sort-based DISTINCT).
      order: mods?.distinct === true && mods.order.length === 0 && call.arg !== null
        ? [call.arg, ...(call.k === 'agg' && call.arg2 !== undefined ? [call.arg2] : [])].map((e) => ({ expr: bind(e), desc: false, nullsFirst: false, cmp: comparatorFor(e.type) as (a: unknown, b: unknown) => number }))
        : (mods?.order ?? []).map((o) => ({ expr: bind(o.expr), desc: o.desc, nullsFirst: o.nullsFirst, cmp: o.cmp as (a: unknown, b: unknown) => number })),
    };
  });
  if (q.having !== null) agg.qual = info.bindFor(agg, q.having, layout);
  return agg;
}

/** The entry `rti` of the level being planned. */
export function rteOf(info: PlannerInfo, rti: number): RangeTblEntry {
  return info.q.rtable[rti]!;
}

/** 0A000 for plans vecgres cannot build. */
export function cannotPlan(what: string): never {
  throw pgErr.featureNotSupported(what);
}
