/**
 * The logical redo records vecgres writes to its write-ahead log: one per catalog change
 * ({@link Change}), encoded with the codec. The WAL header (wal_record.ts) carries the type,
 * the transaction id and the CRC; the payloads below carry the rest:
 *
 *   type  record         payload
 *   ----  -------------  ------------------------------------------------------------------
 *      1  CREATE_TABLE   table definition (codec value), sequence names (varuint n, strings)
 *      2  DROP_TABLE     table name
 *      3  TRUNCATE       table name
 *      4  INSERT         table name, rowId varuint, has-key u8, key value (if any), one codec
 *                        value per column (vectors as float32 arrays: the vector bytes travel
 *                        in the log)
 *      5  DELETE         table name, rowId varuint, has-key u8, key value (if any)
 *      6  COMMIT         (empty)
 *      7  ABORT          (empty)
 *      8  CREATE_INDEX   index definition (codec value)
 *      9  DROP_INDEX     index name
 *     10  SEQUENCE       sequence name, value varuint (a value no nextval before it exceeds)
 *     11  ROLLBACK_TO    varuint n, then n undone writes newest first: u8 kind (0 insert,
 *                        1 delete, 2 DDL), and for rows the table name and rowId varuint
 *     12  ALTER_TABLE    table name, its new definition (codec value): constraints, names,
 *                        defaults, NOT NULL (a new name renames it)
 *     13  ADD_COLUMN     table name, the column (as a one-column table definition), the
 *                        value every existing row gets (codec value)
 *     14  DROP_COLUMN    table name, column number varuint
 *     15  REWRITE_COLUMN table name, column number varuint, the new column (one-column table
 *                        definition), varuint n, n codec values (one per live row, in order)
 *     16  INSERT_ROWS    table name, first rowId varuint, varuint n, then n rows each as
 *                        INSERT's has-key u8, key value (if any), one codec value per column:
 *                        rows first .. first + n - 1 of one statement (COPY FROM, multi-row
 *                        INSERT), replayed as n INSERTs
 *     40  SEQUENCE_SET   sequence name, last_value (codec bigint), is_called u8: where the
 *                        sequence stands after replay (nextval logs 32 values ahead; setval
 *                        logs its value); replaces SEQUENCE, which only read old logs
 *     41  CREATE_SEQUENCE the sequence (sequence.ts sequenceToValue: definition and state)
 *     42  ALTER_SEQUENCE old name, the sequence (a new name renames it)
 *     43  DROP_SEQUENCE  sequence name
 *     44  CREATE_EXTENSION extension name, version
 *     45  DROP_EXTENSION extension name
 *     46  COMMENT_INDEX  index name, has-comment u8, the comment (if any)
 *     47  OIDS           the oid counter after the record (varuint), varuint n, then n
 *                        assignments: object key (string), oid (varuint); n = 0 for a skip
 *     48  CREATE_VIEW    the view (view.ts viewDefToValue)
 *     49  ALTER_VIEW     old name, the view (a new name renames it)
 *     50  DROP_VIEW      view name
 *     51  CREATE_TYPE    the enum type (enum_type.ts enumTypeToValue: oids, name, labels)
 *     52  ALTER_TYPE     old name, the enum type's new definition (a new name renames it)
 *     53  DROP_TYPE      type name
 *     54  CREATE_SCHEMA  the schema (schema_def.ts schemaToValue: oid, name)
 *     55  DROP_SCHEMA    schema name
 *     56  RENAME_SCHEMA  schema name, new name
 *     57  RENAME_INDEX   index key, new key (its table moved to another schema)
 *
 * Row, DDL, ROLLBACK_TO and COMMIT/ABORT records carry their transaction id in the header:
 * DDL is transactional (recovery undoes the DDL of a transaction without a commit record).
 * SEQUENCE, SEQUENCE_SET and OIDS records carry 0 (nextval and setval are never undone). DDL records of logs written before DDL
 * was transactional carry 0 and are applied as committed.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import type { ByteReader, ByteWriter, CodecValue } from './codec.js';
import type { OidAssignment } from './object_ids.js';
import { columnKey, type Change, type ExtensionRecord, type IndexDef, type IndexKey, type UndoneWrite } from './catalog.js';
import { tableDefFromValue, tableDefToValue, type ColumnDef, type TableDef, type Value } from './table.js';
import { sequenceFromValue, sequenceToValue, type SequenceDef } from './sequence.js';
import { viewDefFromValue, viewDefToValue, type ViewDef } from './view.js';
import { enumTypeFromValue, enumTypeToValue, type EnumTypeDef } from './enum_type.js';
import { schemaFromValue, schemaToValue, type SchemaDef } from './schema_def.js';

export const REDO_CREATE_TABLE = 1;
export const REDO_DROP_TABLE = 2;
export const REDO_TRUNCATE = 3;
export const REDO_INSERT = 4;
export const REDO_DELETE = 5;
export const REDO_COMMIT = 6;
export const REDO_ABORT = 7;
export const REDO_CREATE_INDEX = 8;
export const REDO_DROP_INDEX = 9;
export const REDO_SEQUENCE = 10;
export const REDO_ROLLBACK_TO = 11;
export const REDO_ALTER_TABLE = 12;
export const REDO_ADD_COLUMN = 13;
export const REDO_DROP_COLUMN = 14;
export const REDO_REWRITE_COLUMN = 15;
export const REDO_INSERT_ROWS = 16;
export const REDO_SEQUENCE_SET = 40;
export const REDO_CREATE_SEQUENCE = 41;
export const REDO_ALTER_SEQUENCE = 42;
export const REDO_DROP_SEQUENCE = 43;
export const REDO_CREATE_EXTENSION = 44;
export const REDO_DROP_EXTENSION = 45;
export const REDO_COMMENT_INDEX = 46;
export const REDO_OIDS = 47;
export const REDO_CREATE_VIEW = 48;
export const REDO_ALTER_VIEW = 49;
export const REDO_DROP_VIEW = 50;
export const REDO_CREATE_TYPE = 51;
export const REDO_ALTER_TYPE = 52;
export const REDO_DROP_TYPE = 53;
export const REDO_CREATE_SCHEMA = 54;
export const REDO_DROP_SCHEMA = 55;
export const REDO_RENAME_SCHEMA = 56;
export const REDO_RENAME_INDEX = 57;

/** A decoded redo record (tables named, not referenced). */
export type Redo =
  | { kind: 'createTable'; xid: number; def: TableDef; sequences: string[] }
  | { kind: 'dropTable'; xid: number; name: string }
  | { kind: 'truncate'; xid: number; name: string }
  | { kind: 'insert'; xid: number; table: string; rowId: number; values: Value[]; pkey: unknown }
  | { kind: 'insertRows'; xid: number; table: string; rowId: number; rows: Value[][]; pkeys: unknown[] }
  | { kind: 'delete'; xid: number; table: string; rowId: number; pkey: unknown }
  | { kind: 'commit'; xid: number }
  | { kind: 'abort'; xid: number }
  | { kind: 'createIndex'; xid: number; def: IndexDef }
  | { kind: 'dropIndex'; xid: number; name: string }
  | { kind: 'sequence'; name: string; last: bigint; called: boolean }
  | { kind: 'createSequence'; xid: number; def: SequenceDef; last: bigint; called: boolean }
  | { kind: 'alterSequence'; xid: number; name: string; def: SequenceDef; last: bigint; called: boolean }
  | { kind: 'dropSequence'; xid: number; name: string }
  | { kind: 'rollbackTo'; xid: number; undo: UndoneWrite[] }
  | { kind: 'alterTable'; xid: number; name: string; def: TableDef }
  | { kind: 'addColumn'; xid: number; name: string; column: ColumnDef; fill: Value }
  | { kind: 'dropColumn'; xid: number; name: string; column: number }
  | { kind: 'rewriteColumn'; xid: number; name: string; column: number; def: ColumnDef; values: Value[] }
  | { kind: 'createExtension'; xid: number; ext: ExtensionRecord }
  | { kind: 'dropExtension'; xid: number; name: string }
  | { kind: 'commentIndex'; xid: number; name: string; comment: string | null }
  | { kind: 'createView'; xid: number; def: ViewDef }
  | { kind: 'alterView'; xid: number; name: string; def: ViewDef }
  | { kind: 'dropView'; xid: number; name: string }
  | { kind: 'createType'; xid: number; def: EnumTypeDef }
  | { kind: 'alterType'; xid: number; name: string; def: EnumTypeDef }
  | { kind: 'dropType'; xid: number; name: string }
  | { kind: 'createSchema'; xid: number; def: SchemaDef }
  | { kind: 'dropSchema'; xid: number; name: string }
  | { kind: 'renameSchema'; xid: number; name: string; to: string }
  | { kind: 'renameIndex'; xid: number; name: string; to: string }
  | { kind: 'oids'; assigned: OidAssignment[]; next: number };

