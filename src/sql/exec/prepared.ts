/**
 * A session's named prepared statements (PostgreSQL's prepare.c and its prepared_queries hash):
 * one namespace that SQL PREPARE / EXECUTE / DEALLOCATE and the extended protocol's Parse /
 * Bind / Close share, so a statement a driver parsed as `s1` runs as `EXECUTE s1(...)` and
 * `DEALLOCATE ALL` drops it. The unnamed statement ('') lives in the same map but no SQL can
 * name it (a zero-length identifier is a syntax error).
 *
 *   PREPARE near(vector) AS SELECT id FROM items ORDER BY embedding <-> $1 LIMIT 5;
 *   EXECUTE near('[1,2,3]');        -- SELECT 5
 *   DEALLOCATE near;
 *
 * Not transactional, as in PostgreSQL: a statement prepared in a block that rolls back stays.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { RawStatement, PgNode } from '../parser/parse.js';
import type { SqlEnv } from '../env.js';
import { type SqlType, typeName } from '../analyze/types.js';
import { analyzeExpr, type Expr } from '../analyze/expr.js';
import { assignmentCoercion, newParseState } from '../analyze/query.js';
import { leftmostLocation, rejectSubqueriesAndParams } from '../parser/walk.js';
import { evalExpr, NO_CONTEXT, type EvalCtx } from './eval.js';
import type { Value } from '../../storage/table.js';
import type { ResultField } from './statement.js';

/**
 * How often a prepared statement was planned for an execution, by kind (pg_prepared_statements'
 * generic_plans and custom_plans; see {@link countPlan}).
 */
export interface PlanCounts {
  generic: number;
  custom: number;
}

/** A parsed and analyzed statement (one), ready to be bound and executed any number of times. */
export interface PreparedStatement {
  /**
   * The client's query text: Parse's, or for a statement SQL PREPARE made the whole query
   * string the PREPARE came in (pg_prepared_statements.statement, PostgreSQL's query_string).
   */
  readonly sql: string;
  /** True for a statement SQL PREPARE made, false for the extended protocol's Parse. */
  readonly fromSql: boolean;
  /** When it was prepared (µs since 2000-01-01 UTC: the PREPARE's or Parse's statement start). */
  readonly prepareTimeUs: bigint;
  /** Executions planned so far (EXECUTE, EXPLAIN EXECUTE, CREATE TABLE AS EXECUTE, Bind). */
  readonly plans: PlanCounts;
  /** The statement, or null for an empty query string (Execute answers EmptyQueryResponse). */
  readonly raw: RawStatement | null;
  /** The type of each parameter, `$1` first: declared by the client or inferred. */
  readonly paramTypes: readonly SqlType[];
  /** The same as type OIDs (ParameterDescription). */
  readonly paramOids: readonly number[];
  /** Result columns, or null when the statement returns no rows (NoData). */
  readonly fields: readonly ResultField[] | null;
}

/** The statements PREPARE takes (PostgreSQL's PreparableStmt less MERGE, which vecgres lacks). */
export const PREPARABLE = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt']);

/**
 * The prepared statement `name` of the session.
 * @throws PgError 26000 `prepared statement "name" does not exist`.
 */
export function lookupPrepared(env: SqlEnv, name: string): PreparedStatement {
  const p = env.preparedStatements.get(name);
  if (p === undefined) throw undefinedStatement(name);
  return p;
}

/**
 * Adds `stmt` as `name` (Parse of a named statement, PREPARE). The unnamed statement ('') is
 * replaced, as each Parse of it does.
 * @throws PgError 42P05 `prepared statement "name" already exists`.
 */
export function storePrepared(env: SqlEnv, name: string, stmt: PreparedStatement): void {
  if (name !== '' && env.preparedStatements.has(name)) {
    throw new PgError(SQLSTATE.duplicate_pstatement, `prepared statement "${name}" already exists`);
  }
  env.preparedStatements.set(name, stmt);
}

/**
 * DEALLOCATE `name`, or DEALLOCATE ALL (`name` null: every named statement; the unnamed one
 * stays, as PostgreSQL keeps it outside the hash DropAllPreparedStatements empties).
 * @throws PgError 26000 for a name the session has not prepared.
 */
