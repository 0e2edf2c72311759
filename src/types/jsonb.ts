/**
 * PostgreSQL's `jsonb` and `json` (src/backend/utils/adt/jsonb.c, jsonfuncs.c, jsonb_op.c,
 * jsonb_util.c, src/common/jsonapi.c).
 *
 * A jsonb value is a {@link Jsonb} holding a tree of {@link JsonbValue}: null, booleans,
 * strings, numbers as {@link Numeric} (so `1.50` stays `1.50` and `1e2` is `100`), arrays,
 * and {@link JsonbObject}s whose keys are normalised as PostgreSQL's: sorted by UTF-8 length,
 * then bytes, with the last of duplicate keys kept. Output (jsonb_out) prints `{"a": 1}`
 * with a space after `:` and `,`. A `json` value is its input text, checked by the same
 * parser and printed unchanged.
 *
 * The parser is PostgreSQL's recursive-descent JSON grammar with its lexer's token rules, so
 * invalid input fails with PostgreSQL's 22P02 `invalid input syntax for type json` and the
 * same detail (`Token "tru" is invalid.`, `Expected ":", but found "1".`, ...).
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { Numeric, parseNumeric, numericCmp } from './numeric.js';
import { textOrder, utf8Length } from './text_order.js';

/** A JSON object with PostgreSQL's key order. */
export class JsonbObject {
  constructor(
    readonly keys: readonly string[],
    readonly values: readonly JsonbValue[],
  ) {}

  /** The value of `key`, or undefined. */
  get(key: string): JsonbValue | undefined {
    const i = findKey(this.keys, key);
    return i >= 0 ? this.values[i] : undefined;
  }
}

/** One JSON value in a jsonb tree. */
export type JsonbValue = null | boolean | string | Numeric | JsonbValue[] | JsonbObject;

/** A jsonb datum (the wrapper keeps JSON null apart from SQL NULL). */
export class Jsonb {
  constructor(readonly root: JsonbValue) {}

  /** jsonb_out. */
  toString(): string {
    return formatJsonbValue(this.root);
  }
}

/**
 * lengthCompareJsonbString: shorter UTF-8 first, then bytewise. Neither string is encoded:
 * this runs for every key an object lookup or a containment test visits.
 */
function keyCmp(a: string, b: string): number {
  if (a === b) return 0;
  const la = utf8Length(a);
  const lb = utf8Length(b);
  return la !== lb ? la - lb : textOrder(a, b);
}

