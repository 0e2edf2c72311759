/**
 * COPY (PostgreSQL's copy.c DoCopy, copyfrom.c CopyFrom, copyto.c DoCopyTo):
 *
 * - `COPY t [(cols)] FROM STDIN` reads rows in text, CSV or binary format from data the caller
 *   hands in ({@link CopyIo}: the wire server's CopyData messages, or the embedded API's blob
 *   for `FROM '/dev/blob'`), converts each field with the column type's input (or receive)
 *   function, fills unlisted columns with their defaults, and inserts the rows through the
 *   INSERT path (NOT NULL, keys, UNIQUE and every index maintained). The statement is one
 *   transaction step: an error rolls all its rows back, and names the input line as
 *   PostgreSQL's CONTEXT (`COPY t, line 3, column e: "x"`).
 * - `COPY t [(cols)] | (query) TO STDOUT` returns the output as chunks (one per row, as the
 *   CopyData messages PostgreSQL sends); the embedded API's `TO '/dev/blob'` joins them into
 *   the result's blob.
 *
 * Server-side files and programs are not supported (0A000): vecgres reads and writes no files
 * on a client's behalf (PostgreSQL would require superuser or pg_read/write_server_files).
 */
import { checkUtilitySchema } from './ddl.js';
import type { TimeZone } from '../../types/timezone.js';
import type { DateTimeClock } from '../../types/datetime.js';
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import type { Table, Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import type { PgNode } from '../parser/parse.js';
import { parseSql } from '../parser/parse.js';
import { valueFromText, valueToText, type SqlType, type RegCatalog } from '../analyze/types.js';
import { regCatalog } from './catalog_describe.js';
import { analyzeSelect, rowIdQuery } from '../analyze/query.js';
import type { Expr } from '../analyze/expr.js';
import { planSelect, planTableStatement } from '../plan/planner.js';
import { runSelect } from './select.js';
import { EState } from './executor.js';
import { evalExpr } from './eval.js';
import { RowWriter, columnDefaultExpr } from './insert.js';
import { fireForeignKeys, newFkQueue } from './foreign_keys.js';
import { parseCopyOptions, type CopyOptions } from './copy_options.js';
import { CopyLineReader, copyTextRow, badCopyFormat, type CopyField } from '../../types/copy_text.js';
import { CopyTextByteReader } from '../../types/copy_text_bytes.js';
import { Float32Slab, vectorFromAscii, vectorFromSend } from '../../types/vector_bytes.js';
import { integerFromAscii } from '../../types/int.js';
import { CopyBinaryReader, copyBinaryHeader, copyBinaryTrailer, copyBinaryTuple } from '../../types/copy_binary.js';
import { typeIoByName, type Datum } from '../../types/type_io.js';
import { isEnumSqlType, hasEnumElements } from '../../types/enum_value.js';
import { PgArray } from '../../types/pgarray.js';
import { formatArray } from '../analyze/arrays.js';
import { computeGenerated, hasGeneratedColumns } from './generated_columns.js';
import { preventCommandIfReadOnly } from './txn.js';

/** Where COPY's data comes from and goes to, supplied by the caller of the statement. */
export interface CopyIo {
  /** COPY FROM STDIN's data (the CopyData messages), or null when the client sends none. */
  stdin?: readonly Uint8Array[] | null;
  /**
   * The embedded API: `'/dev/blob'` names a blob (PGlite's convention); FROM reads `blob`, its
   * bytes whole or as consecutive chunks.
   */
  devBlob?: boolean;
  blob?: Uint8Array | readonly Uint8Array[] | null;
}

/** COPY TO's output: the CopyData payloads in order, and how CopyOutResponse describes them. */
export interface CopyOutput {
  binary: boolean;
  /** Columns (CopyOutResponse's per-column format count). */
  columns: number;
  chunks: Uint8Array[];
  /** True for the embedded API's `TO '/dev/blob'` (the result carries a blob). */
  toBlob: boolean;
}

/** What a COPY statement reports: the rows copied and, for COPY TO, the output. */
export interface CopyResult {
  count: number;
  output: CopyOutput | null;
}

/** What a client needs before sending COPY FROM STDIN data (CopyInResponse). */
export interface CopyInDescription {
  binary: boolean;
  columns: number;
}

/** The longest value or line an error's CONTEXT shows (copyfromparse.c MAX_COPY_DATA_DISPLAY). */
const MAX_DISPLAY = 100;

/** Bytes of input decoded into text per step (lines never need the whole input as one string). */
const DECODE_CHUNK_BYTES = 1 << 22;

/** True for `COPY ... FROM STDIN` (the statement needs data from the client before it runs). */
export function isCopyFromStdin(stmt: PgNode): boolean {
  return stmt.is_from === true && stmt.filename === undefined && stmt.is_program !== true;
}

/**
 * Validates a `COPY ... FROM STDIN` before its data arrives (the table, columns and options
 * PostgreSQL checks in BeginCopyFrom, before CopyInResponse), and says how the data is framed.
 * @throws PgError as {@link runCopy} before reading data.
 */
export function describeCopyIn(env: SqlEnv, stmt: PgNode): CopyInDescription {
  const opts = parseCopyOptions(stmt.options, true);
  const table = copyTable(env, stmt);
  const cols = copyColumns(table, stmt.attlist);
  return { binary: opts.format === 'binary', columns: cols.length };
}

/**
 * Runs a COPY statement.
 * @throws PgError 0A000 for files, programs and COPY FROM STDIN without data; 42P01 / 42703 /
 *   42701 for the table and column list; the option errors of {@link parseCopyOptions}; 22P04
 *   for malformed input; the types' input errors and the constraint errors of INSERT, with
 *   PostgreSQL's CONTEXT in `where`.
 */
export function runCopy(env: SqlEnv, stmt: PgNode, io: CopyIo | null): CopyResult {
  const isFrom = stmt.is_from === true;
  const opts = parseCopyOptions(stmt.options, isFrom);
  const toBlob = stmt.filename === '/dev/blob' && io?.devBlob === true;
  if (stmt.is_program === true) throw pgErr.featureNotSupported(`COPY ${isFrom ? 'FROM' : 'TO'} PROGRAM`);
  if (stmt.filename !== undefined && !toBlob) {
    throw new PgError(SQLSTATE.feature_not_supported, `COPY ${isFrom ? 'from' : 'to'} a file is not supported`, {
      hint: `COPY ${isFrom ? 'FROM STDIN' : 'TO STDOUT'} (psql's \\copy) moves the data through the client${io?.devBlob === true ? `; in the embedded API, COPY ... ${isFrom ? "FROM '/dev/blob'" : "TO '/dev/blob'"}` : ''}.`,
    });
  }
  if (!isFrom) return copyTo(env, stmt, opts, toBlob);
  const table = copyTable(env, stmt);
  preventCommandIfReadOnly(env, 'COPY FROM');
  const cols = copyColumns(table, stmt.attlist);
  if (stmt.whereClause !== undefined) throw pgErr.featureNotSupported('COPY FROM ... WHERE');
  let data: readonly Uint8Array[];
  if (toBlob) {
    const b = io!.blob;
    data = b == null ? [] : b instanceof Uint8Array ? [b] : b;
  }
  else if (io?.stdin != null) data = io.stdin;
  else {
    throw new PgError(SQLSTATE.feature_not_supported, 'COPY FROM STDIN is not supported here', {
      hint: io?.devBlob === true ? "Use COPY ... FROM '/dev/blob' with the blob query option." : 'Send COPY ... FROM STDIN as a simple query of its own.',
    });
  }
  return { count: copyFrom(env, table, cols, opts, data), output: null };
}

function copyTable(env: SqlEnv, stmt: PgNode): Table {
  const rv = stmt.relation as PgNode;
  const key = checkUtilitySchema(env, rv);
  const t = env.catalog.getTable(key);
  if (t === undefined && env.catalog.getView(key) !== undefined) {
    throw stmt.is_from === true
      ? new PgError(SQLSTATE.wrong_object_type, `cannot copy to view "${rv.relname}"`, { hint: 'To enable copying to a view, provide an INSTEAD OF INSERT trigger.' })
      : new PgError(SQLSTATE.wrong_object_type, `cannot copy from view "${rv.relname}"`, { hint: 'Try the COPY (SELECT ...) TO variant.' });
  }
  if (t === undefined) throw pgErr.undefinedTable(rv.relname);
  return t;
}

/**
 * The column list as column numbers (CopyGetAttnums): when absent, every column but the
 * generated ones.
 * @throws PgError 42703 unknown column, 42701 a column twice, 42P10 a generated column.
 */
function copyColumns(table: Table, attlist: PgNode[] | undefined): number[] {
  const defs = table.def.columns;
  if (attlist === undefined) return defs.flatMap((d, i) => (d.generated === undefined ? [i] : []));
  const out: number[] = [];
  for (const n of attlist) {
    const name = n.String.sval as string;
    const c = defs.findIndex((d) => d.name === name);
    if (c < 0) throw new PgError(SQLSTATE.undefined_column, `column "${name}" of relation "${table.name}" does not exist`);
    if (defs[c]!.generated !== undefined) {
      throw new PgError(SQLSTATE.invalid_column_reference, `column "${name}" is a generated column`, { detail: 'Generated columns cannot be used in COPY.' });
    }
    if (out.includes(c)) throw new PgError(SQLSTATE.duplicate_column, `column "${name}" specified more than once`);
    out.push(c);
  }
  return out;
}

/**
 * A FORCE_* list as one flag per copied column. A name that is no column of the relation (of
 * the query, `relName` null) is 42703, one left out of the column list 42P10.
 */
function forceFlags(list: '*' | string[] | null, names: readonly string[], option: string, allNames: readonly string[], relName: string | null): boolean[] | null {
  if (list === null) return null;
  if (list === '*') return names.map(() => true);
  const flags = names.map(() => false);
  for (const n of list) {
    if (!allNames.includes(n)) {
      throw new PgError(SQLSTATE.undefined_column, relName === null ? `column "${n}" does not exist` : `column "${n}" of relation "${relName}" does not exist`);
    }
    const i = names.indexOf(n);
    if (i < 0) throw new PgError(SQLSTATE.invalid_column_reference, `${option} column "${n}" not referenced by COPY`);
    flags[i] = true;
  }
  return flags;
}

function limitDisplay(s: string): string {
  return s.length <= MAX_DISPLAY ? s : s.slice(0, MAX_DISPLAY) + '...';
}

/** CONTEXT for an error about a whole line: `COPY t, line n: "text"`, or without the text. */
function lineContext(rel: string, lineNo: number, text: string | null): string {
  return text === null ? `COPY ${rel}, line ${lineNo}` : `COPY ${rel}, line ${lineNo}: "${limitDisplay(text)}"`;
}

function withContext(e: unknown, where: string): unknown {
  if (e instanceof PgError && e.where === undefined) e.where = where;
  return e;
}

// ---------------------------------------------------------------------------------------------
// COPY FROM
// ---------------------------------------------------------------------------------------------

/** Per copied column: how a field becomes a value. */
interface TargetColumn {
  col: number;
  name: string;
  type: SqlType;
  typmod: number;
  forceNotNull: boolean;
  forceNull: boolean;
}

function copyFrom(env: SqlEnv, table: Table, cols: number[], opts: CopyOptions, data: readonly Uint8Array[]): number {
  const zone = env.settings.timeZone();
  // A reg* field may name an object (`items` for a regclass): its input reads the catalog.
  const reg = cols.some((c) => table.def.columns[c]!.type.startsWith('reg') || hasEnumElements(table.def.columns[c]!.type)) ? regCatalog(env) : undefined;
  const defs = table.def.columns;
  const names = cols.map((c) => defs[c]!.name);
  const allNames = defs.map((d) => d.name);
  const fnn = forceFlags(opts.forceNotNull, names, 'FORCE_NOT_NULL', allNames, table.name);
  const fn = forceFlags(opts.forceNull, names, 'FORCE_NULL', allNames, table.name);
  const targets: TargetColumn[] = cols.map((c, i) => ({
    col: c,
    name: defs[c]!.name,
    type: defs[c]!.type,
    typmod: defs[c]!.typmod,
    forceNotNull: fnn?.[i] === true,
    forceNull: fn?.[i] === true,
  }));
  const fill = defaultFiller(env, table, cols);
  const ncols = defs.length;
  const rel = table.name;
  // Foreign keys are checked once every row is in (as INSERT's AFTER triggers).
  const fk = newFkQueue(env);
  // The vectors of a batch's rows are parsed into `slab`, which each appended batch frees for
  // the next (the table holds copies).
  const slab = new Float32Slab();
  const writer = new RowWriter(env, table, fk, {
    // Appending a batch meets its rows' errors after later lines were read: their text is gone.
    where: (lineNo) => lineContext(rel, lineNo, null),
    afterFlush: () => slab.reset(),
  });
  const insert = (values: Value[], lineNo: number, line: { readonly lineText: string | null } | null): void => {
    fill(values);
    try {
      writer.add(values, lineNo);
    } catch (e) {
      // PostgreSQL checks keys when it flushes its batch of rows, where the line's text is gone.
      const text = line !== null && !(e instanceof PgError && e.code === SQLSTATE.unique_violation) ? line.lineText : null;
      throw withContext(e, lineContext(rel, lineNo, text));
    }
  };
  /** Appends the last batch and checks the foreign keys; the rows copied. */
  const finish = (): number => {
    writer.flush();
    fireForeignKeys(env, fk);
    return writer.count;
  };
  if (opts.format === 'binary') {
    const reader = new CopyBinaryReader(concat(data));
    // Header errors carry no CONTEXT (BeginCopyFrom reads it before the error callback is set).
    reader.readHeader();
    const ios = targets.map((t) => typeIoByName(t.type));
    const nt = targets.length;
    const offs = new Int32Array(nt);
    const lens = new Int32Array(nt);
    const buf = reader.buffer;
    const values0: Value[] = new Array(ncols).fill(undefined);
    for (;;) {
      try {
        if (!reader.nextTupleInto(nt, offs, lens)) break;
      } catch (e) {
        const at = reader.field >= 0 ? `, column ${targets[reader.field]!.name}` : '';
        throw withContext(e, `COPY ${rel}, line ${reader.tupleNo}${at}`);
      }
      const values = values0.slice();
      for (let i = 0; i < nt; i++) {
        const t = targets[i]!;
        const len = lens[i]!;
        if (len < 0) {
          values[t.col] = null;
          continue;
        }
        const off = offs[i]!;
        if (t.type === 'vector') {
          // vector_recv's fast path; null leaves the field to vector_recv (its error).
          const v = vectorFromSend(buf, off, len, t.typmod > 0 ? t.typmod : -1, slab);
          if (v !== null) {
            values[t.col] = v;
            continue;
          }
        } else if (t.type === 'int4' && len === 4) {
          values[t.col] = (buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!;
          continue;
        }
        const io = ios[i];
        if (io === undefined) throw pgErr.featureNotSupported(`binary COPY of type ${t.type}`);
        try {
          const v = io.recv(buf.subarray(off, off + len), t.typmod) as Value;
          // enum_recv: the label, read by enum_in through the catalog (an array's labels, as its text).
          values[t.col] = isEnumSqlType(t.type) ? valueFromText(v as string, t.type, -1, zone, reg)
            : hasEnumElements(t.type) && v !== null ? valueFromText(formatArray(v as PgArray, (x) => x as string), t.type, -1, zone, reg) : v;
        } catch (e) {
          throw withContext(e, `COPY ${rel}, line ${reader.tupleNo}, column ${t.name}`);
        }
      }
      insert(values, reader.tupleNo, null);
    }
    return finish();
  }
  if (opts.text.csv) return copyFromCsv(env, table, targets, opts, data, names, insert, finish, reg);
  const reader = new CopyTextByteReader(opts.text);
  const fast = fastTextColumns(targets, opts.text, slab);
  const values0: Value[] = new Array(ncols).fill(undefined);
  let headerPending = opts.header !== false;
  const take = (): void => {
    while (reader.nextLine()) {
      if (headerPending) {
        headerPending = false;
        let fields: CopyField[];
        try {
          fields = reader.fields();
        } catch (e) {
          throw withContext(e, lineContext(rel, reader.lineNo, reader.lineText));
        }
        if (opts.header === 'match') checkHeader(fields, names, rel, reader.lineNo, reader.lineText ?? '');
        continue;
      }
      const values = values0.slice();
      if (fast === null || !fastTextRow(reader, fast, targets, values, zone, env.transactionClock)) {
        let fields: CopyField[];
        try {
          fields = reader.fields();
        } catch (e) {
          throw withContext(e, lineContext(rel, reader.lineNo, reader.lineText));
        }
        convertFields(fields, targets, opts, values, zone, env.transactionClock, rel, reader.lineNo, () => reader.lineText, reg);
      }
      insert(values, reader.lineNo, reader);
    }
  };
  for (const chunk of data) {
    if (reader.sawEndMarker) break;
    reader.push(chunk);
    take();
  }
  reader.finish();
  take();
  return finish();
}

/**
 * Text or CSV: converts one line's fields to the copied columns' values (NextCopyFrom), in
 * order, so a bad value before a missing one is the error.
 * @throws PgError 22P04 `extra data after last expected column` / `missing data for column`,
 *   the types' input errors, with PostgreSQL's CONTEXT.
 */
function convertFields(fields: CopyField[], targets: readonly TargetColumn[], opts: CopyOptions, values: Value[], zone: TimeZone, clock: DateTimeClock, rel: string, lineNo: number, lineText: () => string | null, reg?: RegCatalog): void {
  const lineWhere = (): string => lineContext(rel, lineNo, lineText());
  // An empty line is one empty field, which a one-column table can take.
  if (fields.length > targets.length) throw withContext(badCopyFormat('extra data after last expected column'), lineWhere());
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i]!;
    if (i >= fields.length) throw withContext(badCopyFormat(`missing data for column "${t.name}"`), lineWhere());
    const f = fields[i]!;
    let text = f.text;
    if (text === null && t.forceNotNull) text = opts.text.nullString;
    else if (text !== null && t.forceNull && f.quoted && text === opts.text.nullString) text = null;
    if (text === null) {
      values[t.col] = null;
      continue;
    }
    try {
      values[t.col] = valueFromText(text, t.type, t.typmod, zone, reg, clock);
    } catch (e) {
      throw withContext(e, `COPY ${rel}, line ${lineNo}, column ${t.name}: "${limitDisplay(text)}"`);
    }
  }
}

