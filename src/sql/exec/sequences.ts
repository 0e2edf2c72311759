/**
 * Sequences in SQL (PostgreSQL's commands/sequence.c): CREATE / ALTER / DROP SEQUENCE and the
 * functions nextval, currval, setval and lastval with the session's currval state. The
 * catalog keeps definitions and values (storage/sequence.ts); nextval and setval are never
 * rolled back, the DDL is (ddl_txn.ts).
 */
import { relationKey } from '../../storage/schema_def.js';
import { qualifiedRelationName, relationKeyOfText } from '../analyze/namespace.js';
import { PgError, SQLSTATE, pgErr, pos } from '../../common/errors.js';
import type { ColumnDef, Table, Value } from '../../storage/table.js';
import {
  SEQUENCE_TYPE_NAME, SEQUENCE_TYPE_RANGE, type Sequence, type SequenceDef, type SequenceType,
} from '../../storage/sequence.js';
import { toInt8 } from '../analyze/types.js';
import type { SqlEnv } from '../env.js';
import { alterSequenceTx, alterTableTx, createSequenceTx, dropSequenceTx } from './ddl_txn.js';
import { checkCreationSchema, notice, referencedRelation, missingSchema, type Notices } from './ddl.js';
import { dropDependentViews } from './views.js';
import { ensureXid, preventCommandIfReadOnly } from './txn.js';
import { columnExists, relationOf, type Relation } from './relation_lookup.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PgNode = any;

/** A sequence value as an int8 SQL value (a number when exact, else a bigint). */
export function int8Of(v: bigint): Value {
  return toInt8(v);
}

/**
 * The sequence a regclass text names (`s`, `public.s`, `"MixedCase"`: regclassin's rules).
 * @throws PgError 42P01 when no relation has the name; 42809 when it is not a sequence.
 */
export function sequenceByText(env: SqlEnv, text: string): Sequence {
  const { key, parts } = relationKeyOfText(env, text);
  const q = key === null ? undefined : env.catalog.getSequence(key);
  if (q !== undefined) return q;
  if (key !== null && (env.catalog.getTable(key) !== undefined || env.catalog.getIndex(key) !== undefined)) {
    throw new PgError('42809', `"${parts[parts.length - 1]}" is not a sequence`);
  }
  throw new PgError(SQLSTATE.undefined_table, `relation "${parts.join('.')}" does not exist`);
}

/** nextval(name) for the session: advances the sequence and remembers it for currval / lastval. */
export function sessionNextval(env: SqlEnv, name: string): bigint {
  const q = env.catalog.getSequence(name)!;
  preventCommandIfReadOnly(env, 'nextval()');
  // A statement run again after a wait takes back the values its first run drew (statement_rerun.ts).
  const v = env.rerun.nextval(q, () => env.catalog.nextval(name));
  env.sequenceValues.currval.set(q, v);
  env.sequenceValues.last = q;
  return v;
}

/**
 * currval(name).
 * @throws PgError 55000 when this session has not called nextval on it.
 */
export function sessionCurrval(env: SqlEnv, name: string): bigint {
  const v = env.sequenceValues.currval.get(env.catalog.getSequence(name)!);
  if (v === undefined) throw new PgError('55000', `currval of sequence "${name}" is not yet defined in this session`);
  return v;
}

/**
 * lastval(): the value nextval last returned in this session.
 * @throws PgError 55000 before any nextval, or when that sequence was dropped since.
 */
export function sessionLastval(env: SqlEnv): bigint {
  const q = env.sequenceValues.last;
  const v = q === null ? undefined : env.sequenceValues.currval.get(q);
  // Dropped since (the object is no longer the catalog's under its name): as PostgreSQL.
  if (q === null || v === undefined || env.catalog.getSequence(q.def.name) !== q) {
    throw new PgError('55000', 'lastval is not yet defined in this session');
  }
  return v;
}

