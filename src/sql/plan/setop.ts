/**
 * Planning UNION / INTERSECT / EXCEPT (PostgreSQL's prepunion.c, as PostgreSQL 18 plans them):
 * each leaf SELECT is planned as its own level (its output tuple is its select list, already
 * coerced to the operation's column types); UNION ALL is an Append of its inputs (a chain of
 * the same operation is flattened into one Append), UNION a HashAggregate over that Append,
 * INTERSECT / EXCEPT [ALL] a HashSetOp over the two inputs. Every node emits the tuple
 * `(rti, 0..n-1)` of the set-operation range-table entry.
 */
import type { Expr } from '../analyze/expr.js';
import type { SetOpTree } from '../analyze/query.js';
import type { SqlType } from '../analyze/types.js';
import type { LayoutItem, PlanNode } from './plan.js';
import { CPU_OPERATOR_COST, CPU_TUPLE_COST, planBase } from './cost.js';
import { deparse, type DeparseContext } from './deparse.js';
import { PlannerInfo, planLevel } from './planner.js';

/** Column types of a tree's output. */
function treeTypes(t: SetOpTree): SqlType[] {
  return t.k === 'op' ? t.colTypes : t.query.targets.map((x) => x.expr.type);
}

/** The inputs of a chain of one operation (`a UNION b UNION c`), flattened as PostgreSQL does. */
function flatten(t: SetOpTree, op: string, all: boolean, out: SetOpTree[]): SetOpTree[] {
  if (t.k === 'op' && t.op === op && t.all === all) {
    flatten(t.left, op, all, out);
    flatten(t.right, op, all, out);
  } else out.push(t);
  return out;
}

/** The leftmost leaf plan below `p` (its select list names the set operation's columns in EXPLAIN). */
function leftmostLeaf(p: PlanNode): PlanNode {
  if (p.node === 'Append') return leftmostLeaf(p.inputs[0]!);
  if (p.node === 'SetOp') return leftmostLeaf(p.left);
  if (p.node === 'Agg' && p.input.node === 'Append') return leftmostLeaf(p.input);
  return p;
}

/**
 * The plan of set-operation tree `t` read as range-table entry `rti` of `info`'s level.
 * Leaves are planned as levels below `info` (their correlated references reach past it).
 */
export function planSetOp(info: PlannerInfo, t: SetOpTree, rti: number): PlanNode {
  const types = treeTypes(t);
  const layout: LayoutItem[] = types.map((_, col) => ({ rti, col }));
  if (t.k === 'leaf') {
    const child = new PlannerInfo(info.global, t.query, info);
    const plan = planLevel(child);
    for (const id of child.ext) info.ext.add(id);
    return plan;
  }
  if (t.op === 'union') {
    const inputs = flatten(t, 'union', t.all, []).map((x) => planSetOp(info, x, rti));
    let rows = 0;
    let cost = 0;
    for (const p of inputs) {
      rows += p.rows;
      cost += p.totalCost;
    }
    const append: PlanNode = { ...planBase(rows, inputs[0]!.startupCost, cost, layout), node: 'Append', inputs };
    if (t.all) return append;
    const groups = Math.max(1, Math.round(rows / 2));
    const aggCost = cost + rows * types.length * CPU_OPERATOR_COST;
    const agg: PlanNode = {
      ...planBase(groups, aggCost, aggCost + groups * CPU_TUPLE_COST, layout),
      node: 'Agg', strategy: 'hashed', input: append, groupKeys: [], groupText: [], aggs: [],
    };
    const names = setOpOutputNames(append, types.length, info.global.useprefix('upper'), info.global.deparse);
    agg.groupKeys = types.map((type, idx): Expr => ({ k: 'slot', type, idx, typmod: -1, name: names[idx]!.name, qname: names[idx]!.qname }));
    agg.groupText = names.map((n) => (info.global.useprefix('upper') ? n.qname : n.name));
    return agg;
  }
  const left = planSetOp(info, t.left, rti);
  const right = planSetOp(info, t.right, rti);
  const rows = t.op === 'intersect' ? Math.min(left.rows, right.rows) : left.rows;
  const cost = left.totalCost + right.totalCost + (left.rows + right.rows) * types.length * CPU_OPERATOR_COST;
  return { ...planBase(rows, cost, cost + rows * CPU_TUPLE_COST, layout), node: 'SetOp', op: t.op, all: t.all, left, right, types };
}

/** EXPLAIN names of a set operation's output columns: the leftmost leaf's select list. */
export function setOpOutputNames(p: PlanNode, n: number, qualify: boolean, dc: DeparseContext): { name: string; qname: string }[] {
  const leaf = leftmostLeaf(p);
  const out: { name: string; qname: string }[] = [];
  for (let i = 0; i < n; i++) {
    const e = leaf.project?.[i];
    const name = e === undefined ? `col${i + 1}` : deparse(e, dc, false);
    const qname = e === undefined ? name : deparse(e, dc, qualify);
    out.push({ name: e !== undefined && e.k !== 'slot' ? `(${name})` : name, qname: e !== undefined && e.k !== 'slot' ? `(${qname})` : qname });
  }
  return out;
}
