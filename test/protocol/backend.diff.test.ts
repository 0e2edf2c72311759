/**
 * Differential: real PostgreSQL's backend messages (PGlite's raw protocol entry point answering
 * simple and extended queries) re-encoded by our writer from their parsed contents must be the
 * same bytes. ErrorResponse and NoticeResponse are compared without the source-location fields
 * (F file, L line, R routine), which name PostgreSQL's C code and which vecgres does not send.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';
import { BackendWriter } from '../../src/protocol/backend.js';
import { PgError, type Severity } from '../../src/common/errors.js';
import { bytes } from './helpers.js';
import { startPglite } from '../support/pglite_start.js';

const pg = await startPglite({ extensions: {} });
after(() => pg.close());

/** Splits a backend byte stream into whole messages. */
function split(stream: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const view = new DataView(stream.buffer, stream.byteOffset, stream.length);
  for (let p = 0; p < stream.length; ) {
    const len = view.getInt32(p + 1);
    out.push(stream.subarray(p, p + 1 + len));
    p += 1 + len;
  }
  return out;
}

/** Drops the F, L and R fields of an ErrorResponse / NoticeResponse. */
function withoutSourceFields(m: Uint8Array): Uint8Array {
  const fields: Uint8Array[] = [];
  for (let p = 5; p < m.length && m[p] !== 0; ) {
    const end = m.indexOf(0, p);
    if (![0x46, 0x4c, 0x52].includes(m[p]!)) fields.push(m.subarray(p, end + 1));
    p = end + 1;
  }
  const body = bytes(...fields, 0);
  return bytes(m[0]!, [(body.length + 4) >>> 24, ((body.length + 4) >>> 16) & 255, ((body.length + 4) >>> 8) & 255, (body.length + 4) & 255], body);
}

/** Our encoding of the message pg-protocol parsed from PostgreSQL's bytes. */
function reencode(m: any): Uint8Array {
  const w = new BackendWriter(64);
  switch (m.name) {
    case 'parseComplete': w.parseComplete(); break;
    case 'bindComplete': w.bindComplete(); break;
    case 'closeComplete': w.closeComplete(); break;
    case 'noData': w.noData(); break;
    case 'portalSuspended': w.portalSuspended(); break;
    case 'emptyQuery': w.emptyQueryResponse(); break;
    case 'readyForQuery': w.readyForQuery(m.status); break;
    case 'commandComplete': w.commandComplete(m.text); break;
    case 'parameterDescription': w.parameterDescription(m.dataTypeIDs); break;
    case 'rowDescription':
      w.rowDescription(m.fields.map((f: any) => ({
        name: f.name, tableOid: f.tableID, columnAttr: f.columnID, typeOid: f.dataTypeID,
        typeSize: f.dataTypeSize, typeModifier: f.dataTypeModifier, format: f.format === 'binary' ? 1 : 0,
      })));
      break;
    case 'dataRow': w.dataRow(m.fields); break;
    case 'error':
    case 'notice': {
      const e = new PgError(m.code, m.message, {
        severity: m.severity as Severity,
        ...(m.detail !== undefined ? { detail: m.detail } : {}),
        ...(m.hint !== undefined ? { hint: m.hint } : {}),
        ...(m.position !== undefined ? { position: Number(m.position) } : {}),
      });
      if (m.name === 'error') w.errorResponse(e);
      else w.noticeResponse(e);
      break;
    }
    default:
      assert.fail(`no re-encoding for ${m.name}`);
  }
  return w.take();
}

test('our encoding of PostgreSQL\'s own answers is byte-identical', async () => {
  await pg.exec(`create table t (id int4 primary key, note text, v float8[]); insert into t values (1, 'é 🚀', '{1.5,2}'), (2, null, null), (3, '', '{}')`);
  const conversation = bytes(
    serialize.parse({ name: 's', text: 'select id, note, v from t where id >= $1 order by id', types: [23] }),
    serialize.describe({ type: 'S', name: 's' }),
    serialize.bind({ statement: 's', portal: 'p', values: ['1'] }),
    serialize.describe({ type: 'P', name: 'p' }),
    serialize.execute({ portal: 'p', rows: 2 }),
    serialize.execute({ portal: 'p', rows: 0 }),
    serialize.close({ type: 'P', name: 'p' }),
    serialize.parse({ name: 'u', text: 'update t set note = note where id = $1' }),
    serialize.describe({ type: 'S', name: 'u' }),
    serialize.bind({ statement: 'u', values: ['2'] }),
    serialize.execute({}),
    serialize.sync(),
    serialize.query(''),
    serialize.query('select 1 as one, null::text as "Nothing"; drop table if exists no_such_table; begin; select 1/0'),
    serialize.query('rollback'),
    serialize.query('selec 1'),
  );
  const stream = await pg.execProtocolRaw(conversation);
  const raw = split(stream);
  const parsed: any[] = [];
  new Parser().parse(Buffer.from(stream), (m: any) => parsed.push(m));
  assert.equal(parsed.length, raw.length);
  const seen = new Set<string>();
  for (let i = 0; i < raw.length; i++) {
    const theirs = parsed[i].name === 'error' || parsed[i].name === 'notice' ? withoutSourceFields(raw[i]!) : raw[i]!;
    assert.deepEqual([...reencode(parsed[i])], [...theirs], `message ${i}: ${parsed[i].name}`);
    seen.add(parsed[i].name === 'readyForQuery' ? `readyForQuery ${parsed[i].status}` : parsed[i].name);
  }
  // The conversation must have exercised every kind compared here.
  for (const k of ['parseComplete', 'bindComplete', 'closeComplete', 'noData', 'portalSuspended', 'emptyQuery', 'commandComplete',
    'parameterDescription', 'rowDescription', 'dataRow', 'error', 'notice', 'readyForQuery I', 'readyForQuery E']) {
    assert.ok(seen.has(k), `PostgreSQL sent no ${k}: ${[...seen].join(', ')}`);
  }
});