/** setval(name, value, is_called): is_called true also sets the session's currval (do_setval). */
export function sessionSetval(env: SqlEnv, name: string, value: bigint, called: boolean): bigint {
  const q = env.catalog.getSequence(name)!;
  preventCommandIfReadOnly(env, 'setval()');
  // Not applied again by a statement's rerun after a wait (statement_rerun.ts).
  env.rerun.setval(q, value, called, () => env.catalog.setval(name, value, called));
  if (called) env.sequenceValues.currval.set(q, value);
  return value;
}

/**
 * pg_get_serial_sequence(table, column): the sequence OWNED BY the column (serial, identity),
 * schema-qualified, or null (also for a view's, a sequence's, an index's or a catalog's column).
 * @throws PgError 42P01 for a missing relation; 3F000 for a missing schema; 42703 for a missing column.
 */
export function serialSequenceOf(env: SqlEnv, tableText: string, column: string): string | null {
  const { key, parts } = relationKeyOfText(env, tableText);
  const t = key === null ? undefined : env.catalog.getTable(key);
  if (t === undefined) {
    // A view, sequence, index or system catalog: its columns have no sequence (NULL), as in
    // PostgreSQL; an unknown column is still 42703.
    let rel: Relation | null = null;
    try {
      rel = relationOf(env, { kind: 'name', value: tableText });
    } catch (e) {
      // 3F000 (no such schema) and 0A000 come as they are; a missing relation is named below.
      if (!(e instanceof PgError) || e.code !== SQLSTATE.undefined_table) throw e;
    }
    if (rel === null) throw new PgError(SQLSTATE.undefined_table, `relation "${parts.join('.')}" does not exist`);
    if (!columnExists(env, rel, { kind: 'name', value: column })) throw new PgError(SQLSTATE.undefined_column, `column "${column}" of relation "${rel.display}" does not exist`);
    return null;
  }
  if (!t.def.columns.some((c) => c.name === column)) throw new PgError(SQLSTATE.undefined_column, `column "${column}" of relation "${parts[parts.length - 1]}" does not exist`);
  for (const q of env.catalog.allSequences()) {
    if (q.def.ownedBy?.table === t.name && q.def.ownedBy.column === column) return qualifiedRelationName(env, q.def.name);
  }
  return null;
}

/**
 * The sequence of a DEFAULT that is exactly `nextval('s')` / `nextval('s'::regclass)` on an
 * integer column (what serial and pg_dump write), else null. Such a default is kept as the
 * column's sequence, so DROP SEQUENCE sees that the default depends on it (PostgreSQL records
 * the dependency on the regclass constant) and a rename follows it.
 * @throws PgError 42P01 / 42809 when the literal names no sequence.
 */
export function nextvalDefault(env: SqlEnv, columnType: string, raw: PgNode, positioned = false): string | null {
  const name = nextvalTarget(env, raw, positioned);
  return columnType === 'int2' || columnType === 'int4' || columnType === 'int8' ? name : null;
}

/**
 * The sequence a DEFAULT of the form `nextval('s'[::regclass])` names, else null; `positioned`:
 * an unknown name's 42P01 points at the literal (CREATE TABLE, as PostgreSQL's parser).
 */
function nextvalTarget(env: SqlEnv, raw: PgNode, positioned: boolean): string | null {
  const f = raw?.FuncCall;
  if (f === undefined || f.args?.length !== 1 || f.agg_star === true || f.over !== undefined || f.agg_distinct === true) return null;
  const fname = (f.funcname as PgNode[]).map((x) => x.String?.sval as string);
  if (fname[fname.length - 1] !== 'nextval' || (fname.length === 2 && fname[0] !== 'pg_catalog') || fname.length > 2) return null;
  let a = f.args[0];
  const tc = a.TypeCast;
  if (tc !== undefined) {
    const tn = (tc.typeName?.names ?? []) as PgNode[];
    if (tn[tn.length - 1]?.String?.sval !== 'regclass' || tc.typeName.arrayBounds !== undefined) return null;
    a = tc.arg;
  }
  const text = a?.A_Const?.sval?.sval;
  if (typeof text !== 'string') return null;
  try {
    return sequenceByText(env, text).def.name;
  } catch (e) {
    if (positioned && e instanceof PgError && e.code === SQLSTATE.undefined_table) throw new PgError(e.code, e.message, pos(a.A_Const.location));
    throw e;
  }
}