/** CSV: rows from the string reader (quoted fields may span lines). */
function copyFromCsv(
  env: SqlEnv, table: Table, targets: readonly TargetColumn[], opts: CopyOptions, data: readonly Uint8Array[], names: readonly string[],
  insert: (values: Value[], lineNo: number, line: { readonly lineText: string | null }) => void, finish: () => number,
  reg: RegCatalog | undefined,
): number {
  const zone = env.settings.timeZone();
  const rel = table.name;
  const ncols = table.def.columns.length;
  const reader = new CopyLineReader(opts.text);
  let headerPending = opts.header !== false;
  const take = (): void => {
    for (;;) {
      let fields: CopyField[] | null;
      try {
        fields = reader.nextRow();
      } catch (e) {
        throw withContext(e, lineContext(rel, reader.lineNo, reader.lineText));
      }
      if (fields === null) return;
      if (headerPending) {
        headerPending = false;
        if (opts.header === 'match') checkHeader(fields, names, rel, reader.lineNo, reader.lineText ?? '');
        continue;
      }
      const values: Value[] = new Array(ncols).fill(undefined);
      convertFields(fields, targets, opts, values, zone, env.transactionClock, rel, reader.lineNo, () => reader.lineText, reg);
      insert(values, reader.lineNo, reader);
    }
  };
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const chunk of data) {
    for (let off = 0; off < chunk.length && !reader.sawEndMarker; off += DECODE_CHUNK_BYTES) {
      let text: string;
      try {
        text = decoder.decode(chunk.subarray(off, Math.min(chunk.length, off + DECODE_CHUNK_BYTES)), { stream: true });
      } catch {
        throw withContext(new PgError(SQLSTATE.character_not_in_repertoire, 'invalid byte sequence for encoding "UTF8"'), `COPY ${rel}, line ${reader.lineNo + 1}`);
      }
      reader.push(text);
      take();
    }
  }
  reader.finish();
  take();
  return finish();
}

