/**
 * DDL: CREATE/DROP TABLE, CREATE/DROP INDEX. Definitions go through the catalog; index
 * structures are built by the method named in USING (looked up among the registered
 * methods, never imported). Every change belongs to the session's transaction and is undone
 * with it (ddl_txn.ts).
 */
import { checkNotSystemColumn } from './relation_lookup.js';
import { analyzeGeneration, requireStored } from './generated_columns.js';
import { expandTableLike } from './table_like.js';
import { foldClockLiterals } from '../analyze/clock_literals.js';
import { identitySequence, nextvalDefault } from './sequences.js';
import { chooseConstraintName, nameNewNotNulls } from './constraints.js';
import { PgError, SQLSTATE, pgErr, pos } from '../../common/errors.js';
import { Table, type ColumnDef, type TableDef } from '../../storage/table.js';
import { applyConstraintAttrs, constraintKeyword, createUniqueConstraintIndexes, dropDependentForeignKeys, prepareConstraints, type PendingConstraint } from './table_constraints.js';
import { dropDependentViews, wrongObjectType } from './views.js';
import { columnKey, type IndexDef } from '../../storage/catalog.js';
import { relationKey } from '../../storage/schema_def.js';
import type { PgNode } from '../parser/parse.js';
import type { SqlEnv } from '../env.js';
import { buildIndexOverTable } from './index_build.js';
import { buildOrLeaveInvalid, buildsOffThread, canBuildConcurrently, startConcurrentBuild, startOrderedConcurrentBuild } from './index_build_concurrent.js';
import { analyzeIndexExpression, analyzeIndexPredicate, type AnalyzedIndexKey } from './index_def.js';
import { resolveTypeName } from '../analyze/expr.js';
import { creationKey, existingRelationKey, isSystemSchema, lookupRelationKey, schemaKind, type SchemaKind } from '../analyze/namespace.js';
import { analyzeDefault, isNullConstantDefault } from '../analyze/query.js';
import { typeName } from '../analyze/types.js';
import { isOrderedAm, type OrderedIndexAm, type VectorKind } from '../../access/am.js';
import { buildUniqueChecked, orderedIndexDef, primaryKeyIndex } from './ordered_index.js';
import { ensureXid } from './txn.js';
import { assignTableOids, enumTypeOf } from './catalog_describe.js';
import { alterSequenceTx, createIndexTx, createTableTx, dropIndexTx, dropTableTx } from './ddl_txn.js';
import { hasRowType } from '../analyze/namespace.js';

/**
 * Notices and warnings raised by a statement, returned to the client with the result: each a
 * PgError whose severity is NOTICE or WARNING, with PostgreSQL's SQLSTATE and text.
 */
export type Notices = PgError[];

/** A NOTICE (or WARNING) as PostgreSQL's ereport(NOTICE, ...); SQLSTATE 00000 when it names none. */
export function notice(code: string, message: string, severity: 'NOTICE' | 'WARNING' = 'NOTICE'): PgError {
  return new PgError(code, message, { severity });
}

/**
 * PostgreSQL's NOTICE for the objects a CASCADE drops along (`items`: `view v`, `column c of
 * table t`, ...; at least one): `drop cascades to <item>` for one, else `drop cascades to N
 * other objects` with a line per item in its detail (reportDependentObjects).
 */
export function cascadeNotice(items: readonly string[]): PgError {
  if (items.length === 1) return notice(SQLSTATE.successful_completion, `drop cascades to ${items[0]}`);
  return new PgError(SQLSTATE.successful_completion, `drop cascades to ${items.length} other objects`, { severity: 'NOTICE', detail: items.map((i) => `drop cascades to ${i}`).join('\n') });
}

/**
 * The catalog key of the relation a CREATE names (analyze/namespace.ts): in the schema it
 * names, or the first of the search path.
 * @throws PgError 3F000 `schema "<name>" does not exist` (with its position) or `no schema
 *   has been selected to create in`; 0A000 for PostgreSQL's system schemas and cross-database
 *   names.
 */
