/**
 * COPY's text format read from bytes (PostgreSQL's copyfromparse.c CopyReadLineText): splits
 * the input into lines without decoding it, so a bulk load can parse plain ASCII fields
 * straight from the buffer; any other line is decoded and split by {@link splitCopyTextLine}
 * (copy_text.ts), which gives PostgreSQL's values and errors. CSV keeps the string reader
 * there ({@link CopyLineReader}): its quoted fields may span lines.
 *
 * Lines end at LF, or at CRLF or CR when the first line ended so; a line `\.` ends the data.
 * Splitting bytes at these ASCII codes splits the decoded text at the same places, since a
 * UTF-8 multibyte sequence holds no byte below 0x80.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { checkTextLineBreaks, splitCopyTextLine, type CopyField, type CopyTextFormat } from './copy_text.js';

const LF = 10;
const CR = 13;
const EMPTY = new Uint8Array(0);

/**
 * Splits COPY text-format input into lines, across chunks (CopyData messages or one blob).
 * Feed bytes with {@link push}; take lines with {@link nextLine} until it returns false;
 * {@link finish} marks the end of input. The current line is `lineBuf[lineStart, lineEnd)`,
 * its number {@link lineNo} (from 1, as PostgreSQL's COPY CONTEXT counts).
 */
export class CopyTextByteReader {
  private buf: Uint8Array = EMPTY;
  private pos = 0;
  private ended = false;
  /** The data's line terminator, set by the first line. */
  private eol: '\n' | '\r' | '\r\n' | null = null;
  /** The current line's text once decoded (undefined: not yet). */
  private text: string | undefined = undefined;
  /** False once the current line's text must not be shown (its line-break errors). */
  private showText = true;
  // ignoreBOM: a byte order mark is data to PostgreSQL, not something to strip.
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  lineBuf: Uint8Array = EMPTY;
  lineStart = 0;
  lineEnd = 0;
  lineNo = 0;
  /** True once the `\.` end marker was read. */
  sawEndMarker = false;

  constructor(private readonly f: CopyTextFormat) {}

  /** Appends input bytes (the reader keeps a view of them until their lines are taken). */
  push(chunk: Uint8Array): void {
    if (this.pos >= this.buf.length) {
      this.buf = chunk;
    } else {
      // A line continues from the previous chunk: join only what is left of it.
      const rest = this.buf.length - this.pos;
      const joined = new Uint8Array(rest + chunk.length);
      joined.set(this.buf.subarray(this.pos), 0);
      joined.set(chunk, rest);
      this.buf = joined;
    }
    this.pos = 0;
  }

  /** No more input follows: a last line without a terminator counts. */
  finish(): void {
    this.ended = true;
  }

  /**
   * Takes the next complete line (the last one once {@link finish} was called).
   * @returns false when no complete line is buffered, or after the `\.` end marker.
   */
  nextLine(): boolean {
    if (this.sawEndMarker) return false;
    const buf = this.buf;
    const pos = this.pos;
    if (pos >= buf.length) return false;
    if (this.eol === null) {
      let first = pos;
      while (first < buf.length && buf[first] !== LF && buf[first] !== CR) first++;
      if (first < buf.length) {
        if (buf[first] === CR && first + 1 >= buf.length && !this.ended) return false; // CR or CRLF?
        this.eol = buf[first] === LF ? '\n' : buf[first + 1] === LF ? '\r\n' : '\r';
      }
    }
    let end: number;
    let next: number;
    if (this.eol === '\r') {
      end = buf.indexOf(CR, pos);
      next = end + 1;
    } else {
      end = buf.indexOf(LF, pos);
      if (this.eol === '\r\n') {
        // The line runs to the first CRLF: a lone LF before it is inside the line (an error).
        while (end >= 0 && (end === pos || buf[end - 1] !== CR)) end = buf.indexOf(LF, end + 1);
        if (end >= 0) end--;
        // A CR at the end of the buffer may be the first half of a CRLF: wait for more.
        else if (buf[buf.length - 1] === CR && !this.ended) return false;
        next = end + 2;
      } else {
        next = end + 1;
      }
    }
    if (end < 0) {
      if (!this.ended) return false;
      end = buf.length;
      next = buf.length;
    }
    this.lineBuf = buf;
    this.lineStart = pos;
    this.lineEnd = end;
    this.pos = next;
    this.lineNo++;
    this.text = undefined;
    this.showText = true;
    if (end - pos === 2 && buf[pos] === 92 /* \ */ && buf[pos + 1] === 46 /* . */) {
      this.sawEndMarker = true;
      return false;
    }
    return true;
  }

  /**
   * The current line as text.
   * @throws PgError 22021 `invalid byte sequence for encoding "UTF8"` for bytes that are not
   *   UTF-8.
   */
  lineString(): string {
    if (this.text === undefined) {
      try {
        this.text = this.decoder.decode(this.lineBuf.subarray(this.lineStart, this.lineEnd));
      } catch {
        this.showText = false;
        throw new PgError(SQLSTATE.character_not_in_repertoire, 'invalid byte sequence for encoding "UTF8"');
      }
    }
    return this.text;
  }

  /**
   * The current line's text for an error's CONTEXT, or null where PostgreSQL shows none (the
   * line-break and end-marker errors, bytes that are not UTF-8).
   */
  get lineText(): string | null {
    if (!this.showText) return null;
    try {
      return this.lineString();
    } catch {
      return null;
    }
  }

  /**
   * The current line's fields, decoded and split as PostgreSQL does (the general path).
   * @throws PgError 22021 for bytes that are not UTF-8; 22P04 for a line break inside the
   *   line or `\.` not alone on it (their CONTEXT shows no text: {@link lineText} is null).
   */
  fields(): CopyField[] {
    const line = this.lineString();
    try {
      checkTextLineBreaks(line, this.eol ?? '\n');
      return splitCopyTextLine(line, this.f);
    } catch (e) {
      this.showText = false;
      throw e;
    }
  }
}