/** The index of `key` in the sorted `keys`, or -1 (a binary search in keyCmp's order). */
function findKey(keys: readonly string[], key: string): number {
  const len = utf8Length(key);
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const k = keys[mid]!;
    const kl = k === key ? len : utf8Length(k);
    const c = kl !== len ? kl - len : textOrder(k, key);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** An object from pairs in input order: sorted, the last duplicate kept. */
export function makeObject(pairs: readonly (readonly [string, JsonbValue])[]): JsonbObject {
  const idx = pairs.map((_, i) => i);
  // Stable sort by key; among equal keys the last one wins.
  idx.sort((i, j) => keyCmp(pairs[i]![0], pairs[j]![0]) || i - j);
  const keys: string[] = [];
  const values: JsonbValue[] = [];
  for (const i of idx) {
    const [k, v] = pairs[i]!;
    if (keys.length > 0 && keys[keys.length - 1] === k) values[values.length - 1] = v;
    else {
      keys.push(k);
      values.push(v);
    }
  }
  return new JsonbObject(keys, values);
}

// ---------------------------------------------------------------------------------------
// Parsing (jsonapi.c)

type Tok =
  | { t: 'end'; text: '' }
  | { t: 'punct'; text: string }
  | { t: 'string'; text: string; value: string }
  | { t: 'number'; text: string }
  | { t: 'true' | 'false' | 'null'; text: string };

function syntax(detail: string): PgError {
  return new PgError(SQLSTATE.invalid_text_representation, 'invalid input syntax for type json', { detail });
}

function isAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c >= 0x80;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

class Lexer {
  pos = 0;
  constructor(
    readonly s: string,
    /** jsonb refuses \u0000; json keeps it as text. */
    readonly jsonb: boolean,
  ) {}

  private alnumEnd(i: number): number {
    while (i < this.s.length && isAlnum(this.s.charCodeAt(i))) i++;
    return i;
  }

  next(): Tok {
    const s = this.s;
    let i = this.pos;
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
    if (i >= s.length) {
      this.pos = i;
      return { t: 'end', text: '' };
    }
    const c = s[i]!;
    if (c === '{' || c === '}' || c === '[' || c === ']' || c === ',' || c === ':') {
      this.pos = i + 1;
      return { t: 'punct', text: c };
    }
    if (c === '"') return this.string(i);
    if (c === '-' || isDigit(s.charCodeAt(i))) return this.number(i);
    const end = this.alnumEnd(i);
    if (end === i) {
      // Not a token start: the one character is the invalid token.
      const ch = String.fromCodePoint(s.codePointAt(i)!);
      throw syntax(`Token "${ch}" is invalid.`);
    }
    const word = s.slice(i, end);
    this.pos = end;
    if (word === 'true' || word === 'false' || word === 'null') return { t: word, text: word };
    throw syntax(`Token "${word}" is invalid.`);
  }

  private number(start: number): Tok {
    const s = this.s;
    let i = start;
    let ok = true;
    if (s[i] === '-') i++;
    if (s[i] === '0') i++;
    else if (isDigit(s.charCodeAt(i))) while (isDigit(s.charCodeAt(i))) i++;
    else ok = false;
    // As json_lex_number: the fraction and exponent are read even after a bad integer part.
    if (s[i] === '.') {
      i++;
      if (!isDigit(s.charCodeAt(i))) ok = false;
      while (isDigit(s.charCodeAt(i))) i++;
    }
    if (s[i] === 'e' || s[i] === 'E') {
      i++;
      if (s[i] === '+' || s[i] === '-') i++;
      if (!isDigit(s.charCodeAt(i))) ok = false;
      while (isDigit(s.charCodeAt(i))) i++;
    }
    const end = this.alnumEnd(i);
    if (!ok || end !== i) throw syntax(`Token "${s.slice(start, end)}" is invalid.`);
    this.pos = i;
    return { t: 'number', text: s.slice(start, i) };
  }

  private string(start: number): Tok {
    const s = this.s;
    let i = start + 1;
    let out = '';
    let pendingHigh = -1;
    for (;;) {
      if (i >= s.length) throw syntax(`Token "${s.slice(start)}" is invalid.`);
      const c = s.charCodeAt(i);
      if (c === 34 /* " */) break;
      // A pending high surrogate is checked before anything about the next character.
      if (c !== 92 /* \ */ && pendingHigh >= 0) throw syntax('Unicode low surrogate must follow a high surrogate.');
      if (c < 0x20) throw syntax(`Character with value 0x${c.toString(16).padStart(2, '0')} must be escaped.`);
      if (c !== 92 /* \ */) {
        out += s[i];
        i++;
        continue;
      }
      const e = s[i + 1];
      if (e === undefined) throw syntax(`Token "${s.slice(start)}" is invalid.`);
      if (e === 'u') {
        // Digit by digit, as the lexer reads them: the end of input first makes the whole
        // token invalid, a non-hex character first is a bad escape.
        for (let k = 2; k < 6; k++) {
          if (i + k >= s.length) throw syntax(`Token "${s.slice(start)}" is invalid.`);
          if (!/[0-9a-fA-F]/.test(s[i + k]!)) throw syntax(`"\\u" must be followed by four hexadecimal digits.`);
        }
        const hex = s.slice(i + 2, i + 6);
        const cp = parseInt(hex, 16);
        i += 6;
        // json only validates: surrogates are checked where jsonb de-escapes them.
        if (!this.jsonb) continue;
        if (cp >= 0xd800 && cp <= 0xdbff) {
          if (pendingHigh >= 0) throw syntax('Unicode high surrogate must not follow a high surrogate.');
          pendingHigh = cp;
          continue;
        }
        if (cp >= 0xdc00 && cp <= 0xdfff) {
          if (pendingHigh < 0) throw syntax('Unicode low surrogate must follow a high surrogate.');
          out += String.fromCharCode(pendingHigh, cp);
          pendingHigh = -1;
          continue;
        }
        if (pendingHigh >= 0) throw syntax('Unicode low surrogate must follow a high surrogate.');
        if (cp === 0) {
          if (this.jsonb) {
            throw new PgError('22P05', 'unsupported Unicode escape sequence', { detail: '\\u0000 cannot be converted to text.' });
          }
        }
        out += String.fromCharCode(cp);
        continue;
      }
      // jsonb de-escapes, and checks the surrogate first; json only validates the escape.
      if (pendingHigh >= 0 && this.jsonb) throw syntax('Unicode low surrogate must follow a high surrogate.');
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      const r = simple[e];
      if (r === undefined) throw syntax(`Escape sequence "\\${String.fromCodePoint(s.codePointAt(i + 1)!)}" is invalid.`);
      out += r;
      i += 2;
    }
    if (pendingHigh >= 0) throw syntax('Unicode low surrogate must follow a high surrogate.');
    this.pos = i + 1;
    return { t: 'string', text: s.slice(start, i + 1), value: out };
  }
}

function found(tok: Tok, expected: string): PgError {
  if (tok.t === 'end') return syntax('The input string ended unexpectedly.');
  return syntax(`${expected}, but found "${tok.text}".`);
}

function parseValue(lx: Lexer, tok: Tok): JsonbValue {
  switch (tok.t) {
    case 'string': return tok.value;
    case 'number': return parseNumeric(tok.text);
    case 'true': return true;
    case 'false': return false;
    case 'null': return null;
    case 'end': throw found(tok, '');
    default: break;
  }
  if (tok.text === '[') {
    const out: JsonbValue[] = [];
    let t = lx.next();
    if (t.t === 'punct' && t.text === ']') return out;
    for (;;) {
      if (t.t === 'punct' && (t.text !== '[' && t.text !== '{')) throw found(t, 'Expected JSON value');
      out.push(parseValue(lx, t));
      t = lx.next();
      if (t.t === 'punct' && t.text === ']') return out;
      if (!(t.t === 'punct' && t.text === ',')) throw found(t, 'Expected "," or "]"');
      t = lx.next();
      if (t.t === 'punct' && t.text !== '[' && t.text !== '{') throw found(t, 'Expected JSON value');
    }
  }
  if (tok.text === '{') {
    const pairs: [string, JsonbValue][] = [];
    let t = lx.next();
    if (t.t === 'punct' && t.text === '}') return makeObject(pairs);
    if (t.t !== 'string') throw found(t, 'Expected string or "}"');
    for (;;) {
      const key = (t as { value: string }).value;
      t = lx.next();
      if (!(t.t === 'punct' && t.text === ':')) throw found(t, 'Expected ":"');
      t = lx.next();
      if (t.t === 'punct' && t.text !== '[' && t.text !== '{') throw found(t, 'Expected JSON value');
      pairs.push([key, parseValue(lx, t)]);
      t = lx.next();
      if (t.t === 'punct' && t.text === '}') return makeObject(pairs);
      if (!(t.t === 'punct' && t.text === ',')) throw found(t, 'Expected "," or "}"');
      t = lx.next();
      if (t.t !== 'string') throw found(t, 'Expected string');
    }
  }
  throw found(tok, 'Expected JSON value');
}

function parseDocument(text: string, jsonb: boolean): JsonbValue {
  const lx = new Lexer(text, jsonb);
  const first = lx.next();
  if (first.t === 'punct' && first.text !== '[' && first.text !== '{') throw found(first, 'Expected JSON value');
  const v = parseValue(lx, first);
  const t = lx.next();
  if (t.t !== 'end') throw found(t, 'Expected end of input');
  return v;
}

/**
 * jsonb_in.
 * @throws PgError 22P02 `invalid input syntax for type json` with PostgreSQL's detail; 22P05
 *   for `\u0000`; 22003 for a number past numeric's range.
 */
export function parseJsonb(text: string): Jsonb {
  return new Jsonb(parseDocument(text, true));
}

/** json_in: the text itself, once the parser accepts it. @throws as {@link parseJsonb} (not 22P05) */
export function parseJson(text: string): string {
  parseDocument(text, false);
  return text;
}

/**
 * Reads every string of a json value (already validated by json_in) as text, as PostgreSQL's
 * json functions that pick values out of a document do: they de-escape each string they
 * pass, so a `\u0000` or a lone surrogate anywhere fails them even where it is not returned.
 * @throws PgError 22P05 `unsupported Unicode escape sequence`; 22P02 for a lone surrogate.
 */
export function checkJsonStrings(text: string): void {
  const lx = new Lexer(text, true);
  while (lx.next().t !== 'end');
}

/**
 * The text of one json string literal (its source, quotes included), de-escaped.
 * @throws as {@link checkJsonStrings}.
 */
export function jsonStringValue(literal: string): string {
  const t = new Lexer(literal, true).next();
  return (t as { value: string }).value;
}

// ---------------------------------------------------------------------------------------
// Output (jsonb_out, escape_json)

/** escape_json: a JSON string literal. */
export function quoteJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 8: out += '\\b'; break;
      case 12: out += '\\f'; break;
      case 10: out += '\\n'; break;
      case 13: out += '\\r'; break;
      case 9: out += '\\t'; break;
      case 34: out += '\\"'; break;
      case 92: out += '\\\\'; break;
      default:
        out += c < 0x20 ? '\\u' + c.toString(16).padStart(4, '0') : s[i];
    }
  }
  return out + '"';
}

