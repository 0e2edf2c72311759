/**
 * The CHECK, UNIQUE and FOREIGN KEY constraints of CREATE TABLE and ALTER TABLE ... ADD
 * CONSTRAINT (PostgreSQL's transformTableConstraint, AddRelationNewConstraints and
 * ATAddForeignKeyConstraint): names chosen as PostgreSQL chooses them, expressions analyzed,
 * referenced keys validated. A UNIQUE constraint is a unique B-tree index named as the
 * constraint (`IndexDef.constraint`); CHECK and FOREIGN KEY constraints live in the table
 * definition.
 */
import { relationKey } from '../../storage/schema_def.js';
import { cascadeNotice, checkUtilitySchema } from './ddl.js';
import { alterTableTx, createIndexTx } from './ddl_txn.js';
import { PgError, SQLSTATE, pgErr, pos } from '../../common/errors.js';
import { isOrderedAm } from '../../access/am.js';
import { columnKey, lockNotAvailable, type IndexDef } from '../../storage/catalog.js';
import type { CheckDef, ColumnType, FkAction, ForeignKeyDef, Table, TableDef } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import { castContext, typeName, type SqlType } from '../analyze/types.js';
import type { PgNode } from '../parser/parse.js';
import { analyzeCheck, chooseConstraintName } from './constraints.js';
import { buildOrderedIndex, checkBuiltUnique, defaultBtreeOpclass } from './ordered_index.js';
import { objectKey } from '../stats/store.js';

/** A constraint as written: a table constraint (`column` null) or one on column `column`. */
export interface PendingConstraint {
  node: PgNode;
  column: number | null;
}

/** The constraints ready to install: CHECK and FOREIGN KEY in the definition, UNIQUE as indexes. */
export interface PreparedConstraints {
  checks: CheckDef[];
  foreignKeys: ForeignKeyDef[];
  uniques: IndexDef[];
}

function names(list: PgNode[] | undefined): string[] {
  return (list ?? []).map((n) => n.String.sval as string);
}

/** Types whose values one equality compares (PostgreSQL's cross-type btree families and implicit casts). */
function keyTypeFamily(t: ColumnType): string {
  if (t === 'int2' || t === 'int4' || t === 'int8') return 'integer';
  if (t === 'float4' || t === 'float8') return 'float';
  if (t === 'text' || t === 'varchar' || t === 'bpchar') return 'text';
  return t;
}

/**
 * Validates the columns of `fk` (parsed) against the referenced table and returns them.
 * `self` is the definition of the table being created or altered (a self-reference), with the
 * UNIQUE constraints `pendingUniques` being created in the same statement.
 * @throws PgError 42P01 no such table, 42703 unknown column, 42830 no primary key / no unique
 *   constraint matching / counts disagree, 42804 incompatible key types.
 */
function foreignKeyColumns(env: SqlEnv, self: TableDef, fk: PgNode, fkCols: number[], name: string, pendingUniques: readonly IndexDef[]): { refTable: string; refColumns: number[] } {
  const rv = fk.pktable;
  const refName = checkUtilitySchema(env, rv);
  const isSelf = refName === self.name;
  const ref = isSelf ? null : env.catalog.getTable(refName);
  if (!isSelf && ref === undefined) throw new PgError(SQLSTATE.undefined_table, `relation "${refName}" does not exist`);
  const refDef = isSelf ? self : ref!.def;
  let refColumns: number[];
  const pkAttrs = names(fk.pk_attrs);
  if (pkAttrs.length === 0) {
    if (refDef.primaryKey.length === 0) throw new PgError(SQLSTATE.undefined_object, `there is no primary key for referenced table "${refName}"`);
    refColumns = refDef.primaryKey.slice();
  } else {
    refColumns = pkAttrs.map((n) => {
      const i = refDef.columns.findIndex((c) => c.name === n);
      if (i < 0) throw new PgError(SQLSTATE.undefined_column, `column "${n}" referenced in foreign key constraint does not exist`);
      return i;
    });
  }
  if (pkAttrs.length > 0) {
    const sameSet = (cols: readonly number[]): boolean => cols.length === refColumns.length && new Set(refColumns).size === cols.length && cols.every((c) => refColumns.includes(c));
    const uniques = [...env.catalog.indexesOf(refName), ...(isSelf ? pendingUniques : [])];
    const keyed = sameSet(refDef.primaryKey) || uniques.some((d) => d.unique && !d.primaryKey && d.predicate === null && d.keys.every((k) => k.expr === null) && sameSet(d.keys.map((k) => k.column)));
    if (!keyed) throw new PgError('42830', `there is no unique constraint matching given keys for referenced table "${refName}"`);
  }
  if (refColumns.length !== fkCols.length) {
    throw new PgError('42830', 'number of referencing and referenced columns for foreign key disagree');
  }
  for (let i = 0; i < fkCols.length; i++) {
    const a = self.columns[fkCols[i]!]!;
    const b = refDef.columns[refColumns[i]!]!;
    if (keyTypeFamily(a.type) !== keyTypeFamily(b.type)) {
      // PostgreSQL accepts a referencing type that casts implicitly to the referenced one
      // (integer to numeric): its checks compare through the cast, vecgres' do not yet.
      if (castContext(a.type as SqlType, b.type as SqlType) === 'implicit') {
        throw pgErr.featureNotSupported(`a foreign key from type ${typeName(a.type)} to type ${typeName(b.type)}`);
      }
      throw new PgError(SQLSTATE.datatype_mismatch, `foreign key constraint "${name}" cannot be implemented`, {
        detail: `Key columns "${a.name}" of the referencing table and "${b.name}" of the referenced table are of incompatible types: ${typeName(a.type)} and ${typeName(b.type)}.`,
      });
    }
  }
  return { refTable: refName, refColumns };
}