/** How {@link fastTextRow} reads a column's field straight from the input bytes. */
const enum FastKind {
  /** `vector` (typmod: its dimension, or -1). */
  Vector,
  /** int2 / int4 / int8 (at most 4 / 9 / 15 digits: in range, safe integers). */
  Integer,
  /** Any other type: printable ASCII without backslashes, decoded, then the type's input. */
  Other,
}

interface FastColumns {
  kinds: FastKind[];
  /** Integer columns: the most digits the fast path reads. */
  maxDigits: number[];
  delimiter: number;
  nullBytes: Uint8Array;
  /** Where the vectors of the rows are made. */
  slab: Float32Slab;
}

/** Bytes the vector and integer fast paths accept; a delimiter among them would be ambiguous. */
const FAST_FIELD_BYTES = '0123456789+-.,eE[]';

/**
 * The fast text-format plan of the copied columns, or null when every line takes the general
 * path (CSV, FORCE options, no columns, a delimiter the fast parsers could mistake for data).
 */
function fastTextColumns(targets: readonly TargetColumn[], f: CopyOptions['text'], slab: Float32Slab): FastColumns | null {
  if (f.csv || targets.length === 0 || FAST_FIELD_BYTES.includes(f.delimiter) || f.delimiter.charCodeAt(0) >= 0x80) return null;
  if (targets.some((t) => t.forceNotNull || t.forceNull)) return null;
  const kinds: FastKind[] = [];
  const maxDigits: number[] = [];
  for (const t of targets) {
    const digits = t.type === 'int2' ? 4 : t.type === 'int4' ? 9 : t.type === 'int8' ? 15 : 0;
    kinds.push(t.type === 'vector' ? FastKind.Vector : digits > 0 ? FastKind.Integer : FastKind.Other);
    maxDigits.push(digits);
  }
  return { kinds, maxDigits, delimiter: f.delimiter.charCodeAt(0), nullBytes: new TextEncoder().encode(f.nullString), slab };
}

