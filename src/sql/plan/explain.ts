/**
 * EXPLAIN output in PostgreSQL's text and JSON formats (explain.c): one entry per plan node
 * with its estimated cost and rows (unless COSTS OFF), its details (Filter, Join Filter,
 * Hash Cond, Sort Key, Index Cond, Order By, Group Key), InitPlans before the children and
 * SubPlans after them, and under ANALYZE the counters its executor state kept (actual rows
 * and loops, time unless TIMING OFF, Rows Removed by Filter, Sort Method, the vector index
 * scan's searches and distance computations).
 */
import type { PlanNode, PlannedStmt, SubPlan } from './plan.js';
import { FILTER_STRATEGY_NAMES, planChildren } from './plan.js';
import { deparse, type DeparseContext } from './deparse.js';
import type { Instrumentation } from '../exec/executor.js';

export interface ExplainOptions {
  analyze: boolean;
  verbose: boolean;
  costs: boolean;
  timing: boolean;
  summary: boolean;
  buffers: boolean;
  format: 'text' | 'json';
}

/** The executor's counters per plan node, under ANALYZE (absent: the node never ran). */
export type InstrLookup = (p: PlanNode) => Instrumentation | undefined;

interface Prop {
  label: string;
  value: string | number | boolean | string[];
}

interface ExplainNode {
  name: string;
  props: Prop[];
  /** JSON "Node Type" and join type / strategy etc. */
  json: Record<string, unknown>;
  initPlans: { label: string; node: ExplainNode }[];
  children: ExplainNode[];
  subPlans: { label: string; node: ExplainNode }[];
  costs: { startup: number; total: number; rows: number; width: number };
  instr: Instrumentation | undefined;
  relationship: string | null;
}

function joinName(t: string): string {
  return t === 'inner' ? '' : t === 'semi' ? ' Semi' : t === 'anti' ? ' Anti' : t === 'right_semi' ? ' Right Semi' : t === 'right_anti' ? ' Right Anti' : ` ${t[0]!.toUpperCase()}${t.slice(1)}`;
}

/** `Seq Scan on <this>`: under VERBOSE a table or function with its schema (`public.t t2`). */
function scanName(s: { name: string; alias: string | null; schema?: string | null }, verbose: boolean): string {
  const name = verbose && s.schema != null ? `${s.schema}.${s.name}` : s.name;
  return s.alias === null ? name : `${name} ${s.alias}`;
}

function keyText(text: string, simple: boolean): string {
  return simple ? text : `(${text})`;
}

/**
 * `qualify`: quals qualify column names (several range-table entries, or VERBOSE); `outputPrefix`:
 * VERBOSE's Output lists do (several range-table entries only, explain.c's show_plan_tlist).
 */
