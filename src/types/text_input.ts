/**
 * Text input shared by pgvector's types: the C `isspace` skipping and syntax errors of
 * vector_in, halfvec_in and sparsevec_in, and the `[x,y,z]` list that vector_in and halfvec_in
 * both read (pgvector's src/vector.c and src/halfvec.c run the same loop; only the element's
 * range check differs, because a halfvec element must also fit a half).
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { HALFVEC_MAX_DIM, VECTOR_MAX_DIM } from '../common/limits.js';
import { floatToHalf, halfIsInf } from '../kernels/half.js';
import { checkDimCount, type DimTypeName } from './dims.js';
import { scanFloat4, scannedRange, scannedValue } from './float.js';

/** @returns the index of the first character at or after `i` that C's isspace rejects. */
export function skipSpace(s: string, i: number): number {
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c !== 32 && (c < 9 || c > 13)) break;
    i++;
  }
  return i;
}

/** 22P02 `invalid input syntax for type <type>: "<text>"`, with pgvector's DETAIL if any. */
export function inputSyntaxError(type: DimTypeName, text: string, detail?: string): PgError {
  return new PgError(
    SQLSTATE.invalid_text_representation,
    `invalid input syntax for type ${type}: "${text}"`,
    detail === undefined ? {} : { detail },
  );
}

// Both types allow 16,000 elements; the list is read here before it is copied out.
const listScratch = new Float32Array(Math.max(VECTOR_MAX_DIM, HALFVEC_MAX_DIM));

/**
 * Reads `[1,2,3]` as vector_in / halfvec_in do: whitespace (space, \t, \n, \r, \v, \f) around
 * brackets and elements, each element read as strtof reads it (`1e3`, `.5`, `+1`, `0x10`).
 * For `halfvec` an element must also round to a finite half (|x| < 65520).
 * @returns the float32 elements (1..`maxDim` of them) in a scratch view that the next call
 *   overwrites: copy it out before parsing again.
 * @throws PgError 22P02 `invalid input syntax for type <type>: "<text>"` (DETAIL `Vector
 *   contents must start with "[".` or `Junk after closing right brace.` where pgvector adds
 *   one); 22000 `<type> must have at least 1 dimension`; 54000 `<type> cannot have more than
 *   <maxDim> dimensions`; 22003 `"<element>" is out of range for type <type>`; 22000 `NaN not
 *   allowed in <type>` / `infinite value not allowed in <type>`.
 */
export function scanBracketList(text: string, type: 'vector' | 'halfvec', maxDim: number): Float32Array {
  const n = text.length;
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== 91 /* [ */) throw inputSyntaxError(type, text, 'Vector contents must start with "[".');
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === 93 /* ] */) checkDimCount(type, 0, maxDim);
  const x = listScratch;
  const half = type === 'halfvec';
  let dim = 0;
  for (;;) {
    if (dim === maxDim) checkDimCount(type, dim + 1, maxDim);
    i = skipSpace(text, i);
    if (i >= n) throw inputSyntaxError(type, text);
    const end = scanFloat4(text, i);
    if (end === i) throw inputSyntaxError(type, text);
    const val = scannedValue;
    const valInf = val === Infinity || val === -Infinity;
    if ((scannedRange && valInf) || (half && !valInf && halfIsInf(floatToHalf(val)))) {
      throw new PgError(SQLSTATE.numeric_value_out_of_range, `"${text.slice(i, end)}" is out of range for type ${type}`);
    }
    if (val !== val) throw new PgError(SQLSTATE.data_exception, `NaN not allowed in ${type}`);
    if (valInf) throw new PgError(SQLSTATE.data_exception, `infinite value not allowed in ${type}`);
    x[dim++] = val;
    i = skipSpace(text, end);
    const c = text.charCodeAt(i);
    if (c === 44 /* , */) {
      i++;
    } else if (c === 93 /* ] */) {
      i++;
      break;
    } else {
      throw inputSyntaxError(type, text);
    }
  }
  i = skipSpace(text, i);
  if (i < n) throw inputSyntaxError(type, text, 'Junk after closing right brace.');
  return x.subarray(0, dim);
}
