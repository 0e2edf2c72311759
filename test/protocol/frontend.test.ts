/**
 * Frontend message decoding: byte fixtures written from the protocol documentation's "Message
 * Formats", the same messages as node-postgres' encoder (pg-protocol `serialize`) writes them,
 * arbitrary chunking, limits, and PostgreSQL's errors for malformed input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serialize } from 'pg-protocol';
import { FrontendDecoder, formatAt, protocolNegotiation, type FrontendMessage } from '../../src/protocol/frontend.js';
import { MAX_MESSAGE_BYTES, PQ_LARGE_MESSAGE_LIMIT } from '../../src/protocol/constants.js';
import { parsePasswordMessage, parseSASLInitialResponse } from '../../src/protocol/auth.js';
import { PgError } from '../../src/common/errors.js';
import { parseStartupOptions, splitStartupOptions } from '../../src/protocol/startup_options.js';
import { bytes, decodeAll, decodeOne, expectFailure, int16, int32, msg } from './helpers.js';

const startupOpts = { phase: 'startup' as const };

function startupPacket(...pairs: string[]): Uint8Array {
  const body = bytes(int32(196608), ...pairs.map((p) => p + '\0'), 0);
  return bytes(int32(body.length + 4), body);
}

test('StartupMessage: fixture from the docs and from pg-protocol', () => {
  // node-postgres always adds client_encoding.
  const fixture = startupPacket('user', 'alice', 'database', 'vecs', 'application_name', 'psql', 'options', '-c hnsw.ef_search=100', 'client_encoding', 'UTF8');
  const fromPg = serialize.startup({ user: 'alice', database: 'vecs', application_name: 'psql', options: '-c hnsw.ef_search=100' });
  assert.deepEqual([...fromPg], [...fixture]);
  const d = new FrontendDecoder();
  assert.equal(d.phase, 'startup');
  d.push(fromPg);
  const m = d.next();
  assert.ok(m && m.type === 'StartupMessage');
  assert.equal(m.major, 3);
  assert.equal(m.minor, 0);
  assert.equal(m.user, 'alice');
  assert.equal(m.database, 'vecs');
  assert.deepEqual([...m.parameters], [
    ['user', 'alice'], ['database', 'vecs'], ['application_name', 'psql'], ['options', '-c hnsw.ef_search=100'], ['client_encoding', 'UTF8'],
  ]);
  assert.deepEqual(m.protocolOptions, []);
  assert.equal(d.phase, 'auth');
  assert.equal(d.next(), null);
});

test('StartupMessage: database defaults to the user; _pq_ options and minor versions are reported, not refused', () => {
  const body = bytes(int32(0x00030002), 'user\0bob\0_pq_.future\0x\0', 0);
  const m = decodeOne(bytes(int32(body.length + 4), body), startupOpts);
  assert.ok(m.type === 'StartupMessage');
  assert.equal(m.database, 'bob');
  assert.equal(m.minor, 2);
  assert.deepEqual(m.protocolOptions, ['_pq_.future']);
  assert.equal(m.parameters.has('_pq_.future'), false);
  assert.deepEqual(protocolNegotiation(m), { newestMinor: 0, unrecognized: ['_pq_.future'] });
  const plain = decodeOne(startupPacket('user', 'u'), startupOpts);
  assert.ok(plain.type === 'StartupMessage');
  assert.equal(protocolNegotiation(plain), null);
  const minorOnly = decodeOne(bytes(int32(16), int32(0x00030001), 'user\0u\0', 0), startupOpts);
  assert.ok(minorOnly.type === 'StartupMessage');
  assert.deepEqual(protocolNegotiation(minorOnly), { newestMinor: 0, unrecognized: [] });
  // A parameter named like an Object.prototype key is just a parameter.
  const m2 = decodeOne(startupPacket('user', 'u', '__proto__', 'x'), startupOpts);
  assert.ok(m2.type === 'StartupMessage');
  assert.equal(m2.parameters.get('__proto__'), 'x');
});

test('startup packet errors are PostgreSQL\'s', () => {
  // protocol 2.0 and 4.0: 0A000
  expectFailure(decodeOne(bytes(int32(9), int32(0x00020000), 0), startupOpts), '0A000', 'unsupported frontend protocol 2.0: server supports 3.0 to 3.0', true);
  expectFailure(decodeOne(bytes(int32(9), int32(0x00040001), 0), startupOpts), '0A000', 'unsupported frontend protocol 4.1: server supports 3.0 to 3.0', true);
  // lengths
  for (const len of [0, 4, 7, -1, 10005, 0x7fffffff]) {
    expectFailure(decodeOne(bytes(int32(len), int32(196608)), startupOpts), '08P01', 'invalid length of startup packet', true);
  }
  // no terminator at the end, junk after it, no user
  expectFailure(decodeOne(bytes(int32(16), int32(196608), 'user\0bob'), startupOpts), '08P01', 'invalid startup packet layout: expected terminator as last byte');
  expectFailure(decodeOne(bytes(int32(20), int32(196608), 'user\0bob\0\0ab'), startupOpts), '08P01', 'invalid startup packet layout: expected terminator as last byte');
  expectFailure(decodeOne(startupPacket('database', 'x'), startupOpts), '28000', 'no PostgreSQL user name specified in startup packet');
  expectFailure(decodeOne(startupPacket('user', ''), startupOpts), '28000', 'no PostgreSQL user name specified in startup packet');
  // a name whose value is missing ends the walk short of the terminator
  expectFailure(decodeOne(bytes(int32(13), int32(196608), 'user\0'), startupOpts), '08P01', 'invalid startup packet layout: expected terminator as last byte');
});

test('SSLRequest, GSSENCRequest and CancelRequest', () => {
  const ssl = bytes(0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f);
  assert.deepEqual([...serialize.requestSsl()], [...ssl]);
  const gss = bytes(0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x30);
  const d = new FrontendDecoder();
  d.push(ssl);
  assert.deepEqual(d.next(), { type: 'SSLRequest' });
  d.push(gss);
  assert.deepEqual(d.next(), { type: 'GSSENCRequest' });
  d.push(startupPacket('user', 'u'));
  assert.equal(d.next()?.type, 'StartupMessage');

  // A second SSLRequest is read as a protocol version, as PostgreSQL does.
  const d2 = new FrontendDecoder();
  d2.push(ssl);
  d2.next();
  d2.push(ssl);
  expectFailure(d2.next(), '0A000', 'unsupported frontend protocol 1234.5679: server supports 3.0 to 3.0', true);

  // Bytes pipelined behind an SSLRequest were sent before the answer: refused.
  const d3 = new FrontendDecoder();
  d3.push(bytes(ssl, startupPacket('user', 'u')));
  const f = expectFailure(d3.next(), '08P01', 'received unencrypted data after SSL request', true);
  assert.equal(f.error.detail, 'This could be either a client-software bug or evidence of an attempted man-in-the-middle attack.');

  const cancel = bytes(0, 0, 0, 16, 0x04, 0xd2, 0x16, 0x2e, int32(4242), int32(-559038737));
  assert.deepEqual([...serialize.cancel(4242, -559038737)], [...cancel]);
  assert.deepEqual(decodeOne(cancel, startupOpts), { type: 'CancelRequest', processId: 4242, secretKey: -559038737 });
  expectFailure(decodeOne(bytes(0, 0, 0, 12, 0x04, 0xd2, 0x16, 0x2e, int32(1)), startupOpts), '08P01', 'invalid length of startup packet');
});

test('simple and extended query messages: fixtures equal pg-protocol\'s bytes and decode back', () => {
  const cases: [Uint8Array, Uint8Array, FrontendMessage][] = [
    [msg('Q', 'select 1\0'), serialize.query('select 1'), { type: 'Query', sql: 'select 1' }],
    [
      msg('P', 'st1\0', 'select $1::vector <-> $2\0', int16(2), int32(0), int32(25)),
      serialize.parse({ name: 'st1', text: 'select $1::vector <-> $2', types: [0, 25] }),
      { type: 'Parse', name: 'st1', sql: 'select $1::vector <-> $2', paramTypes: new Uint32Array([0, 25]) },
    ],
    [
      msg('P', '\0', new Uint8Array(Buffer.from('select \u00e9\0')), int16(0)),
      serialize.parse({ text: 'select \u00e9' }),
      { type: 'Parse', name: '', sql: 'select \u00e9', paramTypes: new Uint32Array(0) },
    ],
    [msg('D', 'S', 'st1\0'), serialize.describe({ type: 'S', name: 'st1' }), { type: 'Describe', kind: 'S', name: 'st1' }],
    [msg('D', 'P', '\0'), serialize.describe({ type: 'P' }), { type: 'Describe', kind: 'P', name: '' }],
    [msg('E', 'p1\0', int32(100)), serialize.execute({ portal: 'p1', rows: 100 }), { type: 'Execute', portal: 'p1', maxRows: 100 }],
    [msg('E', '\0', int32(0)), serialize.execute(), { type: 'Execute', portal: '', maxRows: 0 }],
    [msg('C', 'S', 'st1\0'), serialize.close({ type: 'S', name: 'st1' }), { type: 'Close', kind: 'S', name: 'st1' }],
    [msg('C', 'P', 'p1\0'), serialize.close({ type: 'P', name: 'p1' }), { type: 'Close', kind: 'P', name: 'p1' }],
    [msg('S'), serialize.sync(), { type: 'Sync' }],
    [msg('H'), serialize.flush(), { type: 'Flush' }],
    [msg('X'), serialize.end(), { type: 'Terminate' }],
    [msg('d', '1\t[1,2,3]\n'), serialize.copyData(Buffer.from('1\t[1,2,3]\n')), { type: 'CopyData', data: new Uint8Array(Buffer.from('1\t[1,2,3]\n')) }],
    [msg('c'), serialize.copyDone(), { type: 'CopyDone' }],
    [msg('f', 'client gave up\0'), serialize.copyFail('client gave up'), { type: 'CopyFail', message: 'client gave up' }],
  ];
  for (const [fixture, fromPg, expected] of cases) {
    assert.deepEqual([...fromPg], [...fixture], `pg-protocol bytes for ${expected.type}`);
    assert.deepEqual(decodeOne(fromPg), expected);
  }
});

test('Bind: formats, values, NULL and result formats, as pg-protocol writes them', () => {
  // text values: pg writes one (text) format code per value; one NULL
  const text = serialize.bind({ portal: 'p', statement: 's', values: ['1', null, '[1,2]'] });
  const fixture = msg('B', 'p\0', 's\0', int16(3), int16(0), int16(0), int16(0), int16(3), int32(1), '1', int32(-1), int32(5), '[1,2]', int16(1), int16(0));
  assert.deepEqual([...text], [...fixture]);
  const m = decodeOne(text);
  assert.ok(m.type === 'Bind');
  assert.equal(m.portal, 'p');
  assert.equal(m.statement, 's');
  assert.deepEqual([...m.paramFormats], [0, 0, 0]);
  assert.deepEqual(decodeOne(msg('B', '\0', '\0', int16(0), int16(1), int32(1), '1', int16(0))), {
    type: 'Bind', portal: '', statement: '', paramFormats: new Int16Array(0), params: [new Uint8Array([0x31])], resultFormats: new Int16Array(0),
  });
  assert.deepEqual(m.params.map((v) => (v === null ? null : Buffer.from(v).toString())), ['1', null, '[1,2]']);
  assert.deepEqual([...m.resultFormats], [0]);
  // a binary value (pg sends Buffers in binary format) and binary results
  const vec = Buffer.from([0, 2, 0, 0, 0x3f, 0x80, 0, 0, 0x40, 0, 0, 0]);
  const bin = serialize.bind({ values: ['x', vec], binary: true });
  const b = decodeOne(bin);
  assert.ok(b.type === 'Bind');
  assert.deepEqual([...b.paramFormats], [0, 1]);
  assert.equal(formatAt(b.paramFormats, 1), 1);
  assert.deepEqual([...b.params[1]!], [...vec]);
  assert.deepEqual([...b.resultFormats], [1]);
  assert.equal(formatAt(b.resultFormats, 7), 1);
  // values stay valid after the decoder's buffer is reused
  const d = new FrontendDecoder({ phase: 'ready' });
  d.push(bin);
  const kept = d.next();
  d.push(serialize.query('x'.repeat(50000)));
  d.next();
  assert.ok(kept?.type === 'Bind');
  assert.deepEqual([...kept.params[1]!], [...vec]);
});

test('FunctionCall decodes (the server refuses it with 0A000, but it is a legal message)', () => {
  const m = decodeOne(msg('F', int32(1598), int16(1), int16(0), int16(1), int32(2), '42', int16(0)));
  assert.deepEqual(m, { type: 'FunctionCall', functionOid: 1598, argFormats: new Int16Array([0]), args: [new Uint8Array(Buffer.from('42'))], resultFormat: 0 });
});

test('authentication messages: PasswordMessage, SASLInitialResponse, SASLResponse', () => {
  const d = new FrontendDecoder({ phase: 'auth' });
  d.push(serialize.password('secret'));
  d.push(serialize.sendSASLInitialResponseMessage('SCRAM-SHA-256', 'n,,n=*,r=abc'));
  d.push(serialize.sendSCRAMClientFinalMessage('c=biws,r=abcdef,p=xyz'));
  const pw = d.next();
  assert.ok(pw?.type === 'AuthResponse');
  assert.deepEqual([...pw.body], [...bytes('secret\0')]);
  assert.deepEqual(Buffer.from(parsePasswordMessage(pw.body) as Uint8Array).toString(), 'secret');
  const init = d.next();
  assert.ok(init?.type === 'AuthResponse');
  assert.deepEqual([...init.body], [...bytes('SCRAM-SHA-256\0', int32(12), 'n,,n=*,r=abc')]);
  const parsed = parseSASLInitialResponse(init.body);
  assert.ok(!(parsed instanceof PgError));
  assert.equal(parsed.mechanism, 'SCRAM-SHA-256');
  assert.equal(Buffer.from(parsed.data!).toString(), 'n,,n=*,r=abc');
  const fin = d.next();
  assert.ok(fin?.type === 'AuthResponse');
  assert.equal(Buffer.from(fin.body).toString(), 'c=biws,r=abcdef,p=xyz');
  // password packet whose string does not fill it; SASLInitialResponse with -1 (no data) and overruns
  assert.equal((parsePasswordMessage(bytes('a\0b\0')) as PgError).message, 'invalid password packet size');
  assert.equal((parsePasswordMessage(bytes('ab')) as PgError).message, 'invalid password packet size');
  assert.deepEqual(parseSASLInitialResponse(bytes('SCRAM-SHA-256\0', int32(-1))), { mechanism: 'SCRAM-SHA-256', data: null });
  assert.equal((parseSASLInitialResponse(bytes('SCRAM-SHA-256\0', int32(50), 'ab')) as PgError).message, 'insufficient data left in message');
  assert.equal((parseSASLInitialResponse(bytes('SCRAM-SHA-256')) as PgError).message, 'invalid string in message');
  // anything but 'p' while authenticating stops the decoder; the auth exchange words the error
  const d2 = new FrontendDecoder({ phase: 'auth' });
  d2.push(serialize.query('select 1'));
  assert.deepEqual(d2.next(), { type: 'UnexpectedAuthMessage', code: 0x51 });
  assert.equal(d2.stopped, true);
  // ... and after authentication 'p' is no longer a message type
  expectFailure(decodeOne(serialize.password('x')), '08P01', 'invalid frontend message type 112', true);
});

test('any chunking of a message stream decodes to the same messages', () => {
  const stream = bytes(
    startupPacket('user', 'u', 'database', 'd'),
    serialize.password('pw'),
  );
  const rest = bytes(
    serialize.parse({ name: 's', text: 'select $1', types: [23] }),
    serialize.bind({ statement: 's', values: ['7'] }),
    serialize.describe({ type: 'P' }),
    serialize.execute({ rows: 10 }),
    serialize.sync(),
    serialize.query('select 1; select 2'),
    serialize.end(),
  );
  const run = (cuts: (i: number) => number) => {
    const d = new FrontendDecoder();
    const out: string[] = [];
    const feed = (input: Uint8Array) => {
      for (let i = 0; i < input.length; ) {
        const n = Math.max(1, Math.min(cuts(i), input.length - i));
        d.push(input.subarray(i, i + n));
        i += n;
        for (let m; (m = d.next()); ) {
          out.push(m.type);
          if (m.type === 'AuthResponse') d.authenticated();
        }
      }
    };
    feed(stream);
    feed(rest);
    assert.equal(d.end(), null);
    return out;
  };
  const expected = ['StartupMessage', 'AuthResponse', 'Parse', 'Bind', 'Describe', 'Execute', 'Sync', 'Query', 'Terminate'];
  assert.deepEqual(run(() => 1), expected);
  assert.deepEqual(run(() => 3), expected);
  assert.deepEqual(run((i) => (i * 7919) % 13), expected);
  assert.deepEqual(run(() => 1 << 20), expected);
});

test('message framing errors are fatal and stop the decoder', () => {
  expectFailure(decodeOne(msg('z')), '08P01', 'invalid frontend message type 122', true);
  // the type byte alone is enough to refuse (PostgreSQL reads it first)
  expectFailure(decodeOne(bytes(0)), '08P01', 'invalid frontend message type 0', true);
  for (const len of [0, 3, -1, -2147483648]) {
    expectFailure(decodeOne(bytes('Q', int32(len))), '08P01', 'invalid message length', true);
  }
  // small-message types are limited to 10,000 bytes
  expectFailure(decodeOne(bytes('S', int32(10001))), '08P01', 'invalid message length', true);
  expectFailure(decodeOne(bytes('D', int32(20000))), '08P01', 'invalid message length', true);
  // after a fatal failure nothing else is decoded, and pushes are ignored
  const d = new FrontendDecoder({ phase: 'ready' });
  d.push(bytes(msg('z'), serialize.sync()));
  assert.equal(d.next()?.type, 'ProtocolFailure');
  assert.equal(d.next(), null);
  d.push(serialize.sync());
  assert.equal(d.next(), null);
  assert.equal(d.bufferedBytes, 0);
  assert.equal(d.stopped, true);
  // reset() starts a new connection
  d.reset('ready');
  d.push(serialize.sync());
  assert.deepEqual(d.next(), { type: 'Sync' });
});

test('maximum message size: PostgreSQL\'s 1 GiB by default, smaller when configured, checked before buffering', () => {
  assert.equal(MAX_MESSAGE_BYTES.default, PQ_LARGE_MESSAGE_LIMIT);
  assert.equal(PQ_LARGE_MESSAGE_LIMIT, 1073741822);
  const big = new FrontendDecoder({ phase: 'ready' });
  big.push(bytes('Q', int32(PQ_LARGE_MESSAGE_LIMIT)));
  assert.equal(big.next(), null, 'a 1 GiB query is acceptable: wait for its bytes');
  assert.equal(big.bufferedBytes, 5, 'nothing allocated for the announced length');
  const over = decodeOne(bytes('Q', int32(PQ_LARGE_MESSAGE_LIMIT + 1)));
  expectFailure(over, '08P01', 'invalid message length', true);

  const small = { phase: 'ready' as const, maxMessageBytes: 64 * 1024 };
  assert.equal(decodeOne(serialize.query('x'.repeat(64 * 1024 - 6)), small).type, 'Query');
  expectFailure(decodeOne(bytes('Q', int32(64 * 1024 + 1)), small), '08P01', 'invalid message length', true);
  expectFailure(decodeOne(bytes('d', int32(64 * 1024 + 1)), small), '08P01', 'invalid message length', true);
  // the buffer doubles as bytes arrive, but not past one largest message and its header
  const d = new FrontendDecoder(small);
  const q = serialize.query('y'.repeat(64 * 1024 - 5)); // length word 65536: the limit itself
  for (let i = 0; i < q.length; i += 1000) {
    d.push(q.subarray(i, i + 1000));
    assert.ok(d.capacityBytes <= 64 * 1024 + 5 + 1000, `capacity ${d.capacityBytes}`);
  }
  assert.equal(d.next()?.type, 'Query');
  assert.throws(() => new FrontendDecoder({ maxMessageBytes: 100 }), (e: PgError) => e.code === '22023');
  assert.throws(() => new FrontendDecoder({ maxMessageBytes: PQ_LARGE_MESSAGE_LIMIT + 1 }), (e: PgError) => e.code === '22023');
});

test('EOF inside a message is PostgreSQL\'s incomplete-message error', () => {
  const cut = (input: Uint8Array, n: number, phase: 'startup' | 'ready') => {
    const d = new FrontendDecoder({ phase });
    d.push(input.subarray(0, n));
    assert.equal(d.next(), null);
    return d.end();
  };
  const q = serialize.query('select 1');
  assert.equal(cut(q, 0, 'ready'), null);
  expectFailure(cut(q, 3, 'ready'), '08P01', 'unexpected EOF within message length word', true);
  expectFailure(cut(q, 7, 'ready'), '08P01', 'incomplete message from client', true);
  expectFailure(cut(startupPacket('user', 'u'), 10, 'startup'), '08P01', 'incomplete startup packet', true);
});

test('malformed bodies are non-fatal: the message is skipped and decoding continues', () => {
  const results = decodeAll(bytes(
    msg('Q', 'select 1'), // no NUL
    msg('Q', 'select 1\0', 'junk'),
    msg('P', 's\0', 'select 1\0', int16(3), int32(23)), // 3 types announced, 1 present
    msg('B', '\0', '\0', int16(2), int16(0), int16(1), int16(3), int32(-1), int32(-1), int32(-1), int16(0)),
    msg('B', '\0', '\0', int16(0), int16(1), int32(100), 'ab', int16(0)),
    msg('B', '\0', '\0', int16(0), int16(1), int32(-2), int16(0)),
    msg('B', '\0', '\0', int16(0), int16(60000)),
    msg('D', 'X', 'n\0'),
    msg('C', 'Q', 'n\0'),
    msg('D'),
    msg('E', 'p\0', int32(1), 0),
    msg('S', 0),
    msg('Q', 'select ', [0xc3, 0x28], '\0'),
    msg('Q', [0xed, 0xa0, 0x80], '\0'),
    msg('Q', [0xf0, 0x9f, 0x98], '\0'),
    serialize.sync(),
  ));
  const expected: [string, string][] = [
    ['08P01', 'invalid string in message'],
    ['08P01', 'invalid message format'],
    ['08P01', 'insufficient data left in message'],
    ['08P01', 'bind message has 2 parameter formats but 3 parameters'],
    ['08P01', 'insufficient data left in message'],
    ['08P01', 'insufficient data left in message'],
    ['08P01', 'insufficient data left in message'],
    ['08P01', 'invalid DESCRIBE message subtype 88'],
    ['08P01', 'invalid CLOSE message subtype 81'],
    ['08P01', 'no data left in message'],
    ['08P01', 'invalid message format'],
    ['08P01', 'invalid message format'],
    ['22021', 'invalid byte sequence for encoding "UTF8": 0xc3 0x28'],
    ['22021', 'invalid byte sequence for encoding "UTF8": 0xed 0xa0 0x80'],
    ['22021', 'invalid byte sequence for encoding "UTF8": 0xf0 0x9f 0x98'],
  ];
  assert.equal(results.length, expected.length + 1);
  expected.forEach(([code, text], i) => expectFailure(results[i]!, code, text, false));
  assert.deepEqual(results.at(-1), { type: 'Sync' });
});

test('the startup options parameter: pg_split_opts words, -c and -- settings, PostgreSQL\'s errors', () => {
  assert.deepEqual(splitStartupOptions('  -c a=1\t--b-c=2  '), ['-c', 'a=1', '--b-c=2']);
  assert.deepEqual(splitStartupOptions('-c search_path=a\\ b -c x=\\\\y'), ['-c', 'search_path=a b', '-c', 'x=\\y']);
  assert.deepEqual(parseStartupOptions('-c hnsw.ef_search=100 -capplication_name=x --statement-timeout=5s -c a=b=c -c e='), [
    { name: 'hnsw.ef_search', value: '100' },
    { name: 'application_name', value: 'x' },
    { name: 'statement_timeout', value: '5s' },
    { name: 'a', value: 'b=c' },
    { name: 'e', value: '' },
  ]);
  assert.deepEqual(parseStartupOptions(''), []);
  const err = (s: string) => {
    const e = parseStartupOptions(s);
    assert.ok(e instanceof PgError, s);
    return [e.code, e.message, e.severity];
  };
  assert.deepEqual(err('-c work_mem'), ['42601', '-c work_mem requires a value', 'FATAL']);
  assert.deepEqual(err('--work-mem'), ['42601', '--work-mem requires a value', 'FATAL']);
  assert.deepEqual(err('work_mem=1'), ['42601', 'invalid command-line argument for server process: work_mem=1', 'FATAL']);
  assert.deepEqual(err('-X'), ['42601', 'postgres: invalid command-line argument: -X', 'FATAL']);
  assert.deepEqual(err('-c'), ['42601', 'postgres: invalid command-line argument: -c', 'FATAL']);
  assert.deepEqual(err('-B 100'), ['0A000', 'startup option "-B" is not supported', 'FATAL']);
});
