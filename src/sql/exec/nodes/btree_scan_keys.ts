/**
 * Evaluating a B-tree scan's index quals into the method's scan keys at (re)scan time
 * (PostgreSQL's ExecIndexBuildScanKeys + ExecIndexEvalRuntimeKeys): comparison values are
 * parameters, constants or outer values, computed once per scan, not per row.
 */
import type { ScanKey } from '../../../access/am.js';
import type { Value } from '../../../storage/table.js';
import { PgArray } from '../../../types/pgarray.js';
import type { IndexQualSpec } from '../../plan/plan.js';
import { evalExpr } from '../eval.js';
import type { EState } from '../executor.js';

/**
 * The scan keys of `quals`, or null when one can match no row (a comparison with NULL, as
 * _bt_preprocess_keys marks such a scan as unsatisfiable).
 */
export function evalScanKeys(quals: readonly IndexQualSpec[], es: EState): ScanKey[] | null {
  const keys: ScanKey[] = [];
  for (const q of quals) {
    if (q.op === 'isnull' || q.op === 'notnull') {
      keys.push({ col: q.col, op: q.op });
      continue;
    }
    if (q.op === 'in') {
      let values: Value[];
      if (q.array) {
        const arr = evalExpr(q.arg!, null, es);
        if (arr === null) return null;
        values = (arr as PgArray).elems as Value[];
      } else {
        values = q.list!.map((e) => evalExpr(e, null, es));
      }
      keys.push({ col: q.col, op: 'in', values });
      continue;
    }
    const v = evalExpr(q.arg!, null, es);
    if (v === null) return null;
    keys.push({ col: q.col, op: q.op, value: v });
  }
  return keys;
}
