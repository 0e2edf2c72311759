/**
 * Ingest benchmark: `npm run bench -- ingest [--rows N] [--index-rows N] [--batch N] [--skip-build]`.
 *
 * On the GloVe 100-d rows (all 340,479 by default), side by side in one process:
 *   1. bulk INSERT throughput (rows/s) into a durable vecgres data directory without an index,
 *      with WAL bytes written per row; the same into vecgres in memory and into PGlite +
 *      pgvector (in memory, its default);
 *   2. the same with an HNSW index (m 16, ef_construction 64, cosine) created before the load,
 *      on the first --index-rows rows (default 50,000: PGlite inserts into its graph slowly);
 *   3. recovery time after a crash that leaves the whole no-index load in the log (~150 MB);
 *   4. CREATE INDEX over all rows vs reopening the database that holds it (the index file is
 *      read back, not rebuilt).
 * Rows go in as multi-row INSERTs of --batch rows (default 500) with vector parameters, each
 * statement its own transaction (one fsync per batch for the durable database).
 *   5. COPY: the same rows loaded by COPY FROM in text and binary format (statements of
 *      --copy-rows rows, default 20,000, each its own transaction) into vecgres (in memory and
 *      in a data directory), beside multi-row INSERT into vecgres in memory (vector parameters
 *      as Float32Array, as text, as number[]; vectors as literals in the SQL), PGlite's COPY
 *      (through its '/dev/blob'), and native PostgreSQL's COPY FROM STDIN (pg-copy-streams)
 *      when PGVECTOR_URL is set. `--copy-only` runs only this step; `--dims N` tiles each GloVe
 *      row to N floats (synthetic high-dimensional rows), `--vecgres-only` leaves the peers out.
 *      Each line prints the process's CPU seconds beside the wall time (`process.cpuUsage()`:
 *      steadier than wall time on a loaded machine).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { Vecgres } from '../src/index.js';
import { loadGlove } from '../src/cli/glove.js';
import { nowMs } from './support/timing.js';
import { formatVector } from '../src/types/vector.js';
import { copyBinaryHeader, copyBinaryTrailer } from '../src/types/copy_binary.js';
import { parseBenchArgs, type OptionSpecs } from './support/args.js';

const SPECS = {
  rows: { kind: 'number', default: 340479, help: 'GloVe rows to load' },
  indexRows: { kind: 'number', default: 50000, help: 'rows of the load with an HNSW index (at most --rows)' },
  batch: { kind: 'number', default: 500, help: 'rows per multi-row INSERT' },
  copyRows: { kind: 'number', default: 20000, help: 'rows per COPY statement' },
  skipBuild: { kind: 'flag', default: false, help: 'skip CREATE INDEX over all rows and the reopen' },
  copyOnly: { kind: 'flag', default: false, help: 'run only the COPY comparison' },
  dims: { kind: 'number', default: 100, help: 'COPY comparison: tile each GloVe row to this many floats (synthetic rows past 100)' },
  vecgresOnly: { kind: 'flag', default: false, help: 'COPY comparison: leave PGlite and native PostgreSQL out' },
} satisfies OptionSpecs;

function literal(a: Float32Array, off: number, dim: number): string {
  const parts: string[] = new Array(dim);
  for (let i = 0; i < dim; i++) parts[i] = String(a[off + i]);
  return `[${parts.join(',')}]`;
}

const INDEX_SQL = 'CREATE INDEX items_hnsw ON items USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)';

/**
 * The multi-row INSERT of rows [from, from + n) with (id, vector) parameters, each vector as
 * `vector` makes it from its Float32Array view.
 */
function insertStatement(base: Float32Array, dim: number, from: number, n: number, vector: (v: Float32Array) => unknown): [string, unknown[]] {
  const vals: string[] = [];
  const params: unknown[] = [];
  for (let r = 0; r < n; r++) {
    vals.push(`($${2 * r + 1}, $${2 * r + 2})`);
    params.push(from + r, vector(base.subarray((from + r) * dim, (from + r + 1) * dim)));
  }
  return [`INSERT INTO items VALUES ${vals.join(',')}`, params];
}

