/**
 * drizzle-orm (node-postgres driver) with its pg-core `vector({ dimensions })` column against
 * `vecgres serve`, and the same flow against PostgreSQL + pgvector (PGlite behind
 * pglite-socket): inserts with parameters and RETURNING, a filtered `cosineDistance` ordering
 * with a limit, an update, a transaction rolled back, and an error's SQLSTATE. Both servers must
 * give the same results.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { and, asc, cosineDistance, count, eq, gt, l2Distance, sql } from 'drizzle-orm';
import { integer, pgTable, text, vector } from 'drizzle-orm/pg-core';
import { connectPeerPair } from './peer_pair.js';

const items = pgTable('items', {
  id: integer('id').primaryKey(),
  category: text('category').notNull(),
  body: text('body'),
  embedding: vector('embedding', { dimensions: 3 }),
});

/** The SQLSTATE of a failed drizzle query (drizzle wraps the driver's error as its cause). */
function sqlstate(e: unknown): string | undefined {
  const err = e as { code?: string; cause?: { code?: string } };
  return err.cause?.code ?? err.code;
}

/** The whole flow on one server; everything it observed, for comparison. */
async function flow(client: pg.Client): Promise<unknown[]> {
  const db = drizzle(client);
  const seen: unknown[] = [];
  await db.execute(sql`CREATE EXTENSION IF NOT EXISTS vector`);
  await db.execute(sql`CREATE TABLE items (id int PRIMARY KEY, category text NOT NULL, body text, embedding vector(3))`);
  seen.push(
    await db
      .insert(items)
      .values([
        { id: 1, category: 'a', body: 'one', embedding: [1, 0, 0] },
        { id: 2, category: 'a', body: 'two', embedding: [0.9, 0.1, 0] },
        { id: 3, category: 'b', body: 'three', embedding: [0, 1, 0] },
        { id: 4, category: 'a', body: 'four', embedding: [0, 0, 1] },
        { id: 5, category: 'a', body: null, embedding: null },
      ])
      .returning({ id: items.id, embedding: items.embedding }),
  );
  await db.execute(sql`CREATE INDEX items_embedding_idx ON items USING hnsw (embedding vector_cosine_ops)`);
  const q = [1, 0.2, 0];
  const distance = cosineDistance(items.embedding, q);
  const near = await db
    .select({ id: items.id, body: items.body, distance })
    .from(items)
    .where(and(eq(items.category, 'a'), gt(items.id, 0)))
    .orderBy(distance)
    .limit(3);
  // Distances as PostgreSQL prints float8, rounded to what both compute identically.
  seen.push(near.map((r) => ({ ...r, distance: Number(Number(r.distance).toFixed(12)) })));
  seen.push(await db.select({ id: items.id }).from(items).orderBy(l2Distance(items.embedding, [0, 1, 0]), asc(items.id)).limit(2));
  seen.push(await db.update(items).set({ body: 'uno' }).where(eq(items.id, 1)).returning({ id: items.id, body: items.body }));
  seen.push(await db.select().from(items).where(eq(items.id, 2)));
  // A transaction rolled back: its delete is undone.
  await assert.rejects(
    db.transaction(async (tx) => {
      await tx.delete(items).where(eq(items.category, 'a'));
      seen.push(await tx.select({ n: count() }).from(items));
      tx.rollback();
    }),
    /Rollback/,
  );
  seen.push(await db.select({ n: count() }).from(items));
  // Errors: a duplicate key and a vector of the wrong dimension, by SQLSTATE and message.
  for (const bad of [
    () => db.insert(items).values({ id: 1, category: 'c', embedding: [1, 1, 1] }),
    () => db.insert(items).values({ id: 9, category: 'c', embedding: [1, 1] }),
  ]) {
    try {
      await bad();
      seen.push('no error');
    } catch (e) {
      seen.push({ code: sqlstate(e), message: (e as { cause?: { message?: string } }).cause?.message });
    }
  }
  // A transaction that commits.
  await db.transaction(async (tx) => {
    await tx.insert(items).values({ id: 6, category: 'b', embedding: [0, 1, 1] });
  });
  seen.push(await db.select({ id: items.id }).from(items).where(eq(items.category, 'b')).orderBy(items.id));
  return seen;
}

test('drizzle-orm: vector column, cosineDistance ordering with a filter and limit, rollback, errors, as on PostgreSQL + pgvector', async () => {
  const p = await connectPeerPair();
  try {
    const theirs = await flow(p.theirs);
    const mine = await flow(p.mine);
    assert.deepEqual(mine, theirs);
    // The flow saw real answers (not two empty runs).
    assert.deepEqual((theirs[1] as { id: number }[]).map((r) => r.id), [2, 1, 4]);
    assert.deepEqual(theirs.filter((x) => typeof x === 'object' && x !== null && 'code' in x).map((x) => (x as { code: string }).code), ['23505', '22000']);
  } finally {
    await p.close();
  }
});
