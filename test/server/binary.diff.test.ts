/**
 * Binary format on the wire, byte for byte against PostgreSQL 18 + pgvector (PGlite behind
 * pglite-socket): a raw protocol client sends Parse / Bind (binary parameters and binary
 * result columns) / Describe / Execute with a row limit / Sync to both servers and compares
 * every backend message that follows, except the few whose content is the server's own
 * (ParameterStatus, BackendKeyData) and RowDescription's table OID and column number. Covers pgvector's vector_send / halfvec_send /
 * sparsevec_send layouts, numeric, int8, float4, bool, text and arrays, the reg* types (oids in
 * binary, names in text and in text parameters), parameters received in binary, and
 * PortalSuspended.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { startServer } from './helpers.js';
import { vectorSend } from '../../src/types/vector.js';
import { startPglite } from '../support/pglite_start.js';

function be32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v | 0);
  return b;
}
function be16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(v);
  return b;
}
function cstr(s: string): Buffer {
  return Buffer.concat([Buffer.from(s, 'utf8'), Buffer.of(0)]);
}
function message(type: string, ...body: Buffer[]): Buffer {
  const b = Buffer.concat(body);
  return Buffer.concat([Buffer.from(type, 'latin1'), be32(b.length + 4), b]);
}

/** A minimal protocol client: sends bytes, reads whole backend messages. */
class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  private constructor(private readonly sock: Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async open(port: number): Promise<RawClient> {
    const sock = connect(port, '127.0.0.1');
    await new Promise<void>((res, rej) => sock.once('connect', res).once('error', rej));
    const c = new RawClient(sock);
    const body = Buffer.concat([be32(196608), cstr('user'), cstr('postgres'), cstr('database'), cstr('postgres'), Buffer.of(0)]);
    c.send(Buffer.concat([be32(body.length + 4), body]));
    await c.untilReady();
    return c;
  }

  send(b: Buffer): void {
    this.sock.write(b);
  }

  private async next(): Promise<{ type: string; body: Buffer }> {
    for (;;) {
      if (this.buf.length >= 5) {
        const len = this.buf.readInt32BE(1);
        if (this.buf.length >= 1 + len) {
          const m = { type: String.fromCharCode(this.buf[0]!), body: this.buf.subarray(5, 1 + len) };
          this.buf = this.buf.subarray(1 + len);
          return m;
        }
      }
      await new Promise<void>((res) => this.waiters.push(res));
    }
  }

  /** Messages up to and including ReadyForQuery, as type + hex body. */
  async untilReady(): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      const m = await this.next();
      if (m.type === 'S' || m.type === 'K' || m.type === 'R') continue;
      const body = m.type === 'T' ? withoutTableColumns(m.body) : m.body;
      out.push(m.type === 'E' || m.type === 'N' ? `${m.type} ${errorFields(body)}` : `${m.type} ${body.toString('hex')}`);
      if (m.type === 'Z') return out;
    }
  }

  close(): void {
    this.send(message('X'));
    this.sock.end();
  }
}

/**
 * A RowDescription with each field's table OID and column number zeroed: vecgres tables have
 * no OIDs yet, so it sends 0 for both (as PostgreSQL does for a computed column).
 */
function withoutTableColumns(body: Buffer): Buffer {
  const b = Buffer.from(body);
  const n = b.readInt16BE(0);
  let p = 2;
  for (let i = 0; i < n; i++) {
    p = b.indexOf(0, p) + 1;
    b.writeInt32BE(0, p);
    b.writeInt16BE(0, p + 4);
    p += 18;
  }
  return b;
}

/** SQLSTATE and message of an ErrorResponse (other fields, like the source file, differ). */
function errorFields(body: Buffer): string {
  const f: Record<string, string> = {};
  let p = 0;
  while (p < body.length && body[p] !== 0) {
    const code = String.fromCharCode(body[p]!);
    const end = body.indexOf(0, p + 1);
    f[code] = body.subarray(p + 1, end).toString('utf8');
    p = end + 1;
  }
  return `${f['C']} ${f['M']}${f['P'] === undefined ? '' : ` at ${f['P']}`}`;
}

/** Parse + Bind + Describe portal + Execute (row limit) + Sync, with binary params and results. */
function extended(sql: string, paramOids: number[], params: (Buffer | null)[], paramFormats: number[], resultFormats: number[], maxRows = 0): Buffer {
  return Buffer.concat([
    message('P', cstr(''), cstr(sql), be16(paramOids.length), ...paramOids.map(be32)),
    message('B', cstr(''), cstr(''), be16(paramFormats.length), ...paramFormats.map(be16), be16(params.length),
      ...params.flatMap((p) => (p === null ? [be32(-1)] : [be32(p.length), p])), be16(resultFormats.length), ...resultFormats.map(be16)),
    message('D', Buffer.from('P'), cstr('')),
    message('E', cstr(''), be32(maxRows)),
    ...(maxRows > 0 ? [message('E', cstr(''), be32(0))] : []),
    message('S'),
  ]);
}

