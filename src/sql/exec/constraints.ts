/**
 * CHECK constraints and constraint names (PostgreSQL's pg_constraint rows of a table).
 *
 * A CHECK constraint is kept as normalized SQL text in the table definition (storage's
 * `CheckDef`) and analyzed again from that text against the table, cached per definition
 * object (a definition is replaced, never mutated, when a constraint is added or dropped), as
 * index expressions are (index_keys.ts). Evaluation follows PostgreSQL's ExecRelCheck: the
 * constraints in name order, NULL passes, the first FALSE raises 23514.
 */
/** Failing rows print timestamptz values in the session's zone; UTC where a caller has none. */
import { shownName } from '../../storage/schema_def.js';
import { inStoredExpression } from '../analyze/clock_literals.js';
import { UTC_ZONE as DETAIL_ZONE, type TimeZone } from '../../types/timezone.js';
import { PgError, SQLSTATE } from '../../common/errors.js';
import { notNullConstraintName, type CheckDef, type ColumnDef, type Table, type TableDef, type Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import { analyzeExpr, mapOperands, requireBool, type Expr } from '../analyze/expr.js';
import { tableParseState } from '../analyze/query.js';
import { valueToText } from '../analyze/types.js';
import { deparseRawChecked } from '../parser/deparse_raw.js';
import type { PgNode } from '../parser/parse.js';
import { parseStoredExpr } from './index_keys.js';
import { evalExpr, NO_CONTEXT } from './eval.js';
import { leftmostLocation, rejectSubqueriesAndParams } from '../parser/walk.js';

/** A table's CHECK constraints analyzed against it, bound to row positions, in name order. */
interface CompiledChecks {
  names: string[];
  exprs: Expr[];
}

const compiledChecks = new WeakMap<TableDef, CompiledChecks>();

/** A column reference of entry 0 becomes row position `col` (the row is the table's full row). */
export function bindToRow(e: Expr): Expr {
  if (e.k === 'var') return { k: 'slot', type: e.type, idx: e.col, typmod: e.typmod, name: e.name };
  return mapOperands(e, bindToRow);
}

/**
 * Analyzes a CHECK expression of `table` as PostgreSQL's transformExpr with
 * EXPR_KIND_CHECK_CONSTRAINT does; returns its normalized SQL text and the columns it reads.
 * @throws PgError 0A000 `cannot use subquery in check constraint`, 42803 aggregate, 42P02 a
 *   parameter, 42804 not boolean, 42703 unknown column.
 */
export function analyzeCheck(env: SqlEnv, table: Table, raw: PgNode): { expr: string; columns: number[] } {
  rejectSubqueriesAndParams(raw, 'check constraint');
  const scope = tableParseState(env, table, [], []);
  scope.aggregateClause = 'check constraints';
  scope.windowClause = 'check constraints';
  // PostgreSQL reports a non-boolean CHECK at the expression's leftmost token.
  const first = leftmostLocation(raw);
  const e = requireBool(scope, inStoredExpression(env, 'check constraints', () => analyzeExpr(scope, raw)), 'argument of CHECK', first === undefined ? raw : { X: { location: first } });
  const columns = new Set<number>();
  const collect = (x: Expr): Expr => {
    if (x.k === 'var' && x.levelsUp === 0) columns.add(x.col);
    return mapOperands(x, collect);
  };
  collect(e);
  return { expr: deparseRawChecked(raw, 'check constraints'), columns: [...columns] };
}

function compile(env: SqlEnv, table: Table): CompiledChecks {
  const hit = compiledChecks.get(table.def);
  if (hit !== undefined) return hit;
  const checks = [...(table.def.checks ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const scope = tableParseState(env, table, [], []);
  const c: CompiledChecks = {
    names: checks.map((k) => k.name),
    exprs: checks.map((k) => bindToRow(analyzeExpr(scope, parseStoredExpr(k.expr)))),
  };
  compiledChecks.set(table.def, c);
  return c;
}

/** `Failing row contains (...)`: every column's text, NULL as `null` (PostgreSQL's ExecBuildSlotValueDescription). */
export function failingRowDetail(table: Table, values: readonly Value[], zone: TimeZone = DETAIL_ZONE): string {
  const parts = table.def.columns.map((c, i) => valueToText(values[i] ?? null, c.type, zone) ?? 'null');
  return `Failing row contains (${parts.join(', ')}).`;
}

/** The first CHECK constraint of `table` (in name order) that `values` makes FALSE, or null. */
export function failedCheck(env: SqlEnv, table: Table, values: readonly Value[]): string | null {
  if (table.def.checks === undefined || table.def.checks.length === 0) return null;
  const c = compile(env, table);
  for (let i = 0; i < c.exprs.length; i++) {
    if (evalExpr(c.exprs[i]!, values, NO_CONTEXT) === false) return c.names[i]!;
  }
  return null;
}

/**
 * Checks the CHECK constraints of `table` for a row about to be written.
 * @throws PgError 23514 `new row for relation "t" violates check constraint "c"` with the row
 *   in its DETAIL.
 */
export function checkConstraints(env: SqlEnv, table: Table, values: readonly Value[]): void {
  const failed = failedCheck(env, table, values);
  if (failed === null) return;
  throw new PgError(SQLSTATE.check_violation, `new row for relation "${shownName(table.name, table.name)}" violates check constraint "${shownName(failed, table.name)}"`, {
    detail: failingRowDetail(table, values, env.settings.timeZone()),
  });
}

/** Every constraint name a table holds: primary key, UNIQUE, CHECK, FOREIGN KEY, NOT NULL. */
export function constraintNamesOf(env: SqlEnv, def: TableDef): string[] {
  const out: string[] = [];
  for (const d of env.catalog.indexesOf(def.name)) if (d.primaryKey || d.constraint === true) out.push(d.name);
  for (const c of def.checks ?? []) out.push(c.name);
  for (const f of def.foreignKeys ?? []) out.push(f.name);
  for (const c of def.columns) if (c.notNull) out.push(notNullConstraintName(def.name, c));
  return out;
}

/**
 * Every constraint name of the schema's tables: PostgreSQL chooses a default name unique in the
 * namespace (ConstraintNameExists), not only in its table.
 */
export function schemaConstraintNames(env: SqlEnv): Set<string> {
  const out = new Set<string>();
  for (const n of env.catalog.tableNames()) for (const c of constraintNamesOf(env, env.catalog.peekTable(n)!.def)) out.add(c);
  return out;
}

/**
 * PostgreSQL's ChooseConstraintName: `<table>_<col>[_<col>...]_<label>` (`t_check` with no
 * column), then `...1`, `...2` while the name is in `taken`, is a constraint's anywhere in the
 * schema, or (`label` `key` and `pkey`: the name of an index) names a relation. Names are cut
 * to 63 bytes as NAMEDATALEN does.
 */
export function chooseConstraintName(env: SqlEnv, table: string, columns: readonly string[], label: string, taken: ReadonlySet<string>): string {
  const used = schemaConstraintNames(env);
  const isIndex = label === 'key' || label === 'pkey';
  for (let i = 0; ; i++) {
    const name = makeObjectName(table, columns.length === 0 ? null : columns.join('_'), i === 0 ? label : `${label}${i}`);
    if (!taken.has(name) && !used.has(name) && !(isIndex && env.catalog.relationExists(name))) return name;
  }
}

/**
 * PostgreSQL's makeObjectName: `name1[_name2]_label` within 63 bytes of UTF-8, cutting the
 * longer of the two names first (a byte at a time), then each back to a whole character
 * (pg_mbcliplen), so both stay recognizable.
 */
function makeObjectName(name1: string, name2: string | null, label: string): string {
  const avail = NAME_BYTES_MAX - (utf8.encode(label).length + 1) - (name2 === null ? 0 : 1);
  let n1 = utf8.encode(name1).length;
  let n2 = name2 === null ? 0 : utf8.encode(name2).length;
  while (n1 + n2 > avail) {
    if (n1 > n2) n1--;
    else n2--;
  }
  return `${clipBytes(name1, n1)}${name2 === null ? '' : `_${clipBytes(name2, n2)}`}_${label}`;
}

/** NAMEDATALEN - 1: the most bytes of an identifier PostgreSQL keeps. */
const NAME_BYTES_MAX = 63;
const utf8 = new TextEncoder();

/** The longest prefix of `s` of whole characters within `bytes` bytes of UTF-8. */
function clipBytes(s: string, bytes: number): string {
  let out = '';
  let used = 0;
  for (const ch of s) {
    used += utf8.encode(ch).length;
    if (used > bytes) break;
    out += ch;
  }
  return out;
}

/**
 * `columns` of table `table` with the NOT NULL constraints of the columns at `fresh` (being made
 * NOT NULL now, without a written name) named as PostgreSQL 18's AddRelationNotNullConstraints
 * names them, ChooseConstraintName(table, column, 'not_null'): a name `taken` or a constraint of
 * the schema holds gets a number, a long one is cut to 63 bytes. A name other than
 * `<table>_<column>_not_null` is recorded in `notNullName`. Adds the names to `taken`.
 */
export function nameNewNotNulls(env: SqlEnv, table: string, columns: readonly ColumnDef[], fresh: readonly number[], taken: Set<string>): ColumnDef[] {
  return columns.map((c, i) => {
    if (!fresh.includes(i) || !c.notNull || c.notNullName !== undefined) return c;
    const name = chooseConstraintName(env, table, [c.name], 'not_null', taken);
    taken.add(name);
    return name === notNullConstraintName(table, c) ? c : { ...c, notNullName: name };
  });
}

/** A copy of `checks` (never mutated in place: compiled forms are cached per definition). */
export function withCheck(checks: readonly CheckDef[] | undefined, c: CheckDef): CheckDef[] {
  return [...(checks ?? []), c];
}