/** The sequence a stored DEFAULT expression (JSON of its parse tree) names by nextval, else null. */
function defaultSequence(env: SqlEnv, defaultSql: string | null): string | null {
  if (defaultSql === null) return null;
  try {
    return nextvalTarget(env, JSON.parse(defaultSql) as PgNode, false);
  } catch {
    return null; // names a relation that is gone: depends on nothing here
  }
}

/** An option's integer argument (Integer, or Float for values past int4). */
function intArg(d: PgNode): bigint {
  const a = d.arg;
  if (a?.Integer !== undefined) return BigInt(a.Integer.ival ?? 0);
  if (a?.Float !== undefined && /^[+-]?\d+$/.test(a.Float.fval)) return BigInt(a.Float.fval);
  throw new PgError(SQLSTATE.syntax_error, `${d.defname} requires a numeric value`, pos(d.location));
}

function badOption(msg: string): PgError {
  return new PgError(SQLSTATE.invalid_parameter_value, msg);
}

/** The sequence type an AS names. @throws PgError 22023 for any other type. */
function sequenceTypeOf(tn: PgNode): SequenceType {
  const names: string[] = (tn.names ?? []).map((n: PgNode) => n.String?.sval as string);
  const last = names[names.length - 1] ?? '';
  const map: Record<string, SequenceType> = { int2: 'int2', smallint: 'int2', int4: 'int4', integer: 'int4', int: 'int4', int8: 'int8', bigint: 'int8' };
  const t = map[last];
  if (t === undefined || tn.arrayBounds !== undefined) throw badOption('sequence type must be smallint, integer, or bigint');
  return t;
}

/** What the options of CREATE / ALTER SEQUENCE (or an identity column's) ask for. */
interface SequenceOptions {
  type?: SequenceType;
  increment?: bigint;
  /** null: NO MINVALUE. */
  min?: bigint | null;
  max?: bigint | null;
  start?: bigint;
  /** null: RESTART without a value (the start). */
  restart?: bigint | null;
  cache?: bigint;
  cycle?: boolean;
  /** [] for OWNED BY NONE, else [table, column] (a schema first is allowed). */
  ownedBy?: string[];
  /** SEQUENCE NAME of an identity column. */
  sequenceName?: string[];
}

/**
 * Reads DefElem options (each at most once).
 * @throws PgError 42601 for a repeated option.
 */
export function readSequenceOptions(options: readonly PgNode[] | undefined, allowRestart: boolean): SequenceOptions {
  const o: SequenceOptions = {};
  const seen = new Set<string>();
  for (const el of options ?? []) {
    const d = el.DefElem;
    const name: string = d.defname;
    if (seen.has(name)) throw new PgError(SQLSTATE.syntax_error, 'conflicting or redundant options', pos(d.location));
    seen.add(name);
    switch (name) {
      case 'as': o.type = sequenceTypeOf(d.arg.TypeName); break;
      case 'increment': o.increment = intArg(d); break;
      case 'minvalue': o.min = d.arg === undefined ? null : intArg(d); break;
      case 'maxvalue': o.max = d.arg === undefined ? null : intArg(d); break;
      case 'start': o.start = intArg(d); break;
      case 'restart':
        if (!allowRestart) throw pgErr.featureNotSupported('RESTART in CREATE SEQUENCE');
        o.restart = d.arg === undefined ? null : intArg(d);
        break;
      case 'cache': o.cache = intArg(d); break;
      case 'cycle': o.cycle = d.arg?.Boolean?.boolval === true; break;
      case 'owned_by': o.ownedBy = (d.arg.List.items as PgNode[]).map((x) => x.String.sval as string); break;
      case 'sequence_name': o.sequenceName = (d.arg.List.items as PgNode[]).map((x) => x.String.sval as string); break;
      default:
        throw pgErr.featureNotSupported(`sequence option ${name}`);
    }
  }
  return o;
}

/**
 * A definition and state from options over `old` (null: CREATE), as init_params: defaults by
 * type and direction, then PostgreSQL's checks in its order.
 * @throws PgError 22023 for each invalid combination, with PostgreSQL's text.
 */
