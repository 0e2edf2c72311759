/**
 * Binary COPY FROM of a pgvector value with bytes left over after its receive function: PostgreSQL
 * (CopyReadBinaryAttribute) refuses the row with 22P03 `incorrect binary data format`, and so
 * must vecgres, for vector, halfvec and sparsevec, next to the same field without the extra
 * bytes, which both accept. Compared with PGlite + pgvector.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { startPglite } from '../support/pglite_start.js';

/** A binary COPY stream of one tuple of one field. */
function copyBlob(field: Buffer): Blob {
  const count = Buffer.alloc(2);
  count.writeInt16BE(1);
  const len = Buffer.alloc(4);
  len.writeInt32BE(field.length);
  const end = Buffer.alloc(2);
  end.writeInt16BE(-1);
  return new Blob([Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8), count, len, field, end])]);
}

const vectorField = Buffer.alloc(12);
vectorField.writeInt16BE(2, 0);
vectorField.writeFloatBE(1.5, 4);
vectorField.writeFloatBE(-2, 8);
const halfvecField = Buffer.from([0, 2, 0, 0, 0x3e, 0x00, 0xc0, 0x00]);
const sparseField = Buffer.alloc(20);
sparseField.writeInt32BE(5, 0);
sparseField.writeInt32BE(1, 4);
sparseField.writeInt32BE(3, 12);
sparseField.writeFloatBE(2.5, 16);

const CASES: [string, string, Buffer][] = [
  ['vector', 'vector(2)', vectorField],
  ['vector unconstrained', 'vector', vectorField],
  ['halfvec', 'halfvec(2)', halfvecField],
  ['sparsevec', 'sparsevec(5)', sparseField],
];

async function run(db: { query: (sql: string, params: unknown[], opts: { blob: Blob }) => Promise<unknown>; exec: (sql: string) => Promise<unknown> }, type: string, field: Buffer): Promise<string> {
  await db.exec(`DROP TABLE IF EXISTS t; CREATE TABLE t (v ${type})`);
  try {
    await db.query("COPY t FROM '/dev/blob' WITH (FORMAT binary)", [], { blob: copyBlob(field) });
    return 'ok';
  } catch (e) {
    const err = e as { code: string; message: string };
    return `${err.code} ${err.message}`;
  }
}

test('binary COPY refuses a pgvector field with bytes past its value, as PostgreSQL does', async () => {
  const peer = await startPglite();
  const db = await Vecgres.create();
  try {
    await peer.exec('CREATE EXTENSION vector');
    for (const [name, type, field] of CASES) {
      for (const extra of [0, 1, 4]) {
        const f = Buffer.concat([field, Buffer.alloc(extra, 7)]);
        const expected = await run(peer, type, f);
        assert.equal(await run(db, type, f), expected, `${name} with ${extra} extra bytes`);
        if (extra === 0) assert.equal(expected, 'ok');
        else assert.equal(expected, '22P03 incorrect binary data format');
      }
    }
  } finally {
    await peer.close();
    await db.close();
  }
});
