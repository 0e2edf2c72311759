/**
 * PostgreSQL's `bytea` (src/backend/utils/adt/varlena.c byteain / byteaout / byteacmp,
 * encode.c hex_decode). A value is a Uint8Array.
 *
 * Input: `\x` then hex digit pairs (whitespace allowed between pairs), or the escape format:
 * `\\` is a backslash, `\ooo` an octal byte (first digit 0-3), any other character its UTF-8
 * bytes. Output: the hex format (bytea_output = hex): `\x` and lowercase hex.
 */
import { PgError, SQLSTATE } from '../common/errors.js';

const encoder = new TextEncoder();

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/**
 * byteain.
 * @throws PgError 22023 `invalid hexadecimal digit: "<c>"`, `invalid hexadecimal data: odd
 *   number of digits`; 22P02 `invalid input syntax for type bytea`.
 */
export function parseBytea(text: string): Uint8Array {
  if (text.length >= 2 && text[0] === '\\' && text[1] === 'x') {
    const out: number[] = [];
    let i = 2;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (isSpace(c)) {
        i++;
        continue;
      }
      const hi = hexValue(c);
      if (hi < 0) throw new PgError(SQLSTATE.invalid_parameter_value, `invalid hexadecimal digit: "${String.fromCodePoint(text.codePointAt(i)!)}"`);
      if (i + 1 >= text.length) throw new PgError(SQLSTATE.invalid_parameter_value, 'invalid hexadecimal data: odd number of digits');
      const lo = hexValue(text.charCodeAt(i + 1));
      if (lo < 0) throw new PgError(SQLSTATE.invalid_parameter_value, `invalid hexadecimal digit: "${String.fromCodePoint(text.codePointAt(i + 1)!)}"`);
      out.push((hi << 4) | lo);
      i += 2;
    }
    return Uint8Array.from(out);
  }
  const bytes = encoder.encode(text);
  const out: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b !== 92 /* \ */) {
      out.push(b);
      i++;
      continue;
    }
    const d1 = bytes[i + 1];
    if (d1 === 92) {
      out.push(92);
      i += 2;
      continue;
    }
    const d2 = bytes[i + 2];
    const d3 = bytes[i + 3];
    const oct = (x: number | undefined) => x !== undefined && x >= 48 && x <= 55;
    if (d1 !== undefined && d1 >= 48 && d1 <= 51 && oct(d2) && oct(d3)) {
      out.push(((d1 - 48) << 6) | ((d2! - 48) << 3) | (d3! - 48));
      i += 4;
      continue;
    }
    throw new PgError(SQLSTATE.invalid_text_representation, 'invalid input syntax for type bytea');
  }
  return Uint8Array.from(out);
}

/** byteaout in the hex format. */
export function formatBytea(b: Uint8Array): string {
  let s = '\\x';
  for (let i = 0; i < b.length; i++) s += b[i]!.toString(16).padStart(2, '0');
  return s;
}

/** byteacmp: memcmp over the common length, then the shorter first. */
export function byteaCmp(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** byteacat: `a || b`. */
export function byteaConcat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** bytea_send / bytea_recv: the bytes themselves. */
export function byteaSend(b: Uint8Array): Uint8Array {
  return b.slice();
}

export function byteaRecv(b: Uint8Array): Uint8Array {
  return b.slice();
}