export function applySequenceOptions(name: string, o: SequenceOptions, old: Sequence | null): { def: SequenceDef; last: bigint; called: boolean; logCnt: number } {
  const type = o.type ?? old?.def.type ?? 'int8';
  const [typeMin, typeMax] = SEQUENCE_TYPE_RANGE[type];
  const increment = o.increment ?? old?.def.increment ?? 1n;
  if (increment === 0n) throw badOption('INCREMENT must not be zero');
  // A bound at the old type's limit follows a new type (reset_max_value / reset_min_value).
  const oldRange = old === null ? null : SEQUENCE_TYPE_RANGE[old.def.type];
  const resetMax = old !== null && o.type !== undefined && old.def.max === oldRange![1];
  const resetMin = old !== null && o.type !== undefined && old.def.min === oldRange![0];
  let max: bigint;
  if (o.max !== undefined && o.max !== null) max = o.max;
  else if (old === null || o.max === null || resetMax) max = increment > 0n || resetMax ? typeMax : -1n;
  else max = old.def.max;
  if (max < typeMin || max > typeMax) throw badOption(`MAXVALUE (${max}) is out of range for sequence data type ${SEQUENCE_TYPE_NAME[type]}`);
  let min: bigint;
  if (o.min !== undefined && o.min !== null) min = o.min;
  else if (old === null || o.min === null || resetMin) min = increment < 0n || resetMin ? typeMin : 1n;
  else min = old.def.min;
  if (min < typeMin || min > typeMax) throw badOption(`MINVALUE (${min}) is out of range for sequence data type ${SEQUENCE_TYPE_NAME[type]}`);
  if (min >= max) throw badOption(`MINVALUE (${min}) must be less than MAXVALUE (${max})`);
  const start = o.start ?? (old === null ? (increment > 0n ? min : max) : old.def.start);
  if (start < min) throw badOption(`START value (${start}) cannot be less than MINVALUE (${min})`);
  if (start > max) throw badOption(`START value (${start}) cannot be greater than MAXVALUE (${max})`);
  let last = old?.state.last ?? start;
  let called = old?.state.called ?? false;
  if (o.restart !== undefined) {
    last = o.restart ?? start;
    called = false;
  }
  if (last < min) throw badOption(`RESTART value (${last}) cannot be less than MINVALUE (${min})`);
  if (last > max) throw badOption(`RESTART value (${last}) cannot be greater than MAXVALUE (${max})`);
  const cache = o.cache ?? old?.def.cache ?? 1n;
  if (cache <= 0n) throw badOption(`CACHE (${cache}) must be greater than zero`);
  const cycle = o.cycle ?? old?.def.cycle ?? false;
  // init_params zeroes log_cnt when an option changes what nextval computes.
  const resetLog = o.increment !== undefined || o.min !== undefined || o.max !== undefined || o.restart !== undefined || o.cycle !== undefined || o.cache !== undefined || resetMax || resetMin;
  const logCnt = old === null || resetLog ? 0 : old.state.logCnt;
  return { def: { name, type, start, increment, min, max, cache, cycle, ownedBy: old?.def.ownedBy ?? null }, last, called, logCnt };
}

/**
 * OWNED BY's target: null for NONE, else the table and column, which must exist.
 * @throws PgError 42601 for a bare name; 42P01 / 42703 for a missing table / column.
 */
function ownerOf(env: SqlEnv, parts: readonly string[]): SequenceDef['ownedBy'] {
  if (parts.length === 1) {
    if (parts[0] === 'none') return null;
    throw new PgError(SQLSTATE.syntax_error, 'invalid OWNED BY option', { hint: 'Specify OWNED BY table.column or OWNED BY NONE.' });
  }
  const column = parts[parts.length - 1]!;
  const { kind, key } = referencedRelation(env, parts.slice(0, -1));
  if (kind === 'missing') throw missingSchema(parts.slice(0, -1));
  const table = key ?? parts[parts.length - 2]!;
  const t = key === null ? undefined : env.catalog.getTable(key);
  if (t === undefined) throw new PgError(SQLSTATE.undefined_table, `relation "${table}" does not exist`);
  if (!t.def.columns.some((c) => c.name === column)) throw new PgError(SQLSTATE.undefined_column, `column "${column}" of relation "${table}" does not exist`);
  return { table, column };
}

