/**
 * Fast paths that read a `vector` straight from input bytes, for bulk loads (COPY FROM), with
 * no intermediate string or DataView per value. Each one accepts only the plain, valid inputs
 * it can decide exactly and returns null for anything else, so the caller runs the ordinary
 * input function (vector_in / vector_recv, vector.ts), which gives the same value or
 * pgvector's error. They never throw and never answer differently from those functions:
 * the tests compare them on random and mutated inputs.
 */
import { VECTOR_MAX_DIM } from '../common/limits.js';
import { shortDecimalToFloat4, truncatedDecimalToFloat4 } from './float.js';

/** Parsed elements of a vector whose dimension is not fixed by a typmod (copied out after). */
const anyDimScratch = new Float32Array(VECTOR_MAX_DIM);

/** Whether typed arrays are little-endian (vectorFromSend's swap assumes it; otherwise vector_recv decides). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Floats per slab: 256 KiB, a few hundred rows of embeddings. */
const SLAB_FLOATS = 1 << 16;

/**
 * Hands out vectors as views of large buffers, for a bulk load that makes one per row: a
 * Float32Array of its own costs a buffer allocation each (V8 keeps only tiny typed arrays on
 * its heap), a view of a slab only the view object. Each view is written once and owned by its
 * row until {@link reset}: a load that has stored its rows (COPY FROM after each batch) hands
 * the same buffers out again, so the next rows are parsed into memory the cache and the page
 * tables already hold instead of fresh pages (on a loaded machine, touching a fresh page costs
 * more than parsing the floats written to it).
 */
export class Float32Slab {
  private readonly bufs: Float32Array[] = [];
  private cur = -1;
  private buf: Float32Array = new Float32Array(0);
  /** The current buffer's bytes and 32-bit words (vectorFromSend writes through them). */
  bytes: Uint8Array = new Uint8Array(0);
  words: Int32Array = new Int32Array(0);
  private used = 0;

  /** A vector of `n` floats (contents unspecified) that shares no element with another taken since the last reset. */
  take(n: number): Float32Array {
    if (this.used + n > this.buf.length) {
      this.cur++;
      let b = this.bufs[this.cur];
      if (b === undefined || b.length < n) {
        b = new Float32Array(Math.max(SLAB_FLOATS, n));
        if (this.cur < this.bufs.length) this.bufs[this.cur] = b;
        else this.bufs.push(b);
      }
      this.buf = b;
      this.bytes = new Uint8Array(b.buffer, b.byteOffset, b.length * 4);
      this.words = new Int32Array(b.buffer, b.byteOffset, b.length);
      this.used = 0;
    }
    const v = this.buf.subarray(this.used, this.used + n);
    this.used += n;
    return v;
  }

  /** Every vector taken so far is no longer used: later ones reuse their memory. */
  reset(): void {
    this.cur = -1;
    this.buf = new Float32Array(0);
    this.used = 0;
  }
}

/**
 * vector_in's fast path over ASCII bytes `b[start, end)`: `[x,y,...]` with no whitespace,
 * each element `[+-]digits[.digits][(e|E)[+-]digits]` (at most 4 exponent digits) that
 * {@link shortDecimalToFloat4} (up to 15 significant digits) or {@link truncatedDecimalToFloat4}
 * (more) rounds exactly: the float32 strtof gives (see there for the proofs). `dim` > 0 requires exactly that many elements (a
 * `vector(dim)` column); -1 accepts 1..16,000.
 * @returns a vector from `slab`, or null when the text needs vector_in itself (whitespace,
 *   hexadecimal, inf/nan, digits the fast paths cannot decide, zero that is not `0`-digits, any syntax, range or
 *   dimension error).
 */
