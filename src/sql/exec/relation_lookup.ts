/**
 * Relations named the way catalog functions name them (regclass text or an oid), of every kind
 * (table, view, sequence, index, system catalog, information_schema view), and their columns:
 * what the privilege inquiry functions and pg_get_serial_sequence check before answering.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import { own } from '../../common/own.js';
import { columnOfAttnum } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import type { PrivilegeArg } from '../analyze/expr.js';
import { regclassOidOf } from '../analyze/range.js';
import { SYSTEM_VIEWS } from '../analyze/system_views.js';
import { SEQUENCE_COLUMNS, VIRTUAL_VIEWS } from '../analyze/query.js';
import { relationNameByOid } from './catalog_describe.js';

/** System column names, by attnum from -1 (ctid) to -6 (tableoid). */
export const SYSTEM_COLUMNS: readonly string[] = ['ctid', 'xmin', 'cmin', 'xmax', 'cmax', 'tableoid'];

/**
 * PostgreSQL's check that a new table column does not take a system column's name
 * (CheckAttributeNamesTypes, check_for_column_name_collision).
 * @throws PgError 42701 `column name "xmin" conflicts with a system column name`.
 */
export function checkNotSystemColumn(name: string): void {
  if (SYSTEM_COLUMNS.includes(name)) throw new PgError(SQLSTATE.duplicate_column, `column name "${name}" conflicts with a system column name`);
}

/** A relation named by text or oid: its catalog key (null: a system catalog vecgres has no oid for) and kind. */
export interface Relation {
  key: string | null;
  display: string;
  kind: 'table' | 'view' | 'sequence' | 'index' | 'catalog';
  /** A catalog's or information_schema view's columns, when known. */
  columns: readonly string[] | null;
}

/**
 * The relation named by text (regclassin's parsing: quoted parts kept, others folded) or by
 * oid; null for an oid naming none (PostgreSQL's NULL answer).
 * @throws PgError 42P01 / 3F000 for a name that resolves to nothing.
 */
export function relationOf(env: SqlEnv, arg: PrivilegeArg): Relation | null {
  let oid: number;
  if (arg.kind === 'name') {
    const info = /^\s*information_schema\.(\w+)\s*$/.exec(arg.value);
    const view = info === null ? undefined : own(VIRTUAL_VIEWS, `information_schema.${info[1]!}`);
    if (view !== undefined) return { key: null, display: info![1]!, kind: 'catalog', columns: view.map((c) => c.name) };
    try {
      oid = regclassOidOf(env, arg.value, true);
    } catch (e) {
      // A pg_catalog relation vecgres has no oid for (pg_locks, pg_stats, ...) exists in
      // PostgreSQL, where the superuser holds every privilege on it.
      if (e instanceof PgError && e.code === SQLSTATE.feature_not_supported && /^\s*(pg_catalog\.)?"?pg_/.test(arg.value)) {
        const display = arg.value.replace(/^\s*pg_catalog\./, '').replace(/"/g, '').trim();
        return { key: null, display, kind: 'catalog', columns: SYSTEM_VIEWS[display]?.map((c) => c.name) ?? null };
      }
      throw e;
    }
  } else {
    oid = arg.value;
  }
  const key = relationNameByOid(env, oid);
  if (key === null) return null;
  const display = env.catalog.splitKey(key).name;
  const c = env.catalog;
  const kind: Relation['kind'] = c.getTable(key) !== undefined ? 'table' : c.getView(key) !== undefined ? 'view'
    : c.getSequence(key) !== undefined ? 'sequence' : c.getIndex(key) !== undefined ? 'index' : 'catalog';
  return { key, display, kind, columns: kind === 'catalog' ? SYSTEM_VIEWS[display]?.map((c) => c.name) ?? null : null };
}

/**
 * Whether column `col` (a name, or an attnum) of `rel` exists: live columns and the system
 * columns. An index's and an unknown catalog's columns are taken as existing.
 */
export function columnExists(env: SqlEnv, rel: Relation, col: PrivilegeArg): boolean {
  if (col.kind === 'attnum' ? col.value < 0 && col.value >= -SYSTEM_COLUMNS.length : SYSTEM_COLUMNS.includes(col.value as string)) return true;
  let names: readonly string[] | null = null;
  if (rel.kind === 'table') {
    const def = env.catalog.getTable(rel.key!)!.def;
    if (col.kind === 'attnum') return columnOfAttnum(def, col.value) >= 0;
    names = def.columns.map((c) => c.name);
  } else if (rel.kind === 'view') {
    names = env.catalog.getView(rel.key!)!.columns.map((c) => c.name);
  } else if (rel.kind === 'sequence') {
    names = SEQUENCE_COLUMNS.map((c) => c.name);
  } else if (rel.kind === 'catalog') {
    names = rel.columns;
  }
  if (names === null) return true;
  return col.kind === 'attnum' ? col.value >= 1 && col.value <= names.length : names.includes(col.value as string);
}
