/**
 * The bulk-load fast paths (types/vector_bytes.ts, int.ts integerFromAscii, float.ts
 * shortDecimalToFloat4, types/copy_text_bytes.ts) against what they stand in for: vector
 * elements against PostgreSQL's strtof (PGlite), and every fast answer against the general
 * input function on seeded random and mutated inputs (the fast path may decline, never differ).
 * The byte line reader against the string reader over random texts cut into random chunks.
 * Set VECGRES_SEED to replay.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oracleForFile } from '../support/pglite.js';
import { SEED } from '../support/seed.js';
import { Prng } from '../../src/common/prng.js';
import { formatVector, vectorRecv } from '../../src/types/vector.js';
import { Float32Slab, vectorFromAscii, vectorFromSend } from '../../src/types/vector_bytes.js';
import { integerFromAscii, parseInteger } from '../../src/types/int.js';
import { scanBracketList } from '../../src/types/text_input.js';
import { VECTOR_MAX_DIM } from '../../src/common/limits.js';
import { shortDecimalToFloat4, truncatedDecimalToFloat4 } from '../../src/types/float.js';
import { CopyLineReader, COPY_TEXT_DEFAULT, type CopyField } from '../../src/types/copy_text.js';
import { CopyTextByteReader } from '../../src/types/copy_text_bytes.js';

function rng(seed: number): (k: number) => number {
  const prng = new Prng(seed);
  return (k) => prng.int(k);
}

const utf8 = new TextEncoder();
const slab = new Float32Slab();

function fast(text: string, dim: number): Float32Array | null {
  const b = utf8.encode(text);
  return vectorFromAscii(b, 0, b.length, dim, slab);
}

/** vector_in's general loop (parseVector itself tries vectorFromAscii first). */
function general(text: string, typmod: number): Float32Array | string {
  try {
    const x = scanBracketList(text, 'vector', VECTOR_MAX_DIM).slice();
    if (typmod !== -1 && x.length !== typmod) return `22000 expected ${typmod} dimensions, not ${x.length}`;
    return x;
  } catch (e) {
    return `${(e as { code: string }).code} ${(e as Error).message}`;
  }
}

