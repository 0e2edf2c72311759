/**
 * COPY's text and CSV formats (PostgreSQL's copyto.c CopyAttributeOutText / CopyAttributeOutCSV
 * and copyfromparse.c CopyReadLineText / CopyReadAttributesText / CopyReadAttributesCSV): how a
 * field's output text is escaped or quoted, and how a line of input splits into fields. Pure
 * string work, no SQL: the COPY statement (sql/exec/copy.ts) and `vecgres dump` share it.
 *
 *   text:  fields separated by DELIMITER (tab), NULL as `\N`, backslash escapes
 *          (`\\`, `\t`, `\n`, `\r`, `\b`, `\f`, `\v`, the delimiter, `\ooo` octal, `\xhh`);
 *          a line `\.` ends the data.
 *   csv:   fields separated by DELIMITER (','), NULL as the empty unquoted string, a field
 *          holding the delimiter, QUOTE, CR, LF (or equal to NULL) quoted, QUOTE and ESCAPE
 *          inside quotes preceded by ESCAPE (default: QUOTE, i.e. doubled).
 */
import { PgError, SQLSTATE } from '../common/errors.js';

/** The format options the encoders and parsers read (already validated by the COPY statement). */
export interface CopyTextFormat {
  csv: boolean;
  /** One character. */
  delimiter: string;
  /** The NULL string (`\N` text, '' CSV). */
  nullString: string;
  /** CSV only: one character each. */
  quote: string;
  escape: string;
}

/** The defaults of text format (PostgreSQL's COPY ... TO STDOUT without options). */
export const COPY_TEXT_DEFAULT: CopyTextFormat = { csv: false, delimiter: '\t', nullString: '\\N', quote: '"', escape: '"' };
/** The defaults of `FORMAT csv`. */
export const COPY_CSV_DEFAULT: CopyTextFormat = { csv: true, delimiter: ',', nullString: '', quote: '"', escape: '"' };

/** Text format: a field's output text escaped as CopyAttributeOutText does. */
export function escapeCopyText(s: string, delimiter: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | null = null;
    if (c < 0x20) {
      switch (c) {
        case 8: esc = '\\b'; break;
        case 12: esc = '\\f'; break;
        case 10: esc = '\\n'; break;
        case 13: esc = '\\r'; break;
        case 9: esc = '\\t'; break;
        case 11: esc = '\\v'; break;
        default:
          if (s[i] === delimiter) esc = '\\' + delimiter;
      }
    } else if (c === 92 || s[i] === delimiter) {
      esc = '\\' + s[i]!;
    }
    if (esc !== null) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return start === 0 ? s : out + s.slice(start);
}

/**
 * CSV: a field's output text, quoted when it must be (CopyAttributeOutCSV): when `forceQuote`,
 * when it equals the NULL string, when it is `\.` and the only column (an end marker to older
 * readers), or when it holds the delimiter, the quote, CR or LF.
 */
export function quoteCopyCsv(s: string, f: CopyTextFormat, forceQuote: boolean, singleColumn: boolean): string {
  let quote = forceQuote || s === f.nullString || (singleColumn && s === '\\.');
  if (!quote) {
    for (let i = 0; i < s.length; i++) {
      const ch = s[i]!;
      if (ch === f.delimiter || ch === f.quote || ch === '\n' || ch === '\r') {
        quote = true;
        break;
      }
    }
  }
  if (!quote) return s;
  let out = f.quote;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === f.quote || ch === f.escape) {
      out += s.slice(start, i) + f.escape;
      start = i;
    }
  }
  return out + s.slice(start) + f.quote;
}

/**
 * One row of COPY TO output in text or CSV format, with its newline: `fields[i]` is the
 * column's output text (the type's output function) or null for NULL.
 * @param forceQuote CSV: per column, FORCE_QUOTE (null: none).
 */
export function copyTextRow(fields: readonly (string | null)[], f: CopyTextFormat, forceQuote: readonly boolean[] | null = null): string {
  let line = '';
  const single = fields.length === 1;
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) line += f.delimiter;
    const v = fields[i]!;
    if (v === null) line += f.nullString;
    else if (f.csv) line += quoteCopyCsv(v, f, forceQuote !== null && forceQuote[i] === true, single);
    else line += escapeCopyText(v, f.delimiter);
  }
  return line + '\n';
}

