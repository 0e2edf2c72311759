/**
 * The psql parts of a plain-format pg_dump script, so the embedded API's `exec` loads one as
 * `psql -f` does: `COPY ... FROM stdin;` followed by its data lines up to `\.` (psql sends
 * them as COPY data), and the meta-commands pg_dump writes (`\restrict` / `\unrestrict` of
 * PostgreSQL 13.22, 14.19, 15.14, 16.10, 17.6 and later: psql refuses other meta-commands
 * between them; they change nothing on the server). Any other meta-command is refused: its
 * effect is psql's own (`\connect`, `\i`, `\set`).
 */
import { PgError, SQLSTATE } from '../../common/errors.js';

/** One piece of a script: SQL for the server, or a COPY FROM STDIN with its data. */
export type ScriptPart = { kind: 'sql'; sql: string } | { kind: 'copy'; sql: string; data: string };

/** A line that starts a COPY ... FROM stdin whose data follows in the script. */
const COPY_FROM_STDIN = /^COPY\s.*\sFROM\s+stdin\s*(?:\(.*\)|WITH .*)?;\s*$/i;
/** Meta-commands pg_dump writes that mean nothing to the server. */
const IGNORED_META = /^\\(restrict|unrestrict)(\s|$)/;

/**
 * True when `sql` holds a line psql itself handles (a meta-command, or a COPY FROM stdin
 * followed by data): such a script is split with {@link splitPsqlScript}.
 */
export function isPsqlScript(sql: string): boolean {
  return /^\\/m.test(sql) || /^COPY\s[^\n]*\sFROM\s+stdin[^\n]*;[ \t]*\r?\n./im.test(sql);
}

/**
 * Splits a psql script at its COPY FROM stdin blocks and meta-commands. Lines inside a
 * dollar-quoted or single-quoted string are not looked at (a multi-line literal may start
 * with a backslash); a COPY header must be on one line, as pg_dump writes it.
 * @throws PgError 0A000 for a meta-command other than \restrict / \unrestrict; 22P04 for a
 *   COPY block without its `\.` terminator (psql reads to the end of file, then the server
 *   would see the rest of the script as data).
 */
export function splitPsqlScript(script: string): ScriptPart[] {
  const lines = script.split('\n');
  const parts: ScriptPart[] = [];
  let sql: string[] = [];
  let inQuote = false;
  const flush = (): void => {
    const text = sql.join('\n');
    if (text.trim() !== '') parts.push({ kind: 'sql', sql: text });
    sql = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!inQuote && line.startsWith('\\')) {
      if (!IGNORED_META.test(line)) throw new PgError(SQLSTATE.feature_not_supported, `psql meta-command ${line.split(/\s/)[0]} is not supported`);
      flush();
      continue;
    }
    if (!inQuote && COPY_FROM_STDIN.test(line.replace(/\r$/, ''))) {
      flush();
      const data: string[] = [];
      for (i++; ; i++) {
        if (i >= lines.length) throw new PgError('22P04', 'COPY data in the script has no end-of-copy marker "\\."');
        const d = lines[i]!.replace(/\r$/, '');
        if (d === '\\.') break;
        data.push(lines[i]! + '\n');
      }
      parts.push({ kind: 'copy', sql: line, data: data.join('') });
      continue;
    }
    sql.push(line);
    inQuote = quoteOpenAfter(line, inQuote);
  }
  flush();
  return parts;
}

/**
 * Whether a single-quoted string is still open after `line` (starting inside one when
 * `open`): enough to keep a multi-line literal's lines from being read as meta-commands.
 * Comments (`--`) end the scan; dollar quotes are not tracked (pg_dump writes function bodies
 * with them, which vecgres refuses anyway).
 */
function quoteOpenAfter(line: string, open: boolean): boolean {
  let inside = open;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (!inside && c === '-' && line[i + 1] === '-') return false;
    if (c === "'") inside = !inside; // '' inside a string toggles twice
  }
  return inside;
}
