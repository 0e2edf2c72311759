/**
 * Offsets into a statement's text as JavaScript indexes them. libpg-query reports node
 * locations and token spans as byte offsets into the text's UTF-8 encoding; the rest of
 * vecgres slices the JavaScript string (UTF-16 code units) with them (a view's stored query, a
 * statement of a script, `*` written out) and places errors at them. For text with a
 * non-ASCII character the two differ, so the parser's offsets are converted once, where a tree
 * or token list leaves the parser ({@link locationsToUtf16}, {@link byteToUtf16}).
 *
 * PostgreSQL reports an error's position in characters (code points: the protocol's
 * ErrorResponse `P` field); {@link positionInCharacters} converts an error placed at a UTF-16
 * offset, which differs from it after a character outside the Basic Multilingual Plane (an
 * emoji is two code units). Syntax errors from libpg-query already count characters.
 */
import { PgError } from '../../common/errors.js';

/** Keys of parse-tree nodes that hold an offset into the statement text. */
const LOCATION_KEYS: ReadonlySet<string> = new Set(['location', 'stmt_location', 'list_start', 'list_end', 'name_location', 'rexpr_list_start', 'rexpr_list_end']);

/** True when `s` is all ASCII: bytes and code units agree (Buffer.byteLength counts without encoding). */
export function isAscii(s: string): boolean {
  return Buffer.byteLength(s, 'utf8') === s.length;
}

/**
 * The UTF-16 offset of each UTF-8 byte offset of `s` (length: its byte length + 1; an offset
 * inside a character maps to the character's start), or null when `s` is ASCII (the identity).
 */
export function byteToUtf16(s: string): Int32Array | null {
  if (isAscii(s)) return null;
  const map = new Int32Array(Buffer.byteLength(s, 'utf8') + 1);
  let b = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const n = c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 4 : 3;
    for (let k = 0; k < n; k++) map[b + k] = i;
    b += n;
    if (n === 4) i++;
  }
  map[b] = s.length;
  return map;
}

/**
 * Moves every location in `tree` (a libpg-query parse tree) to `at(location)`, and each
 * statement's `stmt_len` with its ends; in place. `visit` sees each node object first, its
 * locations not yet moved. The one walk both location rewrites use: string offsets here, the
 * long-literal cut's (long_literals.ts restoreLongLiterals).
 */
export function mapLocations(tree: unknown, at: (offset: number) => number, visit?: (node: Record<string, unknown>) => void): void {
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const x of node) walk(x);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    visit?.(obj);
    if (typeof obj['stmt_location'] === 'number' && typeof obj['stmt_len'] === 'number' && obj['stmt_len'] !== 0) {
      const s = obj['stmt_location'] as number;
      obj['stmt_len'] = at(s + (obj['stmt_len'] as number)) - at(s);
    }
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      if (typeof v === 'number') {
        if (LOCATION_KEYS.has(key) && v >= 0) obj[key] = at(v);
      } else if (v !== null && typeof v === 'object') walk(v);
    }
  };
  walk(tree);
}

/**
 * Converts every location in `tree` (libpg-query's parse of `sql`) from a UTF-8 byte offset
 * to a UTF-16 offset of `sql`, `stmt_len` with its statement; in place. Nothing to do for
 * ASCII text.
 */
export function locationsToUtf16(tree: unknown, sql: string): void {
  const map = byteToUtf16(sql);
  if (map === null) return;
  mapLocations(tree, (b) => map[Math.min(b, map.length - 1)]!);
}

/** Errors already converted: a statement's error may pass more than one boundary. */
const converted = new WeakSet<PgError>();

/**
 * Rewrites `err`'s position (1-based, in UTF-16 code units of `sql`: a node location) as
 * PostgreSQL's 1-based position in characters, in place; anything else is left alone.
 */
export function positionInCharacters(err: unknown, sql: string | undefined): void {
  if (!(err instanceof PgError) || err.position === undefined || sql === undefined || converted.has(err)) return;
  converted.add(err);
  const units = Number(err.position) - 1;
  if (!Number.isInteger(units) || units <= 0 || isAscii(sql)) return;
  let chars = 0;
  for (let i = 0; i < units && i < sql.length; i++) {
    const c = sql.charCodeAt(i);
    // The second unit of a surrogate pair is the same character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < sql.length) i++;
    chars++;
  }
  err.position = String(chars + 1);
}