/**
 * An index definition as a codec value: `{name, table, keys: [{column, expr, opclass,
 * descending, nullsFirst}...], predicate, unique, method, options, primaryKey}`, plus
 * `constraint: true` and `valid: false` when so. Records
 * written before several keys existed hold `column` and `opclass` instead of `keys` (and no
 * predicate or unique): {@link indexDefFromValue} reads both.
 */
export function indexDefToValue(d: IndexDef): CodecValue {
  return {
    name: d.name,
    table: d.table,
    keys: d.keys.map((k) => ({ column: k.column, expr: k.expr, opclass: k.opclass, descending: k.descending, nullsFirst: k.nullsFirst })),
    predicate: d.predicate,
    unique: d.unique,
    method: d.method,
    options: d.options.map(([k, v]) => [k, v]),
    primaryKey: d.primaryKey,
    ...(d.constraint === true ? { constraint: true } : {}),
    ...(d.valid === false ? { valid: false } : {}),
    ...(d.comment !== undefined ? { comment: d.comment } : {}),
  };
}

function badIndexDef(): PgError {
  return new PgError(SQLSTATE.data_corrupted, 'invalid index definition');
}

function indexKeyFromValue(v: CodecValue): IndexKey {
  const o = v as Record<string, CodecValue>;
  if (o === null || typeof o !== 'object' || typeof o['column'] !== 'number' || typeof o['opclass'] !== 'string') throw badIndexDef();
  const expr = o['expr'];
  if (expr !== null && typeof expr !== 'string') throw badIndexDef();
  if ((o['column'] < 0) !== (expr !== null)) throw badIndexDef();
  return { column: o['column'], expr, opclass: o['opclass'], descending: o['descending'] === true, nullsFirst: o['nullsFirst'] === true };
}

