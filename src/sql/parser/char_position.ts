/**
 * Error positions in characters. Parse-tree locations are byte offsets into the statement's
 * UTF-8 text (libpg-query's nodes), and analysis errors are placed at them; PostgreSQL's
 * errposition reports characters ("positions are measured in characters not bytes", the
 * protocol's ErrorResponse `P` field), as its syntax errors already are here. A text with a
 * non-ASCII character before the error differs by one per extra byte.
 */
import { PgError } from '../../common/errors.js';

/** Errors already converted: a statement's error may pass more than one boundary. */
const converted = new WeakSet<PgError>();

/**
 * Rewrites `err`'s position (a 1-based byte position in `sql`, from a node location) as
 * PostgreSQL's 1-based character position, in place; anything else is left alone.
 */
export function positionInCharacters(err: unknown, sql: string | undefined): void {
  if (!(err instanceof PgError) || err.position === undefined || sql === undefined || converted.has(err)) return;
  converted.add(err);
  // All ASCII: bytes and characters agree (Buffer.byteLength counts without encoding).
  if (Buffer.byteLength(sql, 'utf8') === sql.length) return;
  const bytes = Number(err.position) - 1;
  if (!Number.isInteger(bytes) || bytes <= 0) return;
  let b = 0;
  let chars = 0;
  for (let i = 0; i < sql.length && b < bytes; i++) {
    const c = sql.charCodeAt(i);
    if (c < 0x80) b += 1;
    else if (c < 0x800) b += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < sql.length) {
      // A surrogate pair: one character of four bytes.
      b += 4;
      i++;
    } else b += 3;
    chars++;
  }
  err.position = String(chars + 1);
}
