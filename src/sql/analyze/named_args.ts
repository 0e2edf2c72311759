/**
 * Named and defaulted arguments of the built-in functions that have them (pg_proc's
 * proargnames and proargdefaults): `make_interval(days => 7)`, `make_interval(1)` (one year, the
 * rest 0), `make_date(year => 2024, month => 2, day => 29)`. A call is rewritten to the
 * positional form, which the ordinary overload resolution then types (PostgreSQL's
 * FuncnameGetCandidates with expand_variadic / expand_defaults, and its reordering of named
 * arguments).
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { PgNode } from '../parser/parse.js';
import { leftmostLocation } from '../parser/walk.js';

const int = (v: number): PgNode => ({ A_Const: { ival: { ival: v }, location: -1 } });
const float = (v: string): PgNode => ({ A_Const: { fval: { fval: v }, location: -1 } });
const bool = (v: boolean): PgNode => ({ A_Const: { boolval: { boolval: v }, location: -1 } });

/**
 * Parameter names, and the defaults of the trailing ones, of the functions vecgres has;
 * `shortest`: the fewest leading parameters another overload takes (make_timestamptz without
 * its zone), so a call may leave the rest out.
 */
const FUNCTION_PARAMS: Record<string, { names: readonly string[]; defaults: readonly PgNode[]; shortest?: number }> = {
  make_interval: { names: ['years', 'months', 'weeks', 'days', 'hours', 'mins', 'secs'], defaults: [int(0), int(0), int(0), int(0), int(0), int(0), float('0.0')] },
  make_date: { names: ['year', 'month', 'day'], defaults: [] },
  make_time: { names: ['hour', 'min', 'sec'], defaults: [] },
  make_timestamp: { names: ['year', 'month', 'mday', 'hour', 'min', 'sec'], defaults: [] },
  make_timestamptz: { names: ['year', 'month', 'mday', 'hour', 'min', 'sec', 'timezone'], defaults: [], shortest: 6 },
  jsonb_set: { names: ['jsonb_in', 'path', 'replacement', 'create_if_missing'], defaults: [bool(true)] },
  jsonb_insert: { names: ['jsonb_in', 'path', 'replacement', 'insert_after'], defaults: [bool(false)] },
};

/** A call whose arguments need no rewriting, or cannot be matched (the caller's 42883). */
export type PositionalArgs = { args: PgNode[] } | { unmatched: true } | null;

/**
 * The positional arguments of a call of `name` with `args` (raw nodes, named ones as
 * NamedArgExpr): null when the call has no named argument and gives every parameter (nothing
 * to do), or when `name` has no parameter names here and no named argument is used;
 * `{ unmatched: true }` when the names or the count fit no parameter list (PostgreSQL reports
 * `function f(...) does not exist`).
 * @throws PgError 42601 `argument name "x" used more than once`, `positional argument cannot
 *   follow named argument`; 0A000 named argument notation
 *   for a function vecgres knows no parameter names of.
 */
export function positionalArgs(name: string, args: readonly PgNode[]): PositionalArgs {
  const firstNamed = args.findIndex((a) => a.NamedArgExpr !== undefined);
  if (firstNamed < 0 && FUNCTION_PARAMS[name] === undefined) return null;
  for (const a of args.slice(firstNamed < 0 ? args.length : firstNamed)) {
    if (a.NamedArgExpr !== undefined) continue;
    const at = leftmostLocation(a);
    throw new PgError(SQLSTATE.syntax_error, 'positional argument cannot follow named argument', at === undefined ? {} : { position: at + 1 });
  }
  const params = FUNCTION_PARAMS[name];
  if (params === undefined) {
    if (firstNamed >= 0) throw new PgError(SQLSTATE.feature_not_supported, `named argument notation (name => value) of function ${name} is not supported`);
    return null;
  }
  // Positional calls: the overloads decide, unless defaults fill the parameters left out.
  if (firstNamed < 0 && (args.length === params.names.length || params.defaults.length === 0)) return null;
  const positional = firstNamed < 0 ? args.length : firstNamed;
  const seen = new Set<string>();
  for (const a of args.slice(positional)) {
    const na = a.NamedArgExpr;
    if (seen.has(na.name)) throw new PgError(SQLSTATE.syntax_error, `argument name "${na.name}" used more than once`, typeof na.location === 'number' && na.location >= 0 ? { position: na.location + 1 } : {});
    seen.add(na.name);
  }
  if (args.length > params.names.length) return { unmatched: true };
  const slots: (PgNode | undefined)[] = args.slice(0, positional);
  for (const a of args.slice(positional)) {
    const i = params.names.indexOf(a.NamedArgExpr.name);
    if (i < positional) return { unmatched: true };
    slots[i] = a.NamedArgExpr.arg;
  }
  // The overload of the fewest parameters that takes every argument given.
  let arity = params.names.length;
  if (params.shortest !== undefined) {
    while (arity > params.shortest && slots[arity - 1] === undefined) arity--;
  }
  const firstDefault = params.names.length - params.defaults.length;
  const out: PgNode[] = [];
  for (let i = 0; i < arity; i++) {
    const given = slots[i];
    if (given !== undefined) out.push(given);
    else if (i >= firstDefault) out.push(params.defaults[i - firstDefault]!);
    else return { unmatched: true };
  }
  return { args: out };
}