const asciiDecoder = new TextDecoder('latin1');

/**
 * Text format: converts the reader's current line straight from its bytes into `values`
 * when every field is plain (see vector_bytes.ts, int.ts integerFromAscii; other fields
 * printable ASCII without escapes) and every conversion succeeds.
 * @returns false, with `values` partly written, when the line must take the general path,
 *   which then gives the same values or PostgreSQL's error; never throws.
 */
function fastTextRow(reader: CopyTextByteReader, fast: FastColumns, targets: readonly TargetColumn[], values: Value[], zone: TimeZone, clock: DateTimeClock): boolean {
  const b = reader.lineBuf;
  const end = reader.lineEnd;
  const delim = fast.delimiter;
  const nb = fast.nullBytes;
  let p = reader.lineStart;
  const n = targets.length;
  for (let i = 0; i < n; i++) {
    const t = targets[i]!;
    const kind = fast.kinds[i]!;
    let fe: number;
    if (kind === FastKind.Other) {
      // Scanned byte by byte: printable ASCII only, no backslash.
      fe = p;
      while (fe < end) {
        const c = b[fe]!;
        if (c === delim) break;
        if (c < 0x20 || c > 0x7e || c === 92) return false;
        fe++;
      }
      if (fe === end ? i !== n - 1 : i === n - 1) return false;
    } else if (i === n - 1) {
      // The last field runs to the end of the line; its parser rejects a delimiter in it.
      fe = end;
    } else {
      fe = b.indexOf(delim, p);
      if (fe < 0 || fe >= end) return false;
    }
    if (fe - p === nb.length && bytesEqual(b, p, nb)) {
      values[t.col] = null;
    } else if (kind === FastKind.Vector) {
      const v = vectorFromAscii(b, p, fe, t.typmod > 0 ? t.typmod : -1, fast.slab);
      if (v === null) return false;
      values[t.col] = v;
    } else if (kind === FastKind.Integer) {
      const v = integerFromAscii(b, p, fe, fast.maxDigits[i]!);
      if (v !== v) return false;
      values[t.col] = v;
    } else {
      try {
        values[t.col] = valueFromText(asciiDecoder.decode(b.subarray(p, fe)), t.type, t.typmod, zone, undefined, clock);
      } catch {
        return false;
      }
    }
    p = fe + 1;
  }
  return true;
}

