/**
 * Protocol fuzzing against a running server: seeded malformed, truncated and spliced messages
 * (startup packets and every frontend message type), each case on its own connection, several
 * at once. Afterwards the server must have closed every one of them, logged no internal error,
 * and still answer a fresh client. `VECGRES_FUZZ_CASES` sets the number of cases (default 400
 * in CI; at least 10,000 for a thorough run); `VECGRES_SEED` replays a run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import pg from 'pg';
import { Prng } from '../../src/common/prng.js';
import { SEED } from '../support/seed.js';
import { startServer } from './helpers.js';

const CASES = Number(process.env['VECGRES_FUZZ_CASES'] ?? 400);
const PARALLEL = 16;

function be32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v | 0);
  return b;
}

function be16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(v << 16 >> 16);
  return b;
}

function cstr(s: string): Buffer {
  return Buffer.concat([Buffer.from(s, 'utf8'), Buffer.of(0)]);
}

function message(type: string, ...body: Buffer[]): Buffer {
  const b = Buffer.concat(body);
  return Buffer.concat([Buffer.from(type, 'latin1'), be32(b.length + 4), b]);
}

function startup(params: Record<string, string>): Buffer {
  const body = Buffer.concat([be32(196608), ...Object.entries(params).flatMap(([k, v]) => [cstr(k), cstr(v)]), Buffer.of(0)]);
  return Buffer.concat([be32(body.length + 4), body]);
}

const SQL = ['SELECT 1', 'SELECT $1::int + 1', "SELECT '[1,2,3]'::vector <-> $1", 'BEGIN', 'COMMIT', 'SELECT * FROM t', 'INSERT INTO t VALUES ($1)', '', 'SELECT 1; SELECT 2', 'SELEC', "SELECT '\u00e9'"];

/** A valid message of a random kind (the raw material of mutations). */
function validMessage(r: Prng): Buffer {
  const sql = SQL[r.int(SQL.length)]!;
  switch (r.int(10)) {
    case 0: return message('Q', cstr(sql));
    case 1: return message('P', cstr(r.int(2) ? 's' + r.int(3) : ''), cstr(sql), be16(1), be32([0, 23, 25, 16385, 17][r.int(5)]!));
    case 2: {
      const fmt = r.int(2);
      const val = fmt ? Buffer.from([0, 0, 0, r.int(256)]) : Buffer.from(String(r.int(100)));
      return message('B', cstr(''), cstr(r.int(2) ? 's' + r.int(3) : ''), be16(1), be16(fmt), be16(1), be32(val.length), val, be16(1), be16(r.int(2)));
    }
    case 3: return message('D', Buffer.from(r.int(2) ? 'S' : 'P'), cstr(''));
    case 4: return message('E', cstr(''), be32(r.int(3)));
    case 5: return message('S');
    case 6: return message('H');
    case 7: return message('C', Buffer.from(r.int(2) ? 'S' : 'P'), cstr('s1'));
    case 8: return message('d', Buffer.from('x'));
    default: return message('F', be32(1), be16(0), be16(0), be16(0));
  }
}

/** A valid message damaged one of several ways. */
function mutate(r: Prng, m: Buffer): Buffer {
  const b = Buffer.from(m);
  switch (r.int(7)) {
    case 0: // truncate
      return b.subarray(0, r.int(b.length));
    case 1: // flip a byte
      b[r.int(b.length)] = r.int(256);
      return b;
    case 2: // a random length word
      if (b.length >= 5) b.writeInt32BE([r.int(4), 0x7fffffff, -1, r.int(100000), b.length + r.int(64)][r.int(5)]!, 1);
      return b;
    case 3: // a random type byte
      b[0] = r.int(256);
      return b;
    case 4: // garbage spliced in
      return Buffer.concat([b.subarray(0, r.int(b.length)), Buffer.from(Array.from({ length: 1 + r.int(40) }, () => r.int(256))), b.subarray(r.int(b.length))]);
    case 5: // pure noise
      return Buffer.from(Array.from({ length: r.int(64) }, () => r.int(256)));
    default:
      return b;
  }
}

/** One case's bytes: a startup (valid or damaged), then a few valid or damaged messages. */
function caseBytes(r: Prng): Buffer {
  const parts: Buffer[] = [];
  const kind = r.int(10);
  if (kind === 0) {
    parts.push(mutate(r, startup({ user: 'postgres', database: 'postgres' })));
  } else if (kind === 1) {
    // SSLRequest, then maybe a startup
    parts.push(Buffer.concat([be32(8), be32(80877103)]));
    if (r.int(2)) parts.push(startup({ user: 'postgres' }));
  } else if (kind === 2) {
    // CancelRequest with a random key
    parts.push(Buffer.concat([be32(16), be32(80877102), be32(r.int(1 << 30)), be32(r.int(1 << 30))]));
  } else {
    parts.push(startup({ user: 'postgres', database: 'postgres', ...(r.int(4) === 0 ? { options: '-c hnsw.ef_search=' + r.int(2000) } : {}) }));
  }
  const n = 1 + r.int(6);
  for (let i = 0; i < n; i++) {
    const m = validMessage(r);
    parts.push(r.int(3) === 0 ? m : mutate(r, m));
  }
  if (r.int(2)) parts.push(message('S'));
  return Buffer.concat(parts);
}

/** Sends `bytes` (in random chunks), half-closes, and waits until the server closes. */
function runCase(port: number, bytes: Buffer, r: Prng): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`the server did not close a connection after ${bytes.length} bytes: ${bytes.toString('hex').slice(0, 400)}`));
    }, 10_000);
    sock.on('data', () => undefined);
    sock.on('error', () => undefined);
    sock.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    sock.on('connect', () => {
      let at = 0;
      while (at < bytes.length) {
        const n = 1 + r.int(bytes.length - at);
        sock.write(bytes.subarray(at, at + n));
        at += n;
      }
      sock.end();
    });
  });
}

test(`protocol fuzz: ${CASES} seeded malformed or truncated message sequences, then a fresh client works (seed ${SEED})`, async () => {
  const s = await startServer({ auth: 'trust', users: {} });
  const setup = new pg.Client(s.conn);
  await setup.connect();
  await setup.query('CREATE TABLE t (x int)');
  await setup.end();
  try {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < CASES) {
        const i = next++;
        // Each case has its own stream, so a case replays alone whatever the interleaving.
        const r = new Prng((SEED ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
        const bytes = caseBytes(r);
        try {
          await runCase(s.port, bytes, r);
        } catch (e) {
          throw new Error(`fuzz case ${i} (seed ${SEED}): ${(e as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    for (let i = 0; i < 100 && s.server.connectionCount > 0; i++) await new Promise((res) => setTimeout(res, 10));
    assert.equal(s.server.connectionCount, 0, `connections left open (seed ${SEED})`);
    const c = new pg.Client(s.conn);
    await c.connect();
    assert.equal(typeof (await c.query('SELECT count(*)::int AS n FROM t')).rows[0].n, 'number');
    assert.equal((await c.query('SELECT 1 + $1::int AS x', [41])).rows[0].x, 42);
    await c.end();
  } finally {
    await s.close();
  }
});
