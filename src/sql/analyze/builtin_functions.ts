/**
 * PostgreSQL's built-in string and math functions as overload sets (their pg_proc
 * signatures), resolved by overloads.ts like pgvector's: so `round(5)` is round(double
 * precision), `round(5.5)` round(numeric), `length('x')` length(text), and `abs(-2)` keeps
 * integer. Implementations live in types/text_funcs.ts and types/math_funcs.ts.
 */
import { seriesValues, type SeriesType, type SeriesValue } from '../../types/series.js';
import { timeZoneOrError, type TimeZone } from '../../types/timezone.js';
import type { Value } from '../../storage/table.js';
import { type SqlType, isArrayType } from './types.js';
import type { Overload } from './overloads.js';
import { PgError, SQLSTATE } from '../../common/errors.js';
import {
  pgLower, pgUpper, similarToEscape, substringSimilar, charLength, substr, left, right, strpos, replace, splitPart, trim, pad, repeat, reverse, md5, initcap,
  like, likeEscape, regexMatches, quoteIdent, quoteLiteral, chr, ascii, casefold, toBase32, toBase64, overlay, quoteNullable, unistr,
} from '../../types/text_funcs.js';
import {
  regexpMatch, regexpMatches, regexpReplace, regexpReplaceFlags, regexpSplit, regexpCount, regexpInstr, regexpSubstr, regexpLike,
} from '../../types/regexp_funcs.js';
import { stringToArray } from './array_ops.js';
import { parseIdent } from '../../types/parse_ident.js';
import { pgSizeBytes } from '../../types/size_bytes.js';
import {
  encodeBytea, decodeText, getByte, setByte, byteaOverlay, shaDigest, md5Bytea, crc32, crc32c, convertBytes, convertFrom, convertTo,
} from '../../types/bytea_funcs.js';
import {
  absInt, absInt8, modInt, modInt8, powerFloat8, sqrtFloat8, cbrtFloat8, expFloat8, lnFloat8, log10Float8, degrees, radians, sqrtNumeric, powerNumeric, lnNumeric, expNumeric, logNumeric,
  gcdInt, lcmInt, gcdNumeric, lcmNumeric, factorialNumeric, widthBucketFloat8, widthBucketNumeric, numericScale, numericMinScale, numericTrimScale,
} from '../../types/math_funcs.js';
import { Numeric, numericAbs } from '../../types/numeric.js';
import { PgArray, arraySubscripts } from '../../types/pgarray.js';
import * as trig from '../../types/trig_funcs.js';
import { checkInt2 } from '../../types/int.js';
import { type BitString, bitCount, bitGetBit, bitPosition, bitSetBit, bitSubstring } from '../../types/bit.js';

type Add = (name: string, o: Overload) => void;
type S = string;

/** log(numeric) and log10(numeric) are log(10, x) in pg_proc. */
const TEN = Numeric.fromInt(10);
const f1 = (args: SqlType[], result: SqlType, impl: (a: Value) => Value): Overload => ({ args, result, impl });
const f2 = (args: SqlType[], result: SqlType, impl: (a: Value, b: Value) => Value): Overload => ({ args, result, impl });
const fn = (args: SqlType[], result: SqlType, impl: (a: Value[]) => Value): Overload => ({ args, result, impl, nary: true });

/** The number of ones in a byte. */
function popcount8(x: number): number {
  let n = 0;
  for (let v = x; v !== 0; v &= v - 1) n++;
  return n;
}