function bytesEqual(b: Uint8Array, p: number, x: Uint8Array): boolean {
  for (let k = 0; k < x.length; k++) if (b[p + k] !== x[k]) return false;
  return true;
}

/** HEADER MATCH: the header line's names must be the copied columns' (CopyReadLine's check). */
function checkHeader(fields: CopyField[], names: readonly string[], rel: string, lineNo: number, lineText: string): void {
  const where = lineContext(rel, lineNo, lineText);
  if (fields.length !== names.length) {
    throw withContext(badCopyFormat(`wrong number of fields in header line: got ${fields.length}, expected ${names.length}`), where);
  }
  for (let i = 0; i < names.length; i++) {
    const got = fields[i]!.text;
    if (got === null) throw withContext(badCopyFormat(`column name mismatch in header line field ${i + 1}: got null value ("${fields[i]!.quoted ? '' : '\\N'}"), expected "${names[i]}"`), where);
    if (got !== names[i]) throw withContext(badCopyFormat(`column name mismatch in header line field ${i + 1}: got "${got}", expected "${names[i]}"`), where);
  }
}

/**
 * A function that fills the columns COPY does not list with their defaults (a sequence's
 * nextval, the DEFAULT expression, else NULL), evaluated per row as INSERT does, then computes
 * the generated columns.
 */
