/**
 * PostgreSQL's `uuid` (src/backend/utils/adt/uuid.c). A value is held as its canonical text,
 * 36 characters of lowercase hex in 8-4-4-4-12 groups: that is uuid_out's output, and because
 * the width and the hyphen positions are fixed, comparing two canonical strings orders them as
 * uuid_cmp's memcmp of the 16 bytes does.
 *
 * Input (uuid_in / string_to_uuid) accepts upper or lower case hex, optional braces around the
 * whole value, and a hyphen after any group of four hex digits (so `a0eebc999c0b4ef8bb6d6bb9bd380a11`
 * and `{a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11}` are accepted); nothing else, not even
 * surrounding whitespace.
 */
import { PgError, SQLSTATE } from '../common/errors.js';

/** Bytes in a uuid. */
export const UUID_LEN = 16;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * uuid_in: text -> the 16 bytes.
 * @throws PgError 22P02 `invalid input syntax for type uuid: "<text>"`.
 */
export function parseUuidBytes(text: string): Uint8Array {
  const bad = () => new PgError(SQLSTATE.invalid_text_representation, `invalid input syntax for type uuid: "${text}"`);
  const out = new Uint8Array(UUID_LEN);
  let i = 0;
  const braces = text[0] === '{';
  if (braces) i++;
  for (let b = 0; b < UUID_LEN; b++) {
    if (i + 1 >= text.length) throw bad();
    const hi = hexValue(text.charCodeAt(i));
    const lo = hexValue(text.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) throw bad();
    out[b] = (hi << 4) | lo;
    i += 2;
    if (text[i] === '-' && b % 2 === 1 && b < UUID_LEN - 1) i++;
  }
  if (braces) {
    if (text[i] !== '}') throw bad();
    i++;
  }
  if (i !== text.length) throw bad();
  return out;
}

/** uuid_out: the canonical lowercase 8-4-4-4-12 text of 16 bytes. */
export function formatUuidBytes(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < UUID_LEN; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += b[i]!.toString(16).padStart(2, '0');
  }
  return s;
}

/** uuid_in to the canonical text form vecgres holds. @throws PgError 22P02 as {@link parseUuidBytes} */
export function parseUuid(text: string): string {
  return formatUuidBytes(parseUuidBytes(text));
}

/** uuid_cmp over canonical texts: negative, zero or positive. */
export function uuidCmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** uuid_send: the 16 bytes. */
export function uuidSend(u: string): Uint8Array {
  return parseUuidBytes(u);
}

/**
 * uuid_recv: 16 bytes -> canonical text.
 * @throws PgError 08P01 `insufficient data left in message` for fewer than 16 bytes.
 */
export function uuidRecv(b: Uint8Array): string {
  if (b.length < UUID_LEN) throw new PgError(SQLSTATE.protocol_violation, 'insufficient data left in message');
  return formatUuidBytes(b.subarray(0, UUID_LEN));
}

/**
 * gen_random_uuid() / uuidv4(): a version 4 (random) uuid, RFC 9562 section 5.4: 122 random
 * bits from `nextU32` (the session's seeded PRNG, so runs are reproducible), the version
 * nibble 4 and the variant bits 10.
 */
export function randomUuid(nextU32: () => number): string {
  const b = new Uint8Array(UUID_LEN);
  for (let i = 0; i < UUID_LEN; i += 4) {
    const r = nextU32();
    b[i] = r & 0xff;
    b[i + 1] = (r >>> 8) & 0xff;
    b[i + 2] = (r >>> 16) & 0xff;
    b[i + 3] = r >>> 24;
  }
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return formatUuidBytes(b);
}