export function indexDefFromValue(v: CodecValue): IndexDef {
  const o = v as Record<string, CodecValue>;
  if (o === null || typeof o !== 'object' || typeof o['name'] !== 'string') throw badIndexDef();
  const keys: IndexKey[] = Array.isArray(o['keys'])
    ? (o['keys'] as CodecValue[]).map(indexKeyFromValue)
    : [columnKey(o['column'] as number, o['opclass'] as string)];
  if (keys.length === 0 || keys.some((k) => k.expr === null && !Number.isInteger(k.column))) throw badIndexDef();
  const predicate = o['predicate'] ?? null;
  if (predicate !== null && typeof predicate !== 'string') throw badIndexDef();
  const primaryKey = o['primaryKey'] as boolean;
  return {
    name: o['name'] as string,
    table: o['table'] as string,
    keys,
    predicate,
    unique: o['unique'] === true || primaryKey,
    method: o['method'] as string,
    options: (o['options'] as CodecValue[]).map((p) => [(p as string[])[0]!, (p as string[])[1]!] as [string, string]),
    primaryKey,
    ...(o['constraint'] === true ? { constraint: true } : {}),
    ...(o['valid'] === false ? { valid: false as const } : {}),
    ...(typeof o['comment'] === 'string' ? { comment: o['comment'] } : {}),
  };
}

/**
 * Encodes `c` into `w` (reset by the caller) and returns the record type and xid for the WAL
 * header.
 */
