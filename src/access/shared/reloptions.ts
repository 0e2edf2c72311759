/**
 * Index storage parameters (`CREATE INDEX ... WITH (name = value)`) parsed and validated the
 * way PostgreSQL's reloptions.c does, with its messages (SQLSTATE 22023 for all of them):
 *
 * - options are checked in the order written; an unknown name fails with
 *   `unrecognized parameter "foo"`, a repeated one with `parameter "m" specified more than once`;
 * - integers are read by PostgreSQL's parse_int (guc.c): strtol with base 0 (so `0x10` and
 *   `010` are hex and octal), a fraction or exponent re-read as a double and rounded half to
 *   even, surrounding blanks allowed, nothing else; failure reads
 *   `invalid value for integer option "m": <text>`;
 * - out of range reads `value <text> out of bounds for option "m"` with DETAIL
 *   `Valid values are between "<min>" and "<max>".`
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import { rint } from '../../common/rint.js';

/** An integer option: name, default and inclusive bounds (pgvector's HNSW_MIN_M etc.). */
export interface IntOptionDef {
  name: string;
  default: number;
  min: number;
  max: number;
}

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;

/**
 * PostgreSQL's parse_int without units: returns the integer or null when the text is not one.
 * Accepts leading blanks, a sign, decimal / 0x hex / 0-prefixed octal, or a decimal fraction or
 * exponent (rounded with rint: half to even), then trailing blanks.
 */
export function parsePgInt(text: string): number | null {
  const intMatch = /^[ \t\n\r\f\v]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(text);
  let val: number;
  let rest: string;
  if (intMatch !== null && !/^[.eE]/.test(text.slice(intMatch[0].length))) {
    const digits = intMatch[2]!;
    let v: number;
    if (/^0[xX]/.test(digits)) v = parseInt(digits.slice(2), 16);
    else if (digits.length > 1 && digits[0] === '0') v = parseInt(digits, 8);
    else v = parseInt(digits, 10);
    if (intMatch[1] === '-') v = -v;
    // strtol overflows to ERANGE at the C long range; parse_int then re-reads as double, which
    // is then out of int range either way.
    val = v;
    rest = text.slice(intMatch[0].length);
  } else {
    // strtod: decimal floating point (hex floats and inf/nan do not reach here as integers).
    const f = /^[ \t\n\r\f\v]*([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)/.exec(text);
    if (f === null) return null;
    val = Number(f[1]);
    if (!Number.isFinite(val)) return null;
    rest = text.slice(f[0].length);
  }
  if (!/^[ \t\n\r\f\v]*$/.test(rest)) return null;
  val = rint(val);
  if (val > INT_MAX || val < INT_MIN) return null;
  return val + 0; // no -0 (rint(-0.4) is -0 in C too, but as an int it is 0)
}

/**
 * Validates `raw` against `defs` (integer options only, which is all HNSW and IVFFlat have)
 * and returns name -> value with defaults filled in.
 * @throws PgError 22023 with reloptions.c's messages, in the order PostgreSQL checks.
 */
export function parseIntOptions(raw: ReadonlyMap<string, string>, defs: readonly IntOptionDef[]): Map<string, number> {
  const out = new Map<string, number>();
  const seen = new Set<string>();
  for (const [name, text] of raw) {
    const def = defs.find((d) => d.name === name);
    if (def === undefined) throw new PgError(SQLSTATE.invalid_parameter_value, `unrecognized parameter "${name}"`);
    if (seen.has(name)) {
      throw new PgError(SQLSTATE.invalid_parameter_value, `parameter "${name}" specified more than once`);
    }
    seen.add(name);
    const v = parsePgInt(text);
    if (v === null) {
      throw new PgError(SQLSTATE.invalid_parameter_value, `invalid value for integer option "${name}": ${text}`);
    }
    if (v < def.min || v > def.max) {
      throw new PgError(SQLSTATE.invalid_parameter_value, `value ${text} out of bounds for option "${name}"`, {
        detail: `Valid values are between "${def.min}" and "${def.max}".`,
      });
    }
    out.set(name, v);
  }
  for (const d of defs) if (!out.has(d.name)) out.set(d.name, d.default);
  return out;
}
