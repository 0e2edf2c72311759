/**
 * Incremental checkpoints of HNSW indexes (engine/durability.ts writeIndex, access/hnsw
 * persist.ts deltas): a checkpoint after changing a few rows of a large indexed table writes a
 * delta of the index's changed nodes, far below the whole index; recovery reads base + deltas
 * back into the graph the database had, byte for byte; deltas fold into a new base within the
 * bounds tables have. Bytes are counted, never timed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { CountingFs } from '../support/counting_fs.js';
import { readControl } from '../../src/storage/checkpoint.js';
import { DELTA_FILES_MAX } from '../../src/engine/durability.js';
import type { HnswIndex } from '../../src/access/hnsw/hnsw-index.js';

function open(fs: FaultyFs): Promise<Vecgres> {
  return Vecgres.create('db', { storage: fs, walSegmentBytes: 1024 * 1024 });
}

function vec(p: Prng, dim: number): string {
  return `[${Array.from({ length: dim }, () => (p.int(2001) - 1000) / 100).join(',')}]`;
}

/** The graph as saved: every record, the upper pool in use, the header scalars. */
function graphImage(db: Vecgres, name: string): { bytes: Buffer; scalars: number[] } {
  const ix = db.database.indexes.get(name) as HnswIndex;
  const g = ix.state.graph;
  const u8 = g.arena.u8();
  const parts: Buffer[] = [];
  for (let n = 0; n < g.count; n++) parts.push(Buffer.from(u8.subarray(g.vecPtr(n), g.vecPtr(n) + g.recBytes)));
  parts.push(Buffer.from(u8.subarray(g.upperPtr, g.upperPtr + g.upperUsed * 4)));
  return { bytes: Buffer.concat(parts), scalars: [g.count, g.entry, g.maxLevel, g.upperUsed, ix.state.deletedCount, ix.state.unlinkedCount] };
}

/** The control file's entries of the indexes that have files (not the primary key). */
function indexMeta(fs: MemoryFs): { file: string | null; deltas?: string[] }[] {
  return (readControl(fs, 'db')!.meta as { indexes: { file: string | null; deltas?: string[] }[] }).indexes.filter((x) => x.file !== null);
}

/** Bytes of the base file of index `name` in the latest checkpoint (a whole save). */
function baseBytes(db: Vecgres, name: string): number {
  return db.database.durability!.files.indexes.get(db.database.indexes.get(name)!)!.baseBytes;
}

const ROWS = 50_000;
const DIM = 64;
const CHANGED = 1_000;

