import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IndexBuildProgress } from '../../src/index.js';
import { API_IMPLS } from '../support/api_impls.js';

for (const impl of API_IMPLS) {
  test(`${impl.name}: onIndexBuildProgress reports CREATE INDEX from zero to every indexed row`, async () => {
    const reports: IndexBuildProgress[] = [];
    const db = await impl.create({ onIndexBuildProgress: (p) => reports.push({ ...p }) });
    try {
      await db.exec('CREATE TABLE t (id integer PRIMARY KEY, v vector(2))');
      const rows = 2500;
      const values: string[] = [];
      for (let i = 0; i < rows; i++) values.push(`(${i}, ${i % 7 === 0 ? 'NULL' : `'[${i % 50},${Math.floor(i / 50)}]'`})`);
      await db.query(`INSERT INTO t VALUES ${values.join(',')}`);
      const indexed = (await db.query<{ n: number }>('SELECT count(*) AS n FROM t WHERE v IS NOT NULL')).rows[0]!.n;
      await db.query('CREATE INDEX t_v_idx ON t USING hnsw (v vector_l2_ops)');
      assert.ok(reports.length >= 2, `expected several reports, got ${reports.length}`);
      for (const r of reports) {
        assert.equal(r.index, 't_v_idx');
        assert.equal(r.tuplesTotal, indexed);
      }
      for (let i = 1; i < reports.length; i++) assert.ok(reports[i]!.tuplesDone >= reports[i - 1]!.tuplesDone);
      assert.equal(reports[0]!.tuplesDone, 0);
      assert.equal(reports[reports.length - 1]!.tuplesDone, indexed);
    } finally {
      await db.close();
    }
  });
}
