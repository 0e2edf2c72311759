/**
 * Differential: malformed frontend messages sent to real PostgreSQL (PGlite's raw protocol
 * entry point, after startup) and to our decoder must fail with the same SQLSTATE and message.
 * Only errors PostgreSQL reports at ERROR level can be compared this way: a fatal framing error
 * would end PGlite's single session (those are checked against fixtures in frontend.test.ts).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';
import { bytes, decodeAll, int16, int32, msg } from './helpers.js';
import { startPglite } from '../support/pglite_start.js';

const pg = await startPglite({ extensions: {} });
after(() => pg.close());

/** The first ErrorResponse PostgreSQL answers to `input` followed by Sync, or null. */
async function pgError(input: Uint8Array): Promise<{ code: string; message: string } | null> {
  const out = await pg.execProtocolRaw(bytes(input, serialize.sync()));
  let first: { code: string; message: string } | null = null;
  new Parser().parse(Buffer.from(out), (m: any) => {
    if (m.name === 'error' && first === null) first = { code: m.code, message: m.message };
  });
  return first;
}

test('malformed bodies fail as in PostgreSQL', async () => {
  // Prepared statements the Bind cases refer to (PostgreSQL looks the statement up first).
  assert.equal(
    await pgError(bytes(
      serialize.parse({ name: 's1', text: 'select $1::text' }),
      serialize.parse({ name: 's3', text: 'select $1::text, $2::text, $3::text' }),
    )),
    null,
  );
  const cases: [string, Uint8Array][] = [
    ['query without NUL', msg('Q', 'select 1')],
    ['query with bytes after its NUL', msg('Q', 'select 1\0', 'junk')],
    ['query with a bad UTF-8 pair', msg('Q', 'select ', [0xc3, 0x28], '\0')],
    ['query with a surrogate', msg('Q', 'select ', [0xed, 0xa0, 0x80], '\0')],
    ['query with a truncated 4-byte char', msg('Q', 'select 1 ', [0xf0, 0x9f, 0x98], '\0')],
    ['query with an overlong', msg('Q', 'select ', [0xc0, 0xaf], '\0')],
    ['query with a lone continuation byte', msg('Q', 'select ', [0x80], ' 1\0')],
    ['query with a byte past U+10FFFF', msg('Q', [0xf4, 0x90, 0x80, 0x80], '\0')],
    ['parse announcing more types than sent', msg('P', 'x\0', 'select 1\0', int16(3), int32(23))],
    ['parse with bytes after the types', msg('P', 'x\0', 'select 1\0', int16(0), 7)],
    ['parse with invalid UTF-8 in the name', msg('P', [0xff], '\0', 'select 1\0', int16(0))],
    ['bind with 2 formats for 3 parameters', msg('B', '\0', 's3\0', int16(2), int16(0), int16(1), int16(3), int32(-1), int32(-1), int32(-1), int16(0))],
    ['bind with a value longer than the message', msg('B', '\0', 's1\0', int16(0), int16(1), int32(100), 'ab', int16(0))],
    ['bind with length -2', msg('B', '\0', 's1\0', int16(0), int16(1), int32(-2), int16(0))],
    ['bind without result formats', msg('B', '\0', 's1\0', int16(0), int16(1), int32(1), '1')],
    ['bind with result formats overrunning', msg('B', '\0', 's1\0', int16(0), int16(1), int32(1), '1', int16(5), int16(0))],
    ['bind with bytes after the result formats', msg('B', '\0', 's1\0', int16(0), int16(1), int32(1), '1', int16(0), 9)],
    ['bind with a portal name without NUL', msg('B', 'portal')],
    ['describe X', msg('D', 'X', 'n\0')],
    ['describe without a body', msg('D')],
    ['describe without a name', msg('D', 'S')],
    ['close Q', msg('C', 'Q', 'n\0')],
    ['execute with a short row count', msg('E', '\0', int16(1))],
    ['execute with bytes after the row count', msg('E', 'p\0', int32(1), 0)],
    ['sync with a body', msg('S', 0)],
    ['flush with a body', msg('H', 1, 2)],
  ];
  for (const [what, input] of cases) {
    const expected = await pgError(input);
    assert.ok(expected, `${what}: PostgreSQL reported no error`);
    const ours = decodeAll(input);
    assert.equal(ours.length, 1, what);
    const f = ours[0]!;
    assert.ok(f.type === 'ProtocolFailure', `${what}: decoded ${f.type}, PostgreSQL said ${expected.message}`);
    assert.deepEqual({ code: f.error.code, message: f.error.message }, expected, what);
    assert.equal(f.fatal, false, what);
  }
});
