/**
 * The type registry: one row per SQL type vecgres has, keyed by name and by OID, with what
 * pg_type says about it (typname, typlen, element and array types) and its binary send/receive
 * functions (PostgreSQL's typsend / typreceive; pgvector's vector_send / vector_recv,
 * halfvec_send / halfvec_recv, sparsevec_send / sparsevec_recv). The wire server reads it to
 * describe columns and to encode and decode binary parameters and results; the embedded API
 * shapes result values with it ({@link TypeIo.toJs}); the pg_type catalog view lists it.
 *
 * Values are the SQL layer's runtime values (see storage/table.ts `Value`): int8 a number or a
 * bigint, numeric a Numeric, vector a Float32Array, halfvec a Uint16Array of binary16
 * patterns, sparsevec a SparseVector, bit / varbit a BitString, arrays a PgArray.
 *
 * OIDs: PostgreSQL's fixed OIDs for built-in types; pgvector's are what a fresh PGlite +
 * pgvector 0.8.7 assigns at CREATE EXTENSION (vector 16385, halfvec 16498, sparsevec 16633),
 * so results compare equal with it and stay stable across restarts.
 *
 * Array binary layout (array_send): int32 ndim, int32 has-nulls flag, uint32 element type OID,
 * ndim x (int32 length, int32 lower bound), then per element int32 byte length (-1: NULL) and
 * the element's own send bytes.
 */
import { isEnumSqlType, hasEnumElements, enumTypeName, enumTypeOid, enumArrayOid, type EnumSqlType, type EnumValue } from './enum_value.js';
import { PgError, SQLSTATE } from '../common/errors.js';
import { assert } from '../common/assert.js';
import { vectorSend, vectorRecv, formatVector } from './vector.js';
import { halfvecSend, halfvecRecv, formatHalfvec, halfvecToFloats } from './halfvec.js';
import { sparsevecSend, sparsevecRecv, formatSparsevec, type SparseVector } from './sparsevec.js';
import { bitSend, bitRecv, formatBit, type BitString } from './bit.js';
import { formatFloat4 } from './float.js';
import { int2Send, int2Recv } from './int.js';
import { numericSend, numericRecv, type Numeric } from './numeric.js';
import { uuidSend, uuidRecv } from './uuid.js';
import { byteaSend, byteaRecv } from './bytea.js';
import { Jsonb, parseJsonb, parseJson } from './jsonb.js';
import { PgArray, type ArrayElement } from './pgarray.js';
import { formatTimestamp, formatDate, formatTime, TIMESTAMP_START_DAYS, DATE_END_DAYS } from './datetime.js';
import { UTC_ZONE } from './timezone.js';
import { Interval, formatInterval, intervalSend, intervalRecv, adjustIntervalForTypmod } from './interval.js';
import { charCoerce } from './character.js';
import { oidSend, oidRecv } from './oid.js';
import { TimeTz, formatTimetz, timetzSend, timetzRecv } from './timetz.js';
import { adjustTimestampTypmod, checkTimestamp, isFiniteDate, isFiniteTimestamp, timeRecv } from './datetime_funcs.js';

/** A runtime value of some SQL type (the SQL layer's `Value`). */
export type Datum = ArrayElement | PgArray;

/** One type's row. */
export interface TypeIo {
  /** The SQL layer's name for the type (`int4`, `vector`, `float4[]`). */
  readonly name: string;
  /** pg_type.typname (`int4`, `vector`, `_float4`). */
  readonly typname: string;
  readonly oid: number;
  /** pg_type.typlen: bytes of a fixed-width type, -1 for variable length. */
  readonly typlen: number;
  /** pg_type.typelem: the element type OID of an array type, else 0. */
  readonly elemOid: number;
  /** pg_type.typarray: the OID of this type's array type, else 0. */
  readonly arrayOid: number;
  /** PostgreSQL's typsend: the binary wire form. */
  send(v: Datum): Uint8Array;
  /**
   * PostgreSQL's typreceive: a value from its binary wire form, `typmod` applied.
   * @throws PgError 08P01 `insufficient data left in message` for a short buffer, 22P03 for
   *   malformed data, and the type's own input errors (dimensions, lengths).
   */
  recv(buf: Uint8Array, typmod: number): Datum;
  /**
   * The value as the embedded API returns it (PGlite's shapes): numbers, strings, booleans,
   * parsed JSON, pgvector's types as their text, or with `vectorsAsFloat32` vector and halfvec
   * as Float32Array copies. Arrays are shaped element by element by the caller.
   */
  toJs(v: Datum, vectorsAsFloat32: boolean): unknown;
}

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function insufficient(): PgError {
  return new PgError(SQLSTATE.protocol_violation, 'insufficient data left in message');
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** A fixed-width receive: exactly `n` bytes (PostgreSQL reads `n` and then checks nothing is left). */
function fixed(b: Uint8Array, n: number): DataView {
  if (b.length < n) throw insufficient();
  if (b.length > n) throw new PgError(SQLSTATE.invalid_binary_representation, 'incorrect binary data format');
  return view(b);
}

function int64Send(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, v);
  return out;
}

