/**
 * Page reads of the buffer cache (storage/segments.ts, storage/segment_file.ts): a random row
 * of an evicted segment costs one page read, an exact scan still reads whole segments, every
 * byte read is checked (page CRCs), and data directories whose segment files are in format 1
 * (one CRC for the whole file) are read back.
 *
 * Memories of 1 MiB make segments of 64 KiB and pages of 4 KiB (a sixteenth of a segment):
 * 1,024 rows of vector(16) per segment, 64 per page. Answers are compared with a model of the
 * rows and exact search computed here (small-integer vectors: float32 distances are exact);
 * bytes read come from the cache's counters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';
import { memories } from '../../src/kernels/memories.js';
import { bufferCache } from '../../src/storage/buffer_cache.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { CHECKPOINT_HEADER_BYTES, CheckpointReader, CheckpointWriter, readCheckpointFile, writeCheckpointFile } from '../../src/storage/checkpoint.js';
import { crc32c } from '../../src/storage/crc32c.js';
import {
  KIND_SEGMENT,
  KIND_SEGMENT_V1,
  readSegmentFile,
  readSegmentPage,
  SEG_OFF_DATA_OFFSET,
  SEG_OFF_PAGE_BYTES,
  SEG_OFF_PAGE_CRCS,
  SEG_OFF_PAGES,
  SEG_OFF_VERSION,
  SEGMENT_PAGE_ALIGN,
  segmentDataOffset,
  writeSegmentFile,
} from '../../src/storage/segment_file.js';
import type { SegmentedRows } from '../../src/storage/segments.js';
import { DIM, exactTop, l2sq, lit, load, randVec } from '../support/vector_model.js';
import { reloadSetting } from '../support/start_settings.js';

const MB = 2 ** 20;
memories.memoryBytesMax = 1 * MB;
const ROW_BYTES = DIM * 4;
const SEGMENT_BYTES = memories.segmentBytesMax;
const SEGMENT_ROWS = SEGMENT_BYTES / ROW_BYTES;
const PAGE_BYTES = SEGMENT_BYTES / 16;
const PAGE_ROWS = PAGE_BYTES / ROW_BYTES;
const SMALL = '128kB'; // 16 blocks: two segments
const SMALL_BYTES = 128 * 1024;
const seed = Number(process.env['VECGRES_SEED'] ?? 17);
const rounds = Number(process.env['VECGRES_PAGES_ROUNDS'] ?? 60);


/** Exact top-10 with the rows' values: the distances (squared) and, for each row, that its value is the model's. */
async function knn(db: Vecgres, model: Map<number, number[]>, q: number[]): Promise<number[]> {
  const r = await db.query<{ id: number; v: string; d: number }>(`SELECT id, v, (v <-> '${lit(q)}')::float8 AS d FROM t ORDER BY v <-> '${lit(q)}' LIMIT 10`);
  for (const x of r.rows) assert.equal(x.v, lit(model.get(x.id)!), `seed ${seed}: value of row ${x.id}`);
  return r.rows.map((x) => Math.round(x.d * x.d));
}

function store(db: Vecgres): SegmentedRows {
  return db.database.catalog.getTable('t')!.cachedStores()[0]!.store;
}

function segmentFiles(fs: MemoryFs): string[] {
  return fs.list('db/base').filter((f) => /^t\d+c\d+s\d+\./.test(f));
}

/** Counters' change over `fn`. */
async function counting(fn: () => Promise<unknown>): Promise<{ faults: number; pages: number; bytes: number }> {
  const s = bufferCache.stats;
  const [f, pf, b] = [s.faults, s.pageFaults, s.readBytes];
  await fn();
  return { faults: s.faults - f, pages: s.pageFaults - pf, bytes: s.readBytes - b };
}

