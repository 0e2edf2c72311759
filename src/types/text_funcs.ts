/**
 * PostgreSQL's string functions over text (varlena.c, oracle_compat.c, like.c, regexp.c),
 * counted in characters (Unicode code points) as PostgreSQL counts them in a UTF8 database.
 *
 * Case mapping is per character, as the C.UTF-8 ctype's towlower / towupper that PostgreSQL
 * (and PGlite) use: a character whose JavaScript mapping is several characters (`ß`, `İ`) is
 * left as it is.
 *
 * Regular expressions: PostgreSQL's are Spencer's ARE (regex/regcomp.c); vecgres translates
 * a pattern to a JavaScript RegExp with the `u` and `s` flags (so `.` matches a newline, as in
 * PostgreSQL's default non-newline-sensitive mode) and rewrites what the two spell differently:
 * `\b` (backspace in an ARE), `\m` `\M` `\y` `\Y` (word boundaries), `\A` `\Z`, `\e` `\a`,
 * `\xhhh` with any number of hex digits, `[[:alpha:]]` classes, a `***=` literal prefix and
 * leading embedded options `(?i)`. Where they still differ: an ARE's match is the longest (or
 * shortest) at the leftmost position, JavaScript's the first its backtracking finds, so where
 * the match's extent is used compileRegex refuses (0A000) the patterns that could tell the two
 * apart (SpanGuard); error texts of invalid patterns are mapped for the common cases only; and
 * case-insensitive matching uses Unicode simple case folding.
 */
import { own } from '../common/own.js';
import { createHash } from 'node:crypto';
import { PgError, SQLSTATE } from '../common/errors.js';
import { overlayTailStart } from './bytea_funcs.js';

/** Characters (code points) of `s`. */
function chars(s: string): string[] {
  return Array.from(s);
}

function mapChars(s: string, f: (c: string) => string): string {
  let out = '';
  for (const c of s) {
    const m = f(c);
    out += [...m].length === 1 ? m : c;
  }
  return out;
}

/** lower(text): per-character lower case (towlower). */
export function pgLower(s: string): string {
  // ASCII fast path: the common case, and the same answer.
  return /^[\x00-\x7f]*$/.test(s) ? s.toLowerCase() : mapChars(s, (c) => c.toLowerCase());
}

/** towupper's single-character answers where JavaScript's upper case is several characters. */
const UPPER_SINGLE: Record<string, string> = { 'ß': 'ẞ' };

/** upper(text): per-character upper case (towupper). */
export function pgUpper(s: string): string {
  return /^[\x00-\x7f]*$/.test(s) ? s.toUpperCase() : mapChars(s, (c) => UPPER_SINGLE[c] ?? c.toUpperCase());
}

/** length / char_length: characters. */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * substr / substring(text, start [, count]) (text_substring): characters start .. start+count-1,
 * positions before 1 cut off.
 * @throws PgError 22011 `negative substring length not allowed`.
 */
export function substr(s: string, start: number, count?: number): string {
  if (count !== undefined && count < 0) throw new PgError(SQLSTATE.substring_error, 'negative substring length not allowed');
  const cs = chars(s);
  const from = Math.max(start, 1);
  const end = count === undefined ? cs.length + 1 : start + count; // exclusive, 1-based
  if (end <= from) return '';
  return cs.slice(from - 1, end - 1).join('');
}

/** left(text, n): the first n characters; a negative n drops the last -n. */
export function left(s: string, n: number): string {
  const cs = chars(s);
  return (n >= 0 ? cs.slice(0, n) : cs.slice(0, Math.max(cs.length + n, 0))).join('');
}

/** right(text, n): the last n characters; a negative n drops the first -n. */
export function right(s: string, n: number): string {
  const cs = chars(s);
  return (n >= 0 ? cs.slice(Math.max(cs.length - n, 0)) : cs.slice(Math.min(-n, cs.length))).join('');
}

/** strpos / position: the 1-based character position of the first `sub` in `s`, 0 if none. */
export function strpos(s: string, sub: string): number {
  const i = s.indexOf(sub);
  return i < 0 ? 0 : charLength(s.slice(0, i)) + 1;
}

/** replace(text, from, to): every occurrence, left to right; an empty `from` changes nothing. */
export function replace(s: string, from: string, to: string): string {
  return from === '' ? s : s.split(from).join(to);
}

/**
 * split_part(text, delimiter, n): field n (from the end when negative, PostgreSQL 14+).
 * @throws PgError 22023 `field position must not be zero`.
 */
export function splitPart(s: string, delim: string, n: number): string {
  if (n === 0) throw new PgError(SQLSTATE.invalid_parameter_value, 'field position must not be zero');
  if (delim === '' || s === '') return s === '' ? '' : n === 1 || n === -1 ? s : '';
  const parts = s.split(delim);
  const i = n > 0 ? n - 1 : parts.length + n;
  return i >= 0 && i < parts.length ? parts[i]! : '';
}

/** btrim / ltrim / rtrim(text [, characters]): strips the characters in `set` (default a space). */
export function trim(s: string, set: string, leading: boolean, trailing: boolean): string {
  const cs = chars(s);
  const strip = new Set(chars(set));
  let a = 0;
  let b = cs.length;
  if (leading) while (a < b && strip.has(cs[a]!)) a++;
  if (trailing) while (b > a && strip.has(cs[b - 1]!)) b--;
  return cs.slice(a, b).join('');
}

/** The longest string lpad / rpad / repeat build (PostgreSQL's MaxAllocSize, in characters here). */
const PAD_CHARS_MAX = 0x3fffffff >>> 2;

function tooLarge(): PgError {
  return new PgError(SQLSTATE.program_limit_exceeded, 'requested length too large');
}

/**
 * lpad / rpad(text, length [, fill]): cut to `length` characters or padded with `fill`
 * repeated (default a space); an empty fill pads nothing.
 * @throws PgError 54000 `requested length too large`.
 */