/** 22P04 bad copy file format. */
export function badCopyFormat(message: string, hint?: string): PgError {
  return new PgError(SQLSTATE.bad_copy_file_format, message, hint === undefined ? {} : { hint });
}

/**
 * A parsed field: its text and, for CSV, whether it was quoted (a quoted NULL string is not
 * NULL, unless FORCE_NULL). `null` text is SQL NULL.
 */
export interface CopyField {
  text: string | null;
  quoted: boolean;
}

/**
 * Splits COPY input text into lines and lines into fields, across chunks (the input arrives
 * in CopyData messages or as one blob decoded piece by piece). Feed text with {@link push};
 * take rows with {@link nextRow} until it returns null; {@link finish} marks the end of input.
 * Line numbers count from 1 as PostgreSQL's COPY CONTEXT does.
 *
 * Text format: a line ends at LF (or CRLF, when the first line ended so); a CR elsewhere is
 * PostgreSQL's `literal carriage return found in data`. CSV: a quoted field may hold newlines.
 * A line `\.` (alone) ends the data in both formats.
 */
export class CopyLineReader {
  private buf = '';
  private pos = 0;
  private ended = false;
  /** Text format: the line terminator, set by the first line. */
  private eol: '\n' | '\r' | '\r\n' | null = null;
  /** CSV: set by the first line: true when lines end with CRLF. */
  private crlf: boolean | null = null;
  /** The line number of the row {@link nextRow} returned last (1-based). */
  lineNo = 0;
  /** The raw text of the line returned last (for error context); null when PostgreSQL shows none. */
  lineText: string | null = '';
  /** True once the `\.` end marker was read. */
  sawEndMarker = false;

  constructor(private readonly f: CopyTextFormat) {}

  /** Appends decoded input text. */
  push(text: string): void {
    if (this.pos > 0) {
      this.buf = this.buf.slice(this.pos);
      this.pos = 0;
    }
    this.buf = this.buf.length === 0 ? text : this.buf + text;
  }

  /** No more input follows: a last line without a newline counts. */
  finish(): void {
    this.ended = true;
  }

  /**
   * The next line's fields, or null when no complete line is buffered (or the data ended).
   * @throws PgError 22P04 for a literal CR in text format, an unterminated CSV quoted field at
   *   the end of input.
   */
  nextRow(): CopyField[] | null {
    if (this.sawEndMarker) return null;
    if (this.pos >= this.buf.length) return null;
    return this.f.csv ? this.nextCsv() : this.nextText();
  }

  /**
   * Text format: the next line (without its terminator), or null when incomplete. The first
   * line's terminator (LF, CR or CRLF) is the data's; another one inside a later line is
   * PostgreSQL's `literal newline / carriage return found in data` (CopyReadLineText), reported
   * without the line's text.
   */
  private takeLine(): string | null {
    const buf = this.buf;
    if (this.eol === null) {
      const lf = buf.indexOf('\n', this.pos);
      const cr = buf.indexOf('\r', this.pos);
      const first = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      if (first >= 0 && buf[first] === '\r' && first + 1 >= buf.length && !this.ended) return null;
      if (first >= 0) this.eol = buf[first] === '\n' ? '\n' : buf[first + 1] === '\n' ? '\r\n' : '\r';
    }
    const eol = this.eol ?? '\n';
    let end = buf.indexOf(eol, this.pos);
    // A CR at the end of the buffer may be the first half of a CRLF: wait for more.
    if (end < 0 && eol === '\r\n' && buf.endsWith('\r') && !this.ended) return null;
    let line: string;
    if (end < 0) {
      if (!this.ended) return null;
      end = buf.length;
      line = buf.slice(this.pos);
      this.pos = buf.length;
    } else {
      line = buf.slice(this.pos, end);
      this.pos = end + eol.length;
    }
    this.lineNo++;
    this.lineText = null;
    checkTextLineBreaks(line, eol);
    this.lineText = line;
    return line;
  }