function describe(p: PlanNode, dc: DeparseContext, lookup: InstrLookup | null, rel: string | null, qualify: boolean, verbose = false, outputPrefix = qualify): ExplainNode {
  // Scan quals print unqualified names, join and upper-node quals qualified (PostgreSQL's
  // useprefix); a Subquery Scan's always qualified (show_scan_qual's IsA(plan, SubqueryScan)).
  const scan = 'scan' in p && p.node !== 'SubqueryScan';
  const text = (e: Parameters<typeof deparse>[0]): string => deparse(e, dc, (!scan || verbose) && qualify);
  const props: Prop[] = [];
  const json: Record<string, unknown> = {};
  let name: string;
  const filter = (label = 'Filter'): void => {
    if (p.qual !== null) props.push({ label, value: text(p.qual) });
  };
  const removed = (): void => {
    const i = lookup?.(p);
    // PostgreSQL prints the average per loop, rounded.
    if (i !== undefined && i.removedByFilter > 0 && p.qual !== null) props.push({ label: 'Rows Removed by Filter', value: Number((i.removedByFilter / Math.max(1, i.loops)).toFixed(0)) });
  };
  const children: PlanNode[] = planChildren(p);
  if (verbose) {
    // VERBOSE: the node's output columns (its projection, else the tuple it passes on).
    let out = p.project !== null ? p.project.map((e) => deparse(e, dc, outputPrefix)) : p.layout.map((it) => ('expr' in it ? deparse(it.expr, dc, outputPrefix) : ''));
    // Partial aggregation passes transition states up (PostgreSQL prints them as PARTIAL).
    if (p.node === 'Agg' && p.split === 'partial') out = out.map((x) => `PARTIAL ${x}`);
    else if (p.node === 'Gather') out = out.map((x) => `(PARTIAL ${x})`);
    if (out.length > 0 && out.every((x) => x !== '')) props.push({ label: 'Output', value: out });
  }
  switch (p.node) {
    case 'Result':
      name = 'Result';
      if (p.oneTimeFilter !== null) props.push({ label: 'One-Time Filter', value: text(p.oneTimeFilter) });
      filter();
      break;
    case 'SeqScan':
      name = `${p.parallel === true ? 'Parallel ' : ''}Seq Scan on ${scanName(p.scan, verbose)}`;
      json['Node Type'] = 'Seq Scan';
      if (p.parallel === true) json['Parallel Aware'] = true;
      json['Relation Name'] = p.scan.name;
      json['Alias'] = p.scan.alias ?? p.scan.name;
      filter();
      removed();
      break;
    case 'VirtualScan':
      name = `Function Scan on ${scanName(p.scan, verbose)}`;
      json['Node Type'] = 'Function Scan';
      filter();
      removed();
      break;
    case 'PkLookup':
      name = `Index ${p.indexOnly ? 'Only ' : ''}Scan using ${p.indexName} on ${scanName(p.scan, verbose)}`;
      json['Node Type'] = p.indexOnly ? 'Index Only Scan' : 'Index Scan';
      json['Index Name'] = p.indexName;
      json['Relation Name'] = p.scan.name;
      json['Alias'] = p.scan.alias ?? p.scan.name;
      props.push({ label: 'Index Cond', value: p.keyText });
      filter();
      removed();
      break;
    case 'IndexScan':
      name = `Index Scan using ${p.def.name} on ${scanName(p.scan, verbose)}`;
      json['Node Type'] = 'Index Scan';
      json['Index Name'] = p.def.name;
      json['Relation Name'] = p.scan.name;
      json['Alias'] = p.scan.alias ?? p.scan.name;
      props.push({ label: 'Order By', value: p.knn.text });
      // vecgres's own line: the join above filters rows, so the scan runs on past its first search.
      if (p.continueScan === true) props.push({ label: 'Iterative Scan', value: 'relaxed order, until the rows above suffice' });
      filter();
      removed();
      // The filtered-search strategy the planner chose; under ANALYZE the node reports the
      // one it ran with the bitmap's actual row count instead.
      if (p.filtered !== null && lookup === null) {
        props.push({ label: 'Filtered Search', value: `${FILTER_STRATEGY_NAMES[p.filtered.strategy]} (estimated rows ${p.filtered.estRows})` });
      }
      // vecgres's own line: the B-tree index whose bitmap the filtered search starts from (under
      // ANALYZE the node reports it when it built the bitmap, with the rows the index returned).
      if (p.filtered !== null && p.filtered.bitmapIndex !== null && lookup === null) {
        props.push({ label: 'Filter Bitmap', value: `Bitmap Index Scan on ${p.filtered.bitmapIndex.indexName} (Index Cond: ${p.filtered.bitmapIndex.condText})` });
      }
      break;
    case 'BtreeIndexScan':
      name = `Index ${p.indexOnly ? 'Only ' : ''}Scan${p.backward ? ' Backward' : ''} using ${p.indexName} on ${scanName(p.scan, verbose)}`;
      json['Node Type'] = p.indexOnly ? 'Index Only Scan' : 'Index Scan';
      json['Scan Direction'] = p.backward ? 'Backward' : 'Forward';
      json['Index Name'] = p.indexName;
      json['Relation Name'] = p.scan.name;
      json['Alias'] = p.scan.alias ?? p.scan.name;
      if (p.condText !== null) props.push({ label: 'Index Cond', value: p.condText });
      filter();
      removed();
      break;
    case 'BitmapIndexScan':
      name = `Bitmap Index Scan on ${p.indexName}`;
      json['Node Type'] = 'Bitmap Index Scan';
      json['Index Name'] = p.indexName;
      props.push({ label: 'Index Cond', value: p.condText });
      break;
    case 'BitmapAnd':
    case 'BitmapOr':
      name = p.node;
      break;
    case 'BitmapHeapScan':
      name = `Bitmap Heap Scan on ${scanName(p.scan, verbose)}`;
      json['Node Type'] = 'Bitmap Heap Scan';
      json['Relation Name'] = p.scan.name;
      json['Alias'] = p.scan.alias ?? p.scan.name;
      props.push({ label: 'Recheck Cond', value: p.recheckText });
      filter();
      removed();
      break;
    case 'TopK':
      name = 'Sort';
      props.push({ label: 'Sort Key', value: [keyText(p.knn.sortText, false) + (p.nullsFirst ? ' NULLS FIRST' : ''), ...p.keys.slice(1).map((k) => k.text)] });
      break;
    case 'Gather':
      name = 'Gather';
      // Under ANALYZE the node adds Workers Launched (exec/nodes/gather.ts).
      props.push({ label: 'Workers Planned', value: p.workers });
      break;
    case 'GatherMerge':
      name = 'Gather Merge';
      // Under ANALYZE the node adds Workers Launched (exec/nodes/gather_merge.ts).
      props.push({ label: 'Workers Planned', value: p.workers });
      break;
    case 'FunctionScan':
      name = `${SCAN_LABEL[p.node]} on ${scanName(p.scan, verbose)}`;
      if (verbose) props.push({ label: 'Function Call', value: `${p.fname}(${p.args.map((a) => deparse(a, dc, qualify)).join(', ')})` });
      filter();
      removed();
      break;
    case 'ValuesScan':
    case 'SubqueryScan':
    case 'CteScan':
      name = `${SCAN_LABEL[p.node]} on ${scanName(p.scan, verbose)}`;
      filter();
      removed();
      break;
    case 'WorkTableScan':
      name = `WorkTable Scan on ${scanName(p.scan, verbose)}`;
      filter();
      break;
    case 'RecursiveUnion':
      name = 'Recursive Union';
      break;
    case 'NestLoop': {
      name = p.joinType === 'inner' ? 'Nested Loop' : `Nested Loop${joinName(p.joinType)} Join`;
      json['Node Type'] = 'Nested Loop';
      json['Join Type'] = p.joinType[0]!.toUpperCase() + p.joinType.slice(1);
      if (p.joinQual !== null) props.push({ label: 'Join Filter', value: text(p.joinQual) });
      const i = lookup?.(p);
      if (i !== undefined && i.removedByJoinFilter > 0) props.push({ label: 'Rows Removed by Join Filter', value: Number((i.removedByJoinFilter / Math.max(1, i.loops)).toFixed(0)) });
      filter();
      removed();
      break;
    }
    case 'HashJoin': {
      name = `Hash${joinName(p.joinType)} Join`;
      json['Node Type'] = 'Hash Join';
      json['Join Type'] = joinName(p.joinType).trim() || 'Inner';
      if (verbose && p.innerUnique === true) props.push({ label: 'Inner Unique', value: true });
      props.push({ label: 'Hash Cond', value: p.hashCondText });
      if (p.joinQual !== null) props.push({ label: 'Join Filter', value: text(p.joinQual) });
      const i = lookup?.(p);
      if (i !== undefined && i.removedByJoinFilter > 0) props.push({ label: 'Rows Removed by Join Filter', value: Number((i.removedByJoinFilter / Math.max(1, i.loops)).toFixed(0)) });
      filter();
      removed();
      break;
    }
    case 'Hash':
      name = 'Hash';
      break;
    case 'Material':
      name = 'Materialize';
      break;
    case 'Sort':
      name = 'Sort';
      props.push({ label: 'Sort Key', value: p.keys.map((k) => k.text) });
      break;
    case 'Limit':
      name = 'Limit';
      break;
    case 'LockRows':
      name = 'LockRows';
      break;
    case 'Agg':
      name = p.split === 'partial' ? 'Partial Aggregate' : p.split === 'finalize' ? 'Finalize Aggregate' : p.strategy === 'plain' ? 'Aggregate' : 'HashAggregate';
      if (p.split !== undefined) json['Partial Mode'] = p.split === 'partial' ? 'Partial' : 'Finalize';
      json['Node Type'] = 'Aggregate';
      json['Strategy'] = p.strategy === 'plain' ? 'Plain' : 'Hashed';
      if (p.sets !== undefined) {
        // Grouping sets as PostgreSQL hashes them: one Hash Key line per set, the set of no
        // keys a `Group Key: ()` line, which makes the node a MixedAggregate.
        const empty = p.sets.filter((set) => set.length === 0).length;
        const mixed = empty > 0 && empty < p.sets.length;
        name = mixed ? 'MixedAggregate' : empty > 0 ? 'Aggregate' : 'HashAggregate';
        json['Strategy'] = mixed ? 'Mixed' : empty > 0 ? 'Plain' : 'Hashed';
        for (const set of p.sets) if (set.length > 0) props.push({ label: 'Hash Key', value: set.filter((i) => i < p.groupText.length).map((i) => p.groupText[i]!) });
        for (const set of p.sets) if (set.length === 0) props.push({ label: 'Group Key', value: ['()'] });
      } else if (p.groupKeys.length > 0) props.push({ label: 'Group Key', value: p.groupText });
      filter();
      removed();
      break;
    case 'ProjectSet':
      name = 'ProjectSet';
      break;
    case 'Unique':
      name = 'Unique';
      break;
    case 'WindowAgg':
      name = 'WindowAgg';
      props.push({ label: 'Window', value: p.windowText });
      if (p.runCondition !== undefined) props.push({ label: 'Run Condition', value: p.runCondition.text });
      break;
    case 'Append':
      name = 'Append';
      break;
    case 'SetOp': {
      const op = p.op === 'intersect' ? 'Intersect' : 'Except';
      name = `HashSetOp ${op}${p.all ? ' All' : ''}`;
      json['Node Type'] = 'SetOp';
      json['Strategy'] = 'Hashed';
      json['Command'] = `${op}${p.all ? ' All' : ''}`;
      break;
    }
  }
  if (json['Node Type'] === undefined) json['Node Type'] = name.replace(/ on .*$/, '').replace(/ using .*$/, '');
  const instr = lookup?.(p);
  if (instr !== undefined) for (const [label, value] of instr.extra) props.push({ label, value });
  // An InitPlan sets parameters (a scalar's value, a multiple-column assignment's columns); a
  // hashed ANY / ALL over an uncorrelated subquery is a SubPlan run once.
  const subLabel = (sp: SubPlan): string => (sp.initPlan && (sp.outParam >= 0 || sp.sub === 'multiexpr') ? `InitPlan ${sp.id}` : `SubPlan ${sp.id}`);
  const node: ExplainNode = {
    name,
    props,
    json,
    initPlans: [
      ...(p.cteDefs ?? []).map((c) => ({ label: `CTE ${c.name}`, node: describe(c.plan, dc, lookup, 'InitPlan', qualify, verbose, outputPrefix) })),
      ...p.initPlans.map((sp) => ({ label: subLabel(sp), node: describe(sp.plan, dc, lookup, 'InitPlan', qualify, verbose, outputPrefix) })),
    ],
    children: children.map((c, i) => describe(c, dc, lookup, p.node === 'Append' || p.node === 'BitmapAnd' || p.node === 'BitmapOr' ? 'Member' : children.length === 2 ? (i === 0 ? 'Outer' : 'Inner') : p.node === 'SubqueryScan' ? 'Subquery' : 'Outer', qualify, verbose, outputPrefix)),
    subPlans: p.subPlans.map((sp) => ({ label: subLabel(sp), node: describe(sp.plan, dc, lookup, 'SubPlan', qualify, verbose, outputPrefix) })),
    costs: { startup: p.startupCost, total: p.totalCost, rows: p.rows, width: p.width },
    instr,
    relationship: rel,
  };
  if (p.node === 'TopK') {
    // The exact top-k scan is PostgreSQL's top-N heapsort over a sequential scan: print both.
    node.children = [describe(p.input, dc, lookup, 'Outer', qualify, verbose, outputPrefix)];
  }
  return node;
}

