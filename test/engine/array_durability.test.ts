/**
 * Array columns are durable like every other column: rows with `text[]`, `integer[]`,
 * `uuid[]`, `jsonb[]`, `numeric[]`, multidimensional and empty arrays and NULL elements come
 * back identical after a checkpoint, after replay of the log written after it, and after a
 * crash with a transaction in flight (rolled back); a column added by ALTER TABLE ADD COLUMN of
 * an array type with a default too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { decodeValue, encodeValue } from '../../src/storage/codec.js';
import { PgArray } from '../../src/types/pgarray.js';
import { openSmallSegments } from '../support/power_loss.js';

const open = openSmallSegments;

const SNAPSHOT = 'SELECT id, tags::text, ns::text, us::text, js::text, ms::text, extra::text FROM t ORDER BY id';

test('array values round-trip through the codec exactly', () => {
  for (const a of [
    new PgArray('text', [], []),
    new PgArray('text', [3], ['a', null, '']),
    new PgArray('int4', [2, 2], [1, 2, 3, null]),
    new PgArray('int8', [1], [9007199254740993n]),
    new PgArray('float4', [2], [-0, NaN]),
  ]) {
    const b = decodeValue(encodeValue(a)) as PgArray;
    assert.ok(b instanceof PgArray);
    assert.equal(b.elemType, a.elemType);
    assert.deepEqual(b.dims, a.dims);
    assert.deepEqual(b.elems, a.elems);
    assert.ok(Object.is(b.elems[0], a.elems[0]));
  }
});

test('array columns after a checkpoint, log replay and a crash with a transaction in flight', async () => {
  const fs = new FaultyFs(new MemoryFs(), { seed: 5 });
  let db = await open(fs);
  await db.exec(`CREATE TABLE t (id int PRIMARY KEY, tags text[], ns integer[], us uuid[], js jsonb[], ms numeric[])`);
  await db.exec(`INSERT INTO t VALUES
    (1, '{a,"b c",NULL,""}', '{{1,2},{3,4}}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', ARRAY['{"k": [1, 2]}'::jsonb], '{1.50,NaN}'),
    (2, '{}', '{}', NULL, '{}', '{-0.001}'),
    (3, NULL, '{7}', '{}', NULL, NULL)`);
  await db.exec(`ALTER TABLE t ADD COLUMN extra varchar(4)[] DEFAULT '{d1,d2}'`);
  const b = db.database.openSession();
  db.database.execute(`BEGIN; INSERT INTO t VALUES (100, '{never}', '{0}', NULL, NULL, NULL); UPDATE t SET tags = '{changed}' WHERE id = 1`, [], b);
  await db.exec('CHECKPOINT');
  await db.exec(`INSERT INTO t SELECT i, ARRAY['x' || i, NULL], ARRAY[i, i * 2], NULL, NULL, ARRAY[i / 4.0] FROM generate_series(10, 60) i`);
  await db.exec(`UPDATE t SET tags = array_append(tags, 'u') WHERE id % 3 = 0`);
  await db.exec(`DELETE FROM t WHERE 20 = ANY(ns)`);
  await db.exec(`UPDATE t SET extra = ARRAY['e'] WHERE id = 2`);
  const before = (await db.query(SNAPSHOT)).rows;
  db.database.abandon();
  fs.powerCut();
  db = await open(fs);
  assert.equal(db.database.recovery!.rolledBack, 1);
  assert.deepEqual((await db.query(SNAPSHOT)).rows, before);
  await db.exec(`INSERT INTO t (id, extra) VALUES (200, '{abcd}')`);
  await assert.rejects(db.exec(`INSERT INTO t (id, extra) VALUES (201, '{abcde}')`), { code: '22001' });
  const after = (await db.query(SNAPSHOT)).rows;
  await db.close();
  db = await open(fs);
  assert.deepEqual((await db.query(SNAPSHOT)).rows, after);
  await db.close();
});
