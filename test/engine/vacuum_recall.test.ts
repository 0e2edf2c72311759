/**
 * UPDATE/DELETE churn on a real-data HNSW index, through SQL: on a seeded 10,000-word GloVe
 * subset (100-d, cosine, m = 16, ef_construction = 64), delete 30% of the rows, insert as many
 * new ones, VACUUM; recall@10 (ef_search 40, 100 held-out query words, against exact search)
 * must stay within 0.02 of an index built fresh over the same final rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { loadGlove } from '../../src/cli/glove.js';
import { Prng } from '../../src/common/prng.js';

const BASE = 10000;
const CHURN = 3000;
const QUERIES = 100;

async function recall(db: Vecgres, table: string, queries: Float32Array, dim: number): Promise<number> {
  let hits = 0;
  for (let q = 0; q < QUERIES; q++) {
    const qv = queries.subarray(q * dim, (q + 1) * dim);
    await db.exec('SET enable_indexscan = off');
    const exact = (await db.query<{ id: number }>(`SELECT id FROM ${table} ORDER BY e <=> $1 LIMIT 10`, [qv])).rows.map((r) => r.id);
    await db.exec('RESET enable_indexscan; SET enable_seqscan = off');
    const got = new Set((await db.query<{ id: number }>(`SELECT id FROM ${table} ORDER BY e <=> $1 LIMIT 10`, [qv])).rows.map((r) => r.id));
    await db.exec('RESET enable_seqscan');
    for (const id of exact) if (got.has(id)) hits++;
  }
  return hits / (QUERIES * 10);
}

test(`GloVe ${BASE}: delete 30%, insert as many, VACUUM: recall@10 within 0.02 of a fresh build`, { timeout: 300_000 }, async () => {
  const { dim, base, queries } = loadGlove({ rows: BASE + CHURN, queries: QUERIES, seed: 42 });
  const row = (i: number) => base.subarray(i * dim, (i + 1) * dim);
  const db = await Vecgres.create({ seed: 42 });
  await db.exec(`CREATE TABLE churned (id int PRIMARY KEY, e vector(${dim})); CREATE TABLE fresh (id int PRIMARY KEY, e vector(${dim}))`);
  await db.exec('CREATE INDEX ON churned USING hnsw (e vector_cosine_ops)');
  await db.transaction(async (tx) => {
    for (let i = 0; i < BASE; i++) await tx.query('INSERT INTO churned VALUES ($1, $2)', [i, row(i)]);
  });
  const p = new Prng(7);
  const ids = p.shuffle(Array.from({ length: BASE }, (_, i) => i)).slice(0, CHURN);
  await db.transaction(async (tx) => {
    for (const id of ids) await tx.query('DELETE FROM churned WHERE id = $1', [id]);
    for (let i = BASE; i < BASE + CHURN; i++) await tx.query('INSERT INTO churned VALUES ($1, $2)', [i, row(i)]);
  });
  await db.exec('VACUUM churned');
  const gone = new Set(ids);
  await db.transaction(async (tx) => {
    for (let i = 0; i < BASE + CHURN; i++) if (!gone.has(i)) await tx.query('INSERT INTO fresh VALUES ($1, $2)', [i, row(i)]);
  });
  await db.exec('CREATE INDEX ON fresh USING hnsw (e vector_cosine_ops)');
  const churned = await recall(db, 'churned', queries, dim);
  const fresh = await recall(db, 'fresh', queries, dim);
  console.log(`# vacuum recall@10: churned+vacuumed ${churned.toFixed(3)}, fresh build ${fresh.toFixed(3)}`);
  assert.ok(churned >= fresh - 0.02, `recall after churn ${churned} vs fresh ${fresh} (GloVe split seed 42, churn seed 7)`);
  await db.close();
});
