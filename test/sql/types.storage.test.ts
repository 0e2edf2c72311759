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
import { parseNumeric, numericCmp } from '../../src/types/numeric.js';


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

test('numeric, uuid, smallint, varchar, char, bytea and jsonb columns keep their values through the WAL, a checkpoint and a reopen', async () => {
  const dir = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'vecgres-numeric-'));
  const rng = new Prng(SEED ^ 0x6e756d);
  const msg = `VECGRES_SEED=${SEED}`;
  const literal = () => {
    switch (rng.int(6)) {
      case 0: return ['NaN', 'Infinity', '-Infinity', '0.000', '-0'][rng.int(5)]!;
      case 1: return `${rng.int(2) ? '-' : ''}${rng.int(1e9)}${'0'.repeat(rng.int(30))}.${String(rng.int(1e6)).padStart(6, '0')}`;
      case 2: return `${rng.int(1000)}e-${rng.int(40)}`;
      default: return `${rng.int(2) ? '-' : ''}${rng.int(100000)}.${rng.int(100)}`;
    }
  };
  const uuid = () => Array.from({ length: 32 }, () => '0123456789ABCDEF'[rng.int(16)]).join('');
  const row = (i: number) => [i, rng.int(6) === 0 ? null : literal(), `${rng.int(2) ? '-' : ''}${rng.int(10000)}.${rng.int(1000)}`, rng.int(7) === 0 ? null : uuid(), rng.int(65536) - 32768,
    Array.from('é😀 ab').slice(0, rng.int(6)).join(''), 'xy'.slice(0, rng.int(3)), rng.int(5) === 0 ? null : Uint8Array.from({ length: rng.int(6) }, () => rng.int(256)),
    rng.int(5) === 0 ? null : `{"k": ${rng.int(100)}.${rng.int(100)}0, "a": [${rng.int(9)}, "é", null, {"b": true}], "k": "last"}`];
  const snap = async (db: Vecgres) => (await db.query("SELECT id, x::text AS x, y::text AS y, u, s, v, c || '|' AS c, b::text AS b, j::text AS j FROM nst ORDER BY id")).rows;
  try {
    let db = await Vecgres.create(dir);
    await db.exec('CREATE TABLE nst (id int PRIMARY KEY, x numeric, y numeric(8,2), u uuid, s smallint, v varchar(6), c char(3), b bytea, j jsonb)');
    for (let i = 0; i < 200; i++) await db.query('INSERT INTO nst VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', row(i));
    await db.query('UPDATE nst SET y = y * 2 WHERE id % 5 = 1');
    const logged = await snap(db);
    db.database.abandon();
    db = await Vecgres.create(dir);
    assert.deepEqual(await snap(db), logged, msg);
    await db.query('CHECKPOINT');
    for (let i = 200; i < 260; i++) await db.query('INSERT INTO nst VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', row(i));
    const last = await snap(db);
    db.database.abandon();
    db = await Vecgres.create(dir);
    assert.deepEqual(await snap(db), last, msg);
    await db.close();
    db = await Vecgres.create(dir);
    assert.deepEqual(await snap(db), last, msg);
    // Values read back are numbers again, not text: they still compute and compare by value.
    const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM nst WHERE (x + 0)::text <> x::text');
    assert.equal(r.rows[0]!.n, 0, msg);
    const ys = (last as { y: string }[]).map((o) => parseNumeric(o.y));
    const max = ys.reduce((a, b) => (numericCmp(a, b) >= 0 ? a : b));
    const m = await db.query<{ m: string }>('SELECT max(y)::text AS m FROM nst');
    assert.equal(m.rows[0]!.m, max.toString(), msg);
    await db.close();
  } finally {
    nodeFs.rmSync(dir, { recursive: true, force: true });
  }
});

test('timestamp, timestamptz, date, time and interval columns keep their values through the WAL, a checkpoint and a reopen', async () => {
  const dir = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'vecgres-datetime-'));
  const rng = new Prng(SEED ^ 0x747a);
  const msg = `VECGRES_SEED=${SEED}`;
  const two = (n: number) => String(n).padStart(2, '0');
  const ts = () => rng.int(9) === 0 ? ['infinity', '-infinity'][rng.int(2)]! : `${1900 + rng.int(300)}-${two(1 + rng.int(12))}-${two(1 + rng.int(28))} ${two(rng.int(24))}:${two(rng.int(60))}:${two(rng.int(60))}.${rng.int(1000000)}`;
  const iv = () => `${rng.int(100) - 50} years ${rng.int(30)} mons ${rng.int(100) - 50} days ${rng.int(100000)} seconds`;
  const tm = () => (rng.int(10) === 0 ? '24:00:00' : `${two(rng.int(24))}:${two(rng.int(60))}:${two(rng.int(60))}.${rng.int(1000000)}`);
  const row = (i: number) => [i, rng.int(6) === 0 ? null : ts(), ts(), rng.int(6) === 0 ? null : ts().slice(0, 10), rng.int(5) === 0 ? null : iv(), rng.int(6) === 0 ? null : tm()];
  const snap = async (db: Vecgres) => (await db.query('SELECT id, a::text AS a, b::text AS b, d::text AS d, i::text AS i, t::text AS t FROM dts ORDER BY id')).rows;
  try {
    let db = await Vecgres.create(dir);
    await db.exec('CREATE TABLE dts (id int PRIMARY KEY, a timestamp, b timestamptz(3), d date, i interval, t time(4))');
    await db.exec('CREATE INDEX ON dts (b)');
    await db.exec('CREATE INDEX ON dts (t)');
    for (let i = 0; i < 150; i++) await db.query('INSERT INTO dts VALUES ($1, $2, $3, $4, $5, $6)', row(i));
    await db.query("UPDATE dts SET i = i * 2, d = d + 1, t = t + interval '90 minutes' WHERE id % 5 = 1");
    const logged = await snap(db);
    db.database.abandon();
    db = await Vecgres.create(dir);
    assert.deepEqual(await snap(db), logged, msg);
    await db.query('CHECKPOINT');
    for (let i = 150; i < 200; i++) await db.query('INSERT INTO dts VALUES ($1, $2, $3, $4, $5, $6)', row(i));
    const last = await snap(db);
    await db.close();
    db = await Vecgres.create(dir);
    assert.deepEqual(await snap(db), last, msg);
    // Read back as values: they still compare and compute (the index on b too).
    const r = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM dts WHERE b > '2000-01-01' AND i + interval '0' = i");
    const want = (last as { b: string; i: string | null }[]).filter((o) => o.b !== '-infinity' && o.b > '2000-01-01' && o.i !== null).length;
    assert.equal(r.rows[0]!.n, want, msg);
    // The time index, rebuilt at open, finds the same rows as the values read back.
    const early = await db.query<{ id: number }>("SELECT id FROM dts WHERE t < '12:00' ORDER BY id");
    const wantEarly = (last as { id: number; t: string | null }[]).filter((o) => o.t !== null && o.t < '12:00').map((o) => o.id);
    assert.deepEqual(early.rows.map((o) => o.id), wantEarly, msg);
    assert.ok(wantEarly.length > 0, msg);
    await db.close();
  } finally {
    nodeFs.rmSync(dir, { recursive: true, force: true });
  }
});