/** CREATE SEQUENCE [IF NOT EXISTS] name [options]. */
export function createSequence(env: SqlEnv, s: PgNode, notices: Notices): void {
  const rv = s.sequence;
  if (rv.relpersistence === 't') throw pgErr.featureNotSupported('temporary sequences');
  if (rv.relpersistence === 'u') throw pgErr.featureNotSupported('unlogged sequences');
  const name = checkCreationSchema(env, { ...rv, location: -1 }); // CREATE SEQUENCE's 3F000 has no position
  const o = readSequenceOptions(s.options, false);
  if (o.sequenceName !== undefined) throw pgErr.featureNotSupported('SEQUENCE NAME in CREATE SEQUENCE');
  if (env.catalog.relationExists(name)) {
    if (s.if_not_exists === true) {
      notices.push(notice(SQLSTATE.duplicate_table, `relation "${rv.relname}" already exists, skipping`));
      return;
    }
    throw new PgError(SQLSTATE.duplicate_table, `relation "${rv.relname}" already exists`);
  }
  const { def, last, called } = applySequenceOptions(name, o, null);
  if (o.ownedBy !== undefined) def.ownedBy = ownerOf(env, o.ownedBy);
  ensureXid(env);
  createSequenceTx(env, env.txn, def, last, called);
}

/**
 * The sequence an ALTER / DROP names, or null (with the NOTICE) when it is missing and IF
 * EXISTS was written.
 * @throws PgError 42P01; 42809 when it names a table or index.
 */
function namedSequence(env: SqlEnv, parts: readonly string[], missingOk: boolean, notices: Notices, what: 'relation' | 'sequence'): Sequence | null {
  const { kind, key } = referencedRelation(env, parts);
  if (kind === 'missing') {
    if (!missingOk) throw missingSchema(parts);
    notices.push(notice(SQLSTATE.successful_completion, `schema "${parts[parts.length - 2]}" does not exist, skipping`));
    return null;
  }
  const name = key ?? parts[parts.length - 1]!;
  const q = key !== null ? env.catalog.getSequence(name) : undefined;
  if (q !== undefined) return q;
  if (key !== null && (env.catalog.getTable(name) !== undefined || env.catalog.getIndex(name) !== undefined)) {
    const table = env.catalog.getTable(name) !== undefined;
    if (what === 'sequence') throw new PgError('42809', `"${name}" is not a sequence`, { hint: `Use DROP ${table ? 'TABLE' : 'INDEX'} to remove ${table ? 'a table' : 'an index'}.` });
    throw new PgError('42809', `cannot open relation "${name}"`, { detail: `This operation is not supported for ${table ? 'tables' : 'indexes'}.` });
  }
  if (missingOk) {
    notices.push(notice(SQLSTATE.successful_completion, `${what} "${name}" does not exist, skipping`));
    return null;
  }
  throw new PgError(SQLSTATE.undefined_table, `${what} "${name}" does not exist`);
}

/** ALTER SEQUENCE [IF EXISTS] name options (RESTART, OWNED BY, bounds, ...). */
export function alterSequence(env: SqlEnv, s: PgNode, notices: Notices): void {
  const rv = s.sequence;
  const parts = rv.schemaname !== undefined ? [rv.schemaname, rv.relname] : [rv.relname];
  const q = namedSequence(env, parts, s.missing_ok === true, notices, 'relation');
  if (q === null) return;
  const o = readSequenceOptions(s.options, true);
  if (o.sequenceName !== undefined) throw pgErr.featureNotSupported('SEQUENCE NAME in ALTER SEQUENCE');
  const { def, last, called, logCnt } = applySequenceOptions(q.def.name, o, q);
  if (o.ownedBy !== undefined) def.ownedBy = ownerOf(env, o.ownedBy);
  ensureXid(env);
  alterSequenceTx(env, env.txn, q.def.name, def, last, called, logCnt);
}

