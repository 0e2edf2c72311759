/**
 * The order a node evaluates the conjuncts of its Filter in, as PostgreSQL orders them.
 *
 * PostgreSQL evaluates a node's quals cheapest first (createplan.c order_qual_clauses: a
 * stable sort by the per-row cost of costsize.c cost_qual_eval), over a restriction list in
 * which equalities that became equivalence classes (equivclass.c: `col = constant`, `col =
 * col` with a mergejoinable operator) come after the other conjuncts, since they are
 * regenerated from their classes once every qual has been distributed. The order is visible:
 * EXPLAIN prints it, and a conjunct that raises an error (`1/x > 0`) is not evaluated for a
 * row that a cheaper one (`x <> 0`) already rejected, so `WHERE 1/x > 0 AND x <> 0` returns
 * rows on PostgreSQL where evaluating in the written order fails with 22012.
 *
 * Costs are in units of cpu_operator_cost, as cost_qual_eval_walker charges them: one per
 * operator or function call (every function vecgres has is procost 1), nothing for columns,
 * constants, parameters, AND / OR / NOT, IS NULL, CASE and COALESCE themselves, none for a
 * binary-compatible cast and two for an I/O cast, half an operator per element of `= ANY
 * (array)` (ten elements assumed for a non-constant array), one for a hashed or
 * uncorrelated subquery and its plan's cost for a correlated one.
 */
import type { Expr } from '../analyze/expr.js';
import { forEachOperand, isSubscript } from '../analyze/expr.js';
import type { SqlType } from '../analyze/types.js';
import { CPU_OPERATOR_COST } from './cost.js';
import { isVolatileCall } from '../analyze/expr.js';
import type { PlanNode, SubPlan } from './plan.js';
import { PgArray } from '../../types/pgarray.js';

/**
 * Reorders the conjuncts of `p.qual` (and of a join's `joinQual`) in place as PostgreSQL
 * evaluates them; the equivalence-class rule applies to scans' quals only.
 */
export function orderNodeQuals(p: PlanNode): void {
  if (p.qual !== null && p.qual.k === 'and') p.qual = { ...p.qual, args: orderQualClauses(p.qual.args, !('joinQual' in p)) };
  if ('joinQual' in p && p.joinQual !== null && p.joinQual.k === 'and') p.joinQual = { ...p.joinQual, args: orderQualClauses(p.joinQual.args, false) };
}

/**
 * `quals` in PostgreSQL's evaluation order: with `classes`, equalities that would form
 * equivalence classes moved after the others (each group keeping its order), then a stable
 * sort by per-row cost.
 */
export function orderQualClauses(quals: readonly Expr[], classes: boolean): Expr[] {
  const list = classes ? [...quals.filter((q) => !isClassEquality(q)), ...quals.filter(isClassEquality)] : [...quals];
  const costs = new Map(list.map((q) => [q, qualCost(q)]));
  // Array.prototype.sort is stable, as order_qual_clauses' insertion sort is.
  return list.sort((a, b) => costs.get(a)! - costs.get(b)!);
}

/** Families of types whose `=` is mergejoinable across them (pg_operator.oprcanmerge, btree opfamilies). */
const MERGE_FAMILY: Partial<Record<SqlType, string>> = {
  int2: 'integer', int4: 'integer', int8: 'integer', float4: 'float', float8: 'float', numeric: 'numeric',
  text: 'text', varchar: 'text', bpchar: 'bpchar', bool: 'bool', bytea: 'bytea', uuid: 'uuid', jsonb: 'jsonb',
  date: 'datetime', timestamp: 'datetime', timestamptz: 'datetime', interval: 'interval', time: 'time', bit: 'bit', varbit: 'varbit',
};

/**
 * True for `a = b` that process_equivalence would absorb: a mergejoinable operator (not
 * pgvector's `=`, nor json's), neither side volatile or a subquery, and at least one side
 * reading the node's input (a conjunct of constants alone is a gating qual).
 */