export function checkCreationSchema(env: SqlEnv, rv: PgNode): string {
  const schema: string | undefined = rv.schemaname;
  if (rv.catalogname !== undefined) {
    throw new PgError(SQLSTATE.feature_not_supported, `cross-database references are not implemented: "${rv.catalogname}.${schema}.${rv.relname}"`, pos(rv.location));
  }
  if (schema !== undefined && isSystemSchema(schema)) throw pgErr.featureNotSupported(`creating relations in schema ${schema}`);
  return creationKey(env, schema, rv.relname as string, pos(rv.location).position);
}

/**
 * How a reference to an existing relation (`[schema,] name` parts) resolves: its catalog key
 * in `public` or a user schema (an unqualified name through the search path), or `system`
 * (PostgreSQL's own schemas, which hold none of vecgres' relations) or `missing` (PostgreSQL's
 * 3F000) with no key.
 */
export function referencedRelation(env: SqlEnv, parts: readonly string[]): { kind: SchemaKind; key: string | null } {
  const name = parts[parts.length - 1]!;
  if (parts.length < 2) return { kind: 'public', key: lookupRelationKey(env, name) };
  const schema = parts[parts.length - 2]!;
  const kind = schemaKind(env, schema);
  return { kind, key: existingRelationKey(env, schema, name) };
}

export function missingSchema(parts: readonly string[]): PgError {
  return new PgError('3F000', `schema "${parts[parts.length - 2]}" does not exist`);
}

/**
 * The catalog key of the table a utility statement names (TRUNCATE, COPY, VACUUM, ANALYZE),
 * as RangeVarGetRelid finds it. `atName`: the error points at the name (CREATE TABLE's LIKE,
 * which PostgreSQL resolves while parsing).
 * @throws PgError 3F000 for a schema that does not exist; 42P01 naming `schema.table` for a
 *   system schema (which holds no user table).
 */
export function checkUtilitySchema(env: SqlEnv, rv: PgNode, atName = false): string {
  const parts = rv.schemaname === undefined ? [rv.relname as string] : [rv.schemaname as string, rv.relname as string];
  const { kind, key } = referencedRelation(env, parts);
  const at = atName ? pos(rv.location) : {};
  if (kind === 'missing') throw new PgError('3F000', `schema "${parts[0]}" does not exist`, at);
  if (kind === 'system') throw new PgError(SQLSTATE.undefined_table, `relation "${parts.join('.')}" does not exist`, at);
  return key!;
}