export function vectorFromAscii(b: Uint8Array, start: number, end: number, dim: number, slab: Float32Slab): Float32Array | null {
  if (end - start < 3 || b[start] !== 91 /* [ */ || b[end - 1] !== 93 /* ] */) return null;
  const out = dim > 0 ? slab.take(dim) : anyDimScratch;
  const cap = dim > 0 ? dim : VECTOR_MAX_DIM;
  let n = 0;
  let i = start + 1;
  const last = end - 1; // the closing bracket
  for (;;) {
    let c = b[i]!;
    let neg = false;
    if (c === 45 /* - */ || c === 43 /* + */) {
      neg = c === 45;
      c = b[++i]!;
    }
    // Leading zeros are skipped, so `sig` counts significant digits (mant < 10^15 is exact
    // while sig is at most 15). Past 15, `head` keeps the first 15, with `headFrac` fraction
    // digits and `intDropped` integer digits dropped after them (truncatedDecimalToFloat4).
    let mant = 0;
    let sig = 0;
    let digits = 0;
    let fracDigits = 0;
    let head = 0;
    let headFrac = 0;
    let intDropped = 0;
    while (c === 48) {
      digits++;
      c = b[++i]!;
    }
    while (c >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48);
      sig++;
      if (sig <= 15) head = mant;
      else intDropped++;
      c = b[++i]!;
    }
    if (c === 46 /* . */) {
      c = b[++i]!;
      if (sig === 0) {
        while (c === 48) {
          digits++;
          fracDigits++;
          c = b[++i]!;
        }
      }
      while (c >= 48 && c <= 57) {
        mant = mant * 10 + (c - 48);
        sig++;
        fracDigits++;
        if (sig <= 15) {
          head = mant;
          headFrac = fracDigits;
        }
        c = b[++i]!;
      }
    }
    digits += sig;
    if (digits === 0) return null;
    let exp = 0;
    if ((c | 0x20) === 0x65 /* e */) {
      c = b[++i]!;
      let expNeg = false;
      if (c === 45 || c === 43) {
        expNeg = c === 45;
        c = b[++i]!;
      }
      let expDigits = 0;
      while (c >= 48 && c <= 57) {
        exp = exp * 10 + (c - 48);
        expDigits++;
        c = b[++i]!;
      }
      // strtof would leave an `e` without digits unread: junk for vector_in's own error.
      if (expDigits === 0 || expDigits > 4) return null;
      if (expNeg) exp = -exp;
    }
    let f: number;
    if (mant === 0) {
      f = 0;
    } else {
      f = sig <= 15 ? shortDecimalToFloat4(mant, exp - fracDigits) : truncatedDecimalToFloat4(head, exp - headFrac + intDropped);
      if (f !== f) return null;
    }
    if (n === cap) return null;
    out[n++] = neg ? -f : f;
    if (i === last) break;
    if (c !== 44 /* , */ || i > last) return null;
    i++;
  }
  if (dim > 0) return n === dim ? out : null;
  const v = slab.take(n);
  v.set(out.subarray(0, n));
  return v;
}

/**
 * vector_recv's fast path over `b[start, start + len)`: int16 dim, int16 unused = 0, then
 * dim big-endian float4 values, nothing after; `dim` > 0 requires that dimension (-1: any).
 * The field's bytes are copied into the slab at once, then each 32-bit word is byte-swapped in
 * place (one load and store per float instead of four byte loads), with the NaN / infinity
 * check on the exponent bits of all of them before the vector is handed out.
 * @returns a vector from `slab`, or null when vector_recv must decide (any error, a short or
 *   long field).
 */
export function vectorFromSend(b: Uint8Array, start: number, len: number, dim: number, slab: Float32Slab): Float32Array | null {
  if (len < 8 || !LITTLE_ENDIAN) return null;
  const d = (b[start]! << 8) | b[start + 1]!;
  if (d === 0 || d > VECTOR_MAX_DIM || (dim > 0 && d !== dim) || b[start + 2] !== 0 || b[start + 3] !== 0 || len !== 4 + 4 * d) return null;
  const out = slab.take(d);
  const w = slab.words;
  // `out` views the slab's current buffer, as `words` does.
  const first = (out.byteOffset - w.byteOffset) >>> 2;
  slab.bytes.set(b.subarray(start + 4, start + len), first * 4);
  // Any word with an all-ones exponent (NaN or infinity: vector_recv's error) sets `bad`.
  let bad = 0;
  for (let k = first, end = first + d; k < end; k++) {
    const x = w[k]!;
    // Big-endian to the machine's (little-endian) order.
    const y = (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
    bad |= ((y & 0x7f800000) ^ 0x7f800000) === 0 ? 1 : 0;
    w[k] = y;
  }
  if (bad !== 0) return null;
  return out;
}
