/**
 * Out of memory is a clean error: with vecgres.memory_limit a few MB above what is in use, a
 * seeded loop of INSERT, CREATE INDEX, DROP INDEX, DELETE and k-NN statements runs into the
 * limit again and again. Every failure must be 53200 with PostgreSQL's message and a detail
 * naming the request; afterwards the tables hold exactly the rows of the statements that
 * succeeded, exact k-NN answers agree with PostgreSQL + pgvector on those rows, every index
 * holds every row (no node half-linked or missing), and dropped space is usable again.
 *
 * VECGRES_OOM_STEPS raises the number of statements (default 150).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memories as arena } from '../../src/kernels/memories.js';
import { Prng } from '../../src/common/prng.js';
import { HnswIndex } from '../../src/access/hnsw/index.js';
import { Vecgres } from '../../src/index.js';
import { openSqlPair, normalize } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { db, oracle } = await openSqlPair();
const STEPS = Number(process.env['VECGRES_OOM_STEPS'] ?? 150);
const MB = 2 ** 20;

interface T {
  name: string;
  dim: number;
  type: 'vector' | 'halfvec';
  rows: Map<number, string>;
  nextId: number;
  indexed: boolean;
}

function vec(prng: Prng, dim: number): string {
  return `[${Array.from({ length: dim }, () => prng.int(17) - 8).join(',')}]`;
}

function assertOom(e: unknown, what: string): void {
  const err = e as { code?: string; message: string; detail?: string };
  assert.equal(err.code, '53200', `${what}: ${err.message} (seed ${SEED})`);
  assert.equal(err.message, 'out of memory');
  assert.match(err.detail ?? '', /^Failed on request of size \d+ in memory context "[^"]+"\.$/);
}

test(`statements that run out of memory fail with 53200 and change nothing (seed ${SEED})`, async () => {
  const prng = new Prng(SEED);
  const tables: T[] = [
    { name: 'oom_a', dim: 96, type: 'vector', rows: new Map(), nextId: 0, indexed: false },
    { name: 'oom_b', dim: 1500, type: 'vector', rows: new Map(), nextId: 0, indexed: false },
    { name: 'oom_c', dim: 40, type: 'halfvec', rows: new Map(), nextId: 0, indexed: false },
  ];
  for (const t of tables) await db.exec(`CREATE TABLE ${t.name} (id integer PRIMARY KEY, v ${t.type}(${t.dim}))`);
  // The limit: what is in use now plus 6 MB, so the loop reaches it within a few statements.
  const limitKb = Math.ceil((arena.usedBytes + 6 * MB) / 1024);
  await db.exec(`SET vecgres.memory_limit = ${limitKb}`);
  let failures = 0;
  let successes = 0;
  let lastFailedInsert = null as { t: T; sql: string; ids: Map<number, string> } | null;
  for (let step = 0; step < STEPS; step++) {
    const t = tables[prng.int(tables.length)]!;
    const action = prng.int(12);
    try {
      if (action < 7) {
        const n = 1 + prng.int(60);
        const ids = new Map<number, string>();
        for (let i = 0; i < n; i++) ids.set(t.nextId + i, vec(prng, t.dim));
        const sql = `INSERT INTO ${t.name} VALUES ${[...ids].map(([id, v]) => `(${id}, '${v}')`).join(', ')}`;
        try {
          await db.query(sql);
        } catch (e) {
          lastFailedInsert = { t, sql, ids };
          t.nextId += n;
          throw e;
        }
        t.nextId += n;
        for (const [id, v] of ids) t.rows.set(id, v);
      } else if (action === 7) {
        // halfvec opclasses are not built yet: the halfvec table is scanned exactly only.
        if (t.indexed || t.type !== 'vector') continue;
        await db.query(`CREATE INDEX ${t.name}_v ON ${t.name} USING hnsw (v vector_l2_ops) WITH (m = ${4 + prng.int(13)})`);
        t.indexed = true;
      } else if (action === 8) {
        if (!t.indexed || prng.int(3) !== 0) continue;
        await db.query(`DROP INDEX ${t.name}_v`);
        t.indexed = false;
      } else if (action === 9) {
        const r = prng.int(9);
        await db.query(`DELETE FROM ${t.name} WHERE id % 9 = ${r}`);
        for (const id of [...t.rows.keys()]) if (id % 9 === r) t.rows.delete(id);
        if (prng.int(2) === 0) await db.query(`VACUUM ${t.name}`);
      } else {
        const q = vec(prng, t.dim);
        const got = await db.query(`SELECT id FROM ${t.name} ORDER BY v <-> '${q}' LIMIT 5`);
        assert.equal(got.rows.length, Math.min(5, t.rows.size));
      }
      successes++;
    } catch (e) {
      assertOom(e, `step ${step}`);
      failures++;
    }
  }
  assert.ok(failures >= 3, `the loop reached the limit only ${failures} times (seed ${SEED})`);
  assert.ok(successes >= 10, `only ${successes} statements succeeded (seed ${SEED})`);

  // Still under the limit: counts are exactly the committed rows.
  for (const t of tables) {
    const r = await db.query<{ count: number }>(`SELECT count(*) FROM ${t.name}`);
    assert.equal(r.rows[0]!.count, t.rows.size, `${t.name} count (seed ${SEED})`);
  }
  await db.exec('RESET vecgres.memory_limit');

  for (const t of tables) {
    // Every committed row is in the index, linked (a node with neighbours when there are
    // others), and no node points past the graph.
    if (t.indexed) {
      const index = db.database.indexes.get(`${t.name}_v`) as HnswIndex;
      const table = db.database.catalog.getTable(t.name)!;
      const st = index.state;
      for (const id of t.rows.keys()) {
        const node = st.nodeOf(table.pkey.get(id)!);
        assert.ok(node >= 0, `${t.name}: row ${id} missing from the index (seed ${SEED})`);
        if (st.graph.count - st.unlinkedCount > 1) assert.ok(st.graph.neighbours(node, 0).length > 0, `${t.name}: row ${id} not linked`);
      }
      for (let n = 0; n < st.graph.count; n++) {
        for (const nb of st.graph.neighbours(n, 0)) assert.ok(nb >= 0 && nb < st.graph.count);
      }
    }
    // Exact answers against pgvector over the committed rows.
    await oracle.exec(`DROP TABLE IF EXISTS ${t.name}; CREATE TABLE ${t.name} (id integer PRIMARY KEY, v ${t.type}(${t.dim}))`);
    const rows = [...t.rows];
    for (let i = 0; i < rows.length; i += 200) {
      await oracle.exec(`INSERT INTO ${t.name} VALUES ${rows.slice(i, i + 200).map(([id, v]) => `(${id}, '${v}')`).join(', ')}`);
    }
    await db.exec('SET enable_indexscan = off');
    for (let k = 0; k < 3; k++) {
      const q = vec(prng, t.dim);
      const sql = `SELECT id, v <-> '${q}' AS d FROM ${t.name} ORDER BY v <-> '${q}', id LIMIT 10`;
      assert.deepEqual(normalize((await db.query(sql)).rows), normalize((await oracle.query(sql)).rows), `${t.name} (seed ${SEED})`);
    }
    await db.exec('RESET enable_indexscan');
    if (t.indexed && t.rows.size > 0) {
      // The index answers with true distances and finds the exact neighbours.
      await db.exec('SET enable_seqscan = off; SET hnsw.ef_search = 1000');
      let hits = 0;
      let total = 0;
      for (let k = 0; k < 5; k++) {
        const q = vec(prng, t.dim);
        const sql = `SELECT id, v <-> '${q}' AS d FROM ${t.name} ORDER BY v <-> '${q}' LIMIT 10`;
        const got = (await db.query<{ id: number; d: number }>(sql)).rows;
        const want = (await oracle.query(sql)).rows as Array<{ id: number; d: number }>;
        assert.equal(got.length, want.length);
        const cutoff = want[want.length - 1]!.d;
        for (const g of got) {
          const exact = (await oracle.query(`SELECT v <-> '${q}' AS d FROM ${t.name} WHERE id = ${g.id}`)).rows[0] as { d: number };
          assert.equal(g.d, exact.d, `${t.name}: distance of row ${g.id} (seed ${SEED})`);
          if (g.d <= cutoff) hits++;
        }
        total += want.length;
      }
      assert.ok(hits / total >= 0.9, `${t.name}: recall ${hits / total} after the memory errors (seed ${SEED})`);
      await db.exec('RESET enable_seqscan; RESET hnsw.ef_search');
    }
  }

  // Space freed by DROP is usable again: under the same limit, the last insert that failed
  // succeeds once the other tables are gone.
  assert.ok(lastFailedInsert !== null, `no INSERT ran out of memory (seed ${SEED})`);
  await db.exec(`SET vecgres.memory_limit = ${limitKb}`);
  for (const t of tables) if (t !== lastFailedInsert.t) await db.exec(`DROP TABLE ${t.name}`);
  const t = lastFailedInsert.t;
  await db.exec(`TRUNCATE ${t.name}`);
  await db.query(lastFailedInsert.sql);
  const n = await db.query<{ count: number }>(`SELECT count(*) FROM ${t.name}`);
  assert.equal(n.rows[0]!.count, lastFailedInsert.ids.size);
  await db.exec(`DROP TABLE ${t.name}; RESET vecgres.memory_limit`);

  // A new database in the same process works.
  const other = await Vecgres.create();
  try {
    await other.exec("CREATE TABLE x (v vector(3)); INSERT INTO x VALUES ('[1,2,3]'), ('[3,2,1]')");
    const r = await other.query<{ v: string }>("SELECT v FROM x ORDER BY v <-> '[3,2,0]' LIMIT 1");
    assert.equal(r.rows[0]!.v, '[3,2,1]');
  } finally {
    await other.close();
  }
});

test(`after statements that ran out of memory, a reopened data directory holds exactly the committed rows (seed ${SEED})`, async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-oom-'));
  const prng = new Prng(SEED + 3);
  const committed = new Map<number, string>();
  try {
    const a = await Vecgres.create(dir);
    await a.exec('CREATE TABLE r (id integer PRIMARY KEY, v vector(512)); CREATE INDEX ON r USING hnsw (v vector_l2_ops)');
    await a.exec(`SET vecgres.memory_limit = ${Math.ceil((arena.usedBytes + 3 * MB) / 1024)}`);
    let failures = 0;
    for (let id = 0; failures < 4 && id < 20000; ) {
      const rows = Array.from({ length: 1 + prng.int(40) }, (_, k) => [id + k, vec(prng, 512)] as const);
      id += rows.length;
      try {
        await a.query(`INSERT INTO r VALUES ${rows.map(([i, v]) => `(${i}, '${v}')`).join(', ')}`);
        for (const [i, v] of rows) committed.set(i, v);
      } catch (e) {
        assertOom(e, 'insert');
        failures++;
      }
    }
    assert.equal(failures, 4, `the inserts never reached the limit (seed ${SEED})`);
    await a.close();
    const b = await Vecgres.create(dir);
    try {
      const n = await b.query<{ count: number }>('SELECT count(*) FROM r');
      assert.equal(n.rows[0]!.count, committed.size);
      const ids = (await b.query<{ id: number }>('SELECT id FROM r ORDER BY id')).rows.map((r) => r.id);
      assert.deepEqual(ids, [...committed.keys()].sort((x, y) => x - y));
      // Slots stayed aligned with the log: every row reads back its own vector.
      for (const id of ids.filter((_, i) => i % 37 === 0)) {
        const r = await b.query<{ v: string }>(`SELECT v FROM r WHERE id = ${id}`);
        assert.equal(r.rows[0]!.v, committed.get(id));
      }
    } finally {
      await b.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(`a k-NN query that runs out of memory for its query vector leaves later queries correct (seed ${SEED})`, async () => {
  const prng = new Prng(SEED + 5);
  const wide = Array.from({ length: 6 }, (_, i) => [i, vec(prng, 3000)] as const);
  await db.exec('CREATE TABLE oq_wide (id integer, v vector(3000)); CREATE TABLE oq_fill (id integer, v vector(1000))');
  await oracle.exec('DROP TABLE IF EXISTS oq_wide; CREATE TABLE oq_wide (id integer, v vector(3000))');
  const ins = `INSERT INTO oq_wide VALUES ${wide.map(([id, v]) => `(${id}, '${v}')`).join(', ')}`;
  await db.query(ins);
  await oracle.query(ins);
  // Fill the arena up to the limit.
  await db.exec(`SET vecgres.memory_limit = ${Math.ceil((arena.usedBytes + 2 * MB) / 1024)}`);
  let full = false;
  for (let i = 0; !full && i < 10000; i += 20) {
    try {
      await db.query(`INSERT INTO oq_fill VALUES ${Array.from({ length: 20 }, (_, k) => `(${i + k}, '${vec(prng, 1000)}')`).join(', ')}`);
    } catch (e) {
      assertOom(e, 'fill');
      full = true;
    }
  }
  assert.ok(full);
  // Queries with ever longer vectors: some may fail for their query buffer, always with 53200.
  const q = vec(prng, 3000);
  const sql = `SELECT id, v <-> '${q}' AS d FROM oq_wide ORDER BY v <-> '${q}', id LIMIT 3`;
  try {
    await db.query(sql);
  } catch (e) {
    assertOom(e, 'query');
  }
  await db.exec('DROP TABLE oq_fill; RESET vecgres.memory_limit');
  for (let k = 0; k < 3; k++) {
    assert.deepEqual(normalize((await db.query(sql)).rows), normalize((await oracle.query(sql)).rows));
    const r = await db.query<{ v: string }>('SELECT v FROM oq_wide WHERE id = 5');
    assert.equal(r.rows[0]!.v, wide[5]![1]);
  }
  await db.exec('DROP TABLE oq_wide');
});
