/**
 * COPY's options (PostgreSQL's copy.c ProcessCopyOptions): the `WITH (FORMAT ..., HEADER ...,
 * DELIMITER ..., NULL ..., QUOTE ..., ESCAPE ..., FORCE_QUOTE ..., FORCE_NOT_NULL ...,
 * FORCE_NULL ..., FREEZE, ENCODING ...)` list (the old `CSV HEADER` syntax reaches us as the same
 * list from the parser), validated with PostgreSQL's SQLSTATEs and messages, defaults applied.
 */
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import type { PgNode } from '../parser/parse.js';
import type { CopyTextFormat } from '../../types/copy_text.js';
import { utf8Length } from '../../types/text_order.js';

/** Validated COPY options. */
export interface CopyOptions {
  format: 'text' | 'csv' | 'binary';
  /** HEADER: false, true, or 'match' (COPY FROM only: the header names must be the columns'). */
  header: boolean | 'match';
  /** Text and CSV: delimiter, NULL string, quote and escape (defaults applied). */
  text: CopyTextFormat;
  /** FORCE_QUOTE: '*' for all columns, column names, or null. */
  forceQuote: '*' | string[] | null;
  /** FORCE_NOT_NULL / FORCE_NULL: '*' for all columns, column names, or null. */
  forceNotNull: '*' | string[] | null;
  forceNull: '*' | string[] | null;
}

function conflicting(): PgError {
  return new PgError(SQLSTATE.syntax_error, 'conflicting or redundant options');
}

function stringArg(d: PgNode): string {
  const a = d.arg;
  if (a === undefined) throw new PgError(SQLSTATE.syntax_error, `${d.defname} requires a parameter`);
  if (a.String !== undefined) return a.String.sval ?? '';
  if (a.Integer !== undefined) return String(a.Integer.ival ?? 0);
  if (a.Float !== undefined) return String(a.Float.fval);
  if (a.Boolean !== undefined) return a.Boolean.boolval === true ? 'true' : 'false';
  if (a.TypeName !== undefined) return a.TypeName.names.map((n: PgNode) => n.String.sval).join('.');
  throw new PgError(SQLSTATE.syntax_error, `${d.defname} requires a parameter`);
}

/** defGetBoolean: no argument is true; true/false/on/off/1/0. */
function boolArg(d: PgNode): boolean {
  const a = d.arg;
  if (a === undefined) return true;
  if (a.Boolean !== undefined) return a.Boolean.boolval === true;
  if (a.Integer !== undefined) {
    const v = a.Integer.ival ?? 0;
    if (v === 0 || v === 1) return v === 1;
  } else {
    const s = stringArg(d).toLowerCase();
    if (s === 'true' || s === 'on') return true;
    if (s === 'false' || s === 'off') return false;
  }
  throw new PgError(SQLSTATE.syntax_error, `${d.defname} requires a Boolean value`);
}

/** defGetCopyHeaderOption: a Boolean or "match" (COPY FROM only). */
function headerArg(d: PgNode, isFrom: boolean): boolean | 'match' {
  const a = d.arg;
  if (a === undefined) return true;
  if (a.Integer !== undefined) {
    const v = a.Integer.ival ?? 0;
    if (v === 0 || v === 1) return v === 1;
  } else if (a.Boolean !== undefined) {
    return a.Boolean.boolval === true;
  } else {
    const s = stringArg(d).toLowerCase();
    if (s === 'true' || s === 'on') return true;
    if (s === 'false' || s === 'off') return false;
    if (s === 'match') {
      if (!isFrom) throw new PgError(SQLSTATE.feature_not_supported, 'cannot use "match" with HEADER in COPY TO');
      return 'match';
    }
  }
  throw new PgError(SQLSTATE.syntax_error, `${d.defname} requires a Boolean value or "match"`);
}

function columnListArg(d: PgNode): '*' | string[] {
  const a = d.arg;
  if (a?.A_Star !== undefined) return '*';
  if (a?.List !== undefined) return (a.List.items as PgNode[]).map((x) => x.String.sval as string);
  throw new PgError(SQLSTATE.syntax_error, `argument to option "${d.defname}" must be a list of column names`);
}

/**
 * Validates the options of a COPY statement (PostgreSQL 18's checks, in its order).
 * @throws PgError 42601 `conflicting or redundant options`, `option "x" not recognized`;
 *   22023 `COPY format "x" not recognized` and the delimiter / NULL checks; 0A000 `COPY x
 *   requires CSV mode`, single-byte delimiter / quote / escape, options PostgreSQL has and
 *   vecgres does not (ON_ERROR, DEFAULT, ENCODING other than UTF8).
 */