async function loadVecgres(db: Vecgres, base: Float32Array, dim: number, rows: number, batch: number): Promise<number> {
  const t = nowMs();
  for (let i = 0; i < rows; i += batch) {
    const [sql, params] = insertStatement(base, dim, i, Math.min(batch, rows - i), (v) => v);
    await db.query(sql, params);
  }
  return (nowMs() - t) / 1000;
}

/**
 * Multi-row INSERTs with vector parameters in the form `form` gives them: `text` strings (what
 * node-postgres and PGlite send: every parameter in text format) or `number[]` (what embedding
 * clients return). Making the parameters is the client's work, done before the clock starts.
 */
function paramStatements(base: Float32Array, dim: number, rows: number, batch: number, form: 'text' | 'array'): [string, unknown[]][] {
  const statements: [string, unknown[]][] = [];
  const vector = form === 'text' ? formatVector : (v: Float32Array) => Array.from(v);
  for (let i = 0; i < rows; i += batch) statements.push(insertStatement(base, dim, i, Math.min(batch, rows - i), vector));
  return statements;
}

/** Runs {@link paramStatements}' statements; returns seconds. */
async function loadVecgresParams(db: Vecgres, statements: readonly [string, unknown[]][]): Promise<number> {
  const t = nowMs();
  for (const [sql, params] of statements) await db.query(sql, params);
  return (nowMs() - t) / 1000;
}

/** Multi-row INSERT with the vectors as text literals in the SQL, as an application that builds SQL strings (or a migration script) does; returns seconds. */
async function loadVecgresLiterals(db: Vecgres, base: Float32Array, dim: number, rows: number, batch: number): Promise<number> {
  const t = nowMs();
  for (let i = 0; i < rows; i += batch) {
    const parts: string[] = [];
    for (let r = i; r < Math.min(rows, i + batch); r++) parts.push(`(${r}, '${literal(base, r * dim, dim)}')`);
    await db.query(`INSERT INTO items VALUES ${parts.join(',')}`);
  }
  return (nowMs() - t) / 1000;
}

async function loadPglite(pg: PGlite, base: Float32Array, dim: number, rows: number, batch: number): Promise<number> {
  const t = nowMs();
  for (let i = 0; i < rows; i += batch) {
    const parts: string[] = [];
    for (let r = i; r < Math.min(rows, i + batch); r++) parts.push(`(${r}, '${literal(base, r * dim, dim)}')`);
    await pg.exec(`INSERT INTO items VALUES ${parts.join(',')}`);
  }
  return (nowMs() - t) / 1000;
}

function line(name: string, rows: number, s: number, extra = ''): void {
  console.log(`${name.padEnd(34)} ${String(rows).padStart(7)} rows  ${s.toFixed(1).padStart(7)} s  ${Math.round(rows / s).toString().padStart(8)} rows/s${extra}`);
}

/** CPU seconds (user + system, all threads) this process has used so far. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Each GloVe row of `base` (`dim` floats) repeated to `dims` floats: synthetic wide rows. */
function tile(base: Float32Array, dim: number, dims: number): Float32Array {
  if (dims === dim) return base;
  const rows = base.length / dim;
  const out = new Float32Array(rows * dims);
  for (let r = 0; r < rows; r++) for (let i = 0; i < dims; i++) out[r * dims + i] = base[r * dim + (i % dim)]!;
  return out;
}

/** COPY input for rows [from, to): text (`id<TAB>[v,...]` lines) or binary (int4, vector_send). */
function copyData(base: Float32Array, dim: number, from: number, to: number, binary: boolean): Uint8Array {
  if (!binary) {
    let s = '';
    for (let r = from; r < to; r++) s += `${r}\t${formatVector(base.subarray(r * dim, (r + 1) * dim))}\n`;
    return new TextEncoder().encode(s);
  }
  const tuple = 2 + 4 + 4 + 4 + 4 + 4 * dim;
  const out = new Uint8Array(19 + (to - from) * tuple + 2);
  out.set(copyBinaryHeader(), 0);
  const dv = new DataView(out.buffer);
  let p = 19;
  for (let r = from; r < to; r++) {
    dv.setInt16(p, 2);
    dv.setInt32(p + 2, 4);
    dv.setInt32(p + 6, r);
    dv.setInt32(p + 10, 4 + 4 * dim);
    dv.setInt16(p + 14, dim);
    dv.setInt16(p + 16, 0);
    p += 18;
    for (let i = 0; i < dim; i++, p += 4) dv.setFloat32(p, base[r * dim + i]!);
  }
  out.set(copyBinaryTrailer(), p);
  return out;
}

