/**
 * Incremental checkpoints of the HNSW indexes that used to be saved whole at every checkpoint
 * after a change: an index of several partitions (memories of 1 MiB, access/hnsw/partitions.ts)
 * and an index over sparsevec (keys in a side heap). Through SQL, on the in-memory backend:
 * seeded inserts, UPDATEs, DELETEs and VACUUMs across several checkpoints; each checkpoint after
 * a small change writes an index delta (bytes counted, never timed), far below the whole index;
 * after a power cut the index read back from base + deltas equals the live one (every
 * partition's records, pool, keys, counts and rowId map) and what a whole save of the live
 * index reads back (level generators included), and its searches return what the live index
 * returned, which agree with exact search. VECGRES_INDEX_DELTA_ROUNDS runs more rounds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';
import { memories } from '../../src/kernels/memories.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { MemorySink, MemorySource } from '../../src/storage/stream.js';
import { hnswAm, type HnswIndex } from '../../src/access/hnsw/index.js';
import { CountingFs } from '../support/counting_fs.js';
import { image, sameImage } from '../support/hnsw_image.js';

// Before any memory is used: every memory of this process holds 1 MiB.
memories.memoryBytesMax = 2 ** 20;

const ROUNDS = Number(process.env.VECGRES_INDEX_DELTA_ROUNDS ?? 4);
const K = 10;

interface Kind {
  name: string;
  column: string;
  opclass: string;
  op: string;
  rows: number;
  lit: (p: Prng) => string;
  /** Partitions the build must make at least. */
  partitions: number;
}

const vec48 = (p: Prng): string => `[${Array.from({ length: 48 }, () => (p.int(201) - 100) / 50).join(',')}]`;
const sparse = (p: Prng): string => {
  const idx = new Set<number>();
  for (let n = 1 + p.int(12); idx.size < n; ) idx.add(1 + p.int(2000));
  return `{${[...idx].sort((a, b) => a - b).map((i) => `${i}:${(p.int(201) - 100) / 50 || 1}`).join(',')}}/2000`;
};

const KINDS: Kind[] = [
  { name: 'partitioned vector', column: 'vector(48)', opclass: 'vector_cosine_ops', op: '<=>', rows: 5000, lit: vec48, partitions: 3 },
  { name: 'sparsevec', column: 'sparsevec(2000)', opclass: 'sparsevec_l2_ops', op: '<->', rows: 3000, lit: sparse, partitions: 1 },
];

function open(fs: FaultyFs): Promise<Vecgres> {
  return Vecgres.create('db', { storage: fs, walSegmentBytes: 1024 * 1024 });
}

function indexOf(db: Vecgres): HnswIndex {
  return db.database.indexes.get('t_v') as HnswIndex;
}

