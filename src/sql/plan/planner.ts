/**
 * The planner: picks, per execution, how a SELECT reads its table. For
 * `ORDER BY col <op> q LIMIT k` it compares each matching index's own cost estimate
 * (IndexAm.costEstimate, in distance computations) with an exact scan's cost (one distance
 * per live row) and takes the cheaper, honouring enable_indexscan / enable_seqscan as
 * PostgreSQL does (a disabled path is used only when nothing else can run). An equality on
 * the primary key reads one row through the key map.
 */
import type { SqlEnv } from '../env.js';
import type { SelectQuery } from '../analyze/query.js';
import type { Expr } from '../analyze/expr.js';
import { isRowIndependent } from '../analyze/query.js';
import type { PlanNode } from './plan.js';

/** Rough selectivity of a WHERE clause for cost estimates (PostgreSQL's default for `=` is 0.005, ranges 1/3). */
function selectivity(filter: Expr | null): number {
  if (filter === null) return 1;
  return 0.5;
}

/** Builds the plan for `q`; `need` is LIMIT + OFFSET (Infinity when unlimited). */
export function planSelect(env: SqlEnv, q: SelectQuery, need: number): PlanNode {
  const t = q.table;
  let plan: PlanNode;
  if (t === null) {
    plan = { node: 'Result' };
  } else if (q.virtual !== null) {
    plan = { node: 'VirtualScan', name: q.virtual, filter: q.where };
  } else if (q.fromFunction !== null) {
    plan = { node: 'FunctionScan', table: t, fn: q.fromFunction, filter: q.where };
    if (q.orderBy.length > 0 && !q.aggregate) plan = { node: 'Sort', input: plan };
  } else {
    plan = { node: 'SeqScan', table: t, filter: q.where };
    const pk = pkLookup(env, q);
    if (pk !== null) plan = pk;
    if (q.knn !== null && need !== Infinity) {
      const gucs = env.settings;
      // A disabled path is not impossible, only very expensive (PostgreSQL's disable_cost).
      const disabled = 1e10;
      const exactCost = t.liveCount + (gucs.get('enable_seqscan') === true ? 0 : disabled);
      const indexPenalty = gucs.get('enable_indexscan') === true ? 0 : disabled;
      let best: PlanNode | null = null;
      let bestCost = Infinity;
      for (const def of env.catalog.indexesOf(t.name)) {
        if (def.primaryKey || def.column !== q.knn.col) continue;
        const index = env.indexes.get(def.name);
        const am = env.methods.get(def.method);
        if (index === undefined || am === undefined || index.opclass.operator !== q.knn.op) continue;
        const cost =
          am.costEstimate(index, { tableRows: t.liveCount, limit: need, selectivity: selectivity(q.where), gucs }).total + indexPenalty;
        if (cost < bestCost) {
          bestCost = cost;
          best = { node: 'IndexScan', table: t, def, am, index, knn: q.knn, filter: q.where };
        }
      }
      if (best !== null && bestCost < exactCost) plan = best;
      else if (plan.node !== 'PkLookup') plan = { node: 'TopK', knn: q.knn, input: plan };
    } else if (q.orderBy.length > 0 && !q.aggregate) {
      plan = { node: 'Sort', input: plan };
    }
  }
  if (q.aggregate) {
    plan = { node: 'Aggregate', input: plan, groupBy: q.groupBy, having: q.having };
    // Groups come out of a hash table in no order: sort them (PostgreSQL: Sort over HashAggregate).
    if (q.orderBy.length > 0 && q.groupBy.length > 0) plan = { node: 'Sort', input: plan };
  } else if (plan.node !== 'Sort' && plan.node !== 'TopK' && plan.node !== 'IndexScan' && q.orderBy.length > 0) plan = { node: 'Sort', input: plan };
  if (q.setReturning) plan = { node: 'ProjectSet', input: plan };
  if (q.limit !== null || q.offset !== null) plan = { node: 'Limit', input: plan };
  return plan;
}

/** `WHERE pk = <row-independent expr> [AND ...]` on a single-column primary key. */
function pkLookup(env: SqlEnv, q: SelectQuery): PlanNode | null {
  const t = q.table!;
  if (t.def.primaryKey.length !== 1 || q.where === null) return null;
  const pkCol = t.def.primaryKey[0]!;
  const conjuncts = q.where.k === 'and' ? q.where.args : [q.where];
  for (const c of conjuncts) {
    if (c.k !== 'op2' || c.op !== '=') continue;
    let key: Expr | null = null;
    if (c.l.k === 'col' && c.l.col === pkCol && isRowIndependent(c.r) && c.r.type === c.l.type) key = c.r;
    else if (c.r.k === 'col' && c.r.col === pkCol && isRowIndependent(c.l) && c.l.type === c.r.type) key = c.l;
    if (key !== null) {
      const def = env.catalog.indexesOf(t.name).find((d) => d.primaryKey);
      return { node: 'PkLookup', table: t, indexName: def?.name ?? `${t.name}_pkey`, key, filter: q.where };
    }
  }
  return null;
}
