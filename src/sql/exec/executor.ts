/**
 * The executor (PostgreSQL's execMain.c / execProcnode.c): runs a planned statement by
 * building one state object per plan node and pulling tuples from the top.
 *
 *   execInitNode(plan, es)   builds the node's state (and, recursively, its children's)
 *   execProcNode(state)      the next tuple, or null when the node is done
 *   state.rescan()           restart (new outer row of a nested loop, new parameter values)
 *   state.end()              release resources (open index scans)
 *
 * Everything a node needs during execution lives in its state object or in the statement's
 * {@link EState} (parameter values, SubPlan states, CTE tuple stores): nothing in module
 * scope, so two scans of one table (a subquery inside a scan) never share scratch state.
 * Each state counts its rows and loops (and time, under EXPLAIN ANALYZE with TIMING).
 */
import type { TimeZone } from '../../types/timezone.js';
import type { Clock } from '../../common/clock.js';
import type { Interrupts } from '../../common/interrupts.js';
import type { Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import type { Expr } from '../analyze/expr.js';
import type { PlanNode, PlanNodeKind, PlannedStmt, SubPlan } from '../plan/plan.js';
import { bug, evalExpr, moreThanOneRow, passes, type EvalCtx } from './eval.js';
import { hashablePair, keyText } from './hash_key.js';
import type { SqlType } from '../analyze/types.js';
import { PgArray, type ArrayElement } from '../../types/pgarray.js';
import { someNode } from '../analyze/query.js';

/** EXPLAIN ANALYZE counters of one node (PostgreSQL's Instrumentation). */
export interface Instrumentation {
  /** Tuples emitted, over all loops. */
  rows: number;
  /** Times the node was started (1 + rescans that were followed by a fetch). */
  loops: number;
  /** Milliseconds to the first tuple and in total, summed over loops (with TIMING). */
  startupMs: number;
  totalMs: number;
  /** Rows a qual removed (`Rows Removed by Filter`) and a join qual (`Rows Removed by Join Filter`). */
  removedByFilter: number;
  /** Rows a lossy bitmap's recheck removed (`Rows Removed by Index Recheck`). */
  removedByRecheck: number;
  removedByJoinFilter: number;
  /** Node-specific lines for EXPLAIN ANALYZE (`Sort Method`, index scan counters), filled at end. */
  extra: [string, string | number][];
}

/**
 * The state of one executing plan node (PostgreSQL's PlanState). Subclasses live one per
 * file in exec/nodes/ and implement `next`, `rescan` and (when they hold resources) `end`.
 */
export abstract class PlanState {
  readonly instr: Instrumentation = { rows: 0, loops: 0, startupMs: 0, totalMs: 0, removedByFilter: 0, removedByRecheck: 0, removedByJoinFilter: 0, extra: [] };
  /** True once the current loop has been counted. */
  started = false;
  /** Child states, outer first (EXPLAIN ANALYZE walks them). */
  children: PlanState[] = [];
  /**
   * Set by the parent when it reads each tuple before asking for the next and keeps none (a
   * hashed or plain Agg keeps values, never tuples): the node may then return one reused
   * tuple array. A node with a projection may always do so (execProcNode copies it out).
   */
  parentKeepsNoTuple = false;
  /**
   * Set by a node that computes `plan.project` itself (a scan projecting from storage,
   * scan_projection.ts): `next` then returns the output tuple and execProcNode passes it on.
   */
  projectsItself = false;
  /**
   * The positions of this node's tuples that its parent reads (ascending), or null: any. Set
   * by the parent through {@link setParentReads} before its first fetch. A scan may leave the
   * other positions of the tuples it returns unset, as PostgreSQL's scans deform only the
   * attributes their target list reads: a vector column that only an index scan's ORDER BY
   * names is then never copied out of the table.
   */
  parentReads: readonly number[] | null = null;

  constructor(readonly plan: PlanNode, readonly es: EState) {}

  /**
   * Tells the node which positions of its tuples its parent reads ({@link parentReads}). A
   * node that passes its child's tuples up unprojected forwards it (Limit).
   */
  setParentReads(pos: readonly number[] | null): void {
    this.parentReads = pos;
  }

  /**
   * The next tuple of the node (its own tuple, before `plan.project`, unless
   * {@link projectsItself}), or null at the end.
   */
  abstract next(): Value[] | null;

  /** Restarts the node: the next `next` call returns its first tuple again. */
  abstract rescan(): void;

  /** Releases resources; the default ends the children. */
  end(): void {
    for (const c of this.children) c.end();
  }

  /**
   * Tells the node that its parent needs at most `n` tuples (PostgreSQL's ExecSetTupleBound):
   * a sort keeps a top-n heap, a vector index scan asks for n rows. Default: ignored.
   */
  setBound(_n: number): void {}

  /**
   * The node's WHERE semantics on `row` (only TRUE passes), counting a rejected row for
   * EXPLAIN ANALYZE's "Rows Removed by Filter" (PostgreSQL's ExecQual + InstrCountFiltered1).
   */
  qualPasses(qual: Expr | null, row: Value[]): boolean {
    if (passes(qual, row, this.es)) return true;
    this.instr.removedByFilter++;
    return false;
  }

  /** Evaluation context (the statement's). */
  get ctx(): EvalCtx {
    return this.es;
  }
}

type NodeFactory = (plan: PlanNode, es: EState) => PlanState;

const FACTORIES = new Map<PlanNodeKind, NodeFactory>();

/** Registers the state class of a plan node kind (each node file calls this once). */
export function registerNode<K extends PlanNodeKind>(kind: K, make: (plan: Extract<PlanNode, { node: K }>, es: EState) => PlanState): void {
  FACTORIES.set(kind, make as NodeFactory);
}

/** Builds the state tree of `plan` (PostgreSQL's ExecInitNode). */
export function execInitNode(plan: PlanNode, es: EState): PlanState {
  const make = FACTORIES.get(plan.node);
  if (make === undefined) bug(`no executor node for plan node ${plan.node}`);
  return make(plan, es);
}

/**
 * The next output tuple of `ps` (PostgreSQL's ExecProcNode): the node's tuple, projected
 * through `plan.project` when it has one, counted for EXPLAIN ANALYZE.
 */
export function execProcNode(ps: PlanState): Value[] | null {
  const es = ps.es;
  const instr = ps.instr;
  if (!ps.started) {
    ps.started = true;
    instr.loops++;
  }
  es.interrupts.tick();
  const t0 = es.clock === null ? 0 : es.clock.nowMs();
  let row = ps.next();
  if (row !== null && !ps.projectsItself) {
    const proj = ps.plan.project;
    if (proj !== null) {
      const out: Value[] = new Array(proj.length);
      for (let i = 0; i < proj.length; i++) out[i] = evalExpr(proj[i]!, row, es);
      row = out;
    }
  }
  if (es.clock !== null) {
    const dt = es.clock.nowMs() - t0;
    if (instr.rows === 0 && instr.loops === 1) instr.startupMs += dt;
    instr.totalMs += dt;
  }
  if (row !== null) instr.rows++;
  return row;
}

/** Per plan node, the positions of its input's tuples that its projection and qual read (projectionReads). */
const readsOf = new WeakMap<PlanNode, readonly number[] | null>();

/**
 * For a node whose own tuple is its input's (Limit, Result): the positions of its input's
 * tuples that its projection and qual read, ascending; null when it has no projection (its
 * parent then reads its input's tuples as they are) or an expression of it may read the whole
 * tuple (a SubPlan is handed the tuple). Kept per plan node: plans are cached and never change.
 */
export function projectionReads(plan: PlanNode): readonly number[] | null {
  let pos = readsOf.get(plan);
  if (pos === undefined) {
    pos = plan.project === null ? null : slotsRead([...plan.project, ...(plan.qual === null ? [] : [plan.qual])]);
    readsOf.set(plan, pos);
  }
  return pos;
}

/**
 * The input tuple positions `exprs` read, ascending; null when they may read any (a subplan
 * or sublink gets the whole tuple).
 */
export function slotsRead(exprs: readonly Expr[]): number[] | null {
  const used = new Set<number>();
  let whole = false;
  for (const e of exprs) {
    someNode(e, (x) => {
      if (x.k === 'slot') used.add(x.idx);
      else if (x.k === 'subplan' || x.k === 'sublink') whole = true;
      return whole;
    });
    if (whole) return null;
  }
  return [...used].sort((a, b) => a - b);
}

/**
 * A new tuple of `a`'s values followed by `b`'s (a join's output tuple). A plain copy loop:
 * `Array.prototype.concat` takes a generic slow path on the holey arrays tuples are (about
 * seven times slower per joined row).
 */
export function concatTuples(a: readonly Value[], b: readonly Value[]): Value[] {
  const na = a.length;
  const nb = b.length;
  const out: Value[] = new Array(na + nb);
  for (let i = 0; i < na; i++) out[i] = a[i]!;
  for (let i = 0; i < nb; i++) out[na + i] = b[i]!;
  return out;
}

/** Restarts `ps` (PostgreSQL's ExecReScan): a later fetch counts as a new loop. */
export function execReScan(ps: PlanState): void {
  ps.started = false;
  ps.rescan();
}

/** A CTE's tuples, produced once on demand and read by every CteScan of it. */
export interface CteStore {
  rows: Value[][];
  producer: PlanState;
  done: boolean;
}

/**
 * The per-execution state of a statement (PostgreSQL's EState): parameter values, executor
 * parameters (with the InitPlans that compute them lazily), SubPlan states, CTE stores.
 */
export class EState implements EvalCtx {
  readonly execParams: Value[];
  /** For a parameter computed by an InitPlan not yet run: the InitPlan. */
  private readonly pendingInit: (SubPlan | null)[];
  private readonly subStates = new Map<SubPlan, PlanState>();
  /** Hashed uncorrelated ANY/ALL subplans: their rows, read once. */
  private readonly subRows = new Map<SubPlan, Value[]>();
  /** Uncorrelated ANY/ALL subplans over a row of test arguments: their rows, read once. */
  private readonly subRowTuples = new Map<SubPlan, Value[][]>();
  /** Hashed uncorrelated `(a, b) = ANY` subplans: their rows by key ({@link subRowHash}). */
  private readonly subRowHashes = new Map<SubPlan, { keys: Map<string, Value[][]>; withNull: Value[][] }>();
  /** Hashed `= ANY` InitPlans' values by hash key, and whether a NULL was among them. */
  private readonly subHashes = new Map<SubPlan, { keys: Map<string, Value[]>; hasNull: boolean }>();
  readonly ctes = new Map<number, CteStore>();
  /** Uncorrelated multiple-column assignment sub-SELECTs' rows, read once ({@link runMultiExpr}). */
  private readonly multiRows = new Map<SubPlan, Value[]>();
  /** Working tables of running recursive CTEs, by CTE id. */
  readonly workTables = new Map<number, Value[][]>();
  /**
   * Under EXPLAIN ANALYZE: nodes count exactly what PostgreSQL's plan would (the exact top-k
   * scan then evaluates its filter on every row, not only on heap candidates).
   */
  instrumenting = false;
  /** Every SubPlan state created (EXPLAIN ANALYZE prints them). */
  readonly subPlanStates: { sp: SubPlan; state: PlanState }[] = [];
  /** The session's interrupts: loops over rows tick them (statement_timeout, cancel). */
  readonly interrupts: Interrupts;
  /** Set by a ProjectSet while it evaluates an item with nested set-returning calls (EvalCtx.srfValues). */
  srfValues: Map<object, Value> | null = null;
  /** The session's time zone when the statement started (EvalCtx.zone). */
  readonly zone: TimeZone;
  /** The session's extra_float_digits when the statement started (EvalCtx.floatDigits). */
  readonly floatDigits: number;

  constructor(
    readonly env: SqlEnv,
    readonly stmt: PlannedStmt,
    readonly params: readonly Value[],
    /** A clock when EXPLAIN ANALYZE measures time, else null. */
    readonly clock: Clock | null,
  ) {
    this.interrupts = env.interrupts;
    this.zone = env.settings.timeZone();
    this.floatDigits = env.settings.extraFloatDigits();
    this.execParams = new Array(stmt.nParams).fill(null);
    this.pendingInit = new Array(stmt.nParams).fill(null);
    for (const sp of stmt.subPlans) if (sp.initPlan && sp.outParam >= 0) this.pendingInit[sp.outParam] = sp;
  }

  setting(name: string): string {
    return this.env.settings.show(name).value;
  }

  /** The transaction id rows are checked against. */
  get xid(): number {
    return this.env.txn.xid;
  }

  execParam(id: number): Value {
    const init = this.pendingInit[id];
    if (init !== null && init !== undefined) {
      this.pendingInit[id] = null;
      this.execParams[id] = this.runInitPlan(init);
    }
    return this.execParams[id]!;
  }

  private stateOf(sp: SubPlan): PlanState {
    let st = this.subStates.get(sp);
    if (st === undefined) {
      st = execInitNode(sp.plan, this);
      this.subStates.set(sp, st);
      this.subPlanStates.push({ sp, state: st });
    } else {
      execReScan(st);
    }
    return st;
  }

  /** An InitPlan's value: the scalar subquery's one value (NULL for none) or EXISTS. */
  private runInitPlan(sp: SubPlan): Value {
    const st = this.stateOf(sp);
    if (sp.sub === 'exists') return execProcNode(st) !== null;
    if (sp.sub === 'array') return arrayOfRows(sp, st);
    const first = execProcNode(st);
    if (first === null) return null;
    if (execProcNode(st) !== null) throw moreThanOneRow();
    return first[0] ?? null;
  }

  /**
   * A multiple-column assignment's sub-SELECT for the calling tuple `row` (PostgreSQL's
   * MULTIEXPR SubPlan): its one row's first `n` values, all NULL when it returns none; an
   * uncorrelated one runs once per execution (an InitPlan).
   * @throws PgError 21000 when it returns more than one row.
   */
  runMultiExpr(sp: SubPlan, row: readonly Value[] | null, n: number): Value[] {
    if (sp.initPlan) {
      const kept = this.multiRows.get(sp);
      if (kept !== undefined) return kept;
    }
    for (const a of sp.args) this.execParams[a.id] = evalExpr(a.expr, row, this);
    const st = this.stateOf(sp);
    const first = execProcNode(st);
    let out: Value[];
    if (first === null) out = new Array<Value>(n).fill(null);
    else {
      if (execProcNode(st) !== null) throw moreThanOneRow();
      out = first.slice(0, n);
    }
    if (sp.initPlan) this.multiRows.set(sp, out);
    return out;
  }

  runSubPlan(sp: SubPlan, row: readonly Value[] | null): Value {
    if (sp.sub === 'multiexpr') bug('a multiple-column sub-SELECT is read by runMultiExpr');
    if (sp.initPlan && sp.sub !== 'any' && sp.sub !== 'all') return this.execParam(sp.outParam);
    for (const a of sp.args) this.execParams[a.id] = evalExpr(a.expr, row, this);
    if (sp.sub === 'exists') return execProcNode(this.stateOf(sp)) !== null;
    if (sp.sub === 'array') return arrayOfRows(sp, this.stateOf(sp));
    if (sp.sub === 'expr') {
      const st = this.stateOf(sp);
      const first = execProcNode(st);
      if (first === null) return null;
      if (execProcNode(st) !== null) throw moreThanOneRow();
      return first[0] ?? null;
    }
    const v = this.runQuantified(sp, row);
    return v === null && sp.unknownEqFalse === true ? false : v;
  }

  /** ANY / ALL (subquery): SQL's quantified comparison, three-valued. */
  private runQuantified(sp: SubPlan, row: readonly Value[] | null): Value {
    if (sp.testArgs.length > 1) return this.runRowSubPlan(sp, row);
    const l = evalExpr(sp.testArgs[0]!, row, this);
    const cmp = sp.cmps[0]!;
    const any = sp.sub === 'any';
    let sawNull = false;
    const test = (v: Value): boolean | null => {
      if (l === null || v === null) return null;
      return cmp(l, v) as boolean | null;
    };
    if (sp.initPlan && any && l !== null && hashableAny(sp)) {
      // A hashed SubPlan (PostgreSQL's ExecHashSubPlan): only values with x's hash key can
      // equal it; any other value compares FALSE, or NULL if it is NULL.
      const type = sp.testArgs[0]!.type;
      const h = this.subHash(sp, type);
      const cands = h.keys.get(keyText(l, type));
      if (cands !== undefined) {
        for (const v of cands) {
          const t = test(v);
          if (t === true) return true;
          if (t === null) sawNull = true;
        }
      }
      return sawNull || h.hasNull ? null : false;
    }
    if (sp.initPlan) {
      let rows = this.subRows.get(sp);
      if (rows === undefined) {
        rows = [];
        const st = this.stateOf(sp);
        for (let r = execProcNode(st); r !== null; r = execProcNode(st)) rows.push(r[0] ?? null);
        this.subRows.set(sp, rows);
      }
      for (const v of rows) {
        const t = test(v);
        if (t === null) sawNull = true;
        else if (t === any) return any;
      }
    } else {
      const st = this.stateOf(sp);
      for (let r = execProcNode(st); r !== null; r = execProcNode(st)) {
        const t = test(r[0] ?? null);
        if (t === null) sawNull = true;
        else if (t === any) return any;
      }
    }
    return sawNull ? null : !any;
  }

  /**
   * `(a, b) = ANY (SELECT x, y ...)` / `(a, b) <> ALL (...)`: each subquery row is compared with
   * the row of test arguments column by column, `=` joined by AND and `<>` by OR (three-valued,
   * as PostgreSQL's row comparison); ANY is true once a row compares true, ALL false once one
   * compares false; otherwise NULL when a row compared NULL. An uncorrelated subquery's rows
   * are read once.
   */
  private runRowSubPlan(sp: SubPlan, row: readonly Value[] | null): Value {
    const ls = sp.testArgs.map((a) => evalExpr(a, row, this));
    const any = sp.sub === 'any';
    const and = sp.op === '=';
    const test = (r: readonly Value[]): boolean | null => {
      let sawNull = false;
      for (let i = 0; i < ls.length; i++) {
        const l = ls[i]!;
        const v = r[i] ?? null;
        const t = l === null || v === null ? null : (sp.cmps[i]!(l, v) as boolean | null);
        if (t === null) sawNull = true;
        else if (t !== and) return t;
      }
      return sawNull ? null : and;
    };
    if (sp.initPlan && any && and && !ls.includes(null) && hashableAny(sp)) {
      // Hashed (ExecHashSubPlan): only rows with the test row's keys can equal it; a row with a
      // NULL column is never equal but may make the result NULL.
      const h = this.subRowHash(sp);
      for (const r of h.keys.get(rowKey(ls, sp.testArgs)) ?? []) if (test(r) === true) return true;
      for (const r of h.withNull) if (test(r) === null) return null;
      return false;
    }
    let rows: readonly (readonly Value[])[];
    if (sp.initPlan) {
      let cached = this.subRowTuples.get(sp);
      if (cached === undefined) {
        cached = [];
        const st = this.stateOf(sp);
        for (let r = execProcNode(st); r !== null; r = execProcNode(st)) cached.push(r.slice(0, ls.length));
        this.subRowTuples.set(sp, cached);
      }
      rows = cached;
    } else {
      const out: Value[][] = [];
      const st = this.stateOf(sp);
      for (let r = execProcNode(st); r !== null; r = execProcNode(st)) out.push(r.slice(0, ls.length));
      rows = out;
    }
    let sawNull = false;
    for (const r of rows) {
      const t = test(r);
      if (t === null) sawNull = true;
      else if (t === any) return any;
    }
    return sawNull ? null : !any;
  }

  /** The rows of uncorrelated `(a, b) = ANY` SubPlan `sp` by their keys; those with a NULL column apart. */
  private subRowHash(sp: SubPlan): { keys: Map<string, Value[][]>; withNull: Value[][] } {
    let h = this.subRowHashes.get(sp);
    if (h === undefined) {
      h = { keys: new Map(), withNull: [] };
      const st = this.stateOf(sp);
      const n = sp.testArgs.length;
      for (let r = execProcNode(st); r !== null; r = execProcNode(st)) {
        const row = r.slice(0, n);
        if (row.includes(null)) {
          h.withNull.push(row);
          continue;
        }
        const k = rowKey(row, sp.testArgs);
        const list = h.keys.get(k);
        if (list === undefined) h.keys.set(k, [row]);
        else list.push(row);
      }
      this.subRowHashes.set(sp, h);
    }
    return h;
  }

  /** The values of uncorrelated `= ANY` SubPlan `sp`, hashed as `type` (its test argument's type). */
  private subHash(sp: SubPlan, type: SqlType): { keys: Map<string, Value[]>; hasNull: boolean } {
    let h = this.subHashes.get(sp);
    if (h === undefined) {
      h = { keys: new Map(), hasNull: false };
      const st = this.stateOf(sp);
      for (let r = execProcNode(st); r !== null; r = execProcNode(st)) {
        const v = r[0] ?? null;
        if (v === null) {
          h.hasNull = true;
          continue;
        }
        const k = keyText(v, type);
        const list = h.keys.get(k);
        if (list === undefined) h.keys.set(k, [v]);
        else list.push(v);
      }
      this.subHashes.set(sp, h);
    }
    return h;
  }

  /** Ends every SubPlan state and CTE producer. */
  endAll(): void {
    for (const s of this.subStates.values()) s.end();
    for (const c of this.ctes.values()) c.producer.end();
  }
}

/**
 * The hash key of a row of non-NULL values, each keyed as the type of its test argument (the
 * types hash alike: hashableAny), joined unambiguously.
 */
function rowKey(row: readonly Value[], args: readonly Expr[]): string {
  return JSON.stringify(row.map((v, i) => keyText(v, args[i]!.type)));
}

/** True when `x = ANY (subquery)` may be answered by hash lookup (hash_key.ts hashablePair on every column). */
function hashableAny(sp: SubPlan): boolean {
  if (sp.op !== '=' || sp.testArgs.length !== sp.types.length) return false;
  return sp.testArgs.every((t, i) => hashablePair(t.type, sp.types[i]!));
}

/** Runs `stmt` to completion; returns its rows (the top node's output tuples). */
export function runPlanned(es: EState, top: PlanState): Value[][] {
  const out: Value[][] = [];
  try {
    for (let r = execProcNode(top); r !== null; r = execProcNode(top)) out.push(r);
  } finally {
    top.end();
    es.endAll();
  }
  return out;
}

/** ARRAY(subquery): every row's one value, in order, as a one-dimensional array (`{}` for none). */
function arrayOfRows(sp: SubPlan, st: PlanState): PgArray {
  const vals: ArrayElement[] = [];
  for (let r = execProcNode(st); r !== null; r = execProcNode(st)) vals.push((r[0] ?? null) as ArrayElement);
  const t = sp.types[0];
  const elem = t === undefined || t === 'unknown' ? 'text' : t;
  return new PgArray(elem, vals.length === 0 ? [] : [vals.length], vals);
}