/** timestamp_recv: the range check, then the typmod's rounding. @throws PgError 22008 `timestamp out of range`. */
function timestampRecv(us: bigint, typmod: number): bigint {
  if (isFiniteTimestamp(us)) checkTimestamp(us);
  return adjustTimestampTypmod(us, typmod);
}

/** date_recv. @throws PgError 22008 `date out of range`. */
function dateRecv(d: number): number {
  if (isFiniteDate(d) && (d < TIMESTAMP_START_DAYS || d >= DATE_END_DAYS)) throw new PgError(SQLSTATE.datetime_value_out_of_range, 'date out of range');
  return d;
}

/** textrecv: the client encoding is UTF-8, so the bytes must be valid UTF-8 without NUL. */
function textRecv(b: Uint8Array): string {
  let s: string;
  try {
    s = utf8Strict.decode(b);
  } catch {
    throw new PgError(SQLSTATE.character_not_in_repertoire, 'invalid byte sequence for encoding "UTF8"');
  }
  if (s.includes('\0')) throw new PgError(SQLSTATE.character_not_in_repertoire, 'invalid byte sequence for encoding "UTF8": 0x00');
  return s;
}

type Send = (v: Datum) => Uint8Array;
type Recv = (b: Uint8Array, typmod: number) => Datum;
type ToJs = (v: Datum, vectorsAsFloat32: boolean) => unknown;

/** Embedded-API shapes that differ from the runtime value (see {@link TypeIo.toJs}). */
const TO_JS: Readonly<Record<string, ToJs>> = {
  vector: (v, f32) => (f32 ? (v as Float32Array).slice() : formatVector(v as Float32Array)),
  halfvec: (v, f32) => (f32 ? halfvecToFloats(v as Uint16Array) : formatHalfvec(v as Uint16Array)),
  sparsevec: (v) => formatSparsevec(v as SparseVector),
  bit: (v) => formatBit(v as BitString),
  varbit: (v) => formatBit(v as BitString),
  // PostgreSQL prints float4 with the shortest text that round-trips in float32; PGlite parses that text.
  float4: (v) => Number(formatFloat4(v as number)),
  numeric: (v) => String(v),
  // PGlite parses json and jsonb results.
  jsonb: (v) => JSON.parse((v as Jsonb).toString()),
  json: (v) => JSON.parse(v as string),
  // PGlite builds a Date from the text PostgreSQL prints (an Invalid Date for infinity / BC).
  // Instants: a Date is the same whatever the session's zone, so it is read from the UTC text.
  timestamp: (v) => new Date(formatTimestamp(v as bigint, 'timestamp', UTC_ZONE)),
  timestamptz: (v) => new Date(formatTimestamp(v as bigint, 'timestamptz', UTC_ZONE)),
  date: (v) => new Date(formatDate(v as number)),
  // PGlite leaves a time as the text PostgreSQL prints.
  time: (v) => formatTime(v as number),
  timetz: (v) => formatTimetz(v as TimeTz),
  interval: (v) => formatInterval(v as Interval),
};
const identity: ToJs = (v) => v;

/**
 * oidsend for oid and the reg* types (regclasssend and the others are oidsend): a reg* value
 * is its oid at every step up to the text output, which prints the name.
 */
function regSend(v: Datum): Uint8Array {
  assert(typeof v === 'number', 'a reg* value is an oid until its text output');
  return oidSend(v);
}