/** jsonb_out of one value. */
export function formatJsonbValue(v: JsonbValue): string {
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'string') return quoteJsonString(v);
  if (v instanceof Numeric) return v.toString();
  if (Array.isArray(v)) return '[' + v.map(formatJsonbValue).join(', ') + ']';
  return '{' + v.keys.map((k, i) => `${quoteJsonString(k)}: ${formatJsonbValue(v.values[i]!)}`).join(', ') + '}';
}

// ---------------------------------------------------------------------------------------
// Operators and functions

/** jsonb_typeof. */
export function jsonbTypeof(j: Jsonb): string {
  const v = j.root;
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (v instanceof Numeric) return 'number';
  return Array.isArray(v) ? 'array' : 'object';
}

/**
 * jsonb_array_length.
 * @throws PgError 22023 `cannot get array length of a scalar` / `... of a non-array`.
 */
export function jsonbArrayLength(j: Jsonb): number {
  const v = j.root;
  if (Array.isArray(v)) return v.length;
  if (v instanceof JsonbObject) throw new PgError(SQLSTATE.invalid_parameter_value, 'cannot get array length of a non-array');
  throw new PgError(SQLSTATE.invalid_parameter_value, 'cannot get array length of a scalar');
}

/** `->` with a key: the field of an object, else SQL NULL. */
export function jsonbField(j: Jsonb, key: string): Jsonb | null {
  const v = j.root;
  if (!(v instanceof JsonbObject)) return null;
  const r = v.get(key);
  return r === undefined ? null : new Jsonb(r);
}

