/**
 * Walks of raw parse trees, for the checks PostgreSQL makes on an expression before analyzing
 * it (no subquery in a CHECK constraint, an index expression or an EXECUTE parameter).
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { PgNode } from './parse.js';

/** Calls `visit` with every node of `node` (tag and fields), depth first, parents first. */
export function walkRaw(node: PgNode, visit: (tag: string, n: PgNode) => void): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const x of node) walkRaw(x, visit);
    return;
  }
  for (const [k, v] of Object.entries(node)) {
    if (/^[A-Z]/.test(k) && v !== null && typeof v === 'object' && !Array.isArray(v)) visit(k, v);
    walkRaw(v, visit);
  }
}

/** The last name part of each ColumnRef in raw expression `node` (the columns it names). */
export function columnRefNames(node: PgNode): Set<string> {
  const out = new Set<string>();
  walkRaw(node, (tag, n) => {
    if (tag !== 'ColumnRef') return;
    const last = (n.fields as PgNode[])[n.fields.length - 1];
    if (last?.String !== undefined) out.add(last.String.sval as string);
  });
  return out;
}

/** Renames column `from` to `to` in every ColumnRef of raw expression `node`, in place (RENAME COLUMN). */
export function renameColumnRefs(node: PgNode, from: string, to: string): void {
  walkRaw(node, (tag, n) => {
    if (tag !== 'ColumnRef') return;
    const last = (n.fields as PgNode[])[n.fields.length - 1];
    if (last?.String?.sval === from) last.String.sval = to;
  });
}

/**
 * Refuses a subquery or a parameter reference in an expression that has neither (`what`, as
 * PostgreSQL's messages name it: `check constraint`, `index expression`, `EXECUTE parameter`).
 * @throws PgError 0A000 `cannot use subquery in <what>`; 42P02 `there is no parameter $n`.
 */
export function rejectSubqueriesAndParams(node: PgNode, what: string): void {
  walkRaw(node, (tag, n) => {
    const at = typeof n.location === 'number' && n.location >= 0 ? { position: n.location + 1 } : {};
    if (tag === 'SubLink') throw new PgError(SQLSTATE.feature_not_supported, `cannot use subquery in ${what}`, at);
    if (tag === 'ParamRef') throw new PgError(SQLSTATE.undefined_parameter, `there is no parameter $${n.number ?? 0}`, at);
  });
}

/**
 * The 0-based location of the leftmost token of expression `node` (PostgreSQL's exprLocation:
 * `'1'::text` is at its literal, not at `::`); undefined when the parser gave none.
 */
export function leftmostLocation(node: PgNode): number | undefined {
  let first = Infinity;
  walkRaw(node, (_tag, n) => {
    if (typeof n.location === 'number' && n.location >= 0 && n.location < first) first = n.location;
  });
  if (first === Infinity) return undefined;
  return first;
}