export function pad(s: string, len: number, fill: string, onLeft: boolean): string {
  if (len <= 0) return '';
  if (len > PAD_CHARS_MAX) throw tooLarge();
  const cs = chars(s);
  if (cs.length >= len) return cs.slice(0, len).join('');
  const fs = chars(fill);
  if (fs.length === 0) return s;
  let padding = '';
  for (let i = 0; i < len - cs.length; i++) padding += fs[i % fs.length];
  return onLeft ? padding + s : s + padding;
}

/** repeat(text, n): `s` n times ('' for n <= 0). @throws PgError 54000 `requested length too large`. */
export function repeat(s: string, n: number): string {
  if (n <= 0 || s === '') return '';
  if (s.length * n > PAD_CHARS_MAX) throw tooLarge();
  return s.repeat(n);
}

/**
 * chr(integer): the character with code point `n` (the database encoding is UTF8).
 * @throws PgError 22023 `character number must be positive` for n < 0, 54000 `null character
 *   not permitted` for 0, 54000 `requested character too large for encoding: n` above U+10FFFF
 *   and `requested character not valid for encoding: n` for a surrogate (PostgreSQL's chr).
 */
export function chr(n: number): string {
  if (n < 0) throw new PgError(SQLSTATE.invalid_parameter_value, 'character number must be positive');
  if (n === 0) throw new PgError(SQLSTATE.program_limit_exceeded, 'null character not permitted');
  if (n > 0x10ffff) throw new PgError(SQLSTATE.program_limit_exceeded, `requested character too large for encoding: ${n}`);
  if (n >= 0xd800 && n <= 0xdfff) throw new PgError(SQLSTATE.program_limit_exceeded, `requested character not valid for encoding: ${n}`);
  return String.fromCodePoint(n);
}

/** ascii(text): the code point of the first character, 0 for the empty string. */
export function ascii(s: string): number {
  return s === '' ? 0 : s.codePointAt(0)!;
}

/** reverse(text): the characters in reverse order. */
export function reverse(s: string): string {
  return chars(s).reverse().join('');
}

/** md5(text): the MD5 of the UTF-8 bytes, as 32 lower-case hex digits. */
export function md5(s: string): string {
  return createHash('md5').update(s, 'utf8').digest('hex');
}

/** initcap(text): each word's first letter upper case, the rest lower (words: runs of letters and digits). */
export function initcap(s: string): string {
  let out = '';
  let inWord = false;
  for (const c of s) {
    out += inWord ? pgLower(c) : pgUpper(c);
    inWord = /[\p{L}\p{N}]/u.test(c);
  }
  return out;
}

/**
 * casefold(text) (PostgreSQL 18): the database's case folding. Under the libc provider of
 * PostgreSQL's default C.UTF-8 ctype that is lower() (str_casefold falls back to it), so
 * `casefold('ẞ')` is `ß` but `casefold('ς')` stays `ς`.
 */
export function casefold(s: string): string {
  return pgLower(s);
}

/**
 * to_hex / to_oct / to_bin of an int4 (varlena.c convert_to_base): the 32-bit two's
 * complement in base 16, 8 or 2, lower case, no prefix.
 */
export function toBase32(n: number, base: 16 | 8 | 2): string {
  return (n >>> 0).toString(base);
}

/** to_hex / to_oct / to_bin of an int8: the 64-bit two's complement in base 16, 8 or 2. */
export function toBase64(n: bigint | number, base: 16 | 8 | 2): string {
  return BigInt.asUintN(64, BigInt(n)).toString(base);
}

/**
 * overlay(text PLACING text FROM start [FOR count]) (varlena.c text_overlay): characters
 * 1..start-1 of `s`, then `placing`, then `s` from character start+count (count defaults to
 * the length of `placing`; a negative count repeats part of `s`, as PostgreSQL's definition
 * by substrings gives).
 * @throws PgError 22011 `negative substring length not allowed` for start < 1; 22003
 *   `integer out of range` when start + count overflows.
 */
export function overlay(s: string, placing: string, start: number, count: number = charLength(placing)): string {
  const tail = overlayTailStart(start, count);
  return substr(s, 1, start - 1) + placing + substr(s, tail);
}

/** quote_nullable(text): `NULL` for NULL, else quote_literal. */
export function quoteNullable(s: string | null): string {
  return s === null ? 'NULL' : quoteLiteral(s);
}

function unistrError(message: string, hint?: string): PgError {
  return new PgError(SQLSTATE.syntax_error, message, hint === undefined ? {} : { hint });
}

/**
 * unistr(text) (varlena.c unistr): `\XXXX`, `\uXXXX`, `\+XXXXXX` and `\UXXXXXXXX` (hex code
 * points, a UTF-16 surrogate pair written as two escapes) become their characters and `\\`
 * a backslash; every other character stays.
 * @throws PgError 42601 `invalid Unicode escape` (with PostgreSQL's hint) for any other
 *   backslash, `invalid Unicode surrogate pair` for a surrogate not in a pair; 22023
 *   `invalid Unicode code point: XXXX` for 0 or above U+10FFFF.
 */
