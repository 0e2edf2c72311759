/**
 * The date/time input words that read the clock, `'now'`, `'today'`, `'tomorrow'` and
 * `'yesterday'` (types/datetime.ts), in expressions a table or index stores.
 *
 * PostgreSQL's parser reads such a literal once, when it coerces it to its type, so a column
 * default `DEFAULT 'now'` holds the time of the CREATE TABLE (pg_attrdef shows the constant),
 * and so do a CHECK constraint and an index expression. vecgres stores the raw expression and
 * analyzes it at each use, which would read the clock anew: {@link foldClockLiterals} writes
 * the value into the stored default instead, for the forms a default takes (the literal alone,
 * or cast to a date/time type), and {@link inStoredExpression} makes any other use inside a
 * stored expression 0A000, never a different value.
 */
import type { SqlEnv } from '../env.js';
import type { PgNode } from '../parser/parse.js';
import { resolveTypeName } from './expr.js';
import { enumTypeOf } from '../exec/catalog_describe.js';
import { valueFromText, valueToText, type SqlType } from './types.js';
import { readsClock } from '../../types/datetime.js';

const CLOCK_TYPES: ReadonlySet<SqlType> = new Set<SqlType>(['timestamp', 'timestamptz', 'date', 'time']);

/**
 * Runs `f` (the analysis of a stored expression, named by `what`: `check constraints`, `index
 * expressions`, `a column default`) with the clock closed to the analyzer: a `'now'` it meets
 * is 0A000.
 */
export function inStoredExpression<T>(env: SqlEnv, what: string, f: () => T): T {
  const clock = env.analysisClock;
  const outer = clock.storedIn;
  clock.storedIn = what;
  try {
    return f();
  } finally {
    clock.storedIn = outer;
  }
}

/**
 * The raw default expression `raw` of a column of `type` / `typmod` with each clock word
 * replaced by the value it reads now (the transaction's start, in the session's zone), as
 * PostgreSQL stores it: where the literal is the whole default (coerced to the column's type)
 * or the operand of a cast to a date/time type. Returns `raw` itself when nothing changed; other
 * trees are new, `raw` is left as it was.
 * @throws PgError the input function's errors (22007 `'now 10:00'`), as PostgreSQL's at CREATE.
 */
export function foldClockLiterals(env: SqlEnv, raw: PgNode, type: SqlType, typmod: number): PgNode {
  const folded = (c: PgNode, to: SqlType, mod: number): PgNode | null => {
    const sval = c.A_Const?.sval?.sval;
    if (typeof sval !== 'string' || !readsClock(sval) || !CLOCK_TYPES.has(to)) return null;
    const zone = env.settings.timeZone();
    const text = valueToText(valueFromText(sval, to, mod, zone, undefined, env.transactionClock), to, zone)!;
    return { A_Const: { ...c.A_Const, sval: { sval: text } } };
  };
  const top = folded(raw, type, typmod);
  if (top !== null) return top;
  const cast = raw.TypeCast;
  if (cast === undefined) return raw;
  const arg = foldClockLiterals(env, cast.arg as PgNode, 'text', -1);
  // A cast to an enum type (or its array type) reads no clock, but names the type.
  const { type: to, typmod: mod } = resolveTypeName(cast.typeName.TypeName ?? cast.typeName, (n) => enumTypeOf(env, n));
  const inner = folded(arg, to, mod);
  // A cast to the column's own type is the constant alone (it is coerced to that type), which
  // pg_get_expr then prints as PostgreSQL does: `'2024-01-01'::date`.
  if (inner !== null && to === type && mod === typmod) return inner;
  if (inner === null && arg === cast.arg) return raw;
  return { TypeCast: { ...cast, arg: inner ?? arg } };
}