/** Registers the string functions (varlena.c, oracle_compat.c, regexp.c). */
export function registerTextFunctions(add: Add): void {
  add('lower', f1(['text'], 'text', (a) => pgLower(a as S)));
  add('upper', f1(['text'], 'text', (a) => pgUpper(a as S)));
  add('initcap', f1(['text'], 'text', (a) => initcap(a as S)));
  for (const name of ['length', 'char_length', 'character_length']) add(name, f1(['text'], 'int4', (a) => charLength(a as S)));
  add('length', f1(['bytea'], 'int4', (a) => (a as Uint8Array).length));
  add('octet_length', f1(['text'], 'int4', (a) => Buffer.byteLength(a as S, 'utf8')));
  add('octet_length', f1(['bytea'], 'int4', (a) => (a as Uint8Array).length));
  for (const name of ['substr', 'substring']) {
    add(name, f2(['text', 'int4'], 'text', (a, b) => substr(a as S, b as number)));
    add(name, fn(['text', 'int4', 'int4'], 'text', (v) => substr(v[0] as S, v[1] as number, v[2] as number)));
  }
  // Bit strings (varbit.c); `bit varying` arguments take these through the implicit cast, as in PostgreSQL.
  type B = BitString;
  add('length', f1(['bit'], 'int4', (a) => (a as B).length));
  add('bit_length', f1(['bit'], 'int4', (a) => (a as B).length));
  add('bit_length', f1(['text'], 'int4', (a) => 8 * Buffer.byteLength(a as S, 'utf8')));
  add('bit_length', f1(['bytea'], 'int4', (a) => 8 * (a as Uint8Array).length));
  add('octet_length', f1(['bit'], 'int4', (a) => ((a as B).length + 7) >> 3));
  add('bit_count', f1(['bit'], 'int8', (a) => bitCount(a as B)));
  add('bit_count', f1(['bytea'], 'int8', (a) => (a as Uint8Array).reduce((n, x) => n + popcount8(x), 0)));
  add('get_bit', f2(['bit', 'int4'], 'int4', (a, b) => bitGetBit(a as B, b as number)));
  add('set_bit', fn(['bit', 'int4', 'int4'], 'bit', (v) => bitSetBit(v[0] as B, v[1] as number, v[2] as number)));
  // bytea's bits count from the least significant bit of each byte (byteaGetBit).
  add('get_bit', f2(['bytea', 'int8'], 'int4', (a, b) => {
    const bytes = a as Uint8Array;
    const n = Number(b);
    if (n < 0 || n >= bytes.length * 8) throw new PgError(SQLSTATE.array_subscript_error, `index ${n} out of valid range, 0..${bytes.length * 8 - 1}`);
    return (bytes[Math.floor(n / 8)]! >> (n % 8)) & 1;
  }));
  add('set_bit', fn(['bytea', 'int8', 'int4'], 'bytea', (v) => {
    const bytes = v[0] as Uint8Array;
    const n = Number(v[1]);
    const bit = v[2] as number;
    if (n < 0 || n >= bytes.length * 8) throw new PgError(SQLSTATE.array_subscript_error, `index ${n} out of valid range, 0..${bytes.length * 8 - 1}`);
    if (bit !== 0 && bit !== 1) throw new PgError(SQLSTATE.invalid_parameter_value, 'new bit must be 0 or 1');
    const out = new Uint8Array(bytes);
    const k = Math.floor(n / 8);
    out[k] = bit === 1 ? out[k]! | (1 << (n % 8)) : out[k]! & ~(1 << (n % 8));
    return out;
  }));
  // substring only: PostgreSQL has no substr(bit, ...).
  add('substring', f2(['bit', 'int4'], 'bit', (a, b) => bitSubstring(a as B, b as number, null)));
  add('substring', fn(['bit', 'int4', 'int4'], 'bit', (v) => bitSubstring(v[0] as B, v[1] as number, v[2] as number)));
  add('position', f2(['bit', 'bit'], 'int4', (a, b) => bitPosition(a as B, b as B)));
  // substring(text from pattern): the part the first parenthesized group (or the whole match) matched.
  add('substring', f2(['text', 'text'], 'text', (a, b) => {
    const m = regexpMatch(a as S, b as S, '');
    return m === null ? null : m[0] ?? null;
  }));
  // substring(text, text, text): the SIMILAR form (`substring(s similar p escape e)`), which
  // untyped arguments also resolve to, as in PostgreSQL (`substring('abc', '2', '3')` is NULL).
  add('substring', fn(['text', 'text', 'text'], 'text', (v) => substringSimilar(v[0] as S, v[1] as S, v[2] as S)));
  add('left', f2(['text', 'int4'], 'text', (a, b) => left(a as S, b as number)));
  add('right', f2(['text', 'int4'], 'text', (a, b) => right(a as S, b as number)));
  add('strpos', f2(['text', 'text'], 'int4', (a, b) => strpos(a as S, b as S)));
  // text_starts_with: a prefix test of the strings (the C collation's, which is deterministic).
  add('starts_with', f2(['text', 'text'], 'bool', (a, b) => (a as S).startsWith(b as S)));
  // translate(s, from, to): each character of `from` found in `s` becomes the character at
  // the same position of `to`, or is removed when `to` is shorter; the first occurrence of a
  // character in `from` wins (oracle_compat.c).
  add('translate', fn(['text', 'text', 'text'], 'text', (v) => translate(v[0] as S, v[1] as S, v[2] as S)));
  // position(sub IN s) arrives as position(s, sub).
  add('position', f2(['text', 'text'], 'int4', (a, b) => strpos(a as S, b as S)));
  add('replace', fn(['text', 'text', 'text'], 'text', (v) => replace(v[0] as S, v[1] as S, v[2] as S)));
  add('split_part', fn(['text', 'text', 'int4'], 'text', (v) => splitPart(v[0] as S, v[1] as S, v[2] as number)));
  const trims: [string, boolean, boolean][] = [['btrim', true, true], ['ltrim', true, false], ['rtrim', false, true]];
  for (const [name, l, r] of trims) {
    add(name, f1(['text'], 'text', (a) => trim(a as S, ' ', l, r)));
    add(name, f2(['text', 'text'], 'text', (a, b) => trim(a as S, b as S, l, r)));
  }
  for (const [name, onLeft] of [['lpad', true], ['rpad', false]] as const) {
    add(name, f2(['text', 'int4'], 'text', (a, b) => pad(a as S, b as number, ' ', onLeft)));
    add(name, fn(['text', 'int4', 'text'], 'text', (v) => pad(v[0] as S, v[1] as number, v[2] as S, onLeft)));
  }
  add('repeat', f2(['text', 'int4'], 'text', (a, b) => repeat(a as S, b as number)));
  add('reverse', f1(['text'], 'text', (a) => reverse(a as S)));
  add('chr', f1(['int4'], 'text', (a) => chr(a as number)));
  add('ascii', f1(['text'], 'int4', (a) => ascii(a as S)));
  add('md5', f1(['text'], 'text', (a) => md5(a as S)));
  // `x SIMILAR TO p [ESCAPE e]` arrives as `x ~ similar_to_escape(p [, e])`, as PostgreSQL's
  // grammar writes it; the call folds to the ARE when p and e are constants.
  add('similar_to_escape', f1(['text'], 'text', (a) => similarToEscape(a as S)));
  add('similar_to_escape', f2(['text', 'text'], 'text', (a, b) => similarToEscape(a as S, b as S)));
  add('quote_ident', f1(['text'], 'text', (a) => quoteIdent(a as S)));
  add('quote_literal', f1(['text'], 'text', (a) => quoteLiteral(a as S)));
  add('like_escape', f2(['text', 'text'], 'text', (a, b) => likeEscape(a as S, b as S)));
  add('textlike', f2(['text', 'text'], 'bool', (a, b) => like(a as S, b as S, false)));
  add('texticlike', f2(['text', 'text'], 'bool', (a, b) => like(a as S, b as S, true)));
  add('textregexeq', f2(['text', 'text'], 'bool', (a, b) => regexMatches(a as S, b as S, false)));
  add('texticregexeq', f2(['text', 'text'], 'bool', (a, b) => regexMatches(a as S, b as S, true)));
  const matchArray = (m: (string | null)[] | null): Value => (m === null ? null : new PgArray('text', [m.length], m));
  add('regexp_match', f2(['text', 'text'], 'text[]', (a, b) => matchArray(regexpMatch(a as S, b as S, ''))));
  add('regexp_match', fn(['text', 'text', 'text'], 'text[]', (v) => matchArray(regexpMatch(v[0] as S, v[1] as S, v[2] as S))));
  add('regexp_replace', fn(['text', 'text', 'text'], 'text', (v) => regexpReplace(v[0] as S, v[1] as S, v[2] as S)));
  add('regexp_replace', fn(['text', 'text', 'text', 'text'], 'text', (v) => regexpReplaceFlags(v[0] as S, v[1] as S, v[2] as S, v[3] as S)));
  // PostgreSQL 15's forms: a start position, then which match (0: all), then flags.
  type I = number;
  add('regexp_replace', fn(['text', 'text', 'text', 'int4'], 'text', (v) => regexpReplace(v[0] as S, v[1] as S, v[2] as S, '', v[3] as I)));
  add('regexp_replace', fn(['text', 'text', 'text', 'int4', 'int4'], 'text', (v) => regexpReplace(v[0] as S, v[1] as S, v[2] as S, '', v[3] as I, v[4] as I)));
  add('regexp_replace', fn(['text', 'text', 'text', 'int4', 'int4', 'text'], 'text', (v) => regexpReplace(v[0] as S, v[1] as S, v[2] as S, v[5] as S, v[3] as I, v[4] as I)));
  const splitArray = (v: Value[]): Value => {
    const parts = regexpSplit(v[0] as S, v[1] as S, (v[2] as S | undefined) ?? '', 'regexp_split_to_array()');
    return new PgArray('text', [parts.length], parts);
  };
  add('regexp_split_to_array', fn(['text', 'text'], 'text[]', splitArray));
  add('regexp_split_to_array', fn(['text', 'text', 'text'], 'text[]', splitArray));
  // regexp_count / regexp_instr / regexp_substr / regexp_like (PostgreSQL 15): each shorter
  // form is the longest one with its trailing parameters left at their defaults.
  const regexpForms = (name: string, params: SqlType[], result: SqlType, impl: (v: Value[]) => Value): void => {
    for (let n = 2; n <= params.length; n++) add(name, fn(params.slice(0, n), result, impl));
  };
  regexpForms('regexp_count', ['text', 'text', 'int4', 'text'], 'int4', (v) => regexpCount(v[0] as S, v[1] as S, v[2] as I | undefined, v[3] as S | undefined));
  regexpForms('regexp_instr', ['text', 'text', 'int4', 'int4', 'int4', 'text', 'int4'], 'int4', (v) =>
    regexpInstr(v[0] as S, v[1] as S, v[2] as I | undefined, v[3] as I | undefined, v[4] as I | undefined, v[5] as S | undefined, v[6] as I | undefined));
  regexpForms('regexp_substr', ['text', 'text', 'int4', 'int4', 'text', 'int4'], 'text', (v) =>
    regexpSubstr(v[0] as S, v[1] as S, v[2] as I | undefined, v[3] as I | undefined, v[4] as S | undefined, v[5] as I | undefined));
  regexpForms('regexp_like', ['text', 'text', 'text'], 'bool', (v) => regexpLike(v[0] as S, v[1] as S, v[2] as S | undefined));
  add('casefold', f1(['text'], 'text', (a) => casefold(a as S)));
  // to_hex, and PostgreSQL 16's to_oct and to_bin: the two's complement of a negative number.
  for (const [name, base] of [['to_hex', 16], ['to_oct', 8], ['to_bin', 2]] as const) {
    add(name, f1(['int4'], 'text', (a) => toBase32(a as I, base)));
    add(name, f1(['int8'], 'text', (a) => toBase64(a as bigint | number, base)));
  }
  // overlay(s PLACING r FROM start [FOR count]) arrives as overlay(s, r, start [, count]).
  add('overlay', fn(['text', 'text', 'int4'], 'text', (v) => overlay(v[0] as S, v[1] as S, v[2] as I)));
  add('overlay', fn(['text', 'text', 'int4', 'int4'], 'text', (v) => overlay(v[0] as S, v[1] as S, v[2] as I, v[3] as I)));
  // Not strict: NULL is quoted as the word NULL.
  add('quote_nullable', { ...fn(['text'], 'text', (v) => quoteNullable(v[0] as S | null)), strict: false });
  add('unistr', f1(['text'], 'text', (a) => unistr(a as S)));
  // parse_ident(str, strict DEFAULT true): named_args.ts has its parameter names.
  const identParts = (v: Value[]): Value => {
    const parts = parseIdent(v[0] as S, (v[1] as boolean | undefined) ?? true);
    return new PgArray('text', [parts.length], parts);
  };
  add('parse_ident', fn(['text'], 'text[]', identParts));
  add('parse_ident', fn(['text', 'bool'], 'text[]', identParts));
  // pg_size_bytes: pg_size_pretty's text read back (pg_size_pretty itself is in expr.ts).
  add('pg_size_bytes', f1(['text'], 'int8', (a) => pgSizeBytes(a as S)));
  registerByteaFunctions(add);
}

