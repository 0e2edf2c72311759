/**
 * Long string literals taken out of a statement's text before it goes to the parser, and put
 * back into the parse tree after.
 *
 * Why: libpg-query hands the text to WebAssembly and the tree back as JSON through
 * character-by-character JavaScript loops (emscripten's lengthBytesUTF8 / stringToUTF8 /
 * UTF8ToString), and the tree repeats every literal. A bulk INSERT that spells its vectors as
 * literals (`VALUES (1, '[0.12,...]'), ...`, what code that builds SQL strings and migration
 * scripts send) is megabytes of text, and those loops were most of its parse time. The parser
 * only needs to know that a literal is there: each long one is replaced by `''` and its value
 * restored into the `A_Const` at the same place.
 *
 * Only plain `'...'` literals (standard_conforming_strings on, the only mode vecgres parses) in
 * all-ASCII text are cut, so node locations (byte offsets) and character offsets agree. A literal
 * continued on another line (`'a'\n'b'`, one constant) and prefixed forms (`E'...'`, `B'...'`,
 * `X'...'`, `N'...'`, `U&'...'`) are left in place. The scan follows PostgreSQL's lexer (scan.l)
 * for comments, quoted identifiers, dollar quotes and identifiers; {@link restoreLongLiterals}
 * checks that every cut came back as an `A_Const` where it was cut, and the caller parses the
 * original text when one did not (a literal the grammar keeps elsewhere than in an `A_Const`).
 */

import { mapLocations } from './char_position.js';

/** One literal taken out: where its `''` stands in the cut text, its original length and value. */
interface Cut {
  /** Offset of the `''` in the cut text. */
  at: number;
  /** Characters removed there: the original literal's length minus 2. */
  removed: number;
  /** The literal's value (quotes removed, `''` undoubled). */
  value: string;
}

/** A statement text with its long literals cut out. */
export interface CutText {
  text: string;
  cuts: Cut[];
}

/** Texts shorter than this are parsed as they are (the loops cost little on them). */
export const CUT_TEXT_MIN = 8192;
/** Literals shorter than this stay in the text. */
export const CUT_LITERAL_MIN = 128;

const isIdentStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isIdentCont = (c: number): boolean => isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;

/**
 * `sql` with its long plain literals replaced by `''`, or null when there is nothing to cut
 * (short or non-ASCII text, no long literal, or text the scan cannot follow, such as an
 * unterminated comment: the parser reports those from the original).
 */
export function cutLongLiterals(sql: string): CutText | null {
  const n = sql.length;
  // All ASCII: one byte per character (Buffer.byteLength counts without encoding).
  if (n < CUT_TEXT_MIN || Buffer.byteLength(sql, 'utf8') !== n) return null;
  const parts: string[] = [];
  const cuts: Cut[] = [];
  let copied = 0; // sql[0, copied) is in parts
  let outLen = 0;
  const followed = scanConstants(sql, (start, quote, escapes) => {
    // E'...', B'...', X'...', N'...', U&'...': scanned, never cut.
    if (start !== quote) return skipConstant(sql, quote, escapes);
    let end = skipQuoted(sql, quote + 1, 39);
    if (end < 0) return -1;
    // A literal followed by white space holding a newline and another literal is one constant.
    let continued = false;
    for (;;) {
      const k = afterContinuation(sql, end);
      if (k < 0) break;
      continued = true;
      end = skipQuoted(sql, k + 1, 39);
      if (end < 0) return -1;
    }
    if (!continued && end - start >= CUT_LITERAL_MIN) {
      parts.push(sql.slice(copied, start), "''");
      outLen += start - copied;
      cuts.push({ at: outLen, removed: end - start - 2, value: sql.slice(start + 1, end - 1).replaceAll("''", "'") });
      outLen += 2;
      copied = end;
    }
    return end;
  });
  if (!followed || cuts.length === 0) return null;
  parts.push(sql.slice(copied));
  return { text: parts.join(''), cuts };
}