export function unistr(s: string): string {
  const hexRun = (i: number, n: number): number | null => {
    const h = s.slice(i, i + n);
    return h.length === n && /^[0-9A-Fa-f]+$/.test(h) ? parseInt(h, 16) : null;
  };
  const invalidPair = (): PgError => unistrError('invalid Unicode surrogate pair');
  let out = '';
  let pairFirst = 0;
  let i = 0;
  while (i < s.length) {
    if (s[i] !== '\\') {
      if (pairFirst !== 0) throw invalidPair();
      out += s[i++];
      continue;
    }
    if (s[i + 1] === '\\') {
      if (pairFirst !== 0) throw invalidPair();
      out += '\\';
      i += 2;
      continue;
    }
    let cp: number | null;
    if ((cp = hexRun(i + 1, 4)) !== null) i += 5;
    else if (s[i + 1] === 'u' && (cp = hexRun(i + 2, 4)) !== null) i += 6;
    else if (s[i + 1] === '+' && (cp = hexRun(i + 2, 6)) !== null) i += 8;
    else if (s[i + 1] === 'U' && (cp = hexRun(i + 2, 8)) !== null) i += 10;
    else throw unistrError('invalid Unicode escape', 'Unicode escapes must be \\XXXX, \\+XXXXXX, \\uXXXX, or \\UXXXXXXXX.');
    if (cp <= 0 || cp > 0x10ffff) {
      throw new PgError(SQLSTATE.invalid_parameter_value, `invalid Unicode code point: ${cp.toString(16).toUpperCase().padStart(4, '0')}`);
    }
    const second = cp >= 0xdc00 && cp <= 0xdfff;
    if (pairFirst !== 0) {
      if (!second) throw invalidPair();
      cp = ((pairFirst & 0x3ff) << 10) + 0x10000 + (cp & 0x3ff);
      pairFirst = 0;
    } else if (second) throw invalidPair();
    if (cp >= 0xd800 && cp <= 0xdbff) pairFirst = cp;
    else out += String.fromCodePoint(cp);
  }
  if (pairFirst !== 0) throw invalidPair();
  return out;
}

// ---------------------------------------------------------------------------------------
// LIKE / ILIKE (like.c, like_match.c)

function likeEndsWithEscape(): PgError {
  return new PgError(SQLSTATE.invalid_escape_sequence, 'LIKE pattern must not end with escape character');
}

const enum Match {
  False,
  True,
  /** No match here and none further right (like_match.c's LIKE_ABORT). */
  Abort,
}

/** like_match.c's MatchText over characters, backslash the escape. */
function matchText(t: string[], ti: number, p: string[], pi: number): Match {
  if (p.length - pi === 1 && p[pi] === '%') return Match.True;
  while (ti < t.length && pi < p.length) {
    const pc = p[pi]!;
    if (pc === '\\') {
      pi++;
      if (pi >= p.length) throw likeEndsWithEscape();
      if (p[pi] !== t[ti]) return Match.False;
    } else if (pc === '%') {
      pi++;
      while (pi < p.length) {
        if (p[pi] === '%') pi++;
        else if (p[pi] === '_') {
          if (ti >= t.length) return Match.Abort;
          ti++;
          pi++;
        } else break;
      }
      if (pi >= p.length) return Match.True;
      let first: string;
      if (p[pi] === '\\') {
        if (pi + 1 >= p.length) throw likeEndsWithEscape();
        first = p[pi + 1]!;
      } else first = p[pi]!;
      while (ti < t.length) {
        if (t[ti] === first) {
          const m = matchText(t, ti, p, pi);
          if (m !== Match.False) return m;
        }
        ti++;
      }
      return Match.Abort;
    } else if (pc !== '_' && pc !== t[ti]) {
      return Match.False;
    }
    ti++;
    pi++;
  }
  if (ti < t.length) return Match.False;
  while (pi < p.length && p[pi] === '%') pi++;
  return pi >= p.length ? Match.True : Match.Abort;
}

/**
 * `s LIKE pattern` (`%` any characters, `_` one, backslash escapes the next); ILIKE compares
 * the lower-case forms.
 * @throws PgError 22025 `LIKE pattern must not end with escape character`.
 */
export function like(s: string, pattern: string, caseInsensitive: boolean): boolean {
  if (caseInsensitive) {
    s = pgLower(s);
    pattern = pgLower(pattern);
  }
  return matchText(chars(s), 0, chars(pattern), 0) === Match.True;
}

/**
 * like_escape(pattern, escape): the pattern rewritten to use backslash as its escape (what
 * `LIKE pattern ESCAPE e` compiles to); an empty escape makes every character literal.
 * @throws PgError 22025 `invalid escape string` when `escape` is longer than one character.
 */
