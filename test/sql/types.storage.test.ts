/**
 * halfvec, sparsevec, bit and bit varying columns survive the durable path: rows logged in the
 * WAL (codec value tags for the new types) are replayed after a close without checkpoint
 * data for them, and rows in a checkpoint are read back, including NULLs, deleted rows and
 * unconstrained (per-row) columns. Values are compared as PostgreSQL text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nodeFs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';
import { SEED } from '../support/seed.js';


function randomRow(rng: Prng, id: number): unknown[] {
  const dense = (n: number) => Array.from({ length: n }, () => (rng.int(3) === 0 ? 0 : (rng.int(2001) - 1000) / 64));
  const bits = (n: number) => Array.from({ length: n }, () => rng.int(2)).join('');
  const sparse = (dim: number) => {
    const d = dense(dim);
    const parts = d.map((x, i) => (x === 0 ? '' : `${i + 1}:${x}`)).filter((p) => p !== '');
    return `{${parts.join(',')}}/${dim}`;
  };
  const maybe = <T,>(v: T) => (rng.int(6) === 0 ? null : v);
  return [
    id,
    maybe(`[${dense(4).join(',')}]`),
    maybe(`[${dense(1 + rng.int(5)).join(',')}]`),
    maybe(sparse(6)),
    maybe(sparse(1 + rng.int(40))),
    maybe(bits(10)),
    maybe(bits(rng.int(20))),
    maybe(`[${dense(4).join(',')}]`),
  ];
}

const COLUMNS = 'id, h::text AS h, hu::text AS hu, s::text AS s, su::text AS su, b::text AS b, vb::text AS vb, v::text AS v';

async function snapshot(db: Vecgres): Promise<unknown[]> {
  return (await db.query(`SELECT ${COLUMNS} FROM st ORDER BY id`)).rows;
}

test('halfvec, sparsevec, bit and varbit rows round-trip through the WAL and checkpoints', async () => {
  const dir = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'vecgres-types-'));
  const rng = new Prng(SEED);
  const msg = `VECGRES_SEED=${SEED}`;
  try {
    let db = await Vecgres.create(dir);
    await db.exec('CREATE TABLE st (id int PRIMARY KEY, h halfvec(4), hu halfvec, s sparsevec(6), su sparsevec, b bit(10), vb varbit, v vector(4))');
    const insert = 'INSERT INTO st VALUES ($1, $2, $3, $4, $5, $6, $7, $8)';
    for (let i = 0; i < 300; i++) await db.query(insert, randomRow(rng, i));
    await db.query('DELETE FROM st WHERE id % 7 = 3');
    await db.query("UPDATE st SET h = '[1,2,3,4]', b = B'1111100000' WHERE id % 11 = 5");
    const before = await snapshot(db);
    const distances = (await db.query("SELECT id FROM st ORDER BY h <-> '[1,1,1,1]', id LIMIT 10")).rows;
    // As if the process died: no checkpoint holds the table, every row comes from the log.
    db.database.abandon();

    db = await Vecgres.create(dir);
    assert.deepEqual(await snapshot(db), before, msg);
    assert.deepEqual((await db.query("SELECT id FROM st ORDER BY h <-> '[1,1,1,1]', id LIMIT 10")).rows, distances, msg);

    // A checkpoint holds the first rows, the log the later ones.
    for (let i = 300; i < 400; i++) await db.query(insert, randomRow(rng, i));
    const after = await snapshot(db);
    await db.query('CHECKPOINT');
    for (let i = 400; i < 450; i++) await db.query(insert, randomRow(rng, i));
    const last = await snapshot(db);
    assert.ok(last.length > after.length, msg);
    db.database.abandon();
    db = await Vecgres.create(dir);
    assert.deepEqual(await snapshot(db), last, msg);
    // A clean close: everything from the final checkpoint.
    await db.close();
    db = await Vecgres.create(dir);
    assert.deepEqual(await snapshot(db), last, msg);
    const agg = await db.query<{ a: string | null; n: number }>('SELECT avg(h)::text AS a, count(su) AS n FROM st');
    assert.equal(agg.rows.length, 1);
    await db.close();
  } finally {
    nodeFs.rmSync(dir, { recursive: true, force: true });
  }
});