/**
 * `sql` with the `--` comments that stand between a string constant and its continuation
 * (`'a'` newline `-- note` newline `'b'`, which PostgreSQL's scan.l reads as the one constant
 * `'ab'`) replaced by spaces, one per UTF-8 byte, or null when there is no such comment or the
 * scan cannot follow the text. libpg-query's scanner ends the constant at such a comment and
 * reports a syntax error at the next quote. The spaces keep every byte offset, so the tree of
 * the result (whose locations are byte offsets) is the tree of `sql`; `lastBlanked` is the
 * character offset of the last space, past which the result's character offsets are `sql`'s
 * too (Infinity when a comment held a non-ASCII character, so none are).
 */
export function blankContinuationComments(sql: string): { text: string; lastBlanked: number } | null {
  const comments: number[] = [];
  const followed = scanConstants(sql, (_start, quote, escapes) => {
    let end = skipConstant(sql, quote, escapes);
    for (;;) {
      if (end < 0) return -1;
      const k = afterContinuation(sql, end, comments);
      if (k < 0) return end;
      end = skipConstant(sql, k, escapes);
    }
  });
  if (!followed || comments.length === 0) return null;
  const parts: string[] = [];
  let copied = 0;
  let ascii = true;
  for (let c = 0; c < comments.length; c += 2) {
    const from = comments[c]!;
    const to = comments[c + 1]!;
    const text = sql.slice(from, to);
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes !== text.length) ascii = false;
    parts.push(sql.slice(copied, from), ' '.repeat(bytes));
    copied = to;
  }
  parts.push(sql.slice(copied));
  return { text: parts.join(''), lastBlanked: ascii ? comments[comments.length - 1]! - 1 : Infinity };
}

/**
 * Walks `sql` as PostgreSQL's lexer (scan.l) divides it: comments, quoted identifiers, dollar
 * quotes, parameters, identifiers and numbers are stepped over, and `visit` is called at each
 * quoted string constant with `start` (its `E` / `B` / `X` / `N` / `U&` prefix, or its quote),
 * `quote` (the opening quote) and `escapes` (an `E'...'` body, read with backslash escapes).
 * `visit` returns where the walk goes on (past the constant), or -1 to stop. Returns false when
 * the walk stopped: `visit` said so, or the text ends inside a comment, quoted identifier or
 * dollar quote.
 */
function scanConstants(sql: string, visit: (start: number, quote: number, escapes: boolean) => number): boolean {
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      // -- comment to the end of the line
      const e = sql.indexOf('\n', i);
      i = e < 0 ? n : e + 1;
    } else if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      // /* comment */, nested
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql.charCodeAt(i) === 47 && sql.charCodeAt(i + 1) === 42) { depth++; i += 2; }
        else if (sql.charCodeAt(i) === 42 && sql.charCodeAt(i + 1) === 47) { depth--; i += 2; }
        else i++;
      }
      if (depth > 0) return false;
    } else if (c === 34) {
      // "quoted identifier", "" doubled
      i = skipQuoted(sql, i + 1, 34);
      if (i < 0) return false;
    } else if (c === 36) {
      // $n parameter or $tag$ ... $tag$ dollar quote
      let j = i + 1;
      if (isIdentStart(sql.charCodeAt(j))) while (j < n && isIdentCont(sql.charCodeAt(j)) && sql.charCodeAt(j) !== 36) j++;
      if (sql.charCodeAt(j) === 36) {
        const tag = sql.slice(i, j + 1);
        const e = sql.indexOf(tag, j + 1);
        if (e < 0) return false;
        i = e + tag.length;
      } else {
        i++;
        while (i < n && sql.charCodeAt(i) >= 48 && sql.charCodeAt(i) <= 57) i++;
      }
    } else if (isIdentStart(c)) {
      const start = i;
      while (i < n && isIdentCont(sql.charCodeAt(i))) i++;
      const q = sql.charCodeAt(i);
      const word = i - start;
      if (q === 39 && word === 1) {
        // E'...' (backslash escapes), B'...', X'...', N'...'
        i = visit(start, i, (c | 32) === 101);
        if (i < 0) return false;
      } else if ((c | 32) === 117 && word === 1 && q === 38 && sql.charCodeAt(i + 1) === 39) {
        // U&'...'
        i = visit(start, i + 1, false);
        if (i < 0) return false;
      } else if ((c | 32) === 117 && word === 1 && q === 38 && sql.charCodeAt(i + 1) === 34) {
        // U&"identifier"
        i = skipQuoted(sql, i + 2, 34);
        if (i < 0) return false;
      }
    } else if (c >= 48 && c <= 57) {
      // a number, with its exponent, 0x / 0o / 0b forms and underscores (letters after it are
      // PostgreSQL's junk-after-number error, reported by the parser all the same)
      while (i < n && (isIdentCont(sql.charCodeAt(i)) || sql.charCodeAt(i) === 46)) i++;
    } else if (c === 39) {
      i = visit(i, i, false);
      if (i < 0) return false;
    } else {
      i++;
    }
  }
  return true;
}