export function likeEscape(pattern: string, escape: string): string {
  const e = chars(escape);
  if (e.length === 0) return pattern.replace(/\\/g, '\\\\');
  if (e.length > 1) {
    throw new PgError(SQLSTATE.invalid_escape_sequence, 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
  }
  let out = '';
  let afterEscape = false;
  for (const c of pattern) {
    if (c === e[0] && !afterEscape) {
      out += '\\';
      afterEscape = true;
    } else if (c === '\\') {
      out += afterEscape ? '\\' : '\\\\';
      afterEscape = false;
    } else {
      out += c;
      afterEscape = false;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Regular expressions (regexp.c)

const WORD = '[\\p{L}\\p{N}_]';
const CLASS_NAMES: Record<string, string> = {
  alpha: '\\p{L}', digit: '0-9', alnum: '\\p{L}\\p{Nd}', upper: '\\p{Lu}', lower: '\\p{Ll}', space: '\\s',
  punct: '\\p{P}\\p{S}', xdigit: '0-9A-Fa-f', word: '\\p{L}\\p{N}_', blank: ' \\t', cntrl: '\\p{Cc}',
  print: '\\P{C}', graph: '\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}',
};

function invalidRegex(what: string): PgError {
  return new PgError(SQLSTATE.invalid_regular_expression, `invalid regular expression: ${what}`);
}

/** A literal character as a JavaScript pattern atom. */
function literalAtom(c: string): string {
  return /[\p{L}\p{N}_ ]/u.test(c) ? c : `\\u{${c.codePointAt(0)!.toString(16)}}`;
}

/** The capturing groups a pattern has opened (numbered from 1) and which of them it closed. */
interface GroupState {
  opened: number;
  closed: boolean[];
}
const NO_GROUPS: GroupState = { opened: 0, closed: [] };

/**
 * Translates the escape at `p[i]` (after the backslash); returns the JS text and the next index.
 * `groups`: the capturing groups before it; a multi-digit `\mnn` is a back reference only up to
 * the number opened and an octal character otherwise (regc_lex.c's lexescape), and a back
 * reference must name a group already closed (regcomp.c; JavaScript would match a forward or
 * self reference as empty).
 */
function translateEscape(p: string[], i: number, inBracket: boolean, groups: GroupState = NO_GROUPS): [string, number] {
  const c = p[i];
  if (c === undefined) throw invalidRegex('invalid escape \\ sequence');
  switch (c) {
    case 'a': return ['\\x07', i + 1];
    case 'b': return ['\\x08', i + 1];
    case 'B': return ['\\\\', i + 1];
    case 'e': return ['\\x1b', i + 1];
    case 'f': case 'n': case 'r': case 't': case 'v':
    case 'd': case 'D': case 's': case 'S': case 'w': case 'W':
      return [`\\${c}`, i + 1];
    case 'x': {
      let j = i + 1;
      let hex = '';
      while (j < p.length && /[0-9a-fA-F]/.test(p[j]!)) hex += p[j++];
      if (hex === '') throw invalidRegex('invalid escape \\ sequence');
      return [`\\u{${hex.replace(/^0+(?=.)/, '')}}`, j];
    }
    case 'u': case 'U': {
      const n = c === 'u' ? 4 : 8;
      const hex = p.slice(i + 1, i + 1 + n).join('');
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) throw invalidRegex('invalid escape \\ sequence');
      return [`\\u{${hex.replace(/^0+(?=.)/, '')}}`, i + 1 + n];
    }
    case 'c': {
      const x = p[i + 1];
      if (x === undefined) throw invalidRegex('invalid escape \\ sequence');
      return [`\\u{${(x.codePointAt(0)! & 31).toString(16)}}`, i + 2];
    }
    default:
      break;
  }
  if (!inBracket) {
    switch (c) {
      case 'm': return [`(?<!${WORD})(?=${WORD})`, i + 1];
      case 'M': return [`(?<=${WORD})(?!${WORD})`, i + 1];
      case 'y': return [`(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`, i + 1];
      case 'Y': return [`(?:(?<=${WORD})(?=${WORD})|(?<!${WORD})(?!${WORD}))`, i + 1];
      case 'A': return ['(?<![\\s\\S])', i + 1];
      case 'Z': return ['(?![\\s\\S])', i + 1];
      default: break;
    }
    if (/[0-9]/.test(c)) return translateDigits(p, i, groups);
  }
  if (/[\p{L}\p{N}]/u.test(c)) throw invalidRegex('invalid escape \\ sequence');
  return [literalAtom(c), i + 1];
}

/**
 * `\` then digits at `p[i]`, outside a bracket expression: one digit 1-9 is a back reference;
 * several are one when their value is at most the groups opened; otherwise (and after `\0`) up to three
 * octal digits name a character, one fewer if three would pass 0377 (regc_lex.c).
 * @throws PgError 2201B when no octal digit follows (`\8` with nothing to refer to is a back
 *   reference, whose number JavaScript then refuses).
 */
function translateDigits(p: string[], i: number, groups: GroupState): [string, number] {
  if (p[i] !== '0') {
    let j = i;
    let v = 0;
    while (j < p.length && j - i < 255 && isDigitChar(p[j])) v = v * 10 + (p[j++]!.charCodeAt(0) - 48);
    if (j === i + 1 || (v > 0 && v <= groups.opened)) {
      if (groups.closed[v] !== true) throw invalidRegex('invalid backreference number');
      return [`(?:\\${v})`, j];
    }
  }
  let j = i;
  let v = 0;
  while (j < p.length && j - i < 3 && p[j]! >= '0' && p[j]! <= '7') v = v * 8 + (p[j++]!.charCodeAt(0) - 48);
  if (j === i) throw invalidRegex('invalid escape \\ sequence');
  if (v > 0xff) {
    j--;
    v >>= 3;
  }
  return [literalAtom(String.fromCodePoint(v)), j];
}

/** A bracket expression starting at `p[i]` (the `[`); returns the JS class and the next index. */
function translateBracket(p: string[], i: number): [string, number] {
  let out = '[';
  let j = i + 1;
  if (p[j] === '^') {
    out += '^';
    j++;
  }
  // A `]` first is a literal.
  if (p[j] === ']') {
    out += '\\]';
    j++;
  }
  while (j < p.length && p[j] !== ']') {
    const c = p[j]!;
    if (c === '[' && p[j + 1] === ':') {
      const end = p.indexOf(':', j + 2);
      if (end < 0 || p[end + 1] !== ']') throw invalidRegex('brackets [] not balanced');
      const name = p.slice(j + 2, end).join('');
      const cls = own(CLASS_NAMES, name);
      if (cls === undefined) throw invalidRegex('invalid character class');
      out += cls;
      j = end + 2;
    } else if (c === '\\') {
      const [t, next] = translateEscape(p, j + 1, true);
      out += t;
      j = next;
    } else if (c === '-' ) {
      out += '-';
      j++;
    } else {
      out += literalAtom(c);
      j++;
    }
  }
  if (j >= p.length) throw invalidRegex('brackets [] not balanced');
  return [out + ']', j + 1];
}

/** Options of a regular expression: PostgreSQL's flag letters as parsed by parse_re_flags. */
export interface RegexOptions {
  caseInsensitive: boolean;
  newlineSensitive: boolean;
  literal: boolean;
  expanded: boolean;
  global: boolean;
}

/**
 * Parses a flags argument (regexp_replace's 'gi', ...).
 * @throws PgError 22023 `invalid regular expression option: "z"`.
 */
export function parseRegexFlags(flags: string, allowGlobal: boolean): RegexOptions {
  const o: RegexOptions = { caseInsensitive: false, newlineSensitive: false, literal: false, expanded: false, global: false };
  for (const f of flags) applyFlag(o, f, allowGlobal);
  return o;
}

function applyFlag(o: RegexOptions, f: string, allowGlobal: boolean): void {
  switch (f) {
    case 'g':
      if (!allowGlobal) throw new PgError(SQLSTATE.invalid_parameter_value, `invalid regular expression option: "${f}"`);
      o.global = true;
      return;
    case 'i': o.caseInsensitive = true; return;
    case 'c': o.caseInsensitive = false; return;
    case 'n': case 'm': o.newlineSensitive = true; return;
    case 's': o.newlineSensitive = false; return;
    case 'q': o.literal = true; return;
    case 'x': o.expanded = true; return;
    case 't': o.expanded = false; return;
    default:
      throw new PgError(SQLSTATE.invalid_parameter_value, `invalid regular expression option: "${f}"`);
  }
}

/** One parenthesized level of a pattern, as {@link SpanGuard} walks it. */
interface SpanFrame {
  /** Per branch, the literal character every match of the branch starts with (null: not known). */
  firsts: (string | null)[];
  /** Whether the next atom starts a branch. */
  atStart: boolean;
  /** Whether the level has alternatives. */
  alt: boolean;
  /** The enclosing level's branch this level starts (its first character is that branch's), if any. */
  slot: { frame: SpanFrame; index: number } | null;
}

function unfaithful(what: string): PgError {
  return new PgError(SQLSTATE.feature_not_supported, `regular expression ${what} is not supported where the matched text is used`, {
    hint: 'PostgreSQL takes the longest (or shortest) match at the leftmost position, which vecgres cannot reproduce for this pattern; the ~ operator and regexp_like() accept it.',
  });
}

/**
 * Refuses, while compileRegex translates a pattern for a function that uses the match's
 * extent, the constructs where an ARE's longest-leftmost match (regcomp.c / regexec.c) and
 * JavaScript's first backtracking match can differ:
 * - a non-greedy quantifier (`*?` `+?` `??` `{m,n}?`: an ARE takes the whole match's
 *   greediness from its first quantifier);
 * - a quantified parenthesized group (`(ab)?(abcd)?` and `(a*)+` match differently);
 * - alternation, unless every alternative starts with its own literal character (so at any
 *   position at most one alternative can match and there is nothing to choose): `(a)|(z)`
 *   is kept, `ab|abcd` refused.
 * This is a sufficient condition, conservative by design: a refused pattern fails with
 * 0A000, never with a different answer.
 */
class SpanGuard {
  private readonly stack: SpanFrame[] = [{ firsts: [], atStart: true, alt: false, slot: null }];
  private afterGroup = false;

  constructor(private readonly caseInsensitive: boolean) {}

  private get top(): SpanFrame {
    return this.stack[this.stack.length - 1]!;
  }

  /** Records what the branch starts with, in this frame and in every frame it starts. */
  private static setFirst(frame: SpanFrame, index: number, first: string | null): void {
    frame.firsts[index] = first;
    if (index === 0 && frame.slot !== null) SpanGuard.setFirst(frame.slot.frame, frame.slot.index, first);
  }

  /** An atom: `literal` the character it matches, null for anything else; `next` the pattern character after it. */
  atom(literal: string | null, next: string | undefined): void {
    this.afterGroup = false;
    const f = this.top;
    if (!f.atStart) return;
    f.atStart = false;
    f.firsts.push(null);
    // An optional first atom may match nothing, so the branch need not start with it.
    const quantified = next === '*' || next === '?' || next === '+' || next === '{';
    let first = quantified ? null : literal;
    if (first !== null && this.caseInsensitive) first = /^[A-Za-z0-9]$/.test(first) ? first.toLowerCase() : /^[\x20-\x7e]$/.test(first) ? first : null;
    SpanGuard.setFirst(f, f.firsts.length - 1, first);
  }

  /** `(`: `consuming` false for a lookahead, whose first character does not start the match. */
  open(consuming: boolean): void {
    const f = this.top;
    let slot: SpanFrame['slot'] = null;
    if (f.atStart) {
      f.atStart = false;
      f.firsts.push(null);
      if (consuming) slot = { frame: f, index: f.firsts.length - 1 };
    }
    this.stack.push({ firsts: [], atStart: true, alt: false, slot });
    this.afterGroup = false;
  }

  close(): void {
    const f = this.stack.pop()!;
    this.check(f);
    if (f.alt && f.slot !== null) SpanGuard.setFirst(f.slot.frame, f.slot.index, null);
    this.afterGroup = true;
  }

  alternation(): void {
    const f = this.top;
    if (f.atStart) f.firsts.push(null);
    f.alt = true;
    f.atStart = true;
    this.afterGroup = false;
  }

  /** A quantifier (`*` `+` `?` or a bound); `next` the pattern character after it. */
  quantifier(next: string | undefined): void {
    if (next === '?') throw unfaithful('non-greedy quantifier');
    if (this.afterGroup) throw unfaithful('quantifier on a parenthesized group');
  }

  end(): void {
    this.check(this.stack[0]!);
  }

  private check(f: SpanFrame): void {
    if (!f.alt) return;
    if (f.atStart) f.firsts.push(null);
    const seen = new Set<string>();
    for (const c of f.firsts) {
      if (c === null || seen.has(c)) throw unfaithful('alternation (|) between alternatives that can start alike');
      seen.add(c);
    }
  }
}

const regexCache = new Map<string, RegExp>();
const REGEX_CACHE_MAX = 256;

/**
 * The JavaScript RegExp for a PostgreSQL ARE `pattern` with options (see the module comment
 * for the translation). Compiled patterns are cached by pattern and options (immutable
 * values, as PostgreSQL's own compiled-regex cache), never any per-query state.
 *
 * `spans`: the caller uses where the match starts and ends or what its groups captured
 * (regexp_match, regexp_replace, regexp_substr, ...), not only whether there is one. An ARE
 * then picks the longest (or, led by a non-greedy quantifier, the shortest) match at the
 * leftmost position, while JavaScript takes the first its backtracking finds; the two agree
 * for the patterns {@link SpanGuard} accepts, and the others fail rather than differ.
 * @throws PgError 2201B `invalid regular expression: ...`; 0A000 with `spans` for a pattern
 *   whose match could differ (see {@link SpanGuard}).
 */
export function compileRegex(pattern: string, opts: RegexOptions, spans = false): RegExp {
  const key = `${opts.caseInsensitive ? 'i' : ''}${opts.newlineSensitive ? 'n' : ''}${opts.literal ? 'q' : ''}${opts.expanded ? 'x' : ''}${opts.global ? 'g' : ''}${spans ? 's' : ''}/${pattern}`;
  const hit = regexCache.get(key);
  if (hit !== undefined) return hit;
  const o = { ...opts };
  let p = chars(pattern);
  if (p.slice(0, 4).join('') === '***=') {
    o.literal = true;
    p = p.slice(4);
  } else if (p.slice(0, 4).join('') === '***:') p = p.slice(4);
  if (!o.literal && p[0] === '(' && p[1] === '?' && p[2] !== undefined && /[a-z]/.test(p[2])) {
    const end = p.indexOf(')');
    if (end < 0) throw invalidRegex('parentheses () not balanced');
    for (const f of p.slice(2, end)) {
      if (f === 'g') throw invalidRegex('invalid embedded option');
      try {
        applyFlag(o, f, false);
      } catch {
        throw invalidRegex('invalid embedded option');
      }
    }
    p = p.slice(end + 1);
  }
  let src = '';
  if (o.literal) src = p.map(literalAtom).join('');
  else {
    let i = 0;
    const groups: GroupState = { opened: 0, closed: [] };
    const open: number[] = []; // group numbers of the open parentheses, 0 when not capturing
    const guard = spans ? new SpanGuard(o.caseInsensitive) : null;
    // The pattern character at `j`, skipping what expanded syntax (x) ignores there, so that
    // `a *` is seen as a quantified atom, as the ARE reads it.
    const peek = (j: number, k = 0): string | undefined => {
      let at = j;
      for (let n = 0; ; n++) {
        while (o.expanded && at < p.length && (/\s/.test(p[at]!) || p[at] === '#')) {
          if (p[at] === '#') while (at < p.length && p[at] !== '\n') at++;
          else at++;
        }
        if (n === k) return p[at];
        at++;
      }
    };
    while (i < p.length) {
      const c = p[i]!;
      if (o.expanded && /\s/.test(c)) {
        i++;
      } else if (o.expanded && c === '#') {
        while (i < p.length && p[i] !== '\n') i++;
      } else if (c === '\\') {
        const [t, next] = translateEscape(p, i + 1, false, groups);
        // A constraint escape matches no character, so it cannot be quantified (regcomp.c);
        // JavaScript would repeat the lookaround some of them become.
        const q = peek(next);
        if (p[i + 1] !== undefined && 'mMyYAZ'.includes(p[i + 1]!) && (q === '*' || q === '+' || q === '?' || (q === '{' && isDigitChar(peek(next, 1))))) {
          throw invalidRegex('quantifier operand invalid');
        }
        src += t;
        guard?.atom(null, peek(next));
        i = next;
      } else if (c === '[') {
        const [t, next] = translateBracket(p, i);
        src += t;
        guard?.atom(null, peek(next));
        i = next;
      } else if (c === '{') {
        const [t, next] = translateBound(p, i);
        src += t;
        if (t !== '\\{') guard?.quantifier(peek(next));
        else guard?.atom(null, peek(next));
        i = next;
      } else if (c === ']' || c === '}') {
        // Literal outside a bracket expression or bound (an error under JavaScript's u flag).
        src += `\\${c}`;
        guard?.atom(c, peek(i + 1));
        i++;
      } else if (c === '$' && o.newlineSensitive) {
        src += '(?=\\n|(?![\\s\\S]))';
        guard?.atom(null, peek(i + 1));
        i++;
      } else if (c === '^' && o.newlineSensitive) {
        src += '(?<=\\n|^)';
        guard?.atom(null, peek(i + 1));
        i++;
      } else if (c === '(' && p[i + 1] === '?' && p[i + 2] !== undefined && ':=!<'.includes(p[i + 2]!)) {
        // (?: (?= (?! (?<= (?<!: the opener is one token; a lookaround consumes nothing.
        const len = p[i + 2] === '<' ? 4 : 3;
        open.push(0);
        guard?.open(p[i + 2] === ':');
        src += p.slice(i, i + len).join('');
        i += len;
      } else {
        if (c === '(') {
          open.push(p[i + 1] === '?' ? 0 : ++groups.opened);
          guard?.open(true);
        } else if (c === ')' && open.length > 0) {
          groups.closed[open.pop()!] = true;
          guard?.close();
        } else if (c === '|') guard?.alternation();
        else if (c === '*' || c === '+' || c === '?') guard?.quantifier(peek(i + 1));
        else guard?.atom(c === '.' || c === '^' || c === '$' ? null : c, peek(i + 1));
        src += c;
        i++;
      }
    }
    guard?.end();
  }
  let re: RegExp;
  try {
    re = new RegExp(src, `u${o.newlineSensitive ? '' : 's'}${o.caseInsensitive ? 'i' : ''}${o.global ? 'g' : ''}`);
  } catch (e) {
    throw invalidRegex(regexMessage(String((e as Error).message)));
  }
  if (regexCache.size >= REGEX_CACHE_MAX) regexCache.clear();
  regexCache.set(key, re);
  return re;
}

/**
 * The `{` at `p[i]`: a bound `{m}`, `{m,}` or `{m,n}` (m, n at most 255, RE_DUP_MAX) is copied
 * as it is; a `{` not followed by a digit is an ordinary character in an ARE (escaped, since
 * JavaScript's `u` flag refuses a lone brace). Returns the JavaScript text and the next index.
 * @throws PgError 2201B for an unclosed or out-of-range bound, as regcomp.c.
 */
function translateBound(p: string[], i: number): [string, number] {
  if (!isDigitChar(p[i + 1])) return ['\\{', i + 1];
  let j = i + 1;
  let m = '';
  while (isDigitChar(p[j])) m += p[j++];
  let n: string | null = m;
  if (p[j] === ',') {
    j++;
    n = '';
    while (isDigitChar(p[j])) n += p[j++];
  }
  if (p[j] !== '}') throw invalidRegex(j >= p.length ? 'braces {} not balanced' : 'invalid repetition count(s)');
  const lo = Number(m);
  const hi = n === '' ? null : Number(n);
  if (lo > 255 || (hi !== null && (hi > 255 || hi < lo))) throw invalidRegex('invalid repetition count(s)');
  return [`{${m}${n === m ? '' : `,${n}`}}`, j + 1];
}

function isDigitChar(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** PostgreSQL's message (regerror) for the common kinds of JavaScript pattern error. */
function regexMessage(js: string): string {
  if (/Unterminated group|Unmatched '\)'/.test(js)) return 'parentheses () not balanced';
  if (/Unterminated character class|Lone quantifier brackets/.test(js)) return 'brackets [] not balanced';
  if (/Nothing to repeat/.test(js)) return 'quantifier operand invalid';
  if (/Incomplete quantifier|out of order|too large/.test(js)) return 'invalid repetition count(s)';
  if (/Invalid (?:named )?(?:capture group|reference)|Invalid escape/.test(js)) return 'invalid backreference number';
  return 'invalid regular expression';
}

/** `s ~ pattern` / `~*`. */
export function regexMatches(s: string, pattern: string, caseInsensitive: boolean): boolean {
  const re = compileRegex(pattern, { caseInsensitive, newlineSensitive: false, literal: false, expanded: false, global: false });
  return re.test(s);
}

// ---------------------------------------------------------------------------------------
// format() and quoting (varlena.c text_format, quote.c)

/** SQL key words quote_ident quotes (PostgreSQL's reserved and type/function-name key words). */
const QUOTED_KEYWORDS = new Set(('all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both case cast ' +
  'char character check coalesce collate collation column concurrently constraint create cross current_catalog current_date ' +
  'current_role current_schema current_time current_timestamp current_user dec decimal default deferrable desc distinct do else end ' +
  'except exists extract false fetch float for foreign freeze from full grant greatest group grouping having ilike in initially inner ' +
  'inout int integer intersect interval into is isnull join json lateral leading least left like limit localtime localtimestamp ' +
  'merge_action national natural nchar none normalize not notnull null nullif numeric offset on only or order out outer overlaps ' +
  'overlay placing position precision primary real references returning right row select session_user setof similar smallint some ' +
  'substring symmetric system_user table tablesample then time timestamp to trailing treat trim true union unique user using values ' +
  'varchar variadic verbose when where window with xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse ' +
  'xmlpi xmlroot xmlserialize xmltable').split(' '));

/** quote_ident: double-quoted unless a lower-case identifier that is not a key word. */
export function quoteIdent(s: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(s) && !QUOTED_KEYWORDS.has(s)) return s;
  return `"${s.replace(/"/g, '""')}"`;
}

/** quote_literal: single-quoted, quotes doubled; with a backslash, an E'' string with it doubled. */
export function quoteLiteral(s: string): string {
  const body = s.replace(/'/g, "''");
  return s.includes('\\') ? `E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}

function formatError(message: string, hint = true): PgError {
  return new PgError(SQLSTATE.invalid_parameter_value, message, hint ? { hint: 'For a single "%" use "%%".' } : {});
}

/**
 * format(fmt, args...) (text_format): `%s` (text, NULL as empty), `%I` (quote_ident), `%L`
 * (quote_literal, NULL as NULL), `%%`; each with an optional argument position `n$`, a `-`
 * flag and a width (a number, `*` or `*n$`). `args` are the arguments' output texts.
 * @throws PgError 22023 for a malformed specifier or too few arguments; 22004 for a NULL `%I`.
 */
export function format(fmt: string, args: readonly (string | null)[], widthArg: (i: number) => number | null): string {
  let out = '';
  let next = 0;
  const cs = chars(fmt);
  const readNumber = (i: number): [number, number] | null => {
    let j = i;
    let n = 0;
    while (j < cs.length && cs[j]! >= '0' && cs[j]! <= '9') {
      n = n * 10 + Number(cs[j]);
      if (n > 0x7fffffff) throw formatError('number is out of range', false);
      j++;
    }
    return j === i ? null : [n, j];
  };
  const argAt = (n: number): number => {
    if (n === 0) throw formatError('format specifies argument 0, but arguments are numbered from 1', false);
    return n - 1;
  };
  for (let i = 0; i < cs.length; i++) {
    if (cs[i] !== '%') {
      out += cs[i];
      continue;
    }
    i++;
    if (i >= cs.length) throw formatError('unterminated format() type specifier');
    if (cs[i] === '%') {
      out += '%';
      continue;
    }
    let argIndex = -1;
    const num = readNumber(i);
    if (num !== null && cs[num[1]] === '$') {
      argIndex = argAt(num[0]);
      i = num[1] + 1;
    }
    let leftAlign = false;
    while (cs[i] === '-') {
      leftAlign = true;
      i++;
    }
    let width = 0;
    if (cs[i] === '*') {
      i++;
      let wi = next;
      const wn = readNumber(i);
      if (wn !== null && cs[wn[1]] === '$') {
        wi = argAt(wn[0]);
        i = wn[1] + 1;
      } else next++;
      if (wi >= args.length) throw formatError('too few arguments for format()', false);
      const w = widthArg(wi);
      width = w ?? 0;
      if (width < 0) {
        leftAlign = true;
        width = -width;
      }
    } else {
      const wn = readNumber(i);
      if (wn !== null) {
        width = wn[0];
        i = wn[1];
      }
    }
    if (i >= cs.length) throw formatError('unterminated format() type specifier');
    const type = cs[i]!;
    if (type !== 's' && type !== 'I' && type !== 'L') throw formatError(`unrecognized format() type specifier "${type}"`);
    if (argIndex < 0) argIndex = next++;
    else next = argIndex + 1;
    if (argIndex >= args.length) throw formatError('too few arguments for format()', false);
    const v = args[argIndex]!;
    let text: string;
    if (type === 's') text = v ?? '';
    else if (type === 'I') {
      if (v === null) throw new PgError(SQLSTATE.null_value_not_allowed, 'null values cannot be formatted as an SQL identifier');
      text = quoteIdent(v);
    } else text = v === null ? 'NULL' : quoteLiteral(v);
    const len = charLength(text);
    if (width > len) text = leftAlign ? text + ' '.repeat(width - len) : ' '.repeat(width - len) + text;
    out += text;
  }
  return out;
}

/**
 * similar_to_escape(pattern [, escape]): the SQL-standard regular expression of `SIMILAR TO`
 * as the POSIX ARE that `~` then matches (regexp.c, similar_escape_internal): anchored as
 * `^(?:...)$`, `%` -> `.*`, `_` -> `.`, `(` -> `(?:`, the ARE's own `\ . ^ $` made literal,
 * bracket expressions copied (nested `[` counted so a `]` that starts or follows `^` stays
 * literal), and the escape character (default backslash; `escape` '' means none) making the
 * next character literal, or, before `"`, one of the two part separators of SUBSTRING's
 * three-part form. Counted in characters, which is what PostgreSQL's byte loop amounts to in
 * UTF8 (a multi-byte character never equals a single-byte one).
 * @throws PgError 22025 when `escape` is longer than one character; 2200C for a third
 *   escape-double-quote separator.
 */
export function similarToEscape(pattern: string, escape?: string): string {
  return joinSimilarParts(similarParts(pattern, escape));
}

/** The anchored ARE of a SIMILAR pattern's translated parts (see similarToEscape). */
function joinSimilarParts([a, b, c]: readonly string[]): string {
  if (b === undefined) return `^(?:${a})$`;
  return c === undefined ? `^(?:${a}){1,1}?(${b})$` : `^(?:${a}){1,1}?(${b}){1,1}(?:${c})$`;
}

/**
 * The ARE bodies of a SIMILAR pattern's parts, split at its escape-double-quote separators:
 * one part, or two or three (SUBSTRING's form). See similarToEscape, which joins them.
 * @throws PgError as similarToEscape.
 */
function similarParts(pattern: string, escape?: string): string[] {
  let esc: string | null = '\\';
  if (escape !== undefined) {
    const e = chars(escape);
    if (e.length > 1) throw new PgError(SQLSTATE.invalid_escape_sequence, 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
    esc = e.length === 0 ? null : e[0]!;
  }
  const parts: string[] = [];
  let out = '';
  let afterEscape = false;
  let quotes = 0;
  let bracketDepth = 0;
  // 1 right after `[`, 2 after a leading `^`, 3 once an element was seen: a `]` ends the class
  // only at 3.
  let classPos = 0;
  for (const c of pattern) {
    if (afterEscape) {
      if (c === '"' && bracketDepth < 1) {
        if (quotes > 1) throw new PgError(SQLSTATE.invalid_use_of_escape_character, 'SQL regular expression may not contain more than two escape-double-quote separators');
        quotes++;
        parts.push(out);
        out = '';
      } else {
        out += `\\${c}`;
        classPos = 3;
      }
      afterEscape = false;
    } else if (esc !== null && c === esc) {
      afterEscape = true;
    } else if (bracketDepth > 0) {
      if (c === '\\') out += '\\';
      out += c;
      if (c === ']' && classPos > 2) bracketDepth--;
      else if (c === '[') {
        bracketDepth++;
        classPos = 3;
      } else if (c === '^') classPos++;
      else classPos = 3;
    } else if (c === '[') {
      out += c;
      bracketDepth = 1;
      classPos = 1;
    } else if (c === '%') out += '.*';
    else if (c === '_') out += '.';
    else if (c === '(') out += '(?:';
    else if (c === '\\' || c === '.' || c === '^' || c === '$') out += `\\${c}`;
    else out += c;
  }
  parts.push(out);
  return parts;
}

/**
 * substring(s SIMILAR pattern ESCAPE escape), PostgreSQL's substring(text, text, text): with
 * the pattern's two escape-double-quote separators, the part of `s` the middle part matches
 * when the whole pattern matches all of `s`; without them, `s` itself; NULL when the pattern
 * does not match. Which part of `s` the middle gets is the ARE's choice (regexp.c,
 * textregexsubstr over similar_to_escape): the first part is non-greedy and takes priority,
 * so the shortest prefix that still lets the rest match, then the middle (greedy) the longest.
 * JavaScript's backtracking does not give those lengths for every pattern, so the split is
 * searched here: each part is tested as a whole-string match (a question of the language,
 * on which the two engines agree), over the split points in that order. O(n^2) full-match
 * tests at worst for an `s` of n characters.
 * @throws PgError as similarToEscape.
 */
export function substringSimilar(s: string, pattern: string, escape: string): string | null {
  const parts = similarParts(pattern, escape);
  if (!regexMatches(s, joinSimilarParts(parts), false)) return null;
  if (parts.length === 1) return s;
  const [first, middle, last] = parts.map((p) => `^(?:${p})$`) as [string, string, string | undefined];
  // Offsets of code point boundaries, so no split falls inside a surrogate pair.
  const cuts: number[] = [0];
  for (const ch of s) cuts.push(cuts[cuts.length - 1]! + ch.length);
  const lastOk = cuts.map((j) => last === undefined ? j === s.length : regexMatches(s.slice(j), last, false));
  for (let i = 0; i < cuts.length; i++) {
    if (!regexMatches(s.slice(0, cuts[i]), first, false)) continue;
    for (let j = cuts.length - 1; j >= i; j--) {
      if (lastOk[j] && regexMatches(s.slice(cuts[i], cuts[j]), middle, false)) return s.slice(cuts[i], cuts[j]);
    }
  }
  return null;
}
