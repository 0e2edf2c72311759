/**
 * GROUP BY with GROUPING SETS / ROLLUP / CUBE / () (PostgreSQL's flatten_grouping_sets and
 * expand_grouping_sets, parse_clause.c / parse_agg.c): the GROUP BY list becomes the distinct
 * grouping expressions plus the list of grouping sets, each a list of indices into them.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { PgNode } from '../parser/parse.js';
import type { Expr } from './expr.js';

/** PostgreSQL's limit on the elements of one CUBE (parse_clause.c). */
const MAX_CUBE = 12;
/** PostgreSQL's limit on the grouping sets of a query after expansion (parse_agg.c). */
const MAX_SETS = 4096;

/** True when the GROUP BY list holds a GROUPING SETS / ROLLUP / CUBE / () item. */
export function hasGroupingSets(groupClause: PgNode[]): boolean {
  return groupClause.some((g) => g.GroupingSet !== undefined);
}

/**
 * One item of a grouping-set list as the sets it stands for (each a list of raw expressions).
 * `toplevel`: an item of GROUP BY itself, where `(a, b)` is a row value, not a set.
 */
function expandItem(n: PgNode, toplevel: boolean): PgNode[][] {
  const gs = n.GroupingSet;
  if (gs === undefined) {
    const row = n.RowExpr;
    // Inside GROUPING SETS / ROLLUP / CUBE, a parenthesised list is one set (flatten_grouping_sets).
    if (!toplevel && row !== undefined && row.row_format === 'COERCE_IMPLICIT_CAST') return [(row.args ?? []) as PgNode[]];
    return [[n]];
  }
  const content = (gs.content ?? []) as PgNode[];
  switch (gs.kind) {
    case 'GROUPING_SET_EMPTY':
      return [[]];
    case 'GROUPING_SET_SIMPLE':
      return [content];
    case 'GROUPING_SET_SETS':
      return content.flatMap((c) => expandItem(c, false));
    case 'GROUPING_SET_ROLLUP':
    case 'GROUPING_SET_CUBE': {
      // Each element is one expression or a parenthesised list taken as a unit.
      const units = content.map((c) => {
        const row = c.RowExpr;
        return row !== undefined && row.row_format === 'COERCE_IMPLICIT_CAST' ? (row.args ?? []) as PgNode[] : [c];
      });
      if (gs.kind === 'GROUPING_SET_ROLLUP') {
        const out: PgNode[][] = [];
        for (let k = units.length; k >= 0; k--) out.push(units.slice(0, k).flat());
        return out;
      }
      if (units.length > MAX_CUBE) {
        throw new PgError(SQLSTATE.too_many_columns, `CUBE is limited to ${MAX_CUBE} elements`, { position: (gs.location ?? 0) + 1 });
      }
      const out: PgNode[][] = [];
      // Largest sets first, as PostgreSQL lists a CUBE's sets.
      for (let mask = (1 << units.length) - 1; mask >= 0; mask--) out.push(units.filter((_, i) => (mask & (1 << (units.length - 1 - i))) !== 0).flat());
      return out;
    }
    default:
      throw new PgError(SQLSTATE.feature_not_supported, 'this kind of grouping set is not supported');
  }
}

/**
 * Expands GROUP BY items (plain expressions and grouping-set constructs) into grouping sets:
 * the cross product of the items' sets, as PostgreSQL's expand_grouping_sets. `analyze` turns
 * one raw GROUP BY expression into an analyzed one; `equal` compares analyzed expressions.
 * Returns the distinct grouping expressions and each set as sorted indices into them.
 * `distinct` (GROUP BY DISTINCT) drops repeated sets.
 *
 * @throws PgError 54011 `CUBE is limited to 12 elements`; 54001 `too many grouping sets
 *   present (maximum 4096)`.
 */
export function expandGroupingSets(
  groupClause: PgNode[], distinct: boolean, analyze: (n: PgNode) => Expr, equal: (a: Expr, b: Expr) => boolean,
): { exprs: Expr[]; sets: number[][] } {
  const exprs: Expr[] = [];
  const indexOf = (n: PgNode): number => {
    const e = analyze(n);
    const i = exprs.findIndex((x) => equal(x, e));
    if (i >= 0) return i;
    exprs.push(e);
    return exprs.length - 1;
  };
  // Analyze each item's sets once, left to right (so errors point where PostgreSQL's do).
  const perItem: number[][][] = groupClause.map((g) => expandItem(g, true).map((set) => set.map(indexOf)));
  let sets: number[][] = [[]];
  for (const item of perItem) {
    const next: number[][] = [];
    for (const s of sets) for (const t of item) next.push([...s, ...t]);
    if (next.length > MAX_SETS) throw new PgError(SQLSTATE.statement_too_complex, `too many grouping sets present (maximum ${MAX_SETS})`);
    sets = next;
  }
  // A set is a set: repeated expressions within it group once.
  sets = sets.map((s) => [...new Set(s)].sort((a, b) => a - b));
  if (distinct) {
    const seen = new Set<string>();
    sets = sets.filter((s) => {
      const k = s.join(',');
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }
  return { exprs, sets };
}