/** The end (one past the closing quote) of the string constant whose opening quote is at `quote`; -1 if unterminated. */
function skipConstant(sql: string, quote: number, escapes: boolean): number {
  return escapes ? skipEscapeString(sql, quote + 1) : skipQuoted(sql, quote + 1, 39);
}

/** The end (one past the closing quote) of a `quote`-delimited run from `i` with doubled quotes; -1 if unterminated. */
function skipQuoted(sql: string, i: number, quote: number): number {
  const q = String.fromCharCode(quote);
  for (;;) {
    const e = sql.indexOf(q, i);
    if (e < 0) return -1;
    if (sql.charCodeAt(e + 1) !== quote) return e + 1;
    i = e + 2;
  }
}

/** The end of an `E'...'` body from `i`: backslash escapes and doubled quotes; -1 if unterminated. */
function skipEscapeString(sql: string, i: number): number {
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 92) i += 2;
    else if (c === 39) {
      if (sql.charCodeAt(i + 1) !== 39) return i + 1;
      i += 2;
    } else i++;
  }
  return -1;
}

/**
 * Where a continuation literal's opening quote stands after a literal ending at `i` (scan.l's
 * quotecontinue: white space and `--` comments holding a newline, then a quote), or -1. With
 * `comments`, a continuation found appends the `[start, end)` of each `--` comment it crossed
 * (its newline excluded).
 */
function afterContinuation(sql: string, i: number, comments?: number[]): number {
  let newline = false;
  const n = sql.length;
  const crossed: number[] = [];
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (isSpace(c)) {
      if (c === 10 || c === 13) newline = true;
      i++;
    } else if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      const e = sql.indexOf('\n', i);
      if (e < 0) return -1;
      crossed.push(i, e);
      newline = true;
      i = e + 1;
    } else break;
  }
  if (!newline || sql.charCodeAt(i) !== 39) return -1;
  if (comments !== undefined) comments.push(...crossed);
  return i;
}


/**
 * Puts the cut literals back into `tree` (libpg-query's parse of `cut.text`) and moves every
 * location to where it stands in the original text. Returns false, leaving the tree half
 * changed, when some cut is not an `A_Const` string at its place: the caller then parses the
 * original text.
 */
export function restoreLongLiterals(tree: unknown, cut: CutText): boolean {
  const byAt = new Map<number, Cut>();
  for (const c of cut.cuts) byAt.set(c.at, c);
  const starts = cut.cuts.map((c) => c.at);
  // Original offset of cut-text offset q: q plus what was removed at cuts strictly before q.
  const prefix: number[] = [0];
  for (const c of cut.cuts) prefix.push(prefix[prefix.length - 1]! + c.removed);
  const orig = (q: number): number => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! < q) lo = mid + 1;
      else hi = mid;
    }
    return q + prefix[lo]!;
  };
  // By place, not by count: a tree that held one node twice would show it twice.
  const restored = new Set<number>();
  mapLocations(tree, orig, (obj) => {
    const k = obj['A_Const'] as { sval?: { sval?: string }; location?: number } | undefined;
    if (k === undefined || typeof k.location !== 'number') return;
    const c = byAt.get(k.location);
    if (c !== undefined && k.sval !== undefined && (k.sval.sval ?? '') === '') {
      k.sval.sval = c.value;
      restored.add(c.at);
    }
  });
  return restored.size === cut.cuts.length;
}