test('format 2 layout: fields, page CRCs and the aligned data offset; page and whole reads verify every byte', () => {
  const fs = new MemoryFs();
  fs.mkdir('d');
  const pageBytes = 4096;
  const pages = 16;
  const src = new Uint8Array(pages * pageBytes);
  for (let i = 0; i < src.length; i++) src[i] = (i * 7 + 3) & 0xff;
  const w = CheckpointWriter.create(fs, 'd/s', { lsn: 5, kind: KIND_SEGMENT });
  writeSegmentFile(w, src, 0, src.length, pageBytes);
  w.commit();
  const dataOffset = segmentDataOffset(pages);
  // 48-byte container header + 16 bytes of fields + 16 page CRCs + the index CRC, page 0 aligned.
  assert.equal(dataOffset, 4096 - CHECKPOINT_HEADER_BYTES);
  assert.equal((CHECKPOINT_HEADER_BYTES + dataOffset) % SEGMENT_PAGE_ALIGN, 0);
  assert.equal(segmentDataOffset(1024), 8192 - CHECKPOINT_HEADER_BYTES, '1,024 pages: 4,116 bytes of index, two alignment units');
  const { kind, payload } = readCheckpointFile(fs, 'd/s');
  assert.equal(kind, KIND_SEGMENT);
  assert.equal(payload.length, dataOffset + src.length);
  const dv = new DataView(payload.buffer, payload.byteOffset);
  assert.deepEqual([dv.getUint32(SEG_OFF_VERSION, true), dv.getUint32(SEG_OFF_PAGE_BYTES, true), dv.getUint32(SEG_OFF_PAGES, true), dv.getUint32(SEG_OFF_DATA_OFFSET, true)], [2, pageBytes, pages, dataOffset]);
  assert.deepEqual([SEG_OFF_VERSION, SEG_OFF_PAGE_BYTES, SEG_OFF_PAGES, SEG_OFF_DATA_OFFSET, SEG_OFF_PAGE_CRCS], [0, 4, 8, 12, 16]);
  for (let i = 0; i < pages; i++) assert.equal(dv.getUint32(SEG_OFF_PAGE_CRCS + 4 * i, true), crc32c(src, i * pageBytes, pageBytes));
  const indexEnd = SEG_OFF_PAGE_CRCS + 4 * pages;
  assert.equal(dv.getUint32(indexEnd, true), crc32c(payload, 0, indexEnd));
  assert.ok(payload.subarray(indexEnd + 4, dataOffset).every((b) => b === 0), 'zeros up to the data');
  assert.deepEqual(payload.subarray(dataOffset), src);
  // Whole and page reads give the bytes back.
  const files = { fs, dir: 'd' };
  const whole = new Uint8Array(src.length);
  readSegmentFile(files, 's', whole, 0, src.length);
  assert.deepEqual(whole, src);
  const page = new Uint8Array(pageBytes);
  const idx = readSegmentPage(files, 's', src.length, 5, pageBytes, page, 0, undefined);
  assert.ok(idx !== null);
  assert.deepEqual(page, src.subarray(5 * pageBytes, 6 * pageBytes));
  assert.equal(readSegmentPage(files, 's', src.length, 5, pageBytes * 2, page, 0, idx), null, 'pages of another size: read whole');
  // A flipped byte in page 9 fails that page's read (and a whole read), not page 8's.
  const fd = fs.open('d/s', 'write');
  const b = new Uint8Array(1);
  const at = CHECKPOINT_HEADER_BYTES + dataOffset + 9 * pageBytes + 100;
  fs.read(fd, b, 0, 1, at);
  b[0] = b[0]! ^ 1;
  fs.write(fd, b, 0, 1, at);
  fs.close(fd);
  assert.throws(() => readSegmentPage(files, 's', src.length, 9, pageBytes, page, 0, idx), { code: 'XX001', message: 'invalid checkpoint file "d/s": incorrect checksum of page 9' });
  readSegmentPage(files, 's', src.length, 8, pageBytes, page, 0, idx);
  assert.deepEqual(page, src.subarray(8 * pageBytes, 9 * pageBytes));
  assert.throws(() => readSegmentFile(files, 's', whole, 0, src.length), { code: 'XX001', message: 'invalid checkpoint file "d/s": incorrect payload checksum' });
  // A damaged index is caught before it vouches for a page.
  const fd2 = fs.open('d/s', 'write');
  fs.read(fd2, b, 0, 1, CHECKPOINT_HEADER_BYTES + SEG_OFF_PAGE_CRCS + 8);
  b[0] = b[0]! ^ 1;
  fs.write(fd2, b, 0, 1, CHECKPOINT_HEADER_BYTES + SEG_OFF_PAGE_CRCS + 8);
  fs.close(fd2);
  assert.throws(() => readSegmentPage(files, 's', src.length, 8, pageBytes, page, 0, undefined), { code: 'XX001', message: 'invalid checkpoint file "d/s": incorrect segment index checksum' });
  // Format 1: read whole only.
  writeCheckpointFile(fs, 'd/v1', { lsn: 5, kind: KIND_SEGMENT_V1 }, src);
  assert.equal(readSegmentPage(files, 'v1', src.length, 3, pageBytes, page, 0, undefined), null);
  readSegmentFile(files, 'v1', whole, 0, src.length);
  assert.deepEqual(whole, src);
  // Another kind is refused.
  writeCheckpointFile(fs, 'd/x', { lsn: 5, kind: 18 }, src);
  assert.throws(() => readSegmentFile(files, 'x', whole, 0, src.length), { code: 'XX001', message: 'invalid checkpoint file "d/x": file kind 18 (expected 20)' });
  const r = CheckpointReader.open(fs, 'd/v1');
  assert.throws(() => r.readPayloadAt(src.length - 10, page, 0, 20), { code: 'XX001' });
  r.close();
});

