/**
 * The pre-execution step of the awaiting runner (engine/database.ts `runPortal` / `runScript`):
 * before a SELECT runs, its cached plan is walked for vector index scans whose query is known
 * before execution (a constant or a bound parameter, through casts) and whose first search an
 * index can start off the main thread (VectorIndex.searchAhead: HNSW on a pool worker,
 * access/hnsw/search_ahead.ts). The runner awaits those searches while the main thread serves
 * other sessions, then executes the plan once; each scan takes its precomputed batch
 * (SqlEnv.searchAhead). Unlike the "undo, await, run again" of a parallel exact scan
 * (parallel_knn_async.ts), nothing runs twice: a k-NN query costs well under a millisecond.
 *
 * Nothing here changes the plan, the costs or EXPLAIN; a statement without a cached plan (its
 * first execution), or whose plan went stale, runs as before, and a scan no search answers
 * (a rescan, a changed graph, a search given up) searches on the main thread as before.
 */
import type { IndexSearchAhead } from '../../access/am.js';
import type { RawStatement } from '../parser/parse.js';
import type { SqlEnv } from '../env.js';
import type { Expr } from '../analyze/expr.js';
import { planChildren, type PlanNode } from '../plan/plan.js';
import { BitString } from '../../types/bit.js';
import { SparseVector } from '../../types/sparsevec.js';
import { evalExpr } from './eval.js';
import { EState } from './executor.js';
import { toVectorKey } from './index_keys.js';
import { cachedSelectPlan, type PreparedCache } from './statement.js';
import { GUC_SEARCH_AHEAD } from '../settings.js';

/** Tests only: `always`, the step runs for a session alone too (the engine skips it then). */
export const knnAheadTestHooks: { always: boolean } = { always: false };

/** A constant or a bound parameter, or a cast of one (no row, no outer value). */
function knownBeforeExecution(e: Expr): boolean {
  if (e.k === 'const' || e.k === 'param') return true;
  return e.k === 'cast' && knownBeforeExecution(e.arg);
}

/**
 * Starts the searches ahead of the statement `raw` run with `params` (none when it has no
 * cached plan or no scan qualifies). Never throws: whatever fails here fails again, with its
 * proper error, when the statement runs.
 */
export function startSearchesAhead(env: SqlEnv, raw: RawStatement, params: readonly unknown[], cache: PreparedCache): IndexSearchAhead[] {
  const out: IndexSearchAhead[] = [];
  if (env.settings.get(GUC_SEARCH_AHEAD) !== true) return out;
  const cached = cachedSelectPlan(env, raw, params, cache);
  if (cached === null) return out;
  let es: EState | null = null;
  const visit = (p: PlanNode): void => {
    if (p.node === 'IndexScan' && p.filtered === null && !p.nullsFirst && p.continueScan !== true && p.index.searchAhead !== undefined
      && knownBeforeExecution(p.knn.query)) {
      try {
        es ??= new EState(env, cached.stmt, cached.values, null);
        const q = evalExpr(p.knn.query, null, es) as Float32Array | Uint16Array | BitString | SparseVector | null;
        if (q !== null && (q instanceof SparseVector ? q.dim : q instanceof BitString ? q.length : q.length) === p.index.dim) {
          const a = p.index.searchAhead(toVectorKey(q), { gucs: env.settings, limit: Infinity, isLive: () => true });
          if (a !== null) out.push(a);
        }
      } catch {
        // The execution raises it.
      }
    }
    for (const c of planChildren(p)) visit(c);
  };
  visit(cached.stmt.plan);
  return out;
}
