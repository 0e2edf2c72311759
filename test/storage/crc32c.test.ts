import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c, crc32cFinish, crc32cUpdate, CRC32C_INIT } from '../../src/storage/crc32c.js';
import { Prng } from '../../src/common/prng.js';

/** Bit-at-a-time CRC-32C straight from the definition, to check the sliced tables against. */
function crcBitwise(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

// RFC 3720 (iSCSI) Appendix B.4 "CRC Examples". The RFC prints the CRC bytes in wire order
// (least significant first: "aa 36 91 8a"); these are the same values as 32-bit numbers.
test('CRC-32C matches the RFC 3720 B.4 examples', () => {
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa, '32 bytes of zeros');
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43, '32 bytes of ones');
  const inc = new Uint8Array(32).map((_, i) => i);
  assert.equal(crc32c(inc), 0x46dd794e, '32 incrementing bytes');
  const dec = new Uint8Array(32).map((_, i) => 31 - i);
  assert.equal(crc32c(dec), 0x113fdb5c, '32 decrementing bytes');
  // An iSCSI SCSI Read (10) command PDU.
  const pdu = new Uint8Array(48);
  pdu.set([0x01, 0xc0], 0);
  pdu.set([0x14], 16);
  pdu.set([0x04], 22);
  pdu.set([0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28], 24);
  pdu.set([0x02], 40);
  assert.equal(crc32c(pdu), 0xd9963a56, 'read command PDU');
});

test('CRC-32C check value of "123456789" is 0xE3069283', () => {
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
});

test('sliced CRC-32C equals the bitwise definition at every length and offset, and composes', () => {
  const seed = 20240521;
  const p = new Prng(seed);
  const buf = new Uint8Array(300).map(() => p.int(256));
  for (let off = 0; off < 9; off++) {
    for (let len = 0; len + off <= buf.length; len += 1 + (len >> 3)) {
      const want = crcBitwise(buf.subarray(off, off + len));
      assert.equal(crc32c(buf, off, len), want, `seed ${seed} off ${off} len ${len}`);
      const cut = p.int(len + 1);
      const inc = crc32cFinish(crc32cUpdate(crc32cUpdate(CRC32C_INIT, buf, off, cut), buf, off + cut, len - cut));
      assert.equal(inc, want, `seed ${seed} incremental split at ${cut}`);
    }
  }
});

test('the word loop (views at every byte alignment, lengths about its threshold, shared memory) equals the bitwise definition', () => {
  const seed = 20261202;
  const p = new Prng(seed);
  const bytes = new Uint8Array(2100).map(() => p.int(256));
  const shared = new Uint8Array(new SharedArrayBuffer(2100));
  shared.set(bytes);
  for (const src of [bytes, shared]) {
    for (let start = 0; start < 8; start++) {
      const view = src.subarray(start, start + 2064);
      for (const len of [255, 256, 257, 259, 263, 264, 1000, 2064]) {
        for (const off of [0, 1, 2, 3, 4]) {
          if (off + len > view.length) continue;
          const want = crcBitwise(view.slice(off, off + len));
          assert.equal(crc32c(view, off, len), want, `seed ${seed} start ${start} off ${off} len ${len} ${src === shared ? 'shared' : ''}`);
        }
      }
    }
  }
});
