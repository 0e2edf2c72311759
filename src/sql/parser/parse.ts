/**
 * SQL text -> PostgreSQL raw parse trees, using PostgreSQL's own grammar (libpg-query, the
 * parser of PostgreSQL 18 compiled to WebAssembly). This module is the only importer of
 * libpg-query. {@link loadParser} must complete once (at engine start) so that {@link parseSql}
 * is synchronous afterwards.
 *
 * Parse results are cached by SQL text: applications run the same statement text thousands of
 * times with different parameters, and a parse costs ~80 us while a cache hit costs a Map lookup.
 */
import { loadModule, parseSync, scanSync } from 'libpg-query';
import { PgError, SQLSTATE, isStackOverflow, pgErr } from '../../common/errors.js';
import { assert } from '../../common/assert.js';
import { blankContinuationComments, cutLongLiterals, restoreLongLiterals } from './long_literals.js';
import { byteToUtf16, locationsToUtf16 } from './char_position.js';

/** A node of libpg-query's JSON parse tree: `{ NodeType: { ...fields } }` or a bare field object. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PgNode = any;

/** One statement of a (possibly multi-statement) query string. */
export interface RawStatement {
  /** The node, unwrapped one level: e.g. `{ SelectStmt: {...} }`. */
  stmt: PgNode;
  /** Node tag (`SelectStmt`, `InsertStmt`, ...). */
  tag: string;
  /**
   * The text the statement was parsed from (the whole query string, shared by its
   * statements) and where the statement lies in it: its nodes' locations index `source`.
   * Absent for statements built by vecgres itself.
   */
  source?: { sql: string; start: number; end: number };
}

let loaded = false;
const CACHE_MAX = 1024;
/**
 * Statements longer than this are not cached: a bulk INSERT of literal vectors is megabytes of
 * text and several times that as a tree, is never sent twice, and 1,024 of them held gigabytes.
 */
export const CACHE_SQL_CHARS_MAX = 16 * 1024;
const cache = new Map<string, RawStatement[]>();

/** Statements in the parse cache (for tests). */
export function parseCacheSize(): number {
  return cache.size;
}

/** Loads the parser's WebAssembly module; idempotent. */
export async function loadParser(): Promise<void> {
  if (loaded) return;
  await loadModule();
  loaded = true;
}

/**
 * The SQLSTATE of an error the grammar raises (gram.y): most are syntax errors, but its checks
 * of window frames (42P20), of float precision (22023) and of what is not yet implemented or
 * cannot be marked on a constraint (0A000) carry their own codes.
 */
function grammarErrorCode(message: string): string {
  if (/^frame (start|end|starting from) /.test(message)) return '42P20';
  if (/^precision for type float must be /.test(message)) return SQLSTATE.invalid_parameter_value;
  if (/ is not yet implemented$/.test(message) || /^[A-Z ]+ constraints cannot be marked (DEFERRABLE|NOT VALID|NO INHERIT|NOT ENFORCED|ENFORCED)$/.test(message)) {
    return SQLSTATE.feature_not_supported;
  }
  return SQLSTATE.syntax_error;
}

/**
 * Parses `sql` into statements (cached; the returned trees are shared, never mutate them).
 * @throws PgError 42601 syntax_error with PostgreSQL's message and 1-based position.
 */
export function parseSql(sql: string): RawStatement[] {
  const hit = cache.get(sql);
  if (hit !== undefined) return hit;
  assert(loaded, 'loadParser() must run before parseSql()');
  let tree: PgNode;
  try {
    tree = parseLong(sql) ?? parseSync(sql);
  } catch (e) {
    if (isStackOverflow(e)) throw pgErr.stackDepthExceeded();
    const continued = parseContinuedAcrossComments(sql);
    if (continued !== null && !(continued instanceof Error)) return remember(sql, continued);
    const err = (continued ?? e) as { message?: string; sqlDetails?: { message?: string; cursorPosition?: number } };
    const message = err.sqlDetails?.message ?? String(err.message ?? e);
    const pos = err.sqlDetails?.cursorPosition;
    const code = grammarErrorCode(message);
    throw new PgError(code, message, pos === undefined || pos < 0 ? {} : { position: pos + 1 });
  }
  return remember(sql, tree);
}

/**
 * The statements of `tree` (libpg-query's parse of `sql`), cached under `sql`, with their
 * locations as offsets into the JavaScript string.
 */