/**
 * Loads all rows with COPY statements of `per` rows each. The input is prepared before the
 * clock starts, as the `Blob`s the embedded APIs read (a client would stream it from a file:
 * `fs.openAsBlob` gives a Blob without copying the file into memory). Returns seconds.
 */
async function loadByCopy(run: (sql: string, data: Blob) => Promise<unknown>, chunks: Blob[], binary: boolean): Promise<number> {
  const sql = binary ? `COPY items FROM '/dev/blob' WITH (FORMAT binary)` : `COPY items FROM '/dev/blob'`;
  const t = nowMs();
  for (const c of chunks) await run(sql, c);
  return (nowMs() - t) / 1000;
}

async function benchCopy(base: Float32Array, dim: number, rows: number, batch: number, per: number, root: string, peers: boolean): Promise<void> {
  const ddl = `CREATE TABLE items (id int PRIMARY KEY, embedding vector(${dim}))`;
  // Each statement's input as a Blob made before the clock starts: making one copies its bytes,
  // which is the client's work (a file's Blob is not copied), not the load's.
  const chunksOf = (binary: boolean): Blob[] => {
    const out: Blob[] = [];
    for (let i = 0; i < rows; i += per) out.push(new Blob([copyData(base, dim, i, Math.min(rows, i + per), binary) as Uint8Array<ArrayBuffer>]));
    return out;
  };
  const text = chunksOf(false);
  const bin = chunksOf(true);
  const mb = (cs: Blob[]): string => (cs.reduce((n, c) => n + c.size, 0) / 1048576).toFixed(0);
  console.log(`\nCOPY FROM, statements of ${per} rows (${mb(text)} MB of text, ${mb(bin)} MB of binary input):`);
  const results: [string, number][] = [];
  let cpu0 = cpuSeconds();
  const add = (name: string, s: number): void => {
    const cpu = cpuSeconds() - cpu0;
    results.push([name, rows / cpu]);
    line(name, rows, s, `  ${cpu.toFixed(2).padStart(6)} CPU s  ${Math.round(rows / cpu).toString().padStart(8)} rows/CPU s`);
  };
  const start = (): void => {
    (globalThis as { gc?: () => void }).gc?.();
    cpu0 = cpuSeconds();
  };
  // Warm-up: every path once on a few rows, so that no measured line pays for compiling the engine.
  {
    const warm = Math.min(rows, 4 * batch, per);
    const w = await Vecgres.create();
    await w.exec(ddl);
    await loadVecgres(w, base, dim, warm, batch);
    await w.exec('TRUNCATE items');
    await loadVecgresLiterals(w, base, dim, warm, batch);
    await w.exec('TRUNCATE items');
    for (const form of ['text', 'array'] as const) {
      await loadVecgresParams(w, paramStatements(base, dim, warm, batch, form));
      await w.exec('TRUNCATE items');
    }
    for (const binary of [false, true]) {
      await loadByCopy((q, d) => w.query(q, [], { blob: d }), [new Blob([copyData(base, dim, 0, warm, binary) as Uint8Array<ArrayBuffer>])], binary);
      await w.exec('TRUNCATE items');
    }
    await w.close();
  }
  let mem = await Vecgres.create();
  await mem.exec(ddl);
  start();
  add(`vecgres INSERT (${batch}-row), memory`, await loadVecgres(mem, base, dim, rows, batch));
  await mem.close();
  for (const [name, binary, chunks] of [['text', false, text], ['binary', true, bin]] as const) {
    mem = await Vecgres.create();
    await mem.exec(ddl);
    start();
    add(`vecgres COPY ${name}, memory`, await loadByCopy((q, d) => mem.query(q, [], { blob: d }), chunks, binary));
    await mem.close();
  }
  for (const [name, binary, chunks] of [['text', false, text], ['binary', true, bin]] as const) {
    // No checkpoint inside the timed load.
    const durable = await Vecgres.create(path.join(root, `copy-${name}`), { settings: { max_wal_size: 1000000 } });
    await durable.exec(ddl);
    start();
    add(`vecgres COPY ${name}, data directory`, await loadByCopy((q, d) => durable.query(q, [], { blob: d }), chunks, binary));
    await durable.close();
  }
  {
    const durable = await Vecgres.create(path.join(root, 'insert'), { settings: { max_wal_size: 1000000 } });
    await durable.exec(ddl);
    start();
    add(`vecgres INSERT (${batch}-row), data directory`, await loadVecgres(durable, base, dim, rows, batch));
    await durable.close();
  }
  {
    // The same INSERT with the vectors spelled as text literals: what code that builds SQL
    // strings runs, and the baseline COPY replaces in a migration.
    mem = await Vecgres.create();
    await mem.exec(ddl);
    start();
    add(`vecgres INSERT (${batch}-row, text literals), memory`, await loadVecgresLiterals(mem, base, dim, rows, batch));
    await mem.close();
  }
  for (const form of ['text', 'array'] as const) {
    // What a client of the wire protocol sends (text parameters), and what an embedding
    // client's number[] becomes in the embedded API.
    const statements = paramStatements(base, dim, rows, batch, form);
    mem = await Vecgres.create();
    await mem.exec(ddl);
    start();
    add(`vecgres INSERT (${batch}-row, ${form === 'text' ? 'text' : 'number[]'} parameters), memory`, await loadVecgresParams(mem, statements));
    await mem.close();
  }
  for (const [name, binary, chunks] of peers ? [['text', false, text], ['binary', true, bin]] as const : []) {
    const pg = await PGlite.create({ extensions: { vector } });
    await pg.exec(`CREATE EXTENSION vector; ${ddl}`);
    start();
    add(`pglite COPY ${name} (memory)`, await loadByCopy((q, d) => pg.query(q, [], { blob: d }), chunks, binary));
    await pg.close();
  }
  const url = process.env['PGVECTOR_URL'];
  if (url !== undefined && peers) {
    const { default: pgClient } = await import('pg');
    const { from: copyFrom } = await import('pg-copy-streams');
    const { pipeline } = await import('node:stream/promises');
    const { Readable } = await import('node:stream');
    const client = new pgClient.Client({ connectionString: url });
    await client.connect();
    try {
      for (const [name, binary, chunks] of [['text', false, text], ['binary', true, bin]] as const) {
        await client.query(`CREATE EXTENSION IF NOT EXISTS vector; DROP TABLE IF EXISTS items; ${ddl}`);
        start(); // the server's CPU time is not this process's: compare its wall time
        add(`native PostgreSQL COPY ${name}`, await loadByCopy((q, d) => pipeline(Readable.fromWeb(d.stream() as import('node:stream/web').ReadableStream), client.query(copyFrom(q.replace(`'/dev/blob'`, 'STDIN')))), chunks, binary));
      }
      await client.query('DROP TABLE IF EXISTS items');
    } finally {
      await client.end();
    }
  }
  const insert = results[0]![1];
  console.log(`COPY / INSERT rows per CPU second, in memory: text ${(results[1]![1] / insert).toFixed(2)}x, binary ${(results[2]![1] / insert).toFixed(2)}x; data directory: text ${(results[3]![1] / results[5]![1]).toFixed(2)}x, binary ${(results[4]![1] / results[5]![1]).toFixed(2)}x ; against INSERT with text literals, in memory: text ${(results[1]![1] / results[6]![1]).toFixed(2)}x, binary ${(results[2]![1] / results[6]![1]).toFixed(2)}x; with text parameters: text ${(results[1]![1] / results[7]![1]).toFixed(2)}x, binary ${(results[2]![1] / results[7]![1]).toFixed(2)}x; with number[] parameters: text ${(results[1]![1] / results[8]![1]).toFixed(2)}x, binary ${(results[2]![1] / results[8]![1]).toFixed(2)}x (load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})`);
}

