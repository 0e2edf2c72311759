/**
 * CREATE EXTENSION and DROP EXTENSION (PostgreSQL's commands/extension.c), over the catalog's
 * extension record (storage/catalog.ts ExtensionRecord: logged, checkpointed, rolled back with
 * the transaction).
 *
 * vecgres ships pgvector built in: its types, functions, operators and index methods work in
 * every database whether or not `CREATE EXTENSION vector` ran. The record only says what
 * PostgreSQL would: `pg_extension` (and psql's `\dx`) list `vector` once it was created, a
 * second CREATE EXTENSION is 42710, and DROP EXTENSION checks, as PostgreSQL's dependency
 * walk does, the columns of pgvector's types and the indexes of its operator classes (2BP01
 * without CASCADE; CASCADE drops them). plpgsql is in every database and cannot be dropped
 * here (0A000); any other extension is not available (0A000, PGlite's text).
 */
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import { LockWait } from '../../storage/row_locks.js';
import type { IndexDef } from '../../storage/catalog.js';
import type { SqlEnv } from '../env.js';
import type { PgNode } from '../parser/parse.js';
import { columnsNamed, dropColumn } from './alter_table.js';
import { cascadeNotice, notice, type Notices } from './ddl.js';
import { createExtensionTx, dropExtensionTx, dropIndexTx } from './ddl_txn.js';
import { ensureXid } from './txn.js';
import { OPCLASS_OID } from './system_views.js';
import { typeOid } from '../analyze/types.js';
import { VECTOR_EXTENSION_OIDS } from '../stats/store.js';

/** The version of pgvector whose SQL vecgres implements (pg_extension.extversion). */
export const VECTOR_EXTENSION_VERSION = '0.8.7';

/** pgvector's types (their arrays' columns depend on them too). */
const VECTOR_TYPES = ['vector', 'halfvec', 'sparsevec'] as const;
/** Index methods pgvector defines (every operator class of theirs belongs to the extension). */
const VECTOR_METHODS: ReadonlySet<string> = new Set(['hnsw', 'ivfflat']);

/** The DefElem options of a CREATE EXTENSION, by name (`schema`, `new_version`, `cascade`). */
function options(s: PgNode): Map<string, PgNode> {
  const out = new Map<string, PgNode>();
  for (const o of (s.options ?? []) as PgNode[]) out.set(String(o.DefElem?.defname), o.DefElem?.arg);
  return out;
}

/**
 * CREATE EXTENSION [IF NOT EXISTS] name [WITH] [SCHEMA s] [VERSION v] [CASCADE].
 * Waits while another transaction's uncommitted CREATE / DROP EXTENSION holds the name.
 * @throws PgError 42710 when installed (a NOTICE with IF NOT EXISTS), 23505 when it was
 *   committed by the transaction this statement waited for, 0A000 for an extension
 *   other than vector and plpgsql (PGlite's "is not available" with its hint), 22023 for a
 *   version other than pgvector's, 3F000 for a missing schema, 0A000 for a schema other than
 *   public.
 */
export function createExtension(env: SqlEnv, s: PgNode, notices: Notices): void {
  const name = String(s.extname);
  waitForExtension(env, name);
  const exists = name === 'plpgsql' || env.catalog.getExtension(name) !== undefined;
  if (exists && env.interrupts.rerun) {
    // It waited for another transaction's CREATE EXTENSION, which committed: PostgreSQL's
    // insert into pg_extension then meets the committed row in the name's unique index
    // (also with IF NOT EXISTS, whose check ran before the wait).
    throw new PgError(SQLSTATE.unique_violation, 'duplicate key value violates unique constraint "pg_extension_name_index"', { detail: `Key (extname)=(${name}) already exists.` });
  }
  if (exists) {
    if (s.if_not_exists === true) {
      notices.push(notice(SQLSTATE.duplicate_object, `extension "${name}" already exists, skipping`));
      return;
    }
    throw new PgError(SQLSTATE.duplicate_object, `extension "${name}" already exists`);
  }
  if (name !== 'vector') {
    throw new PgError(SQLSTATE.feature_not_supported, `extension "${name}" is not available`, {
      hint: 'The extension must first be installed on the system where PostgreSQL is running.',
    });
  }
  const opts = options(s);
  const schema = opts.get('schema')?.String?.sval as string | undefined;
  if (schema !== undefined && schema !== 'public') {
    if (schema === 'pg_catalog' || schema === 'information_schema') throw pgErr.featureNotSupported(`CREATE EXTENSION vector in schema ${schema}`);
    throw new PgError('3F000', `schema "${schema}" does not exist`);
  }
  const version = opts.get('new_version')?.String?.sval as string | undefined;
  if (version !== undefined && version !== VECTOR_EXTENSION_VERSION) {
    throw new PgError(SQLSTATE.invalid_parameter_value, `extension "vector" has no installation script nor update path for version "${version}"`);
  }
  ensureXid(env);
  createExtensionTx(env, env.txn, { name, version: VECTOR_EXTENSION_VERSION });
  // pgvector's objects take oids from the same counter as tables (the first table after a
  // fresh CREATE EXTENSION vector is 16712, as in PGlite); consumed even if rolled back.
  env.stats.skipOids(VECTOR_EXTENSION_OIDS);
}

/**
 * Waits (a LockWait: the statement is undone and runs again once the holder ends) while
 * another transaction's uncommitted CREATE or DROP EXTENSION holds `name`, as PostgreSQL's
 * second CREATE EXTENSION waits for the first: then 23505 on pg_extension_name_index if it
 * committed (native PostgreSQL's answer), success if it rolled back. (PostgreSQL's DROP EXTENSION does not see an uncommitted CREATE and fails at
 * once with 42704; here it waits too.)
 * @throws LockWait on the holding transaction.
 */