function fmt2(n: number): string {
  return n.toFixed(2);
}

function fmt3(n: number): string {
  return n.toFixed(3);
}

function costText(n: ExplainNode, opts: ExplainOptions): string {
  let s = '';
  if (opts.costs) s += `  (cost=${fmt2(n.costs.startup)}..${fmt2(n.costs.total)} rows=${n.costs.rows} width=${n.costs.width})`;
  if (opts.analyze) {
    const i = n.instr;
    if (i === undefined || i.loops === 0) s += ' (never executed)';
    else {
      // PostgreSQL 18 prints the average rows per loop with two decimals.
      const rowsText = (i.rows / i.loops).toFixed(2);
      s += opts.timing
        ? ` (actual time=${fmt3(i.startupMs / i.loops)}..${fmt3(i.totalMs / i.loops)} rows=${rowsText} loops=${i.loops})`
        : ` (actual rows=${rowsText} loops=${i.loops})`;
    }
  }
  return s;
}

/** The text-format lines of a plan. */
function textLines(root: ExplainNode, opts: ExplainOptions): string[] {
  const out: string[] = [];
  const walk = (n: ExplainNode, indent: number, planName: string | null): void => {
    if (planName !== null) {
      out.push(' '.repeat(indent * 2) + planName);
      indent++;
    }
    let line = '';
    if (indent > 0) {
      line = ' '.repeat(indent * 2) + '->  ';
      indent += 2;
    }
    out.push(line + n.name + costText(n, opts));
    indent++;
    const pad = ' '.repeat(indent * 2);
    for (const pr of n.props) {
      if (pr.label === 'Sort Method' && !opts.analyze) continue;
      const v = Array.isArray(pr.value) ? pr.value.join(', ') : String(pr.value);
      out.push(`${pad}${pr.label}: ${v}`);
    }
    for (const ip of n.initPlans) walk(ip.node, indent, ip.label);
    for (const c of n.children) walk(c, indent, null);
    for (const sp of n.subPlans) walk(sp.node, indent, sp.label);
  };
  walk(root, 0, null);
  return out;
}