const f64 = (x: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b;
};

/** Sync and Query messages in a case: each is answered by one ReadyForQuery. */
function countReadies(b: Buffer): number {
  let n = 0;
  for (let p = 0; p < b.length; p += 1 + b.readInt32BE(p + 1)) if (b[p] === 0x53 || b[p] === 0x51) n++;
  return n;
}

const CASES: Buffer[] = [
  extended('CREATE TABLE v (id int8 PRIMARY KEY, e vector(3), h halfvec(3), s sparsevec(6), n numeric, r real, ok bool, t text)', [], [], [], []),
  extended("INSERT INTO v VALUES (1, '[1,2.5,-3]', '[1,2.5,-3]', '{1:1,6:-2.5}/6', 123.450, 1.5, true, 'héllo'), (2, '[0,0,1e-7]', '[0,0,0.1]', '{}/6', -0.001, -0, false, ''), (3, NULL, NULL, NULL, 'NaN', 'Infinity', NULL, NULL)", [], [], [], []),
  extended('SELECT * FROM v ORDER BY id', [], [], [], [1]),
  extended('SELECT id, e, h, s, n, t FROM v ORDER BY id', [], [], [], [0, 1, 1, 1, 0, 1]),
  // A vector parameter in binary (vector_recv), with the parameter's OID left to inference.
  extended('SELECT id, e <-> $1 AS d FROM v WHERE e IS NOT NULL ORDER BY d', [0], [Buffer.from(vectorSend(Float32Array.of(1, 1, 1)))], [1], [1]),
  extended('SELECT $1::float8 * 2 AS x, $2::int8 AS y', [701, 20], [f64(0.1), Buffer.from('0000000000000007', 'hex')], [1, 1], [1]),
  // Binary input errors: a short vector, wrong dimensions.
  extended('SELECT $1::vector(3) AS x', [0], [Buffer.from('0002000000000000', 'hex')], [1], [1]),
  extended('SELECT $1::vector(3) AS x', [0], [Buffer.from('00020000', 'hex')], [1], [1]),
  extended("SELECT ARRAY[1,2,NULL]::int[] AS a, ARRAY['[1,2]'::vector] AS b", [], [], [], [1]),
  // Date/time values: int64 microseconds / int32 days / the 16-byte interval, and their OIDs.
  extended("SELECT timestamptz '2024-01-01 10:00+00' AS a, date '2024-02-29' AS b, timestamp '2024-01-01 10:00:00.5' AS c, interval '1 mon 2 days 03:00' AS d", [], [], [], [1]),
  extended("SELECT timestamptz '2024-01-01 10:00+00' AS a, date '2024-02-29' AS b, ARRAY[date 'infinity'] AS c, interval '-1 day' AS d", [], [], [], [0]),
  extended('SELECT $1::timestamptz AS a, $2::date AS b', [1184, 1082], [Buffer.from('0002b8f1b5a5c000', 'hex'), Buffer.from('00002000', 'hex')], [1, 1], [0]),
  // time: int64 microseconds since midnight (time_send / time_recv), its typmod, array _time, and out of range.
  extended("SELECT time '12:34:56.789' AS a, time '24:00' AS b, ARRAY[time '01:02', NULL] AS c, ('23:59:59.99'::time(1))::text AS d", [], [], [], [1]),
  extended('SELECT $1::time AS a, $2::time(0) AS b', [1083, 1083], [Buffer.from('0000000a8be62608', 'hex'), Buffer.from('000000000007a121', 'hex')], [1, 1], [0]),
  extended('SELECT $1::time AS a', [1083], [Buffer.from('000000141dd76001', 'hex')], [1], [0]),
  // timetz: int64 microseconds, then int32 seconds west of UTC (timetz_send / timetz_recv); zone and time out of range, a short value.
  extended("SELECT timetz '12:34:56.789+01' AS a, timetz '24:00-05:30' AS b, current_time IS NOT NULL AS c, ('23:59:59.99+02'::timetz(1))::text AS d", [], [], [], [1]),
  extended('SELECT $1::timetz AS a, $2::timetz(0) AS b', [1266, 1266], [Buffer.from('0000000a8be62608fffff1f0', 'hex'), Buffer.from('000000000007a12100004ec4', 'hex')], [1, 1], [0]),
  extended('SELECT $1::timetz AS a', [1266], [Buffer.from('0000000a8be626080000e100', 'hex')], [1], [0]),
  extended('SELECT $1::timetz AS a', [1266], [Buffer.from('000000141dd7600100000000', 'hex')], [1], [0]),
  extended('SELECT $1::timetz AS a', [1266], [Buffer.from('0000000a8be62608', 'hex')], [1], [0]),
  // A row limit: two rows, PortalSuspended, then the rest.
  extended('SELECT id FROM v ORDER BY id', [], [], [], [1], 2),
  extended('SELECT nope', [], [], [], []),
  // Named statements and portals; Describe of a statement (ParameterDescription + RowDescription).
  Buffer.concat([
    message('P', cstr('s1'), cstr('SELECT id, e FROM v WHERE id >= $1 ORDER BY id'), be16(0)),
    message('D', Buffer.from('S'), cstr('s1')),
    message('B', cstr('p1'), cstr('s1'), be16(0), be16(1), be32(1), Buffer.from('2'), be16(0)),
    message('B', cstr('p2'), cstr('s1'), be16(0), be16(1), be32(1), Buffer.from('1'), be16(1), be16(1)),
    message('E', cstr('p2'), be32(1)),
    message('E', cstr('p1'), be32(0)),
    message('E', cstr('p2'), be32(0)),
    message('C', Buffer.from('P'), cstr('p1')),
    message('C', Buffer.from('S'), cstr('s1')),
    message('C', Buffer.from('S'), cstr('never_existed')),
    message('S'),
  ]),
  // Errors skip to Sync: a missing statement, then messages that are ignored until Sync.
  Buffer.concat([
    message('B', cstr(''), cstr('s1'), be16(0), be16(0), be16(0)),
    message('E', cstr(''), be32(0)),
    message('P', cstr(''), cstr('SELECT 1'), be16(0)),
    message('S'),
    message('P', cstr('s2'), cstr('SELECT $1::int'), be16(0)),
    message('B', cstr(''), cstr('s2'), be16(0), be16(0), be16(0)),
    message('E', cstr(''), be32(0)),
    message('S'),
    message('P', cstr('s2'), cstr('SELECT 2'), be16(0)),
    message('S'),
    message('E', cstr('no_portal'), be32(0)),
    message('S'),
  ]),
  // Transaction status in ReadyForQuery: T in a block, E after an error in it, I after ROLLBACK.
  Buffer.concat([message('Q', cstr('BEGIN')), message('Q', cstr('SELECT 1/0')), message('Q', cstr('SELECT 1')), message('Q', cstr('ROLLBACK'))]),
  extended('BEGIN', [], [], [], []),
  extended('INSERT INTO v (id) VALUES (10)', [], [], [], []),
  extended('ROLLBACK', [], [], [], []),
  // Simple query: several statements, an empty one, an error in the middle.
  message('Q', cstr('SELECT 1 AS a; ; SELECT 2 AS b; SELECT 1/0; SELECT 3')),
  message('Q', cstr('')),
  // Flush sends what is pending without ending the pipeline.
  Buffer.concat([message('P', cstr(''), cstr('SELECT 5'), be16(0)), message('H'), message('B', cstr(''), cstr(''), be16(0), be16(0), be16(0)), message('E', cstr(''), be32(0)), message('S')]),
  // The messages up to Sync are one implicit transaction: an error rolls back the statements
  // before it; without one Sync commits them; BEGIN inside makes the block explicit (T).
  // (The errors are ones Execute raises: PostgreSQL folds 1/0 already at Bind.)
  pipeline('INSERT INTO v (id) VALUES (20)', 'INSERT INTO v (id) VALUES (1)'),
  extended('SELECT count(*) FROM v WHERE id >= 20', [], [], [], []),
  pipeline('INSERT INTO v (id) VALUES (21)', 'INSERT INTO v (id) VALUES (22)'),
  extended('SELECT count(*) FROM v WHERE id >= 20', [], [], [], []),
  pipeline('DELETE FROM v WHERE id = 21', 'BEGIN', 'INSERT INTO v (id) VALUES (23)'),
  extended('ROLLBACK', [], [], [], []),
  extended('SELECT count(*) FROM v WHERE id >= 20', [], [], [], []),
  pipeline('INSERT INTO v (id) VALUES (24)', 'COMMIT', 'INSERT INTO v (id) VALUES (25)', 'INSERT INTO v (id) VALUES (1)'),
  extended('SELECT count(*) FROM v WHERE id >= 20', [], [], [], []),
  // An error in Bind (a missing portal's statement) aborts the transaction as well.
  Buffer.concat([pipelineStep('INSERT INTO v (id) VALUES (26)'), message('B', cstr(''), cstr('no_such'), be16(0), be16(0), be16(0)), message('S')]),
  extended('SELECT count(*) FROM v WHERE id >= 20', [], [], [], []),
  // VACUUM may open a pipeline (it runs before the transaction starts), not follow a statement.
  pipeline('VACUUM v', 'SELECT 1'),
  pipeline('SELECT 1', 'VACUUM v'),
  // reg* types: oids in binary (regclasssend is oidsend), names in text, names as text
  // parameters typed by Parse or by the cast, oids as binary parameters. (Binary values name
  // system catalogs only: this server's user tables do not get the oids PGlite's do.)
  extended('CREATE TABLE r (id int, c regclass, t regtype, n regnamespace, p regproc, q regprocedure, ca regclass[], pa regproc[])', [], [], [], []),
  extended("INSERT INTO r VALUES (1, 'pg_type', 'vector', 'public', 'now', 'sum(int4)', '{pg_attribute,pg_class}', '{now,-}'), (2, 0, 'int4[]', 'pg_catalog', 0, 'l2_distance(vector,vector)', '{}', NULL), (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL)", [], [], [], []),
  extended('SELECT * FROM r ORDER BY id', [], [], [], [1]),
  extended('SELECT * FROM r ORDER BY id', [], [], [], [0, 1, 0, 1, 0, 1, 0, 1]),
  extended('SELECT $1::regclass AS a, $2::regproc AS b, $3::regtype AS c', [2205, 24, 2206], [Buffer.from('v'), Buffer.from('now'), Buffer.from('integer')], [0], [0]),
  extended('SELECT $1::regclass AS a, $2::regproc AS b, $3::regtype AS c', [0, 0, 0], [Buffer.from('pg_catalog.pg_class'), Buffer.from('version'), Buffer.from('vector')], [0], [1]),
  extended('SELECT $1::regclass AS a, $2::regproc AS b, $3::regprocedure AS c', [2205, 24, 2202], [be32(1259), be32(1299), be32(2108)], [1], [0]),
  extended('SELECT $1 AS a, $2 AS b', [2210, 2210], [Buffer.from('{pg_type,pg_class}'), Buffer.from('{v}')], [0], [1, 0]),
  extended('INSERT INTO r (id, c, p, q) VALUES ($1, $2, $3, $4) RETURNING c, p, q', [23, 2205, 24, 2202], [be32(4), be32(1259), be32(1299), be32(2108)], [1], [0]),
  extended('SELECT $1::regclass AS a', [2205], [Buffer.from('0000', 'hex')], [1], [0]),
];

