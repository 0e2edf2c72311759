/**
 * PostgreSQL's `character varying(n)` (varchar) and `character(n)` (bpchar, blank-padded),
 * as src/backend/utils/adt/varchar.c defines them. Values are JS strings; lengths count
 * characters (code points), not bytes. The typmod is n + 4 (VARHDRSZ), -1 for no length.
 *
 *   input / assignment   a longer value fails (22001) unless the excess is only spaces,
 *                        which are cut; character(n) pads with spaces to n
 *   explicit cast        cuts to n silently; character(n) pads
 *   character -> text    trailing spaces dropped (rtrim), also for comparison with text
 *   character compare    trailing spaces are insignificant (bpchareq, bpcharcmp)
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { textOrder } from './text_order.js';

const VARHDRSZ = 4;
/** Largest length a varchar(n) / char(n) typmod may give (MaxAttrSize). */
export const MAX_CHAR_LENGTH = 10485760;

/** Which of the two types, by PostgreSQL's internal names. */
export type CharType = 'varchar' | 'bpchar';

const DISPLAY: Record<CharType, string> = { varchar: 'character varying', bpchar: 'character' };

/**
 * varchartypmodin / bpchartypmodin: `(n)` -> typmod.
 * @throws PgError 22023 `length for type varchar must be at least 1`, `length for type
 *   varchar cannot exceed 10485760` (`char` for character), 42601 for more than one modifier.
 */
export function charTypmodIn(type: CharType, mods: readonly number[]): number {
  const name = type === 'varchar' ? 'varchar' : 'char';
  if (mods.length !== 1) throw new PgError(SQLSTATE.invalid_parameter_value, `invalid type modifier`);
  const n = mods[0]!;
  if (n < 1) throw new PgError(SQLSTATE.invalid_parameter_value, `length for type ${name} must be at least 1`);
  if (n > MAX_CHAR_LENGTH) throw new PgError(SQLSTATE.invalid_parameter_value, `length for type ${name} cannot exceed ${MAX_CHAR_LENGTH}`);
  return n + VARHDRSZ;
}

/** The declared length of a typmod, or -1. */
export function charTypmodLength(typmod: number): number {
  return typmod < VARHDRSZ ? -1 : typmod - VARHDRSZ;
}

/** Number of characters (code points) of `s`. */
export function charLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= s.length) n++;
    else {
      n++;
      i++;
    }
  }
  return n;
}

/** The first `n` characters (code points) of `s`. */
function firstChars(s: string, n: number): string {
  if (s.length <= n) return s;
  let i = 0;
  let k = 0;
  while (k < n && i < s.length) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
    k++;
  }
  return s.slice(0, i);
}

/**
 * A value coerced to varchar(n) / char(n) (varchar(), bpchar(), and the input functions with
 * a typmod): longer values are cut when `explicit` or when only spaces are cut, else fail;
 * char(n) pads with spaces to n.
 * @throws PgError 22001 `value too long for type character varying(n)` / `character(n)`.
 */
export function charCoerce(type: CharType, s: string, typmod: number, explicit: boolean): string {
  const n = charTypmodLength(typmod);
  if (n < 0) return s;
  const len = charLength(s);
  if (len > n) {
    const head = firstChars(s, n);
    if (!explicit && /[^ ]/.test(s.slice(head.length))) {
      throw new PgError(SQLSTATE.string_data_right_truncation, `value too long for type ${DISPLAY[type]}(${n})`);
    }
    return head;
  }
  return type === 'bpchar' && len < n ? s + ' '.repeat(n - len) : s;
}

/** bpchar -> text / varchar (rtrim1): the trailing spaces dropped. */
export function bpcharToText(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** bpcharcmp: order without trailing spaces, then as text in the C collation. */
export function bpcharCmp(a: string, b: string): number {
  return textOrder(bpcharToText(a), bpcharToText(b));
}
