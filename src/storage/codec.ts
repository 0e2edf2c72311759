/**
 * Compact binary codec for WAL payloads and checkpoint files: a cursor-based {@link ByteWriter}
 * over a growable Uint8Array and a {@link ByteReader} over a byte range. No JSON.
 *
 * Two ways to use it:
 * - typed calls when both sides know the schema (`u32`, `varuint`, `f64`, `string`, `f32array`...),
 *   the fast path for row and index records;
 * - self-describing {@link CodecValue}s (`value`/`readValue`) for small heterogeneous data:
 *   null, booleans, numbers, bigints, strings, Float32Array/Int32Array/Uint8Array, halfvec
 *   (Uint16Array), sparsevec, bit and numeric values, SQL arrays (PgArray), arrays and
 *   string-keyed records of these.
 *
 * Encodings (all little-endian):
 * - varuint: unsigned LEB128 of a safe integer (1 byte below 128, at most 8 bytes);
 * - varint: zigzag then varuint, for int32 values;
 * - string: varuint byte length, then UTF-8;
 * - f32array / i32array: varuint element count, then the raw little-endian elements (4 bytes each);
 * - bytes: varuint length, then the bytes;
 * - bigint (in values): zigzag LEB128 of any size.
 * Tagged values: one tag byte ({@link Tag}) then the encoding above; numbers that are int32 use
 * varint, every other number (fractions, -0, NaN, large integers) is a float64.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { BitString } from '../types/bit.js';
import { SparseVector } from '../types/sparsevec.js';
import { Numeric, parseNumeric } from '../types/numeric.js';
import { Jsonb, parseJsonb } from '../types/jsonb.js';
import { Interval } from '../types/interval.js';
import { PgArray, type ArrayElement } from '../types/pgarray.js';
import { EnumValue } from '../types/enum_value.js';
import { utf8Length } from '../types/text_order.js';

/** A value the self-describing encoding round-trips exactly. */
export type CodecValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Float32Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | SparseVector
  | BitString
  | Numeric
  | Jsonb
  | Interval
  | PgArray
  | EnumValue
  | CodecValue[]
  | { [key: string]: CodecValue };

/** Tag bytes of {@link CodecValue} encodings; part of the on-disk format, never renumber. */
export const enum Tag {
  Null = 0,
  False = 1,
  True = 2,
  Int = 3,
  Float64 = 4,
  BigInt = 5,
  String = 6,
  Float32Array = 7,
  Int32Array = 8,
  Bytes = 9,
  Array = 10,
  Record = 11,
  /** halfvec: varuint count, then the binary16 patterns (2 bytes each, little-endian). */
  Uint16Array = 12,
  /** sparsevec: varuint dim, i32array indices, f32array values. */
  SparseVector = 13,
  /** bit / varbit: varuint bit length, bytes. */
  BitString = 14,
  /** numeric: its numeric_out text (exact, with the display scale; NaN and infinities too). */
  Numeric = 15,
  /** jsonb: its jsonb_out text (normalised; parsed back to the same tree). */
  Jsonb = 16,
  /** interval: varint months, varint days, then the microseconds as a BigInt value (tag included). */
  Interval = 17,
  /**
   * An array value (a `text[]` column's): the element type name as a string, varuint number of
   * dimensions, each length as a varuint, then the elements (row-major) as tagged values.
   */
  PgArray = 18,
  /**
   * An enum value: varuint pg_enum oid, its label (string) and sort position (float64) as
   * written; the catalog swaps a value read back for the label's interned one.
   */
  Enum = 19,
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });


/** Appends encoded data to a growable buffer. `finish()` returns a view of what was written. */
export class ByteWriter {
  private buf: Uint8Array;
  private dv: DataView;
  /** Bytes written so far (the cursor). */
  pos = 0;

