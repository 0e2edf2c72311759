/**
 * PostgreSQL's regular-expression functions that find matches (regexp.c): regexp_match,
 * regexp_matches, regexp_split_to_array / _to_table, and PostgreSQL 15's regexp_count,
 * regexp_instr, regexp_like and regexp_substr. The patterns are translated by text_funcs.ts
 * compileRegex, asked for the match's extent (`spans`), so a pattern whose ARE match could
 * differ from JavaScript's fails with 0A000; this module only walks the matches as regexp.c's
 * setup_regexp_matches does.
 *
 * Positions are counted in characters (code points), as PostgreSQL counts them in a UTF8
 * database; internally the walk uses JavaScript string offsets and converts at the edges.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { compileRegex, parseRegexFlags, type RegexOptions } from './text_funcs.js';

/**
 * A global, index-reporting (`d`) copy of the translated pattern. A fresh RegExp per walk,
 * since a walk moves its lastIndex; the translation itself is compileRegex's (cached there).
 */
function walker(pattern: string, opts: RegexOptions): RegExp {
  const re = compileRegex(pattern, { ...opts, global: false }, true);
  return new RegExp(re.source, `${re.flags}gd`);
}

/**
 * setup_regexp_matches: the matches of `pattern` in `s`, searching from JavaScript offset
 * `from`; every match when `global`, else the first. A zero-length match moves the next
 * search one character on. With `ignoreDegenerate` (the split functions), a zero-length
 * match at the end of the string or right where the previous match ended is skipped.
 * `limit`: stop after that many matches (regexp_replace's n-th match needs no more).
 */
function findMatches(s: string, pattern: string, opts: RegexOptions, from: number, global: boolean, ignoreDegenerate: boolean, limit = Infinity): RegExpExecArray[] {
  const re = walker(pattern, opts);
  const out: RegExpExecArray[] = [];
  let prevEnd = 0;
  let start = from;
  while (start <= s.length) {
    re.lastIndex = start;
    const m = re.exec(s);
    if (m === null) break;
    const so = m.index;
    const eo = so + m[0].length;
    if (!ignoreDegenerate || (so < s.length && eo > prevEnd)) out.push(m);
    prevEnd = eo;
    if (!global || out.length >= limit) break;
    start = eo;
    if (so === eo) start += eo < s.length && s.codePointAt(eo)! > 0xffff ? 2 : 1;
  }
  return out;
}

/** The JavaScript offset of character `n` (0-based) of `s`; past the end when `s` is shorter. */
function offsetOfChar(s: string, n: number): number {
  let i = 0;
  for (let k = 0; k < n; k++) {
    if (i >= s.length) return s.length + 1;
    i += s.codePointAt(i)! > 0xffff ? 2 : 1;
  }
  return i;
}