/** The SQL words of a parsed constraint kind, for messages (parser node names never reach users). */
const CONSTRAINT_KEYWORDS: Record<string, string> = {
  CONSTR_NULL: 'NULL', CONSTR_NOTNULL: 'NOT NULL', CONSTR_DEFAULT: 'DEFAULT', CONSTR_IDENTITY: 'GENERATED AS IDENTITY',
  CONSTR_GENERATED: 'GENERATED ... STORED', CONSTR_CHECK: 'CHECK', CONSTR_PRIMARY: 'PRIMARY KEY', CONSTR_UNIQUE: 'UNIQUE',
  CONSTR_EXCLUSION: 'EXCLUDE', CONSTR_FOREIGN: 'FOREIGN KEY', CONSTR_ATTR_DEFERRABLE: 'DEFERRABLE',
  CONSTR_ATTR_NOT_DEFERRABLE: 'NOT DEFERRABLE', CONSTR_ATTR_DEFERRED: 'INITIALLY DEFERRED', CONSTR_ATTR_IMMEDIATE: 'INITIALLY IMMEDIATE',
  CONSTR_ATTR_ENFORCED: 'ENFORCED', CONSTR_ATTR_NOT_ENFORCED: 'NOT ENFORCED',
};

/**
 * transformConstraintAttrs (parse_utilcmd.c): a column's `DEFERRABLE`, `NOT DEFERRABLE`,
 * `INITIALLY DEFERRED / IMMEDIATE`, `ENFORCED` and `NOT ENFORCED` come from the grammar as
 * nodes of their own after the constraint they modify; they are checked against it and set on
 * it here (where vecgres cannot keep a setting, prepareConstraints says 0A000 for it).
 * @throws PgError 42601 `misplaced DEFERRABLE clause` (after a CHECK, NOT NULL, DEFAULT or
 *   nothing), `multiple DEFERRABLE/NOT DEFERRABLE clauses not allowed`, `constraint declared
 *   INITIALLY DEFERRED must be DEFERRABLE`, `misplaced ENFORCED clause` and the like.
 */