/**
 * The set-returning functions over text, by name: regexp_matches, regexp_split_to_table and
 * string_to_table. Each overload's `result` is the type of one row (its single column) and its
 * `impl` computes all the rows at once, as a one-dimensional PgArray whose elements are the
 * rows (for regexp_matches, text[] values). The analyzer wraps the call in a set-returning node
 * (select list) or a FunctionScan (FROM) that returns the elements one per row, as unnest does;
 * a strict call with a NULL argument yields no rows. string_to_table is string_to_array's rows
 * (varlena.c implements both with one split), regexp_split_to_table regexp_split_to_array's.
 */
export const TEXT_SRFS: ReadonlyMap<string, readonly Overload[]> = (() => {
  const rows = (r: readonly Value[]): PgArray => new PgArray('text', r.length === 0 ? [] : [r.length], r as PgArray['elems']);
  const matches = (v: Value[]): Value => {
    const found = regexpMatches(v[0] as S, v[1] as S, (v[2] as S | undefined) ?? '');
    return rows(found.map((m) => new PgArray('text', [m.length], m)));
  };
  const split = (v: Value[]): Value => rows(regexpSplit(v[0] as S, v[1] as S, (v[2] as S | undefined) ?? '', 'regexp_split_to_table()'));
  // Not strict in the delimiter or the null string (string_to_array's rules), strict in the string.
  const table = (v: Value[]): Value => (v[0] === null ? null : stringToArray(v[0] as S, v[1] as S | null, (v[2] ?? null) as S | null));
  // A Map, so that no name reaches Object.prototype's members (`constructor`).
  return new Map([
    ['regexp_matches', [fn(['text', 'text'], 'text[]', matches), fn(['text', 'text', 'text'], 'text[]', matches)]],
    ['regexp_split_to_table', [fn(['text', 'text'], 'text', split), fn(['text', 'text', 'text'], 'text', split)]],
    ['string_to_table', [{ ...fn(['text', 'text'], 'text', table), strict: false }, { ...fn(['text', 'text', 'text'], 'text', table), strict: false }]],
  ]);
})();