const SCALARS: readonly [name: string, oid: number, arrayOid: number, typlen: number, send: Send, recv: Recv][] = [
  ['bool', 16, 1000, 1, (v) => Uint8Array.of(v ? 1 : 0), (b) => fixed(b, 1).getUint8(0) !== 0],
  ['bytea', 17, 1001, -1, (v) => byteaSend(v as Uint8Array), (b) => byteaRecv(b)],
  [
    'int8', 20, 1016, 8,
    (v) => {
      const out = new Uint8Array(8);
      new DataView(out.buffer).setBigInt64(0, BigInt(v as number | bigint));
      return out;
    },
    (b) => {
      const x = fixed(b, 8).getBigInt64(0);
      const n = Number(x);
      return Number.isSafeInteger(n) ? n : x;
    },
  ],
  ['int2', 21, 1005, 2, (v) => int2Send(v as number), (b) => (fixed(b, 2), int2Recv(b))],
  [
    'int4', 23, 1007, 4,
    (v) => {
      const out = new Uint8Array(4);
      new DataView(out.buffer).setInt32(0, v as number);
      return out;
    },
    (b) => fixed(b, 4).getInt32(0),
  ],
  ['regproc', 24, 1008, 4, regSend, (b) => oidRecv(fixed(b, 4) && b)],
  ['text', 25, 1009, -1, (v) => utf8.encode(v as string), (b) => textRecv(b)],
  ['oid', 26, 1028, 4, regSend, (b) => oidRecv(fixed(b, 4) && b)],
  ['json', 114, 199, -1, (v) => utf8.encode(v as string), (b) => parseJson(textRecv(b))],
  [
    'float4', 700, 1021, 4,
    (v) => {
      const out = new Uint8Array(4);
      new DataView(out.buffer).setFloat32(0, v as number);
      return out;
    },
    (b) => fixed(b, 4).getFloat32(0),
  ],
  [
    'float8', 701, 1022, 8,
    (v) => {
      const out = new Uint8Array(8);
      new DataView(out.buffer).setFloat64(0, v as number);
      return out;
    },
    (b) => fixed(b, 8).getFloat64(0),
  ],
  // bpchar_recv / varchar_recv apply the typmod as their input functions do (22001 when too
  // long but for trailing spaces; char(n) padded).
  ['bpchar', 1042, 1014, -1, (v) => utf8.encode(v as string), (b, t) => charCoerce('bpchar', textRecv(b), t, false)],
  ['varchar', 1043, 1015, -1, (v) => utf8.encode(v as string), (b, t) => charCoerce('varchar', textRecv(b), t, false)],
  // date: int32 days since 2000-01-01; timestamp / timestamptz: int64 microseconds since then.
  [
    'date', 1082, 1182, 4,
    (v) => {
      const out = new Uint8Array(4);
      new DataView(out.buffer).setInt32(0, v as number);
      return out;
    },
    (b) => dateRecv(fixed(b, 4).getInt32(0)),
  ],
  // time: int64 microseconds since midnight.
  ['time', 1083, 1183, 8, (v) => int64Send(BigInt(v as number)), (b, t) => timeRecv(fixed(b, 8).getBigInt64(0), t)],
  ['timestamp', 1114, 1115, 8, (v) => int64Send(v as bigint), (b, t) => timestampRecv(fixed(b, 8).getBigInt64(0), t)],
  ['timestamptz', 1184, 1185, 8, (v) => int64Send(v as bigint), (b, t) => timestampRecv(fixed(b, 8).getBigInt64(0), t)],
  // interval_recv applies the typmod (AdjustIntervalForTypmod), as interval_in does.
  ['interval', 1186, 1187, 16, (v) => intervalSend(v as Interval), (b, t) => (fixed(b, 16), adjustIntervalForTypmod(intervalRecv(b), t))],
  // timetz: int64 microseconds since midnight, then int32 seconds west of UTC.
  ['timetz', 1266, 1270, 12, (v) => timetzSend(v as TimeTz), (b, t) => { const dv = fixed(b, 12); return timetzRecv(dv.getBigInt64(0), dv.getInt32(8), t); }],
  ['bit', 1560, 1561, -1, (v) => bitSend(v as BitString), (b, t) => bitRecv(b, t, false)],
  ['varbit', 1562, 1563, -1, (v) => bitSend(v as BitString), (b, t) => bitRecv(b, t, true)],
  ['numeric', 1700, 1231, -1, (v) => numericSend(v as Numeric), (b, t) => numericRecv(b, t)],
  ['regprocedure', 2202, 2207, 4, regSend, (b) => oidRecv(fixed(b, 4) && b)],
  ['regclass', 2205, 2210, 4, regSend, (b) => oidRecv(fixed(b, 4) && b)],
  ['regtype', 2206, 2211, 4, regSend, (b) => oidRecv(fixed(b, 4) && b)],
  ['uuid', 2950, 2951, 16, (v) => uuidSend(v as string), (b) => (fixed(b, 16), uuidRecv(b))],
  [
    'jsonb', 3802, 3807, -1,
    // jsonb_send: a version byte (1), then the text form.
    (v) => {
      const text = utf8.encode((v as Jsonb).toString());
      const out = new Uint8Array(1 + text.length);
      out[0] = 1;
      out.set(text, 1);
      return out;
    },
    (b) => {
      if (b.length < 1) throw insufficient();
      if (b[0] !== 1) throw new PgError(SQLSTATE.invalid_binary_representation, `unsupported jsonb version number ${b[0]}`);
      return parseJsonb(textRecv(b.subarray(1)));
    },
  ],
  ['regnamespace', 4089, 4090, 4, regSend, (b) => oidRecv(fixed(b, 4) && b)],
  ['vector', 16385, 16391, -1, (v) => vectorSend(v as Float32Array), (b, t) => vectorRecv(b, t)],
  ['halfvec', 16498, 16504, -1, (v) => halfvecSend(v as Uint16Array), (b, t) => halfvecRecv(b, t)],
  ['sparsevec', 16633, 16639, -1, (v) => sparsevecSend(v as SparseVector), (b, t) => sparsevecRecv(b, t)],
];