function sameFloats(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** The exact nearest float32 to mant * 10^scale, ties to even (BigInt arithmetic). */
function nearestFloat32(mant: bigint, scale: number): number {
  const d = Math.fround(Number(`${mant}e${scale}`));
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  f[0] = d;
  const bits = u[0]!;
  const candidates = [bits - 1, bits, bits + 1].map((x) => {
    u[0] = x;
    return f[0]!;
  });
  // |X - c| compared over a common denominator 10^-scale * 2^200.
  const num = scale >= 0 ? mant * 10n ** BigInt(scale) : mant;
  const den = scale >= 0 ? 1n : 10n ** BigInt(-scale);
  const dist = (c: number): bigint => {
    // c = m * 2^e exactly; scaled by 2^200 it is an integer for every finite float32.
    const cb = BigInt(Math.round(c * 2 ** 149)) << 51n;
    const x = num << 200n;
    const diff = x - cb * den;
    return diff < 0n ? -diff : diff;
  };
  let best = candidates[1]!;
  let bestD = dist(best);
  for (const c of [candidates[0]!, candidates[2]!]) {
    if (!Number.isFinite(c)) continue;
    const dc = dist(c);
    f[0] = c;
    const even = (u[0]! & 1) === 0;
    if (dc < bestD || (dc === bestD && even)) {
      best = c;
      bestD = dc;
    }
  }
  return best;
}

test('shortDecimalToFloat4: the exact nearest float32 for mantissas up to 15 digits, powers of ten within 1e±22', () => {
  const rnd = rng(SEED);
  let decided = 0;
  try {
    for (let i = 0; i < 20000; i++) {
      const digits = 1 + rnd(15);
      let m = BigInt(1 + rnd(9));
      for (let k = 1; k < digits; k++) m = m * 10n + BigInt(rnd(10));
      const scale = rnd(45) - 22;
      const f = shortDecimalToFloat4(Number(m), scale);
      if (f !== f) continue;
      decided++;
      assert.equal(f, nearestFloat32(m, scale), `${m}e${scale}`);
    }
    // Midpoints between float32 neighbours are exact decimals: the fast path must decline or be right.
    for (let i = 0; i < 2000; i++) {
      const a = new Float32Array([(rnd(2000000) - 1000000) / (1 + rnd(1000))]);
      const u = new Uint32Array(a.buffer);
      const g = new Float32Array(new Uint32Array([u[0]! + 1]).buffer);
      const mid = Math.abs((a[0]! + g[0]!) / 2);
      const [digits, e] = mid.toExponential().split('e');
      const mantText = digits!.replace('.', '');
      if (mantText.length > 15 || mid === 0) continue;
      const scale = Number(e) - (mantText.length - 1);
      const f = shortDecimalToFloat4(Number(mantText), scale);
      if (f === f) assert.equal(f, nearestFloat32(BigInt(mantText), scale), `midpoint ${mid}`);
    }
  } catch (e) {
    console.error(`shortDecimalToFloat4 test failed with seed ${SEED}`);
    throw e;
  }
  assert.ok(decided > 15000, `the fast path decided only ${decided} of 20000`);
});

test('truncatedDecimalToFloat4: the exact nearest float32 for 16 to 25 significant digits, or a refusal', () => {
  const rnd = rng(SEED + 3);
  let decided = 0;
  try {
    for (let i = 0; i < 20000; i++) {
      // Printed doubles (17 digits) and longer client output, and decimals built to sit right
      // next to a float32 midpoint, where the dropped digits decide.
      let m: bigint;
      let scale: number;
      if (i % 4 === 3) {
        const a = new Float32Array([(rnd(2000000) - 1000000) / (1 + rnd(1000))]);
        const u = new Uint32Array(a.buffer);
        const g = new Float32Array(new Uint32Array([u[0]! + 1]).buffer);
        const mid = Math.abs((a[0]! + g[0]!) / 2);
        if (mid === 0) continue;
        const [d, e] = mid.toExponential().split('e');
        const text = d!.replace('.', '').padEnd(18, '0');
        const bump = BigInt(rnd(3)) - 1n; // just below, at or just above the midpoint
        m = BigInt(text) * 1000n + bump;
        scale = Number(e) - (text.length + 3 - 1);
      } else {
        const digits = 16 + rnd(10);
        m = BigInt(1 + rnd(9));
        for (let k = 1; k < digits; k++) m = m * 10n + BigInt(rnd(10));
        scale = rnd(40) - 22 - (digits - 15);
      }
      const text = m.toString();
      const head = Number(text.slice(0, 15));
      const f = truncatedDecimalToFloat4(head, scale + text.length - 15);
      if (f !== f) continue;
      decided++;
      assert.equal(f, nearestFloat32(m, scale), `${m}e${scale}`);
    }
  } catch (e) {
    console.error(`truncatedDecimalToFloat4 test failed with seed ${SEED}`);
    throw e;
  }
  assert.ok(decided > 14000, `the truncated path decided only ${decided} of 20000`);
});

test('vectorFromAscii: elements round to the float32 PostgreSQL picks (PGlite), and agree with vector_in', async () => {
  const oracle = await oracleForFile();
  const rnd = rng(SEED + 1);
  const digits = (n: number): string => Array.from({ length: n }, () => String(rnd(10))).join('');
  const values: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const shape = rnd(5);
    const sign = ['', '-', '+'][rnd(3)]!;
    if (shape === 0) values.push(`${sign}${digits(1 + rnd(8))}.${digits(rnd(10))}`);
    else if (shape === 1) values.push(`${sign}${digits(1 + rnd(12))}e${['', '-', '+'][rnd(3)]}${rnd(26)}`);
    else if (shape === 2) values.push(`${sign}0.${'0'.repeat(rnd(6))}${digits(1 + rnd(16))}`);
    else if (shape === 3) values.push(rnd(2) ? `${sign}.${digits(1 + rnd(7))}E${rnd(2) ? '-' : ''}${rnd(5)}` : `${sign}${digits(1 + rnd(3))}.${digits(14 + rnd(10))}`);
    else {
      const f = new Float32Array([(rnd(2000000) - 1000000) / (1 + rnd(1000))]);
      const u = new Uint32Array(f.buffer);
      const g = new Float32Array(new Uint32Array([u[0]! + 1]).buffer);
      values.push(String((f[0]! + g[0]!) / 2));
    }
  }
  let accepted = 0;
  try {
    // Three elements a literal, so that many literals take the fast path.
    for (let i = 0; i < values.length; i += 3) {
      const lit = `[${values.slice(i, i + 3).join(',')}]`;
      const got = fast(lit, 3);
      if (got === null) continue;
      const want = await oracle.text(`'${lit}'::vector`);
      accepted++;
      assert.equal(formatVector(got), want, lit);
    }
  } catch (e) {
    console.error(`vectorFromAscii PGlite test failed with seed ${SEED}`);
    throw e;
  }
  assert.ok(accepted > 300, `the fast path accepted only ${accepted} of 1000 literals`);
});