/**
 * Elements of a generate_series in the select list beyond which it is refused (0A000): the
 * select list collects a series before ProjectSet returns it row by row, where FROM streams it.
 */
export const SELECT_LIST_SERIES_MAX = 10_000_000;

/**
 * generate_series' overloads (int4, int8 and numeric with an optional step; timestamp and
 * timestamptz with an interval step; timestamptz with a time zone), each `result` the type of
 * its values. `impl` collects the series for the select list as a PgArray of its values (see
 * TEXT_SRFS); a FunctionScan in FROM streams it with types/series.ts instead.
 */
export const GENERATE_SERIES: readonly Overload[] = (() => {
  const collect = (type: SeriesType) => (v: Value[], ctx: { readonly zone: TimeZone }): Value => {
    const zone = v.length > 3 ? (v[3] === null ? null : timeZoneOrError(v[3] as string, ctx.zone)) : ctx.zone;
    const out: Value[] = [];
    if (zone !== null) {
      const a = v as SeriesValue[];
      for (const x of seriesValues(type, a[0]!, a[1]!, a[2], zone)) {
        if (out.length >= SELECT_LIST_SERIES_MAX) throw new PgError(SQLSTATE.feature_not_supported, `generate_series() of more than ${SELECT_LIST_SERIES_MAX} rows in the select list is not supported (in FROM it is)`);
        out.push(x);
      }
    }
    return new PgArray(type, out.length === 0 ? [] : [out.length], out as PgArray['elems']);
  };
  const o = (args: SqlType[], type: SeriesType): Overload => ({ args, result: type, impl: collect(type), nary: true, strict: false });
  return [
    o(['int4', 'int4'], 'int4'), o(['int4', 'int4', 'int4'], 'int4'),
    o(['int8', 'int8'], 'int8'), o(['int8', 'int8', 'int8'], 'int8'),
    o(['numeric', 'numeric'], 'numeric'), o(['numeric', 'numeric', 'numeric'], 'numeric'),
    o(['timestamp', 'timestamp', 'interval'], 'timestamp'),
    o(['timestamptz', 'timestamptz', 'interval'], 'timestamptz'),
    o(['timestamptz', 'timestamptz', 'interval', 'text'], 'timestamptz'),
  ];
})();

