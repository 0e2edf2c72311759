/**
 * A table's data in a dump: a `COPY ... FROM stdin;` block in COPY's text format (pg_dump's
 * default) or one `INSERT` per row (`--inserts`). Only committed rows are written (those every
 * new snapshot sees: live, inserting transaction committed; a row an in-flight transaction
 * deletes is still committed), in row-id order, each value in its type's text output form, so
 * vectors are pgvector's text (float4 in shortest round-trip form) and read back bit for bit.
 */
import { UTC_ZONE } from '../../types/timezone.js';
import type { Table, ColumnType } from '../../storage/table.js';
import { copyTextField, COPY_TEXT_END, sqlStringLiteral } from '../../types/copy_text.js';
import { valueToText, type RegCatalog } from '../analyze/types.js';
import { quoteIdent } from '../parser/parse.js';
import { qualifiedName } from './schema_sql.js';

/** Rows per chunk handed to the output (bounds the size of one string). */
const ROWS_PER_CHUNK = 1024;

/** Calls `row(rowId)` for every committed row of `t`, in row-id order. */
function forEachCommittedRow(t: Table, row: (rowId: number) => void): void {
  for (let r = 0; r < t.slots; r++) if (t.visibleTo(r, 0)) row(r);
}

/**
 * The text of column `col` of row `rowId` as its type's output function prints it (what COPY
 * TO writes: a boolean is `t` / `f`), or null for NULL.
 */
function cellText(t: Table, col: number, type: ColumnType, rowId: number, reg: DumpRegNames | undefined): string | null {
  const v = t.get(col, rowId);
  if (type === 'bool' && v !== null) return v === true ? 't' : 'f';
  // UTC: a timestamptz is written with its offset (`+00`), so it loads alike in any zone.
  return valueToText(v, type, UTC_ZONE, reg);
}

/**
 * How a dump prints a regclass value: the relation's name as regclassout prints it under
 * pg_dump's empty search_path (`public.items`; a system catalog bare, `pg_class`), since an oid
 * names another relation, or none, in the database that loads the dump.
 */
export type DumpRegNames = Pick<RegCatalog, 'relationName' | 'relationSchema'>;

/** `(a, b)`: the column list of a table's COPY, '' for a table without columns (pg_dump's fmtCopyColumnList). */
export function copyColumnListSql(columns: readonly string[]): string {
  return columns.length === 0 ? '' : `(${columns.map(quoteIdent).join(', ')})`;
}

/** The statement that starts the COPY block of a table: `COPY public.t (a, b) FROM stdin;`. */
export function copyHeaderSql(table: string, columns: readonly string[]): string {
  return `COPY ${qualifiedName(table)} ${copyColumnListSql(columns)} FROM stdin;\n`;
}

/**
 * Writes `t`'s committed rows as a COPY text-format block: the header (naming the table
 * `name`, its dump name), one line per row (fields tab-separated, {@link copyTextField}), and
 * the `\.` line. Returns the row count.
 * Generated columns are left out, as pg_dump leaves them (the load computes them).
 */
export function writeCopyData(t: Table, name: string, out: (chunk: string) => void, reg?: DumpRegNames): number {
  const cols = t.def.columns.flatMap((c, i) => (c.generated === undefined ? [i] : []));
  out(copyHeaderSql(name, cols.map((i) => t.def.columns[i]!.name)));
  const types = cols.map((i) => t.def.columns[i]!.type);
  let lines: string[] = [];
  let n = 0;
  forEachCommittedRow(t, (r) => {
    const fields = new Array<string>(types.length);
    for (let k = 0; k < types.length; k++) fields[k] = copyTextField(cellText(t, cols[k]!, types[k]!, r, reg));
    lines.push(fields.join('\t'));
    n++;
    if (lines.length === ROWS_PER_CHUNK) {
      out(lines.join('\n') + '\n');
      lines = [];
    }
  });
  if (lines.length > 0) out(lines.join('\n') + '\n');
  out(`${COPY_TEXT_END}\n`);
  return n;
}

/**
 * A value as pg_dump --inserts writes it: numbers bare when their text is only digits, signs,
 * points and exponents (NaN, Infinity and -0 quoted), booleans bare (`true`, `false` for boolout's `t`, `f`), bit strings as `B'0101'`,
 * everything else a quoted literal that the column's type reads.
 */
export function insertLiteral(text: string | null, type: ColumnType): string {
  if (text === null) return 'NULL';
  switch (type) {
    case 'int2': case 'int4': case 'int8': case 'float4': case 'float8': case 'numeric':
      // A bare -0 is the integer 0 negated, which loses a float's sign: quote it (pg_dump does not).
      return /^[0-9 +\-eE.]+$/.test(text) && text !== '-0' ? text : sqlStringLiteral(text);
    case 'bool':
      return text === 't' ? 'true' : text === 'f' ? 'false' : text;
    case 'bit': case 'varbit':
      return `B'${text}'`;
    default:
      return sqlStringLiteral(text);
  }
}

/**
 * The text before a row's values in pg_dump --inserts form: `INSERT INTO public.t VALUES (`,
 * with OVERRIDING SYSTEM VALUE when a column is GENERATED ALWAYS AS IDENTITY (the stored value
 * is taken only so).
 */
export function insertPrefixSql(table: string, generatedAlways: boolean): string {
  return `INSERT INTO ${qualifiedName(table)}${generatedAlways ? ' OVERRIDING SYSTEM VALUE' : ''} VALUES (`;
}

/**
 * One row as an INSERT statement: `prefix` ({@link insertPrefixSql}) and the values' literals
 * ({@link insertLiteral}); `INSERT INTO public.t DEFAULT VALUES;` for a table without columns.
 */
export function insertRowSql(table: string, prefix: string, literals: readonly string[]): string {
  return literals.length === 0 ? `INSERT INTO ${qualifiedName(table)} DEFAULT VALUES;` : `${prefix}${literals.join(', ')});`;
}

/**
 * Writes `t`'s committed rows as `INSERT INTO public.t VALUES (...);` statements (the table
 * named by its dump name `name`), DEFAULT for a generated column as pg_dump writes it. Returns
 * the row count.
 */
export function writeInsertData(t: Table, name: string, out: (chunk: string) => void, reg?: DumpRegNames): number {
  const types = t.def.columns.map((c) => c.type);
  const prefix = insertPrefixSql(name, t.def.columns.some((c) => c.identity === 'a'));
  let lines: string[] = [];
  let n = 0;
  forEachCommittedRow(t, (r) => {
    const vals = new Array<string>(types.length);
    for (let c = 0; c < types.length; c++) vals[c] = t.def.columns[c]!.generated !== undefined ? 'DEFAULT' : insertLiteral(cellText(t, c, types[c]!, r, reg), types[c]!);
    lines.push(insertRowSql(name, prefix, vals));
    n++;
    if (lines.length === ROWS_PER_CHUNK) {
      out(lines.join('\n') + '\n');
      lines = [];
    }
  });
  if (lines.length > 0) out(lines.join('\n') + '\n');
  return n;
}
