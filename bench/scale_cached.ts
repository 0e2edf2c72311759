/**
 * A table larger than the buffer cache: `npm run bench -- scale --shared-buffers 256MB
 *   [--dims 768] [--rows N] [--queries N] [--batch N] [--changed N] [--dir PATH]`.
 *
 * Data (SYNTHETIC, made here batch by batch, never held whole): GloVe 6B 100-d lifted to
 * --dims by bench/support/lift.ts (fixed orthonormal map + 10% Gaussian noise), --rows rows (default:
 * enough for 2.5x the cache). Ground truth: exact cosine top-10 of each held-out query,
 * computed in float64 over each batch as it is made (a brute-force check independent of the
 * engine's kernels).
 *
 * Steps, into a durable data directory with `shared_buffers` set:
 *   1. load by multi-row INSERT with parameters (rows/s, not counting the data making and the
 *      check, each timed apart), the automatic checkpoints making full segments clean;
 *   2. close and reopen (seconds; open reads no segment file);
 *   3. exact top-10 (no index: a streaming exact scan over segments read back from their files)
 *      for each query: recall@10 against the brute-force check, QPS;
 *   4. UPDATE of --changed rows in one transaction, then CHECKPOINT: bytes written;
 *   5. peak RSS and the cache's peak resident bytes against the cache size.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Vecgres } from '../src/index.js';
import { loadGlove } from '../src/cli/glove.js';
import { Prng } from '../src/common/prng.js';
import { bufferCache } from '../src/storage/buffer_cache.js';
import { nowMs } from './support/timing.js';
import { formatBytes, sampleMemory } from './support/memory.js';
import { lift, liftMatrix } from './support/lift.js';
import { parseBenchArgs, type OptionSpecs } from './support/args.js';

const SPECS = {
  sharedBuffers: { kind: 'string', metavar: 'SIZE', default: '256MB', help: 'the buffer cache size (kB, MB, GB, TB)' },
  dims: { kind: 'number', default: 768, help: 'dimensions of the lifted rows' },
  rows: { kind: 'number', default: null, help: 'rows (default: 2.5x what the cache holds)' },
  queries: { kind: 'number', default: 20, help: 'queries' },
  batch: { kind: 'number', default: 200, help: 'rows per multi-row INSERT' },
  changed: { kind: 'number', default: 1000, help: 'rows UPDATEd before the measured CHECKPOINT' },
  dir: { kind: 'string', metavar: 'PATH', default: null, help: 'data directory (default: a temporary one)' },
} satisfies OptionSpecs;

function parseBytes(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(kB|MB|GB|TB)$/.exec(s);
  if (m === null) throw new Error(`--shared-buffers: a size such as 256MB, not "${s}"`);
  return Math.round(Number(m[1]) * { kB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30, TB: 2 ** 40 }[m[2] as 'kB']);
}

/** Per query, the k smallest distances and their ids, kept sorted (brute force, float64). */
class Truth {
  readonly d: Float64Array;
  readonly ids: Int32Array;
  constructor(readonly nq: number, readonly k: number) {
    this.d = new Float64Array(nq * k).fill(Infinity);
    this.ids = new Int32Array(nq * k).fill(-1);
  }

  offer(q: number, id: number, d: number): void {
    const o = q * this.k;
    if (d >= this.d[o + this.k - 1]!) return;
    let i = this.k - 1;
    while (i > 0 && this.d[o + i - 1]! > d) {
      this.d[o + i] = this.d[o + i - 1]!;
      this.ids[o + i] = this.ids[o + i - 1]!;
      i--;
    }
    this.d[o + i] = d;
    this.ids[o + i] = id;
  }
}

/**
 * Offers rows first..first+n-1 (n x dims float32 in `base`) to the brute-force check: each
 * row's cosine distance to every query, in float64 (each row widened once, four partial sums).
 */
function offerBatch(truth: Truth, base: Float32Array, n: number, first: number, dims: number, qUnit: Float64Array): void {
  const row = new Float64Array(dims);
  const nq = truth.nq;
  for (let r = 0; r < n; r++) {
    let nn = 0;
    const o = r * dims;
    for (let j = 0; j < dims; j++) {
      const x = base[o + j]!;
      row[j] = x;
      nn += x * x;
    }
    const inv = 1 / Math.sqrt(nn);
    for (let q = 0; q < nq; q++) {
      const qo = q * dims;
      let d0 = 0;
      let d1 = 0;
      let d2 = 0;
      let d3 = 0;
      let j = 0;
      for (; j + 4 <= dims; j += 4) {
        d0 += row[j]! * qUnit[qo + j]!;
        d1 += row[j + 1]! * qUnit[qo + j + 1]!;
        d2 += row[j + 2]! * qUnit[qo + j + 2]!;
        d3 += row[j + 3]! * qUnit[qo + j + 3]!;
      }
      for (; j < dims; j++) d0 += row[j]! * qUnit[qo + j]!;
      truth.offer(q, first + r, 1 - (d0 + d1 + d2 + d3) * inv);
    }
  }
}

