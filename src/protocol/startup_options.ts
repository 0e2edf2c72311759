/**
 * The StartupMessage's `options` parameter (libpq's PGOPTIONS, e.g. `-c hnsw.ef_search=100`):
 * split into words as PostgreSQL's pg_split_opts does, then read as its command-line switches
 * (postgres.c process_postgres_switches) for the two forms that set a setting, `-c name=value`
 * (or `-cname=value`) and `--name=value`; dashes in a name become underscores
 * (guc.c ParseLongOption). Applying the settings, and refusing unknown ones, is the session's
 * business.
 */
import { PgError, SQLSTATE } from '../common/errors.js';

export interface StartupSetting {
  name: string;
  value: string;
}

/**
 * pg_split_opts: words separated by ASCII whitespace; a backslash makes the next character
 * literal (so `\ ` is a space inside a word and `\\` a backslash).
 */
export function splitStartupOptions(options: string): string[] {
  const words: string[] = [];
  let i = 0;
  const space = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
  while (i < options.length) {
    while (space(options[i])) i++;
    if (i >= options.length) break;
    let word = '';
    let escaped = false;
    for (; i < options.length; i++) {
      const c = options[i]!;
      if (space(c) && !escaped) break;
      if (!escaped && c === '\\') escaped = true;
      else {
        escaped = false;
        word += c;
      }
    }
    words.push(word);
  }
  return words;
}

/** ParseLongOption: `name=value` with dashes in the name turned into underscores. */
function parseLongOption(s: string): { name: string; value: string | null } {
  const eq = s.indexOf('=');
  const name = (eq < 0 ? s : s.slice(0, eq)).replace(/-/g, '_');
  return { name, value: eq < 0 ? null : s.slice(eq + 1) };
}

/** Switches PostgreSQL's backend accepts (getopt string of process_postgres_switches) that take an argument. */
const SWITCHES_WITH_ARG = new Set('BCcDdfhkNprStvW'.split(''));
const SWITCHES = new Set('BbCcDdEeFfhijklNnOPprSsTtvW'.split(''));

/**
 * The settings an `options` string asks for, in order (a later one wins when applied).
 * Errors (severity FATAL: the connection is refused, as PostgreSQL refuses it):
 * - 42601 `-c name requires a value` / `--name requires a value` (PostgreSQL's texts);
 * - 42601 `invalid command-line argument for server process: word` for a word that is not a
 *   switch, and `postgres: invalid command-line argument: -X` for an unknown switch;
 * - 0A000 for PostgreSQL's other switches (-B, -d, -e, ...), which vecgres does not take.
 */
export function parseStartupOptions(options: string): StartupSetting[] | PgError {
  const argv = splitStartupOptions(options);
  const out: StartupSetting[] = [];
  const fatal = (code: string, message: string, hint?: string) =>
    new PgError(code, message, hint === undefined ? { severity: 'FATAL' } : { severity: 'FATAL', hint });
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word.length < 2 || word[0] !== '-') {
      return fatal(SQLSTATE.syntax_error, `invalid command-line argument for server process: ${word}`, 'Try "postgres --help" for more information.');
    }
    const flag = word[1]!;
    if (flag === '-') {
      const arg = word.slice(2);
      const { name, value } = parseLongOption(arg);
      if (value === null) return fatal(SQLSTATE.syntax_error, `--${arg} requires a value`);
      out.push({ name, value });
      continue;
    }
    if (!SWITCHES.has(flag)) {
      return fatal(SQLSTATE.syntax_error, `postgres: invalid command-line argument: ${word}`, 'Try "postgres --help" for more information.');
    }
    let arg: string | null = null;
    if (SWITCHES_WITH_ARG.has(flag)) {
      if (word.length > 2) arg = word.slice(2);
      else if (i + 1 < argv.length) arg = argv[++i]!;
      else return fatal(SQLSTATE.syntax_error, `postgres: invalid command-line argument: ${word}`, 'Try "postgres --help" for more information.');
    }
    if (flag !== 'c') return fatal(SQLSTATE.feature_not_supported, `startup option "-${flag}" is not supported`);
    const { name, value } = parseLongOption(arg!);
    if (value === null) return fatal(SQLSTATE.syntax_error, `-c ${arg} requires a value`);
    out.push({ name, value });
  }
  return out;
}
