/**
 * json values read as their source text, as PostgreSQL's json functions read them
 * (jsonfuncs.c over json, not jsonb): a json datum is the text it was written as, so a
 * sub-value is the exact span of the document that spells it (spacing inside kept, the
 * spacing around it dropped), keys keep their written order and duplicates, and a lookup of
 * a duplicated key finds the last one in the document.
 *
 * The text was validated when it became a json value, so scanning it needs no grammar
 * checks: a bracket count finds each item's end. This module serves the set-returning
 * functions (json_srf.ts) and the operators and scalar functions alike.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { checkJsonStrings, jsonStringValue, jsonbPathIndex, quoteJsonString } from './jsonb.js';

/** One member of an array or object. */
export interface JsonItem {
  /** The key (de-escaped) for an object member. */
  key?: string;
  /** The item's source text. */
  text: string;
}

/** The top-level items of a document. */
export interface JsonTopLevel {
  kind: 'array' | 'object' | 'scalar';
  items: JsonItem[];
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  return i;
}

/** The end of the string literal starting at `i` (the index after its closing quote). */
function stringEnd(s: string, i: number): number {
  for (i++; s[i] !== '"'; i++) if (s[i] === '\\') i++;
  return i + 1;
}

/** The end of the value starting at `i`. */
function valueEnd(s: string, i: number): number {
  const c = s[i];
  if (c === '"') return stringEnd(s, i);
  if (c === '[' || c === '{') {
    let depth = 0;
    for (;;) {
      const ch = s[i];
      if (ch === '"') {
        i = stringEnd(s, i);
        continue;
      }
      if (ch === '[' || ch === '{') depth++;
      else if (ch === ']' || ch === '}') {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
  }
  // A number, true, false or null: up to a delimiter.
  while (i < s.length && !' \t\n\r,]}'.includes(s[i]!)) i++;
  return i;
}

/** The document's value without the white space around it. */
function trimmed(s: string): string {
  const i = skipSpace(s, 0);
  return s.slice(i, valueEnd(s, i));
}

/** What the document's value is, from its first character (nothing de-escaped). */
function kindOf(s: string): 'array' | 'object' | 'scalar' {
  const c = s[skipSpace(s, 0)];
  return c === '[' ? 'array' : c === '{' ? 'object' : 'scalar';
}

/**
 * The items of a document's top-level array or object, in written order (none for a scalar).
 * @throws PgError 22P05 / 22P02 for a key that does not de-escape ({@link checkJsonStrings}).
 */
export function jsonTopLevel(s: string): JsonTopLevel {
  let i = skipSpace(s, 0);
  const open = s[i];
  if (open !== '[' && open !== '{') return { kind: 'scalar', items: [] };
  const items: JsonItem[] = [];
  i = skipSpace(s, i + 1);
  const close = open === '[' ? ']' : '}';
  while (s[i] !== close) {
    let key: string | undefined;
    if (open === '{') {
      const end = stringEnd(s, i);
      key = jsonStringValue(s.slice(i, end));
      i = skipSpace(s, end);
      i = skipSpace(s, i + 1); // the ':'
    }
    const end = valueEnd(s, i);
    items.push(key === undefined ? { text: s.slice(i, end) } : { key, text: s.slice(i, end) });
    i = skipSpace(s, end);
    if (s[i] === ',') i = skipSpace(s, i + 1);
  }
  return { kind: open === '[' ? 'array' : 'object', items };
}

/**
 * `->>`'s text of one value (its trimmed source): a string de-escaped, JSON null as SQL NULL,
 * anything else as written.
 */
export function jsonItemText(text: string): string | null {
  // A whole scalar document found by an empty path keeps its leading white space.
  const i = skipSpace(text, 0);
  if (text.length === i + 4 && text.startsWith('null', i)) return null;
  return text[i] === '"' ? jsonStringValue(text.slice(i)) : text;
}

/** `->>`, `#>>`: {@link jsonItemText} of what `->` / `#>` found; SQL NULL stays NULL. */
export function jsonAsText(found: string | null): string | null {
  return found === null ? null : jsonItemText(found);
}

/**
 * json `-> text`: the value of the object's last member named `key` as written; SQL NULL
 * when the value is no object or has no such member.
 * @throws PgError 22P05 / 22P02 when a string anywhere in `s` does not de-escape
 *   ({@link checkJsonStrings}), as PostgreSQL reads them all.
 */
export function jsonField(s: string, key: string): string | null {
  checkJsonStrings(s);
  if (kindOf(s) !== 'object') return null;
  const items = jsonTopLevel(s).items;
  for (let i = items.length - 1; i >= 0; i--) if (items[i]!.key === key) return items[i]!.text;
  return null;
}

/**
 * json `-> int`: the array element at `index` (negative counts from the end) as written; SQL
 * NULL for an index out of range or a value that is no array (a scalar too, unlike jsonb).
 * @throws as {@link jsonField}.
 */
export function jsonElement(s: string, index: number): string | null {
  checkJsonStrings(s);
  if (kindOf(s) !== 'array') return null;
  const items = jsonTopLevel(s).items;
  const i = index < 0 ? items.length + index : index;
  return i >= 0 && i < items.length ? items[i]!.text : null;
}

/**
 * json `#>` (and json_extract_path): follow a path of keys and array indexes (as text; an
 * index reads as {@link jsonbPathIndex}); SQL NULL for a NULL element or where the path leads
 * nowhere. Among duplicate keys the last path that leads somewhere wins, as PostgreSQL's
 * single pass over the document keeps the last match. An empty path gives the whole value:
 * an array or object without the white space around it, a scalar with the white space
 * before it (PostgreSQL's span of a top-level scalar starts at the document's start).
 * @throws as {@link jsonField} (not for a path with a NULL element).
 */
export function jsonPath(s: string, path: readonly (string | null)[]): string | null {
  if (path.some((p) => p === null)) return null;
  checkJsonStrings(s);
  return walk(s, path as readonly string[], 0);
}

function walk(s: string, path: readonly string[], depth: number): string | null {
  const kind = kindOf(s);
  if (depth === path.length) {
    // PostgreSQL's span of a whole scalar document starts at the document's start.
    return path.length === 0 && kind === 'scalar' ? s.slice(0, valueEnd(s, skipSpace(s, 0))) : trimmed(s);
  }
  if (kind === 'scalar') return null;
  const p = path[depth]!;
  const items = jsonTopLevel(s).items;
  if (kind === 'object') {
    for (let i = items.length - 1; i >= 0; i--) {
      if (items[i]!.key !== p) continue;
      const r = walk(items[i]!.text, path, depth + 1);
      if (r !== null) return r;
    }
    return null;
  }
  let i = jsonbPathIndex(p);
  if (i === null) return null;
  if (i < 0) i += items.length;
  return i >= 0 && i < items.length ? walk(items[i]!.text, path, depth + 1) : null;
}

/** json_typeof: `object`, `array`, `string`, `number`, `boolean` or `null`, from the first token. */
export function jsonTypeof(s: string): string {
  const c = s[skipSpace(s, 0)];
  switch (c) {
    case '{': return 'object';
    case '[': return 'array';
    case '"': return 'string';
    case 't': case 'f': return 'boolean';
    case 'n': return 'null';
    default: return 'number';
  }
}

/**
 * json_array_length.
 * @throws PgError 22023 `cannot get array length of a scalar` / `... of a non-array`.
 */
export function jsonArrayLength(s: string): number {
  const kind = kindOf(s);
  if (kind === 'array') return jsonTopLevel(s).items.length;
  throw new PgError(SQLSTATE.invalid_parameter_value, kind === 'object' ? 'cannot get array length of a non-array' : 'cannot get array length of a scalar');
}

/**
 * json_strip_nulls: object members whose value is null removed at any depth (with `inArrays`,
 * null array elements too). The result is rebuilt without white space, as PostgreSQL prints
 * it: `{"a":1,"b":[2]}`, strings re-escaped from their text (`"\u00e9"` becomes `"é"`),
 * numbers and literals as written, duplicate keys kept.
 * @throws as {@link jsonField}.
 */
export function jsonStripNulls(s: string, inArrays: boolean): string {
  checkJsonStrings(s);
  return strip(s, inArrays);
}

function strip(s: string, inArrays: boolean): string {
  const t = jsonTopLevel(s);
  if (t.kind === 'scalar') {
    const v = trimmed(s);
    return v.startsWith('"') ? quoteJsonString(jsonStringValue(v)) : v;
  }
  if (t.kind === 'array') {
    const kept = inArrays ? t.items.filter((x) => x.text !== 'null') : t.items;
    return `[${kept.map((x) => strip(x.text, inArrays)).join(',')}]`;
  }
  const kept = t.items.filter((x) => x.text !== 'null');
  return `{${kept.map((x) => `${quoteJsonString(x.key!)}:${strip(x.text, inArrays)}`).join(',')}}`;
}