test(`a checkpoint after updating ${CHANGED} rows of a ${ROWS}-row indexed table writes an index delta far below the whole index`, { timeout: 600_000 }, async () => {
  const mem = new CountingFs();
  const fs = new FaultyFs(mem, { seed: 1 });
  let db = await open(fs);
  await db.exec(`CREATE TABLE t (id int PRIMARY KEY, v vector(${DIM}))`);
  const p = new Prng(21);
  for (let start = 0; start < ROWS; start += 2000) {
    const vals: string[] = [];
    for (let i = start; i < start + 2000; i++) vals.push(`(${i}, '${vec(p, DIM)}')`);
    await db.query(`INSERT INTO t VALUES ${vals.join(',')}`);
  }
  await db.exec('CREATE INDEX t_v ON t USING hnsw (v vector_l2_ops) WITH (ef_construction = 32)');
  await db.exec('CHECKPOINT');
  const wholeIndex = baseBytes(db, 't_v');
  assert.equal(indexMeta(mem)[0]!.deltas, undefined, 'a new index is saved whole');
  // UPDATEs of 1,000 random rows (each a delete flag and an insert in the index).
  const ids = new Set<number>();
  while (ids.size < CHANGED) ids.add(p.int(ROWS));
  for (const id of ids) await db.query(`UPDATE t SET v = '${vec(p, DIM)}' WHERE id = ${id}`);
  const marks = (db.database.indexes.get('t_v') as HnswIndex).state.graph.changes;
  const marked = `${marks.recordNodes} whole records, ${marks.linkNodes} lists, ${marks.poolChunks} pool chunks`;
  const before = mem.written;
  await db.exec('CHECKPOINT');
  const written = mem.written - before;
  const st = db.database.durability!.lastCheckpoint!;
  console.log(`# whole index ${wholeIndex} bytes; after ${CHANGED} updates (${marked}) the checkpoint wrote ${written} bytes (index delta ${st.indexBytes}, table ${st.bytes - st.indexBytes})`);
  assert.deepEqual([st.indexFiles, st.indexDeltaFiles, st.tableBaseFiles, st.tableDeltaFiles], [0, 1, 0, 1]);
  assert.ok(st.indexBytes < wholeIndex / 4, `index delta ${st.indexBytes} bytes, the whole index ${wholeIndex}`);
  assert.ok(written < wholeIndex / 4, `the checkpoint wrote ${written} bytes in all, the whole index is ${wholeIndex}`);
  assert.equal(indexMeta(mem)[0]!.deltas!.length, 1);
  assert.deepEqual(mem.list('db/base').sort(), readControl(mem, 'db')!.files.slice().sort(), 'the sweep keeps exactly the files the control file names');

  // Recovery reads base + delta into the same graph, byte for byte (nothing logged after the checkpoint).
  const live = graphImage(db, 't_v');
  db.database.abandon();
  fs.powerCut();
  db = await open(fs);
  assert.equal(db.database.recovery!.indexesLoaded, 1);
  const back = graphImage(db, 't_v');
  assert.deepEqual(back.scalars, live.scalars);
  assert.ok(back.bytes.equals(live.bytes), 'the recovered graph equals the live one byte for byte');
  // The next small change writes a second delta after the first; reopening reads both.
  for (let i = 0; i < 10; i++) await db.query(`UPDATE t SET v = '${vec(p, DIM)}' WHERE id = ${i}`);
  await db.exec('DELETE FROM t WHERE id BETWEEN 100 AND 109');
  await db.exec('CHECKPOINT');
  assert.equal(db.database.durability!.lastCheckpoint!.indexDeltaFiles, 1);
  assert.equal(indexMeta(mem)[0]!.deltas!.length, 2);
  const live2 = graphImage(db, 't_v');
  await db.close();
  db = await open(fs);
  const back2 = graphImage(db, 't_v');
  assert.deepEqual(back2.scalars, live2.scalars);
  assert.ok(back2.bytes.equals(live2.bytes), 'base + two deltas equal the live graph');
  await db.exec('SET enable_seqscan = off');
  const q = vec(p, DIM);
  const viaIndex = (await db.query<{ id: number }>(`SELECT id FROM t ORDER BY v <-> '${q}' LIMIT 10`)).rows.length;
  assert.equal(viaIndex, 10);
  await db.close();
});

test(`index deltas fold into a new base at ${DELTA_FILES_MAX} files or past a quarter of the base; recovery after each equals the live graph`, { timeout: 300_000 }, async () => {
  const mem = new CountingFs();
  const fs = new FaultyFs(mem, { seed: 2 });
  let db = await open(fs);
  await db.exec('CREATE TABLE t (id int PRIMARY KEY, v vector(16))');
  const p = new Prng(8);
  const vals = Array.from({ length: 2000 }, (_, i) => `(${i}, '${vec(p, 16)}')`);
  await db.query(`INSERT INTO t VALUES ${vals.join(',')}`);
  await db.exec('CREATE INDEX t_v ON t USING hnsw (v vector_l2_ops) WITH (m = 8, ef_construction = 32)');
  await db.exec('CHECKPOINT');
  const kinds: string[] = [];
  let next = 2000;
  for (let round = 0; round < 40; round++) {
    // One new row per checkpoint: small deltas, so the file count bounds the chain.
    await db.query(`INSERT INTO t VALUES (${next++}, '${vec(p, 16)}')`);
    if (round === 35) {
      // A large change: more than a quarter of the base, so a whole save.
      const more = Array.from({ length: 800 }, () => `(${next++}, '${vec(p, 16)}')`);
      await db.query(`INSERT INTO t VALUES ${more.join(',')}`);
    }
    await db.exec('CHECKPOINT');
    const st = db.database.durability!.lastCheckpoint!;
    kinds.push(st.indexFiles === 1 ? 'base' : st.indexDeltaFiles === 1 ? 'delta' : 'kept');
    const m = indexMeta(mem)[0]!;
    assert.ok((m.deltas?.length ?? 0) <= DELTA_FILES_MAX);
  }
  assert.deepEqual(kinds.slice(0, DELTA_FILES_MAX), Array(DELTA_FILES_MAX).fill('delta'));
  assert.equal(kinds[DELTA_FILES_MAX], 'base', `the ${DELTA_FILES_MAX + 1}th checkpoint folds the chain: ${kinds.join(' ')}`);
  assert.equal(kinds[35], 'base', `a large change is saved whole: ${kinds.join(' ')}`);
  const live = graphImage(db, 't_v');
  await db.close();
  db = await open(fs);
  const back = graphImage(db, 't_v');
  assert.deepEqual(back.scalars, live.scalars);
  assert.ok(back.bytes.equals(live.bytes));
  await db.close();
});

