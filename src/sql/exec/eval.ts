/**
 * Expression evaluation over one tuple (a tree walk; expressions are small and the hot vector
 * paths do not go through here). Expressions reaching the executor are bound by the planner:
 * a column is `slot` i of the tuple, a correlated or lateral value is an executor parameter,
 * a subquery is a SubPlan. Three-valued logic as SQL: AND/OR with NULL, strict operators
 * return NULL for a NULL argument.
 */
import { listeningChannels, queueNotify } from './notify.js';
import { advisoryCall, advisoryKey } from './advisory.js';
import { ensureXid } from './txn.js';
import { blockingPids } from './lock_status.js';
import { signalBackend } from './backend_signal.js';
import { int8Of, sequenceByText, serialSequenceOf, sessionCurrval, sessionLastval, sessionNextval, sessionSetval } from './sequences.js';
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import { AssertionError } from '../../common/assert.js';
import type { Value } from '../../storage/table.js';
import { wallClockUs } from '../../types/datetime_funcs.js';
import { type Expr, buildArray } from '../analyze/expr.js';
import { castValue, typeName, valueFromText, type SqlType } from '../analyze/types.js';
import { isEnumSqlType, enumTypeOid, hasEnumElements } from '../../types/enum_value.js';
import { enumIn, regCatalog } from './catalog_describe.js';
import type { PgArray } from '../../types/pgarray.js';
import type { SubPlan } from '../plan/plan.js';
import type { SqlEnv } from '../env.js';
import { UTC_ZONE, type TimeZone } from '../../types/timezone.js';

/** What evaluation needs from the running statement (the executor's EState implements it). */
/**
 * A cast of a text value to enum type `to`, or of a text array to its array type (I/O
 * conversions: the value's text read by enum_in, or array_in over enum_in, through the
 * executing session's catalog).
 * @throws PgError 22P02 for a label the type does not have; 0A000 where no session runs it.
 */
function castToEnum(v: Value, from: SqlType, to: SqlType, ctx: EvalCtx): Value {
  if (v === null) return null;
  if (ctx.env === undefined) throw pgErr.featureNotSupported(`a cast to enum type ${typeName(to)} outside a session`);
  const text = castValue(v, from, 'text', -1, ctx.zone, true, ctx.floatDigits) as string;
  // An array's elements as array_out printed them, read back by array_in: each element's text
  // is what the element's own cast to text gives.
  if (!isEnumSqlType(to)) return valueFromText(text, to, -1, ctx.zone, regCatalog(ctx.env));
  return enumIn(ctx.env, enumTypeOid(to), text);
}

export interface EvalCtx {
  /** The executing session (session functions read and change its settings); absent when none. */
  readonly env?: SqlEnv;
  /**
   * The session's time zone (the TimeZone setting, sql/settings.ts Settings.timeZone): what
   * casts, operators and functions of timestamptz compute in. UTC where no session runs the
   * expression (index keys and CHECK constraints, which PostgreSQL requires to be immutable).
   */
  readonly zone: TimeZone;
  /**
   * The session's extra_float_digits (Settings.extraFloatDigits), what casts of real and double
   * precision to text print with; absent: 1 (shortest exact digits), where no session runs it.
   */
  readonly floatDigits?: number;
  /** The client's parameter values ($1 is index 0). */
  params: readonly Value[];
  /** Executor parameter `id`'s current value (runs a pending InitPlan first). */
  execParam(id: number): Value;
  /** Runs SubPlan `sp` for the tuple `row` of the calling node. */
  runSubPlan(sp: SubPlan, row: readonly Value[] | null): Value;
  /**
   * The executing session's setting `name` as SHOW prints it (current_setting); absent where
   * no session runs the expression (constant folding).
   * @throws PgError 42704 for an unknown setting.
   */
  setting?(name: string): string;
  /**
   * While a ProjectSet evaluates a select-list item with set-returning calls inside an
   * expression (`jsonb_array_elements(x)->>'k'`): each call's value for the current output row.
   */
  srfValues?: Map<object, Value> | null;
}

/** A context without tuples, parameters or subqueries (constant folding, DEFAULT values). */
export const NO_CONTEXT: EvalCtx = {
  zone: UTC_ZONE,
  params: [],
  execParam: () => bug('no executor parameters here'),
  runSubPlan: () => bug('no subplans here'),
};

