/**
 * Backend message encoding: byte fixtures written from the protocol documentation's "Message
 * Formats", and every message read back by node-postgres' parser (pg-protocol), which is what
 * a real client does with them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Parser } from 'pg-protocol/dist/parser.js';
import { BackendWriter, type FieldDescription } from '../../src/protocol/backend.js';
import { PgError } from '../../src/common/errors.js';
import { bytes, int16, int32, msg } from './helpers.js';

/** Everything pg-protocol's parser makes of `input`, as plain objects. */
function pgParse(input: Uint8Array): any[] {
  const out: any[] = [];
  new Parser().parse(Buffer.from(input), (m: any) => out.push(m));
  return out;
}

function encoded(f: (w: BackendWriter) => unknown): Uint8Array {
  const w = new BackendWriter(8);
  f(w);
  return w.take();
}

test('authentication requests', () => {
  const salt = new Uint8Array([1, 2, 3, 4]);
  const cases: [(w: BackendWriter) => unknown, Uint8Array, Record<string, unknown>][] = [
    [(w) => w.authenticationOk(), msg('R', int32(0)), { name: 'authenticationOk' }],
    [(w) => w.auth({ type: 'AuthenticationCleartextPassword' }), msg('R', int32(3)), { name: 'authenticationCleartextPassword' }],
    [(w) => w.auth({ type: 'AuthenticationMD5Password', salt }), msg('R', int32(5), [1, 2, 3, 4]), { name: 'authenticationMD5Password' }],
    [
      (w) => w.auth({ type: 'AuthenticationSASL', mechanisms: ['SCRAM-SHA-256'] }),
      msg('R', int32(10), 'SCRAM-SHA-256\0', 0),
      { name: 'authenticationSASL', mechanisms: ['SCRAM-SHA-256'] },
    ],
    [
      (w) => w.auth({ type: 'AuthenticationSASLContinue', data: bytes('r=abc,s=c2FsdA==,i=4096') }),
      msg('R', int32(11), 'r=abc,s=c2FsdA==,i=4096'),
      { name: 'authenticationSASLContinue', data: 'r=abc,s=c2FsdA==,i=4096' },
    ],
    [
      (w) => w.auth({ type: 'AuthenticationSASLFinal', data: bytes('v=c2ln') }),
      msg('R', int32(12), 'v=c2ln'),
      { name: 'authenticationSASLFinal', data: 'v=c2ln' },
    ],
  ];
  for (const [write, fixture, expected] of cases) {
    const out = encoded(write);
    assert.deepEqual([...out], [...fixture], String(expected['name']));
    const [m] = pgParse(out);
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(m[k], v, `${expected['name']}.${k}`);
    if (expected['name'] === 'authenticationMD5Password') assert.deepEqual([...m.salt], [1, 2, 3, 4]);
  }
});

test('startup responses: ParameterStatus, BackendKeyData, ReadyForQuery, NegotiateProtocolVersion', () => {
  const out = encoded((w) =>
    w.parameterStatus('server_version', '18.0').backendKeyData(1234, -5).readyForQuery('I').readyForQuery('T').readyForQuery('E'),
  );
  assert.deepEqual([...out], [...bytes(
    msg('S', 'server_version\0', '18.0\0'),
    msg('K', int32(1234), int32(-5)),
    msg('Z', 'I'), msg('Z', 'T'), msg('Z', 'E'),
  )]);
  const ms = pgParse(out);
  assert.deepEqual([ms[0].name, ms[0].parameterName, ms[0].parameterValue], ['parameterStatus', 'server_version', '18.0']);
  assert.deepEqual([ms[1].name, ms[1].processID, ms[1].secretKey], ['backendKeyData', 1234, -5]);
  assert.deepEqual(ms.slice(2).map((m) => m.status), ['I', 'T', 'E']);
  // pg-protocol does not parse 'v' (node-postgres never asks for a newer minor): fixture only.
  assert.deepEqual(
    [...encoded((w) => w.negotiateProtocolVersion(0, ['_pq_.a', '_pq_.b']))],
    [...msg('v', int32(0), int32(2), '_pq_.a\0', '_pq_.b\0')],
  );
  assert.deepEqual([...encoded((w) => w.sslResponse(false))], [0x4e]);
});

