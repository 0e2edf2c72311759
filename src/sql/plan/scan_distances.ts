/**
 * Distances computed by a table's sequential scan in an aggregate query level: `min(c.embedding
 * <=> $1)` over a join reads a distance between a vector column of one table and a constant
 * or parameter query, so the scan of that table computes it into its target list (as
 * PostgreSQL computes expressions in a scan's tlist) and the nodes above (the join, the Agg)
 * read the value instead of the vector. The scan then computes it with the exact kernel on the
 * stored vector (exec/scan_projection.ts), and a vector column read only through such
 * distances leaves the scan not at all. Only the target list of the scan changes (EXPLAIN
 * VERBOSE's Output of it); the plan's shape and costs stay those PostgreSQL chooses.
 */
import type { Expr } from '../analyze/expr.js';
import { forEachOperand } from '../analyze/expr.js';
import { exprEqual, forEachQueryExpr } from '../analyze/query.js';
import type { PlanNode } from './plan.js';
import type { PlannerInfo } from './planner.js';

/** The distance operators whose float32-vector implementations the scan computes by kernel. */
const SCAN_DISTANCE_OPS = new Set(['<->', '<#>', '<=>', '<+>']);

/** True when `e` is `<column of rti> <op> <query>` (either order), the query a constant or parameter. */
function isScanDistance(e: Expr, rti: number): boolean {
  if (e.k !== 'op2' || !SCAN_DISTANCE_OPS.has(e.op) || e.l.type !== 'vector' || e.r.type !== 'vector') return false;
  const col = (x: Expr): boolean => x.k === 'var' && x.levelsUp === 0 && x.rti === rti;
  const query = (x: Expr): boolean => x.k === 'const' || x.k === 'param';
  return (col(e.l) && query(e.r)) || (col(e.r) && query(e.l));
}

/**
 * Gives `plan`, the sequential scan of table entry `rti` in an aggregate level, a projection
 * that emits the columns the level reads elsewhere followed by the distances of
 * {@link isScanDistance} shape that the target list, HAVING or ORDER BY read; unchanged when
 * there are none.
 */
export function projectScanDistances(info: PlannerInfo, rti: number, plan: PlanNode & { node: 'SeqScan' }): void {
  const q = info.q;
  if (!q.aggregate || plan.project !== null) return;
  const found: Expr[] = [];
  const visit = (e: Expr): void => {
    if (isScanDistance(e, rti)) {
      if (!found.some((x) => exprEqual(x, e))) found.push(e);
      return;
    }
    if (e.k !== 'sublink') forEachOperand(e, visit);
  };
  for (const t of q.targets) visit(t.expr);
  if (q.having !== null) visit(q.having);
  for (const k of q.orderBy) visit(k.expr);
  if (found.length === 0) return;
  // The columns of rti read anywhere else: in this level outside the distances, or by a
  // subquery (a correlated reference, always kept).
  const used = new Set<number>();
  forEachQueryExpr(q, 0, (e, depth) => {
    const walk = (x: Expr): void => {
      if (depth === 0 && found.some((f) => exprEqual(f, x))) return;
      if (x.k === 'var') {
        if (x.levelsUp === depth && x.rti === rti) used.add(x.col);
        return;
      }
      forEachOperand(x, walk);
    };
    walk(e);
  });
  const input = plan.layout;
  const layout = input.filter((it) => 'expr' in it || it.col < 0 || used.has(it.col));
  const rte = q.rtable[rti]!;
  const project: Expr[] = layout.map((it) => {
    if ('expr' in it) return info.bindFor(plan, it.expr, input);
    const name = it.col < 0 ? 'ctid' : (rte.colNames[it.col] ?? '?');
    // Only the position and EXPLAIN's name of a passed-through column matter here.
    return info.bindFor(plan, { k: 'var', type: 'unknown', rti: it.rti, col: it.col, levelsUp: 0, typmod: -1, name }, input);
  });
  for (const e of found) project.push(info.bindFor(plan, e, input));
  plan.project = project;
  plan.layout = [...layout, ...found.map((e) => ({ expr: e }))];
}
