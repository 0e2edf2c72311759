/**
 * Result encoding for the wire: RowDescription fields and DataRow values in text (the types'
 * output functions) or binary (the type registry's send functions) format.
 */
import type { TimeZone } from '../types/timezone.js';
import { PgError, SQLSTATE } from '../common/errors.js';
import type { BackendWriter, FieldDescription } from '../protocol/backend.js';
import type { ResultField } from '../sql/exec/statement.js';
import { valueToText, type SqlType, type RegCatalog } from '../sql/analyze/types.js';
import { formatArray } from '../sql/analyze/arrays.js';
import type { PgArray } from '../types/pgarray.js';
import type { Value } from '../storage/table.js';
import { typeIoByName, type Datum, type TypeIo } from '../types/type_io.js';

/**
 * Result formats per column from Bind's codes (zero: all text; one: for every column; else
 * one per column).
 * @throws PgError 08P01 `bind message has N result formats but query has M columns`; 22023
 *   `unsupported format code: F`.
 */
export function resultFormats(codes: ArrayLike<number>, columns: number): number[] {
  if (codes.length > 1 && codes.length !== columns) {
    throw new PgError(SQLSTATE.protocol_violation, `bind message has ${codes.length} result formats but query has ${columns} columns`);
  }
  const out: number[] = new Array(columns);
  for (let i = 0; i < columns; i++) {
    const f = codes.length === 0 ? 0 : codes.length === 1 ? codes[0]! : codes[i]!;
    if (f !== 0 && f !== 1) throw new PgError(SQLSTATE.invalid_parameter_value, `unsupported format code: ${f}`);
    out[i] = f;
  }
  return out;
}

/** RowDescription fields; `formats` absent: text (a Describe of a statement says 0). */
export function fieldDescriptions(fields: readonly ResultField[], formats?: readonly number[]): FieldDescription[] {
  return fields.map((f, i) => ({
    name: f.name,
    tableOid: f.tableOid ?? 0,
    columnAttr: f.columnAttr ?? 0,
    typeOid: f.dataTypeID,
    typeSize: ioOf(f)?.typlen ?? -1,
    typeModifier: f.typmod ?? -1,
    format: formats?.[i] ?? 0,
  }));
}

/**
 * A value's text on the wire: the type's output function. It is the text of a cast to text
 * except for boolean, whose boolout prints `t` / `f` (also inside arrays), while `true::text`
 * is 'true'.
 */
function textOut(v: Value, type: SqlType, zone: TimeZone, reg: Pick<RegCatalog, 'relationName' | 'userType'> | undefined, floatDigits: number): string {
  if (type === 'bool') return v ? 't' : 'f';
  if (type === 'bool[]') return formatArray(v as PgArray, (x) => (x ? 't' : 'f'));
  return valueToText(v, type, zone, reg, floatDigits)!;
}

/** The registry row a column's values are sent with (an untyped literal is text). */
function ioOf(f: ResultField): TypeIo | undefined {
  return typeIoByName(f.type === 'unknown' ? 'text' : f.type);
}

/**
 * Appends DataRows for `rows` in the given per-column formats (absent: all text). `reg`: the
 * relation names regclass values and the enum type names regtype values print in text
 * (StatementResult.regNames); `floatDigits`: the
 * extra_float_digits real and double precision values print with in text (StatementResult.floatDigits).
 * @throws PgError 0A000 for binary output of a type without a send function (checked before
 *   any row is written).
 */
export function writeRows(w: BackendWriter, fields: readonly ResultField[], rows: readonly Value[][], zone: TimeZone, formats?: readonly number[], reg?: Pick<RegCatalog, 'relationName' | 'userType'>, floatDigits = 1): void {
  const n = fields.length;
  const binary: (TypeIo | null)[] = fields.map((f, c) => {
    if (formats === undefined || formats[c] !== 1) return null;
    const io = ioOf(f);
    if (io === undefined) throw new PgError(SQLSTATE.feature_not_supported, `binary output of type ${f.type} is not supported`);
    return io;
  });
  for (const row of rows) {
    w.beginDataRow(n);
    for (let c = 0; c < n; c++) {
      const v = row[c] ?? null;
      if (v === null) {
        w.null();
        continue;
      }
      const io = binary[c]!;
      if (io !== null) w.binary(io.send(v as Datum));
      else w.text(textOut(v, fields[c]!.type, zone, reg, floatDigits));
    }
    w.endDataRow();
  }
}