test('RowDescription, ParameterDescription, DataRow', () => {
  const fields: FieldDescription[] = [
    { name: 'id', tableOid: 16384, columnAttr: 1, typeOid: 23, typeSize: 4, typeModifier: -1, format: 0 },
    { name: 'embedding', tableOid: 16384, columnAttr: 2, typeOid: 16390, typeSize: -1, typeModifier: 3, format: 1 },
    { name: 'é', tableOid: 0, columnAttr: 0, typeOid: 25, typeSize: -1, typeModifier: -1, format: 0 },
  ];
  const out = encoded((w) => w.rowDescription(fields).parameterDescription(new Uint32Array([23, 16390])));
  assert.deepEqual([...out], [...bytes(
    msg('T', int16(3),
      'id\0', int32(16384), int16(1), int32(23), int16(4), int32(-1), int16(0),
      'embedding\0', int32(16384), int16(2), int32(16390), int16(-1), int32(3), int16(1),
      new Uint8Array(Buffer.from('é\0')), int32(0), int16(0), int32(25), int16(-1), int32(-1), int16(0)),
    msg('t', int16(2), int32(23), int32(16390)),
  )]);
  const [rd, pd] = pgParse(out);
  assert.deepEqual(rd.fields.map((f: any) => [f.name, f.tableID, f.columnID, f.dataTypeID, f.dataTypeSize, f.dataTypeModifier, f.format]), [
    ['id', 16384, 1, 23, 4, -1, 'text'],
    ['embedding', 16384, 2, 16390, -1, 3, 'binary'],
    ['é', 0, 0, 25, -1, -1, 'text'],
  ]);
  assert.deepEqual(pd.dataTypeIDs, [23, 16390]);
});

test('DataRow: text, bytes, NULL, empty, non-ASCII and in-place binary fields', () => {
  const long = 'ü'.repeat(40) + '🚀'.repeat(30) + 'x'.repeat(100);
  const out = encoded((w) => {
    w.dataRow(['1', null, '', '[1,2,3]', 'ü🚀', long, new Uint8Array(Buffer.from('raw'))]);
    // a binary vector written in place by a send function: int16 dim, int16 unused, float4s
    w.beginDataRow(2).beginField().int16(2).int16(0).float32(1).float32(-2.5).endField().text('x').endDataRow();
  });
  const rowBytes = (...vals: (string | null)[]) =>
    msg('D', int16(vals.length), ...vals.map((v) => (v === null ? int32(-1) : bytes(int32(Buffer.byteLength(v)), new Uint8Array(Buffer.from(v))))));
  assert.deepEqual([...out], [...bytes(
    rowBytes('1', null, '', '[1,2,3]', 'ü🚀', long, 'raw'),
    msg('D', int16(2), int32(12), int16(2), int16(0), [0x3f, 0x80, 0, 0], [0xc0, 0x20, 0, 0], int32(1), 'x'),
  )]);
  const [r1] = pgParse(out);
  assert.deepEqual(r1.fields, ['1', null, '', '[1,2,3]', 'ü🚀', long, 'raw']);
  // lone surrogates become U+FFFD, as TextEncoder does on the long path
  const lone = encoded((w) => w.dataRow(['a\ud800b', 'x'.repeat(60) + '\udc00']));
  assert.deepEqual(pgParse(lone)[0].fields, ['a\ufffdb', 'x'.repeat(60) + '\ufffd']);
});