function jsonNode(n: ExplainNode, opts: ExplainOptions, parent: string | null, subplanName: string | null): Record<string, unknown> {
  const o: Record<string, unknown> = { ...n.json };
  if (parent !== null) o['Parent Relationship'] = parent;
  if (subplanName !== null) o['Subplan Name'] = subplanName;
  if (opts.costs) {
    o['Startup Cost'] = Number(fmt2(n.costs.startup));
    o['Total Cost'] = Number(fmt2(n.costs.total));
    o['Plan Rows'] = n.costs.rows;
    o['Plan Width'] = n.costs.width;
  }
  if (opts.analyze) {
    const i = n.instr;
    if (opts.timing) {
      o['Actual Startup Time'] = i === undefined || i.loops === 0 ? 0 : Number(fmt3(i.startupMs / i.loops));
      o['Actual Total Time'] = i === undefined || i.loops === 0 ? 0 : Number(fmt3(i.totalMs / i.loops));
    }
    o['Actual Rows'] = i === undefined || i.loops === 0 ? 0 : i.rows / i.loops;
    o['Actual Loops'] = i?.loops ?? 0;
  }
  for (const pr of n.props) {
    if (pr.label === 'Sort Method' && !opts.analyze) continue;
    o[pr.label] = pr.value;
  }
  const plans: Record<string, unknown>[] = [
    ...n.initPlans.map((ip) => jsonNode(ip.node, opts, 'InitPlan', ip.label)),
    ...n.children.map((c) => jsonNode(c, opts, c.relationship, null)),
    ...n.subPlans.map((sp) => jsonNode(sp.node, opts, 'SubPlan', sp.label)),
  ];
  if (plans.length > 0) o['Plans'] = plans;
  return o;
}