/** The 1, 5 and 15 minute load averages, for the log (the machine is shared). */
function loadAvg(): string {
  return os.loadavg().map((x) => x.toFixed(1)).join(' / ');
}

/** Runs the benchmark (see the module comment). */
export async function benchScaleCached(args: string[]): Promise<void> {
  const o = parseBenchArgs('scale --shared-buffers SIZE', 'A table larger than the buffer cache: load, index, recall / QPS through the cache, checkpoint bytes.', SPECS, args);
  const cacheText = o.sharedBuffers;
  const cacheBytes = parseBytes(cacheText);
  const dims = o.dims;
  const rows = o.rows ?? Math.ceil((2.5 * cacheBytes) / (dims * 4));
  const nq = o.queries;
  const batch = o.batch;
  const changed = o.changed;
  const dirArg = o.dir;
  const log = (s: string): void => console.log(s);
  log(`# scale (table larger than the cache): ${rows} rows x ${dims}-d SYNTHETIC (GloVe 100-d lifted + 10% noise) = ${formatBytes(rows * dims * 4)} of vectors, shared_buffers ${cacheText} (${(rows * dims * 4 / cacheBytes).toFixed(2)}x), ${nq} queries, cosine`);
  const glove = loadGlove({ queries: nq });
  const m = liftMatrix(dims);
  const queries = lift(glove.queries, nq, dims, m, 8);
  // The queries as float64 unit vectors: a cosine distance is then 1 - (row . q) / |row|.
  const qUnit = new Float64Array(nq * dims);
  for (let q = 0; q < nq; q++) {
    let s = 0;
    for (let i = 0; i < dims; i++) s += queries[q * dims + i]! ** 2;
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < dims; i++) qUnit[q * dims + i] = queries[q * dims + i]! * inv;
  }
  const truth = new Truth(nq, 10);
  const rssBefore = sampleMemory().rss;
  log(`RSS before the load (GloVe, the lift matrix, node): ${formatBytes(rssBefore)}; load average (1 / 5 / 15 min) ${loadAvg()} on ${os.cpus().length} cores`);
  const dir = dirArg ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vecgres-scale-cached-'));
  // shared_buffers is fixed when the database opens, as in PostgreSQL.
  const settings = { shared_buffers: cacheText };
  let db = await Vecgres.create(dir, { settings });
  try {
    await db.exec(`CREATE TABLE items (id int PRIMARY KEY, embedding vector(${dims}))`);
    let makeMs = 0;
    let truthMs = 0;
    let insertMs = 0;
    let nextReport = rows / 10;
    for (let i = 0; i < rows; i += batch) {
      const n = Math.min(batch, rows - i);
      let t1 = nowMs();
      const base = lift(glove.base, n, dims, m, 7 + i, i);
      const t2 = nowMs();
      makeMs += t2 - t1;
      offerBatch(truth, base, n, i, dims, qUnit);
      t1 = nowMs();
      truthMs += t1 - t2;
      const vals: string[] = [];
      const params: unknown[] = [];
      for (let r = 0; r < n; r++) {
        vals.push(`($${2 * r + 1}, $${2 * r + 2})`);
        params.push(i + r, base.subarray(r * dims, (r + 1) * dims));
      }
      await db.query(`INSERT INTO items VALUES ${vals.join(',')}`, params);
      insertMs += nowMs() - t1;
      if (i + n >= nextReport && i + n < rows) {
        log(`  ${i + n} rows: ${Math.round((i + n) / (insertMs / 1000))} rows/s so far; data ${(makeMs / 1000).toFixed(0)} s, check ${(truthMs / 1000).toFixed(0)} s; resident ${formatBytes(bufferCache.residentBytes)}; RSS ${formatBytes(sampleMemory().rss)}; load average ${loadAvg()}`);
        nextReport += rows / 10;
      }
    }
    const loadS = insertMs / 1000;
    const ck = db.database.durability!.checkpoints;
    log(`load: ${rows} rows in ${loadS.toFixed(1)} s = ${Math.round(rows / loadS)} rows/s (durable, batches of ${batch}; making the data took ${(makeMs / 1000).toFixed(1)} s and the float64 brute-force check ${(truthMs / 1000).toFixed(1)} s, not counted); load average ${loadAvg()}; ${ck} automatic checkpoints; resident ${formatBytes(bufferCache.residentBytes)} (dirty ${formatBytes(bufferCache.dirtyBytes)}), peak resident ${formatBytes(bufferCache.peakResidentBytes)}; peak RSS ${formatBytes(sampleMemory().maxRss)}`);
    let t = nowMs();
    await db.close();
    const closeS = (nowMs() - t) / 1000;
    t = nowMs();
    const faults0 = bufferCache.stats.faults;
    db = await Vecgres.create(dir, { settings });
    const openS = (nowMs() - t) / 1000;
    const openFaults = bufferCache.stats.faults - faults0;
    // The first statement after an open runs the automatic ANALYZE (it samples rows, reading
    // segments back); the cache size applies from the statement after SET.
    await db.query('SELECT 1');
    log(`close ${closeS.toFixed(1)} s (final checkpoint); reopen ${openS.toFixed(2)} s, segments read by the open: ${openFaults} (by the first statements' automatic ANALYZE: ${bufferCache.stats.faults - faults0 - openFaults}); resident now ${formatBytes(bufferCache.residentBytes)}`);
    bufferCache.peakResidentBytes = bufferCache.residentBytes;
    const sql = 'SELECT id FROM items ORDER BY embedding <=> $1 LIMIT 10';
    let hits = 0;
    let exactOrder = 0;
    const ev0 = bufferCache.stats.evictions;
    const rb0 = bufferCache.stats.readBytes;
    const f0 = bufferCache.stats.faults;
    const pf0 = bufferCache.stats.pageFaults;
    t = nowMs();
    for (let q = 0; q < nq; q++) {
      const tq = nowMs();
      const rbq = bufferCache.stats.readBytes;
      const { rows: got } = await db.query<{ id: number }>(sql, [queries.subarray(q * dims, (q + 1) * dims)]);
      const want = new Set(truth.ids.subarray(q * 10, q * 10 + 10));
      let qHits = 0;
      for (const r of got) if (want.has(r.id)) qHits++;
      hits += qHits;
      if (got.every((r, j) => r.id === truth.ids[q * 10 + j])) exactOrder++;
      if (nq <= 20 || q % 10 === 9) log(`  query ${q + 1}: ${qHits}/10 of the check's top-10, ${((nowMs() - tq) / 1000).toFixed(1)} s, ${formatBytes(bufferCache.stats.readBytes - rbq)} read; load average ${loadAvg()}`);
    }
    const s = (nowMs() - t) / 1000;
    log(`exact top-10 (streaming scan, no index): recall@10 ${(hits / (nq * 10)).toFixed(4)} against the brute-force check (${exactOrder}/${nq} in the same order), ${(nq / s).toFixed(2)} QPS, ${formatBytes((bufferCache.stats.readBytes - rb0) / nq)} read from segment files per query (${bufferCache.stats.faults - f0} segments, ${bufferCache.stats.pageFaults - pf0} pages in all), ${bufferCache.stats.evictions - ev0} evictions; peak resident ${formatBytes(bufferCache.peakResidentBytes)} for a cache of ${formatBytes(cacheBytes)}`);
    const p = new Prng(99);
    const urb0 = bufferCache.stats.readBytes;
    const uf0 = bufferCache.stats.faults;
    const upf0 = bufferCache.stats.pageFaults;
    t = nowMs();
    await db.transaction(async (tx) => {
      for (let i = 0; i < changed; i++) {
        const id = p.int(rows);
        const v = lift(glove.base, 1, dims, m, 1000 + i, id);
        await tx.query('UPDATE items SET embedding = $1 WHERE id = $2', [v, id]);
      }
    });
    const updS = (nowMs() - t) / 1000;
    await db.exec('CHECKPOINT');
    const c = db.database.durability!.lastCheckpoint!;
    log(`${changed} rows updated in ${updS.toFixed(1)} s (read ${formatBytes(bufferCache.stats.readBytes - urb0)} from segment files: ${bufferCache.stats.faults - uf0} segments, ${bufferCache.stats.pageFaults - upf0} pages); CHECKPOINT wrote ${formatBytes(c.bytes)} (${c.tableDeltaFiles} delta, ${c.tableBaseFiles} base, ${c.segmentFiles} segment files; ${c.keptFiles} files kept)`);
    const mem = sampleMemory();
    log(`peak RSS ${formatBytes(mem.maxRss)} = cache ${formatBytes(cacheBytes)} + ${formatBytes(mem.maxRss - cacheBytes)} (of which ${formatBytes(rssBefore)} before the load: node, GloVe, the lift map); peak resident segments ${formatBytes(bufferCache.peakResidentBytes)}; RSS now ${formatBytes(mem.rss)}, JS heap ${formatBytes(mem.heapUsed)}; load average ${loadAvg()}`);
  } finally {
    await db.close();
    if (dirArg === null) fs.rmSync(dir, { recursive: true, force: true });
  }
}