export function deallocate(env: SqlEnv, name: string | null): void {
  if (name === null) {
    for (const k of [...env.preparedStatements.keys()]) if (k !== '') env.preparedStatements.delete(k);
    return;
  }
  if (!env.preparedStatements.delete(name)) throw undefinedStatement(name);
}

/**
 * Counts one planning of `stmt` for an execution with `paramCount` parameter values, as
 * PostgreSQL's GetCachedPlan counts it for pg_prepared_statements: generic without parameters
 * (PostgreSQL never makes a custom plan then), else custom. vecgres always plans with the bound
 * values (a plan cached for other values is reused only where it does not depend on them:
 * plan/planner.ts cachedPlanValid), so an execution with parameters is always a custom plan;
 * PostgreSQL's switch to a generic plan after five custom ones, when it estimates it cheaper,
 * does not happen here.
 */
export function countPlan(stmt: PreparedStatement, paramCount: number): void {
  if (paramCount === 0) stmt.plans.generic++;
  else stmt.plans.custom++;
}

/**
 * Runs `run`, an execution of `stmt` with `paramCount` parameter values, and counts its plan
 * ({@link countPlan}) unless it failed before PostgreSQL would have planned it: an error of
 * analysis (class 42: a table dropped since PREPARE) or 0A000. A rerun after a wait
 * (statement_rerun.ts) was counted by its first run.
 */
export function runCountingPlan<T>(env: SqlEnv, stmt: PreparedStatement, paramCount: number, run: () => T): T {
  if (env.rerun.rerunning) return run();
  let r: T;
  try {
    r = run();
  } catch (e) {
    const beforePlan = e instanceof PgError && (e.code.startsWith('42') || e.code === SQLSTATE.feature_not_supported);
    if (!beforePlan) countPlan(stmt, paramCount);
    throw e;
  }
  countPlan(stmt, paramCount);
  return r;
}

function undefinedStatement(name: string): PgError {
  return new PgError(SQLSTATE.undefined_pstatement, name === '' ? 'unnamed prepared statement does not exist' : `prepared statement "${name}" does not exist`);
}

/**
 * The parameter values of `EXECUTE name(args)` (PostgreSQL's EvaluateParams): each argument
 * analyzed as an expression without columns, coerced to its parameter's type by assignment
 * rules (an untyped literal by the type's input function; `1.6` rounds for an integer; a text
 * value is no integer), and evaluated in the session.
 * @throws PgError 42601 `wrong number of parameters for prepared statement "name"`;
 *   0A000 `cannot use subquery in EXECUTE parameter`; 42P02 `there is no parameter $n`;
 *   42803 / 42P20 for an aggregate or window function; 42804 `parameter $n of type X cannot be
 *   coerced to the expected type Y`; 42703 for a column; the input functions' errors (22P02 ...).
 */
export function executeParams(env: SqlEnv, name: string, stmt: PreparedStatement, args: readonly PgNode[]): Value[] {
  const types = stmt.paramTypes;
  if (args.length !== types.length) {
    throw new PgError(SQLSTATE.syntax_error, `wrong number of parameters for prepared statement "${name}"`, {
      detail: `Expected ${types.length} parameters but got ${args.length}.`,
    });
  }
  if (args.length === 0) return [];
  for (const a of args) rejectSubqueriesAndParams(a, 'EXECUTE parameter');
  const scope = newParseState(env, [], []);
  scope.aggregateClause = 'EXECUTE parameters';
  scope.windowClause = 'EXECUTE parameters';
  const exprs: Expr[] = args.map((a, i) => {
    const e = analyzeExpr(scope, a);
    const loc = leftmostLocation(a);
    return assignmentCoercion(scope, e, types[i]!, -1, loc, (from) =>
      new PgError(SQLSTATE.datatype_mismatch, `parameter $${i + 1} of type ${typeName(from)} cannot be coerced to the expected type ${typeName(types[i]!)}`, {
        hint: 'You will need to rewrite or cast the expression.',
        ...(loc === undefined ? {} : { position: loc + 1 }),
      }));
  });
  const ctx: EvalCtx = {
    ...NO_CONTEXT,
    env,
    zone: env.settings.timeZone(),
    floatDigits: env.settings.extraFloatDigits(),
    setting: (n: string) => env.settings.show(n).value,
  };
  return exprs.map((e) => evalExpr(e, null, ctx));
}