/** The character count of `s` before JavaScript offset `i`. */
function charsBefore(s: string, i: number): number {
  let n = 0;
  for (let k = 0; k < i; k++) {
    const c = s.charCodeAt(k);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

/** A match's captured groups (NULL for a group that took no part), or the whole match when the pattern has none. */
function matchGroups(m: RegExpExecArray): (string | null)[] {
  if (m.length === 1) return [m[0]];
  return m.slice(1).map((g) => g ?? null);
}

function noGlobal(fn: string, hint?: string): PgError {
  return new PgError(SQLSTATE.invalid_parameter_value, `${fn} does not support the "global" option`, hint === undefined ? {} : { hint });
}

/** Flags of a function that finds every match anyway and refuses `g` (parse_re_flags, then the glob check). */
function flagsWithoutGlobal(flags: string, fn: string, hint?: string): RegexOptions {
  const o = parseRegexFlags(flags, true);
  if (o.global) throw noGlobal(fn, hint);
  return o;
}

function invalidParameter(name: string, value: number): PgError {
  return new PgError(SQLSTATE.invalid_parameter_value, `invalid value for parameter "${name}": ${value}`);
}

/**
 * regexp_match(text, pattern [, flags]): the first match's capture groups (the whole match
 * when the pattern has none), null when there is no match; an unmatched group is NULL.
 * @throws PgError 22023 for the `g` flag (regexp_match has no global form) or an unknown
 *   flag; 2201B for an invalid pattern;
 *   0A000 for one whose match could differ from PostgreSQL's (compileRegex `spans`).
 */
export function regexpMatch(s: string, pattern: string, flags: string): (string | null)[] | null {
  const o = flagsWithoutGlobal(flags, 'regexp_match()', 'Use the regexp_matches function instead.');
  const m = findMatches(s, pattern, o, 0, false, false);
  return m.length === 0 ? null : matchGroups(m[0]!);
}

/**
 * regexp_matches(text, pattern [, flags]) (a set-returning function): one row per match with
 * `g`, else at most one; each row the match's capture groups (the whole match when the
 * pattern has none), an unmatched group NULL.
 * @throws PgError 22023 for an unknown flag; 2201B for an invalid pattern;
 *   0A000 for one whose match could differ from PostgreSQL's (compileRegex `spans`).
 */
export function regexpMatches(s: string, pattern: string, flags: string): (string | null)[][] {
  const o = parseRegexFlags(flags, true);
  return findMatches(s, pattern, o, 0, o.global, false).map(matchGroups);
}

/**
 * regexp_split_to_array / regexp_split_to_table(text, pattern [, flags]): the pieces of `s`
 * between matches of `pattern`; zero-length matches at the start or end of `s` or right
 * after a previous match do not split (so an empty pattern splits into characters).
 * @throws PgError 22023 `regexp_split_to_array() does not support the "global" option`
 *   (`fn` names the function), or for an unknown flag; 2201B for an invalid pattern;
 *   0A000 for one whose match could differ from PostgreSQL's (compileRegex `spans`).
 */
export function regexpSplit(s: string, pattern: string, flags: string, fn: string): string[] {
  const o = flagsWithoutGlobal(flags, fn);
  const pieces: string[] = [];
  let prev = 0;
  for (const m of findMatches(s, pattern, o, 0, true, true)) {
    pieces.push(s.slice(prev, m.index));
    prev = m.index + m[0].length;
  }
  pieces.push(s.slice(prev));
  return pieces;
}

/**
 * regexp_count(text, pattern [, start [, flags]]) (PostgreSQL 15): the number of matches,
 * searching from character `start` (1-based).
 * @throws PgError 22023 `invalid value for parameter "start": n` for start < 1, `regexp_count()
 *   does not support the "global" option`, or an unknown flag; 2201B for an invalid pattern;
 *   0A000 for one whose match could differ from PostgreSQL's (compileRegex `spans`).
 */
export function regexpCount(s: string, pattern: string, start = 1, flags = ''): number {
  if (start <= 0) throw invalidParameter('start', start);
  const o = flagsWithoutGlobal(flags, 'regexp_count()');
  return findMatches(s, pattern, o, offsetOfChar(s, start - 1), true, false).length;
}

/**
 * regexp_like(text, pattern [, flags]) (PostgreSQL 15): whether the pattern matches.
 * @throws PgError 22023 `regexp_like() does not support the "global" option` or an unknown
 *   flag; 2201B for an invalid pattern;
 *   0A000 for one whose match could differ from PostgreSQL's (compileRegex `spans`).
 */
export function regexpLike(s: string, pattern: string, flags = ''): boolean {
  const o = flagsWithoutGlobal(flags, 'regexp_like()');
  // Only whether there is a match: every pattern translates faithfully for that.
  return compileRegex(pattern, { ...o, global: false }).test(s);
}

/**
 * The span (JavaScript offsets) regexp_instr / regexp_substr report: of match `n` (1-based)
 * searching from character `start`, of its capture group `subexpr` (0: the whole match; a
 * pattern without groups counts the whole match as group 1). Null when there are fewer
 * matches or groups, or the group took no part in the match.
 */
function matchSpan(s: string, pattern: string, start: number, n: number, o: RegexOptions, subexpr: number): [number, number] | null {
  const matches = findMatches(s, pattern, o, offsetOfChar(s, start - 1), true, false, n);
  const m = matches[n - 1];
  if (m === undefined) return null;
  const groups = m.length === 1 ? 1 : m.length - 1;
  if (subexpr > groups) return null;
  const span = subexpr === 0 || m.length === 1 ? m.indices![0] : m.indices![subexpr];
  return span === undefined ? null : [span[0], span[1]];
}

/**
 * regexp_instr(text, pattern [, start [, n [, endoption [, flags [, subexpr]]]]])
 * (PostgreSQL 15): the character position (1-based) where the n-th match (or its capture
 * group `subexpr`) begins, or just after where it ends when endoption is 1; 0 when there is
 * no such match or group.
 * @throws PgError 22023 `invalid value for parameter "start" | "n" | "endoption" | "subexpr"`,
 *   `regexp_instr() does not support the "global" option`, or an unknown flag; 2201B for an
 *   invalid pattern.
 */
export function regexpInstr(s: string, pattern: string, start = 1, n = 1, endoption = 0, flags = '', subexpr = 0): number {
  if (start <= 0) throw invalidParameter('start', start);
  if (n <= 0) throw invalidParameter('n', n);
  if (endoption !== 0 && endoption !== 1) throw invalidParameter('endoption', endoption);
  if (subexpr < 0) throw invalidParameter('subexpr', subexpr);
  const o = flagsWithoutGlobal(flags, 'regexp_instr()');
  const span = matchSpan(s, pattern, start, n, o, subexpr);
  return span === null ? 0 : charsBefore(s, span[endoption]!) + 1;
}

/**
 * regexp_substr(text, pattern [, start [, n [, flags [, subexpr]]]]) (PostgreSQL 15): the
 * text of the n-th match (or its capture group `subexpr`), NULL when there is none.
 * @throws PgError 22023 `invalid value for parameter "start" | "n" | "subexpr"`,
 *   `regexp_substr() does not support the "global" option`, or an unknown flag; 2201B for an
 *   invalid pattern.
 */
export function regexpSubstr(s: string, pattern: string, start = 1, n = 1, flags = '', subexpr = 0): string | null {
  if (start <= 0) throw invalidParameter('start', start);
  if (n <= 0) throw invalidParameter('n', n);
  if (subexpr < 0) throw invalidParameter('subexpr', subexpr);
  const o = flagsWithoutGlobal(flags, 'regexp_substr()');
  const span = matchSpan(s, pattern, start, n, o, subexpr);
  return span === null ? null : s.slice(span[0], span[1]);
}

/**
 * The replacement text for one match (regexp.c appendStringInfoRegexpSubstr): `\1`..`\9`
 * insert a capture group (nothing for a group the pattern lacks or that took no part), `\&`
 * the whole match and `\\` a backslash; any other backslash is copied.
 */
function expandReplacement(replacement: string, m: RegExpExecArray): string {
  if (!replacement.includes('\\')) return replacement;
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c !== '\\' || i + 1 >= replacement.length) {
      out += c;
      continue;
    }
    const d = replacement[i + 1]!;
    if (d >= '1' && d <= '9') {
      out += m[Number(d)] ?? '';
      i++;
    } else if (d === '&') {
      out += m[0];
      i++;
    } else if (d === '\\') {
      out += '\\';
      i++;
    } else out += c;
  }
  return out;
}