/**
 * generate_subscripts(anyarray, int4 [, bool])'s overloads, its polymorphic parameter taking
 * `arrayType` (the argument's own array type; exactly it, never an array cast to it). Each
 * `result` is int4, and `impl` computes the subscripts as one int4[] PgArray, as TEXT_SRFS'
 * do; strict, so a NULL argument yields no rows.
 */
export function generateSubscriptsOverloads(arrayType: SqlType): readonly Overload[] {
  const subscripts = (v: Value[]): Value => {
    const s = arraySubscripts(v[0] as PgArray, v[1] as number, (v[2] as boolean | undefined) ?? false);
    return new PgArray('int4', s.length === 0 ? [] : [s.length], s);
  };
  return [
    { ...fn([arrayType, 'int4'], 'int4', subscripts), exactArrays: true },
    { ...fn([arrayType, 'int4', 'bool'], 'int4', subscripts), exactArrays: true },
  ];
}

/**
 * The overloads of a set-returning function whose call computes all its rows as one array
 * (TEXT_SRFS, generate_subscripts) for arguments of types `args`; undefined for any other
 * name. generate_subscripts' array parameter takes the first argument's type when it is an
 * array (any array type otherwise, so that resolution fails or, for an untyped literal, matches
 * as PostgreSQL's anyarray does).
 */