test('a random row of an evicted segment reads one page; an exact scan reads whole segments and its result rows one page each', async () => {
  assert.deepEqual([SEGMENT_ROWS, PAGE_ROWS], [1024, 64]);
  const fs = new MemoryFs();
  const db = await Vecgres.create('db', { storage: fs });
  await db.exec('CREATE TABLE t (id int PRIMARY KEY, v vector(16))');
  const p = new Prng(seed);
  const model = new Map<number, number[]>();
  await load(db, model, p, 0, 12 * SEGMENT_ROWS);
  await db.exec('CHECKPOINT');
  const st = store(db);
  assert.deepEqual([st.pageRows, st.pageBytes, st.segmentPages], [PAGE_ROWS, PAGE_BYTES, 16]);
  // Four segments: a scan takes two (the one it is on and the next), pages the rest.
  reloadSetting(db, 'shared_buffers', '256kB');
  await knn(db, model, randVec(p)); // evicts all but about four segments
  // A read of the page right after the last page read alone counts as a scan (read whole), so
  // the rows picked here keep off that page, and off the first page of a segment (a scan that
  // read the previous segment whole ends on its last page).
  let lastPage = -2;
  const pageOf = (id: number): number => Math.floor(id / PAGE_ROWS);
  const fresh = (id: number): boolean => {
    const k = Math.floor(id / SEGMENT_ROWS);
    const pg = pageOf(id) % 16;
    return st.segments[k] === -1 && !st.isClean(k, pg) && pg !== 0 && pageOf(id) !== lastPage + 1;
  };
  // A lookup by key (B-tree index scan) returns the vector: one page of its segment.
  let checked = 0;
  for (let i = 0; i < 60 && checked < 12; i++) {
    const id = p.int(12 * SEGMENT_ROWS);
    if (!fresh(id)) continue;
    const c = await counting(async () => {
      const r = await db.query<{ v: string }>(`SELECT v FROM t WHERE id = ${id}`);
      assert.equal(r.rows[0]!.v, lit(model.get(id)!));
    });
    lastPage = pageOf(id);
    // Another row of the same page: resident now, nothing read.
    const mate = id ^ 1;
    const c2 = await counting(async () => {
      assert.equal((await db.query<{ v: string }>(`SELECT v FROM t WHERE id = ${mate}`)).rows[0]!.v, lit(model.get(mate)!));
    });
    assert.deepEqual(c, { faults: 0, pages: 1, bytes: PAGE_BYTES }, `seed ${seed}: row ${id} costs one page`);
    assert.deepEqual(c2, { faults: 0, pages: 0, bytes: 0 }, `seed ${seed}: row ${mate} is on the page read`);
    checked++;
  }
  assert.ok(checked >= 8, `${checked} lookups of evicted rows`);
  // UPDATE of an evicted row copies its vector: one page.
  const victim = [...Array(12 * SEGMENT_ROWS).keys()].find((id) => fresh(id) && id % PAGE_ROWS === 5)!;
  const cu = await counting(() => db.query(`UPDATE t SET id = -id WHERE id = ${victim}`));
  model.set(-victim, model.get(victim)!);
  model.delete(victim);
  assert.deepEqual(cu, { faults: 0, pages: 1, bytes: PAGE_BYTES }, `seed ${seed}: an UPDATE's old row costs one page`);
  // An exact scan reads evicted segments whole, never by page; its result rows cost a page each
  // at most (PostgreSQL would read their 8 kB blocks).
  const q = randVec(p);
  const ck = await counting(async () => assert.deepEqual(await knn(db, model, q), exactTop(model, q)));
  assert.equal(ck.bytes, ck.faults * SEGMENT_BYTES + ck.pages * PAGE_BYTES);
  assert.ok(ck.faults >= 9, `the scan streams the evicted segments whole (${ck.faults})`);
  assert.ok(ck.pages <= 10, `the 10 result rows cost at most a page each (${ck.pages})`);
  // A scan by rows (a whole-table SELECT) steps from page to page: whole segments again, not 16 page reads each.
  const cs = await counting(async () => assert.equal((await db.query('SELECT v FROM t')).rows.length, model.size));
  assert.ok(cs.pages <= 12, `a sequential read reads at most one page per segment alone (${cs.pages})`);
  assert.ok(cs.faults >= 9);
  reloadSetting(db, 'shared_buffers', null);
  await db.close();
});