/**
 * ALTER TABLE t ALTER COLUMN c ADD GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY [(options)]:
 * a sequence of the column's type owned by it (named by SEQUENCE NAME, else t_c_seq) fills it,
 * as pg_dump writes identity columns back.
 * @throws PgError 42703 for a missing column; 22023 for a non-integer one; 55000 when it may
 *   be NULL, already has a default or is already an identity column; 42P07 when the name is taken.
 */
export function addIdentity(env: SqlEnv, t: Table, cmd: PgNode): void {
  const colName: string = cmd.name;
  const { i, col } = tableColumn(t, colName);
  if (col.type !== 'int2' && col.type !== 'int4' && col.type !== 'int8') throw badOption('identity column type must be smallint, integer, or bigint');
  if (!col.notNull) throw new PgError('55000', `column "${colName}" of relation "${t.name}" must be declared NOT NULL before identity can be added`);
  if (col.identity !== undefined) throw new PgError('55000', `column "${colName}" of relation "${t.name}" is already an identity column`);
  if (col.defaultSql !== null || col.sequence !== null) throw new PgError('55000', `column "${colName}" of relation "${t.name}" already has a default value`);
  const c = cmd.def.Constraint;
  const { def, last, called } = identitySequence(env, t.name, colName, col.type, c.options, (name) => env.catalog.relationExists(name), false);
  ensureXid(env);
  createSequenceTx(env, env.txn, def, last, called);
  const identity: 'a' | 'd' = c.generated_when === 'a' ? 'a' : 'd';
  alterTableTx(env, env.txn, t.name, { ...t.def, columns: t.def.columns.map((x, k) => (k === i ? { ...x, sequence: def.name, identity } : x)) });
}

/**
 * The sequence of identity column `column` of `table` (of integer type `type`) with the
 * options of its `GENERATED ... AS IDENTITY (options)`, as PostgreSQL's generateSerialExtraStmts
 * makes it: named by SEQUENCE NAME, else `<table>_<column>_seq`; of the column's type (an AS
 * option conflicts with it); the other options as CREATE SEQUENCE reads them (RESTART too);
 * owned by the column. In CREATE TABLE an OWNED BY is checked, then replaced by the column
 * (`ownedByOk`); ALTER TABLE ... ADD GENERATED refuses it. Drizzle writes every option out.
 * @throws PgError 42601 `conflicting or redundant options`, or OWNED BY where refused; 3F000
 *   for SEQUENCE NAME in a missing schema; 42P07 when `taken(name)`; init_params' 22023.
 */
export function identitySequence(env: SqlEnv, table: string, column: string, type: 'int2' | 'int4' | 'int8', options: readonly PgNode[] | undefined, taken: (name: string) => boolean, ownedByOk: boolean): { def: SequenceDef; last: bigint; called: boolean } {
  const asOption = (options ?? []).find((el) => el.DefElem?.defname === 'as');
  if (asOption !== undefined) throw new PgError(SQLSTATE.syntax_error, 'conflicting or redundant options', pos(asOption.DefElem.location));
  const o = readSequenceOptions(options, true);
  if (o.ownedBy !== undefined) {
    if (!ownedByOk) throw new PgError(SQLSTATE.syntax_error, 'invalid sequence option OWNED BY for an identity column');
    ownerOf(env, o.ownedBy);
  }
  const nameParts = o.sequenceName;
  const named = nameParts === undefined ? null : referencedRelation(env, nameParts);
  if (named?.kind === 'missing') throw missingSchema(nameParts!);
  const name = named?.key ?? `${table}_${column}_seq`;
  if (taken(name)) throw new PgError(SQLSTATE.duplicate_table, `relation "${name}" already exists`);
  o.type = type;
  const { def, last, called } = applySequenceOptions(name, o, null);
  def.ownedBy = { table, column };
  return { def, last, called };
}