export function wholeSetSrfOverloads(name: string, args: readonly SqlType[]): readonly Overload[] | undefined {
  if (name === 'generate_subscripts') return generateSubscriptsOverloads(args[0] !== undefined && isArrayType(args[0]) ? args[0] : 'int4[]');
  return TEXT_SRFS.get(name);
}

/**
 * Whether `name` is a set-returning function whose call computes all its rows as one array
 * (wholeSetSrfOverloads): a FunctionScan reads that array as unnest reads its argument.
 */
export function isWholeSetSrf(name: string): boolean {
  return name === 'generate_subscripts' || TEXT_SRFS.has(name);
}

/** Registers the functions over bytea (encode.c, varlena.c, cryptohashfuncs.c, mbutils.c). */
export function registerByteaFunctions(add: Add): void {
  type U = Uint8Array;
  add('encode', f2(['bytea', 'text'], 'text', (a, b) => encodeBytea(a as U, b as S)));
  add('decode', f2(['text', 'text'], 'bytea', (a, b) => decodeText(a as S, b as S)));
  for (const alg of ['sha224', 'sha256', 'sha384', 'sha512'] as const) add(alg, f1(['bytea'], 'bytea', (a) => shaDigest(alg, a as U)));
  add('md5', f1(['bytea'], 'text', (a) => md5Bytea(a as U)));
  add('crc32', f1(['bytea'], 'int8', (a) => crc32(a as U)));
  add('crc32c', f1(['bytea'], 'int8', (a) => crc32c(a as U)));
  add('get_byte', f2(['bytea', 'int4'], 'int4', (a, b) => getByte(a as U, b as number)));
  add('set_byte', fn(['bytea', 'int4', 'int4'], 'bytea', (v) => setByte(v[0] as U, v[1] as number, v[2] as number)));
  add('overlay', fn(['bytea', 'bytea', 'int4'], 'bytea', (v) => byteaOverlay(v[0] as U, v[1] as U, v[2] as number)));
  add('overlay', fn(['bytea', 'bytea', 'int4', 'int4'], 'bytea', (v) => byteaOverlay(v[0] as U, v[1] as U, v[2] as number, v[3] as number)));
  // The encoding names are of type name; text reaches them by its implicit cast.
  add('convert_from', f2(['bytea', 'text'], 'text', (a, b) => convertFrom(a as U, b as S)));
  add('convert_to', f2(['text', 'text'], 'bytea', (a, b) => convertTo(a as S, b as S)));
  add('convert', fn(['bytea', 'text', 'text'], 'bytea', (v) => convertBytes(v[0] as U, v[1] as S, v[2] as S)));
}