function waitForExtension(env: SqlEnv, name: string): void {
  const holder = env.catalog.extensionHolder(name, env.txn?.xid ?? 0);
  if (holder !== 0) throw new LockWait(holder, name, -1);
}

/** An object that depends on the vector extension, as PostgreSQL's dependency report names it. */
interface Dependent {
  /** `column e of table t` / `index t_b_idx`. */
  what: string;
  /** What it depends on: `type vector` / `operator class bit_hamming_ops for access method hnsw`. */
  on: string;
  /** The oid of the extension's object it depends on: PostgreSQL reports in that order. */
  onOid: number;
  drop: () => void;
}

/**
 * The objects DROP EXTENSION vector would drop, in PostgreSQL's report order (by the oid of
 * the type or operator class they depend on, then table and column order): columns of vector,
 * halfvec and sparsevec (and their arrays), and indexes of pgvector's methods that use none of
 * those columns (an index on such a column goes with it, unreported: its dependency on the
 * column is automatic).
 */
function vectorDependents(env: SqlEnv, notices: Notices): Dependent[] {
  const out: Dependent[] = [];
  const tables = env.catalog.tableNames().map((n) => env.catalog.getTable(n)!);
  const dropped = new Set<string>(); // `table\0column`
  for (const type of VECTOR_TYPES) {
    for (const t of tables) {
      for (const c of t.def.columns) {
        if (c.type !== type && c.type !== `${type}[]`) continue;
        dropped.add(`${t.name}\0${c.name}`);
        out.push({
          what: `column ${c.name} of table ${t.name}`,
          on: `type ${c.type}`,
          onOid: typeOid(c.type),
          drop: () => dropColumn(env, env.catalog.getTable(t.name)!, { name: c.name, behavior: 'DROP_CASCADE' }, notices),
        });
      }
    }
  }
  const usesDropped = (d: IndexDef): boolean => {
    const t = env.catalog.getTable(d.table)!;
    const named = (text: string): boolean => [...columnsNamed(text)].some((c) => dropped.has(`${d.table}\0${c}`));
    return d.keys.some((k) => (k.expr === null ? dropped.has(`${d.table}\0${t.def.columns[k.column]!.name}`) : named(k.expr))) || (d.predicate !== null && named(d.predicate));
  };
  for (const d of env.catalog.allIndexes()) {
    if (!VECTOR_METHODS.has(d.method) || usesDropped(d)) continue;
    const opclass = d.keys[0]!.opclass;
    out.push({ what: `index ${d.name}`, on: `operator class ${opclass} for access method ${d.method}`, onOid: OPCLASS_OID[`${d.method}/${opclass}`] ?? 0, drop: () => dropIndexTx(env, env.txn, d.name) });
  }
  // PostgreSQL walks the extension's member objects in oid order, each one's dependents in
  // the order they were recorded (creation order here); sort is stable.
  return out.sort((a, b) => a.onOid - b.onOid);
}

/**
 * DROP EXTENSION [IF EXISTS] name [, ...] [CASCADE | RESTRICT].
 * @throws PgError 42704 for a missing extension (a NOTICE with IF EXISTS); 2BP01 `cannot drop
 *   extension vector because other objects depend on it` with PostgreSQL's detail and hint
 *   when columns or indexes use it, without CASCADE; 0A000 for plpgsql, and for a CASCADE that
 *   would leave a table without columns.
 */
export function dropExtensions(env: SqlEnv, s: PgNode, notices: Notices): void {
  const names = ((s.objects ?? []) as PgNode[]).map((o) => String(o.String?.sval));
  const present: string[] = [];
  for (const name of names) {
    if (name === 'plpgsql') throw pgErr.featureNotSupported('DROP EXTENSION plpgsql');
    waitForExtension(env, name);
    if (env.catalog.getExtension(name) !== undefined) present.push(name);
    else if (s.missing_ok === true) notices.push(notice(SQLSTATE.successful_completion, `extension "${name}" does not exist, skipping`));
    else throw new PgError(SQLSTATE.undefined_object, `extension "${name}" does not exist`);
  }
  if (present.length === 0) return;
  const deps = vectorDependents(env, []);
  if (deps.length > 0) {
    if (s.behavior !== 'DROP_CASCADE') {
      throw new PgError('2BP01', `cannot drop extension ${present.join(', ')} because other objects depend on it`, {
        detail: deps.map((d) => `${d.what} depends on ${d.on}`).join('\n'),
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
    checkCascade(env, deps);
  }
  ensureXid(env);
  if (deps.length > 0) {
    notices.push(cascadeNotice(deps.map((d) => d.what)));
    for (const d of deps) d.drop();
  }
  for (const name of present) dropExtensionTx(env, env.txn, name);
}

/**
 * Refuses, before anything is dropped, a CASCADE that vecgres' DROP COLUMN cannot do: the last
 * column of a table (PostgreSQL leaves a table without columns).
 */
function checkCascade(env: SqlEnv, deps: readonly Dependent[]): void {
  for (const name of env.catalog.tableNames()) {
    const t = env.catalog.getTable(name)!;
    const gone = t.def.columns.filter((c) => deps.some((d) => d.what === `column ${c.name} of table ${name}`));
    if (gone.length === 0) continue;
    if (gone.length === t.def.columns.length) throw pgErr.featureNotSupported(`DROP EXTENSION ... CASCADE that drops every column of table ${name}`);
  }
}
