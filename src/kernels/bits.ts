/**
 * Reference kernels over bit strings (PostgreSQL `bit(n)` data: bytes, most significant bit
 * first, unused trailing bits zero), matching pgvector 0.8's src/bitutils.c
 * (BitHammingDistanceDefault, BitJaccardDistanceDefault). Popcount works on 32-bit words where
 * four bytes are left and on single bytes for the tail; the counts are exact integers, so any
 * word size gives pgvector's results.
 *
 * Arguments: `a`/`b` byte arrays, `aOff`/`bOff` byte offsets, `bytes` byte count.
 */

/** Number of set bits in a 32-bit integer (SWAR popcount, Hacker's Delight 5-2). */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

function word(a: Uint8Array, i: number): number {
  return a[i]! | (a[i + 1]! << 8) | (a[i + 2]! << 16) | (a[i + 3]! << 24);
}

/** BitHammingDistance: popcount(a XOR b) over `bytes` bytes. */
export function hammingRef(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number, bytes: number): number {
  let d = 0;
  let i = 0;
  for (; i + 4 <= bytes; i += 4) d += popcount32(word(a, aOff + i) ^ word(b, bOff + i));
  for (; i < bytes; i++) d += popcount32(a[aOff + i]! ^ b[bOff + i]!);
  return d;
}

/**
 * BitJaccardDistance: 1 - |a AND b| / (|a| + |b| - |a AND b|) in double; 1 when the
 * intersection is empty (including two all-zero strings).
 */
export function jaccardRef(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number, bytes: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  let i = 0;
  for (; i + 4 <= bytes; i += 4) {
    const x = word(a, aOff + i);
    const y = word(b, bOff + i);
    ab += popcount32(x & y);
    aa += popcount32(x);
    bb += popcount32(y);
  }
  for (; i < bytes; i++) {
    const x = a[aOff + i]!;
    const y = b[bOff + i]!;
    ab += popcount32(x & y);
    aa += popcount32(x);
    bb += popcount32(y);
  }
  if (ab === 0) return 1;
  return 1 - ab / (aa + bb - ab);
}
