/**
 * parse_ident(str [, strict]) (misc.c parse_ident): a qualified SQL identifier split into its
 * parts, as the parser reads them: unquoted parts lower-cased (ASCII letters only, as
 * downcase_identifier does in a multibyte encoding) and never truncated, quoted parts as
 * written with `""` read as `"`.
 */
import { PgError, SQLSTATE } from '../common/errors.js';

/** scanner_isspace: the whitespace the SQL scanner skips. */
function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
}

/** is_ident_start: an ASCII letter, `_` or any non-ASCII character. */
function isIdentStart(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c.charCodeAt(0) > 0x7f);
}

/** is_ident_cont: an identifier start, a digit or `$`. */
function isIdentCont(c: string | undefined): boolean {
  return isIdentStart(c) || (c !== undefined && ((c >= '0' && c <= '9') || c === '$'));
}

/**
 * The parts of `str`. With `strict` false, anything after the last complete part (other than
 * a dot) is ignored; with it true, it is an error.
 * @throws PgError 22023 `string is not a valid identifier: "str"`, with DETAIL `String has
 *   unclosed double quotes.`, `Quoted identifier must not be empty.`, `No valid identifier
 *   before ".".` or `No valid identifier after ".".` where PostgreSQL gives one.
 */
export function parseIdent(str: string, strict: boolean): string[] {
  const invalid = (detail?: string): PgError =>
    new PgError(SQLSTATE.invalid_parameter_value, `string is not a valid identifier: "${str}"`, detail === undefined ? {} : { detail });
  const parts: string[] = [];
  let i = 0;
  while (isSpace(str[i])) i++;
  let afterDot = false;
  for (;;) {
    let missing = true;
    if (str[i] === '"') {
      let name = '';
      let j = i + 1;
      for (;;) {
        const end = str.indexOf('"', j);
        if (end < 0) throw invalid('String has unclosed double quotes.');
        name += str.slice(j, end);
        if (str[end + 1] !== '"') {
          i = end + 1;
          break;
        }
        name += '"';
        j = end + 2;
      }
      if (name === '') throw invalid('Quoted identifier must not be empty.');
      parts.push(name);
      missing = false;
    } else if (isIdentStart(str[i])) {
      const start = i++;
      while (isIdentCont(str[i])) i++;
      parts.push(str.slice(start, i).replace(/[A-Z]+/g, (m) => m.toLowerCase()));
      missing = false;
    }
    if (missing) {
      if (str[i] === '.') throw invalid('No valid identifier before ".".');
      throw afterDot ? invalid('No valid identifier after ".".') : invalid();
    }
    while (isSpace(str[i])) i++;
    if (str[i] === '.') {
      afterDot = true;
      i++;
      while (isSpace(str[i])) i++;
    } else if (i >= str.length) {
      break;
    } else {
      if (strict) throw invalid();
      break;
    }
  }
  return parts;
}