/** `->` with an index: an array element (negative counts from the end), else SQL NULL. */
export function jsonbElement(j: Jsonb, index: number): Jsonb | null {
  // A top-level scalar is stored as a one-element raw-scalar array, and answers `-> 0`.
  const v = j.root instanceof JsonbObject ? null : Array.isArray(j.root) ? j.root : [j.root];
  if (v === null) return null;
  const i = index < 0 ? v.length + index : index;
  return i >= 0 && i < v.length ? new Jsonb(v[i]!) : null;
}

/** `->>` and `#>>`: a string without quotes, JSON null as SQL NULL, others as jsonb_out. */
export function jsonbAsText(j: Jsonb | null): string | null {
  if (j === null || j.root === null) return null;
  return typeof j.root === 'string' ? j.root : formatJsonbValue(j.root);
}

/**
 * A path element read as an array index, as jsonfuncs.c reads one with strtoint: leading C
 * white space and a sign, then digits and nothing else, within int4; null otherwise.
 */
export function jsonbPathIndex(p: string): number | null {
  if (!/^[ \t\n\v\f\r]*[+-]?\d+$/.test(p)) return null;
  const n = Number(p);
  return n >= -2147483648 && n <= 2147483647 ? n : null;
}

/** `#>`: follow a path of keys / array indexes (text); SQL NULL where it leads nowhere. */
export function jsonbPath(j: Jsonb, path: readonly (string | null)[]): Jsonb | null {
  let v: JsonbValue = j.root;
  for (const p of path) {
    if (p === null) return null;
    if (v instanceof JsonbObject) {
      const r = v.get(p);
      if (r === undefined) return null;
      v = r;
    } else if (Array.isArray(v)) {
      let i = jsonbPathIndex(p);
      if (i === null) return null;
      if (i < 0) i += v.length;
      if (i < 0 || i >= v.length) return null;
      v = v[i]!;
    } else return null;
  }
  return new Jsonb(v);
}

