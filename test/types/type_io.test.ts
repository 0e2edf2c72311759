/**
 * The type registry: every SQL type the analyzer knows has a registry row with the same OID,
 * array rows point at their elements and back, and binary receive inverts send (seeded values).
 */
import { UTC_ZONE } from '../../src/types/timezone.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TYPE_OID, valueFromText, valueToText, type SqlType } from '../../src/sql/analyze/types.js';
import { allTypeIo, typeIoByName, typeIoByOid } from '../../src/types/type_io.js';

test('type registry: the OIDs the analyzer reports are the registry\'s, arrays and elements point at each other', () => {
  for (const [name, oid] of Object.entries(TYPE_OID) as [SqlType, number][]) {
    if (name === 'unknown') continue;
    const io = typeIoByName(name);
    assert.ok(io !== undefined, `no registry row for ${name}`);
    assert.equal(io.oid, oid, name);
    assert.equal(typeIoByOid(oid), io, name);
  }
  for (const t of allTypeIo()) {
    if (t.elemOid !== 0) assert.equal(typeIoByOid(t.elemOid)!.arrayOid, t.oid, t.name);
    else assert.equal(typeIoByOid(t.arrayOid)!.elemOid, t.oid, t.name);
  }
});

const SAMPLES: [SqlType, string[]][] = [
  ['bool', ['true', 'false']],
  ['int2', ['-32768', '0', '32767']],
  ['int4', ['-2147483648', '42']],
  ['int8', ['-9223372036854775808', '9007199254740993', '7']],
  ['float4', ['1.5', '-0', 'Infinity', 'NaN', '3.4028235e+38']],
  ['float8', ['0.1', '-1e-300', '-Infinity']],
  ['numeric', ['0', '-123.4500', 'NaN', '1e-20', 'Infinity']],
  ['text', ['', 'héllo', '😀']],
  ['varchar', ['abc']],
  ['bpchar', ['a  ']],
  ['bytea', ['\\x', '\\x00ff10']],
  ['uuid', ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11']],
  ['json', ['{"a": [1, 2]}']],
  ['jsonb', ['{"b": 1, "a": [true, null, "x", 1.50]}']],
  ['vector', ['[1,2.5,-3]', '[0]', '[1e-45,3.4028235e+38]']],
  ['halfvec', ['[1,2.5,-3]', '[65504]']],
  ['sparsevec', ['{1:1,6:-2.5}/6', '{}/3']],
  ['bit', ['1010', '1']],
  ['varbit', ['', '110011001']],
  ['int4[]', ['{1,NULL,3}', '{{1,2},{3,4}}', '{}']],
  ['text[]', ['{a,"b c",NULL}']],
  ['vector[]', ['{"[1,2]","[3,4]"}']],
  ['float8[]', ['{0.5,-1}']],
];

test('type registry: recv(send(v)) is v for every type, as text', () => {
  for (const [type, texts] of SAMPLES) {
    const io = typeIoByName(type)!;
    for (const text of texts) {
      const v = valueFromText(text, type, -1, UTC_ZONE);
      const back = io.recv(io.send(v as never), -1);
      assert.equal(valueToText(back as never, type, UTC_ZONE), valueToText(v, type, UTC_ZONE), `${type} ${text}`);
    }
  }
});

test('type registry: short or over-long fixed-width input is PostgreSQL\'s error', () => {
  const int4 = typeIoByName('int4')!;
  assert.throws(() => int4.recv(new Uint8Array(3), -1), { code: '08P01', message: 'insufficient data left in message' });
  assert.throws(() => int4.recv(new Uint8Array(5), -1), { code: '22P03' });
  const vec = typeIoByName('vector')!;
  assert.throws(() => vec.recv(Uint8Array.of(0, 2, 0, 0, 0, 0, 0, 0), -1), { code: '08P01' });
  const arr = typeIoByName('int4[]')!;
  assert.throws(() => arr.recv(Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 25, 0, 0, 0, 1, 0, 0, 0, 1), -1), { code: '42804' });
});
