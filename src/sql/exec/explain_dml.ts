/**
 * EXPLAIN [ANALYZE] of INSERT, UPDATE and DELETE, in PostgreSQL's shape: a ModifyTable node
 * (`Insert on t`, `Update on t`, `Delete on t`, with ON CONFLICT's `Conflict Resolution`,
 * `Conflict Arbiter Indexes` and `Conflict Filter`) above the plan that finds the rows (the
 * UPDATE / DELETE scan or join, planned as the statement runs it) or makes them (INSERT's
 * SELECT; `Result` / `Values Scan` for VALUES). Under ANALYZE the statement runs, with its
 * effects, as PostgreSQL's EXPLAIN ANALYZE does: they stay unless its transaction rolls back.
 */
import type { Clock } from '../../common/clock.js';
import type { ColumnDef, Value } from '../../storage/table.js';
import { formatSqlType } from '../analyze/types.js';
import type { SqlEnv } from '../env.js';
import type { DeleteQuery, UpdateQuery } from '../analyze/dml.js';
import type { Expr } from '../analyze/expr.js';
import type { InsertQuery } from '../analyze/query.js';
import { deparse, type DeparseContext } from '../plan/deparse.js';
import { explainModifyOutput, type ExplainOptions, type ModifyTableExplain } from '../plan/explain.js';
import { ExplainProbe } from './explain_probe.js';
import { planInsert, runInsert } from './insert.js';
import { planModify, runDelete, runUpdate } from './dml.js';

/** What one run under ANALYZE reports for the ModifyTable node. */
type Actual = NonNullable<ModifyTableExplain['actual']>;

/**
 * EXPLAIN's output lines for an analyzed INSERT, UPDATE or DELETE with parameter values
 * `params`: plans it as it would run, and under ANALYZE runs it (instrumented, timed by
 * `clock` unless TIMING OFF). Errors are the statement's own, when it runs.
 */
export function explainModify(env: SqlEnv, opts: ExplainOptions, q: InsertQuery | UpdateQuery | DeleteQuery, params: readonly Value[], clock: Clock): string[] {
  const t0 = clock.nowMs();
  const probe = opts.analyze ? new ExplainProbe(opts.timing ? clock : null) : null;
  const dc: DeparseContext = { zone: env.settings.timeZone(), params };
  const table = q.table;
  const alias = aliasOf(env, q);
  // VERBOSE's Output of RETURNING, qualified when the statement has several range-table
  // entries (an UPDATE's FROM items or subqueries).
  const names = q.kind === 'insert' ? [alias ?? env.catalog.splitKey(table.name).name] : q.scan.rtable.map((r) => r.alias);
  const varName = (v: Extract<Expr, { k: 'var' }>, prefix: boolean): string => (prefix ? `${names[v.rti] ?? env.catalog.splitKey(table.name).name}.${v.name}` : v.name);
  const returningText = (qualify: boolean): string[] | null => (q.returning === null ? null : q.returning.map((t) => deparse(t.expr, dc, qualify, varName)));
  let info: Omit<ModifyTableExplain, 'actual'>;
  let run: () => Actual;
  if (q.kind === 'insert') {
    const planned = planInsert(env, q, params, opts.verbose);
    env.lastPlan = (planned.select ?? planned.stmt).plan;
    const oc = q.onConflict;
    // DO UPDATE's WHERE reads the target (under its alias) and EXCLUDED.
    const qualified = (v: Extract<Expr, { k: 'var' }>): string => `${v.rti === 0 ? (alias ?? env.catalog.splitKey(table.name).name) : 'excluded'}.${v.name}`;
    info = {
      operation: 'Insert', ...relationOf(env, table.name), alias,
      input: planned.select ?? { values: q.rows.length, width: 8 * table.def.columns.length },
      wrap: q.select === null ? null : insertSelectWrap(q.select, table.def.columns.length),
      initPlansOf: [planned.stmt],
      onConflict: oc === null ? null : {
        action: oc.action === 'update' ? 'UPDATE' : 'NOTHING',
        arbiters: oc.arbiters,
        filter: oc.where === null ? null : deparse(oc.where, dc, true, qualified),
      },
      // PostgreSQL qualifies an INSERT's RETURNING always (its range table never has one entry).
      returning: returningText(true),
      // One row is a Result computing it; more are a Values Scan's columns.
      inputOutput: q.select !== null ? null : q.rows.length === 1 ? q.rows[0]!.map((e, i) => rowValueText(e, table.def.columns[i]!, dc)) : table.def.columns.map((_, i) => `"*VALUES*".column${i + 1}`),
    };
    run = () => {
      const out = runInsert(env, q, params, planned, probe);
      return { rows: out.returning?.length ?? 0, ms: 0, proposed: out.proposed, conflicting: out.conflicting, removedByConflictFilter: out.removedByConflictFilter };
    };
  } else {
    const planned = planModify(env, q, params, opts.verbose);
    env.lastPlan = planned.stmt.plan;
    info = {
      operation: q.kind === 'update' ? 'Update' : 'Delete', ...relationOf(env, table.name), alias, input: planned.stmt, wrap: null, initPlansOf: [], onConflict: null,
      returning: returningText(planned.stmt.qualify), inputOutput: modifyScanOutput(q, planned.bound[0]!, planned.stmt.qualify, dc),
    };
    run = () => {
      const out = q.kind === 'update' ? runUpdate(env, q, params, planned, probe) : runDelete(env, q, params, planned, probe);
      return { rows: out.returning?.length ?? 0, ms: 0, proposed: 0, conflicting: 0, removedByConflictFilter: 0 };
    };
  }
  const planningMs = clock.nowMs() - t0;
  let actual: Actual | null = null;
  let executionMs: number | null = null;
  if (probe !== null) {
    const t1 = clock.nowMs();
    actual = run();
    executionMs = clock.nowMs() - t1;
    actual.ms = opts.timing ? executionMs : 0;
  }
  return explainModifyOutput({ ...info, actual }, opts, probe?.lookup() ?? null, opts.summary ? { planningMs, executionMs } : null);
}