/**
 * jsonb_strip_nulls: every object member whose value is JSON null removed, at any depth, and
 * with `inArrays` null array elements too. A top-level null stays (it is no member).
 */
export function jsonbStripNulls(j: Jsonb, inArrays: boolean): Jsonb {
  const strip = (v: JsonbValue): JsonbValue => {
    if (Array.isArray(v)) return (inArrays ? v.filter((x) => x !== null) : v).map(strip);
    if (!(v instanceof JsonbObject)) return v;
    const keys: string[] = [];
    const values: JsonbValue[] = [];
    v.keys.forEach((k, i) => {
      const x = v.values[i]!;
      if (x === null) return;
      keys.push(k);
      values.push(strip(x));
    });
    return new JsonbObject(keys, values);
  };
  return new Jsonb(strip(j.root));
}

/**
 * jsonb_pretty: one element or member a line, indented four spaces a level, `"k": v`. An
 * empty array or object still takes two lines (`[` then `]` at its own indentation), as
 * PostgreSQL's JsonbToCStringIndent prints it; a scalar prints as jsonb_out.
 */
export function jsonbPretty(j: Jsonb): string {
  const pretty = (v: JsonbValue, level: number): string => {
    const isArray = Array.isArray(v);
    if (!isArray && !(v instanceof JsonbObject)) return formatJsonbValue(v);
    const inner = '    '.repeat(level + 1);
    const lines = isArray
      ? v.map((x) => inner + pretty(x, level + 1))
      : v.keys.map((k, i) => `${inner}${quoteJsonString(k)}: ${pretty(v.values[i]!, level + 1)}`);
    const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
    return `${open}\n${lines.join(',\n')}${lines.length > 0 ? '\n' : ''}${'    '.repeat(level)}${close}`;
  };
  return pretty(j.root, 0);
}

/** Equality of two JSON values (numbers by value: 1.0 = 1.00). */
export function jsonbValueEquals(a: JsonbValue, b: JsonbValue): boolean {
  if (a === b) return true;
  if (a instanceof Numeric) return b instanceof Numeric && numericCmp(a, b) === 0;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonbValueEquals(x, b[i]!));
  if (a instanceof JsonbObject) {
    return b instanceof JsonbObject && a.keys.length === b.keys.length && a.keys.every((k, i) => k === b.keys[i] && jsonbValueEquals(a.values[i]!, b.values[i]!));
  }
  return false;
}

function isScalar(v: JsonbValue): boolean {
  return !Array.isArray(v) && !(v instanceof JsonbObject);
}