/** Timing lines / fields of EXPLAIN ANALYZE or SUMMARY. */
export interface ExplainSummary {
  planningMs: number;
  executionMs: number | null;
}

/** EXPLAIN's names of the scans over a range-table entry that is not a table. */
const SCAN_LABEL = {
  ValuesScan: 'Values Scan',
  FunctionScan: 'Function Scan',
  SubqueryScan: 'Subquery Scan',
  CteScan: 'CTE Scan',
} as const;

/** EXPLAIN's output rows (one line each in TEXT, one JSON document in JSON). */
export function explainOutput(stmt: PlannedStmt, opts: ExplainOptions, lookup: InstrLookup | null, summary: ExplainSummary | null): string[] {
  const root = describe(stmt.plan, stmt.deparse, lookup, null, stmt.qualify || opts.verbose, opts.verbose, stmt.qualify);
  return render(root, opts, stmt.indexHints ?? [], summary);
}

/** EXPLAIN's output rows for the node tree `root`, with the plan's index hints and the summary. */
function render(root: ExplainNode, opts: ExplainOptions, hints: readonly { explain: string }[], summary: ExplainSummary | null): string[] {
  if (opts.format === 'json') {
    const doc: Record<string, unknown> = { Plan: jsonNode(root, opts, null, null) };
    if (hints.length > 0) doc['Index Not Used'] = hints.map((h) => h.explain);
    if (summary !== null) {
      doc['Planning Time'] = Number(fmt3(summary.planningMs));
      if (summary.executionMs !== null) doc['Execution Time'] = Number(fmt3(summary.executionMs));
    }
    return [JSON.stringify([doc], null, 2)];
  }
  const lines = textLines(root, opts);
  // vecgres's own line (PostgreSQL has none): why a vector index was not used (index_hints.ts).
  for (const h of hints) lines.push(`Index Not Used: ${h.explain}`);
  if (summary !== null) {
    lines.push(`Planning Time: ${fmt3(summary.planningMs)} ms`);
    if (summary.executionMs !== null) lines.push(`Execution Time: ${fmt3(summary.executionMs)} ms`);
  }
  return lines;
}

