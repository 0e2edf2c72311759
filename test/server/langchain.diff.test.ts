/**
 * LangChain.js's `PGVectorStore` (@langchain/community 1.1.x, vectorstores/pgvector.js) as the
 * wire sees it, against vecgres serve and against PostgreSQL + pgvector (PGlite behind
 * pglite-socket): the statements it sends, with the parameters node-postgres binds for them
 * (text vectors `[1,2,3]`, metadata objects as JSON, ids as uuid[]), step by step, results
 * deep-equal. Covered: initialize (CREATE EXTENSION, CREATE TABLE IF NOT EXISTS, the collection
 * table with its index and foreign key in one simple query, and a second initialize whose
 * "already exists" error LangChain swallows), getOrCreateCollection, addDocuments, an HNSW
 * index, similaritySearch with no filter and with each metadata filter form it builds (equality,
 * in, notIn, arrayContains, gt / gte / lt / lte, neq), delete by ids and by filter.
 *
 * A replay rather than the package itself: @langchain/community with @langchain/core is about
 * 137 MB of JavaScript (48 packages, the OpenAI SDK and tiktoken among them) and needs a peer
 * dependency override to install beside this project; and its store holds one pooled connection
 * while it queries on another, which pglite-socket (one connection at a time) does not serve.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { connectPeerPair } from './peer_pair.js';

type Step = { sql: string; params?: unknown[] };
type Outcome = { ok: true; command: string; rowCount: number | null; fields: string[]; rows: unknown[] } | { ok: false; code: string; message: string };

const TABLE = 'langchain_pg_embedding';
const COLLECTIONS = 'langchain_pg_collection';

/** The collection's uuid: gen_random_uuid() differs between the two systems, so it is masked. */
function mask(rows: unknown[], uuid: string | null): unknown[] {
  return JSON.parse(JSON.stringify(rows).split(uuid ?? '\u0000').join('<collection uuid>'));
}

async function run(client: pg.Client, step: Step, collection: string | null): Promise<Outcome> {
  try {
    const r = await client.query(step.sql, step.params);
    const last = Array.isArray(r) ? r[r.length - 1] : r;
    return { ok: true, command: last.command, rowCount: last.rowCount, fields: last.fields.map((f: pg.FieldDef) => `${f.name}:${f.dataTypeID}`), rows: mask(last.rows, collection) };
  } catch (e) {
    const err = e as { code: string; message: string };
    return { ok: false, code: err.code, message: err.message };
  }
}

/** A deterministic 3-d embedding of a text (LangChain sends `[${v.join(',')}]`). */
function embed(text: string): string {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return `[${1 + (h % 7)},${1 + ((h >> 3) % 5)},${1 + ((h >> 7) % 11)}]`;
}

/** PGVectorStore.searchPostgres's statement with `where` clauses after the collection's. */
function search(query: string, k: number, where: string[], params: unknown[]): Step {
  const clauses = ['collection_id = $3', ...where];
  return {
    sql: `
      SELECT *, "embedding" <=> $1 as "_distance"
      FROM ${TABLE}
      WHERE ${clauses.join(' AND ')}
      ORDER BY "_distance" ASC
      LIMIT $2;
      `,
    params: [embed(query), k, '<collection>', ...params],
  };
}

const TEXTS = ['apples are red', 'bananas are yellow', 'cherries are red', 'grapes are green', 'lemons are yellow', 'plums are purple'];
const IDS = TEXTS.map((_, i) => `00000000-0000-4000-8000-00000000000${i + 1}`);