for (const kind of KINDS) {
  test(`${kind.name}: checkpoints write index deltas; base + deltas read back the live index and a whole save's (${ROUNDS} rounds)`, { timeout: 600_000 }, async () => {
    const mem = new CountingFs();
    const fs = new FaultyFs(mem, { seed: 11 });
    const p = new Prng(31);
    let db = await open(fs);
    await db.exec(`CREATE TABLE t (id int PRIMARY KEY, v ${kind.column})`);
    for (let i = 0; i < kind.rows; i += 500) {
      await db.exec(`INSERT INTO t VALUES ${Array.from({ length: Math.min(500, kind.rows - i) }, (_, k) => `(${i + k}, '${kind.lit(p)}')`).join(',')}`);
    }
    await db.exec(`CREATE INDEX t_v ON t USING hnsw (v ${kind.opclass}) WITH (m = 8, ef_construction = 32)`);
    assert.ok(indexOf(db).partitions.length >= kind.partitions, `${indexOf(db).partitions.length} partitions`);
    await db.exec('CHECKPOINT');
    const whole = db.database.durability!.files.indexes.get(indexOf(db))!.baseBytes;
    let next = kind.rows;
    let deltas = 0;
    let wroteDeltas = 0;
    const queries = Array.from({ length: 5 }, () => kind.lit(p));
    const search = async (on: Vecgres): Promise<number[][]> => {
      await on.exec('SET enable_seqscan = off; SET hnsw.ef_search = 64');
      const out: number[][] = [];
      for (const q of queries) out.push((await on.query<{ id: number }>(`SELECT id FROM t ORDER BY v ${kind.op} '${q}' LIMIT ${K}`)).rows.map((r) => r.id));
      await on.exec('RESET enable_seqscan; RESET hnsw.ef_search');
      return out;
    };
    for (let round = 0; round < ROUNDS; round++) {
      const where = `${kind.name} round ${round}`;
      // 100 UPDATEs, 20 inserts, a range of DELETEs; a VACUUM every other round.
      for (let i = 0; i < 100; i++) await db.query(`UPDATE t SET v = '${kind.lit(p)}' WHERE id = ${p.int(next)}`);
      await db.exec(`INSERT INTO t VALUES ${Array.from({ length: 20 }, () => `(${next++}, '${kind.lit(p)}')`).join(',')}`);
      const lo = p.int(next);
      await db.exec(`DELETE FROM t WHERE id BETWEEN ${lo} AND ${lo + 15}`);
      if (round % 2 === 1) await db.exec('VACUUM t');
      const before = mem.written;
      await db.exec('CHECKPOINT');
      const st = db.database.durability!.lastCheckpoint!;
      assert.equal(st.indexFiles + st.indexDeltaFiles, 1, `${where}: the index is written`);
      if (st.indexFiles === 1) {
        // The deltas passed a quarter of the base (more rounds than the default): folded.
        assert.ok(round > 0, `${where}: the first change after the base is a delta`);
        deltas = 0;
      } else {
        assert.ok(st.indexBytes < whole / 4, `${where}: index delta ${st.indexBytes} bytes, the whole index ${whole}`);
        assert.ok(mem.written - before < whole / 2, `${where}: the checkpoint wrote ${mem.written - before} bytes, the whole index is ${whole}`);
        deltas++;
        wroteDeltas++;
      }
      if (round === 0) console.log(`# ${kind.name}: whole index ${whole} bytes; a checkpoint after 100 UPDATEs, 20 inserts and 16 DELETEs wrote ${mem.written - before} bytes (index delta ${st.indexBytes})`);
      // A power cut right after the checkpoint: nothing to replay, so the read-back is exact.
      // (The live index is freed with its database: its image and whole save are taken first.)
      const live = indexOf(db);
      const liveImage = image(live);
      const liveWhole = new MemorySink();
      live.save(liveWhole);
      const liveResults = await search(db);
      db.database.abandon();
      fs.powerCut();
      db = await open(fs);
      const back = indexOf(db);
      sameImage(liveImage, back, `${where}: base + ${deltas} deltas against the live index`);
      const st0 = back.state;
      const again = hnswAm.load!({ dim: st0.dim, opclass: st0.opclass, options: st0.options, seed: back.loadSeed, source: new MemorySource(liveWhole.bytes()) }) as HnswIndex;
      try {
        sameImage(again, back, `${where}: base + deltas against a whole save`, true);
      } finally {
        again.dispose();
      }
      assert.deepEqual(await search(db), liveResults, `${where}: the same answers as the live index`);
    }
    // The answers agree with exact search (distances compared: ties).
    await db.exec('SET enable_seqscan = off; SET hnsw.ef_search = 100');
    let good = 0;
    for (const q of queries) {
      const sql = `SELECT (v ${kind.op} '${q}')::float8 AS d FROM t ORDER BY v ${kind.op} '${q}' LIMIT ${K}`;
      const got = (await db.query<{ d: number }>(sql)).rows.map((r) => r.d);
      await db.exec('SET enable_seqscan = on; SET enable_indexscan = off');
      const exact = (await db.query<{ d: number }>(sql)).rows.map((r) => r.d);
      await db.exec('SET enable_seqscan = off; SET enable_indexscan = on');
      for (const d of got) if (d <= exact[exact.length - 1]! + 1e-6) good++;
    }
    assert.ok(wroteDeltas >= Math.min(ROUNDS, 2), `${wroteDeltas} deltas in ${ROUNDS} rounds`);
    assert.ok(good >= queries.length * K * 0.8, `${good} of ${queries.length * K} answers within the exact top-${K}`);
    await db.close();
  });
}