export function createTable(env: SqlEnv, s: PgNode, notices: Notices): void {
  const rv = s.relation;
  if (s.inhRelations !== undefined) throw pgErr.featureNotSupported('INHERITS');
  if (s.partspec !== undefined) throw pgErr.featureNotSupported('partitioned tables');
  if (rv.relpersistence === 't') throw pgErr.featureNotSupported('temporary tables');
  // The catalog key: the name itself in public, `schema.name` in a user schema (its implicit
  // index and sequence names, `${name}_pkey`, then land in the same schema).
  const name = checkCreationSchema(env, rv);
  if (env.catalog.relationExists(name)) {
    if (s.if_not_exists) {
      notices.push(notice(SQLSTATE.duplicate_table, `relation "${rv.relname}" already exists, skipping`));
      return;
    }
    throw new PgError(SQLSTATE.duplicate_table, `relation "${rv.relname}" already exists`);
  }
  const columns: ColumnDef[] = [];
  const primaryKey: number[] = [];
  /** The primary key's written name (CONSTRAINT name PRIMARY KEY), if any. */
  let pkConname: string | null = null;
  const sequences: string[] = [];
  /** The identity sequences whose options differ from the defaults createTableTx gives them. */
  const identityOptions: ReturnType<typeof identitySequence>[] = [];
  const pkError = () => new PgError('42P16', `multiple primary keys for table "${name}" are not allowed`);
  const tableConstraints: PgNode[] = [];
  /** CHECK / UNIQUE / FOREIGN KEY constraints, in the order written (table_constraints.ts). */
  const pending: PendingConstraint[] = [];
  /** Generation expressions of GENERATED ALWAYS AS (...) STORED columns, in column order. */
  const generations: { column: number; raw: PgNode }[] = [];
  // LIKE clauses become the elements they copy (table_like.ts); their indexes come after the table.
  const elements: PgNode[] = [];
  const likeIndexes: PgNode[] = [];
  const likeComments = new Map<string, string>();
  for (const el of (s.tableElts ?? []) as PgNode[]) {
    if (el.TableLikeClause === undefined) {
      elements.push(el);
      continue;
    }
    const copy = expandTableLike(env, el.TableLikeClause, name);
    elements.push(...copy.elements);
    likeIndexes.push(...copy.indexes);
    for (const [k, v] of copy.comments) likeComments.set(k, v);
  }
  for (const el of elements) {
    if (el.Constraint !== undefined) {
      tableConstraints.push(el.Constraint);
      continue;
    }
    const cd = el.ColumnDef;
    if (cd === undefined) throw pgErr.featureNotSupported('this CREATE TABLE element');
    const colname: string = cd.colname;
    if (columns.some((c) => c.name === colname)) {
      throw new PgError(SQLSTATE.duplicate_column, `column "${colname}" specified more than once`);
    }
    const names: string[] = cd.typeName.names.map((n: PgNode) => n.String.sval as string);
    const last = names[names.length - 1]!;
    const serial = last === 'serial' || last === 'serial4' || last === 'bigserial' || last === 'serial8';
    const { type, typmod } = resolveTypeName(cd.typeName, (n) => enumTypeOf(env, n), (sc, n) => hasRowType(env, sc, n));
    if (type === 'unknown' || type === 'timetz') throw pgErr.featureNotSupported(`type ${typeName(type)} in tables`);
    const col: ColumnDef = { name: colname, type, typmod, notNull: serial, sequence: null, defaultSql: null };
    if (serial) {
      col.sequence = `${name}_${colname}_seq`;
      sequences.push(col.sequence);
    }
    applyConstraintAttrs((cd.constraints ?? []) as PgNode[]);
    for (const cn of (cd.constraints ?? []) as PgNode[]) {
      const c = cn.Constraint;
      switch (c.contype) {
        case 'CONSTR_PRIMARY':
          if (primaryKey.length > 0) throw pkError();
          primaryKey.push(columns.length);
          if (typeof c.conname === 'string') pkConname = c.conname;
          col.notNull = true;
          break;
        case 'CONSTR_NOTNULL':
          col.notNull = true;
          if (typeof c.conname === 'string') col.notNullName = c.conname;
          break;
        case 'CONSTR_NULL':
          break;
        case 'CONSTR_DEFAULT':
          if (col.identity !== undefined) throw new PgError('42601', `both default and identity specified for column "${colname}" of table "${name}"`, pos(c.location));
          if (col.generated !== undefined) throw new PgError('42601', `both default and generation expression specified for column "${colname}" of table "${name}"`, pos(c.location));
          if (serial || col.defaultSql !== null || col.sequence !== null) {
            throw new PgError('42601', `multiple default values specified for column "${colname}" of table "${name}"`, pos(c.location));
          }
          col.sequence = nextvalDefault(env, type, c.raw_expr, true);
          // 'now' and the like are read now, as PostgreSQL stores the constant (clock_literals.ts).
          if (col.sequence === null) col.defaultSql = JSON.stringify(foldClockLiterals(env, c.raw_expr, type, typmod));
          break;
        case 'CONSTR_UNIQUE':
        case 'CONSTR_CHECK':
        case 'CONSTR_FOREIGN':
          pending.push({ node: c, column: columns.length });
          break;
        case 'CONSTR_IDENTITY':
          // GENERATED ... AS IDENTITY: the serial columns' mechanism (an owned sequence named
          // <table>_<column>_seq fills it), NOT NULL, and for ALWAYS the analyzer's 428C9.
          if (type !== 'int2' && type !== 'int4' && type !== 'int8') {
            throw new PgError(SQLSTATE.invalid_parameter_value, 'identity column type must be smallint, integer, or bigint');
          }
          if (col.generated !== undefined) throw new PgError('42601', `both identity and generation expression specified for column "${colname}" of table "${name}"`, pos(c.location));
          if (col.defaultSql !== null) throw new PgError('42601', `both default and identity specified for column "${colname}" of table "${name}"`, pos(c.location));
          if (col.identity !== undefined) throw new PgError('42601', `multiple identity specifications for column "${colname}" of table "${name}"`);
          col.identity = c.generated_when === 'a' ? 'a' : 'd';
          col.notNull = true;
          {
            // Its sequence, with the options written (Drizzle writes all of them out).
            const seq = identitySequence(env, name, colname, type, c.options, (n) => n === name || sequences.includes(n) || env.catalog.relationExists(n), true);
            col.sequence = seq.def.name;
            sequences.push(col.sequence);
            if ((c.options as PgNode[] | undefined)?.length) identityOptions.push(seq);
          }
          break;
        case 'CONSTR_ATTR_DEFERRABLE':
        case 'CONSTR_ATTR_NOT_DEFERRABLE':
        case 'CONSTR_ATTR_DEFERRED':
        case 'CONSTR_ATTR_IMMEDIATE':
        case 'CONSTR_ATTR_ENFORCED':
        case 'CONSTR_ATTR_NOT_ENFORCED':
          // Set on the constraint they follow by applyConstraintAttrs.
          break;
        case 'CONSTR_GENERATED':
          // Analyzed once every column is known: the expression may read a later column.
          if (col.identity !== undefined) throw new PgError('42601', `both identity and generation expression specified for column "${colname}" of table "${name}"`, pos(c.location));
          if (col.generated !== undefined) throw new PgError('42601', `multiple generation clauses specified for column "${colname}" of table "${name}"`, pos(c.location));
          if (serial || col.defaultSql !== null) throw new PgError('42601', `both default and generation expression specified for column "${colname}" of table "${name}"`, pos(c.location));
          requireStored(c);
          col.generated = 's';
          generations.push({ column: columns.length, raw: c.raw_expr });
          break;
        default:
          throw pgErr.featureNotSupported(`constraint ${constraintKeyword(c.contype)}`);
      }
    }
    columns.push(col);
  }
  for (const c of columns) checkNotSystemColumn(c.name);
  for (const c of tableConstraints) {
    if (c.contype === 'CONSTR_CHECK' || c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_FOREIGN') {
      pending.push({ node: c, column: null });
      continue;
    }
    if (c.contype !== 'CONSTR_PRIMARY') throw pgErr.featureNotSupported(`table constraint ${constraintKeyword(c.contype)}`);
    if (primaryKey.length > 0) throw pkError();
    if (typeof c.conname === 'string') pkConname = c.conname;
    for (const k of c.keys as PgNode[]) {
      const kn: string = k.String.sval;
      const i = columns.findIndex((col) => col.name === kn);
      if (i < 0) throw new PgError(SQLSTATE.undefined_column, `column "${kn}" named in key does not exist`, pos(c.location));
      columns[i]!.notNull = true;
      primaryKey.push(i);
    }
  }
  const def: TableDef = { name, columns, primaryKey };
  // The key's index is named as it is written, else as ChooseIndexName names it (`t_pkey`, or
  // `t_pkey1` when a relation or a constraint of the schema holds that name).
  const written = new Set([...pending.flatMap((p) => (typeof p.node.conname === 'string' ? [p.node.conname as string] : [])), ...columns.flatMap((c) => c.notNullName ?? [])]);
  const pkKey = pkConname === null ? null : relationKey(env.catalog.splitKey(name).schema, pkConname);
  const pkName = primaryKey.length === 0 ? null : (pkKey ?? chooseConstraintName(env, name, [], 'pkey', written));
  if (pkKey !== null && env.catalog.relationExists(pkKey)) throw new PgError(SQLSTATE.duplicate_table, `relation "${pkConname}" already exists`);
  let prepared = null;
  if (generations.length > 0 || columns.some((c) => c.defaultSql !== null)) {
    // Defaults and generation expressions are analyzed in column order (AddRelationNewConstraints'
    // cookDefault), against the table before it exists (an unstored shell), as the constraints
    // are. Without the columns' typmods: PostgreSQL's length coercion (`vector(3)`,
    // `varchar(2)`) is a call evaluated by the INSERT that uses the default, where its error comes.
    const shell = new Table({ ...def, columns: def.columns.map((c) => ({ ...c, typmod: -1 })) });
    try {
      columns.forEach((c, i) => {
        const g = generations.find((x) => x.column === i);
        if (g !== undefined) c.defaultSql = analyzeGeneration(env, shell, i, g.raw);
        else if (c.defaultSql !== null) {
          const raw = JSON.parse(c.defaultSql) as PgNode;
          analyzeDefault(env, shell, i, raw);
          if (isNullConstantDefault(env, c.type, c.typmod, raw)) c.defaultSql = null;
        }
      });
    } finally {
      shell.dispose();
    }
  }
  if (pending.length > 0) {
    // The constraints are analyzed against the table before it exists (an unstored shell).
    const shell = new Table(def);
    try {
      prepared = prepareConstraints(env, shell, pending, new Set(pkName !== null ? [pkName] : []));
    } finally {
      shell.dispose();
    }
    if (prepared.checks.length > 0) def.checks = prepared.checks;
    if (prepared.foreignKeys.length > 0) def.foreignKeys = prepared.foreignKeys;
  }
  // NOT NULL constraints are named after the others (PostgreSQL adds them last), avoiding theirs.
  const taken = new Set([
    ...(pkName !== null ? [pkName] : []), ...(def.checks ?? []).map((c) => c.name), ...(def.foreignKeys ?? []).map((f) => f.name),
    ...(prepared?.uniques ?? []).map((u) => u.name), ...columns.flatMap((c) => (c.notNull && c.notNullName !== undefined ? [c.notNullName] : [])),
  ]);
  def.columns = nameNewNotNulls(env, name, columns, columns.map((_, i) => i), taken);
  for (const c of def.columns) {
    const comment = likeComments.get(c.name);
    if (comment !== undefined) c.comment = comment;
  }
  ensureXid(env);
  const table = createTableTx(env, env.txn, def, sequences);
  for (const q of identityOptions) alterSequenceTx(env, env.txn, q.def.name, q.def, q.last, q.called);
  if (pkName !== null) {
    const pkDef: IndexDef = {
      name: pkName,
      table: name,
      keys: primaryKey.map((c) => columnKey(c, '')),
      predicate: null,
      unique: true,
      method: 'btree',
      options: [],
      primaryKey: true,
    };
    createIndexTx(env, env.txn, pkDef, primaryKeyIndex(env, pkDef, table));
  }
  if (prepared !== null) createUniqueConstraintIndexes(env, table, prepared.uniques);
  assignTableOids(env, table);
  for (const ix of likeIndexes) createIndex(env, ix, notices);
}

