/**
 * The order of text under the C collation, vecgres' only collation (PostgreSQL's varstr_cmp
 * with collation "C": memcmp of the UTF-8 bytes, a prefix first), computed on JavaScript's
 * UTF-16 strings without encoding them.
 *
 * UTF-8 bytes order as code points do. UTF-16 code units order as code points too, except
 * that a surrogate (half of a code point above U+FFFF) is below U+E000..U+FFFF as a unit and
 * above them as a code point: `'Ａ' < '😀'` is false in JavaScript and true in PostgreSQL.
 */

/** A UTF-16 surrogate: the only code units that order otherwise than their code points. */
const SURROGATE = /[\ud800-\udfff]/;

/**
 * True when `s` holds a character above U+FFFF (a surrogate pair): only then can JavaScript's
 * `<` order it otherwise than the C collation does.
 */
export function hasSurrogate(s: string): boolean {
  return SURROGATE.test(s);
}

/**
 * Code unit `c` moved so that units order as the code points they belong to: surrogates go
 * after U+E000..U+FFFF.
 */
function codePointRank(c: number): number {
  return c < 0xd800 ? c : c >= 0xe000 ? c - 0x800 : c + 0x2000;
}

/**
 * Negative, zero or positive as `a` sorts before, with or after `b` in the C collation
 * (bytewise UTF-8). Both are strings of any length; allocates nothing.
 */
export function textOrder(a: string, b: string): number {
  if (a === b) return 0;
  // Without a surrogate on either side, UTF-16 units are code points, and JavaScript's own
  // comparison (native; the test is immediate on a one-byte string, which cannot hold one)
  // is the answer. The loop below costs about 6 times as much over a long common prefix.
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : 1;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length < b.length ? -1 : 1;
  const x = a.charCodeAt(i);
  const y = b.charCodeAt(i);
  if (x < 0xd800 && y < 0xd800) return x < y ? -1 : 1;
  return codePointRank(x) < codePointRank(y) ? -1 : 1;
}

/** UTF-8 byte length of a JS string (lone surrogates count as U+FFFD, 3 bytes, as TextEncoder). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}