test(`random reads, scans, updates and checkpoints through a cache of 2 segments agree with a model and exact search (${rounds} rounds, seed ${seed})`, async () => {
  const fs = new MemoryFs();
  let db = await Vecgres.create('db', { storage: fs });
  await db.exec('CREATE TABLE t (id int PRIMARY KEY, v vector(16))');
  const p = new Prng(seed + 1);
  const model = new Map<number, number[]>();
  await load(db, model, p, 0, 10 * SEGMENT_ROWS);
  await db.exec('CHECKPOINT');
  reloadSetting(db, 'shared_buffers', SMALL);
  let next = 20 * SEGMENT_ROWS;
  const ids = (): number[] => [...model.keys()];
  const [faults0, pages0] = [bufferCache.stats.faults, bufferCache.stats.pageFaults];
  for (let round = 0; round < rounds; round++) {
    const op = p.int(10);
    const msg = `seed ${seed}, round ${round}, op ${op}`;
    if (op <= 2) {
      // Random lookups, several in one statement (pages pinned for it) and one by one.
      const pick = Array.from({ length: 1 + p.int(20) }, () => ids()[p.int(model.size)]!);
      const r = await db.query<{ id: number; v: string }>(`SELECT id, v FROM t WHERE id IN (${pick.join(',')}) ORDER BY id`);
      const want = [...new Set(pick)].sort((a, b) => a - b);
      assert.deepEqual(r.rows.map((x) => x.id), want, msg);
      for (const x of r.rows) assert.equal(x.v, lit(model.get(x.id)!), msg);
    } else if (op <= 4) {
      const q = randVec(p);
      assert.deepEqual(await knn(db, model, q), exactTop(model, q), msg);
    } else if (op === 5) {
      // UPDATEs of random rows: some keep the vector (copied from an evicted row), some replace it.
      await db.transaction(async (tx) => {
        for (let i = 0; i < 1 + p.int(15); i++) {
          const keys = ids();
          const id = keys[p.int(keys.length)]!;
          if (p.int(2) === 0) {
            await tx.query(`UPDATE t SET id = ${next} WHERE id = ${id}`);
            model.set(next++, model.get(id)!);
            model.delete(id);
          } else {
            const v = randVec(p);
            await tx.query(`UPDATE t SET v = '${lit(v)}' WHERE id = ${id}`);
            model.set(id, v);
          }
        }
      });
    } else if (op === 6) {
      // Distances of random rows in the projection (one page each) and a filtered exact search.
      const q = randVec(p);
      const pick = Array.from({ length: 5 }, () => ids()[p.int(model.size)]!);
      const r = await db.query<{ id: number; d: number }>(`SELECT id, (v <-> '${lit(q)}')::float8 AS d FROM t WHERE id IN (${pick.join(',')})`);
      for (const x of r.rows) assert.equal(Math.round(x.d * x.d), l2sq(model.get(x.id)!, q), msg);
      const f = await db.query<{ id: number }>(`SELECT id FROM t WHERE id % 13 = 4 ORDER BY v <-> '${lit(q)}', id LIMIT 5`);
      const want = [...model.entries()].filter(([id]) => id % 13 === 4).sort((a, b) => l2sq(a[1], q) - l2sq(b[1], q) || a[0] - b[0]).slice(0, 5).map(([id]) => id);
      assert.deepEqual(f.rows.map((x) => x.id), want, msg);
    } else if (op === 7) {
      await load(db, model, p, next, 200 + p.int(900));
      next += 1100;
    } else if (op === 8) {
      await db.exec('CHECKPOINT');
    } else {
      const keys = ids();
      const lo = keys[p.int(keys.length)]!;
      await db.query(`DELETE FROM t WHERE id BETWEEN ${lo} AND ${lo + 30}`);
      for (let id = lo; id <= lo + 30; id++) model.delete(id);
    }
    // Resident: the cache, plus the statement's pinned pages and one segment a scan streams.
    assert.ok(bufferCache.residentBytes <= SMALL_BYTES + 2 * SEGMENT_BYTES + bufferCache.dirtyBytes, `${msg}: ${bufferCache.residentBytes} resident`);
    if (round === Math.floor(rounds / 2)) {
      // A crash halfway: the log replays over the checkpoint and its segment files.
      db.database.abandon();
      fs.crash();
      db = await Vecgres.create('db', { storage: fs });
      reloadSetting(db, 'shared_buffers', SMALL);
    }
  }
  const all = await db.query<{ id: number; v: string }>('SELECT id, v FROM t ORDER BY id');
  assert.deepEqual(all.rows.map((x) => `${x.id}:${x.v}`), [...model.entries()].sort((a, b) => a[0] - b[0]).map(([id, v]) => `${id}:${lit(v)}`), `seed ${seed}: final state`);
  assert.ok(bufferCache.stats.pageFaults > pages0 && bufferCache.stats.faults > faults0, 'both kinds of reads ran');
  reloadSetting(db, 'shared_buffers', null);
  await db.close();
});