/** Column `colName` of `t` and its position (the identity subcommands'). @throws PgError 42703 when missing. */
function tableColumn(t: Table, colName: string): { i: number; col: ColumnDef } {
  const i = t.def.columns.findIndex((c) => c.name === colName);
  if (i < 0) throw new PgError(SQLSTATE.undefined_column, `column "${colName}" of relation "${t.name}" does not exist`);
  return { i, col: t.def.columns[i]! };
}

function notIdentity(t: Table, colName: string): PgError {
  return new PgError('55000', `column "${colName}" of relation "${t.name}" is not an identity column`);
}

/**
 * ALTER TABLE t ALTER COLUMN c SET GENERATED {ALWAYS | BY DEFAULT} | SET sequence option |
 * RESTART [[WITH] n] (PostgreSQL's ATExecSetIdentity): the kind changes on the column, the
 * options on its sequence, as ALTER SEQUENCE changes them.
 * @throws PgError 42703; 55000 `column "c" of relation "t" is not an identity column`; 42601
 *   `conflicting or redundant options`; ALTER SEQUENCE's 22023; 0A000 for SET AS, SEQUENCE
 *   NAME and OWNED BY.
 */
export function setIdentity(env: SqlEnv, t: Table, cmd: PgNode): void {
  const { i, col } = tableColumn(t, cmd.name as string);
  if (col.identity === undefined || col.sequence === null) throw notIdentity(t, cmd.name as string);
  let generated: 'a' | 'd' | undefined;
  const options: PgNode[] = [];
  for (const el of (cmd.def?.List?.items ?? []) as PgNode[]) {
    const d = el.DefElem;
    if (d.defname !== 'generated') {
      options.push(el);
      continue;
    }
    // (ATExecSetIdentity reports it without a position.)
    if (generated !== undefined) throw new PgError(SQLSTATE.syntax_error, 'conflicting or redundant options');
    generated = d.arg.Integer.ival === 97 ? 'a' : 'd';
  }
  ensureXid(env);
  if (options.length > 0) {
    const o = readSequenceOptions(options, true);
    if (o.type !== undefined || o.sequenceName !== undefined || o.ownedBy !== undefined) {
      throw pgErr.featureNotSupported(`ALTER COLUMN ... SET ${o.type !== undefined ? 'AS' : o.sequenceName !== undefined ? 'SEQUENCE NAME' : 'OWNED BY'} of an identity column`);
    }
    const q = env.catalog.getSequence(col.sequence)!;
    const { def, last, called, logCnt } = applySequenceOptions(q.def.name, o, q);
    alterSequenceTx(env, env.txn, q.def.name, def, last, called, logCnt);
  }
  if (generated !== undefined && generated !== col.identity) {
    alterTableTx(env, env.txn, t.name, { ...t.def, columns: t.def.columns.map((x, k) => (k === i ? { ...x, identity: generated } : x)) });
  }
}

/**
 * ALTER TABLE t ALTER COLUMN c DROP IDENTITY [IF EXISTS] (ATExecDropIdentity): the column
 * keeps its values and NOT NULL, loses its default; its sequence is dropped.
 * @throws PgError 42703; 55000 `column "c" of relation "t" is not an identity column` (a
 *   NOTICE `..., skipping` with IF EXISTS).
 */
export function dropIdentity(env: SqlEnv, t: Table, cmd: PgNode, notices: Notices): void {
  const colName = cmd.name as string;
  const { i, col } = tableColumn(t, colName);
  if (col.identity === undefined || col.sequence === null) {
    if (cmd.missing_ok !== true) throw notIdentity(t, colName);
    notices.push(notice(SQLSTATE.successful_completion, `column "${colName}" of relation "${t.name}" is not an identity column, skipping`));
    return;
  }
  ensureXid(env);
  const kept: ColumnDef = { ...col, sequence: null };
  delete kept.identity;
  alterTableTx(env, env.txn, t.name, { ...t.def, columns: t.def.columns.map((x, k) => (k === i ? kept : x)) });
  dropSequenceTx(env, env.txn, col.sequence);
}