export function encodeRedo(c: Change, w: ByteWriter): { type: number; xid: number } {
  switch (c.kind) {
    case 'createTable':
      w.value(tableDefToValue(c.def)).varuint(c.sequences.length);
      for (const s of c.sequences) w.string(s);
      return { type: REDO_CREATE_TABLE, xid: c.xid };
    case 'dropTable':
      w.string(c.name);
      return { type: REDO_DROP_TABLE, xid: c.xid };
    case 'truncate':
      w.string(c.name);
      return { type: REDO_TRUNCATE, xid: c.xid };
    case 'insert': {
      w.string(c.table.name).varuint(c.rowId);
      if (c.pkey === undefined) w.u8(0);
      else w.u8(1).value(c.pkey as CodecValue);
      const n = c.table.def.columns.length;
      for (let i = 0; i < n; i++) w.value((c.values[i] ?? null) as CodecValue);
      return { type: REDO_INSERT, xid: c.xid };
    }
    case 'insertRows': {
      w.string(c.table.name).varuint(c.rowId).varuint(c.rows.length);
      const n = c.table.def.columns.length;
      for (let r = 0; r < c.rows.length; r++) {
        const k = c.pkeys[r];
        if (k === undefined) w.u8(0);
        else w.u8(1).value(k as CodecValue);
        const values = c.rows[r]!;
        for (let i = 0; i < n; i++) w.value((values[i] ?? null) as CodecValue);
      }
      return { type: REDO_INSERT_ROWS, xid: c.xid };
    }
    case 'delete':
      w.string(c.table.name).varuint(c.rowId);
      if (c.pkey === undefined) w.u8(0);
      else w.u8(1).value(c.pkey as CodecValue);
      return { type: REDO_DELETE, xid: c.xid };
    case 'commit':
      return { type: REDO_COMMIT, xid: c.xid };
    case 'abort':
      return { type: REDO_ABORT, xid: c.xid };
    case 'createIndex':
      w.value(indexDefToValue(c.def));
      return { type: REDO_CREATE_INDEX, xid: c.xid };
    case 'dropIndex':
      w.string(c.name);
      return { type: REDO_DROP_INDEX, xid: c.xid };
    case 'rollbackTo':
      w.varuint(c.undo.length);
      for (const u of c.undo) {
        if (u.kind === 'ddl') w.u8(2);
        else w.u8(u.kind === 'insert' ? 0 : 1).string(u.table).varuint(u.rowId);
      }
      return { type: REDO_ROLLBACK_TO, xid: c.xid };
    case 'sequence':
      w.string(c.name).value(c.last).u8(c.called ? 1 : 0);
      return { type: REDO_SEQUENCE_SET, xid: 0 };
    case 'createSequence':
      w.value(sequenceToValue(c.def, c));
      return { type: REDO_CREATE_SEQUENCE, xid: c.xid };
    case 'alterSequence':
      w.string(c.name).value(sequenceToValue(c.def, c));
      return { type: REDO_ALTER_SEQUENCE, xid: c.xid };
    case 'dropSequence':
      w.string(c.name);
      return { type: REDO_DROP_SEQUENCE, xid: c.xid };
    case 'alterTable':
      w.string(c.name).value(tableDefToValue(c.def));
      return { type: REDO_ALTER_TABLE, xid: c.xid };
    case 'addColumn':
      w.string(c.name).value(tableDefToValue({ name: c.name, columns: [c.column], primaryKey: [] })).value(c.fill as CodecValue);
      return { type: REDO_ADD_COLUMN, xid: c.xid };
    case 'dropColumn':
      w.string(c.name).varuint(c.column);
      return { type: REDO_DROP_COLUMN, xid: c.xid };
    case 'rewriteColumn':
      w.string(c.name).varuint(c.column).value(tableDefToValue({ name: c.name, columns: [c.def], primaryKey: [] })).varuint(c.values.length);
      for (const v of c.values) w.value(v as CodecValue);
      return { type: REDO_REWRITE_COLUMN, xid: c.xid };
    case 'createExtension':
      w.string(c.ext.name).string(c.ext.version);
      return { type: REDO_CREATE_EXTENSION, xid: c.xid };
    case 'dropExtension':
      w.string(c.name);
      return { type: REDO_DROP_EXTENSION, xid: c.xid };
    case 'commentIndex':
      w.string(c.name);
      if (c.comment === null) w.u8(0);
      else w.u8(1).string(c.comment);
      return { type: REDO_COMMENT_INDEX, xid: c.xid };
    case 'createView':
      w.value(viewDefToValue(c.def));
      return { type: REDO_CREATE_VIEW, xid: c.xid };
    case 'alterView':
      w.string(c.name).value(viewDefToValue(c.def));
      return { type: REDO_ALTER_VIEW, xid: c.xid };
    case 'dropView':
      w.string(c.name);
      return { type: REDO_DROP_VIEW, xid: c.xid };
    case 'createType':
      w.value(enumTypeToValue(c.def));
      return { type: REDO_CREATE_TYPE, xid: c.xid };
    case 'alterType':
      w.string(c.name).value(enumTypeToValue(c.def));
      return { type: REDO_ALTER_TYPE, xid: c.xid };
    case 'dropType':
      w.string(c.name);
      return { type: REDO_DROP_TYPE, xid: c.xid };
    case 'createSchema':
      w.value(schemaToValue(c.def));
      return { type: REDO_CREATE_SCHEMA, xid: c.xid };
    case 'dropSchema':
      w.string(c.name);
      return { type: REDO_DROP_SCHEMA, xid: c.xid };
    case 'renameSchema':
      w.string(c.name).string(c.to);
      return { type: REDO_RENAME_SCHEMA, xid: c.xid };
    case 'renameIndex':
      w.string(c.name).string(c.to);
      return { type: REDO_RENAME_INDEX, xid: c.xid };
    case 'oids':
      w.varuint(c.next).varuint(c.assigned.length);
      for (const [k, oid] of c.assigned) w.string(k).varuint(oid);
      return { type: REDO_OIDS, xid: 0 };
  }
}