test('a data directory whose segment files are in format 1 (one CRC per file) is read back: whole segments, pages after a new checkpoint', async () => {
  const fs = new MemoryFs();
  let db = await Vecgres.create('db', { storage: fs });
  await db.exec('CREATE TABLE t (id int PRIMARY KEY, v vector(16))');
  const p = new Prng(seed + 2);
  const model = new Map<number, number[]>();
  await load(db, model, p, 0, 6 * SEGMENT_ROWS + 100);
  await db.close();
  // Rewrite every segment file as the previous format wrote it: a checkpoint file of kind 19
  // whose payload is the segment's rows (same name, same LSN).
  const old = segmentFiles(fs);
  assert.equal(old.length, 6);
  for (const f of old) {
    const path = `db/base/${f}`;
    const r = CheckpointReader.open(fs, path, KIND_SEGMENT);
    r.close();
    const rows = new Uint8Array(SEGMENT_BYTES);
    readSegmentFile({ fs, dir: 'db/base' }, f, rows, 0, SEGMENT_BYTES);
    writeCheckpointFile(fs, path, { lsn: r.lsn, kind: KIND_SEGMENT_V1 }, rows);
    assert.equal(fs.sizeOf(path), CHECKPOINT_HEADER_BYTES + SEGMENT_BYTES);
  }
  db = await Vecgres.create('db', { storage: fs });
  reloadSetting(db, 'shared_buffers', SMALL);
  const q = randVec(p);
  assert.deepEqual(await knn(db, model, q), exactTop(model, q), `seed ${seed}: exact scan over format-1 files`);
  const st = store(db);
  const id = [...Array(6 * SEGMENT_ROWS).keys()].find((r) => st.segments[Math.floor(r / SEGMENT_ROWS)] === -1)!;
  const c = await counting(async () => assert.equal((await db.query<{ v: string }>(`SELECT v FROM t WHERE id = ${id}`)).rows[0]!.v, lit(model.get(id)!)));
  assert.deepEqual(c, { faults: 1, pages: 0, bytes: SEGMENT_BYTES }, 'a format-1 file is read whole');
  // New full segments get format-2 files; the old files stay as they are and keep being read.
  await load(db, model, p, 100_000, 2 * SEGMENT_ROWS);
  await db.exec('CHECKPOINT');
  const kinds = segmentFiles(fs).map((f) => CheckpointReader.open(fs, `db/base/${f}`)).map((r) => (r.close(), r.kind));
  assert.deepEqual([kinds.filter((k) => k === KIND_SEGMENT_V1).length, kinds.filter((k) => k === KIND_SEGMENT).length], [6, 2]);
  await knn(db, model, randVec(p)); // evicts the new segments too
  const first = 6 * SEGMENT_ROWS + 100; // the slot of id 100,000
  const slot = [...Array(2 * SEGMENT_ROWS).keys()].map((i) => first + i).find((r) => st.segments[Math.floor(r / SEGMENT_ROWS)] === -1 && r % PAGE_ROWS === 3 && Math.floor(r / PAGE_ROWS) % 16 >= 1);
  assert.ok(slot !== undefined, 'a new segment was evicted');
  const newId = 100_000 + slot - first;
  const c2 = await counting(async () => assert.equal((await db.query<{ v: string }>(`SELECT v FROM t WHERE id = ${newId}`)).rows[0]!.v, lit(model.get(newId)!)));
  assert.deepEqual(c2, { faults: 0, pages: 1, bytes: PAGE_BYTES }, 'a format-2 file is read by page');
  await db.close();
  db = await Vecgres.create('db', { storage: fs });
  const all = await db.query<{ id: number; v: string }>('SELECT id, v FROM t ORDER BY id');
  assert.deepEqual(all.rows.map((x) => `${x.id}:${x.v}`), [...model.entries()].sort((a, b) => a[0] - b[0]).map(([i, v]) => `${i}:${lit(v)}`));
  await db.close();
});