test('vectorFromAscii and vectorFromSend never differ from vector_in / vector_recv (random and mutated input)', () => {
  const rnd = rng(SEED + 2);
  const junk = ['', ' ', '\t', ',', '[', ']', '-', '+', '.', 'e', 'E', '0', '9', 'x', 'inf', 'nan', '1e', '\\', '\r', 'é', '00', '1e99999', '0x1p3'];
  let acceptedCanonical = 0;
  try {
    for (let i = 0; i < 5000; i++) {
      const dim = 1 + rnd(6);
      const v = new Float32Array(dim);
      for (let k = 0; k < dim; k++) {
        const kind = rnd(6);
        v[k] = kind === 0 ? 0 : kind === 1 ? -0 : kind === 2 ? (rnd(2000) - 1000) / 8 : (rnd(2 ** 30) - 2 ** 29) * 10 ** (rnd(40) - 20);
      }
      let text = formatVector(v);
      // The canonical form (vector_out's) takes the fast path within 1e-13 <= |x| < 1e13.
      const canon = fast(text, dim);
      if (v.every((x) => x === 0 || (Math.abs(x) >= 1e-13 && Math.abs(x) < 1e13))) {
        assert.ok(canon !== null && sameFloats(canon, v), text);
        acceptedCanonical++;
      } else if (canon !== null) {
        assert.ok(sameFloats(canon, v), text);
      }
      if (rnd(2) === 0) {
        const at = rnd(text.length + 1);
        const cut = rnd(3);
        text = text.slice(0, at) + junk[rnd(junk.length)]! + text.slice(at + cut);
      }
      for (const typmod of [-1, dim, dim + 1]) {
        const got = fast(text, typmod);
        if (got === null) continue;
        const want = general(text, typmod);
        assert.ok(typeof want !== 'string' && sameFloats(got, want), `${text} (typmod ${typmod}): fast ${formatVector(got)}, vector_in ${typeof want === 'string' ? want : formatVector(want)}`);
      }
      // Binary: vector_send bytes, sometimes with a flipped byte, a wrong length or an infinity.
      const send = new Uint8Array(4 + 4 * dim);
      const dv = new DataView(send.buffer);
      dv.setInt16(0, dim);
      for (let k = 0; k < dim; k++) dv.setFloat32(4 + 4 * k, v[k]!);
      let bytes: Uint8Array = send;
      const mut = rnd(5);
      if (mut === 1) bytes[rnd(bytes.length)] = rnd(256);
      else if (mut === 2) bytes = bytes.subarray(0, bytes.length - 1 - rnd(3));
      else if (mut === 3) dv.setFloat32(4 + 4 * rnd(dim), [Infinity, -Infinity, NaN][rnd(3)]!);
      else if (mut === 4) dv.setInt16(2, 1 + rnd(5));
      // At an offset inside a larger buffer, as COPY reads it.
      const host = new Uint8Array(bytes.length + 7);
      host.set(bytes, 3);
      for (const typmod of [-1, dim]) {
        const got = vectorFromSend(host, 3, bytes.length, typmod, slab);
        if (mut === 0) assert.ok(got !== null && sameFloats(got, v), `vector_send bytes of ${formatVector(v)}`);
        if (got === null) continue;
        let want: Float32Array | string;
        try {
          want = vectorRecv(bytes, typmod);
        } catch (e) {
          want = (e as Error).message;
        }
        assert.ok(typeof want !== 'string' && sameFloats(got, want) && bytes.length === 4 + 4 * want.length, `binary ${Buffer.from(bytes).toString('hex')}`);
      }
    }
  } catch (e) {
    console.error(`vector fast path test failed with seed ${SEED}`);
    throw e;
  }
  assert.ok(acceptedCanonical > 1000, `only ${acceptedCanonical} canonical vectors in the fast range`);
});