/**
 * The object a DROP names: its catalog key (analyze/namespace.ts) and where its schema points.
 * A schema that does not exist is 3F000, or with IF EXISTS PostgreSQL's "skipping" NOTICE and
 * null. `name` is the key, `shown` the name as messages print it (the last part).
 */
function dropTarget(env: SqlEnv, obj: PgNode, missingOk: boolean, notices: Notices): { name: string; shown: string; schema: SchemaKind } | null {
  const parts: string[] = obj.List.items.map((x: PgNode) => x.String.sval as string);
  const { kind, key } = referencedRelation(env, parts);
  if (kind === 'missing') {
    if (!missingOk) throw missingSchema(parts);
    notices.push(notice(SQLSTATE.successful_completion, `schema "${parts[parts.length - 2]}" does not exist, skipping`));
    return null;
  }
  const shown = parts[parts.length - 1]!;
  return { name: key ?? shown, shown, schema: kind };
}

export function dropTables(env: SqlEnv, s: PgNode, notices: Notices): void {
  const dropping = new Set<string>();
  for (const o of (s.objects ?? []) as PgNode[]) {
    const parts: string[] = o.List.items.map((x: PgNode) => x.String.sval as string);
    const key = referencedRelation(env, parts).key;
    if (key !== null) dropping.add(key);
  }
  for (const obj of s.objects as PgNode[]) {
    const target = dropTarget(env, obj, s.missing_ok === true, notices);
    if (target === null) continue;
    const { name, schema } = target;
    const t = schema === 'system' ? undefined : env.catalog.getTable(name);
    if (t === undefined && schema !== 'system' && env.catalog.getView(name) !== undefined) throw wrongObjectType(name, 'a table', 'Use DROP VIEW to remove a view.');
    if (t === undefined) {
      if (s.missing_ok) {
        notices.push(notice(SQLSTATE.successful_completion, `table "${name}" does not exist, skipping`));
        continue;
      }
      throw new PgError(SQLSTATE.undefined_table, `table "${name}" does not exist`);
    }
    const xid = ensureXid(env);
    if (t.pendingRowsOfOthers(xid)) throw new PgError('55P03', `could not obtain lock on relation "${name}"`);
    dropDependentForeignKeys(env, name, dropping, s.behavior === 'DROP_CASCADE', notices);
    dropDependentViews(env, name, 'table', dropping, s.behavior === 'DROP_CASCADE', notices);
    dropTableTx(env, env.txn, name);
  }
}

