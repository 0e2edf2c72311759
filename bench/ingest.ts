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
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { Vecgres } from '../src/index.js';
import { loadGlove } from '../src/cli/glove.js';
import { nowMs } from './support/timing.js';

function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

function literal(a: Float32Array, off: number, dim: number): string {
  const parts: string[] = new Array(dim);
  for (let i = 0; i < dim; i++) parts[i] = String(a[off + i]);
  return `[${parts.join(',')}]`;
}

const INDEX_SQL = 'CREATE INDEX items_hnsw ON items USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)';

async function loadVecgres(db: Vecgres, base: Float32Array, dim: number, rows: number, batch: number): Promise<number> {
  const t = nowMs();
  for (let i = 0; i < rows; i += batch) {
    const n = Math.min(batch, rows - i);
    const vals: string[] = [];
    const params: unknown[] = [];
    for (let r = 0; r < n; r++) {
      vals.push(`($${2 * r + 1}, $${2 * r + 2})`);
      params.push(i + r, base.subarray((i + r) * dim, (i + r + 1) * dim));
    }
    await db.query(`INSERT INTO items VALUES ${vals.join(',')}`, params);
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

export async function benchIngest(args: string[]): Promise<void> {
  const data = loadGlove({ rows: arg(args, '--rows', 340479), queries: 10 });
  const { dim, base } = data;
  const rows = base.length / dim;
  const indexRows = Math.min(rows, arg(args, '--index-rows', 50000));
  const batch = arg(args, '--batch', 500);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vecgres-ingest-'));
  const ddl = `CREATE TABLE items (id int PRIMARY KEY, embedding vector(${dim}))`;
  console.log(`GloVe ${dim}-d, ${rows} rows (${indexRows} with an index), batches of ${batch}, data directory under ${os.tmpdir()}`);
  try {
    // 1. No index.
    const dir = path.join(root, 'noindex');
    let db = await Vecgres.create(dir);
    await db.exec(`${ddl}; SET max_wal_size = 1000000`); // keep the whole load in the log for step 3
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
    if (!args.includes('--skip-build')) {
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
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
