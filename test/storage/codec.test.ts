import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteReader, ByteWriter, decodeValue, encodeValue, type CodecValue } from '../../src/storage/codec.js';
import { utf8Length } from '../../src/types/text_order.js';
import { PgError } from '../../src/common/errors.js';

test('typed fields round-trip and use the documented sizes', () => {
  const w = new ByteWriter(4);
  w.u8(255).u16(65535).u32(0xdeadbeef).i32(-5).u64(2 ** 53 - 1).i64(-(2n ** 63n)).f32(1.5).f64(-0).bool(true);
  assert.equal(w.pos, 1 + 2 + 4 + 4 + 8 + 8 + 4 + 8 + 1);
  w.varuint(0).varuint(127).varuint(128).varuint(2 ** 53 - 1).varint(-1).varint(2147483647).varint(-2147483648);
  w.string('héllo, 世界 🚀').bytes(new Uint8Array([1, 2, 3]));
  w.f32array(new Float32Array([1, -2.5, Math.fround(0.1), NaN]), 1, 2).i32array(new Int32Array([7, -7]));
  const r = new ByteReader(w.finish());
  assert.equal(r.u8(), 255);
  assert.equal(r.u16(), 65535);
  assert.equal(r.u32(), 0xdeadbeef);
  assert.equal(r.i32(), -5);
  assert.equal(r.u64(), 2 ** 53 - 1);
  assert.equal(r.i64(), -(2n ** 63n));
  assert.equal(r.f32(), 1.5);
  assert.ok(Object.is(r.f64(), -0));
  assert.equal(r.bool(), true);
  assert.equal(r.varuint(), 0);
  assert.equal(r.varuint(), 127);
  assert.equal(r.varuint(), 128);
  assert.equal(r.varuint(), 2 ** 53 - 1);
  assert.equal(r.varint(), -1);
  assert.equal(r.varint(), 2147483647);
  assert.equal(r.varint(), -2147483648);
  assert.equal(r.string(), 'héllo, 世界 🚀');
  assert.deepEqual([...r.bytes()], [1, 2, 3]);
  assert.deepEqual(r.f32array(), new Float32Array([-2.5, Math.fround(0.1)]));
  assert.deepEqual(r.i32array(), new Int32Array([7, -7]));
  assert.equal(r.remaining, 0);
});

test('varuint sizes: 1 byte below 128, 2 below 16384', () => {
  for (const [v, n] of [[0, 1], [127, 1], [128, 2], [16383, 2], [16384, 3], [2 ** 32, 5]] as const) {
    assert.equal(new ByteWriter().varuint(v).pos, n, `varuint(${v})`);
  }
});

test('float32 arrays are stored little-endian, 4 bytes per element after the count', () => {
  const bytes = new ByteWriter().f32array(new Float32Array([1])).finish();
  assert.deepEqual([...bytes], [1, 0x00, 0x00, 0x80, 0x3f]);
});

test('f32arrayInto copies into a target segment without allocating a new array', () => {
  const bytes = new ByteWriter().f32array(new Float32Array([3, 4, 5])).finish();
  const seg = new Float32Array(8);
  const n = new ByteReader(bytes).f32arrayInto(seg, 4);
  assert.equal(n, 3);
  assert.deepEqual([...seg], [0, 0, 0, 0, 3, 4, 5, 0]);
  assert.throws(() => new ByteReader(bytes).f32arrayInto(seg, 6), (e: unknown) => e instanceof PgError && e.code === 'XX001');
});

test('utf8Length agrees with TextEncoder, lone surrogates included', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => utf8Length(s) === new TextEncoder().encode(s).length),
    { seed: 42, numRuns: 500 },
  );
  assert.equal(utf8Length('\ud800x'), new TextEncoder().encode('\ud800x').length);
});

const valueArb: fc.Arbitrary<CodecValue> = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }),
    fc.string({ unit: 'grapheme' }),
    fc.float32Array(),
    fc.int32Array(),
    fc.uint8Array(),
  ),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 5 }),
    fc.dictionary(fc.string(), tie('node'), { maxKeys: 5, noNullPrototype: true }),
  ),
})).node as fc.Arbitrary<CodecValue>;

test('self-describing values round-trip exactly (property, seeded)', () => {
  fc.assert(
    fc.property(valueArb, (v) => {
      assert.deepStrictEqual(decodeValue(encodeValue(v)), v);
    }),
    { seed: 7, numRuns: 400 },
  );
});

test('a record key "__proto__" stays a plain field', () => {
  const v = JSON.parse('{"__proto__": 1, "a": [true, null]}') as CodecValue;
  const back = decodeValue(encodeValue(v)) as Record<string, CodecValue>;
  assert.deepStrictEqual(Object.keys(back), ['__proto__', 'a']);
  assert.equal(Object.getPrototypeOf(back), Object.prototype);
});

test('truncated or garbage input raises XX001, never a wrong value or a hang', () => {
  const bytes = encodeValue({ id: 1, v: new Float32Array([1, 2, 3]), name: 'x', tags: ['a', 'b'] });
  for (let cut = 0; cut < bytes.length; cut++) {
    assert.throws(() => decodeValue(bytes.subarray(0, cut)), (e: unknown) => e instanceof PgError && e.code === 'XX001', `cut ${cut}`);
  }
  assert.throws(() => decodeValue(new Uint8Array([200])), /unknown value tag 200/);
  assert.throws(() => decodeValue(new Uint8Array([0, 0])), /1 trailing bytes/);
  // A huge claimed element count must fail fast rather than allocate.
  assert.throws(() => decodeValue(new Uint8Array([10, 0xff, 0xff, 0xff, 0x7f])), (e: unknown) => e instanceof PgError);
});