export function dropIndexes(env: SqlEnv, s: PgNode, notices: Notices): void {
  if (s.concurrent === true) {
    // RemoveRelations' checks (the transaction block one, PreventInTransactionBlock, is the
    // caller's). Dropping is one synchronous step here: nothing to wait for between phases.
    if ((s.objects as PgNode[]).length !== 1) throw new PgError(SQLSTATE.feature_not_supported, 'DROP INDEX CONCURRENTLY does not support dropping multiple objects');
    if (s.behavior === 'DROP_CASCADE') throw new PgError(SQLSTATE.feature_not_supported, 'DROP INDEX CONCURRENTLY does not support CASCADE');
  }
  for (const obj of s.objects as PgNode[]) {
    const target = dropTarget(env, obj, s.missing_ok === true, notices);
    if (target === null) continue;
    const { name, schema } = target;
    const d = schema === 'system' ? undefined : env.catalog.getIndex(name);
    // An index CREATE INDEX CONCURRENTLY is building exists in PostgreSQL (INVALID) and its
    // DROP waits for the build's lock: wait, then drop what the build left.
    const building = d === undefined && schema !== 'system' ? env.catalog.concurrentBuildWait(name) : null;
    if (building !== null) throw building;
    if (d === undefined) {
      if (s.missing_ok) {
        notices.push(notice(SQLSTATE.successful_completion, `index "${name}" does not exist, skipping`));
        continue;
      }
      throw new PgError(SQLSTATE.undefined_object, `index "${name}" does not exist`);
    }
    if (d.primaryKey || d.constraint === true) {
      throw new PgError('2BP01', `cannot drop index ${name} because constraint ${name} on table ${d.table} requires it`, {
        hint: `You can drop constraint ${name} on table ${d.table} instead.`,
      });
    }
    ensureXid(env);
    dropIndexTx(env, env.txn, name);
  }
}