function remember(sql: string, tree: PgNode): RawStatement[] {
  locationsToUtf16(tree, sql);
  const out: RawStatement[] = [];
  for (const raw of (tree.stmts ?? []) as PgNode[]) {
    const stmt = raw.stmt;
    if (stmt === undefined) continue;
    const start: number = raw.stmt_location ?? 0;
    const end = raw.stmt_len === undefined || raw.stmt_len === 0 ? sql.length : start + (raw.stmt_len as number);
    out.push({ stmt, tag: Object.keys(stmt)[0]!, source: { sql, start, end } });
  }
  if (sql.length > CACHE_SQL_CHARS_MAX) return out;
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(sql, out);
  return out;
}

/**
 * The tree of `sql` when it failed to parse because a `--` comment stands between a string
 * constant and its continuation on a later line (PostgreSQL reads `'a'`, a comment line, `'b'`
 * as `'ab'`; libpg-query's scanner does not): the parse of the text with those comments blanked
 * (long_literals.ts blankContinuationComments, offsets unchanged). When that text fails too,
 * its error if it is PostgreSQL's, else null (the original's error stands).
 */
function parseContinuedAcrossComments(sql: string): PgNode | Error | null {
  const blanked = blankContinuationComments(sql);
  if (blanked === null) return null;
  try {
    return parseSync(blanked.text);
  } catch (e) {
    // The blanked text's syntax error is PostgreSQL's when it lies past the blanked comments
    // (its message quotes text after them); one inside or before them quotes the original.
    const pos = (e as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition ?? -1;
    return pos > blanked.lastBlanked ? (e as Error) : null;
  }
}

/**
 * The tree of a long `sql` parsed with its long literals cut out (long_literals.ts), or null
 * when there is nothing to cut, or when the cut text does not parse or does not give every
 * literal back: the caller parses `sql` itself, so errors and odd cases come from the original.
 */
function parseLong(sql: string): PgNode | null {
  const cut = cutLongLiterals(sql);
  if (cut === null) return null;
  let tree: PgNode;
  try {
    tree = parseSync(cut.text);
  } catch {
    return null;
  }
  return restoreLongLiterals(tree, cut) ? tree : null;
}

/**
 * True when `name` must be double-quoted to read back as the same identifier (PostgreSQL's
 * quote_identifier): anything but lower-case letters, digits and underscores not starting with
 * a digit, or a keyword other than an unreserved one.
 */
export function identNeedsQuotes(name: string): boolean {
  if (!/^[a-z_][a-z0-9_$]*$/.test(name)) return true;
  // The scanner runs in WebAssembly behind string copies: per-row output (regclass, enum
  // errors, format_type) would pay it for every row, and the keyword list never changes.
  const known = keywordCache.get(name);
  if (known !== undefined) return known;
  assert(loaded, 'loadParser() must run before identNeedsQuotes()');
  const toks = scanSync(name).tokens;
  const quote = toks.length !== 1 || (toks[0]!.keywordName !== 'NO_KEYWORD' && toks[0]!.keywordName !== 'UNRESERVED_KEYWORD');
  if (keywordCache.size >= 4096) keywordCache.clear();
  keywordCache.set(name, quote);
  return quote;
}

/** `name` as quote_identifier prints it: double-quoted (quotes doubled) only when {@link identNeedsQuotes}. */
export function quoteIdent(name: string): string {
  return identNeedsQuotes(name) ? `"${name.replace(/"/g, '""')}"` : name;
}

/** {@link identNeedsQuotes}' answers for plain lower-case names. */
const keywordCache = new Map<string, boolean>();

/**
 * One token of {@link scanTokens}: its span in the text, its text, whether it is a keyword and
 * whether it is a comment (`-- ...`, `/* ... *\/`).
 */
export interface ScannedToken {
  start: number;
  end: number;
  text: string;
  keyword: boolean;
  comment: boolean;
}

/** The tokens of `sql` as PostgreSQL's scanner reads them, comments included (white space left out). */
export function scanTokens(sql: string): ScannedToken[] {
  assert(loaded, 'loadParser() must run before scanTokens()');
  // libpg-query's spans are UTF-8 byte offsets; ours index the string.
  const map = byteToUtf16(sql);
  return scanSync(sql).tokens.map((t) => {
    const start = map === null ? t.start : map[t.start]!;
    const end = map === null ? t.end : map[t.end]!;
    return { start, end, text: map === null ? t.text : sql.slice(start, end), keyword: t.keywordName !== 'NO_KEYWORD', comment: t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT' };
  });
}