/** JsonbDeepContains: does `a` contain `b`. */
function contains(a: JsonbValue, b: JsonbValue, top: boolean): boolean {
  if (a instanceof JsonbObject) {
    if (!(b instanceof JsonbObject)) return false;
    return b.keys.every((k, i) => {
      const x = a.get(k);
      if (x === undefined) return false;
      const y = b.values[i]!;
      return isScalar(y) ? jsonbValueEquals(x, y) : contains(x, y, false);
    });
  }
  if (Array.isArray(a)) {
    // A raw scalar on the right of a top-level array is an element to find.
    if (top && isScalar(b)) return a.some((x) => isScalar(x) && jsonbValueEquals(x, b));
    if (!Array.isArray(b)) return false;
    return b.every((y) => (isScalar(y) ? a.some((x) => isScalar(x) && jsonbValueEquals(x, y)) : a.some((x) => !isScalar(x) && contains(x, y, false))));
  }
  return isScalar(b) && jsonbValueEquals(a, b);
}

/** jbvType's order, which orders values of different types: null < string < number < boolean < array < object. */
function typeRank(v: JsonbValue): number {
  if (v === null) return 0;
  if (typeof v === 'string') return 1;
  if (v instanceof Numeric) return 2;
  if (typeof v === 'boolean') return 3;
  return Array.isArray(v) ? 16 : 17;
}

/** One token of JsonbIteratorNext's walk: a container's start (with its size) or end, a key, or a scalar. */
type Token =
  | { k: 'begin'; rank: 16 | 17; n: number; raw: boolean }
  | { k: 'end' }
  | { k: 'key'; key: string }
  | { k: 'scalar'; v: JsonbValue };

/** The tokens of `v`: a top-level scalar is a one-element "raw scalar" array, as jsonb stores it. */
function* tokens(v: JsonbValue, top: boolean): Generator<Token> {
  if (v instanceof JsonbObject) {
    yield { k: 'begin', rank: 17, n: v.keys.length, raw: false };
    for (let i = 0; i < v.keys.length; i++) {
      yield { k: 'key', key: v.keys[i]! };
      yield* tokens(v.values[i]!, false);
    }
    yield { k: 'end' };
  } else if (Array.isArray(v)) {
    yield { k: 'begin', rank: 16, n: v.length, raw: false };
    for (const x of v) yield* tokens(x, false);
    yield { k: 'end' };
  } else if (top) {
    yield { k: 'begin', rank: 16, n: 1, raw: true };
    yield { k: 'scalar', v };
    yield { k: 'end' };
  } else {
    yield { k: 'scalar', v };
  }
}

const tokenRank = (t: Token): number => (t.k === 'begin' ? t.rank : t.k === 'key' ? 1 : t.k === 'scalar' ? typeRank(t.v) : 0);

function scalarCmp(a: JsonbValue, b: JsonbValue): number {
  if (typeof a === 'string') return textOrder(a, b as string);
  if (a instanceof Numeric) return numericCmp(a, b as Numeric);
  if (typeof a === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return 0;
}

/**
 * jsonb's B-tree order (compareJsonbContainers, jsonb_util.c): both values walked token by
 * token. Values of different types order by type (null < string < number < boolean < array <
 * object); an object with more pairs is greater, then keys (in storage order: shorter first)
 * and values pair by pair; an array with more elements is greater, then element by element;
 * scalars as their types. A top-level scalar is a one-element raw-scalar array: it sorts before
 * any one-element array, and, as PostgreSQL's known anomaly, after an empty top-level array.
 */
export function jsonbCmp(a: Jsonb, b: Jsonb): number {
  const ia = tokens(a.root, true);
  const ib = tokens(b.root, true);
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done === true || y.done === true) return x.done === y.done ? 0 : x.done === true ? -1 : 1;
    const ta = x.value, tb = y.value;
    let res = 0;
    if (ta.k === tb.k) {
      if (ta.k === 'end') continue;
      if (ta.k === 'key') res = scalarCmp(ta.key, (tb as typeof ta).key);
      else if (ta.k === 'begin') {
        const ub = tb as typeof ta;
        if (ta.rank !== ub.rank) res = ta.rank > ub.rank ? 1 : -1;
        else {
          if (ta.raw !== ub.raw) res = ta.raw ? -1 : 1;
          if (ta.n !== ub.n) res = ta.n > ub.n ? 1 : -1;
        }
      } else {
        const ra = typeRank(ta.v), rb = typeRank((tb as typeof ta).v);
        res = ra !== rb ? (ra > rb ? 1 : -1) : scalarCmp(ta.v, (tb as typeof ta).v);
      }
    } else {
      res = tokenRank(ta) > tokenRank(tb) ? 1 : -1;
    }
    if (res !== 0) return res;
  }
}

