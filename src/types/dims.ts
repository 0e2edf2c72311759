/**
 * What vector, halfvec and sparsevec share: the dimension-count rules and typmods of
 * pgvector's CheckDim / CheckExpectedDim / CheckDims and *_typmod_in (src/vector.c,
 * src/halfvec.c, src/sparsevec.c repeat them per type with the type's name in the message),
 * and the error values their I/O and arithmetic raise. Element checks, precision and
 * accumulation order stay in each type's module: that is where the types differ.
 *
 * Every user error is a PgError with pgvector's SQLSTATE and message text.
 */
import { PgError, SQLSTATE } from '../common/errors.js';

/** The SQL name of a dimensioned pgvector type, as its messages spell it. */
export type DimTypeName = 'vector' | 'halfvec' | 'sparsevec';

/**
 * CheckDim: a dimension count the type can hold.
 * @throws PgError 22000 `<type> must have at least 1 dimension`; 54000 `<type> cannot have
 *   more than <maxDim> dimensions`.
 */
export function checkDimCount(type: DimTypeName, dim: number, maxDim: number): void {
  if (dim < 1) throw new PgError(SQLSTATE.data_exception, `${type} must have at least 1 dimension`);
  if (dim > maxDim) {
    throw new PgError(SQLSTATE.program_limit_exceeded, `${type} cannot have more than ${maxDim} dimensions`);
  }
}

/**
 * CheckExpectedDim: enforces a column's typmod (`vector(3)`); -1 means unconstrained.
 * @throws PgError 22000 `expected 3 dimensions, not 2`.
 */
export function checkExpectedDim(typmod: number, dim: number): void {
  if (typmod !== -1 && typmod !== dim) {
    throw new PgError(SQLSTATE.data_exception, `expected ${typmod} dimensions, not ${dim}`);
  }
}

/**
 * CheckDims: both operands of a binary function have `aDim` = `bDim` dimensions.
 * @throws PgError 22000 `different <type> dimensions 3 and 2`.
 */
export function checkSameDimCount(type: DimTypeName, aDim: number, bDim: number): void {
  if (aDim !== bDim) throw new PgError(SQLSTATE.data_exception, `different ${type} dimensions ${aDim} and ${bDim}`);
}

/**
 * *_typmod_in: the typmod of `<type>(n)`; `mods` is the list in parentheses.
 * @returns n.
 * @throws PgError 22023 `invalid type modifier` (not exactly one), `dimensions for type <type>
 *   must be at least 1`, `dimensions for type <type> cannot exceed <maxDim>`.
 */
export function dimTypmodIn(type: DimTypeName, maxDim: number, mods: number | readonly number[]): number {
  const list = typeof mods === 'number' ? [mods] : mods;
  if (list.length !== 1) throw new PgError(SQLSTATE.invalid_parameter_value, 'invalid type modifier');
  const n = list[0]!;
  if (n < 1) throw new PgError(SQLSTATE.invalid_parameter_value, `dimensions for type ${type} must be at least 1`);
  if (n > maxDim) {
    throw new PgError(SQLSTATE.invalid_parameter_value, `dimensions for type ${type} cannot exceed ${maxDim}`);
  }
  return n;
}

/** format_type of a dimensioned type: `vector` (typmod -1) or `vector(3)`. */
export function dimTypmodOut(type: DimTypeName, typmod: number): string {
  return typmod < 0 ? type : `${type}(${typmod})`;
}

/**
 * The header vector_recv and halfvec_recv read first: int16 dim, int16 unused, big-endian,
 * checked in pgvector's order (dimension count, typmod, unused).
 * @param dv the whole message, at least 4 bytes.
 * @returns dim.
 * @throws PgError 08P01 `insufficient data left in message` below 4 bytes; 22000/54000 as
 *   {@link checkDimCount}; 22000 `expected N dimensions, not M`; 22000 `expected unused to be
 *   0, not U`.
 */
export function recvDimHeader(type: DimTypeName, maxDim: number, dv: DataView, typmod: number): number {
  if (dv.byteLength < 4) throw insufficientData();
  const dim = dv.getInt16(0);
  const unused = dv.getInt16(2);
  checkDimCount(type, dim, maxDim);
  checkExpectedDim(typmod, dim);
  if (unused !== 0) throw new PgError(SQLSTATE.data_exception, `expected unused to be 0, not ${unused}`);
  return dim;
}

/**
 * A *_recv function read `used` of the field's `buf` bytes: bytes left over are PostgreSQL's
 * 22P03 `incorrect binary data format` (what CopyReadBinaryAttribute and exec_bind_message
 * raise after the receive function; the Bind path adds `in bind parameter n`).
 */
export function checkFullyRead(buf: Uint8Array, used: number): void {
  if (used !== buf.byteLength) throw new PgError(SQLSTATE.invalid_binary_representation, 'incorrect binary data format');
}

/** 08P01 `insufficient data left in message`: a *_recv buffer ended early. */
export function insufficientData(): PgError {
  return new PgError(SQLSTATE.protocol_violation, 'insufficient data left in message');
}

/** 22003 `value out of range: overflow`: an element of a result became infinite. */
export function overflowError(): PgError {
  return new PgError(SQLSTATE.numeric_value_out_of_range, 'value out of range: overflow');
}

/** 22003 `value out of range: underflow`: a product of nonzero elements rounded to zero. */
export function underflowError(): PgError {
  return new PgError(SQLSTATE.numeric_value_out_of_range, 'value out of range: underflow');
}

/**
 * *_spherical_distance from an inner product of unit vectors (IVFFlat's k-means support):
 * acos of `dot` clamped to [-1, 1] (rounding can push it past), divided by pi.
 * @returns a distance in [0, 1].
 */
export function sphericalFromDot(dot: number): number {
  if (dot > 1) dot = 1;
  else if (dot < -1) dot = -1;
  return Math.acos(dot) / Math.PI;
}
