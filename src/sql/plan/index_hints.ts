/**
 * The planner says why a vector index was not used (the complaint pgvector users have most
 * after filtering: seed 000 calls ordering by another operator than the index's "the single
 * most common mistake"). For a k-NN ORDER BY over one table whose plan uses no index of that
 * table, each vector index on the same column that could have served a nearby query yields a
 * hint: its operator class orders by another operator, the query has no LIMIT, its predicate is
 * not implied by the WHERE, it holds another expression of the column, or the order is the
 * farthest first. EXPLAIN prints each as an `Index Not Used` line; running the statement
 * raises them as NOTICEs with a HINT. `vecgres.index_hints = off` silences both.
 *
 * Indexes passed over because the exact scan costs less are not reported: that is a choice, not
 * a mistake.
 */
import type { IndexDef } from '../../storage/catalog.js';
import type { Expr } from '../analyze/expr.js';
import { exprEqual } from '../analyze/query.js';
import { compileIndexDef } from '../exec/index_keys.js';
import { GUC_INDEX_HINTS } from '../settings.js';
import { deparse, type DeparseContext } from './deparse.js';
import { isKnnIndex, knnOrderOf, toRti } from './knn_index.js';
import { planChildren, type PlanNode } from './plan.js';
import { predicateImpliedBy } from './predtest.js';
import type { PlannerInfo } from './planner.js';
import { conjuncts, relsOf, walkVars } from './planner.js';

/** One index the ORDER BY could not use, and why. */
export interface IndexHint {
  index: string;
  /** The NOTICE's message, e.g. `index "t_embedding_idx" was not used for ORDER BY embedding <-> $1`. */
  message: string;
  /** The reason and what to change (the NOTICE's HINT). */
  hint: string;
  /** EXPLAIN's `Index Not Used:` line text. */
  explain: string;
}

function usesIndexOf(plan: PlanNode, table: string): boolean {
  if (plan.node === 'IndexScan' && plan.def.table === table) return true;
  return planChildren(plan).some((c) => usesIndexOf(c, table));
}

function columnsOf(e: Expr): Set<number> {
  const out = new Set<number>();
  walkVars(e, (v) => {
    if (v.levelsUp === 0) out.add(v.col);
  });
  return out;
}

/**
 * `e` as a hint names it: parameters as `$n`, not their values (a hint is kept with a cached
 * plan that later runs with other values, and a query vector's literal is thousands of
 * characters).
 */
function text(e: Expr, dc: DeparseContext): string {
  return deparse(e, { zone: dc.zone }, false);
}

/**
 * The hints for the top query level `info` planned as `plan` (empty when the setting is off,
 * the ORDER BY is no k-NN form, or an index of the table is used).
 */
export function indexHints(info: PlannerInfo, plan: PlanNode): IndexHint[] {
  const env = info.global.env;
  if (env.settings.get(GUC_INDEX_HINTS) !== true || env.settings.get('enable_indexscan') !== true) return [];
  const q = info.q;
  if (q.orderBy.length === 0 || q.from.length !== 1 || q.from[0]!.k !== 'rte') return [];
  const rti = q.from[0]!.rti;
  const rte = q.rtable[rti]!;
  if (rte.kind !== 'relation') return [];
  const table = rte.table;
  if (usesIndexOf(plan, table.name)) return [];
  const key = q.orderBy[0]!;
  const order = knnOrderOf(key.expr, key.desc);
  if (order === null) return [];
  const d = order.dist;
  const onlyRti = (x: Expr): boolean => {
    const r = relsOf(x);
    return r.size === 1 && r.has(rti);
  };
  const operand = onlyRti(d.l) && !relsOf(d.r).has(rti) ? d.l : onlyRti(d.r) && !relsOf(d.l).has(rti) ? d.r : null;
  if (operand === null) return [];
  const opCols = columnsOf(operand);
  const orderText = text(key.expr, info.global.deparse) + (key.desc ? ' DESC' : '');
  const clauses = conjuncts(q.where);
  const out: IndexHint[] = [];
  const add = (def: IndexDef, why: string, hint: string): void => {
    out.push({
      index: def.name,
      message: `index "${def.name}" was not used for ORDER BY ${orderText}`,
      hint,
      explain: `${def.name} (${why})`,
    });
  };
  for (const def of env.catalog.indexesOf(table.name)) {
    if (def.primaryKey || def.keys.length !== 1) continue;
    const index = env.indexes.get(def.name);
    if (index === undefined || !isKnnIndex(index)) continue;
    const c = compileIndexDef(env, def, table);
    const keyExpr = toRti(c.keyExprs[0]!, rti);
    const served = index.opclass.operator;
    const keyText = text(keyExpr, info.global.deparse);
    if (!exprEqual(keyExpr, operand)) {
      const keyCols = columnsOf(keyExpr);
      if (![...keyCols].some((x) => opCols.has(x))) continue;
      add(def, `it holds ${keyText}, not ${text(operand, info.global.deparse)}`,
        `Index "${def.name}" holds ${keyText}; ORDER BY ${keyText} ${served} ... to use it, or create an index on ${text(operand, info.global.deparse)}.`);
      continue;
    }
    if (served !== d.op) {
      add(def, `its operator class ${index.opclass.name} orders by ${served}, not ${d.op}`,
        `Index "${def.name}" serves operator ${served} (${index.opclass.name}). ORDER BY ${keyText} ${served} ... to use it, or create an index with the operator class for ${d.op}.`);
      continue;
    }
    if (c.predicate !== null && !predicateImpliedBy(toRti(c.predicate, rti), clauses)) {
      add(def, `the WHERE does not imply its predicate ${def.predicate}`,
        `Index "${def.name}" holds only rows where ${def.predicate}; add that condition to the WHERE clause to use it.`);
      continue;
    }
    if (q.limit === null) {
      add(def, 'the query has no LIMIT',
        `Index "${def.name}" serves ORDER BY ${keyText} ${served} only with a LIMIT; add LIMIT k.`);
      continue;
    }
    if (!order.ascending) {
      add(def, 'the ORDER BY asks for the farthest rows first',
        `Index "${def.name}" returns the nearest rows first; ORDER BY ${orderText} reads them farthest first.`);
      continue;
    }
    if (key.nullsFirst && def.keys[0]!.expr !== null) {
      add(def, 'NULLS FIRST with an expression key',
        `Index "${def.name}" holds no NULL keys; add NULLS LAST to the ORDER BY to use it.`);
    }
  }
  return out;
}