test('a damaged index delta fails the open naming the file, and changes nothing on disk', async () => {
  const mem = new MemoryFs();
  const fs = new FaultyFs(mem, { seed: 3 });
  let db = await open(fs);
  await db.exec('CREATE TABLE t (id int PRIMARY KEY, v vector(8))');
  const p = new Prng(4);
  await db.query(`INSERT INTO t VALUES ${Array.from({ length: 500 }, (_, i) => `(${i}, '${vec(p, 8)}')`).join(',')}`);
  await db.exec('CREATE INDEX t_v ON t USING hnsw (v vector_l2_ops)');
  await db.exec('CHECKPOINT');
  await db.query(`UPDATE t SET v = '${vec(p, 8)}' WHERE id = 7`);
  await db.exec('CHECKPOINT');
  assert.equal(db.database.durability!.lastCheckpoint!.indexDeltaFiles, 1);
  await db.close();
  const delta = indexMeta(mem)[0]!.deltas![0]!;
  const path = `db/base/${delta}`;
  const files = mem.list('db/base').sort();
  const fd = mem.open(path, 'write');
  const size = mem.size(fd);
  const b = new Uint8Array(1);
  mem.read(fd, b, 0, 1, size - 3);
  b[0] = b[0]! ^ 0x40;
  mem.write(fd, b, 0, 1, size - 3);
  mem.close(fd);
  await assert.rejects(open(fs), (e: { code?: string; message?: string }) => e.code === 'XX001' && e.message!.includes(delta));
  assert.deepEqual(mem.list('db/base').sort(), files, 'nothing was deleted');
});

test('an IVFFlat index writes a delta of the lists that changed; recovery reads base + deltas back', async () => {
  const mem = new CountingFs();
  const fs = new FaultyFs(mem, { seed: 5 });
  let db = await open(fs);
  await db.exec('CREATE TABLE t (id int PRIMARY KEY, v vector(32))');
  const p = new Prng(6);
  await db.query(`INSERT INTO t VALUES ${Array.from({ length: 3000 }, (_, i) => `(${i}, '${vec(p, 32)}')`).join(',')}`);
  await db.exec('CREATE INDEX t_v ON t USING ivfflat (v vector_l2_ops) WITH (lists = 30)');
  await db.exec('CHECKPOINT');
  const whole = baseBytes(db, 't_v');
  type Ivf = { lists: { total: number; count: Int32Array }; deletedCount: number };
  const state = (): unknown => {
    const ix = db.database.indexes.get('t_v') as unknown as Ivf;
    return [ix.lists.total, ix.deletedCount, [...ix.lists.count]];
  };
  const dump = async (): Promise<unknown[]> => {
    await db.exec('SET enable_seqscan = off; SET ivfflat.probes = 30');
    const q = '[' + Array(32).fill(0.5).join(',') + ']';
    return (await db.query<{ id: number }>(`SELECT id FROM t ORDER BY v <-> '${q}' LIMIT 50`)).rows.map((r) => r.id);
  };
  for (let i = 0; i < 20; i++) await db.query(`UPDATE t SET v = '${vec(p, 32)}' WHERE id = ${i * 13}`);
  await db.exec('DELETE FROM t WHERE id BETWEEN 500 AND 504');
  await db.exec('CHECKPOINT');
  const st = db.database.durability!.lastCheckpoint!;
  assert.deepEqual([st.indexFiles, st.indexDeltaFiles], [0, 1]);
  assert.ok(st.indexBytes < whole / 4, `ivfflat delta ${st.indexBytes} bytes, the whole index ${whole}`);
  assert.equal(indexMeta(mem)[0]!.deltas?.length, 1, 'the index is named by its base and delta');
  let want = [state(), await dump()];
  db.database.abandon();
  fs.powerCut();
  db = await open(fs);
  assert.deepEqual([state(), await dump()], want, 'base + delta give the lists back');
  // VACUUM compacts the lists holding tombstones: a delta of them, or a new base when most changed.
  await db.exec('VACUUM t');
  await db.query(`INSERT INTO t VALUES (5000, '${vec(p, 32)}')`);
  want = [state(), await dump()];
  await db.close();
  db = await open(fs);
  assert.deepEqual([state(), await dump()], want);
  await db.close();
});