/** Parse + Bind + Execute of one statement without parameters (no Sync). */
function pipelineStep(sql: string): Buffer {
  return Buffer.concat([
    message('P', cstr(''), cstr(sql), be16(0)),
    message('B', cstr(''), cstr(''), be16(0), be16(0), be16(0)),
    message('E', cstr(''), be32(0)),
  ]);
}

/** Several statements' Parse + Bind + Execute, then one Sync: one implicit transaction. */
function pipeline(...sqls: string[]): Buffer {
  return Buffer.concat([...sqls.map(pipelineStep), message('S')]);
}

test('binary wire format: byte for byte against PGlite + pgvector behind pglite-socket', async () => {
  const pglite = await startPglite();
  await pglite.exec('CREATE EXTENSION vector');
  const socketServer = new PGLiteSocketServer({ db: pglite, port: 0, host: '127.0.0.1' });
  await socketServer.start();
  const ours = await startServer({ auth: 'trust', users: {} });
  const theirs = await RawClient.open(Number(socketServer.getServerConn().split(':')[1]));
  const mine = await RawClient.open(ours.port);
  try {
    const mismatches: string[] = [];
    for (const [i, c] of CASES.entries()) {
      theirs.send(c);
      mine.send(c);
      // One ReadyForQuery per Sync or Query in the case.
      const readies = countReadies(c);
      const expected: string[] = [];
      const actual: string[] = [];
      for (let k = 0; k < readies; k++) {
        expected.push(...(await theirs.untilReady()));
        actual.push(...(await mine.untilReady()));
      }
      if (JSON.stringify(expected) !== JSON.stringify(actual)) {
        mismatches.push(`case ${i}:\n  PostgreSQL: ${expected.join(' | ')}\n  vecgres:    ${actual.join(' | ')}`);
      }
    }
    assert.equal(mismatches.length, 0, mismatches.join('\n'));
  } finally {
    theirs.close();
    mine.close();
    await socketServer.stop();
    await pglite.close();
    await ours.close();
  }
});