function defaultFiller(env: SqlEnv, table: Table, listed: readonly number[]): (values: Value[]) => void {
  const missing: number[] = [];
  for (let c = 0; c < table.def.columns.length; c++) if (!listed.includes(c)) missing.push(c);
  if (missing.length === 0) return () => {};
  const exprs: Expr[] = missing.map((c) => columnDefaultExpr(env, table, c) ?? { k: 'const', type: table.def.columns[c]!.type, value: null } as Expr);
  const { stmt, bound } = planTableStatement(env, rowIdQuery(table, { k: 'const', type: 'bool', value: false }), [], [exprs]);
  const es = new EState(env, stmt, [], null);
  const b = bound[0]!;
  const generated = hasGeneratedColumns(table);
  return (values) => {
    for (let i = 0; i < missing.length; i++) values[missing[i]!] = evalExpr(b[i]!, null, es);
    // The generated columns are never listed: computed once the others are filled.
    if (generated) computeGenerated(env, table, values);
  };
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// COPY TO
// ---------------------------------------------------------------------------------------------

/**
 * A value as its type's output function prints it, as COPY TO writes it (boolout's `t` / `f`,
 * where a cast to text says `true`); null for NULL. With `copyTextRow` (types/copy_text.ts)
 * this makes a COPY text line, e.g. for `vecgres dump`. `floatDigits`: the session's
 * extra_float_digits (COPY TO prints real and double precision with it; a dump uses the default).
 */
export function copyOutputText(v: Value, type: SqlType, zone: TimeZone, reg?: Pick<RegCatalog, 'relationName' | 'userType'>, floatDigits = 1): string | null {
  if (type === 'bool' && v !== null) return v === true ? 't' : 'f';
  return valueToText(v, type, zone, reg, floatDigits);
}

function quoteIdent(s: string): string {
  return '"' + s.replace(/"/g, '""') + '"';
}

function copyTo(env: SqlEnv, stmt: PgNode, opts: CopyOptions, toBlob: boolean): CopyResult {
  const zone = env.settings.timeZone();
  let select: PgNode;
  let relName: string | null = null;
  let allNames: string[] | null = null;
  if (stmt.query !== undefined) {
    if (stmt.attlist !== undefined) throw new PgError(SQLSTATE.syntax_error, 'COPY (query) does not support a column list');
    const q = stmt.query as PgNode;
    if (q.SelectStmt === undefined) throw pgErr.featureNotSupported('COPY of a data-modifying statement');
    select = q.SelectStmt;
  } else {
    const table = copyTable(env, stmt);
    const cols = copyColumns(table, stmt.attlist);
    relName = table.name;
    allNames = table.def.columns.map((d) => d.name);
    const list = cols.map((c) => quoteIdent(table.def.columns[c]!.name)).join(', ');
    const sql = `SELECT ${list.length === 0 ? '' : list} FROM ${quoteIdent(table.name)}`;
    select = parseSql(sql)[0]!.stmt.SelectStmt;
  }
  const a = analyzeSelect(env, select);
  if (a.paramTypes.length > 0) throw new PgError(SQLSTATE.undefined_parameter, 'there is no parameter $1');
  const planned = planSelect(env, a.query, []);
  const rows = runSelect(env, planned, []).rows;
  const targets = a.query.targets;
  const names = targets.map((t) => t.name);
  const types = targets.map((t) => t.expr.type);
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  if (opts.format === 'binary') {
    const ios = types.map((t) => {
      const io = typeIoByName(t);
      if (io === undefined) throw pgErr.featureNotSupported(`binary COPY of type ${t}`);
      return io;
    });
    let pending: Uint8Array | null = copyBinaryHeader();
    for (const r of rows) {
      const tuple = copyBinaryTuple(r.map((v, i) => (v === null ? null : ios[i]!.send(v as Datum))));
      chunks.push(pending === null ? tuple : concat([pending, tuple]));
      pending = null;
    }
    // The trailer is its own message, or goes with the header when no row was sent (copyto.c).
    chunks.push(pending === null ? copyBinaryTrailer() : concat([pending, copyBinaryTrailer()]));
  } else {
    const fq = forceFlags(opts.forceQuote, names, 'FORCE_QUOTE', allNames ?? names, relName);
    if (opts.header === true) chunks.push(enc.encode(copyTextRow(names, opts.text, null)));
    // regclass values print relation names (regclassout), regtype values enum types' names.
    const reg = types.some((t) => t.startsWith('regclass') || t.startsWith('regtype')) ? regCatalog(env) : undefined;
    const floatDigits = env.settings.extraFloatDigits();
    for (const r of rows) chunks.push(enc.encode(copyTextRow(r.map((v, i) => copyOutputText(v, types[i]!, zone, reg, floatDigits)), opts.text, fq)));
  }
  return { count: rows.length, output: { binary: opts.format === 'binary', columns: targets.length, chunks, toBlob } };
}