/**
 * regexp_replace(text, pattern, replacement [, start [, n]] [, flags]) (regexp.c
 * textregexreplace / textregexreplace_extended, replace_text_regexp): matches searched from
 * character `start` (1-based); the n-th one replaced, or every one when n is 0. Without `n`
 * the `g` flag means every match and its absence the first; with `n`, `g` is ignored.
 * @throws PgError 22023 `invalid value for parameter "start": n` for start < 1, `"n"` for
 *   n < 0, or an unknown flag; 2201B for an invalid pattern;
 *   0A000 for one whose match could differ from PostgreSQL's (compileRegex `spans`).
 */
export function regexpReplace(s: string, pattern: string, replacement: string, flags = '', start = 1, n?: number): string {
  if (start <= 0) throw invalidParameter('start', start);
  if (n !== undefined && n < 0) throw invalidParameter('n', n);
  const o = parseRegexFlags(flags, true);
  const nth = n ?? (o.global ? 0 : 1);
  const matches = findMatches(s, pattern, o, offsetOfChar(s, start - 1), true, false, nth === 0 ? Infinity : nth);
  const chosen = nth === 0 ? matches : matches.slice(nth - 1, nth);
  let out = '';
  let prev = 0;
  for (const m of chosen) {
    out += s.slice(prev, m.index) + expandReplacement(replacement, m);
    prev = m.index + m[0].length;
  }
  return out + s.slice(prev);
}

/**
 * regexp_replace(text, pattern, replacement, flags) (textregexreplace): as
 * {@link regexpReplace}, but flags starting with a digit fail with a hint, since an untyped
 * start position written as a literal resolves to this form.
 * @throws PgError 22023 `invalid regular expression option: "1"` with PostgreSQL's hint.
 */
export function regexpReplaceFlags(s: string, pattern: string, replacement: string, flags: string): string {
  if (flags[0] !== undefined && flags[0] >= '0' && flags[0] <= '9') {
    throw new PgError(SQLSTATE.invalid_parameter_value, `invalid regular expression option: "${flags[0]}"`, {
      hint: 'If you meant to use regexp_replace() with a start parameter, cast the fourth argument to integer explicitly.',
    });
  }
  return regexpReplace(s, pattern, replacement, flags);
}