/** The operators over text that these functions implement (textlike, texticregexeq, ...). */
export const TEXT_MATCH_OPERATORS: Record<string, { fn: (a: string, b: string) => boolean; negate: boolean }> = {
  '~~': { fn: (a, b) => like(a, b, false), negate: false },
  '!~~': { fn: (a, b) => like(a, b, false), negate: true },
  '~~*': { fn: (a, b) => like(a, b, true), negate: false },
  '!~~*': { fn: (a, b) => like(a, b, true), negate: true },
  '~': { fn: (a, b) => regexMatches(a, b, false), negate: false },
  '!~': { fn: (a, b) => regexMatches(a, b, false), negate: true },
  '~*': { fn: (a, b) => regexMatches(a, b, true), negate: false },
  '!~*': { fn: (a, b) => regexMatches(a, b, true), negate: true },
  // text ^@ text: starts_with.
  '^@': { fn: (a, b) => a.startsWith(b), negate: false },
};

/** PostgreSQL's translate(string, from, to), by code point. */
function translate(s: string, from: string, to: string): string {
  const f = Array.from(from);
  const t = Array.from(to);
  let out = '';
  for (const ch of s) {
    const i = f.indexOf(ch);
    if (i < 0) out += ch;
    else if (i < t.length) out += t[i]!;
  }
  return out;
}

type N = Numeric;

