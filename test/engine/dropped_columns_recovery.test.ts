/**
 * Dropped columns' attnums survive a crash: a DROP COLUMN / ADD COLUMN history read back from a
 * checkpoint followed by more log, from the log alone, and after a clean close gives the same
 * pg_attribute rows (dropped slots included), index keys, constraint keys, default numbers and
 * rows as before; and a new column after recovery takes the next number, not a reused one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { tableDefFromValue, tableDefToValue, type TableDef } from '../../src/storage/table.js';
import { ByteReader, ByteWriter } from '../../src/storage/codec.js';
import { openSmallSegments } from '../support/power_loss.js';

const open = openSmallSegments;

const READS = [
  `SELECT attname::text, attnum, atttypid::int, attisdropped, attlen, atttypmod FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0 ORDER BY attnum`,
  `SELECT c.relname::text, i.indkey::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 't'::regclass ORDER BY 1`,
  `SELECT conname::text, conkey FROM pg_constraint WHERE conrelid = 't'::regclass ORDER BY 1`,
  `SELECT adnum, pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 't'::regclass ORDER BY 1`,
  `SELECT relnatts FROM pg_class WHERE relname = 't'`,
  'SELECT * FROM t ORDER BY a',
];

async function observe(db: Vecgres): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const q of READS) out.push((await db.query(q)).rows);
  return out;
}

const BEFORE_CHECKPOINT = [
  `CREATE TABLE t (a int PRIMARY KEY, b text, c int NOT NULL DEFAULT 3, d vector(2), e int CHECK (e > 0))`,
  `INSERT INTO t VALUES (1, 'x', 10, '[1,2]', 1), (2, 'y', 20, '[2,1]', 2)`,
  'CREATE INDEX t_ce ON t (c, e)',
  'ALTER TABLE t DROP COLUMN b',
];
const AFTER_CHECKPOINT = [
  'ALTER TABLE t ADD COLUMN f int DEFAULT 6',
  'ALTER TABLE t DROP COLUMN d',
  `ALTER TABLE t ADD COLUMN g text NOT NULL DEFAULT 'g'`,
  'CREATE INDEX t_gf ON t (g, f)',
  `INSERT INTO t (a, c, e, f, g) VALUES (3, 30, 3, 60, 'h')`,
];

for (const checkpoint of [true, false]) {
  test(`dropped columns keep their attnums through recovery ${checkpoint ? 'from a checkpoint and the log' : 'from the log alone'}`, async () => {
    const fs = new FaultyFs(new MemoryFs(), { seed: checkpoint ? 11 : 12 });
    let db = await open(fs);
    for (const q of BEFORE_CHECKPOINT) await db.query(q);
    if (checkpoint) await db.exec('CHECKPOINT');
    for (const q of AFTER_CHECKPOINT) await db.query(q);
    const before = await observe(db);
    // The history above: attnums 1 a, 2 dropped, 3 c, 4 dropped, 5 e, 6 f, 7 g.
    assert.deepEqual((before[0] as { attnum: number }[]).map((r) => r.attnum), [1, 2, 3, 4, 5, 6, 7]);
    db.database.abandon();
    fs.powerCut();
    fs.reboot();
    db = await open(fs);
    assert.equal(db.database.recovery!.checkpointId > 0, checkpoint);
    assert.deepEqual(await observe(db), before);
    // A checkpoint now writes the recovered definition; a clean reopen reads it back.
    await db.exec('CHECKPOINT');
    await db.close();
    db = await open(fs);
    assert.deepEqual(await observe(db), before, 'after a checkpoint and a clean close');
    await db.query('ALTER TABLE t ADD COLUMN h int');
    const h = (await db.query(`SELECT attnum FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'h'`)).rows;
    assert.deepEqual(h, [{ attnum: 8 }]);
    await db.close();
  });
}

test('a table definition with dropped columns round-trips through the codec; one without them encodes as before', () => {
  const roundTrip = (def: TableDef): TableDef => {
    const w = new ByteWriter();
    w.value(tableDefToValue(def));
    return tableDefFromValue(new ByteReader(w.finish()).readValue());
  };
  const col = (name: string, attnum?: number) => ({ name, type: 'int4' as const, typmod: -1, notNull: false, sequence: null, defaultSql: null, ...(attnum === undefined ? {} : { attnum }) });
  const plain: TableDef = { name: 't', columns: [col('a'), col('b')], primaryKey: [] };
  assert.deepEqual(roundTrip(plain), plain);
  assert.equal('dropped' in roundTrip(plain), false);
  const dropped: TableDef = { name: 't', columns: [col('a', 1), col('c', 3)], primaryKey: [0], dropped: [{ attnum: 2, type: 'vector', typmod: 3 }] };
  assert.deepEqual(roundTrip(dropped), dropped);
});