  constructor(initialBytes = 256) {
    this.buf = new Uint8Array(Math.max(16, initialBytes));
    this.dv = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes (amortized doubling). */
  reserve(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
    this.dv = new DataView(b.buffer);
  }

  /** Forgets the contents, keeping the capacity (reuse one writer per session). */
  reset(): void {
    this.pos = 0;
  }

  /** A view of the bytes written so far; valid until the next write or reset. */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  u8(v: number): this {
    this.reserve(1);
    this.buf[this.pos++] = v;
    return this;
  }

  u16(v: number): this {
    this.reserve(2);
    this.dv.setUint16(this.pos, v, true);
    this.pos += 2;
    return this;
  }

  u32(v: number): this {
    this.reserve(4);
    this.dv.setUint32(this.pos, v, true);
    this.pos += 4;
    return this;
  }

  i32(v: number): this {
    this.reserve(4);
    this.dv.setInt32(this.pos, v, true);
    this.pos += 4;
    return this;
  }

  /** A non-negative safe integer as 8 bytes (LSNs, byte offsets). */
  u64(v: number): this {
    this.reserve(8);
    this.dv.setUint32(this.pos, v % 0x100000000, true);
    this.dv.setUint32(this.pos + 4, Math.floor(v / 0x100000000), true);
    this.pos += 8;
    return this;
  }

  /** A signed 64-bit bigint as 8 bytes (PostgreSQL int8 columns). */
  i64(v: bigint): this {
    this.reserve(8);
    this.dv.setBigInt64(this.pos, v, true);
    this.pos += 8;
    return this;
  }

  f32(v: number): this {
    this.reserve(4);
    this.dv.setFloat32(this.pos, v, true);
    this.pos += 4;
    return this;
  }

  f64(v: number): this {
    this.reserve(8);
    this.dv.setFloat64(this.pos, v, true);
    this.pos += 8;
    return this;
  }

  bool(v: boolean): this {
    return this.u8(v ? 1 : 0);
  }

  /** Unsigned LEB128 of a safe integer in [0, 2^53). */
  varuint(v: number): this {
    this.reserve(8);
    const b = this.buf;
    let p = this.pos;
    while (v >= 0x80) {
      b[p++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    b[p++] = v;
    this.pos = p;
    return this;
  }

  /** Zigzag varint of an int32. */
  varint(v: number): this {
    return this.varuint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  /** Raw bytes, no length prefix. */
  raw(src: Uint8Array, off = 0, len = src.length - off): this {
    this.reserve(len);
    this.buf.set(src.subarray(off, off + len), this.pos);
    this.pos += len;
    return this;
  }

  /** Length-prefixed bytes. */
  bytes(src: Uint8Array, off = 0, len = src.length - off): this {
    this.varuint(len);
    return this.raw(src, off, len);
  }

  /** Length-prefixed UTF-8. */
  string(s: string): this {
    const n = utf8Length(s);
    this.varuint(n);
    this.reserve(n);
    const r = encoder.encodeInto(s, this.buf.subarray(this.pos, this.pos + n));
    this.pos += r.written;
    return this;
  }

  /** Count-prefixed float32 elements `src[off .. off+len)`, copied little-endian. */
  f32array(src: Float32Array, off = 0, len = src.length - off): this {
    this.varuint(len);
    this.words32(src, off, len);
    return this;
  }

  /** Count-prefixed int32 elements `src[off .. off+len)`, little-endian. */
  i32array(src: Int32Array, off = 0, len = src.length - off): this {
    this.varuint(len);
    this.words32(src, off, len);
    return this;
  }

  private words32(src: Float32Array | Int32Array, off: number, len: number): void {
    this.reserve(len * 4);
    if (LITTLE_ENDIAN_HOST) {
      this.buf.set(new Uint8Array(src.buffer, src.byteOffset + off * 4, len * 4), this.pos);
    } else {
      const u = new Uint32Array(src.buffer, src.byteOffset + off * 4, len);
      for (let i = 0; i < len; i++) this.dv.setUint32(this.pos + i * 4, u[i]!, true);
    }
    this.pos += len * 4;
  }

  /** A self-describing value (tag byte + encoding). */
  value(v: CodecValue): this {
    if (v === null) return this.u8(Tag.Null);
    switch (typeof v) {
      case 'boolean':
        return this.u8(v ? Tag.True : Tag.False);
      case 'number':
        if ((v | 0) === v && !Object.is(v, -0)) return this.u8(Tag.Int).varint(v);
        return this.u8(Tag.Float64).f64(v);
      case 'bigint': {
        this.u8(Tag.BigInt);
        let z = v >= 0n ? v << 1n : ((-v) << 1n) - 1n;
        while (z >= 0x80n) {
          this.u8(Number(z & 0x7fn) | 0x80);
          z >>= 7n;
        }
        return this.u8(Number(z));
      }
      case 'string':
        return this.u8(Tag.String).string(v);
      default:
        break;
    }
    if (v instanceof Float32Array) return this.u8(Tag.Float32Array).f32array(v);
    if (v instanceof Int32Array) return this.u8(Tag.Int32Array).i32array(v);
    if (v instanceof Uint8Array) return this.u8(Tag.Bytes).bytes(v);
    if (v instanceof Uint16Array) {
      this.u8(Tag.Uint16Array).varuint(v.length);
      for (let i = 0; i < v.length; i++) this.u16(v[i]!);
      return this;
    }
    if (v instanceof SparseVector) return this.u8(Tag.SparseVector).varuint(v.dim).i32array(v.indices).f32array(v.values);
    if (v instanceof BitString) return this.u8(Tag.BitString).varuint(v.length).bytes(v.bytes);
    if (v instanceof Numeric) return this.u8(Tag.Numeric).string(v.toString());
    if (v instanceof Jsonb) return this.u8(Tag.Jsonb).string(v.toString());
    if (v instanceof Interval) return this.u8(Tag.Interval).varint(v.months).varint(v.days).value(v.us);
    if (v instanceof EnumValue) return this.u8(Tag.Enum).varuint(v.oid).string(v.label).f64(v.sortOrder);
    if (v instanceof PgArray) {
      this.u8(Tag.PgArray).string(v.elemType).varuint(v.dims.length);
      for (const d of v.dims) this.varuint(d);
      for (const x of v.elems) this.value(x as CodecValue);
      return this;
    }
    if (Array.isArray(v)) {
      this.u8(Tag.Array).varuint(v.length);
      for (const x of v) this.value(x);
      return this;
    }
    if (typeof v === 'object') {
      const keys = Object.keys(v);
      this.u8(Tag.Record).varuint(keys.length);
      for (const k of keys) this.string(k).value(v[k]!);
      return this;
    }
    throw new TypeError(`cannot encode a value of type ${typeof v}`);
  }
}

/** Error for a payload that ends early or holds an unknown tag: the bytes are not ours. */
function corrupt(what: string, pos: number): PgError {
  return new PgError(SQLSTATE.data_corrupted, `invalid encoded data at offset ${pos}: ${what}`);
}

/**
 * Reads what {@link ByteWriter} wrote, from `buf[off .. off+len)`. Reading past the end throws
 * PgError XX001 (the data on disk is not what we wrote).
 */
export class ByteReader {
  private readonly dv: DataView;
  /** Absolute position in `buf`. */
  pos: number;
  readonly end: number;

  constructor(readonly buf: Uint8Array, off = 0, len = buf.length - off) {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = off;
    this.end = off + len;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): number {
    const p = this.pos;
    if (p + n > this.end) throw corrupt(`need ${n} bytes, ${this.end - p} left`, p);
    this.pos = p + n;
    return p;
  }

  u8(): number {
    return this.buf[this.need(1)]!;
  }

  u16(): number {
    return this.dv.getUint16(this.need(2), true);
  }

  u32(): number {
    return this.dv.getUint32(this.need(4), true);
  }

  i32(): number {
    return this.dv.getInt32(this.need(4), true);
  }

  u64(): number {
    const p = this.need(8);
    return this.dv.getUint32(p, true) + this.dv.getUint32(p + 4, true) * 0x100000000;
  }

  i64(): bigint {
    return this.dv.getBigInt64(this.need(8), true);
  }

  f32(): number {
    return this.dv.getFloat32(this.need(4), true);
  }

  f64(): number {
    return this.dv.getFloat64(this.need(8), true);
  }

  bool(): boolean {
    return this.u8() !== 0;
  }

  varuint(): number {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 0x80;
    }
    throw corrupt('varuint longer than 8 bytes', this.pos);
  }

  varint(): number {
    const z = this.varuint();
    return (z >>> 1) ^ -(z & 1);
  }

  /** A view of the next `len` raw bytes (no copy; valid while `buf` is). */
  raw(len: number): Uint8Array {
    const p = this.need(len);
    return this.buf.subarray(p, p + len);
  }

  /** A view of length-prefixed bytes (no copy). */
  bytes(): Uint8Array {
    return this.raw(this.varuint());
  }

  string(): string {
    const n = this.varuint();
    const p = this.need(n);
    try {
      return decoder.decode(this.buf.subarray(p, p + n));
    } catch {
      throw corrupt('invalid UTF-8', p);
    }
  }

  /** Count-prefixed float32 elements as a new array. */
  f32array(): Float32Array {
    const n = this.varuint();
    const out = new Float32Array(n);
    this.words32Into(out, 0, n);
    return out;
  }

  /**
   * Count-prefixed float32 elements copied into `target[off..]` (e.g. straight into a vector
   * segment), without an intermediate array. Returns the element count.
   */
  f32arrayInto(target: Float32Array, off: number): number {
    const n = this.varuint();
    if (off + n > target.length) throw corrupt(`array of ${n} does not fit the target`, this.pos);
    this.words32Into(target, off, n);
    return n;
  }

  i32array(): Int32Array {
    const n = this.varuint();
    const out = new Int32Array(n);
    this.words32Into(out, 0, n);
    return out;
  }

  private words32Into(target: Float32Array | Int32Array, off: number, n: number): void {
    const p = this.need(n * 4);
    if (LITTLE_ENDIAN_HOST) {
      new Uint8Array(target.buffer, target.byteOffset + off * 4, n * 4).set(this.buf.subarray(p, p + n * 4));
    } else {
      const u = new Uint32Array(target.buffer, target.byteOffset + off * 4, n);
      for (let i = 0; i < n; i++) u[i] = this.dv.getUint32(p + i * 4, true);
    }
  }

  /** A self-describing value written by {@link ByteWriter.value}. Typed arrays are copies. */
  readValue(): CodecValue {
    const at = this.pos;
    const tag = this.u8();
    switch (tag) {
      case Tag.Null: return null;
      case Tag.False: return false;
      case Tag.True: return true;
      case Tag.Int: return this.varint();
      case Tag.Float64: return this.f64();
      case Tag.BigInt: {
        let z = 0n;
        let shift = 0n;
        for (;;) {
          const b = this.u8();
          z |= BigInt(b & 0x7f) << shift;
          if (b < 0x80) break;
          shift += 7n;
        }
        return z & 1n ? -((z + 1n) >> 1n) : z >> 1n;
      }
      case Tag.String: return this.string();
      case Tag.Float32Array: return this.f32array();
      case Tag.Int32Array: return this.i32array();
      case Tag.Bytes: return this.bytes().slice();
      case Tag.Uint16Array: {
        const n = this.varuint();
        if (n * 2 > this.remaining) throw corrupt(`halfvec of ${n} elements in ${this.remaining} bytes`, at);
        const out = new Uint16Array(n);
        for (let i = 0; i < n; i++) out[i] = this.u16();
        return out;
      }
      case Tag.SparseVector: {
        const dim = this.varuint();
        const indices = this.i32array();
        const values = this.f32array();
        if (indices.length !== values.length) throw corrupt('sparsevec with unequal index and value counts', at);
        return new SparseVector(dim, indices, values);
      }
      case Tag.BitString: {
        const len = this.varuint();
        const bytes = this.bytes().slice();
        if (bytes.length !== (len + 7) >>> 3) throw corrupt(`bit string of ${len} bits in ${bytes.length} bytes`, at);
        return new BitString(len, bytes);
      }
      case Tag.Numeric: {
        const text = this.string();
        try {
          return parseNumeric(text);
        } catch {
          throw corrupt(`numeric "${text.slice(0, 40)}"`, at);
        }
      }
      case Tag.Jsonb: {
        const text = this.string();
        try {
          return parseJsonb(text);
        } catch {
          throw corrupt(`jsonb "${text.slice(0, 40)}"`, at);
        }
      }
      case Tag.Interval: {
        const months = this.varint();
        const days = this.varint();
        const us = this.readValue();
        if (typeof us !== 'bigint') throw corrupt('interval', at);
        return new Interval(months, days, us);
      }
      case Tag.Enum: {
        const oid = this.varuint();
        const label = this.string();
        return new EnumValue(oid, label, this.f64());
      }
      case Tag.PgArray: {
        const elemType = this.string();
        const ndim = this.varuint();
        if (ndim > 6) throw corrupt(`array of ${ndim} dimensions`, at);
        const dims: number[] = [];
        let n = ndim === 0 ? 0 : 1;
        for (let i = 0; i < ndim; i++) {
          const d = this.varuint();
          dims.push(d);
          n *= d;
        }
        if (n > this.remaining) throw corrupt(`array of ${n} elements in ${this.remaining} bytes`, at);
        const elems: ArrayElement[] = new Array(n);
        for (let i = 0; i < n; i++) {
          const x = this.readValue();
          if (x instanceof PgArray || Array.isArray(x) || (typeof x === 'object' && x !== null && !ArrayBuffer.isView(x) && x.constructor === Object)) throw corrupt('array element', at);
          elems[i] = x as ArrayElement;
        }
        return new PgArray(elemType, dims, elems);
      }
      case Tag.Array: {
        const n = this.varuint();
        if (n > this.remaining) throw corrupt(`array of ${n} values in ${this.remaining} bytes`, at);
        const out: CodecValue[] = new Array(n);
        for (let i = 0; i < n; i++) out[i] = this.readValue();
        return out;
      }
      case Tag.Record: {
        const n = this.varuint();
        if (n > this.remaining) throw corrupt(`record of ${n} fields in ${this.remaining} bytes`, at);
        const out: { [key: string]: CodecValue } = {};
        for (let i = 0; i < n; i++) {
          const k = this.string();
          // defineProperty, not assignment: a key named "__proto__" must stay a plain field.
          Object.defineProperty(out, k, { value: this.readValue(), enumerable: true, writable: true, configurable: true });
        }
        return out;
      }
      default:
        throw corrupt(`unknown value tag ${tag}`, at);
    }
  }
}

/** Encodes one value into a fresh byte array. */
export function encodeValue(v: CodecValue): Uint8Array {
  return new ByteWriter().value(v).finish().slice();
}

/** Decodes one value; throws XX001 if bytes are left over or missing. */
export function decodeValue(bytes: Uint8Array): CodecValue {
  const r = new ByteReader(bytes);
  const v = r.readValue();
  if (r.remaining !== 0) throw corrupt(`${r.remaining} trailing bytes`, r.pos);
  return v;
}