/** The target's alias (`UPDATE t AS a`, `INSERT INTO t AS a`), or null. */
function aliasOf(env: SqlEnv, q: InsertQuery | UpdateQuery | DeleteQuery): string | null {
  if (q.kind === 'insert') return q.alias ?? null;
  const rte = q.scan.rtable[0];
  return rte !== undefined && rte.alias !== env.catalog.splitKey(q.table.name).name ? rte.alias : null;
}

/**
 * How PostgreSQL shows an INSERT's SELECT: pulled up into the statement (nothing above its
 * plan) unless is_simple_subquery refuses it (aggregates, GROUP BY, HAVING, DISTINCT, window
 * functions, set-returning functions, ORDER BY, LIMIT / OFFSET, WITH, set operations other than
 * UNION ALL), and then a `Subquery Scan on "*SELECT*"` unless the statement reads its columns
 * as they are (setrefs.c's trivial_subqueryscan); a UNION ALL is pulled up as an Append, which
 * a `Result` projects.
 */
function insertSelectWrap(select: NonNullable<InsertQuery['select']>, ncols: number): ModifyTableExplain['wrap'] {
  const sq = select.query;
  const trivial = sq.targets.length === ncols && select.columns.every((e, c) => e.k === 'slot' && e.idx === c);
  if (trivial) return null;
  const rte = sq.rtable[0];
  if (sq.from.length === 1 && rte?.kind === 'setop' && sq.targets.every((t) => t.expr.k === 'var')) {
    return rte.tree.k === 'op' && rte.tree.op === 'union' && rte.tree.all ? 'result' : 'subquery';
  }
  const simple = !sq.aggregate && sq.groupBy.length === 0 && sq.having === null && (sq.distinct ?? []).length === 0 && (sq.distinctOn ?? []).length === 0
    && (sq.windows ?? []).length === 0 && !sq.setReturning && sq.orderBy.length === 0 && sq.limit === null && sq.offset === null && sq.ctes.length === 0;
  return simple ? null : 'subquery';
}

/**
 * What PostgreSQL's plan under an UPDATE or DELETE emits (VERBOSE's Output): an UPDATE's new
 * values of the columns it sets, in column order, then the target's ctid and the ctid of each
 * other table the statement reads (its row marks). Null where vecgres cannot say: a
 * multiple-column assignment, or a FROM / USING item that is not a table.
 */
function modifyScanOutput(q: UpdateQuery | DeleteQuery, sets: readonly Expr[], qualify: boolean, dc: DeparseContext): string[] | null {
  const rtes = q.scan.rtable;
  if (rtes.some((r, i) => i > 0 && r.kind !== 'relation')) return null;
  const ctid = (alias: string): string => (qualify ? `${alias}.ctid` : 'ctid');
  const out: string[] = [];
  if (q.kind === 'update') {
    if (q.sets.some((a) => !('col' in a))) return null;
    const byCol = q.sets.map((a, i) => {
      const col = (a as { col: number }).col;
      return { col, text: typedConstText(sets[i]!, q.table.def.columns[col]!, deparse(sets[i]!, dc, qualify)) };
    }).sort((a, b) => a.col - b.col);
    out.push(...byCol.map((x) => x.text));
  }
  return [...out, ...rtes.map((r) => ctid(r.alias))];
}
/**
 * A value of INSERT ... VALUES' one row (or an UPDATE's new value) as PostgreSQL prints it:
 * coerced to its column, a constant of a type with a modifier shows it (`'[1,1]'::vector(2)`).
 */
function rowValueText(e: Expr, col: ColumnDef, dc: DeparseContext): string {
  return typedConstText(e, col, deparse(e, dc, false));
}

/** `text`, the deparsed `e`, with its column's type modifier when `e` is a constant of a modified type. */
function typedConstText(e: Expr, col: ColumnDef, text: string): string {
  if (e.k !== 'const' || e.value === null || col.typmod < 0) return text;
  const plain = `::${formatSqlType(e.type, -1)}`;
  return text.endsWith(plain) ? `${text.slice(0, -plain.length)}::${formatSqlType(e.type, col.typmod)}` : text;
}

/** ModifyTable's relation and schema for table key `key` (storage/schema_def.ts). */
function relationOf(env: SqlEnv, key: string): { relation: string; schema: string } {
  const { schema, name } = env.catalog.splitKey(key);
  return { relation: name, schema };
}