/** Registers the math functions (float.c, int.c, int8.c, numeric.c). */
export function registerMathFunctions(add: Add): void {
  add('abs', f1(['int2'], 'int2', (a) => absInt(a as number, 'int2')));
  add('abs', f1(['int4'], 'int4', (a) => absInt(a as number, 'int4')));
  add('abs', f1(['int8'], 'int8', (a) => absInt8(a as bigint)));
  add('abs', f1(['float4'], 'float4', (a) => Math.abs(a as number)));
  add('abs', f1(['float8'], 'float8', (a) => Math.abs(a as number)));
  add('abs', f1(['numeric'], 'numeric', (a) => numericAbs(a as N)));
  add('mod', f2(['int2', 'int2'], 'int2', (a, b) => checkInt2(modInt(a as number, b as number))));
  add('mod', f2(['int4', 'int4'], 'int4', (a, b) => modInt(a as number, b as number)));
  add('mod', f2(['int8', 'int8'], 'int8', (a, b) => modInt8(a as bigint, b as bigint)));
  for (const name of ['power', 'pow']) {
    add(name, f2(['float8', 'float8'], 'float8', (a, b) => powerFloat8(a as number, b as number)));
    add(name, f2(['numeric', 'numeric'], 'numeric', (a, b) => powerNumeric(a as N, b as N)));
  }
  add('sqrt', f1(['float8'], 'float8', (a) => sqrtFloat8(a as number)));
  add('sqrt', f1(['numeric'], 'numeric', (a) => sqrtNumeric(a as N)));
  add('cbrt', f1(['float8'], 'float8', (a) => cbrtFloat8(a as number)));
  add('exp', f1(['float8'], 'float8', (a) => expFloat8(a as number)));
  add('exp', f1(['numeric'], 'numeric', (a) => expNumeric(a as N)));
  add('ln', f1(['float8'], 'float8', (a) => lnFloat8(a as number)));
  add('ln', f1(['numeric'], 'numeric', (a) => lnNumeric(a as N)));
  for (const name of ['log', 'log10']) {
    add(name, f1(['float8'], 'float8', (a) => log10Float8(a as number)));
    add(name, f1(['numeric'], 'numeric', (a) => logNumeric(TEN, a as N)));
  }
  add('log', f2(['numeric', 'numeric'], 'numeric', (a, b) => logNumeric(a as N, b as N)));
  // gcd / lcm over integer, bigint and numeric; smallint arguments fit both integer forms, so
  // PostgreSQL (and the resolver) call them ambiguous.
  for (const t of ['int4', 'int8'] as const) {
    add('gcd', f2([t, t], t, (a, b) => gcdInt(a as number | bigint, b as number | bigint, t)));
    add('lcm', f2([t, t], t, (a, b) => lcmInt(a as number | bigint, b as number | bigint, t)));
  }
  add('gcd', f2(['numeric', 'numeric'], 'numeric', (a, b) => gcdNumeric(a as N, b as N)));
  add('lcm', f2(['numeric', 'numeric'], 'numeric', (a, b) => lcmNumeric(a as N, b as N)));
  add('factorial', f1(['int8'], 'numeric', (a) => factorialNumeric(a as number | bigint)));
  add('width_bucket', fn(['float8', 'float8', 'float8', 'int4'], 'int4', (v) => widthBucketFloat8(v[0] as number, v[1] as number, v[2] as number, v[3] as number)));
  add('width_bucket', fn(['numeric', 'numeric', 'numeric', 'int4'], 'int4', (v) => widthBucketNumeric(v[0] as N, v[1] as N, v[2] as N, v[3] as number)));
  add('scale', f1(['numeric'], 'int4', (a) => numericScale(a as N)));
  add('min_scale', f1(['numeric'], 'int4', (a) => numericMinScale(a as N)));
  add('trim_scale', f1(['numeric'], 'numeric', (a) => numericTrimScale(a as N)));
  add('degrees', f1(['float8'], 'float8', (a) => degrees(a as number)));
  add('radians', f1(['float8'], 'float8', (a) => radians(a as number)));
  add('pi', fn([], 'float8', () => Math.PI));
  // Trigonometric and hyperbolic functions (float.c): float8 only, as PostgreSQL has them.
  const trig1: [string, (x: number) => number][] = [
    ['sin', trig.sinFloat8], ['cos', trig.cosFloat8], ['tan', trig.tanFloat8], ['cot', trig.cotFloat8],
    ['asin', trig.asinFloat8], ['acos', trig.acosFloat8], ['atan', trig.atanFloat8],
    ['sind', trig.sindFloat8], ['cosd', trig.cosdFloat8], ['tand', trig.tandFloat8], ['cotd', trig.cotdFloat8],
    ['asind', trig.asindFloat8], ['acosd', trig.acosdFloat8], ['atand', trig.atandFloat8],
    ['sinh', trig.sinhFloat8], ['cosh', trig.coshFloat8], ['tanh', trig.tanhFloat8],
    ['asinh', trig.asinhFloat8], ['acosh', trig.acoshFloat8], ['atanh', trig.atanhFloat8],
  ];
  for (const [name, impl] of trig1) add(name, f1(['float8'], 'float8', (a) => impl(a as number)));
  add('atan2', f2(['float8', 'float8'], 'float8', (a, b) => trig.atan2Float8(a as number, b as number)));
  add('atan2d', f2(['float8', 'float8'], 'float8', (a, b) => trig.atan2dFloat8(a as number, b as number)));
}
