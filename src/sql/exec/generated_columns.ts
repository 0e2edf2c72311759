/**
 * Stored generated columns: `GENERATED ALWAYS AS (expr) STORED` (PostgreSQL's attgenerated
 * 's'). The expression is kept as the column's `defaultSql` (PostgreSQL keeps it in pg_attrdef
 * as a default), analyzed again from that text against the table and cached per definition
 * object, as CHECK constraints are (constraints.ts). Every write of a row computes the
 * generated columns from the row's other columns before the row's constraints are checked, as
 * PostgreSQL's ExecComputeStoredGenerated runs before ExecConstraints: INSERT (and its ON
 * CONFLICT DO UPDATE), UPDATE, COPY FROM, the foreign keys' referential actions and the ALTER
 * TABLE subcommands that rewrite the column.
 *
 * PostgreSQL 18's VIRTUAL generated columns (its default when neither keyword is written) are
 * refused with 0A000.
 */
import { SYSTEM_COLUMNS } from './relation_lookup.js';
import { PgError, SQLSTATE, pgErr, pos } from '../../common/errors.js';
import { Table, type ColumnDef, type TableDef, type Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import { inStoredExpression } from '../analyze/clock_literals.js';
import { analyzeExpr, type Expr } from '../analyze/expr.js';
import { storedCoerce, tableParseState } from '../analyze/query.js';
import type { PgNode } from '../parser/parse.js';
import { columnRefNames, rejectSubqueriesAndParams, renameColumnRefs, walkRaw } from '../parser/walk.js';
import { bindToRow } from './constraints.js';
import { evalExpr, NO_CONTEXT } from './eval.js';
import { callsMutableFunction, callsStableByType } from './index_def.js';

/** The clause PostgreSQL names in the errors of a generation expression (EXPR_KIND_GENERATED_COLUMN). */
const CLAUSE = 'column generation expression';

/** System columns: PostgreSQL refuses them in a generation expression (tableoid aside). */
const GENERATION_SYSTEM_COLUMNS = new Set(SYSTEM_COLUMNS.filter((n) => n !== 'tableoid'));

/** True when column `c` is a generated column. */
export function isGenerated(c: ColumnDef): boolean {
  return c.generated !== undefined;
}

/**
 * The error of a generation clause that vecgres does not store: PostgreSQL 18's VIRTUAL
 * generated columns (`generated_kind` 'v', also what a clause without STORED means there).
 */
export function requireStored(constraint: PgNode): void {
  if (constraint.generated_kind !== 's') throw pgErr.featureNotSupported('virtual generated columns');
}

/**
 * Analyzes `raw`, the generation expression of column `col` of `table` (the table as it will
 * be: a shell for CREATE TABLE and ADD COLUMN), as PostgreSQL's cookDefault does for a
 * generated column; returns the raw tree to keep as the column's `defaultSql` (JSON).
 * @throws PgError in PostgreSQL's order: 0A000 `cannot use subquery in column generation
 *   expression`, 42P02 a parameter, 42P17 a whole-row reference, 42P10 a system column,
 *   analysis errors (42703, 42883, 42803 aggregate, 42P20 window function), 42P17 a reference
 *   to another generated column or a function that is not immutable, 42804 a result that is
 *   not assignable to the column.
 */
export function analyzeGeneration(env: SqlEnv, table: Table, col: number, raw: PgNode): string {
  rejectSubqueriesAndParams(raw, CLAUSE);
  walkRaw(raw, (tag, n) => {
    if (tag !== 'ColumnRef') return;
    const fields = n.fields as PgNode[];
    const names = fields.map((f) => f.String?.sval as string | undefined);
    const last = names[names.length - 1];
    const wholeRow = fields.some((f) => f.A_Star !== undefined) || (fields.length === 1 && last === table.name && table.columnIndex(last) < 0);
    if (wholeRow) {
      throw new PgError('42P17', `cannot use whole-row variable in ${CLAUSE}`, {
        detail: 'This would cause the generated column to depend on its own value.',
        ...pos(n.location),
      });
    }
    if (last !== undefined && GENERATION_SYSTEM_COLUMNS.has(last) && table.columnIndex(last) < 0) {
      throw new PgError(SQLSTATE.invalid_column_reference, `cannot use system column "${last}" in ${CLAUSE}`, pos(n.location));
    }
  });
  const scope = tableParseState(env, table, [], []);
  scope.aggregateClause = `${CLAUSE}s`;
  scope.windowClause = `${CLAUSE}s`;
  const e = inStoredExpression(env, `${CLAUSE}s`, () => analyzeExpr(scope, raw));
  // check_nested_generated, once the expression analyzed (so every name is a column here).
  walkRaw(raw, (tag, n) => {
    if (tag !== 'ColumnRef') return;
    const last = (n.fields as PgNode[])[n.fields.length - 1]?.String?.sval as string | undefined;
    const i = last === undefined ? -1 : table.columnIndex(last);
    if (i >= 0 && isGenerated(table.def.columns[i]!)) {
      throw new PgError('42P17', `cannot use generated column "${last}" in ${CLAUSE}`, {
        detail: 'A generated column cannot reference another generated column.',
        ...pos(n.location),
      });
    }
  });
  if (callsMutableFunction(raw) || callsStableByType(env, table, raw, `${CLAUSE}s`)) throw new PgError('42P17', 'generation expression is not immutable');
  storedCoerce(scope, e, col, table);
  return JSON.stringify(raw);
}

/** Generated column `col` of `table`'s expression, assigned to the column and bound to the table's full row. */
function boundGeneration(env: SqlEnv, table: Table, col: number): Expr {
  const scope = tableParseState(env, table, [], []);
  return bindToRow(storedCoerce(scope, analyzeExpr(scope, JSON.parse(table.def.columns[col]!.defaultSql!) as PgNode), col, table));
}

/** A table's generated columns: their positions and expressions bound to the full row. */
interface CompiledGenerated {
  cols: number[];
  exprs: Expr[];
}

const compiled = new WeakMap<TableDef, CompiledGenerated | null>();

function compile(env: SqlEnv, table: Table): CompiledGenerated | null {
  const hit = compiled.get(table.def);
  if (hit !== undefined) return hit;
  const cols: number[] = [];
  const exprs: Expr[] = [];
  table.def.columns.forEach((c, i) => {
    if (!isGenerated(c)) return;
    cols.push(i);
    exprs.push(boundGeneration(env, table, i));
  });
  const out = cols.length === 0 ? null : { cols, exprs };
  compiled.set(table.def, out);
  return out;
}

/** True when `table` has a generated column. */
export function hasGeneratedColumns(table: Table): boolean {
  return table.def.columns.some(isGenerated);
}

/**
 * Computes the generated columns of row `values` (every column of `table`, in order) in place,
 * from its other columns. Vectors computed are copies the row owns.
 * @throws PgError the expressions' errors for this row (22012, 22003, 22000, ...).
 */
export function computeGenerated(env: SqlEnv, table: Table, values: Value[]): void {
  const g = compile(env, table);
  if (g === null) return;
  const ctx = { ...NO_CONTEXT, zone: env.settings.timeZone() };
  for (let i = 0; i < g.cols.length; i++) {
    const v = evalExpr(g.exprs[i]!, values, ctx);
    values[g.cols[i]!] = v instanceof Float32Array || v instanceof Uint16Array ? v.slice() : v;
  }
}

/** The names of the columns generated column `c`'s expression reads. */
export function generationReads(c: ColumnDef): Set<string> {
  if (c.generated === undefined || c.defaultSql === null) return new Set();
  return columnRefNames(JSON.parse(c.defaultSql) as PgNode);
}

/** The generated columns of `def` whose expressions read column `name`, in column order. */
export function generatedDependents(def: TableDef, name: string): number[] {
  const out: number[] = [];
  def.columns.forEach((c, i) => {
    if (generationReads(c).has(name)) out.push(i);
  });
  return out;
}

/** Generated column `c` with column `from` renamed `to` in its expression (RENAME COLUMN). */
export function renameInGeneration(c: ColumnDef, from: string, to: string): ColumnDef {
  if (!generationReads(c).has(from)) return c;
  const raw = JSON.parse(c.defaultSql!) as PgNode;
  renameColumnRefs(raw, from, to);
  return { ...c, defaultSql: JSON.stringify(raw) };
}

/**
 * The values generated column `col` of `table` takes in each live row, in row order, with the
 * column's definition `def` (its expression and type): what ADD COLUMN, SET EXPRESSION and
 * ALTER COLUMN ... TYPE write. `def` is analyzed against the table with it in place.
 * @throws PgError the expression's errors for a row.
 */
export function generatedValues(env: SqlEnv, table: Table, col: number, def: ColumnDef): Value[] {
  const columns = table.def.columns.slice();
  columns[col] = def;
  const shell = new Table({ ...table.def, columns });
  try {
    const e = boundGeneration(env, shell, col);
    const ctx = { ...NO_CONTEXT, zone: env.settings.timeZone() };
    const n = table.def.columns.length;
    const out: Value[] = [];
    const row: Value[] = new Array(Math.max(n, col + 1)).fill(null);
    for (let r = 0; r < table.slots; r++) {
      if (!table.isLive(r)) continue;
      for (let c = 0; c < n; c++) row[c] = table.get(c, r);
      const v = evalExpr(e, row, ctx);
      out.push(v instanceof Float32Array || v instanceof Uint16Array ? v.slice() : v);
    }
    return out;
  } finally {
    shell.dispose();
  }
}