/** `@>`. */
export function jsonbContains(a: Jsonb, b: Jsonb): boolean {
  return contains(a.root, b.root, true);
}

/** `?`: a top-level key, or a string element of a top-level array (or the string itself). */
export function jsonbExists(j: Jsonb, key: string): boolean {
  const v = j.root;
  if (v instanceof JsonbObject) return v.get(key) !== undefined;
  if (Array.isArray(v)) return v.some((x) => x === key);
  return v === key;
}

/** `||` (jsonb_concat): objects merge (right wins), arrays concatenate, scalars become elements. */
export function jsonbConcat(a: Jsonb, b: Jsonb): Jsonb {
  const x = a.root;
  const y = b.root;
  if (x instanceof JsonbObject && y instanceof JsonbObject) {
    const pairs: [string, JsonbValue][] = x.keys.map((k, i) => [k, x.values[i]!]);
    y.keys.forEach((k, i) => pairs.push([k, y.values[i]!]));
    return new Jsonb(makeObject(pairs));
  }
  const ax = Array.isArray(x) ? x : [x];
  const ay = Array.isArray(y) ? y : [y];
  return new Jsonb([...ax, ...ay]);
}

/**
 * `-` with a key: the object without that key, or the array without its string elements equal
 * to it. @throws PgError 22023 `cannot delete from scalar`.
 */
export function jsonbDeleteKey(j: Jsonb, key: string): Jsonb {
  const v = j.root;
  if (v instanceof JsonbObject) {
    const i = findKey(v.keys, key);
    if (i < 0) return j;
    return new Jsonb(new JsonbObject(v.keys.filter((_, k) => k !== i), v.values.filter((_, k) => k !== i)));
  }
  if (Array.isArray(v)) return new Jsonb(v.filter((x) => x !== key));
  throw new PgError(SQLSTATE.invalid_parameter_value, 'cannot delete from scalar');
}

/**
 * `-` with an index: the array without that element (negative from the end).
 * @throws PgError 22023 `cannot delete from scalar`, `cannot delete from object using integer index`.
 */
export function jsonbDeleteIndex(j: Jsonb, index: number): Jsonb {
  const v = j.root;
  if (v instanceof JsonbObject) throw new PgError(SQLSTATE.invalid_parameter_value, 'cannot delete from object using integer index');
  if (!Array.isArray(v)) throw new PgError(SQLSTATE.invalid_parameter_value, 'cannot delete from scalar');
  const i = index < 0 ? v.length + index : index;
  if (i < 0 || i >= v.length) return j;
  return new Jsonb(v.filter((_, k) => k !== i));
}

/**
 * jsonb_build_object(k1, v1, ...): keys as text, values already converted to JSON values.
 * @throws PgError 22023 `argument N: key must not be null`.
 */
export function jsonbBuildObject(keys: readonly (string | null)[], values: readonly JsonbValue[]): Jsonb {
  const pairs: [string, JsonbValue][] = [];
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (k === null || k === undefined) throw new PgError(SQLSTATE.invalid_parameter_value, `argument ${2 * i + 1}: key must not be null`);
    pairs.push([k, values[i]!]);
  }
  return new Jsonb(makeObject(pairs));
}