  private nextText(): CopyField[] | null {
    const line = this.takeLine();
    if (line === null) return null;
    if (line === '\\.') {
      this.sawEndMarker = true;
      return null;
    }
    try {
      return splitCopyTextLine(line, this.f);
    } catch (e) {
      this.lineText = null;
      throw e;
    }
  }
  private nextCsv(): CopyField[] | null {
    const f = this.f;
    const buf = this.buf;
    let i = this.pos;
    // `\.` alone on a line ends CSV data too.
    if (buf.startsWith('\\.', i) && (i + 2 === buf.length ? this.ended : buf[i + 2] === '\n' || (buf[i + 2] === '\r' && buf[i + 3] === '\n'))) {
      this.sawEndMarker = true;
      this.lineNo++;
      return null;
    }
    const fields: CopyField[] = [];
    let text = '';
    let quoted = false;
    let inQuote = false;
    let segStart = i;
    let lineEnd = -1;
    // Newlines inside quotes count as lines, as PostgreSQL's cur_lineno does.
    let embedded = 0;
    for (;;) {
      if (i >= buf.length) {
        if (!this.ended) return null; // incomplete line: wait for more input
        if (inQuote) {
          this.lineNo += 1 + embedded;
          this.lineText = buf.slice(this.pos);
          throw badCopyFormat('unterminated CSV quoted field');
        }
        text += buf.slice(segStart, i);
        lineEnd = i;
        break;
      }
      const ch = buf[i]!;
      if (inQuote) {
        if (ch === f.escape && i + 1 < buf.length && (buf[i + 1] === f.quote || buf[i + 1] === f.escape) && !(f.escape === f.quote && buf[i + 1] !== f.quote)) {
          text += buf.slice(segStart, i);
          segStart = i + 1;
          i += 2;
          continue;
        }
        if (ch === f.escape && i + 1 >= buf.length && !this.ended) return null;
        if (ch === f.quote) {
          text += buf.slice(segStart, i);
          inQuote = false;
          segStart = i + 1;
        } else if (ch === '\n') {
          embedded++;
        }
        i++;
        continue;
      }
      if (ch === f.quote) {
        text += buf.slice(segStart, i);
        inQuote = true;
        quoted = true;
        segStart = i + 1;
        i++;
        continue;
      }
      if (ch === f.delimiter || ch === '\n' || ch === '\r') {
        text += buf.slice(segStart, i);
        fields.push(this.csvField(text, quoted));
        text = '';
        quoted = false;
        if (ch === f.delimiter) {
          segStart = i + 1;
          i++;
          continue;
        }
        lineEnd = i;
        break;
      }
      i++;
    }
    if (lineEnd === i && i >= buf.length) fields.push(this.csvField(text, quoted));
    this.lineNo += 1 + embedded;
    this.lineText = buf.slice(this.pos, lineEnd);
    let next = lineEnd;
    if (next < buf.length) {
      const isCrlf = buf[next] === '\r' && buf[next + 1] === '\n';
      if (buf[next] === '\r' && next + 1 >= buf.length && !this.ended) {
        // A CR at the end of the buffer may start a CRLF: wait.
        this.lineNo -= 1 + embedded;
        return null;
      }
      if (this.crlf === null) this.crlf = isCrlf;
      if (this.crlf !== isCrlf) {
        throw isCrlf || buf[next] === '\r'
          ? badCopyFormat('unquoted carriage return found in data', 'Use quoted CSV field to represent carriage return.')
          : badCopyFormat('unquoted newline found in data', 'Use quoted CSV field to represent newline.');
      }
      next += isCrlf ? 2 : 1;
    }
    this.pos = next;
    return fields;
  }

  private csvField(text: string, quoted: boolean): CopyField {
    return { text: !quoted && text === this.f.nullString ? null : text, quoted };
  }
}

/**
 * Text format: throws when a line terminated by `eol` holds another line break (a CR in LF
 * data, an LF in CR data, either alone in CRLF data), as CopyReadLineText does.
 * @throws PgError 22P04 `literal newline found in data` / `literal carriage return found in data`.
 */
