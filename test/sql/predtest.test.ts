/**
 * Predicate implication for partial indexes (sql/plan/predtest.ts) against brute force: for
 * random predicates and WHERE clause lists over three small-domain integer columns, whenever
 * predicateImpliedBy says "implied", every row (each column NULL or 0..4) that makes all
 * clauses TRUE must make the predicate TRUE. Seeded (VECGRES_SEED replays a run); the case
 * count grows with VECGRES_PREDTEST_RUNS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Expr } from '../../src/sql/analyze/expr.js';
import { comparatorFor, mapOperands } from '../../src/sql/analyze/expr.js';
import { evalExpr, NO_CONTEXT } from '../../src/sql/exec/eval.js';
import { predicateImpliedBy } from '../../src/sql/plan/predtest.js';
import { SEED } from '../support/seed.js';

const RUNS = Number(process.env['VECGRES_PREDTEST_RUNS'] ?? 3000);
const DOMAIN = [null, 0, 1, 2, 3, 4];
const cmp = comparatorFor('int4');
const OPS = ['=', '<>', '<', '<=', '>', '>='] as const;

const col = (c: number): Expr => ({ k: 'var', type: 'int4', rti: 1, col: c, levelsUp: 0, typmod: -1, name: `c${c}` });
const lit = (v: number | null): Expr => ({ k: 'const', type: 'int4', value: v });

function compare(op: (typeof OPS)[number], l: Expr, r: Expr): Expr {
  const test: Record<string, (x: number) => boolean> = { '=': (x) => x === 0, '<>': (x) => x !== 0, '<': (x) => x < 0, '<=': (x) => x <= 0, '>': (x) => x > 0, '>=': (x) => x >= 0 };
  return { k: 'op2', type: 'bool', op, l, r, fn: (a, b) => test[op]!(cmp(a, b)) };
}

const atom: fc.Arbitrary<Expr> = fc.oneof(
  fc.tuple(fc.nat(2), fc.constantFrom(...OPS), fc.integer({ min: -1, max: 5 }), fc.boolean()).map(([c, op, v, flip]) => (flip ? compare(op, lit(v), col(c)) : compare(op, col(c), lit(v)))),
  fc.tuple(fc.nat(2), fc.array(fc.option(fc.integer({ min: 0, max: 4 }), { freq: 6 }), { minLength: 1, maxLength: 4 }), fc.boolean()).map(([c, vs, negate]): Expr => ({
    k: 'in', type: 'bool', arg: col(c), list: vs.map(lit), eq: (a, b) => cmp(a, b) === 0, negate, hashed: null,
  })),
  fc.tuple(fc.nat(2), fc.boolean()).map(([c, negate]): Expr => ({ k: 'isnull', type: 'bool', arg: col(c), negate })),
);

const boolExpr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.array(tie('e'), { minLength: 2, maxLength: 3 }).map((args): Expr => ({ k: 'and', type: 'bool', args })),
    fc.array(tie('e'), { minLength: 2, maxLength: 3 }).map((args): Expr => ({ k: 'or', type: 'bool', args })),
  ),
})).e;

/** Column references bound to the row's positions, as the executor evaluates them. */
function bind(e: Expr): Expr {
  if (e.k === 'var') return { k: 'slot', type: e.type, idx: e.col, typmod: -1, name: e.name };
  return mapOperands(e, bind);
}

function rows(): (number | null)[][] {
  const out: (number | null)[][] = [];
  for (const a of DOMAIN) for (const b of DOMAIN) for (const c of DOMAIN) out.push([a, b, c]);
  return out;
}
const ALL_ROWS = rows();

/** A row where every clause is TRUE and the predicate is not, or null. */
function counterexample(pred: Expr, clauses: Expr[]): (number | null)[] | null {
  const p = bind(pred);
  const cs = clauses.map(bind);
  for (const r of ALL_ROWS) {
    if (cs.every((c) => evalExpr(c, r, NO_CONTEXT) === true) && evalExpr(p, r, NO_CONTEXT) !== true) return r;
  }
  return null;
}

test(`predicate implication is sound against brute-force evaluation (seed ${SEED}, ${RUNS} cases)`, () => {
  let proven = 0;
  fc.assert(
    fc.property(boolExpr, fc.array(boolExpr, { minLength: 1, maxLength: 3 }), (pred, clauses) => {
      if (!predicateImpliedBy(pred, clauses)) return;
      proven++;
      const bad = counterexample(pred, clauses);
      assert.equal(bad, null, `implied, but row ${JSON.stringify(bad)} keeps the clauses and fails the predicate (VECGRES_SEED=${SEED})`);
    }),
    { seed: SEED, numRuns: RUNS },
  );
  // A proof procedure that never says yes is sound too: make sure this one says it often.
  assert.ok(proven > RUNS / 50, `only ${proven} of ${RUNS} cases proven (VECGRES_SEED=${SEED})`);
});

test('the forms partial indexes are written with are proven', () => {
  const c0 = col(0);
  const inList = (vs: number[]): Expr => ({ k: 'in', type: 'bool', arg: c0, list: vs.map(lit), eq: (a, b) => cmp(a, b) === 0, negate: false, hashed: null });
  const and = (...args: Expr[]): Expr => ({ k: 'and', type: 'bool', args });
  const yes: [Expr, Expr[]][] = [
    [compare('=', c0, lit(2)), [compare('=', c0, lit(2))]],
    [compare('=', c0, lit(2)), [compare('=', lit(2), c0)]],
    [compare('>', c0, lit(1)), [compare('=', c0, lit(2))]],
    [compare('>=', c0, lit(2)), [compare('>', c0, lit(2))]],
    [compare('<>', c0, lit(3)), [compare('<', c0, lit(3))]],
    [and(compare('>=', c0, lit(1)), compare('<=', c0, lit(4))), [compare('>=', c0, lit(2)), compare('<', c0, lit(4))]],
    [inList([1, 2, 3]), [compare('=', c0, lit(2))]],
    [inList([1, 2, 3]), [inList([3, 1])]],
    [compare('<=', c0, lit(3)), [inList([1, 3])]],
    [{ k: 'isnull', type: 'bool', arg: c0, negate: true }, [compare('>', c0, lit(0))]],
    [and(compare('=', col(1), lit(4)), compare('>', c0, lit(0))), [compare('=', col(1), lit(4)), compare('=', c0, lit(1)), compare('<', col(2), lit(0))]],
  ];
  for (const [p, cs] of yes) {
    assert.ok(predicateImpliedBy(p, cs), JSON.stringify({ p, cs }, (k, v) => (k === 'fn' || k === 'eq' ? undefined : v)));
    assert.equal(counterexample(p, cs), null);
  }
  const no: [Expr, Expr[]][] = [
    [compare('=', c0, lit(2)), []],
    [compare('>', c0, lit(2)), [compare('>=', c0, lit(2))]],
    [inList([1, 2]), [inList([1, 3])]],
    [compare('=', c0, lit(2)), [compare('=', col(1), lit(2))]],
  ];
  for (const [p, cs] of no) assert.ok(!predicateImpliedBy(p, cs));
});