function optionText(arg: PgNode): string {
  if (arg === undefined) return 'true';
  if (arg.Integer !== undefined) return String(arg.Integer.ival ?? 0);
  if (arg.Float !== undefined) return String(arg.Float.fval);
  if (arg.String !== undefined) return String(arg.String.sval);
  if (arg.Boolean !== undefined) return arg.Boolean.boolval ? 'true' : 'false';
  if (arg.TypeName !== undefined) return arg.TypeName.names.map((n: PgNode) => n.String.sval).join('.');
  return String(Object.values(arg)[0]);
}

/**
 * CREATE [UNIQUE] INDEX of an ordered method (ordered_index.ts), registered like any index
 * (`name`: the key of the name written, if any);
 * `predicate` (stored SQL text, analyzed) makes it partial: it holds, and a UNIQUE one
 * constrains, only the rows for which the predicate is true.
 */
function createBtreeIndex(
  env: SqlEnv, s: PgNode, name: string | undefined, table: Table, am: OrderedIndexAm, options: [string, string][], notices: Notices, exprKeys: readonly (AnalyzedIndexKey | null)[], predicate: string | null,
): void {
  if (name !== undefined && env.catalog.relationExists(name)) {
    if (s.if_not_exists) {
      notices.push(notice(SQLSTATE.duplicate_table, `relation "${s.idxname}" already exists, skipping`));
      return;
    }
    throw new PgError(SQLSTATE.duplicate_table, `relation "${s.idxname}" already exists`);
  }
  const def: IndexDef = { ...orderedIndexDef(env, s, table, am, options, name ?? '', exprKeys), predicate };
  // CONCURRENTLY: read and sorted in slices, the statement runs again once it ended
  // (index_build_concurrent.ts); where the session cannot await, built plainly. Either way a
  // failed build (23505 over duplicate keys) leaves it INVALID.
  if (s.concurrent === true && canBuildConcurrently(env, am)) throw startOrderedConcurrentBuild(env, am, s, def, table);
  const index = buildOrLeaveInvalid(env, s.concurrent === true, def, () => buildUniqueChecked(env, am, def, table));
  ensureXid(env);
  createIndexTx(env, env.txn, def, index);
  env.engine.indexBuilt?.(index.size);
}