const byName = new Map<string, TypeIo>();
const byOid = new Map<number, TypeIo>();

function add(t: TypeIo): void {
  byName.set(t.name, t);
  byOid.set(t.oid, t);
}

for (const [name, oid, arrayOid, typlen, send, recv] of SCALARS) {
  add({ name, typname: name, oid, typlen, elemOid: 0, arrayOid, send, recv, toJs: TO_JS[name] ?? identity });
}
for (const [name, oid, arrayOid] of SCALARS) {
  const elem = byName.get(name)!;
  add({
    name: `${name}[]`,
    typname: `_${name}`,
    oid: arrayOid,
    typlen: -1,
    elemOid: oid,
    arrayOid: 0,
    send: (v) => arraySend(v as PgArray, elem),
    recv: (b, t) => arrayRecv(b, elem, t),
    toJs: identity,
  });
}

/** The registry row of a type by its SQL-layer name (`int4`, `vector[]`, an enum type's), or undefined. */
export function typeIoByName(name: string): TypeIo | undefined {
  const io = byName.get(name);
  if (io !== undefined || !hasEnumElements(name)) return io;
  return isEnumSqlType(name) ? enumTypeIo(name) : enumArrayTypeIo(name.slice(0, -2) as EnumSqlType);
}

/**
 * An enum type's array type (`_mood`): array_send / array_recv over enum_send / enum_recv, so
 * `recv` gives an array of labels (strings) for the caller to read with enum_in.
 */
function enumArrayTypeIo(elemType: EnumSqlType): TypeIo {
  const elem = enumTypeIo(elemType);
  return {
    name: `${elemType}[]`, typname: `_${elem.typname}`, oid: enumArrayOid(elemType), typlen: -1, elemOid: elem.oid, arrayOid: 0,
    send: (v) => arraySend(v as PgArray, elem),
    recv: (b, t) => arrayRecv(b, elem, t),
    toJs: identity,
  };
}

/**
 * The wire forms of an enum type's values (enum.c enum_send / enum_recv): the label's UTF-8
 * bytes. `recv` returns the label as a string, which the caller reads with enum_in (it needs
 * the database's catalog); `toJs` the label, as PGlite returns a type it has no parser for.
 * pg_type.typlen of an enum type is 4 (its values are oids).
 */
export function enumTypeIo(type: EnumSqlType): TypeIo {
  return {
    name: type, typname: enumTypeName(type), oid: enumTypeOid(type), typlen: 4, elemOid: 0, arrayOid: enumArrayOid(type),
    send: (v) => utf8.encode((v as unknown as EnumValue).label),
    recv: (b) => {
      try {
        return utf8Strict.decode(b);
      } catch {
        throw new PgError(SQLSTATE.character_not_in_repertoire, 'invalid byte sequence for encoding "UTF8"');
      }
    },
    toJs: (v) => (v as unknown as EnumValue).label,
  };
}

/** The registry row of a type OID, or undefined for a type vecgres does not have. */
export function typeIoByOid(oid: number): TypeIo | undefined {
  return byOid.get(oid);
}

/** Every registered type, scalars first, in OID order within each group. */
export function allTypeIo(): TypeIo[] {
  return [...byName.values()];
}

