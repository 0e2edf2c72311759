/**
 * Array text I/O (PostgreSQL's array_in / array_out, src/backend/utils/adt/arrayfuncs.c) for
 * the array values vecgres handles: `'{1,2,3}'::real[]`, `'{{1,2},{3,4}}'`, quoted elements
 * (`{"[1,2]","[3,4]"}` for vector[]), NULL elements. Lower bounds other than 1
 * (`'[0:1]={1,2}'`) are not supported.
 */
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import { PgArray, type ArrayElement } from '../../types/pgarray.js';

function malformed(text: string, detail: string): PgError {
  return new PgError(SQLSTATE.invalid_text_representation, `malformed array literal: "${text}"`, { detail });
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';

/**
 * array_in: parses `text` into a {@link PgArray} of `elemType`, each element's text converted
 * by `parseElem` (the element type's input function).
 * @throws PgError 22P02 `malformed array literal: "<text>"` with PostgreSQL's DETAIL; whatever
 *   `parseElem` throws; 0A000 for explicit dimension bounds.
 */
export function parseArrayLiteral(text: string, _typeName: string, parseElem: (t: string) => ArrayElement, elemType: string): PgArray {
  let p = 0;
  while (p < text.length && isSpace(text[p]!)) p++;
  if (text[p] === '[') {
    if (/^\s*(\[\s*[+-]?\d+\s*(:\s*[+-]?\d+\s*)?\])+\s*=/.test(text)) throw pgErr.featureNotSupported('array dimension decorations');
    throw malformed(text, 'Missing "]" after array dimensions.');
  }
  if (text[p] !== '{') throw malformed(text, 'Array value must start with "{" or dimension information.');
  const elems: ArrayElement[] = [];
  // Sizes seen per nesting level; -1 until the first sub-array at that level closes.
  const dims: number[] = [];
  const counts: number[] = [];
  let depth = 0;
  let maxDepth = -1;
  let expectElem = true;
  for (; p < text.length; ) {
    const c = text[p]!;
    if (isSpace(c)) {
      p++;
      continue;
    }
    if (c === '{') {
      if (!expectElem) throw malformed(text, 'Unexpected "{" character.');
      // Elements fixed the number of dimensions; a deeper level cannot follow them.
      if (maxDepth >= 0 && depth >= maxDepth) throw malformed(text, 'Multidimensional arrays must have sub-arrays with matching dimensions.');
      depth++;
      counts[depth - 1] = 0;
      p++;
      continue;
    }
    if (c === '}') {
      if (depth === 0) throw malformed(text, 'Unexpected "}" character.');
      if (maxDepth < 0) maxDepth = depth;
      const n = counts[depth - 1]!;
      if (expectElem && n > 0) throw malformed(text, 'Unexpected "}" character.');
      if (dims[depth - 1] === undefined) dims[depth - 1] = n;
      else if (dims[depth - 1] !== n) throw malformed(text, 'Multidimensional arrays must have sub-arrays with matching dimensions.');
      depth--;
      p++;
      if (depth === 0) break;
      counts[depth - 1]!++;
      expectElem = false;
      continue;
    }
    if (c === ',') {
      if (expectElem || depth === 0) throw malformed(text, 'Unexpected "," character.');
      expectElem = true;
      p++;
      continue;
    }
    // An element: quoted or bare (trailing whitespace trimmed), backslash escapes in both.
    let s = '';
    let quoted = false;
    let escaped = false;
    if (c === '"') {
      quoted = true;
      p++;
      for (;;) {
        if (p >= text.length) throw malformed(text, 'Unexpected end of input.');
        const d = text[p]!;
        if (d === '\\') {
          if (p + 1 >= text.length) throw malformed(text, 'Unexpected end of input.');
          s += text[p + 1]!;
          p += 2;
          continue;
        }
        if (d === '"') {
          p++;
          break;
        }
        s += d;
        p++;
      }
      // Only white space may come between the closing quote and the next token (ReadArrayToken).
      while (p < text.length && isSpace(text[p]!)) p++;
      if (p >= text.length) throw malformed(text, 'Unexpected end of input.');
      const next = text[p]!;
      if (next !== ',' && next !== '}' && next !== '{') throw malformed(text, 'Incorrectly quoted array element.');
    } else {
      let trailing = '';
      while (p < text.length) {
        const d = text[p]!;
        if (d === ',' || d === '}') break;
        // A token error comes before the element's conversion, as ReadArrayToken reads it first.
        if (d === '{') throw malformed(text, 'Unexpected "{" character.');
        if (d === '"') throw malformed(text, 'Incorrectly quoted array element.');
        if (d === '\\') {
          if (p + 1 >= text.length) throw malformed(text, 'Unexpected end of input.');
          s += trailing + text[p + 1]!;
          trailing = '';
          escaped = true;
          p += 2;
          continue;
        }
        if (isSpace(d)) trailing += d;
        else {
          s += trailing + d;
          trailing = '';
        }
        p++;
      }
      if (p >= text.length) throw malformed(text, 'Unexpected end of input.');
    }
    // The token is read first (its own errors come first), then placed, then converted, before
    // later syntax errors, as array_in's ReadArrayStr does.
    if (!expectElem) throw malformed(text, `Unexpected array element.`);
    // Only a bare NULL is the null element: `"NULL"` and `\NULL` are the string.
    elems.push(!quoted && !escaped && s.toUpperCase() === 'NULL' ? null : parseElem(s));
    if (maxDepth >= 0 && depth !== maxDepth) throw malformed(text, 'Multidimensional arrays must have sub-arrays with matching dimensions.');
    counts[depth - 1]!++;
    expectElem = false;
    if (maxDepth < 0) maxDepth = depth;
  }
  if (depth !== 0) throw malformed(text, 'Unexpected end of input.');
  // The loop stopped just past the outermost "}".
  for (; p < text.length; p++) if (!isSpace(text[p]!)) throw malformed(text, 'Junk after closing right brace.');
  const outDims = elems.length === 0 ? [] : dims.slice(0, maxDepth);
  return new PgArray(elemType, outDims, elems);
}

/** array_out's quoting rule: empty, NULL, or containing a delimiter, brace, quote, backslash or space. */
function needsQuotes(s: string): boolean {
  if (s.length === 0 || s.toUpperCase() === 'NULL') return true;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '{' || c === '}' || c === ',' || c === '"' || c === '\\' || isSpace(c)) return true;
  }
  return false;
}

/** array_out: `{1,2}`, `{{1,2},{3,4}}`, `{"[1,2]",NULL}`; `{}` for an empty array. */
export function formatArray(a: PgArray, formatElem: (v: ArrayElement) => string): string {
  if (a.elems.length === 0) return '{}';
  let i = 0;
  const level = (d: number): string => {
    const n = a.dims[d]!;
    const parts: string[] = new Array(n);
    for (let k = 0; k < n; k++) {
      if (d + 1 < a.dims.length) {
        parts[k] = level(d + 1);
        continue;
      }
      const v = a.elems[i++]!;
      if (v === null) parts[k] = 'NULL';
      else {
        const s = formatElem(v);
        parts[k] = needsQuotes(s) ? `"${s.replace(/[\\"]/g, (m) => '\\' + m)}"` : s;
      }
    }
    return `{${parts.join(',')}}`;
  };
  return level(0);
}