/**
 * CREATE INDEX [CONCURRENTLY] [IF NOT EXISTS] [name] ON t USING method (col | (expr) [opclass])
 * [WITH (...)] [WHERE predicate].
 */
export function createIndex(env: SqlEnv, s: PgNode, notices: Notices): void {
  const rv = s.relation;
  const { kind: schema, key: tableKey } = referencedRelation(env, rv.schemaname === undefined ? [rv.relname] : [rv.schemaname, rv.relname]);
  if (schema === 'missing') throw missingSchema([rv.schemaname, rv.relname]);
  const table = tableKey === null ? undefined : env.catalog.getTable(tableKey);
  if (table === undefined && tableKey !== null && env.catalog.getView(tableKey) !== undefined) {
    throw new PgError(SQLSTATE.wrong_object_type, `cannot create index on relation "${rv.relname}"`, { detail: 'This operation is not supported for views.' });
  }
  if (table === undefined) {
    throw new PgError(SQLSTATE.undefined_table, `relation "${rv.relname}" does not exist`);
  }
  // A CREATE INDEX CONCURRENTLY building on the table holds it (its ShareUpdateExclusiveLock).
  env.catalog.checkConcurrentBuild(table.name);
  // An index lives in its table's schema: a name given for it becomes a key of that schema
  // (one chosen for it derives from the table's key and is one already).
  const tableSchema = env.catalog.splitKey(table.name).schema;
  // (The statement node itself stays as parsed: a CONCURRENTLY build is matched to it by identity.)
  const idxName: string | undefined = s.idxname === undefined ? undefined : relationKey(tableSchema, s.idxname as string);
  // transformIndexStmt: expressions and the predicate are analyzed first (their errors come
  // before the access method's), then DefineIndex's checks in its order.
  const params: PgNode[] = s.indexParams;
  const exprKeys = params.map((p) => (p.IndexElem.expr === undefined ? null : analyzeIndexExpression(env, table, p.IndexElem.expr)));
  const predicate = s.whereClause === undefined ? null : analyzeIndexPredicate(env, table, s.whereClause);
  const methodName: string = s.accessMethod ?? 'btree';
  const am = env.methods.get(methodName);
  if (am === undefined) {
    if (methodName === 'btree' || methodName === 'hash' || methodName === 'gist' || methodName === 'gin' || methodName === 'brin') {
      throw pgErr.featureNotSupported(`index access method "${methodName}"`);
    }
    throw new PgError(SQLSTATE.undefined_object, `access method "${methodName}" does not exist`);
  }
  // PostgreSQL validates the WITH options as soon as it knows the access method, before it
  // looks at columns or operator classes: keep that order so the first error is the same.
  const options: [string, string][] = ((s.options ?? []) as PgNode[]).map((o) => [String(o.DefElem.defname).toLowerCase(), optionText(o.DefElem.arg)]);
  const seen = new Set<string>();
  for (const [k] of options) {
    if (seen.has(k)) throw new PgError(SQLSTATE.invalid_parameter_value, `parameter "${k}" specified more than once`);
    seen.add(k);
  }
  am.parseOptions(new Map(options), 1);
  if (isOrderedAm(am)) {
    // A partial B-tree is maintained and planned as a partial vector index is; GIN's
    // maintenance does not test a predicate yet.
    if (predicate !== null && am.keyOpclasses !== undefined) throw pgErr.featureNotSupported(`partial ${am.name.toUpperCase()} indexes`);
    createBtreeIndex(env, s, idxName, table, am, options, notices, exprKeys, predicate);
    return;
  }
  if (s.unique) throw new PgError(SQLSTATE.feature_not_supported, `access method "${methodName}" does not support unique indexes`);
  if (params.length > 1) throw new PgError(SQLSTATE.feature_not_supported, `access method "${methodName}" does not support multicolumn indexes`);
  const el = params[0].IndexElem;
  let key = exprKeys[0] ?? null;
  if (key === null) {
    const colName: string = el.name;
    const col = table.columnIndex(colName);
    if (col < 0) throw new PgError(SQLSTATE.undefined_column, `column "${colName}" does not exist`);
    const c = table.def.columns[col]!;
    key = { column: col, expr: null, type: c.type, typmod: c.typmod, nameHint: colName, analyzed: null };
  }
  const keyType = typeName(key.type);
  const kind: VectorKind | null = vectorKindOf(key.type);
  let opclass = null;
  if (el.opclass !== undefined) {
    const names: string[] = el.opclass.map((n: PgNode) => n.String.sval as string);
    const oc = names[names.length - 1]!;
    // Every pgvector operator class of hnsw and ivfflat is built: a name the method does not
    // have does not exist for it, as in pgvector (e.g. ivfflat has no bit_jaccard_ops).
    opclass = am.opclasses.find((o) => o.name === oc) ?? null;
    if (opclass === null) {
      throw new PgError(SQLSTATE.undefined_object, `operator class "${oc}" does not exist for access method "${methodName}"`);
    }
    if (opclass.kind !== kind) {
      throw new PgError(SQLSTATE.datatype_mismatch, `operator class "${oc}" does not accept data type ${keyType}`);
    }
  } else {
    opclass = kind === null ? null : am.defaultOpclass(kind);
    if (opclass === null) {
      throw new PgError(SQLSTATE.undefined_object, `data type ${keyType} has no default operator class for access method "${methodName}"`, {
        hint: 'You must specify an operator class for the index or define a default operator class for the data type.',
      });
    }
  }
  let name: string | undefined = idxName;
  if (name !== undefined && env.catalog.relationExists(name)) {
    if (s.if_not_exists) {
      notices.push(notice(SQLSTATE.duplicate_table, `relation "${s.idxname}" already exists, skipping`));
      return;
    }
    throw new PgError(SQLSTATE.duplicate_table, `relation "${s.idxname}" already exists`);
  }
  if (name === undefined) {
    const base = `${table.name}_${key.nameHint}_idx`;
    name = base;
    for (let i = 1; env.catalog.relationExists(name); i++) name = `${base}${i}`;
  }
  // pgvector's hnsw and ivfflat builds refuse bit varying (its length may differ per row),
  // before they look at the dimensions.
  if (key.type === 'varbit') throw new PgError(SQLSTATE.feature_not_supported, `type not supported for ${methodName} index`);
  const dim = key.typmod;
  if (dim < 0) throw new PgError(SQLSTATE.invalid_parameter_value, 'column does not have dimensions');
  const def: IndexDef = {
    name, table: table.name, keys: [{ ...columnKey(key.column, opclass.name), expr: key.expr }], predicate, unique: false, method: methodName, options, primaryKey: false,
  };
  const target = { name, table, def, dim, opclass, options: new Map(options), notices };
  // CONCURRENTLY: the build runs off the event loop and the statement runs again once it ended
  // (index_build_concurrent.ts); where it cannot, it builds as a plain CREATE INDEX.
  if (s.concurrent === true && canBuildConcurrently(env, am)) throw startConcurrentBuild(env, am, s, target);
  // A plain one that would build on workers does too when its session can await, holding the
  // table's SHARE lock meanwhile, so other sessions are not stalled by the build.
  if (s.concurrent !== true && buildsOffThread(env, am, target)) throw startConcurrentBuild(env, am, s, target, true);
  const index = buildOrLeaveInvalid(env, s.concurrent === true, def, () => buildIndexOverTable(env, am, target));
  ensureXid(env);
  createIndexTx(env, env.txn, def, index);
  env.engine.indexBuilt?.(index.size);
}

/** The access-method key kind of a column or expression type (bit varying indexes as bit, as in pgvector). */
function vectorKindOf(type: string): VectorKind | null {
  switch (type) {
    case 'vector':
    case 'halfvec':
    case 'sparsevec':
    case 'bit':
      return type;
    case 'varbit':
      return 'bit';
    default:
      return null;
  }
}