test('integerFromAscii never differs from int2in / int4in / int8in', () => {
  const rnd = rng(SEED + 3);
  const pieces = ['', '-', '+', ' ', '0', '1', '9', '00', '123456789', '2147483647', '2147483648', '32767', '32768', 'x', '_', '0x1f', '9223372036854775807'];
  try {
    for (let i = 0; i < 20000; i++) {
      let text = '';
      for (let k = rnd(4); k >= 0; k--) text += pieces[rnd(pieces.length)]!;
      const b = utf8.encode(text);
      for (const [type, digits] of [['smallint', 4], ['integer', 9], ['bigint', 15]] as const) {
        const got = integerFromAscii(b, 0, b.length, digits);
        if (got !== got) continue;
        let want: number | string;
        try {
          want = Number(parseInteger(text, type));
        } catch (e) {
          want = (e as Error).message;
        }
        assert.ok(Object.is(got, want), `${JSON.stringify(text)} as ${type}: fast ${got}, general ${want}`);
      }
    }
  } catch (e) {
    console.error(`integer fast path test failed with seed ${SEED}`);
    throw e;
  }
  assert.equal(integerFromAscii(utf8.encode('-0'), 0, 2, 9), 0);
  assert.ok(Object.is(integerFromAscii(utf8.encode('-0'), 0, 2, 9), 0));
});

type Step = { fields: (string | null)[] | null; lineNo: number; error?: string; lineText?: string | null };

/** Lines of COPY text input as the string reader gives them (decoded in chunks as COPY did). */
function stringReaderSteps(text: string, cuts: number[]): Step[] {
  const r = new CopyLineReader(COPY_TEXT_DEFAULT);
  const out: Step[] = [];
  const take = (): boolean => {
    for (;;) {
      let f: CopyField[] | null;
      try {
        f = r.nextRow();
      } catch (e) {
        out.push({ fields: null, lineNo: r.lineNo, error: (e as Error).message, lineText: r.lineText });
        return false;
      }
      if (f === null) return true;
      out.push({ fields: f.map((x) => x.text), lineNo: r.lineNo });
    }
  };
  let prev = 0;
  for (const c of [...cuts, text.length]) {
    if (r.sawEndMarker) break;
    r.push(text.slice(prev, c));
    prev = c;
    if (!take()) return out;
  }
  r.finish();
  take();
  return out;
}

function byteReaderSteps(bytes: Uint8Array, cuts: number[]): Step[] {
  const r = new CopyTextByteReader(COPY_TEXT_DEFAULT);
  const out: Step[] = [];
  const take = (): boolean => {
    while (r.nextLine()) {
      try {
        out.push({ fields: r.fields().map((x) => x.text), lineNo: r.lineNo });
      } catch (e) {
        out.push({ fields: null, lineNo: r.lineNo, error: (e as Error).message, lineText: r.lineText });
        return false;
      }
    }
    return true;
  };
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    if (r.sawEndMarker) break;
    r.push(bytes.subarray(prev, c));
    prev = c;
    if (!take()) return out;
  }
  r.finish();
  take();
  return out;
}

test('CopyTextByteReader splits lines and fields as the string reader does, across any chunking', () => {
  const rnd = rng(SEED + 4);
  const alphabet = ['a', '1', '\t', '\t', '\n', '\n', '\r', '\r\n', '\\', '\\.', '\\N', '.', 'é', '✓', '[1,2]', ' '];
  try {
    for (let i = 0; i < 3000; i++) {
      let text = '';
      for (let k = rnd(30); k >= 0; k--) text += alphabet[rnd(alphabet.length)]!;
      // Chunks cut at character boundaries for the string reader, the same bytes for the byte reader.
      const cuts: number[] = [];
      for (let k = rnd(4); k > 0; k--) cuts.push(rnd(text.length + 1));
      cuts.sort((a, b) => a - b);
      const byteCuts = cuts.map((c) => utf8.encode(text.slice(0, c)).length);
      const want = stringReaderSteps(text, cuts);
      const got = byteReaderSteps(utf8.encode(text), byteCuts);
      assert.deepEqual(got, want, JSON.stringify(text));
    }
  } catch (e) {
    console.error(`byte reader test failed with seed ${SEED}`);
    throw e;
  }
});