export function checkTextLineBreaks(line: string, eol: '\n' | '\r' | '\r\n'): void {
  const badCr = eol === '\n' ? line.indexOf('\r') : eol === '\r\n' ? line.indexOf('\r') : -1;
  const badLf = eol === '\r' ? line.indexOf('\n') : eol === '\r\n' ? line.indexOf('\n') : -1;
  if (badCr >= 0 || badLf >= 0) {
    if (badLf >= 0 && (badCr < 0 || badLf < badCr)) throw badCopyFormat('literal newline found in data', 'Use "\\n" to represent newline.');
    throw badCopyFormat('literal carriage return found in data', 'Use "\\r" to represent carriage return.');
  }
}

/**
 * Text format: one line (without its terminator, not the `\\.` end marker) split into fields
 * at unescaped delimiters, escapes resolved, the NULL string (matched as written) as null
 * (CopyReadAttributesText).
 * @throws PgError 22P04 `end-of-copy marker is not alone on its line` (shown without the line).
 */
export function splitCopyTextLine(line: string, f: CopyTextFormat): CopyField[] {
  const fields: CopyField[] = [];
  const delim = f.delimiter;
  const nullString = f.nullString;
  if (line.indexOf('\\') < 0) {
    // No escapes (the common case, and every vector): split at each delimiter.
    let start = 0;
    for (;;) {
      const end = line.indexOf(delim, start);
      const raw = end < 0 ? line.slice(start) : line.slice(start, end);
      fields.push({ text: raw === nullString ? null : raw, quoted: false });
      if (end < 0) return fields;
      start = end + 1;
    }
  }
  let start = 0;
  for (;;) {
    // The field runs to the next delimiter that is not escaped by a backslash.
    let i = start;
    let escaped = false;
    while (i < line.length) {
      const ch = line[i]!;
      if (ch === '\\') {
        if (line[i + 1] === '.') {
          // PostgreSQL 18: `\.` only ends the data alone on its line (CopyReadLineText).
          throw badCopyFormat('end-of-copy marker is not alone on its line');
        }
        escaped = true;
        i += 2;
        continue;
      }
      if (ch === delim) break;
      i++;
    }
    const end = Math.min(i, line.length);
    const raw = line.slice(start, end);
    // The NULL string matches the field as written, before de-escaping (CopyReadAttributesText).
    if (raw === nullString) fields.push({ text: null, quoted: false });
    else fields.push({ text: escaped ? unescapeCopyText(raw) : raw, quoted: false });
    if (i >= line.length) break;
    start = i + 1;
  }
  return fields;
}

/** Text format: resolves backslash escapes (CopyReadAttributesText). */
export function unescapeCopyText(raw: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw.charCodeAt(i) !== 92) continue;
    out += raw.slice(start, i);
    i++;
    if (i >= raw.length) {
      // A trailing backslash stands for itself.
      out += '\\';
      start = i;
      break;
    }
    const ch = raw[i]!;
    if (ch >= '0' && ch <= '7') {
      let v = ch.charCodeAt(0) - 48;
      let n = 1;
      while (n < 3 && i + 1 < raw.length && raw[i + 1]! >= '0' && raw[i + 1]! <= '7') {
        v = v * 8 + raw.charCodeAt(++i) - 48;
        n++;
      }
      out += String.fromCharCode(v & 0xff);
    } else if (ch === 'x' && i + 1 < raw.length && isHex(raw[i + 1]!)) {
      let v = parseInt(raw[++i]!, 16);
      if (i + 1 < raw.length && isHex(raw[i + 1]!)) v = v * 16 + parseInt(raw[++i]!, 16);
      out += String.fromCharCode(v);
    } else {
      switch (ch) {
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'v': out += '\v'; break;
        default: out += ch;
      }
    }
    start = i + 1;
  }
  return out + raw.slice(start);
}

function isHex(c: string): boolean {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// ---------------------------------------------------------------------------------------------
// vecgres dump: COPY text fields with the default options, and SQL string literals
// ---------------------------------------------------------------------------------------------

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