/**
 * The ModifyTable node PostgreSQL prints above an INSERT, UPDATE or DELETE's plan
 * (explain.c's show_modifytable_info): `Insert on t`, `Update on t a`, `Delete on t`.
 */
export interface ModifyTableExplain {
  operation: 'Insert' | 'Update' | 'Delete';
  relation: string;
  alias: string | null;
  /**
   * What feeds it: the planned row-finding scan (UPDATE / DELETE) or SELECT (INSERT ...
   * SELECT), or the number of rows of INSERT ... VALUES, which PostgreSQL plans as a `Result`
   * (one row) or a `Values Scan on "*VALUES*"`; `width` its estimated row width.
   */
  input: PlannedStmt | { values: number; width: number };
  /**
   * How PostgreSQL shows an INSERT's SELECT it could not pull up into the statement: as
   * `Subquery Scan on "*SELECT*"` ('subquery'), or as a `Result` projecting an `Append`.
   */
  wrap: 'subquery' | 'result' | null;
  /**
   * Statements holding RETURNING's (and VALUES') subqueries, whose top node's InitPlans PostgreSQL
   * attaches to the ModifyTable, the statement's top node (as it does the input's, unless wrapped).
   */
  initPlansOf: PlannedStmt[];
  /** ON CONFLICT: the action, the arbiter indexes (none listed: every unique index), DO UPDATE's WHERE as text. */
  onConflict: { action: 'NOTHING' | 'UPDATE'; arbiters: readonly string[] | null; filter: string | null } | null;
  /** RETURNING's expressions as text (null: no RETURNING). */
  returning: string[] | null;
  /** Under ANALYZE: rows returned, milliseconds, proposed rows (INSERT), conflicts met and skipped by DO UPDATE's WHERE. */
  actual: { rows: number; ms: number; proposed: number; conflicting: number; removedByConflictFilter: number } | null;
}

/**
 * EXPLAIN's output for an INSERT, UPDATE or DELETE: the ModifyTable node (cost of its input,
 * rows 0 without RETURNING, as PostgreSQL estimates), its ON CONFLICT lines, then the plan
 * that finds or makes the rows; under ANALYZE the rows RETURNING gave and the conflict counters.
 */
