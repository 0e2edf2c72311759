/**
 * ALTER TABLE and ALTER TABLE ... RENAME (PostgreSQL's tablecmds.c): ADD COLUMN, DROP COLUMN,
 * ALTER COLUMN SET / DROP DEFAULT, SET / DROP NOT NULL, SET / DROP EXPRESSION and TYPE, ADD
 * CONSTRAINT (CHECK, UNIQUE, FOREIGN KEY) validated against the existing rows, DROP
 * CONSTRAINT, RENAME TO, RENAME COLUMN, RENAME CONSTRAINT, and OWNER TO the one user vecgres
 * has. Any other subcommand is 0A000 naming it.
 *
 * Each subcommand is one or more catalog changes of the session's transaction (ddl_txn.ts:
 * alterTableTx, addColumnTx, dropColumnTx, rewriteColumnTx, createIndexTx, dropIndexTx), each
 * logged with the xid and undone with the transaction: a failed ALTER TABLE, a ROLLBACK (to a
 * savepoint) or a crash before the commit record leaves the table as it was. DROP COLUMN and
 * ALTER COLUMN ... TYPE must be the statement's only subcommand.
 */
import { checkNotSystemColumn } from './relation_lookup.js';
import { relationKey, shownName } from '../../storage/schema_def.js';
import { foldClockLiterals } from '../analyze/clock_literals.js';
import { addPrimaryKey } from './primary_key.js';
import { addIdentity, dropIdentity, nextvalDefault, setIdentity } from './sequences.js';
import { PgError, SQLSTATE, pgErr, pos, withoutPosition } from '../../common/errors.js';
import { Table, notNullConstraintName, type ColumnDef, type TableDef, type Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import type { PgNode } from '../parser/parse.js';
import { analyzeExpr, resolveTypeName, type Expr } from '../analyze/expr.js';
import { analyzeDefault, assignCoerce, isNullConstantDefault, tableParseState } from '../analyze/query.js';
import { typeName } from '../analyze/types.js';
import { deparseRawChecked } from '../parser/deparse_raw.js';
import { bindToRow, constraintNamesOf, failedCheck, nameNewNotNulls } from './constraints.js';
import { analyzeGeneration, generatedDependents, generatedValues, renameInGeneration, requireStored } from './generated_columns.js';
import { cascadeNotice, missingSchema, notice, referencedRelation, type Notices } from './ddl.js';
import { requireNoPendingRows } from './dml.js';
import { addColumnTx, alterTableTx, dropColumnTx, dropIndexTx, rewriteColumnTx } from './ddl_txn.js';
import { ensureXid } from './txn.js';
import { evalExpr, NO_CONTEXT } from './eval.js';
import { hasEnumElements } from '../../types/enum_value.js';
import { referencedKeyExists } from './foreign_keys.js';
import { parseStoredExpr } from './index_keys.js';
import { assignAddedColumnOids, assignAddedConstraintOids, assignAlteredColumnOids, enumTypeOf } from './catalog_describe.js';
import { applyConstraintAttrs, constraintKeyword, createUniqueConstraintIndexes, prepareConstraints, referencingForeignKeys, type PendingConstraint } from './table_constraints.js';
import { valueToText } from '../analyze/types.js';
import { columnRefNames, renameColumnRefs, walkRaw } from '../parser/walk.js';
import { hasRowType } from '../analyze/namespace.js';

/** Functions PostgreSQL marks VOLATILE: a DEFAULT calling one is evaluated per existing row. */
const VOLATILE = new Set(['random', 'random_normal', 'gen_random_uuid', 'uuidv4', 'uuidv7', 'nextval', 'clock_timestamp', 'timeofday', 'setseed', 'setval']);

/** The user vecgres runs every session as (current_user). */
const ONLY_USER = 'postgres';

/** The last name part of each ColumnRef in a stored expression's text. */
export function columnsNamed(text: string): Set<string> {
  return columnRefNames(parseStoredExpr(text));
}


/** 23502 for a NOT NULL column a rewrite or a check of the rows finds a NULL in. */
function containsNulls(t: Table, column: string): PgError {
  return new PgError(SQLSTATE.not_null_violation, `column "${column}" of relation "${t.name}" contains null values`);
}

function columnMissing(name: string, table: string): PgError {
  return new PgError(SQLSTATE.undefined_column, `column "${name}" of relation "${table}" does not exist`);
}

function columnIndex(t: Table, name: string): number {
  const i = t.columnIndex(name);
  if (i < 0) throw columnMissing(name, t.name);
  return i;
}

/** Replaces table `t`'s definition through the catalog, remembering the inverse. */
function replaceDef(env: SqlEnv, t: Table, def: TableDef): void {
  const oldName = t.name;
  alterTableTx(env, env.txn, oldName, def);
}

function withColumn(def: TableDef, col: number, change: Partial<ColumnDef>): TableDef {
  return { ...def, columns: def.columns.map((c, i) => (i === col ? { ...c, ...change } : c)) };
}

/**
 * Column `c` of table `table` with its NOT NULL constraint's name recorded, before a rename of
 * the table or the column would change the name derived from them (PostgreSQL keeps it).
 */
function keepNotNullName(table: string, c: ColumnDef): ColumnDef {
  return c.notNull && c.notNullName === undefined ? { ...c, notNullName: notNullConstraintName(table, c) } : c;
}

/** True when live row `r` is visible to everyone (no in-flight writes: checked by the caller). */
function* liveRows(t: Table): Generator<number> {
  for (let r = 0; r < t.slots; r++) if (t.isLive(r)) yield r;
}

function rowOf(t: Table, r: number): Value[] {
  return t.def.columns.map((_, c) => t.get(c, r));
}

/** ADD CONSTRAINT (or a column's constraints of ADD COLUMN): prepared, validated, installed. */
function addConstraints(env: SqlEnv, t: Table, pending: PendingConstraint[]): void {
  for (const p of pending) {
    if (p.node.contype === 'CONSTR_EXCLUSION') throw pgErr.featureNotSupported('exclusion constraints');
  }
  const primary = pending.filter((p) => p.node.contype === 'CONSTR_PRIMARY');
  if (primary.length > 0) {
    if (primary.length !== pending.length || pending.some((p) => p.column !== null)) throw pgErr.featureNotSupported('ALTER TABLE ... ADD PRIMARY KEY together with other constraints');
    for (const p of primary) addPrimaryKey(env, env.catalog.getTable(t.name)!, p.node);
    return;
  }
  const prepared = prepareConstraints(env, t, pending, new Set(constraintNamesOf(env, t.def)));
  // ATRewriteTable's checks of the existing rows (NOT VALID skips them).
  const validate = pending.filter((p) => p.node.skip_validation !== true);
  if (prepared.checks.length > 0 && validate.some((p) => p.node.contype === 'CONSTR_CHECK')) {
    const shell: TableDef = { ...t.def, checks: prepared.checks };
    const probe = new Table(shell);
    try {
      for (const r of liveRows(t)) {
        const failed = failedCheck(env, probe, rowOf(t, r));
        if (failed !== null) throw new PgError(SQLSTATE.check_violation, `check constraint "${failed}" of relation "${t.name}" is violated by some row`);
      }
    } finally {
      probe.dispose();
    }
  }
  if (validate.some((p) => p.node.contype === 'CONSTR_FOREIGN')) {
    for (const fk of prepared.foreignKeys) {
      const ref = fk.refTable === t.name ? t : env.catalog.getTable(fk.refTable)!;
      if (ref !== t) requireNoPendingRows(ref, env.txn.xid);
      if (fk.refTable === t.name) continue; // self-reference: checked below once installed
      for (const r of liveRows(t)) {
        const key = fk.columns.map((c) => t.get(c, r));
        if (key.some((v) => v === null)) continue;
        // This transaction's own rows count (a dump loaded in one transaction adds its
        // foreign keys after its rows); other transactions' pending rows were refused above.
        if (!referencedKeyExists(env, ref, fk.refColumns, key, env.txn.xid)) {
          const cols = t.def.columns;
          throw new PgError('23503', `insert or update on table "${shownName(t.name, t.name)}" violates foreign key constraint "${shownName(fk.name, t.name)}"`, {
            detail: `Key (${fk.columns.map((c) => cols[c]!.name).join(', ')})=(${key.map((v, i) => valueToText(v, cols[fk.columns[i]!]!.type, env.settings.timeZone()) ?? 'null').join(', ')}) is not present in table "${shownName(fk.refTable, fk.refTable)}".`,
          });
        }
      }
    }
  }
  createUniqueConstraintIndexes(env, t, prepared.uniques);
  assignAddedConstraintOids(env, t, prepared.checks, prepared.foreignKeys);
  if (prepared.checks.length > 0 || prepared.foreignKeys.length > 0) {
    const def: TableDef = { ...t.def };
    if (prepared.checks.length > 0) def.checks = [...(t.def.checks ?? []), ...prepared.checks];
    if (prepared.foreignKeys.length > 0) def.foreignKeys = [...(t.def.foreignKeys ?? []), ...prepared.foreignKeys];
    replaceDef(env, t, def);
  }
  // A self-referencing key can only be checked once the table holds it (its unique index may
  // be new in this very statement).
  for (const fk of prepared.foreignKeys) {
    if (fk.refTable !== t.name || validate.every((p) => p.node.contype !== 'CONSTR_FOREIGN')) continue;
    for (const r of liveRows(t)) {
      const key = fk.columns.map((c) => t.get(c, r));
      if (key.some((v) => v === null)) continue;
      if (!referencedKeyExists(env, t, fk.refColumns, key, env.txn.xid)) {
        const cols = t.def.columns;
        throw new PgError('23503', `insert or update on table "${shownName(t.name, t.name)}" violates foreign key constraint "${shownName(fk.name, t.name)}"`, {
          detail: `Key (${fk.columns.map((c) => cols[c]!.name).join(', ')})=(${key.map((v, i) => valueToText(v, cols[fk.columns[i]!]!.type, env.settings.timeZone()) ?? 'null').join(', ')}) is not present in table "${shownName(t.name, t.name)}".`,
        });
      }
    }
  }
}

function dropIndexNow(env: SqlEnv, name: string): void {
  dropIndexTx(env, env.txn, name);
}

/** The foreign keys (of any table) that need unique index `index` of table `t` (no other key of `t` serves them). */
function foreignKeysUsing(env: SqlEnv, t: Table, index: string): { holder: Table; name: string }[] {
  const def = env.catalog.getIndex(index)!;
  const cols = def.keys.map((k) => k.column);
  const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((c) => b.includes(c));
  const others = env.catalog.indexesOf(t.name).filter((d) => d.name !== index && d.unique && d.predicate === null && d.keys.every((k) => k.expr === null));
  const out: { holder: Table; name: string }[] = [];
  const holders = [...referencingForeignKeys(env, t.name), ...(t.def.foreignKeys ?? []).filter((f) => f.refTable === t.name).map((fk) => ({ holder: t, fk }))];
  for (const { holder, fk } of holders) {
    if (!same(fk.refColumns, cols)) continue;
    if ((!def.primaryKey && same(fk.refColumns, t.def.primaryKey)) || others.some((d) => same(fk.refColumns, d.keys.map((k) => k.column)))) continue;
    out.push({ holder, name: fk.name });
  }
  return out;
}

function dropForeignKey(env: SqlEnv, holder: Table, name: string): void {
  const fks = (holder.def.foreignKeys ?? []).filter((f) => f.name !== name);
  const { foreignKeys: _drop, ...rest } = holder.def;
  replaceDef(env, holder, fks.length > 0 ? { ...rest, foreignKeys: fks } : rest);
}

function dropCheck(env: SqlEnv, t: Table, name: string): void {
  const checks = (t.def.checks ?? []).filter((c) => c.name !== name);
  const { checks: _drop, ...rest } = t.def;
  replaceDef(env, t, checks.length > 0 ? { ...rest, checks } : rest);
}

/**
 * The name constraint `written` of `t` is stored under: names chosen for a table of a user
 * schema, and its constraints' indexes, carry the schema's prefix (storage/schema_def.ts).
 */
function storedConstraintName(env: SqlEnv, t: Table, written: string): string {
  const prefixed = relationKey(env.catalog.splitKey(t.name).schema, written);
  if (prefixed === written) return written;
  const names = constraintNamesOf(env, t.def);
  return names.includes(prefixed) && !names.includes(written) ? prefixed : written;
}

/** DROP CONSTRAINT [IF EXISTS] name [CASCADE]. */
function dropConstraint(env: SqlEnv, t: Table, cmd: PgNode, notices: Notices): void {
  const name = storedConstraintName(env, t, cmd.name as string);
  if ((t.def.checks ?? []).some((c) => c.name === name)) return dropCheck(env, t, name);
  if ((t.def.foreignKeys ?? []).some((f) => f.name === name)) return dropForeignKey(env, t, name);
  // A NOT NULL constraint (PostgreSQL 18 lists them by name): dropping it is DROP NOT NULL.
  const nn = t.def.columns.find((c) => c.notNull && notNullConstraintName(t.name, c) === name);
  if (nn !== undefined) {
    // PostgreSQL's dropconstraint_internal: the primary key's column first, then identity.
    if (t.def.primaryKey.includes(t.def.columns.indexOf(nn))) throw new PgError('42P16', `column "${nn.name}" is in a primary key`);
    if (nn.identity !== undefined) throw new PgError('55000', `column "${nn.name}" of relation "${t.name}" is an identity column`);
    return notNull(env, t, { name: nn.name }, false);
  }
  const idx = env.catalog.getIndex(name);
  if (idx !== undefined && idx.table === t.name && (idx.primaryKey || idx.constraint === true)) {
    const deps = foreignKeysUsing(env, t, name);
    if (deps.length > 0) {
      const lines = deps.map((d) => `constraint ${d.name} on table ${d.holder.name}`);
      if (cmd.behavior !== 'DROP_CASCADE') {
        throw new PgError('2BP01', `cannot drop constraint ${name} on table ${t.name} because other objects depend on it`, {
          detail: lines.map((l) => `${l} depends on index ${name}`).join('\n'),
          hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
        });
      }
      notices.push(cascadeNotice(lines));
      for (const d of deps) dropForeignKey(env, env.catalog.getTable(d.holder.name)!, d.name);
    }
    // A primary key: the table has none from now on (its key map goes); its columns keep
    // their NOT NULL constraints, as in PostgreSQL 18.
    if (idx.primaryKey) alterTableTx(env, env.txn, t.name, { ...env.catalog.getTable(t.name)!.def, primaryKey: [] });
    dropIndexNow(env, name);
    return;
  }
  if (cmd.missing_ok === true) {
    notices.push(notice(SQLSTATE.successful_completion, `constraint "${name}" of relation "${t.name}" does not exist, skipping`));
    return;
  }
  throw new PgError(SQLSTATE.undefined_object, `constraint "${name}" of relation "${t.name}" does not exist`);
}

/** ADD COLUMN [IF NOT EXISTS] name type [DEFAULT e] [NOT NULL] [CHECK / UNIQUE / REFERENCES]. */
function addColumn(env: SqlEnv, t: Table, cmd: PgNode, notices: Notices): void {
  const cd = cmd.def.ColumnDef;
  const colname: string = cd.colname;
  checkNotSystemColumn(colname);
  if (t.columnIndex(colname) >= 0) {
    if (cmd.missing_ok === true) {
      notices.push(notice(SQLSTATE.duplicate_column, `column "${colname}" of relation "${t.name}" already exists, skipping`));
      return;
    }
    throw new PgError(SQLSTATE.duplicate_column, `column "${colname}" of relation "${t.name}" already exists`);
  }
  const names: string[] = cd.typeName.names.map((n: PgNode) => n.String.sval as string);
  const last = names[names.length - 1]!;
  if (last === 'serial' || last === 'serial4' || last === 'bigserial' || last === 'serial8' || last === 'smallserial' || last === 'serial2') {
    throw pgErr.featureNotSupported('ALTER TABLE ... ADD COLUMN of a serial column');
  }
  const { type, typmod } = resolveTypeName(cd.typeName, (n) => enumTypeOf(env, n), (sc, n) => hasRowType(env, sc, n));
  if (type === 'unknown' || type === 'timetz') throw pgErr.featureNotSupported(`type ${typeName(type)} in tables`);
  const col: ColumnDef = { name: colname, type, typmod, notNull: false, sequence: null, defaultSql: null };
  const pending: PendingConstraint[] = [];
  let rawDefault: PgNode | null = null;
  let rawGeneration: PgNode | null = null;
  const at = t.def.columns.length;
  applyConstraintAttrs((cd.constraints ?? []) as PgNode[]);
  for (const cn of (cd.constraints ?? []) as PgNode[]) {
    const c = cn.Constraint;
    switch (c.contype) {
      case 'CONSTR_NOTNULL':
        col.notNull = true;
        if (typeof c.conname === 'string') col.notNullName = c.conname;
        break;
      case 'CONSTR_NULL':
        break;
      case 'CONSTR_DEFAULT':
        if (rawGeneration !== null) throw new PgError('42601', `both default and generation expression specified for column "${colname}" of table "${t.name}"`);
        rawDefault = foldClockLiterals(env, c.raw_expr, col.type, col.typmod);
        col.defaultSql = JSON.stringify(rawDefault);
        break;
      case 'CONSTR_CHECK':
      case 'CONSTR_UNIQUE':
      case 'CONSTR_FOREIGN':
        pending.push({ node: c, column: at });
        break;
      case 'CONSTR_PRIMARY':
        throw pgErr.featureNotSupported('ALTER TABLE ... ADD COLUMN ... PRIMARY KEY');
      case 'CONSTR_IDENTITY':
        throw pgErr.featureNotSupported('identity columns');
      case 'CONSTR_ATTR_DEFERRABLE':
      case 'CONSTR_ATTR_NOT_DEFERRABLE':
      case 'CONSTR_ATTR_DEFERRED':
      case 'CONSTR_ATTR_IMMEDIATE':
      case 'CONSTR_ATTR_ENFORCED':
      case 'CONSTR_ATTR_NOT_ENFORCED':
        // Set on the constraint they follow by applyConstraintAttrs.
        break;
      case 'CONSTR_GENERATED':
        if (rawGeneration !== null) throw new PgError('42601', `multiple generation clauses specified for column "${colname}" of table "${t.name}"`);
        if (rawDefault !== null) throw new PgError('42601', `both default and generation expression specified for column "${colname}" of table "${t.name}"`);
        requireStored(c);
        rawGeneration = c.raw_expr;
        break;
      default:
        throw pgErr.featureNotSupported(`constraint ${constraintKeyword(c.contype)}`);
    }
  }
  if (rawGeneration !== null) {
    col.generated = 's';
    const shell = new Table({ ...t.def, columns: [...t.def.columns, col] });
    try {
      col.defaultSql = withoutPosition(() => analyzeGeneration(env, shell, at, rawGeneration));
    } finally {
      shell.dispose();
    }
    addGeneratedColumn(env, t, col, pending);
    return;
  }
  // The existing rows get the default, evaluated once (PostgreSQL's attmissingval); a
  // volatile default would need a value per row.
  let fill: Value = null;
  if (rawDefault !== null) {
    const shell = new Table({ ...t.def, columns: [...t.def.columns, col] });
    try {
      const e = withoutPosition(() => analyzeDefault(env, shell, at, rawDefault));
      if (isNullConstantDefault(env, col.type, col.typmod, rawDefault)) col.defaultSql = null;
      let volatile = false;
      walkRaw(rawDefault, (tag, n) => {
        if (tag === 'FuncCall' && VOLATILE.has((n.funcname as PgNode[])[n.funcname.length - 1].String.sval as string)) volatile = true;
      });
      if (volatile && t.liveCount > 0) throw pgErr.featureNotSupported('ALTER TABLE ... ADD COLUMN with a volatile DEFAULT on a table with rows');
      if (t.liveCount > 0) {
        fill = evalExpr(e, null, { ...NO_CONTEXT, zone: env.settings.timeZone() });
        if (fill instanceof Float32Array || fill instanceof Uint16Array) fill = fill.slice();
      }
    } finally {
      shell.dispose();
    }
  }
  if (fill !== null && (type === 'vector' || type === 'halfvec' || type === 'sparsevec' || type === 'bit' || type === 'varbit')) {
    throw pgErr.featureNotSupported(`ALTER TABLE ... ADD COLUMN of type ${typeName(type)} with a DEFAULT on a table with rows`);
  }
  if (col.notNull && fill === null && t.liveCount > 0) {
    throw containsNulls(t, colname);
  }
  const [named] = nameNewNotNulls(env, t.name, [col], [0], new Set(constraintNamesOf(env, t.def)));
  addColumnTx(env, env.txn, t.name, named!, fill);
  const added = env.catalog.getTable(t.name)!;
  assignAddedColumnOids(env, added, added.def.columns.length - 1);
  if (pending.length > 0) addConstraints(env, t, pending);
}

/**
 * ADD COLUMN ... GENERATED ALWAYS AS (e) STORED (column `col`, its expression analyzed): the
 * column is added, then every row's value computed and written, a rewrite as PostgreSQL's.
 * @throws PgError the expression's errors for a row, 23502 for a NULL under NOT NULL.
 */
function addGeneratedColumn(env: SqlEnv, t: Table, col: ColumnDef, pending: PendingConstraint[]): void {
  const at = t.def.columns.length;
  const values = t.liveCount > 0 ? generatedValues(env, t, at, col) : [];
  // Its rows are copied as committed: the transaction's own uncommitted rows are refused.
  if (values.length > 0 && t.pendingRows > 0) throw pgErr.featureNotSupported('ALTER TABLE ... ADD COLUMN ... GENERATED on a table the same transaction has written');
  if (col.notNull && values.some((v) => v === null)) {
    throw containsNulls(t, col.name);
  }
  const [named] = nameNewNotNulls(env, t.name, [col], [0], new Set(constraintNamesOf(env, t.def)));
  addColumnTx(env, env.txn, t.name, named!, null);
  if (values.length > 0) rewriteColumnTx(env, env.txn, t.name, at, env.catalog.getTable(t.name)!.def.columns[at]!, values);
  const added = env.catalog.getTable(t.name)!;
  assignAddedColumnOids(env, added, at);
  if (pending.length > 0) addConstraints(env, added, pending);
}

/** DROP COLUMN [IF EXISTS] name [CASCADE]: its indexes and the table's constraints on it go with it (also DROP EXTENSION ... CASCADE's). */
export function dropColumn(env: SqlEnv, t: Table, cmd: PgNode, notices: Notices): void {
  const name: string = cmd.name;
  const col = t.columnIndex(name);
  if (col < 0) {
    if (cmd.missing_ok === true) {
      notices.push(notice(SQLSTATE.successful_completion, `column "${name}" of relation "${t.name}" does not exist, skipping`));
      return;
    }
    throw columnMissing(name, t.name);
  }
  if (t.def.columns.length === 1) throw pgErr.featureNotSupported('dropping the last column of a table');
  // Other tables' foreign keys on the column and the generated columns that read it need
  // CASCADE (PostgreSQL's dependency check).
  const deps = referencingForeignKeys(env, t.name).filter((d) => d.fk.refColumns.includes(col));
  const generated = generatedDependents(t.def, name).filter((i) => i !== col).map((i) => t.def.columns[i]!.name);
  if (deps.length > 0 || generated.length > 0) {
    const lines = [...generated.map((g) => `column ${g} of table ${t.name}`), ...deps.map((d) => `constraint ${d.fk.name} on table ${d.holder.name}`)];
    if (cmd.behavior !== 'DROP_CASCADE') {
      throw new PgError('2BP01', `cannot drop column ${name} of table ${t.name} because other objects depend on it`, {
        detail: lines.map((l) => `${l} depends on column ${name} of table ${t.name}`).join('\n'),
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
    notices.push(cascadeNotice(lines));
    for (const d of deps) dropForeignKey(env, env.catalog.getTable(d.holder.name)!, d.fk.name);
    for (const g of generated) dropColumn(env, env.catalog.getTable(t.name)!, { name: g, behavior: 'DROP_CASCADE' }, []);
    dropColumn(env, env.catalog.getTable(t.name)!, { ...cmd, behavior: 'DROP_RESTRICT' }, notices);
    return;
  }
  // A primary-key column takes the key with it (the key's index depends on the column): the
  // table has none afterwards, as after DROP CONSTRAINT of it; the index goes below.
  if (t.def.primaryKey.includes(col)) alterTableTx(env, env.txn, t.name, { ...t.def, primaryKey: [] });
  for (const fk of t.def.foreignKeys ?? []) if (fk.columns.includes(col) || (fk.refTable === t.name && fk.refColumns.includes(col))) dropForeignKey(env, t, fk.name);
  for (const c of t.def.checks ?? []) if (columnsNamed(c.expr).has(name)) dropCheck(env, t, c.name);
  for (const d of env.catalog.indexesOf(t.name)) {
    const uses = d.keys.some((k) => (k.expr === null ? k.column === col : columnsNamed(k.expr).has(name))) || (d.predicate !== null && columnsNamed(d.predicate).has(name));
    if (uses) dropIndexNow(env, d.name);
  }
  dropColumnTx(env, env.txn, t.name, col);
}

/** ALTER COLUMN name SET DEFAULT e / DROP DEFAULT. */
function columnDefault(env: SqlEnv, t: Table, cmd: PgNode): void {
  const col = columnIndex(t, cmd.name);
  if (t.def.columns[col]!.generated !== undefined) {
    throw new PgError(SQLSTATE.syntax_error, `column "${cmd.name}" of relation "${t.name}" is a generated column`, {
      hint: `Use ALTER TABLE ... ALTER COLUMN ... ${cmd.def === undefined ? 'DROP' : 'SET'} EXPRESSION instead.`,
    });
  }
  if (cmd.def === undefined) {
    replaceDef(env, t, withColumn(t.def, col, { defaultSql: null, sequence: null }));
    return;
  }
  const seq = nextvalDefault(env, t.def.columns[col]!.type, cmd.def); // an unknown sequence: 42P01 without a position
  const def = foldClockLiterals(env, cmd.def, t.def.columns[col]!.type, t.def.columns[col]!.typmod);
  withoutPosition(() => analyzeDefault(env, t, col, def)); // its errors (42804, 22P02, 0A000) come now, as PostgreSQL's
  const stored = seq === null && !isNullConstantDefault(env, t.def.columns[col]!.type, t.def.columns[col]!.typmod, def) ? JSON.stringify(def) : null;
  replaceDef(env, t, withColumn(t.def, col, seq !== null ? { defaultSql: null, sequence: seq } : { defaultSql: stored, sequence: null }));
  assignAlteredColumnOids(env, env.catalog.getTable(t.name)!, col);
}

/** ALTER COLUMN name SET NOT NULL (every row checked) / DROP NOT NULL. */
function notNull(env: SqlEnv, t: Table, cmd: PgNode, set: boolean): void {
  const col = columnIndex(t, cmd.name);
  if (!set && t.def.columns[col]!.identity !== undefined) throw new PgError('42601', `column "${cmd.name}" of relation "${t.name}" is an identity column`);
  if (!set && t.def.primaryKey.includes(col)) throw new PgError('42P16', `column "${cmd.name}" is in a primary key`);
  if (set) {
    for (const r of liveRows(t)) {
      if (t.get(col, r) === null) throw containsNulls(t, cmd.name);
    }
  }
  // SET NOT NULL on a NOT NULL column keeps its constraint (and name); DROP removes it, so a
  // later SET makes one named after the current table and column.
  let def: TableDef;
  if (!set) def = withColumn(t.def, col, { notNull: false, notNullName: undefined });
  else if (t.def.columns[col]!.notNull) def = withColumn(t.def, col, { notNull: true });
  else def = { ...t.def, columns: nameNewNotNulls(env, t.name, withColumn(t.def, col, { notNull: true }).columns, [col], new Set(constraintNamesOf(env, t.def))) };
  replaceDef(env, t, def);
  if (set) assignAlteredColumnOids(env, env.catalog.getTable(t.name)!, col);
}

/**
 * ALTER COLUMN name [SET DATA] TYPE type [USING expr]: every row's new value is the USING
 * expression (default: the column) coerced by assignment to the new type, as PostgreSQL's
 * ATPrepAlterColumnType / ATRewriteTable; the table is rewritten (one logged change) and its
 * indexes rebuilt. Re-embedding: `TYPE vector(256) USING subvector(embedding, 1, 256)::vector(256)`.
 * @throws PgError 42804 `column "x" cannot be cast automatically to type y` (with PostgreSQL's
 *   HINT), errors of the expression for any row (22000 for a wrong dimension), 0A000 for a
 *   column in a key, a constraint, an index expression or with a default.
 */
function alterColumnType(env: SqlEnv, t: Table, cmd: PgNode): void {
  const col = columnIndex(t, cmd.name);
  const cd = cmd.def.ColumnDef;
  if (cd.collClause !== undefined) throw pgErr.featureNotSupported('ALTER COLUMN ... TYPE ... COLLATE');
  const { type, typmod } = resolveTypeName(cd.typeName, (n) => enumTypeOf(env, n), (sc, n) => hasRowType(env, sc, n));
  if (type === 'unknown' || type === 'timetz') throw pgErr.featureNotSupported(`type ${typeName(type)} in tables`);
  // Its rows are copied as committed: the transaction's own uncommitted rows are refused.
  if (t.pendingRows > 0) throw pgErr.featureNotSupported('ALTER COLUMN ... TYPE of a table the same transaction has written');
  const old = t.def.columns[col]!;
  const name = old.name;
  if (old.generated !== undefined && cd.raw_default !== undefined) {
    throw new PgError('42611', 'cannot specify USING when altering type of generated column', { detail: `Column "${name}" is a generated column.`, ...pos(cmd.def.ColumnDef.location) });
  }
  const readers = generatedDependents(t.def, name).filter((i) => i !== col);
  if (readers.length > 0) {
    throw new PgError(SQLSTATE.feature_not_supported, 'cannot alter type of a column used by a generated column', { detail: `Column "${name}" is used by generated column "${t.def.columns[readers[0]!]!.name}".` });
  }
  const blocked =
    t.def.primaryKey.includes(col) ||
    (t.def.foreignKeys ?? []).some((f) => f.columns.includes(col)) ||
    referencingForeignKeys(env, t.name).some((d) => d.fk.refColumns.includes(col)) ||
    (t.def.checks ?? []).some((c) => columnsNamed(c.expr).has(name));
  if (blocked) throw pgErr.featureNotSupported('ALTER COLUMN ... TYPE of a column in a key or constraint');
  if ((old.defaultSql !== null && old.generated === undefined) || old.sequence !== null) throw pgErr.featureNotSupported('ALTER COLUMN ... TYPE of a column with a default');
  for (const d of env.catalog.indexesOf(t.name)) {
    const onCol = d.keys.some((k) => k.expr === null && k.column === col);
    if (d.keys.some((k) => k.expr !== null && columnsNamed(k.expr).has(name)) || (d.predicate !== null && columnsNamed(d.predicate).has(name))) {
      throw pgErr.featureNotSupported(`ALTER COLUMN ... TYPE of a column used by the expression or predicate of index "${d.name}"`);
    }
    if (onCol && d.method !== 'btree' && type !== old.type) throw pgErr.featureNotSupported(`ALTER COLUMN ... TYPE to another type under index "${d.name}"`);
  }
  const def: ColumnDef = { ...old, type, typmod };
  // A generated column is computed again, its expression assigned to the new type.
  const values = old.generated !== undefined ? generatedValues(env, t, col, def) : convertedValues(env, t, col, def, cd.raw_default);
  if (def.notNull && values.some((v) => v === null)) {
    throw containsNulls(t, name);
  }
  rewriteColumnTx(env, env.txn, t.name, col, def, values);
}

/**
 * ALTER COLUMN ... TYPE's new values of column `col` (its new definition `def`): the USING
 * expression `using` (default: the column) of each live row, assigned to the new type.
 * @throws PgError 42804 `column "x" cannot be cast automatically to type y` (with PostgreSQL's
 *   HINT), errors of the expression for any row.
 */
function convertedValues(env: SqlEnv, t: Table, col: number, def: ColumnDef, using: PgNode | undefined): Value[] {
  const name = def.name;
  const type = def.type;
  const shell = new Table({ ...t.def, columns: t.def.columns.map((c, i) => (i === col ? def : c)) });
  try {
    const scope = tableParseState(env, t, [], []);
    const raw: PgNode = using ?? { ColumnRef: { fields: [{ String: { sval: name } }], location: -1 } };
    let e: Expr;
    try {
      e = assignCoerce(scope, analyzeExpr(scope, raw), col, shell);
    } catch (err) {
      if (using === undefined && err instanceof PgError && err.code === SQLSTATE.datatype_mismatch) {
        throw new PgError(SQLSTATE.datatype_mismatch, `column "${name}" cannot be cast automatically to type ${typeName(type)}`, {
          hint: `You might need to specify "USING ${name}::${typeName(type)}".`,
        });
      }
      throw err;
    }
    const bound = bindToRow(e);
    const values: Value[] = [];
    // A cast to an enum type (or its array type) reads the labels through the session's catalog.
    const ctx = hasEnumElements(type) ? { ...NO_CONTEXT, env } : NO_CONTEXT;
    for (const r of liveRows(t)) {
      const v = evalExpr(bound, rowOf(t, r), ctx);
      values.push(v instanceof Float32Array || v instanceof Uint16Array ? v.slice() : v);
    }
    return values;
  } finally {
    shell.dispose();
  }
}

/** 55000 for SET / DROP EXPRESSION of a column that is not generated. */
function notGenerated(t: Table, name: string): PgError {
  return new PgError(SQLSTATE.object_not_in_prerequisite_state, `column "${name}" of relation "${t.name}" is not a generated column`);
}

/**
 * ALTER COLUMN name SET EXPRESSION AS (e): the new generation expression, every row computed
 * again with it (a rewrite, as PostgreSQL 17's ATExecSetExpression).
 * @throws PgError 55000 for a column that is not generated, the expression's errors
 *   (analyzeGeneration's, and for any row).
 */
function setExpression(env: SqlEnv, t: Table, cmd: PgNode): void {
  const col = columnIndex(t, cmd.name);
  const old = t.def.columns[col]!;
  if (old.generated === undefined) throw notGenerated(t, cmd.name);
  if (t.pendingRows > 0) throw pgErr.featureNotSupported('ALTER COLUMN ... SET EXPRESSION of a table the same transaction has written');
  const def: ColumnDef = { ...old, defaultSql: withoutPosition(() => analyzeGeneration(env, t, col, cmd.def)) };
  const values = generatedValues(env, t, col, def);
  if (def.notNull && values.some((v) => v === null)) {
    throw containsNulls(t, old.name);
  }
  rewriteColumnTx(env, env.txn, t.name, col, def, values);
  assignAlteredColumnOids(env, env.catalog.getTable(t.name)!, col);
}

/**
 * ALTER COLUMN name DROP EXPRESSION [IF EXISTS]: the column keeps its values and becomes an
 * ordinary column.
 * @throws PgError 55000 for a column that is not generated (a NOTICE with IF EXISTS).
 */
function dropExpression(env: SqlEnv, t: Table, cmd: PgNode, notices: Notices): void {
  const col = columnIndex(t, cmd.name);
  if (t.def.columns[col]!.generated === undefined) {
    if (cmd.missing_ok !== true) throw notGenerated(t, cmd.name);
    notices.push(notice(SQLSTATE.successful_completion, `column "${cmd.name}" of relation "${t.name}" is not a generated column, skipping`));
    return;
  }
  replaceDef(env, t, withColumn(t.def, col, { defaultSql: null, generated: undefined }));
}

/** True when `rv` names a sequence of the public schema. */
function isSequenceRelation(env: SqlEnv, rv: PgNode): boolean {
  const key = referencedRelation(env, rv.schemaname === undefined ? [rv.relname] : [rv.schemaname, rv.relname]).key;
  return key !== null && env.catalog.getSequence(key) !== undefined;
}

/**
 * OWNER TO (a command or statement with `newowner`): vecgres has one user; naming it (or
 * CURRENT_USER / SESSION_USER) changes nothing.
 * @throws PgError 42704 `role "x" does not exist` for any other role.
 */
export function changeOwner(cmd: PgNode): void {
  const role = cmd.newowner;
  if (role.roletype === 'ROLESPEC_CSTRING' && role.rolename !== ONLY_USER) {
    throw new PgError(SQLSTATE.undefined_object, `role "${role.rolename}" does not exist`);
  }
  if (role.roletype === 'ROLESPEC_PUBLIC') throw new PgError(SQLSTATE.undefined_object, 'role "public" does not exist');
}

/** The table an ALTER / RENAME names, or null (with PostgreSQL's NOTICE) for IF EXISTS on a missing one. */
function targetTable(env: SqlEnv, rv: PgNode, missingOk: boolean, notices: Notices): Table | null {
  const { kind, key } = referencedRelation(env, rv.schemaname === undefined ? [rv.relname] : [rv.schemaname, rv.relname]);
  if (kind === 'missing') {
    if (!missingOk) throw missingSchema([rv.schemaname, rv.relname]);
    notices.push(notice(SQLSTATE.successful_completion, `schema "${rv.schemaname}" does not exist, skipping`));
    return null;
  }
  const t = key === null ? undefined : env.catalog.getTable(key);
  if (t === undefined) {
    if (missingOk) {
      notices.push(notice(SQLSTATE.successful_completion, `relation "${rv.relname}" does not exist, skipping`));
      return null;
    }
    throw new PgError(SQLSTATE.undefined_table, `relation "${rv.relname}" does not exist`);
  }
  return t;
}


const SUBCOMMAND_NAMES: Record<string, string> = {
  AT_AddIdentity: 'ALTER COLUMN ... ADD GENERATED AS IDENTITY',
  AT_SetStatistics: 'ALTER COLUMN ... SET STATISTICS',
  AT_SetStorage: 'ALTER COLUMN ... SET STORAGE',
  AT_SetRelOptions: 'ALTER TABLE ... SET (...)',
  AT_EnableRowSecurity: 'ENABLE ROW LEVEL SECURITY',
  AT_ValidateConstraint: 'VALIDATE CONSTRAINT',
  AT_AddIndex: 'ADD CONSTRAINT ... USING INDEX',
  AT_SetLogged: 'SET LOGGED',
  AT_SetUnLogged: 'SET UNLOGGED',
};

/**
 * ALTER TABLE [IF EXISTS] t subcommand [, ...] (outside transaction blocks, as vecgres' other DDL).
 * @throws PgError as PostgreSQL for each subcommand (42P01, 42703, 42701, 42710, 42704, 23502,
 *   23514, 23503, 23505, 2BP01, 42P16), 0A000 naming an unsupported subcommand.
 */
export function alterTable(env: SqlEnv, s: PgNode, notices: Notices): void {
  const cmdsOf = ((s.cmds ?? []) as PgNode[]).map((c) => c.AlterTableCmd);
  if ((s.objtype === 'OBJECT_TABLE' || s.objtype === 'OBJECT_SEQUENCE') && cmdsOf.every((c) => c.subtype === 'AT_ChangeOwner') && isSequenceRelation(env, s.relation)) {
    // pg_dump's `ALTER TABLE public.s OWNER TO ...` of a sequence (ALTER TABLE takes any relation).
    for (const c of cmdsOf) changeOwner(c);
    return;
  }
  if (s.objtype !== 'OBJECT_TABLE') throw pgErr.featureNotSupported(`ALTER ${String(s.objtype).replace('OBJECT_', '')}`);
  const t = targetTable(env, s.relation, s.missing_ok === true, notices);
  if (t === null) return;
  requireNoPendingRows(t, ensureXid(env));
  const cmds = ((s.cmds ?? []) as PgNode[]).map((c) => c.AlterTableCmd);
  if (cmds.length > 1 && cmds.some((c) => c.subtype === 'AT_DropColumn' || c.subtype === 'AT_AlterColumnType')) {
    throw pgErr.featureNotSupported(`ALTER TABLE ... ${cmds.some((c) => c.subtype === 'AT_DropColumn') ? 'DROP COLUMN' : 'ALTER COLUMN ... TYPE'} together with other subcommands`);
  }
  for (const cmd of cmds) {
    const cur = env.catalog.getTable(t.name)!;
    switch (cmd.subtype) {
      case 'AT_AddColumn':
        addColumn(env, cur, cmd, notices);
        break;
      case 'AT_DropColumn':
        dropColumn(env, cur, cmd, notices);
        break;
      case 'AT_ColumnDefault':
        columnDefault(env, cur, cmd);
        break;
      case 'AT_SetNotNull':
      case 'AT_DropNotNull':
        notNull(env, cur, cmd, cmd.subtype === 'AT_SetNotNull');
        break;
      case 'AT_AddConstraint':
        addConstraints(env, cur, [{ node: cmd.def.Constraint, column: null }]);
        break;
      case 'AT_DropConstraint':
        dropConstraint(env, cur, cmd, notices);
        break;
      case 'AT_AlterColumnType':
        alterColumnType(env, cur, cmd);
        break;
      case 'AT_SetExpression':
        setExpression(env, cur, cmd);
        break;
      case 'AT_DropExpression':
        dropExpression(env, cur, cmd, notices);
        break;
      case 'AT_ChangeOwner':
        changeOwner(cmd);
        break;
      case 'AT_AddIdentity':
        addIdentity(env, cur, cmd);
        break;
      case 'AT_SetIdentity':
        setIdentity(env, cur, cmd);
        break;
      case 'AT_DropIdentity':
        dropIdentity(env, cur, cmd, notices);
        break;
      default:
        throw pgErr.featureNotSupported(SUBCOMMAND_NAMES[cmd.subtype] ?? `ALTER TABLE ... ${String(cmd.subtype).replace('AT_', '')}`);
    }
  }
}

/** Renames `from` to `to` in every column reference of a stored expression. */
function renameInExpr(text: string, from: string, to: string): string {
  // A copy: parsed trees are cached by text, and the old text must keep meaning the old column
  // (a rolled-back RENAME COLUMN puts it back).
  const raw = structuredClone(parseStoredExpr(text)) as PgNode;
  renameColumnRefs(raw, from, to);
  return deparseRawChecked(raw, 'check constraints');
}

/**
 * ALTER TABLE [IF EXISTS] t RENAME TO n / RENAME [COLUMN] a TO b / RENAME CONSTRAINT a TO b.
 * @throws PgError 42P07, 42701, 42703, 42704, 42710 as PostgreSQL; 0A000 for other objects and
 *   for a column an index expression or predicate names.
 */
export function renameRelation(env: SqlEnv, s: PgNode, notices: Notices): void {
  const type: string = s.renameType;
  if (type !== 'OBJECT_TABLE' && type !== 'OBJECT_COLUMN' && type !== 'OBJECT_TABCONSTRAINT') {
    throw pgErr.featureNotSupported(`ALTER ${type.replace('OBJECT_', '')} ... RENAME`);
  }
  if (type === 'OBJECT_COLUMN' && s.relationType !== 'OBJECT_TABLE') throw pgErr.featureNotSupported(`ALTER ${String(s.relationType).replace('OBJECT_', '')} ... RENAME COLUMN`);
  const t = targetTable(env, s.relation, s.missing_ok === true, notices);
  if (t === null) return;
  requireNoPendingRows(t, ensureXid(env));
  const to: string = type === 'OBJECT_TABLE' ? relationKey(env.catalog.splitKey(t.name).schema, s.newname as string) : s.newname;
  if (type === 'OBJECT_TABLE') {
    if (env.catalog.splitKey(t.name).schema === 'public') env.catalog.checkPublicName(to);
    if (env.catalog.relationExists(to)) throw new PgError(SQLSTATE.duplicate_table, `relation "${to}" already exists`);
    // NOT NULL constraints keep the names they were given under the old table name.
    replaceDef(env, t, { ...t.def, name: to, columns: t.def.columns.map((c) => keepNotNullName(t.name, c)) });
    return;
  }
  const from: string = type === 'OBJECT_TABCONSTRAINT' ? storedConstraintName(env, t, s.subname as string) : s.subname;
  if (type === 'OBJECT_TABCONSTRAINT') {
    if (constraintNamesOf(env, t.def).includes(to)) throw new PgError(SQLSTATE.duplicate_object, `constraint "${to}" for relation "${t.name}" already exists`);
    if ((t.def.checks ?? []).some((c) => c.name === from)) {
      replaceDef(env, t, { ...t.def, checks: t.def.checks!.map((c) => (c.name === from ? { ...c, name: to } : c)) });
      return;
    }
    if ((t.def.foreignKeys ?? []).some((f) => f.name === from)) {
      replaceDef(env, t, { ...t.def, foreignKeys: t.def.foreignKeys!.map((f) => (f.name === from ? { ...f, name: to } : f)) });
      return;
    }
    const nn = t.def.columns.findIndex((c) => c.notNull && notNullConstraintName(t.name, c) === from);
    if (nn >= 0) {
      replaceDef(env, t, withColumn(t.def, nn, { notNullName: to }));
      return;
    }
    if (constraintNamesOf(env, t.def).includes(from)) throw pgErr.featureNotSupported('renaming a primary key or UNIQUE constraint');
    throw new PgError(SQLSTATE.undefined_object, `constraint "${from}" for table "${t.name}" does not exist`);
  }
  const col = t.columnIndex(from);
  if (col < 0) throw new PgError(SQLSTATE.undefined_column, `column "${from}" does not exist`);
  checkNotSystemColumn(to);
  if (t.columnIndex(to) >= 0) throw new PgError(SQLSTATE.duplicate_column, `column "${to}" of relation "${t.name}" already exists`);
  for (const d of env.catalog.indexesOf(t.name)) {
    if (d.keys.some((k) => k.expr !== null && columnsNamed(k.expr).has(from)) || (d.predicate !== null && columnsNamed(d.predicate).has(from))) {
      throw pgErr.featureNotSupported(`renaming a column used by the expression or predicate of index "${d.name}"`);
    }
  }
  const def = withColumn(t.def, col, { ...keepNotNullName(t.name, t.def.columns[col]!), name: to });
  def.columns = def.columns.map((c) => renameInGeneration(c, from, to));
  if (def.checks !== undefined) def.checks = def.checks.map((c) => (columnsNamed(c.expr).has(from) ? { ...c, expr: renameInExpr(c.expr, from, to) } : c));
  replaceDef(env, t, def);
}