test('command results and extended-query acknowledgements', () => {
  const out = encoded((w) =>
    w.commandComplete('SELECT 3').emptyQueryResponse().parseComplete().bindComplete().closeComplete().noData().portalSuspended(),
  );
  assert.deepEqual([...out], [...bytes(msg('C', 'SELECT 3\0'), msg('I'), msg('1'), msg('2'), msg('3'), msg('n'), msg('s'))]);
  assert.deepEqual(pgParse(out).map((m) => m.name), [
    'commandComplete', 'emptyQuery', 'parseComplete', 'bindComplete', 'closeComplete', 'noData', 'portalSuspended',
  ]);
  assert.equal(pgParse(out)[0].text, 'SELECT 3');
});

test('ErrorResponse and NoticeResponse from PgError', () => {
  const e = new PgError('42601', 'syntax error at or near "selec"', { position: 1, hint: 'a hint', detail: 'a detail' });
  const n = new PgError('00000', 'table "t" does not exist, skipping', { severity: 'NOTICE' });
  const out = encoded((w) => w.errorResponse(e).noticeResponse(n));
  assert.deepEqual([...out], [...bytes(
    msg('E', 'SERROR\0', 'VERROR\0', 'C42601\0', 'Msyntax error at or near "selec"\0', 'Da detail\0', 'Ha hint\0', 'P1\0', 0),
    msg('N', 'SNOTICE\0', 'VNOTICE\0', 'C00000\0', 'Mtable "t" does not exist, skipping\0', 0),
  )]);
  const [pe, pn] = pgParse(out);
  assert.equal(pe.name, 'error');
  assert.deepEqual([pe.severity, pe.code, pe.message, pe.detail, pe.hint, pe.position], ['ERROR', '42601', 'syntax error at or near "selec"', 'a detail', 'a hint', '1']);
  assert.equal(pn.name, 'notice');
  assert.deepEqual([pn.severity, pn.code, pn.message], ['NOTICE', '00000', 'table "t" does not exist, skipping']);
  // a NUL inside a message would break framing: the string is cut there, as C reads it
  const cut = encoded((w) => w.errorResponse(new PgError('22P02', 'bad "a\0b"')));
  assert.equal(pgParse(cut)[0].message, 'bad "a');
});

test('COPY messages', () => {
  const out = encoded((w) => w.copyInResponse([0, 0]).copyOutResponse([1], 1).copyData(bytes('1\t[1,2]\n')).copyDone());
  assert.deepEqual([...encoded((w) => w.copyDataText('2\té\n'))], [...msg('d', new Uint8Array(Buffer.from('2\té\n')))]);
  assert.deepEqual([...out], [...bytes(
    msg('G', 0, int16(2), int16(0), int16(0)),
    msg('H', 1, int16(1), int16(1)),
    msg('d', '1\t[1,2]\n'),
    msg('c'),
  )]);
  const [ci, co, cd, done] = pgParse(out);
  assert.deepEqual([ci.name, ci.binary, ci.columnTypes], ['copyInResponse', false, [0, 0]]);
  assert.deepEqual([co.name, co.binary, co.columnTypes], ['copyOutResponse', true, [1]]);
  assert.equal(Buffer.from(cd.chunk).toString(), '1\t[1,2]\n');
  assert.equal(done.name, 'copyDone');
});

test('the writer grows from a tiny buffer and is reused after reset without reallocating', () => {
  const w = new BackendWriter(1);
  for (let i = 0; i < 1000; i++) w.dataRow([String(i), 'x'.repeat(i % 50)]);
  const first = w.take();
  assert.equal(pgParse(first).length, 1000);
  const copy = Uint8Array.from(first);
  w.dataRow(['overwrite', 'x'.repeat(5000)]);
  w.reset();
  assert.deepEqual(first, copy, 'take() returns a copy the writer no longer touches');
  w.dataRow(['a']);
  const view1 = w.bytes();
  w.reset();
  w.dataRow(['b']);
  assert.equal(w.bytes().buffer, view1.buffer, 'same backing buffer after reset');
  assert.deepEqual(pgParse(w.bytes())[0].fields, ['b']);
  assert.throws(() => w.beginDataRow(2).text('only one').endDataRow(), /field count/);
});