test('LangChain PGVectorStore: initialize, addDocuments, similaritySearch with every metadata filter, delete, as on PostgreSQL + pgvector', async () => {
  const peers = await connectPeerPair();
  try {
    const ensureTable = `
      CREATE TABLE IF NOT EXISTS ${TABLE} (
        "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        "content" text,
        "metadata" jsonb,
        "embedding" vector(3)
      );
    `;
    const ensureCollection = `
        CREATE TABLE IF NOT EXISTS ${COLLECTIONS} (
          uuid uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
          name character varying,
          cmetadata jsonb
        );

        CREATE INDEX IF NOT EXISTS idx_${COLLECTIONS}_name ON ${COLLECTIONS}(name);

        ALTER TABLE ${TABLE}
          ADD COLUMN collection_id uuid;

        ALTER TABLE ${TABLE}
          ADD CONSTRAINT ${TABLE}_collection_id_fkey
          FOREIGN KEY (collection_id)
          REFERENCES ${COLLECTIONS}(uuid)
          ON DELETE CASCADE;
      `;
    const getCollection: Step = { sql: `\n      SELECT uuid from ${COLLECTIONS}\n      WHERE name = $1;\n    `, params: ['fruit'] };
    const createCollection: Step = {
      sql: `\n        INSERT INTO ${COLLECTIONS}(\n          uuid,\n          name,\n          cmetadata\n        )\n        VALUES (\n          gen_random_uuid(),\n          $1,\n          $2\n        )\n        RETURNING uuid;\n      `,
      params: ['fruit', { source: 'test' }],
    };
    const metadata = TEXTS.map((t, i) => ({ color: t.split(' ').at(-1), n: i, tags: i % 2 === 0 ? ['round', 'sweet'] : ['long'] }));
    const insert: Step = {
      sql: `\n      INSERT INTO ${TABLE}(\n        "content", "embedding", "metadata", "collection_id", "id"\n      )\n      VALUES ${TEXTS.map((_, j) => `($${j * 5 + 1}, $${j * 5 + 2}, $${j * 5 + 3}, $${j * 5 + 4}, $${j * 5 + 5})`).join(', ')}\n    `,
      params: TEXTS.flatMap((t, i) => [t, embed(t), metadata[i], '<collection>', IDS[i]]),
    };
    const steps: Step[] = [
      { sql: 'CREATE EXTENSION IF NOT EXISTS vector;' },
      { sql: ensureTable },
      { sql: ensureCollection },
      // A second initialize: the same statements; "already exists" is what LangChain expects.
      { sql: 'CREATE EXTENSION IF NOT EXISTS vector;' },
      { sql: ensureTable },
      { sql: ensureCollection },
      getCollection,
      createCollection,
      getCollection,
      insert,
      { sql: `CREATE INDEX IF NOT EXISTS ${TABLE}_embedding_hnsw_idx\n        ON ${TABLE}\n        USING hnsw (embedding vector_cosine_ops)\n        WITH (m = 16, ef_construction = 64);` },
      search('red fruit', 3, [], []),
      search('red fruit', 3, [`metadata->>'color' = $4`], ['red']),
      search('fruit', 5, [`metadata->>'color' IN ($4,$5)`], ['red', 'green']),
      search('fruit', 5, [`metadata->>'color' NOT IN ($4,$5)`], ['red', 'green']),
      search('fruit', 5, [`metadata->'tags' ?| array[$4]`], ['sweet']),
      search('fruit', 5, [`(metadata->>'n')::numeric > $4`, `(metadata->>'n')::numeric <= $5`], [1, 4]),
      search('fruit', 5, [`(metadata->>'n')::numeric >= $4`, `(metadata->>'n')::numeric < $5`], [2.5, 10]),
      search('fruit', 5, [`(metadata->>'color' IS NULL OR (metadata->>'color')::text != $4)`], ['yellow']),
      search('fruit', 5, [`metadata->>'color' = $4`, `metadata->>'n' = $5`], ['red', '2']),
      { sql: `\n      DELETE FROM ${TABLE}\n      WHERE id = ANY($1::uuid[])\n      AND collection_id = $2\n    `, params: [[IDS[0], IDS[3]], '<collection>'] },
      search('red fruit', 10, [], []),
      { sql: `\n      DELETE FROM ${TABLE}\n      WHERE collection_id = $1 AND metadata->>'color' = $2\n    `, params: ['<collection>', 'yellow'] },
      search('anything', 10, [], []),
      { sql: `SELECT count(*)::int AS n FROM ${TABLE}` },
    ];
    const collection = { theirs: null as string | null, mine: null as string | null };
    const differences: string[] = [];
    const failed: number[] = [];
    const rowCounts: number[] = [];
    for (const [i, step] of steps.entries()) {
      const bind = (side: 'theirs' | 'mine'): Step => ({ sql: step.sql, ...(step.params === undefined ? {} : { params: step.params.map((p) => (p === '<collection>' ? collection[side] : p)) }) });
      const theirs = await run(peers.theirs, bind('theirs'), collection.theirs);
      const mine = await run(peers.mine, bind('mine'), collection.mine);
      if (step === createCollection && theirs.ok && mine.ok) {
        collection.theirs = (await peers.theirs.query(getCollection.sql, getCollection.params)).rows[0].uuid;
        collection.mine = (await peers.mine.query(getCollection.sql, getCollection.params)).rows[0].uuid;
        continue;
      }
      if (!mine.ok) failed.push(i);
      else rowCounts.push(mine.rows.length);
      if (JSON.stringify(theirs) !== JSON.stringify(mine)) differences.push(`${step.sql.trim().slice(0, 120)}\n  PostgreSQL: ${JSON.stringify(theirs)}\n  vecgres:    ${JSON.stringify(mine)}`);
    }
    assert.ok(collection.mine !== null && /^[0-9a-f-]{36}$/.test(collection.mine), 'the collection was created');
    // Only the second initialize's ALTER TABLE fails (column "collection_id" already exists),
    // and the searches found rows.
    assert.deepEqual(failed, [5]);
    assert.ok(rowCounts.filter((n) => n > 0).length >= 12, `rows per step: ${rowCounts.join(' ')}`);
    assert.deepEqual(differences, []);
    // The same notices, the second CREATE EXTENSION IF NOT EXISTS vector's included.
    assert.deepEqual(peers.myNotices, peers.theirNotices);
  } finally {
    await peers.close();
  }
});