export function applyConstraintAttrs(list: readonly PgNode[]): void {
  let last: PgNode | null = null;
  let sawDeferrability = false;
  let sawInitially = false;
  let sawEnforced = false;
  const fail = (message: string, c: PgNode): never => {
    throw new PgError(SQLSTATE.syntax_error, message, pos(c.location));
  };
  const keyed = (c: PgNode | null): boolean =>
    c !== null && (c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_EXCLUSION' || c.contype === 'CONSTR_FOREIGN');
  for (const node of list) {
    const c = node.Constraint as PgNode | undefined;
    if (c === undefined) continue;
    switch (c.contype) {
      case 'CONSTR_ATTR_DEFERRABLE':
      case 'CONSTR_ATTR_NOT_DEFERRABLE': {
        const not = c.contype === 'CONSTR_ATTR_NOT_DEFERRABLE';
        if (!keyed(last)) fail(`misplaced ${not ? 'NOT ' : ''}DEFERRABLE clause`, c);
        if (sawDeferrability) fail('multiple DEFERRABLE/NOT DEFERRABLE clauses not allowed', c);
        sawDeferrability = true;
        last!.deferrable = !not;
        if (not && sawInitially && last!.initdeferred === true) fail('constraint declared INITIALLY DEFERRED must be DEFERRABLE', c);
        break;
      }
      case 'CONSTR_ATTR_DEFERRED':
      case 'CONSTR_ATTR_IMMEDIATE': {
        const deferred = c.contype === 'CONSTR_ATTR_DEFERRED';
        if (!keyed(last)) fail(`misplaced INITIALLY ${deferred ? 'DEFERRED' : 'IMMEDIATE'} clause`, c);
        if (sawInitially) fail('multiple INITIALLY IMMEDIATE/DEFERRED clauses not allowed', c);
        sawInitially = true;
        last!.initdeferred = deferred;
        if (deferred) {
          // INITIALLY DEFERRED alone implies DEFERRABLE.
          if (!sawDeferrability) last!.deferrable = true;
          else if (last!.deferrable !== true) fail('constraint declared INITIALLY DEFERRED must be DEFERRABLE', c);
        }
        break;
      }
      case 'CONSTR_ATTR_ENFORCED':
      case 'CONSTR_ATTR_NOT_ENFORCED': {
        const not = c.contype === 'CONSTR_ATTR_NOT_ENFORCED';
        if (last === null || (last.contype !== 'CONSTR_CHECK' && last.contype !== 'CONSTR_FOREIGN')) fail(`misplaced ${not ? 'NOT ' : ''}ENFORCED clause`, c);
        if (sawEnforced) fail('multiple ENFORCED/NOT ENFORCED clauses not allowed', c);
        sawEnforced = true;
        last!.is_enforced = !not;
        break;
      }
      default:
        last = c;
        sawDeferrability = false;
        sawInitially = false;
        sawEnforced = false;
    }
  }
}


/** `contype` of a parsed Constraint as SQL writes it (`NOT ENFORCED`, `EXCLUDE`). */
export function constraintKeyword(contype: unknown): string {
  return CONSTRAINT_KEYWORDS[String(contype)] ?? 'of this kind';
}

function fkAction(a: unknown): FkAction {
  return a === 'r' || a === 'c' || a === 'n' || a === 'd' ? a : 'a';
}

/**
 * Turns the constraints written for `table` into definitions: explicit names are reserved
 * first (42710 when one repeats a constraint of the table), then CHECKs, UNIQUEs and FOREIGN
 * KEYs get PostgreSQL's default names in the order written.
 * @throws PgError 42710 duplicate constraint name, 42703 unknown key column, 0A000 for
 *   DEFERRABLE, NOT ENFORCED, MATCH FULL / PARTIAL, SET NULL (columns), NO INHERIT, NULLS NOT DISTINCT,
 *   and the errors of {@link analyzeCheck} and {@link foreignKeyColumns}.
 */
export function prepareConstraints(env: SqlEnv, table: Table, pending: readonly PendingConstraint[], taken: Set<string>): PreparedConstraints {
  const def = table.def;
  const out: PreparedConstraints = { checks: [], foreignKeys: [], uniques: [] };
  const existing = new Set(taken);
  for (const p of pending) {
    const n: string | undefined = p.node.conname;
    if (n === undefined) continue;
    if (taken.has(n)) {
      // PostgreSQL: a UNIQUE's index is created first (its name is a relation's); a CHECK named
      // twice in one statement is AddRelationNewConstraints' error, one the table already has
      // is MergeWithExistingConstraint's.
      if (p.node.contype === 'CONSTR_UNIQUE' && env.catalog.relationExists(n)) throw new PgError(SQLSTATE.duplicate_table, `relation "${n}" already exists`);
      const sameStatement = p.node.contype === 'CONSTR_CHECK' && !existing.has(n);
      throw new PgError(SQLSTATE.duplicate_object, sameStatement ? `check constraint "${n}" already exists` : `constraint "${n}" for relation "${def.name}" already exists`);
    }
    taken.add(n);
  }
  const columnOf = (n: string, loc: unknown): number => {
    const i = def.columns.findIndex((c) => c.name === n);
    if (i < 0) throw new PgError(SQLSTATE.undefined_column, `column "${n}" named in key does not exist`, pos(loc));
    return i;
  };
  for (const p of pending) {
    const c = p.node;
    if (c.deferrable === true || c.initdeferred === true) throw pgErr.featureNotSupported('DEFERRABLE constraints');
    // The grammar marks a table CHECK / FOREIGN KEY written NOT ENFORCED by leaving is_enforced
    // unset (ENFORCED, or nothing, sets it); a column's NOT ENFORCED comes as its own node.
    if ((c.contype === 'CONSTR_CHECK' || c.contype === 'CONSTR_FOREIGN') && c.is_enforced !== true) throw pgErr.featureNotSupported('NOT ENFORCED constraints');
    if (c.is_no_inherit === true) throw pgErr.featureNotSupported('NO INHERIT constraints');
    switch (c.contype) {
      case 'CONSTR_CHECK': {
        const { expr, columns } = analyzeCheck(env, table, c.raw_expr);
        const col = p.column !== null ? def.columns[p.column]!.name : columns.length === 1 ? def.columns[columns[0]!]!.name : null;
        const name = c.conname ?? chooseConstraintName(env, def.name, col === null ? [] : [col], 'check', taken);
        taken.add(name);
        out.checks.push({ name, expr });
        break;
      }
      case 'CONSTR_UNIQUE': {
        if (c.nulls_not_distinct === true) throw pgErr.featureNotSupported('NULLS NOT DISTINCT');
        if (c.including !== undefined && (c.including as PgNode[]).length > 0) throw pgErr.featureNotSupported('INCLUDE columns');
        const cols = p.column !== null ? [p.column] : names(c.keys).map((k) => columnOf(k, c.location));
        // The constraint's index is a relation of the table's schema (its key carries the schema's prefix).
        const name = c.conname !== undefined ? relationKey(env.catalog.splitKey(def.name).schema, c.conname as string) : chooseConstraintName(env, def.name, cols.map((i) => def.columns[i]!.name), 'key', taken);
        if (env.catalog.relationExists(name)) throw new PgError(SQLSTATE.duplicate_table, `relation "${name}" already exists`);
        taken.add(name);
        const keys = cols.map((i) => {
          const col = def.columns[i]!;
          const opclass = defaultBtreeOpclass(col.type);
          if (opclass === null) {
            throw new PgError(SQLSTATE.undefined_object, `data type ${typeName(col.type)} has no default operator class for access method "btree"`, {
              hint: 'You must specify an operator class for the index or define a default operator class for the data type.',
            });
          }
          return columnKey(i, opclass);
        });
        out.uniques.push({ name, table: def.name, keys, predicate: null, unique: true, method: 'btree', options: [], primaryKey: false, constraint: true });
        break;
      }
      case 'CONSTR_FOREIGN': {
        if (c.fk_matchtype === 'f' || c.fk_matchtype === 'p') throw pgErr.featureNotSupported(`MATCH ${c.fk_matchtype === 'f' ? 'FULL' : 'PARTIAL'}`);
        if (c.fk_del_set_cols !== undefined) throw pgErr.featureNotSupported('ON DELETE SET NULL / SET DEFAULT with a column list');
        const fkNames = p.column !== null ? [def.columns[p.column]!.name] : names(c.fk_attrs);
        const cols = fkNames.map((k) => {
          const i = def.columns.findIndex((col) => col.name === k);
          if (i < 0) throw new PgError(SQLSTATE.undefined_column, `column "${k}" referenced in foreign key constraint does not exist`);
          return i;
        });
        const name = c.conname ?? chooseConstraintName(env, def.name, fkNames, 'fkey', taken);
        taken.add(name);
        const { refTable, refColumns } = foreignKeyColumns(env, def, c, cols, name, out.uniques);
        const onDelete = fkAction(c.fk_del_action);
        const onUpdate = fkAction(c.fk_upd_action);
        // The SQL standard's restrictions on a generated column in the key (ATAddForeignKeyConstraint).
        if (cols.some((i) => def.columns[i]!.generated !== undefined)) {
          const invalid = (what: string): PgError => new PgError(SQLSTATE.syntax_error, `invalid ${what} action for foreign key constraint containing generated column`);
          if (onUpdate === 'n' || onUpdate === 'd' || onUpdate === 'c') throw invalid('ON UPDATE');
          if (onDelete === 'n' || onDelete === 'd') throw invalid('ON DELETE');
        }
        out.foreignKeys.push({ name, columns: cols, refTable, refColumns, onDelete, onUpdate });
        break;
      }
      default:
        throw pgErr.featureNotSupported(`constraint ${constraintKeyword(c.contype)}`);
    }
  }
  return out;
}

/**
 * Builds and registers the unique B-tree index of each UNIQUE constraint over `table`'s rows.
 * @throws PgError 23505 `could not create unique index` when existing rows repeat a key.
 */
export function createUniqueConstraintIndexes(env: SqlEnv, table: Table, uniques: readonly IndexDef[]): void {
  if (uniques.length === 0) return;
  const am = env.methods.get('btree');
  if (am === undefined || !isOrderedAm(am)) throw pgErr.featureNotSupported('UNIQUE constraints without the btree access method');
  for (const def of uniques) {
    const index = buildOrderedIndex(env, am, def, table);
    try {
      checkBuiltUnique(env, table, def, index, env.settings.timeZone());
    } catch (e) {
      index.dispose();
      throw e;
    }
    createIndexTx(env, env.txn, def, index);
    // ALTER TABLE ADD UNIQUE: the constraint's oid follows its index's (a CREATE TABLE's, whose
    // table has no oid yet, are taken in catalog_describe.ts assignTableOids).
    if (env.stats.hasOid(table.name)) env.stats.relOid(objectKey('c', table.name, def.name));
  }
}

/**
 * The foreign keys of other tables that reference table `name` (self-references excluded).
 * Tables other transactions' uncommitted DDL holds are looked at only when they reference it.
 * @throws PgError 55P03 when such a referencing table is held by another transaction (where
 *   PostgreSQL would wait for its lock).
 */
export function referencingForeignKeys(env: SqlEnv, name: string): { holder: Table; fk: ForeignKeyDef }[] {
  const out: { holder: Table; fk: ForeignKeyDef }[] = [];
  for (const n of env.catalog.allTableNames()) {
    if (n === name) continue;
    const peeked = env.catalog.peekTable(n)!;
    if (!(peeked.def.foreignKeys ?? []).some((fk) => fk.refTable === name)) continue;
    const holder = env.catalog.getTable(n);
    if (holder === undefined) throw lockNotAvailable(n);
    for (const fk of holder.def.foreignKeys ?? []) if (fk.refTable === name) out.push({ holder, fk });
  }
  return out;
}

/**
 * DROP TABLE's dependency check for table `name` (PostgreSQL's findDependentObjects): foreign
 * keys of tables not dropped by the same statement (`dropping`) depend on it. With CASCADE
 * they are dropped from their tables (one catalog change each) and a NOTICE lists them.
 * @throws PgError 2BP01 `cannot drop table t because other objects depend on it` without CASCADE.
 */
export function dropDependentForeignKeys(env: SqlEnv, name: string, dropping: ReadonlySet<string>, cascade: boolean, notices: PgError[]): void {
  const deps = referencingForeignKeys(env, name).filter((d) => !dropping.has(d.holder.name));
  if (deps.length === 0) return;
  const lines = deps.map((d) => `constraint ${d.fk.name} on table ${d.holder.name}`);
  if (!cascade) {
    throw new PgError('2BP01', `cannot drop table ${name} because other objects depend on it`, {
      detail: lines.map((l) => `${l} depends on table ${name}`).join('\n'),
      hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
    });
  }
  notices.push(cascadeNotice(lines));
  for (const d of deps) {
    const cur = env.catalog.getTable(d.holder.name)!;
    const fks = (cur.def.foreignKeys ?? []).filter((f) => f.name !== d.fk.name);
    const { foreignKeys: _old, ...rest } = cur.def;
    alterTableTx(env, env.txn, cur.name, fks.length > 0 ? { ...rest, foreignKeys: fks } : rest);
  }
}

/**
 * TRUNCATE's foreign-key check (PostgreSQL's heap_truncate_check_FKs): every table that
 * references a truncated one must be truncated too. With CASCADE they are added to `tables`
 * (transitively) with a NOTICE each.
 * @throws PgError 0A000 `cannot truncate a table referenced in a foreign key constraint`.
 */
export function truncateForeignKeys(env: SqlEnv, tables: Table[], cascade: boolean, notices: PgError[]): void {
  for (let i = 0; i < tables.length; i++) {
    for (const { holder } of referencingForeignKeys(env, tables[i]!.name)) {
      if (tables.includes(holder)) continue;
      if (!cascade) {
        throw new PgError(SQLSTATE.feature_not_supported, 'cannot truncate a table referenced in a foreign key constraint', {
          detail: `Table "${holder.name}" references "${tables[i]!.name}".`,
          hint: `Truncate table "${holder.name}" at the same time, or use TRUNCATE ... CASCADE.`,
        });
      }
      notices.push(new PgError(SQLSTATE.successful_completion, `truncate cascades to table "${holder.name}"`, { severity: 'NOTICE' }));
      tables.push(holder);
    }
  }
}
