import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';

async function crashAfterIndex(rows: number): Promise<{ loaded: number; rebuilt: number; found: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-idxckpt-'));
  try {
    const db = await Vecgres.create(dir);
    await db.exec('CREATE TABLE t (id integer PRIMARY KEY, v vector(4))');
    const rng = new Prng(7);
    for (let start = 0; start < rows; start += 1000) {
      const vals: string[] = [];
      for (let i = start; i < Math.min(rows, start + 1000); i++) vals.push(`(${i}, '[${[0, 1, 2, 3].map(() => rng.next().toFixed(4)).join(',')}]')`);
      await db.query(`INSERT INTO t VALUES ${vals.join(',')}`);
    }
    await db.query('CREATE INDEX t_v_idx ON t USING hnsw (v vector_l2_ops)');
    db.database.abandon(); // a crash: nothing more is written
    const again = await Vecgres.create(dir);
    try {
      const r = again.database.recovery!;
      const found = (await again.query<{ n: number }>('SELECT count(*) AS n FROM t')).rows[0]!.n;
      return { loaded: r.indexesLoaded, rebuilt: r.indexesRebuilt, found };
    } finally {
      await again.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a large CREATE INDEX is checkpointed: after a crash the index is read back, not rebuilt', async () => {
  const r = await crashAfterIndex(12_000);
  assert.equal(r.found, 12_000);
  assert.equal(r.rebuilt, 0);
  assert.equal(r.loaded, 1);
});

test('a small CREATE INDEX is not checkpointed: recovery rebuilds it from the table', async () => {
  const r = await crashAfterIndex(500);
  assert.equal(r.found, 500);
  assert.equal(r.rebuilt, 1);
  assert.equal(r.loaded, 0);
});