/** Evaluates `e` over `row` (the tuple its `slot`s index; null when it has none). */
export function evalExpr(e: Expr, row: readonly Value[] | null, ctx: EvalCtx): Value {
  switch (e.k) {
    case 'const':
      return e.value;
    case 'param':
      return ctx.params[e.index] ?? null;
    case 'slot':
      return row![e.idx]!;
    case 'execParam':
      return ctx.execParam(e.id);
    case 'op1': {
      const a = evalExpr(e.arg, row, ctx);
      return a === null ? null : e.fn(a, ctx.zone);
    }
    case 'op2': {
      const a = evalExpr(e.l, row, ctx);
      if (a === null) return null;
      const b = evalExpr(e.r, row, ctx);
      if (b === null) return null;
      return e.fn(a, b, ctx.zone);
    }
    case 'cast':
      if (e.from !== e.type && hasEnumElements(e.type)) return castToEnum(evalExpr(e.arg, row, ctx), e.from, e.type, ctx);
      return castValue(evalExpr(e.arg, row, ctx), e.from, e.type, e.typmod, ctx.zone, e.explicit ?? true, ctx.floatDigits, ctx.env?.transactionClock);
    case 'fn': {
      const args: Value[] = new Array(e.args.length);
      for (let i = 0; i < args.length; i++) {
        const v = evalExpr(e.args[i]!, row, ctx);
        if (v === null && e.strict !== false) return null;
        args[i] = v;
      }
      return e.fn(args, ctx);
    }
    case 'case': {
      if (e.arg === null) {
        for (const w of e.whens) if (evalExpr(w.cond, row, ctx) === true) return evalExpr(w.then, row, ctx);
        return evalExpr(e.else, row, ctx);
      }
      // The argument once; each WHEN compares it (through its own implicit casts) by `=`.
      const v = evalExpr(e.arg, row, ctx);
      if (v !== null) {
        const at = [v];
        for (const w of e.whens) {
          const b = evalExpr(w.cond, row, ctx);
          if (b === null) continue;
          const a = evalExpr(w.test!, at, ctx);
          if (a !== null && w.fn!(a, b, ctx.zone) === true) return evalExpr(w.then, row, ctx);
        }
      }
      return evalExpr(e.else, row, ctx);
    }
    case 'minmax': {
      let best: Value = null;
      for (const a of e.args) {
        const v = evalExpr(a, row, ctx);
        if (v === null) continue;
        if (best === null || (e.greatest ? e.cmp(v, best) > 0 : e.cmp(v, best) < 0)) best = v;
      }
      return best;
    }
    case 'nullif': {
      const a = evalExpr(e.l, row, ctx);
      if (a === null) return null;
      const b = evalExpr(e.r, row, ctx);
      if (b !== null) {
        const t = evalExpr(e.test, [a], ctx);
        if (t !== null && e.fn(t, b, ctx.zone) === true) return null;
      }
      return e.conv === null ? a : e.conv(a, ctx.zone);
    }
    case 'session': {
      const env = ctx.env;
      if (env === undefined) throw pgErr.featureNotSupported(`${e.name}() here`);
      const args: Value[] = new Array(e.args.length);
      for (let i = 0; i < args.length; i++) args[i] = evalExpr(e.args[i]!, row, ctx);
      return e.fn(args, {
        zone: ctx.zone,
        show: (name) => env.settings.show(name).value,
        set: (name, value, isLocal) => {
          // Put back if the statement is undone to wait (statement_rerun.ts).
          env.rerun.settingChanging(env);
          env.settings.set(name, value, isLocal);
        },
        now: (kind) => (kind === 'clock' ? env.rerun.clock(() => wallClockUs(env.clock)) : kind === 'statement' ? env.timestamps.statementUs : env.timestamps.transactionUs),
        sequence: (fn, text) => {
          const seq = sequenceByText(env, text).def.name;
          return int8Of(fn === 'nextval' ? sessionNextval(env, seq) : sessionCurrval(env, seq));
        },
        setval: (text, value, called) => int8Of(sessionSetval(env, sequenceByText(env, text).def.name, value, called)),
        lastval: () => int8Of(sessionLastval(env)),
        serialSequence: (table, column) => serialSequenceOf(env, table, column),
        notify: (channel, payload) => queueNotify(env, channel, payload),
        listeningChannels: () => listeningChannels(env),
        pid: env.pid,
        blockingPids: (pid) => blockingPids(env, pid),
        signalBackend: (pid, terminate) => signalBackend(env, pid, terminate),
        advisory: (op, keyArgs, shared, xact) => advisoryCall(env, op, advisoryKey(keyArgs), shared, xact),
        txid: (assign) => (assign ? ensureXid(env) : env.txn.xid === 0 ? null : env.txn.xid),
      });
    }
    case 'array': {
      const vals: Value[] = new Array(e.elems.length);
      for (let i = 0; i < vals.length; i++) vals[i] = evalExpr(e.elems[i]!, row, ctx);
      return buildArray(e.type, vals);
    }
    case 'and': {
      let sawNull = false;
      for (const a of e.args) {
        const v = evalExpr(a, row, ctx);
        if (v === false) return false;
        if (v === null) sawNull = true;
      }
      return sawNull ? null : true;
    }
    case 'or': {
      let sawNull = false;
      for (const a of e.args) {
        const v = evalExpr(a, row, ctx);
        if (v === true) return true;
        if (v === null) sawNull = true;
      }
      return sawNull ? null : false;
    }
    case 'not': {
      const v = evalExpr(e.arg, row, ctx);
      return v === null ? null : !v;
    }
    case 'isnull': {
      const v = evalExpr(e.arg, row, ctx);
      return (v === null) !== e.negate;
    }
    case 'booltest': {
      const v = evalExpr(e.arg, row, ctx);
      return (e.test === 'unknown' ? v === null : v === (e.test === 'true')) !== e.negate;
    }
    case 'in': {
      const v = evalExpr(e.arg, row, ctx);
      if (e.hashed !== null) {
        if (v === null) return null;
        if (e.hashed.values.has(v)) return !e.negate;
        return e.hashed.hasNull ? null : e.negate;
      }
      // The list is PostgreSQL's ARRAY[...]: every item is evaluated before any comparison, so
      // an item that fails fails even after a match.
      const items = e.list.map((item) => evalExpr(item, row, ctx));
      if (v === null) return null;
      let sawNull = false;
      for (const w of items) {
        if (w === null) sawNull = true;
        else if (e.eq(v, w, ctx.zone) === true) return !e.negate;
      }
      return sawNull ? null : e.negate;
    }
    case 'arrayop': {
      const arr = evalExpr(e.arr, row, ctx) as PgArray | null;
      if (arr === null) return null;
      const elems = arr.elems as readonly Value[];
      if (elems.length === 0) return e.all;
      const v = evalExpr(e.arg, row, ctx);
      if (v === null) return null;
      let sawNull = false;
      for (const w of elems) {
        if (w === null) {
          sawNull = true;
          continue;
        }
        const t = e.fn(v, w, ctx.zone);
        if (t === null) sawNull = true;
        else if (t === !e.all) return !e.all;
      }
      return sawNull ? null : e.all;
    }
    case 'coalesce':
      for (const a of e.args) {
        const v = evalExpr(a, row, ctx);
        if (v !== null) return v;
      }
      return null;
    case 'subplan':
      return ctx.runSubPlan(e.sp as SubPlan, row);
    case 'var':
      return bug('column references are bound to tuple positions by the planner');
    case 'sublink':
      return bug('subqueries are planned before execution');
    case 'count':
    case 'agg':
      return bug('aggregates are computed by the Agg node');
    case 'srf': {
      const m = ctx.srfValues;
      if (m == null || !m.has(e)) return bug('set-returning calls are expanded by the ProjectSet node');
      return m.get(e)!;
    }
    case 'window':
      return bug('window functions are computed by the WindowAgg node');
  }
}

/** A broken invariant of the planner or executor (never a user error). */
export function bug(message: string): never {
  throw new AssertionError(message);
}

/** WHERE semantics: only TRUE passes (NULL and FALSE reject). */
export function passes(qual: Expr | null, row: readonly Value[] | null, ctx: EvalCtx): boolean {
  return qual === null || evalExpr(qual, row, ctx) === true;
}

/** 21000, raised when a scalar subquery yields a second row. */
export function moreThanOneRow(): PgError {
  return new PgError(SQLSTATE.cardinality_violation, 'more than one row returned by a subquery used as an expression');
}