export async function benchIngest(args: string[]): Promise<void> {
  const o = parseBenchArgs('ingest', 'Bulk INSERT / COPY throughput, WAL bytes per row, recovery and index reopen times, vs PGlite + pgvector.', SPECS, args);
  const data = loadGlove({ rows: o.rows, queries: 10 });
  const { dim, base } = data;
  const rows = base.length / dim;
  if (o.copyOnly) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vecgres-ingest-'));
    try {
      await benchCopy(tile(base, dim, o.dims), o.dims, rows, o.batch, o.copyRows, root, !o.vecgresOnly);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
    return;
  }
  const indexRows = Math.min(rows, o.indexRows);
  const batch = o.batch;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vecgres-ingest-'));
  const ddl = `CREATE TABLE items (id int PRIMARY KEY, embedding vector(${dim}))`;
  console.log(`GloVe ${dim}-d, ${rows} rows (${indexRows} with an index), batches of ${batch}, data directory under ${os.tmpdir()}`);
  try {
    // 1. No index.
    const dir = path.join(root, 'noindex');
    // Keep the whole load in the log for step 3.
    let db = await Vecgres.create(dir, { settings: { max_wal_size: 1000000 } });
    await db.exec(ddl);
    const wal0 = db.database.durability!.wal.insertLsn;
    const sDurable = await loadVecgres(db, base, dim, rows, batch);
    const walBytes = db.database.durability!.wal.insertLsn - wal0;
    line('vecgres, data directory', rows, sDurable, `  ${(walBytes / rows).toFixed(0)} WAL bytes/row`);
    // 3. Crash with the whole load in the log, then recover.
    db.database.abandon();
    let t = nowMs();
    db = await Vecgres.create(dir);
    const recoverS = (nowMs() - t) / 1000;
    const rep = db.database.recovery!;
    console.log(`recovery after a crash: ${(rep.walBytes / 1048576).toFixed(0)} MB of log, ${rep.records} records replayed in ${recoverS.toFixed(2)} s (${(rep.walBytes / 1048576 / recoverS).toFixed(0)} MB/s)`);
    // 4. CREATE INDEX over everything, then reopen.
    if (!o.skipBuild) {
      t = nowMs();
      await db.exec(INDEX_SQL);
      const buildS = (nowMs() - t) / 1000;
      t = nowMs();
      await db.close();
      const closeS = (nowMs() - t) / 1000;
      t = nowMs();
      db = await Vecgres.create(dir);
      const openS = (nowMs() - t) / 1000;
      const r2 = db.database.recovery!;
      console.log(`HNSW build over ${rows} rows: ${buildS.toFixed(1)} s; close (checkpoint of table + index): ${closeS.toFixed(1)} s; reopen: ${openS.toFixed(2)} s (${(100 * openS / buildS).toFixed(1)}% of the build; indexes loaded ${r2.indexesLoaded}, rebuilt ${r2.indexesRebuilt})`);
    }
    await db.close();

    const mem = await Vecgres.create();
    await mem.exec(ddl);
    line('vecgres, in memory', rows, await loadVecgres(mem, base, dim, rows, batch));
    await mem.close();

    let pg = await PGlite.create({ extensions: { vector } });
    await pg.exec(`CREATE EXTENSION vector; ${ddl}`);
    line('pglite + pgvector (memory)', rows, await loadPglite(pg, base, dim, rows, batch));
    await pg.close();

    // 2. With an HNSW index created first.
    const dir2 = path.join(root, 'index');
    db = await Vecgres.create(dir2);
    await db.exec(`${ddl}; ${INDEX_SQL}`);
    const w0 = db.database.durability!.wal.insertLsn;
    const sIdx = await loadVecgres(db, base, dim, indexRows, batch);
    line('vecgres + hnsw, data directory', indexRows, sIdx, `  ${((db.database.durability!.wal.insertLsn - w0) / indexRows).toFixed(0)} WAL bytes/row`);
    await db.close();
    pg = await PGlite.create({ extensions: { vector } });
    await pg.exec(`CREATE EXTENSION vector; ${ddl}; SET maintenance_work_mem = '1GB'; ${INDEX_SQL}`);
    line('pglite + pgvector + hnsw (memory)', indexRows, await loadPglite(pg, base, dim, indexRows, batch));
    await pg.close();
    // 5. COPY.
    await benchCopy(tile(base, dim, o.dims), o.dims, rows, batch, o.copyRows, root, !o.vecgresOnly);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