/** array_send (layout in the module comment); lower bounds are always 1. */
function arraySend(a: PgArray, elem: TypeIo): Uint8Array {
  const parts: (Uint8Array | null)[] = a.elems.map((x) => (x === null ? null : elem.send(x)));
  let bytes = 12 + 8 * a.ndim;
  for (const p of parts) bytes += 4 + (p === null ? 0 : p.length);
  const out = new Uint8Array(bytes);
  const dv = new DataView(out.buffer);
  dv.setInt32(0, a.ndim);
  dv.setInt32(4, parts.includes(null) ? 1 : 0);
  dv.setUint32(8, elem.oid);
  let p = 12;
  for (const d of a.dims) {
    dv.setInt32(p, d);
    dv.setInt32(p + 4, 1);
    p += 8;
  }
  for (const part of parts) {
    dv.setInt32(p, part === null ? -1 : part.length);
    p += 4;
    if (part !== null) {
      out.set(part, p);
      p += part.length;
    }
  }
  return out;
}

/** SQL's names of the types format_type prints that way; others print as their typname. */
const SQL_TYPE_NAMES: Readonly<Record<string, string>> = {
  int2: 'smallint', int4: 'integer', int8: 'bigint', float4: 'real', float8: 'double precision', bool: 'boolean',
  varchar: 'character varying', bpchar: 'character', varbit: 'bit varying', timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone', time: 'time without time zone', timetz: 'time with time zone',
};

/** format_type_extended(oid, -1, FORMAT_TYPE_ALLOW_INVALID) of a type vecgres knows by typname (`???` for none). */
function formatTypeName(name: string | undefined): string {
  return name === undefined ? '???' : SQL_TYPE_NAMES[name] ?? name;
}

/** PostgreSQL's MAXDIM. */
const ARRAY_MAX_DIMS = 6;

/**
 * array_recv for one element type. PostgreSQL's checks and texts: 22P03 `invalid number of
 * dimensions`, `invalid array flags`, 42804 `binary data has array element type ... instead of
 * expected ...`, 08P01 for a short buffer, 22P03 `insufficient data left in message` inside an
 * element. Lower bounds other than 1 are refused (vecgres arrays start at 1): 0A000.
 */
function arrayRecv(b: Uint8Array, elem: TypeIo, typmod: number): PgArray {
  if (b.length < 12) throw insufficient();
  const dv = view(b);
  const ndim = dv.getInt32(0);
  const flags = dv.getInt32(4);
  const elemOid = dv.getUint32(8);
  if (ndim < 0 || ndim > ARRAY_MAX_DIMS) throw new PgError(SQLSTATE.invalid_binary_representation, `invalid number of dimensions: ${ndim}`);
  if (flags !== 0 && flags !== 1) throw new PgError(SQLSTATE.invalid_binary_representation, 'invalid array flags');
  if (elemOid !== elem.oid) {
    const shown = (oid: number): string => formatTypeName(typeIoByOid(oid)?.name);
    throw new PgError(SQLSTATE.datatype_mismatch, `binary data has array element type ${elemOid} (${shown(elemOid)}) instead of expected ${elem.oid} (${shown(elem.oid)})`);
  }
  if (b.length < 12 + 8 * ndim) throw insufficient();
  const dims: number[] = [];
  let count = ndim === 0 ? 0 : 1;
  for (let i = 0; i < ndim; i++) {
    const len = dv.getInt32(12 + 8 * i);
    const lbound = dv.getInt32(16 + 8 * i);
    if (len < 0) throw new PgError(SQLSTATE.invalid_binary_representation, 'invalid array dimensions');
    if (lbound !== 1 && len > 0) throw new PgError(SQLSTATE.feature_not_supported, 'array lower bounds other than 1 are not supported');
    dims.push(len);
    count *= len;
    if (count > 134217727) throw new PgError(SQLSTATE.program_limit_exceeded, 'array size exceeds the maximum allowed (134217727)');
  }
  let p = 12 + 8 * ndim;
  const elems: ArrayElement[] = [];
  for (let i = 0; i < count; i++) {
    if (p + 4 > b.length) throw insufficient();
    const len = dv.getInt32(p);
    p += 4;
    if (len === -1) {
      elems.push(null);
      continue;
    }
    if (len < 0 || p + len > b.length) throw new PgError(SQLSTATE.invalid_binary_representation, 'insufficient data left in message');
    // array_recv hands the column's typmod to each element's receive function.
    elems.push(elem.recv(b.subarray(p, p + len), typmod) as ArrayElement);
    p += len;
  }
  if (p !== b.length) throw new PgError(SQLSTATE.invalid_binary_representation, 'incorrect binary data format in array element');
  return new PgArray(elem.name, count === 0 ? [] : dims, elems);
}
