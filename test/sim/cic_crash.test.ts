/**
 * A crash (SIGKILL of the process) during CREATE INDEX CONCURRENTLY, for each method: the
 * index's definition was committed before its build (sql/exec/index_build_concurrent.ts, as
 * PostgreSQL's DefineIndex commits it in its first transaction), so after recovery it is
 * there, INVALID and not ready (pg_index), never planned; the table's rows are all there;
 * DROP INDEX removes it, and REINDEX INDEX builds it valid, after which the index answers as a
 * sequential scan does. The child (cic_crash_child.ts) holds its build open, so the kill always
 * lands during the build (no timing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Vecgres } from '../../src/index.js';
import { CIC, ROWS } from './cic_crash_child.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'cic_crash_child.js');

/** Runs the child on `dir` until it reports the build running, then SIGKILLs it. */
function crashDuringBuild(dir: string, method: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir, method], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('building')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal === 'SIGKILL' && out.includes('building')) resolve();
      else reject(new Error(`child ended with ${code ?? signal} before the build: ${err}`));
    });
  });
}

const STATE = "SELECT c.relname::text AS name, i.indisvalid, i.indisready FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 't'::regclass ORDER BY 1";

const QUERY: Record<string, string> = {
  hnsw: "SELECT id FROM t ORDER BY v <-> '[3,1,4,1,5,9,2,6]' LIMIT 5",
  ivfflat: "SELECT id FROM t ORDER BY v <-> '[3,1,4,1,5,9,2,6]' LIMIT 5",
  btree: 'SELECT id FROM t WHERE n = 5 ORDER BY id',
};

async function explain(db: Vecgres, sql: string): Promise<string> {
  await db.exec('SET enable_seqscan = off; SET ivfflat.probes = 4; SET hnsw.ef_search = 100');
  const plan = (await db.query(`EXPLAIN (COSTS OFF) ${sql}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
  await db.exec('RESET ALL');
  return plan;
}

for (const method of ['hnsw', 'ivfflat', 'btree']) {
  test(`SIGKILL during ${method} CREATE INDEX CONCURRENTLY leaves an INVALID index; DROP INDEX removes it, REINDEX makes it valid`, { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vecgres-cic-crash-'));
    try {
      await crashDuringBuild(dir, method);
      let db = await Vecgres.create(dir);
      assert.deepEqual((await db.query(STATE)).rows, [{ name: 't_idx', indisvalid: false, indisready: false }, { name: 't_pkey', indisvalid: true, indisready: true }]);
      assert.deepEqual((await db.query('SELECT count(*)::int AS n FROM t')).rows, [{ n: ROWS }]);
      assert.doesNotMatch(await explain(db, QUERY[method]!), /t_idx/);
      // Writes after recovery do not maintain it (not ready); REINDEX builds it over every row.
      await db.query("INSERT INTO t VALUES (100000, 5, '[3,1,4,1,5,9,2,6]')");
      await db.query('REINDEX INDEX t_idx');
      assert.deepEqual((await db.query(STATE)).rows, [{ name: 't_idx', indisvalid: true, indisready: true }, { name: 't_pkey', indisvalid: true, indisready: true }]);
      assert.match(await explain(db, QUERY[method]!), /t_idx/);
      await db.exec('SET enable_seqscan = off; SET ivfflat.probes = 4; SET hnsw.ef_search = 100');
      const viaIndex = (await db.query(QUERY[method]!)).rows;
      await db.exec('RESET ALL; SET enable_indexscan = off; SET enable_bitmapscan = off');
      assert.deepEqual(viaIndex, (await db.query(QUERY[method]!)).rows);
      await db.close();

      // A second crash during a build under the same name; DROP INDEX removes what it left.
      db = await Vecgres.create(dir);
      await db.query('DROP INDEX t_idx');
      await db.close();
      await crashDuringBuild(dir, method);
      db = await Vecgres.create(dir);
      assert.deepEqual((await db.query(STATE)).rows[0], { name: 't_idx', indisvalid: false, indisready: false });
      await db.query('DROP INDEX t_idx');
      assert.deepEqual((await db.query(STATE)).rows, [{ name: 't_pkey', indisvalid: true, indisready: true }]);
      await db.query(CIC[method]!);
      assert.deepEqual((await db.query(STATE)).rows[0], { name: 't_idx', indisvalid: true, indisready: true });
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
