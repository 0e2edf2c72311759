/**
 * Proving that a query's WHERE implies a partial index's predicate (PostgreSQL's
 * optimizer/util/predtest.c, predicate_implied_by with weak = false): the index holds exactly
 * the rows where its predicate is TRUE, so it may answer a query only if every row the query
 * keeps (its conjuncts all TRUE) makes the predicate TRUE.
 *
 * Forms proven, over one expression `x` compared with constants:
 * - structural equality of an atom with a conjunct (predicate `flag`, `x IS NULL`, anything);
 * - `=`, `<`, `<=`, `>`, `>=`, `<>` and `IN (...)` against ranges, points and point sets
 *   (predicate_implied_by's btree operator implication: `x = 5` implies `x > 3`, `x IN (1, 2)`
 *   implies `x <= 2`, `x > 5` implies `x >= 5` and `x <> 2`);
 * - `x IS NOT NULL` implied by any comparison of `x` (the operators are strict);
 * - AND and OR on both sides: a predicate AND needs every arm implied, a predicate OR any arm;
 *   a clause AND implies what any of its arms implies, a clause OR what all its arms imply.
 * Anything else is "not proven", never a wrong "yes": the proof is sound by construction and the
 * property test checks it against brute-force evaluation.
 */
import type { Value } from '../../storage/table.js';
import type { Expr } from '../analyze/expr.js';
import { comparatorFor } from '../analyze/expr.js';
import { exprEqual } from '../analyze/query.js';

type Cmp = (a: Value, b: Value) => number;

/** `x op c` with the expression on the left. */
interface Comparison {
  x: Expr;
  op: '=' | '<>' | '<' | '<=' | '>' | '>=';
  c: Value;
  cmp: Cmp;
}

const COMMUTE: Record<string, Comparison['op']> = { '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

function comparatorOf(e: Expr): Cmp | null {
  try {
    return comparatorFor(e.type) as Cmp;
  } catch {
    return null;
  }
}

/** `e` as a comparison of an expression with a non-NULL constant of its type, or null. */
function comparison(e: Expr): Comparison | null {
  if (e.k !== 'op2' || e.type !== 'bool' || !(e.op in COMMUTE)) return null;
  let x = e.l;
  let c = e.r;
  let op = e.op as Comparison['op'];
  if (x.k === 'const' && c.k !== 'const') {
    [x, c] = [c, x];
    op = COMMUTE[op]!;
  }
  if (c.k !== 'const' || c.value === null || x.k === 'const' || c.type !== x.type) return null;
  const cmp = comparatorOf(c);
  return cmp === null ? null : { x, op, c: c.value, cmp };
}

/** Does `v op c` hold (v, c non-NULL)? */
function holds(cmp: Cmp, v: Value, op: Comparison['op'], c: Value): boolean {
  const r = cmp(v, c);
  switch (op) {
    case '=': return r === 0;
    case '<>': return r !== 0;
    case '<': return r < 0;
    case '<=': return r <= 0;
    case '>': return r > 0;
    case '>=': return r >= 0;
  }
}

/**
 * The non-NULL constants of `x IN (...)` (not NOT IN) when every element is a constant of the
 * expression's type, with the expression; null otherwise. A NULL element never makes IN TRUE.
 */
function inList(e: Expr): { x: Expr; values: Value[] } | null {
  if (e.k !== 'in' || e.negate || e.arg.k === 'const') return null;
  const values: Value[] = [];
  for (const it of e.list) {
    if (it.k !== 'const' || it.type !== e.arg.type) return null;
    if (it.value !== null) values.push(it.value);
  }
  return { x: e.arg, values };
}

/** Does the atom clause `c` (TRUE) imply the atom predicate `p` (TRUE)? */
function atomImplies(c: Expr, p: Expr): boolean {
  if (exprEqual(c, p)) return true;
  const pc = comparison(p);
  const pl = pc === null ? inList(p) : null;
  // The values the clause allows, as a finite set or a comparison.
  const cc = comparison(c);
  const cl = cc === null ? inList(c) : null;
  const cx = cc?.x ?? cl?.x ?? null;
  if (cx === null) return false;
  if (p.k === 'isnull' && p.negate) return exprEqual(p.arg, cx); // strict comparisons: x is not NULL
  const px = pc?.x ?? pl?.x ?? null;
  if (px === null || !exprEqual(cx, px)) return false;
  const points: Value[] | null = cl !== null ? cl.values : cc!.op === '=' ? [cc!.c] : null;
  const cmp = comparatorOf(cx);
  if (cmp === null) return false;
  if (points !== null) {
    // Every value the clause allows satisfies the predicate.
    if (pc !== null) return points.every((v) => holds(cmp, v, pc.op, pc.c));
    return points.every((v) => pl!.values.some((w) => cmp(v, w) === 0));
  }
  const r = cc!;
  if (pl !== null || pc === null) return false;
  if (pc.op === '<>') {
    // The clause's range excludes the constant.
    return r.op === '<>' ? cmp(r.c, pc.c) === 0 : !holds(cmp, pc.c, r.op, r.c);
  }
  if (r.op === '<>' || pc.op === '=') return false;
  const k = cmp(r.c, pc.c);
  const clauseUpper = r.op === '<' || r.op === '<=';
  const predUpper = pc.op === '<' || pc.op === '<=';
  if (clauseUpper !== predUpper) return false;
  if (clauseUpper) {
    // x < c1 (or <=) implies x < c2 (or <=) when the clause's bound is below the predicate's.
    if (k < 0) return true;
    return k === 0 && (pc.op === '<=' || r.op === '<');
  }
  if (k > 0) return true;
  return k === 0 && (pc.op === '>=' || r.op === '>');
}

/** Does clause `c` (TRUE) imply predicate `p` (TRUE)? */
function clauseImplies(c: Expr, p: Expr): boolean {
  if (p.k === 'and') return p.args.every((a) => clauseImplies(c, a));
  if (c.k === 'or') return c.args.every((a) => clauseImplies(a, p));
  if (c.k === 'and') return c.args.some((a) => clauseImplies(a, p)) || (p.k === 'or' && p.args.some((a) => clauseImplies(c, a)));
  if (p.k === 'or') return exprEqual(c, p) || p.args.some((a) => clauseImplies(c, a));
  return atomImplies(c, p);
}

/**
 * True when the conjunction of `clauses` (a query's WHERE conjuncts) implies `predicate`
 * (predicate_implied_by). Sound, not complete: false means "not proven".
 */
export function predicateImpliedBy(predicate: Expr, clauses: readonly Expr[]): boolean {
  if (clauses.length === 0) return false;
  const all: Expr = clauses.length === 1 ? clauses[0]! : { k: 'and', type: 'bool', args: [...clauses] };
  return clauseImplies(all, predicate);
}

/**
 * The conjuncts of `clauses` that the predicate's conjuncts make redundant for a scan of an
 * index with that predicate: a clause structurally equal to a predicate conjunct is TRUE for
 * every row the index holds (PostgreSQL's create_indexscan_plan drops such quals too).
 */
export function redundantClauses(predicate: Expr, clauses: readonly Expr[]): Set<Expr> {
  const predConjuncts = predicate.k === 'and' ? predicate.args : [predicate];
  const out = new Set<Expr>();
  for (const c of clauses) if (predConjuncts.some((p) => exprEqual(p, c))) out.add(c);
  return out;
}