export function parseCopyOptions(list: readonly PgNode[] | undefined, isFrom: boolean): CopyOptions {
  let format: CopyOptions['format'] | null = null;
  let header: boolean | 'match' | null = null;
  let delimiter: string | null = null;
  let nullString: string | null = null;
  let quote: string | null = null;
  let escape: string | null = null;
  let forceQuote: CopyOptions['forceQuote'] = null;
  let forceNotNull: CopyOptions['forceNotNull'] = null;
  let forceNull: CopyOptions['forceNull'] = null;
  let freeze: boolean | null = null;
  let encoding: string | null = null;
  for (const el of list ?? []) {
    const d = el.DefElem as PgNode;
    const name = d.defname as string;
    switch (name) {
      case 'format': {
        if (format !== null) throw conflicting();
        const f = stringArg(d);
        if (f !== 'text' && f !== 'csv' && f !== 'binary') throw new PgError(SQLSTATE.invalid_parameter_value, `COPY format "${f}" not recognized`);
        format = f;
        break;
      }
      case 'freeze':
        if (freeze !== null) throw conflicting();
        freeze = boolArg(d);
        break;
      case 'delimiter':
        if (delimiter !== null) throw conflicting();
        delimiter = stringArg(d);
        break;
      case 'null':
        if (nullString !== null) throw conflicting();
        nullString = stringArg(d);
        break;
      case 'header':
        if (header !== null) throw conflicting();
        header = headerArg(d, isFrom);
        break;
      case 'quote':
        if (quote !== null) throw conflicting();
        quote = stringArg(d);
        break;
      case 'escape':
        if (escape !== null) throw conflicting();
        escape = stringArg(d);
        break;
      case 'force_quote':
        if (forceQuote !== null) throw conflicting();
        forceQuote = columnListArg(d);
        break;
      case 'force_not_null':
        if (forceNotNull !== null) throw conflicting();
        forceNotNull = columnListArg(d);
        break;
      case 'force_null':
        if (forceNull !== null) throw conflicting();
        forceNull = columnListArg(d);
        break;
      case 'encoding': {
        if (encoding !== null) throw conflicting();
        encoding = stringArg(d);
        const norm = encoding.toLowerCase().replace(/[-_]/g, '');
        if (norm !== 'utf8' && norm !== 'unicode') throw pgErr.featureNotSupported(`COPY ENCODING "${encoding}"`);
        break;
      }
      case 'default':
      case 'on_error':
      case 'reject_limit':
      case 'log_verbosity':
      case 'convert_selectively':
        throw pgErr.featureNotSupported(`COPY option "${name.toUpperCase()}"`);
      default:
        throw new PgError(SQLSTATE.syntax_error, `option "${name}" not recognized`);
    }
  }
  const fmt = format ?? 'text';
  const csv = fmt === 'csv';
  const binary = fmt === 'binary';
  const inBinary = (what: string) => new PgError(SQLSTATE.syntax_error, `cannot specify ${what} in BINARY mode`);
  if (binary && delimiter !== null) throw inBinary('DELIMITER');
  if (binary && nullString !== null) throw inBinary('NULL');
  const delim = delimiter ?? (csv ? ',' : '\t');
  const nul = nullString ?? (csv ? '' : '\\N');
  if (utf8Length(delim) !== 1) throw new PgError(SQLSTATE.feature_not_supported, 'COPY delimiter must be a single one-byte character');
  if (delim === '\r' || delim === '\n') throw new PgError(SQLSTATE.invalid_parameter_value, 'COPY delimiter cannot be newline or carriage return');
  if (nul.includes('\r') || nul.includes('\n')) throw new PgError(SQLSTATE.invalid_parameter_value, 'COPY null representation cannot use newline or carriage return');
  if (!csv && '\\.abcdefghijklmnopqrstuvwxyz0123456789'.includes(delim)) throw new PgError(SQLSTATE.invalid_parameter_value, `COPY delimiter cannot be "${delim}"`);
  if (binary && header !== null && header !== false) throw new PgError(SQLSTATE.feature_not_supported, 'cannot specify HEADER in BINARY mode');
  const requiresCsv = (what: string) => new PgError(SQLSTATE.feature_not_supported, `COPY ${what} requires CSV mode`);
  if (!csv && quote !== null) throw requiresCsv('QUOTE');
  const q = quote ?? '"';
  if (csv && utf8Length(q) !== 1) throw new PgError(SQLSTATE.feature_not_supported, 'COPY quote must be a single one-byte character');
  if (csv && delim === q) throw new PgError(SQLSTATE.invalid_parameter_value, 'COPY delimiter and quote must be different');
  if (!csv && escape !== null) throw requiresCsv('ESCAPE');
  const esc = escape ?? q;
  if (csv && utf8Length(esc) !== 1) throw new PgError(SQLSTATE.feature_not_supported, 'COPY escape must be a single one-byte character');
  const cannotWith = (what: string, cmd: string) => new PgError(SQLSTATE.invalid_parameter_value, `COPY ${what} cannot be used with ${cmd}`);
  if (!csv && forceQuote !== null) throw requiresCsv('FORCE_QUOTE');
  if (forceQuote !== null && isFrom) throw new PgError(SQLSTATE.feature_not_supported, 'COPY FORCE_QUOTE cannot be used with COPY FROM');
  if (!csv && forceNotNull !== null) throw requiresCsv('FORCE_NOT_NULL');
  if (forceNotNull !== null && !isFrom) throw cannotWith('FORCE_NOT_NULL', 'COPY TO');
  if (!csv && forceNull !== null) throw requiresCsv('FORCE_NULL');
  if (forceNull !== null && !isFrom) throw cannotWith('FORCE_NULL', 'COPY TO');
  if (nul.includes(delim)) throw new PgError(SQLSTATE.invalid_parameter_value, 'COPY delimiter character must not appear in the NULL specification');
  if (csv && nul.includes(q)) throw new PgError(SQLSTATE.invalid_parameter_value, 'CSV quote character must not appear in the NULL specification');
  if (freeze === true && !isFrom) throw new PgError(SQLSTATE.feature_not_supported, 'COPY FREEZE cannot be used with COPY TO');
  return {
    format: fmt,
    header: header ?? false,
    text: { csv, delimiter: delim, nullString: nul, quote: q, escape: esc },
    forceQuote,
    forceNotNull,
    forceNull,
  };
}