function isClassEquality(e: Expr): boolean {
  if (e.k !== 'op2' || e.op !== '=') return false;
  const fam = (t: SqlType): string | undefined => (t.endsWith('[]') ? MERGE_FAMILY[t.slice(0, -2) as SqlType] : MERGE_FAMILY[t]);
  const [l, r] = [fam(e.l.type), fam(e.r.type)];
  const numeric = new Set(['integer', 'float', 'numeric']);
  if (l === undefined || r === undefined || (l !== r && !(numeric.has(l) && numeric.has(r)))) return false;
  if (unsafe(e.l) || unsafe(e.r)) return false;
  return readsInput(e.l) || readsInput(e.r);
}

function unsafe(e: Expr): boolean {
  if (e.k === 'subplan' || e.k === 'sublink' || isVolatileCall(e)) return true;
  let found = false;
  forEachOperand(e, (x) => {
    if (!found && unsafe(x)) found = true;
  });
  return found;
}

function readsInput(e: Expr): boolean {
  if (e.k === 'slot' || e.k === 'var') return true;
  let found = false;
  forEachOperand(e, (x) => {
    if (!found && readsInput(x)) found = true;
  });
  return found;
}

const TEXTUAL: ReadonlySet<SqlType> = new Set(['text', 'varchar', 'bpchar']);

/** Per-row cost of evaluating `e`, in cpu_operator_cost units (cost_qual_eval_walker). */
export function qualCost(e: Expr): number {
  let own: number;
  switch (e.k) {
    case 'const': case 'param': case 'var': case 'slot': case 'execParam':
      return 0;
    case 'op1': case 'op2': case 'fn': case 'session': case 'minmax': case 'nullif':
      own = isSubscript(e) ? 0 : 1;
      break;
    case 'cast':
      own = castCost(e.from, e.type, e.typmod);
      break;
    case 'in': {
      // Constant items (two or more) are one `= ANY (array)`, the others `=` each.
      const consts = e.list.filter((x) => x.k === 'const' || x.k === 'param').length;
      own = consts >= 2 ? 0.5 * consts + (e.list.length - consts) : e.list.length;
      break;
    }
    case 'arrayop': {
      // estimate_array_length: a constant's or ARRAY[...]'s length, else 10.
      const n = e.arr.k === 'const' && e.arr.value instanceof PgArray ? e.arr.value.elems.length : e.arr.k === 'array' ? e.arr.elems.length : 10;
      own = 0.5 * n;
      break;
    }
    case 'subplan': {
      const sp = e.sp as SubPlan;
      // cost_subplan: an InitPlan's value is a parameter; a hashed SubPlan probes its table.
      if (sp.initPlan) own = sp.sub === 'any' || sp.sub === 'all' ? 1 : 0;
      else {
        const p = sp.plan;
        const perCall = sp.sub === 'exists' ? p.startupCost + (p.totalCost - p.startupCost) / Math.max(1, p.rows) : p.totalCost;
        own = perCall / CPU_OPERATOR_COST;
      }
      for (const a of sp.args) own += qualCost(a.expr);
      for (const a of sp.testArgs) own += qualCost(a);
      break;
    }
    default:
      own = 0;
  }
  forEachOperand(e, (x) => {
    own += qualCost(x);
  });
  return own;
}

/**
 * A cast's cost: none when binary-compatible (a RelabelType: varchar to text, text to varchar
 * without a length), two for an I/O conversion (to or from a string type: output function
 * plus input function), one for a cast function (including a length coercion).
 */
function castCost(from: SqlType, to: SqlType, typmod: number): number {
  // Relabelings (binary-coercible casts) cost nothing; bpchar to text is rtrim, and a length
  // limit is the type's length-coercion function.
  if (TEXTUAL.has(from) && TEXTUAL.has(to)) return (to === 'text' || ((to === 'varchar' || to === 'bpchar') && typmod < 0)) && from !== 'bpchar' ? 0 : 1;
  if (from === to) return typmod >= 0 ? 1 : 0;
  if (TEXTUAL.has(from) !== TEXTUAL.has(to)) return 2;
  return 1;
}