/**
 * Decodes a record's payload. `columnCount` tells an INSERT how many values follow.
 * @throws PgError XX001 for an unknown type or malformed payload.
 */
export function decodeRedo(type: number, xid: number, r: ByteReader, columnCount: (table: string) => number): Redo {
  switch (type) {
    case REDO_CREATE_TABLE: {
      const def = tableDefFromValue(r.readValue());
      const n = r.varuint();
      const sequences: string[] = [];
      for (let i = 0; i < n; i++) sequences.push(r.string());
      return { kind: 'createTable', xid, def, sequences };
    }
    case REDO_DROP_TABLE:
      return { kind: 'dropTable', xid, name: r.string() };
    case REDO_TRUNCATE:
      return { kind: 'truncate', xid, name: r.string() };
    case REDO_INSERT: {
      const table = r.string();
      const rowId = r.varuint();
      const pkey = r.u8() === 1 ? r.readValue() : undefined;
      const n = columnCount(table);
      const values: Value[] = new Array(n);
      for (let i = 0; i < n; i++) values[i] = r.readValue() as Value;
      return { kind: 'insert', xid, table, rowId, values, pkey };
    }
    case REDO_INSERT_ROWS: {
      const table = r.string();
      const rowId = r.varuint();
      const count = r.varuint();
      const n = columnCount(table);
      const rows: Value[][] = [];
      const pkeys: unknown[] = [];
      for (let k = 0; k < count; k++) {
        pkeys.push(r.u8() === 1 ? r.readValue() : undefined);
        const values: Value[] = new Array(n);
        for (let i = 0; i < n; i++) values[i] = r.readValue() as Value;
        rows.push(values);
      }
      if (count === 0) throw new PgError(SQLSTATE.data_corrupted, 'insert record without rows');
      return { kind: 'insertRows', xid, table, rowId, rows, pkeys };
    }
    case REDO_DELETE: {
      const table = r.string();
      const rowId = r.varuint();
      const pkey = r.u8() === 1 ? r.readValue() : undefined;
      return { kind: 'delete', xid, table, rowId, pkey };
    }
    case REDO_COMMIT:
      return { kind: 'commit', xid };
    case REDO_ABORT:
      return { kind: 'abort', xid };
    case REDO_CREATE_INDEX:
      return { kind: 'createIndex', xid, def: indexDefFromValue(r.readValue()) };
    case REDO_DROP_INDEX:
      return { kind: 'dropIndex', xid, name: r.string() };
    case REDO_ROLLBACK_TO: {
      const n = r.varuint();
      const undo: UndoneWrite[] = [];
      for (let i = 0; i < n; i++) {
        const k = r.u8();
        if (k === 2) undo.push({ kind: 'ddl' });
        else if (k === 0 || k === 1) undo.push({ kind: k === 0 ? 'insert' : 'delete', table: r.string(), rowId: r.varuint() });
        else throw new PgError(SQLSTATE.data_corrupted, `invalid undone write kind ${k}`);
      }
      return { kind: 'rollbackTo', xid, undo };
    }
    case REDO_SEQUENCE: {
      // An old log's nextval record: a value no nextval before it exceeded (increment 1).
      const name = r.string();
      return { kind: 'sequence', name, last: BigInt(r.varuint()), called: true };
    }
    case REDO_SEQUENCE_SET: {
      const name = r.string();
      const last = r.readValue();
      if (typeof last !== 'bigint') throw new PgError(SQLSTATE.data_corrupted, 'invalid sequence value');
      return { kind: 'sequence', name, last, called: r.u8() === 1 };
    }
    case REDO_CREATE_SEQUENCE: {
      const q = sequenceFromValue(r.readValue());
      return { kind: 'createSequence', xid, def: q.def, last: q.last, called: q.called };
    }
    case REDO_ALTER_SEQUENCE: {
      const name = r.string();
      const q = sequenceFromValue(r.readValue());
      return { kind: 'alterSequence', xid, name, def: q.def, last: q.last, called: q.called };
    }
    case REDO_DROP_SEQUENCE:
      return { kind: 'dropSequence', xid, name: r.string() };
    case REDO_CREATE_EXTENSION: {
      const name = r.string();
      return { kind: 'createExtension', xid, ext: { name, version: r.string() } };
    }
    case REDO_DROP_EXTENSION:
      return { kind: 'dropExtension', xid, name: r.string() };
    case REDO_COMMENT_INDEX: {
      const name = r.string();
      return { kind: 'commentIndex', xid, name, comment: r.u8() === 1 ? r.string() : null };
    }
    case REDO_CREATE_VIEW:
      return { kind: 'createView', xid, def: viewFromRecord(r.readValue()) };
    case REDO_ALTER_VIEW: {
      const name = r.string();
      return { kind: 'alterView', xid, name, def: viewFromRecord(r.readValue()) };
    }
    case REDO_DROP_VIEW:
      return { kind: 'dropView', xid, name: r.string() };
    case REDO_CREATE_TYPE:
      return { kind: 'createType', xid, def: enumTypeFromValue(r.readValue()) };
    case REDO_ALTER_TYPE: {
      const name = r.string();
      return { kind: 'alterType', xid, name, def: enumTypeFromValue(r.readValue()) };
    }
    case REDO_DROP_TYPE:
      return { kind: 'dropType', xid, name: r.string() };
    case REDO_CREATE_SCHEMA:
      return { kind: 'createSchema', xid, def: schemaFromValue(r.readValue()) };
    case REDO_DROP_SCHEMA:
      return { kind: 'dropSchema', xid, name: r.string() };
    case REDO_RENAME_SCHEMA: {
      const name = r.string();
      return { kind: 'renameSchema', xid, name, to: r.string() };
    }
    case REDO_RENAME_INDEX: {
      const name = r.string();
      return { kind: 'renameIndex', xid, name, to: r.string() };
    }
    case REDO_OIDS: {
      const next = r.varuint();
      const n = r.varuint();
      const assigned: OidAssignment[] = [];
      for (let i = 0; i < n; i++) assigned.push([r.string(), r.varuint()]);
      return { kind: 'oids', assigned, next };
    }
    case REDO_ALTER_TABLE: {
      const name = r.string();
      return { kind: 'alterTable', xid, name, def: tableDefFromValue(r.readValue()) };
    }
    case REDO_ADD_COLUMN: {
      const name = r.string();
      const column = tableDefFromValue(r.readValue()).columns[0];
      if (column === undefined) throw new PgError(SQLSTATE.data_corrupted, 'invalid column definition');
      return { kind: 'addColumn', xid, name, column, fill: r.readValue() as Value };
    }
    case REDO_DROP_COLUMN: {
      const name = r.string();
      return { kind: 'dropColumn', xid, name, column: r.varuint() };
    }
    case REDO_REWRITE_COLUMN: {
      const name = r.string();
      const column = r.varuint();
      const def = tableDefFromValue(r.readValue()).columns[0];
      if (def === undefined) throw new PgError(SQLSTATE.data_corrupted, 'invalid column definition');
      const n = r.varuint();
      const values: Value[] = new Array(n);
      for (let i = 0; i < n; i++) values[i] = r.readValue() as Value;
      return { kind: 'rewriteColumn', xid, name, column, def, values };
    }
    default:
      throw new PgError(SQLSTATE.data_corrupted, `invalid redo record type ${type}`);
  }
}

/** A view definition of a log record; a malformed one is XX001. */
function viewFromRecord(v: CodecValue): ViewDef {
  try {
    return viewDefFromValue(v);
  } catch (e) {
    throw new PgError(SQLSTATE.data_corrupted, e instanceof Error ? e.message : String(e));
  }
}
