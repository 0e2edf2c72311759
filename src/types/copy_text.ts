/**
 * Encoding of values that are already in their text output form (a type's output function:
 * `[1,2,3]`, `\x0102`, `{"a": 1}`) for the two ways a SQL script carries data:
 *
 * - COPY's text format (PostgreSQL's copyto.c CopyAttributeOutText): fields separated by a tab,
 *   rows by a newline, NULL as `\N`; in a field a backslash and the control characters
 *   backspace, form feed, newline, carriage return, tab and vertical tab are written as
 *   backslash escapes, everything else as is (the encoding is UTF-8 on both sides);
 * - SQL literals for INSERT statements (pg_dump's appendStringLiteral with
 *   standard_conforming_strings on: quotes doubled, backslashes literal).
 *
 * Pure string functions with no knowledge of types beyond the literal form; the COPY command
 * and `vecgres dump` both encode through here.
 */

const COPY_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

/** Characters COPY's text format escapes (see {@link COPY_ESCAPES}). */
const COPY_SPECIAL = /[\\\b\f\n\r\t\v]/g;

/** The NULL marker of COPY's text format (its default `NULL '\N'`). */
export const COPY_TEXT_NULL = '\\N';

/** The line that ends the data of a `COPY ... FROM stdin` in a script. */
export const COPY_TEXT_END = '\\.';

/**
 * One field of a COPY text-format row: `text` is the value's output text, null is SQL NULL.
 * A field never contains a raw tab or newline, so rows split unambiguously.
 */
export function copyTextField(text: string | null): string {
  if (text === null) return COPY_TEXT_NULL;
  return text.replace(COPY_SPECIAL, (c) => COPY_ESCAPES[c]!);
}

/**
 * The inverse of {@link copyTextField} for one field (for tests and round-trip checks): null
 * for `\N`, else the text with escapes resolved. Also accepts COPY's octal (`\123`) and hex
 * (`\x41`) escapes, as PostgreSQL's reader does.
 */
export function copyTextFieldParse(field: string): string | null {
  if (field === COPY_TEXT_NULL) return null;
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_m, e: string) => {
    switch (e) {
      case 'b': return '\b';
      case 'f': return '\f';
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case 'v': return '\v';
      default:
        if (e[0] === 'x' && e.length > 1) return String.fromCharCode(parseInt(e.slice(1), 16));
        if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
        return e;
    }
  });
}

/** A SQL string literal `'...'` for `text` (standard_conforming_strings on). */
export function sqlStringLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