/** ALTER SEQUENCE name RENAME TO new. */
export function renameSequence(env: SqlEnv, s: PgNode, notices: Notices): void {
  const rv = s.relation;
  const parts = rv.schemaname !== undefined ? [rv.schemaname, rv.relname] : [rv.relname];
  const q = namedSequence(env, parts, s.missing_ok === true, notices, 'relation');
  if (q === null) return;
  const from = q.def.name;
  const to = relationKey(env.catalog.splitKey(from).schema, s.newname as string);
  if (env.catalog.relationExists(to)) throw new PgError(SQLSTATE.duplicate_table, `relation "${to}" already exists`);
  ensureXid(env);
  renameSequenceKey(env, q, to);
}

/**
 * Gives sequence `q` the catalog key `to` (a RENAME, or a move to another schema) in the
 * session's transaction, and the column defaults that draw from it name it so (PostgreSQL's
 * defaults hold its oid). The caller checked that the key is free and took an xid.
 */
export function renameSequenceKey(env: SqlEnv, q: Sequence, to: string): void {
  const from = q.def.name;
  alterSequenceTx(env, env.txn, from, { ...q.def, name: to }, q.state.last, q.state.called, q.state.logCnt);
  for (const tn of env.catalog.tableNames()) {
    const t = env.catalog.getTable(tn)!;
    if (!t.def.columns.some((c) => c.sequence === from)) continue;
    alterTableTx(env, env.txn, tn, { ...t.def, columns: t.def.columns.map((c) => (c.sequence === from ? { ...c, sequence: to } : c)) });
  }
}

/**
 * DROP SEQUENCE [IF EXISTS] names [CASCADE]: a sequence a column default uses is refused
 * (2BP01) unless CASCADE, which drops the default too; an identity column's never.
 */
export function dropSequences(env: SqlEnv, s: PgNode, notices: Notices): void {
  const cascade = s.behavior === 'DROP_CASCADE';
  for (const obj of s.objects as PgNode[]) {
    const parts: string[] = obj.List.items.map((x: PgNode) => x.String.sval as string);
    const q = namedSequence(env, parts, s.missing_ok === true, notices, 'sequence');
    if (q === null) continue;
    const name = q.def.name;
    const users: { table: string; column: string; identity: boolean }[] = [];
    // Defaults that are nextval of it: a column's sequence, or (a non-integer column) the
    // stored expression.
    const uses = (c: ColumnDef): boolean => c.sequence === name || defaultSequence(env, c.defaultSql) === name;
    for (const tn of env.catalog.tableNames()) {
      for (const c of env.catalog.getTable(tn)!.def.columns) if (uses(c)) users.push({ table: tn, column: c.name, identity: c.identity !== undefined });
    }
    const identity = users.find((u) => u.identity);
    if (identity !== undefined) {
      throw new PgError('2BP01', `cannot drop sequence ${name} because column ${identity.column} of table ${identity.table} requires it`, {
        hint: `You can drop column ${identity.column} of table ${identity.table} instead.`,
      });
    }
    if (users.length > 0 && !cascade) {
      const lines = users.map((u) => `default value for column ${u.column} of table ${u.table} depends on sequence ${name}`);
      throw new PgError('2BP01', `cannot drop sequence ${name} because other objects depend on it`, {
        detail: lines.join('\n'),
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
    ensureXid(env);
    dropDependentViews(env, name, 'sequence', new Set(), cascade, notices);
    if (users.length > 0) {
      notices.push(notice(SQLSTATE.successful_completion, users.length === 1
        ? `drop cascades to default value for column ${users[0]!.column} of table ${users[0]!.table}`
        : `drop cascades to ${users.length} other objects`));
      for (const u of new Set(users.map((x) => x.table))) {
        const t = env.catalog.getTable(u)!;
        alterTableTx(env, env.txn, u, { ...t.def, columns: t.def.columns.map((c) => (uses(c) ? { ...c, sequence: null, defaultSql: null } : c)) });
      }
    }
    dropSequenceTx(env, env.txn, name);
  }
}

/** The rows `SELECT * FROM seq` shows: last_value, log_cnt, is_called. */
export function sequenceRow(q: Sequence): Value[] {
  return [int8Of(q.state.last), q.state.logCnt, q.state.called];
}