export function explainModifyOutput(m: ModifyTableExplain, opts: ExplainOptions, lookup: InstrLookup | null, summary: ExplainSummary | null): string[] {
  const props: Prop[] = [];
  const rel = scanName({ name: m.relation, alias: m.alias, schema: 'public' }, opts.verbose);
  if (opts.verbose && m.returning !== null && m.returning.length > 0) props.push({ label: 'Output', value: m.returning });
  const oc = m.onConflict;
  if (oc !== null) {
    props.push({ label: 'Conflict Resolution', value: oc.action });
    if (oc.arbiters !== null && oc.arbiters.length > 0) props.push({ label: 'Conflict Arbiter Indexes', value: [...oc.arbiters] });
    if (oc.filter !== null) props.push({ label: 'Conflict Filter', value: oc.filter });
    if (m.actual !== null) {
      if (m.actual.removedByConflictFilter > 0) props.push({ label: 'Rows Removed by Conflict Filter', value: m.actual.removedByConflictFilter });
      props.push({ label: 'Tuples Inserted', value: m.actual.proposed - m.actual.conflicting });
      props.push({ label: 'Conflicting Tuples', value: m.actual.conflicting });
    }
  }
  const synthetic = (name: string, costs: ExplainNode['costs'], instr: Instrumentation | undefined, children: ExplainNode[], json: Record<string, unknown>): ExplainNode => ({
    name, props: [], json, initPlans: [], children, subPlans: [], costs, instr, relationship: 'Outer',
  });
  const timed = (rows: number, ms: number): Instrumentation => ({ rows, loops: 1, startupMs: ms, totalMs: ms, removedByFilter: 0, removedByJoinFilter: 0, extra: [] });
  let child: ExplainNode;
  const initPlans: ExplainNode['initPlans'] = [];
  const hoist = (stmt: PlannedStmt): void => {
    const top = describe(stmt.plan, stmt.deparse, lookup, null, stmt.qualify || opts.verbose, opts.verbose, stmt.qualify);
    initPlans.push(...top.initPlans);
  };
  for (const s of m.initPlansOf) hoist(s);
  let hints: readonly { explain: string }[] = [];
  if ('values' in m.input) {
    const n = m.input.values;
    const actual = m.actual === null ? undefined : timed(m.actual.proposed, 0);
    child = n === 1
      ? synthetic('Result', { startup: 0, total: 0.01, rows: 1, width: m.input.width }, actual, [], { 'Node Type': 'Result' })
      : synthetic('Values Scan on "*VALUES*"', { startup: 0, total: 0.0125 * n, rows: n, width: m.input.width }, actual, [], { 'Node Type': 'Values Scan', Alias: '*VALUES*' });
  } else {
    const stmt = m.input;
    hints = stmt.indexHints ?? [];
    child = describe(stmt.plan, stmt.deparse, lookup, 'Outer', stmt.qualify || opts.verbose, opts.verbose, stmt.qualify);
    if (m.wrap === null) {
      initPlans.unshift(...child.initPlans);
      child.initPlans = [];
    } else {
      const name = m.wrap === 'subquery' ? 'Subquery Scan on "*SELECT*"' : 'Result';
      child.relationship = m.wrap === 'subquery' ? 'Subquery' : 'Outer';
      const json: Record<string, unknown> = m.wrap === 'subquery' ? { 'Node Type': 'Subquery Scan', Alias: '*SELECT*' } : { 'Node Type': 'Result' };
      child = synthetic(name, child.costs, child.instr, [child], json);
    }
  }
  const returning = m.returning !== null;
  const root: ExplainNode = {
    name: `${m.operation} on ${rel}`,
    props,
    json: { 'Node Type': 'ModifyTable', Operation: m.operation, 'Relation Name': m.relation, Alias: m.alias ?? m.relation },
    initPlans,
    children: [child],
    subPlans: [],
    costs: { startup: child.costs.startup, total: child.costs.total, rows: returning ? child.costs.rows : 0, width: returning ? 8 * Math.max(1, m.returning!.length) : 0 },
    instr: m.actual === null ? undefined : timed(m.actual.rows, m.actual.ms),
    relationship: null,
  };
  return render(root, opts, hints, summary);
}
