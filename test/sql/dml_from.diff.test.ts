/**
 * `UPDATE ... FROM`, `DELETE ... USING`, target aliases and WITH on UPDATE / DELETE against
 * PGlite: rows after each statement, RETURNING rows (FROM / USING columns and `*` over all
 * items), affected-row counts and SQLSTATEs. Covers NULL join keys, duplicate FROM rows (a
 * target row is changed once; cases where duplicates carry different values compare only what
 * PostgreSQL leaves deterministic), a self-join of the target through another alias, FROM
 * subqueries, VALUES lists and CTEs, parameters, an HNSW-indexed target whose updated vectors a
 * following k-NN query must find, foreign keys with ON DELETE CASCADE, unique violations, and
 * a rolled-back transaction.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair, failureOutcome, normalize } from '../support/sql_pair.js';

const { db, oracle, same, both } = await openSqlPair();

/** Rows in a canonical order: RETURNING follows the join plan, which may differ from PostgreSQL's. */
const sorted = (rows: unknown[]): unknown => normalize(rows.map((r) => JSON.stringify(normalize(r))).sort());

/**
 * Runs `sql` on both sides and compares the rows (as a multiset), field names / types and the
 * affected-row count (or the error).
 */
async function sameCount(sql: string, params?: unknown[]): Promise<void> {
  const r = await oracle.tryQuery(sql, params);
  const want = r.ok ? { ok: true, rows: sorted(r.rows), fields: normalize(r.fields), affected: r.affectedRows ?? 0 } : failureOutcome(r);
  let got: unknown;
  try {
    const o = await db.query(sql, params);
    got = { ok: true, rows: sorted(o.rows), fields: normalize(o.fields), affected: o.affectedRows ?? 0 };
  } catch (e) {
    got = failureOutcome(e);
  }
  assert.deepEqual(got, want, sql);
}

const T = `SELECT * FROM t ORDER BY id`;
const U = `SELECT * FROM u ORDER BY id NULLS LAST, y`;

async function reset(): Promise<void> {
  await both(`DELETE FROM t; DELETE FROM u;
    INSERT INTO t VALUES (1, 10, 'a', '[1,0,0]'), (2, 20, 'b', '[0,1,0]'), (3, 30, NULL, '[0,0,1]'), (4, NULL, 'd', '[1,1,0]'), (5, 50, 'e', NULL);
    INSERT INTO u VALUES (1, 100), (2, 200), (2, 200), (NULL, 300), (6, 600), (3, NULL)`);
}

await both(`CREATE TABLE t (id int PRIMARY KEY, x int, tag text, v vector(3));
  CREATE INDEX t_v_hnsw ON t USING hnsw (v vector_l2_ops);
  CREATE TABLE u (id int, y int)`);

test('UPDATE ... FROM: join keys with NULLs and duplicates, RETURNING over target and FROM', async () => {
  await reset();
  await sameCount(`UPDATE t SET x = u.y FROM u WHERE t.id = u.id RETURNING t.id, t.x, u.y`);
  await same(T);
  await reset();
  await sameCount(`UPDATE t SET x = t.x + u.y, tag = tag || '!' FROM u WHERE u.id = t.id AND u.y IS NOT NULL RETURNING *`);
  await same(T);
  await sameCount(`UPDATE t SET x = 0 FROM u WHERE u.id = t.id AND u.y > 1000`);
  await sameCount(`UPDATE t SET x = 1 FROM u WHERE u.id IS NULL AND t.id = 5 RETURNING t.*, u.*`);
  await sameCount(`UPDATE t SET x = -1 FROM u WHERE t.id = 4 RETURNING t.id, t.x`);
  await same(T);
  // Several FROM rows per target row with different values: which wins is not specified, the
  // count and the set of changed rows are.
  await reset();
  await sameCount(`UPDATE t SET tag = 'many' FROM u WHERE u.id IS NOT NULL AND t.id <= 3`);
  await same(T);
  await sameCount(`UPDATE t SET x = 7 FROM u WHERE t.id >= 4 AND u.id >= 2`);
  await same(T);
});

test('UPDATE ... FROM: self-join through an alias, subquery, VALUES list, CTE, parameters', async () => {
  await reset();
  await sameCount(`UPDATE t SET x = t2.x + 1 FROM t AS t2 WHERE t2.id = t.id + 1 RETURNING t.id, t.x, t2.id AS src`);
  await same(T);
  await sameCount(`UPDATE t SET x = s.total FROM (SELECT id, sum(y) AS total FROM u GROUP BY id) s WHERE s.id = t.id RETURNING t.id, t.x, s.total`);
  await same(T);
  await sameCount(`UPDATE t SET x = v.x, tag = v.tag FROM (VALUES (1, 11, 'one'), (2, 22, 'two'), (9, 99, 'nine')) AS v(id, x, tag) WHERE t.id = v.id RETURNING *`);
  await same(T);
  await sameCount(`WITH w AS (SELECT id, y * 2 AS y2 FROM u WHERE y IS NOT NULL) UPDATE t SET x = w.y2 FROM w WHERE w.id = t.id AND t.id <> 2 RETURNING t.id, x, y2`);
  await same(T);
  await sameCount(`WITH k AS (SELECT 3 AS id) UPDATE t SET tag = 'cte' WHERE id IN (SELECT id FROM k) RETURNING id, tag`);
  await sameCount(`UPDATE t SET x = $1 FROM u WHERE u.id = t.id AND u.y = $2 RETURNING t.id, t.x`, [5, 100]);
  await sameCount(`UPDATE t SET x = (SELECT max(y) FROM u WHERE u.id = j.id) FROM (SELECT DISTINCT id FROM u) j WHERE j.id = t.id RETURNING t.id, t.x`);
  await sameCount(`UPDATE t SET x = a.y FROM u a JOIN u b ON a.id = b.id AND a.y = b.y WHERE a.id = t.id AND t.id = 1 RETURNING t.id, t.x, b.y`);
  await sameCount(`UPDATE t SET x = g FROM generate_series(1, 2) g WHERE t.id = g RETURNING t.id, x, g`);
  await same(T);
});

test('target aliases on UPDATE and DELETE', async () => {
  await reset();
  await sameCount(`UPDATE t AS a SET x = a.x + 1 WHERE a.id = 1 RETURNING a.id, a.x`);
  await sameCount(`UPDATE t a SET x = x * 2 WHERE id = 2 RETURNING *`);
  await sameCount(`UPDATE t AS a SET x = t.x + 1 WHERE a.id = 1`);
  await sameCount(`UPDATE t AS a SET x = 1 WHERE t.id = 1`);
  await sameCount(`UPDATE t AS a SET x = 1 RETURNING t.id`);
  await sameCount(`DELETE FROM t x WHERE x.id = 5 RETURNING x.*`);
  await sameCount(`DELETE FROM t AS x WHERE t.id = 4`);
  await sameCount(`UPDATE t AS a SET x = b.x FROM t AS b WHERE b.id = a.id - 1 RETURNING a.id, a.x, b.x AS prev`);
  await sameCount(`UPDATE t AS a SET x = t.x * 10 FROM t WHERE t.id = a.id + 1 RETURNING a.id, a.x, t.id`);
  await sameCount(`DELETE FROM t AS a USING t WHERE t.id = a.id AND t.x IS NULL RETURNING a.id`);
  await same(T);
});

test('DELETE ... USING: NULL keys, duplicates, aliases, RETURNING USING columns', async () => {
  await reset();
  await sameCount(`DELETE FROM t USING u WHERE t.id = u.id AND u.y >= 200 RETURNING t.id, u.y`);
  await same(T);
  await reset();
  await sameCount(`DELETE FROM t AS d USING u AS e, (VALUES (1), (3)) AS k(id) WHERE d.id = e.id AND e.id = k.id RETURNING *`);
  await same(T);
  await reset();
  await sameCount(`DELETE FROM t USING u WHERE u.id = t.id AND u.id IS NULL`);
  await sameCount(`WITH gone AS (SELECT id FROM u WHERE y = 200) DELETE FROM t USING gone WHERE gone.id = t.id RETURNING t.id`);
  await sameCount(`DELETE FROM t USING t AS t2 WHERE t2.id = t.id - 2 AND t2.x IS NOT NULL RETURNING t.id, t2.id AS other`);
  await same(T);
  await same(U);
});

test('UPDATE / DELETE with FROM: errors change nothing', async () => {
  await reset();
  await sameCount(`UPDATE t SET x = 1 FROM t WHERE t.id = 1`);
  await sameCount(`DELETE FROM t USING t`);
  await sameCount(`UPDATE t SET x = 1 FROM nope WHERE nope.id = t.id`);
  await sameCount(`UPDATE t SET x = 1 WHERE nope.id = 1`);
  await sameCount(`UPDATE t SET x = 1 FROM u WHERE id = 1`);
  await sameCount(`UPDATE t SET x = 1 FROM u JOIN u u2 ON u2.id = t.id`);
  await sameCount(`UPDATE t SET x = 1 FROM (SELECT * FROM u WHERE u.id = t.id) s`);
  await sameCount(`UPDATE t SET x = 1 FROM LATERAL (SELECT * FROM u WHERE u.id = t.id) s`);
  await sameCount(`DELETE FROM t USING LATERAL (SELECT id AS k FROM u WHERE id = t.x) s`);
  await sameCount(`UPDATE t AS a SET x = 1 FROM (SELECT * FROM u WHERE u.id = t.id) s`);
  await sameCount(`UPDATE t SET x = 1 FROM u, u`);
  await sameCount(`UPDATE t SET x = u.nope FROM u WHERE u.id = t.id`);
  await sameCount(`UPDATE t SET x = u.y / 0 FROM u WHERE u.id = t.id AND u.y IS NOT NULL`);
  await sameCount(`DELETE FROM t USING u WHERE u.id = t.id RETURNING u.nope`);
  await sameCount(`UPDATE t SET id = u.id FROM u WHERE t.id = 1 AND u.id = 2`);
  // PostgreSQL analyzes WHERE, then RETURNING, then SET: the first error is WHERE's.
  await sameCount(`UPDATE t SET nope = 1 WHERE nope2 = 1 RETURNING nope3`);
  await sameCount(`UPDATE t SET nope = 1 FROM u WHERE true RETURNING nope3`);
  await sameCount(`DELETE FROM t USING u WHERE nope = 1 RETURNING nope3`);
  await same(T);
  await same(U);
  // A data-modifying WITH on UPDATE (rolled back: the tests after this one read the rows).
  await both('BEGIN');
  await sameCount(`WITH d AS (DELETE FROM u RETURNING id) UPDATE t SET x = 0 FROM d WHERE d.id = t.id RETURNING t.id, t.x`);
  await same(T);
  await same(U);
  await both('ROLLBACK');
  await same(U);
});

test('references to a hidden FROM item in SELECT: the alias hint only where the alias is visible', async () => {
  await same(`SELECT t.id FROM t x`);
  await same(`SELECT * FROM t x, (SELECT t.id) s`);
  await same(`SELECT * FROM t x, LATERAL (SELECT t.id) s`);
  await same(`SELECT * FROM t x JOIN u ON t.id = u.id`);
  await same(`SELECT * FROM t, (SELECT t.id) s`);
  await same(`SELECT * FROM u JOIN t x ON x.id = u.id, (SELECT x.id) s`);
});

test('UPDATE ... FROM on an HNSW-indexed table: the k-NN query finds the new vectors', async () => {
  await both(`CREATE TABLE h (id int PRIMARY KEY, v vector(3));
    CREATE INDEX h_v_hnsw ON h USING hnsw (v vector_l2_ops);
    INSERT INTO h VALUES (1, '[1,0,0]'), (2, '[0,1,0]'), (3, '[0,0,1]'), (4, '[1,1,0]'), (5, NULL), (6, '[3,3,3]')`);
  const knn = `SELECT id FROM h ORDER BY v <-> '[0.9,0.8,0.1]' LIMIT 3`;
  await both(`SET enable_seqscan = off`);
  await same(knn);
  await sameCount(`UPDATE h SET v = n.v FROM (VALUES (1, '[0.9,0.8,0.2]'::vector), (5, '[1,1,0.5]'::vector)) AS n(id, v) WHERE h.id = n.id RETURNING h.id, h.v`);
  await same(knn);
  await sameCount(`UPDATE h SET v = t.v FROM t WHERE t.id = h.id AND t.id = 2 RETURNING h.*`);
  await same(knn);
  await sameCount(`DELETE FROM h USING (VALUES (1)) AS g(id) WHERE g.id = h.id`);
  await same(knn);
  // Rolled back: the index must not return the vectors written inside the transaction.
  await same(`BEGIN`);
  await sameCount(`UPDATE h SET v = '[0.9,0.8,0.1]' FROM (VALUES (6)) AS k(id) WHERE k.id = h.id`);
  await same(knn);
  await same(`ROLLBACK`);
  await same(knn);
  await both(`RESET enable_seqscan`);
  await same(`SELECT * FROM h ORDER BY id`);
});

test('UPDATE ... FROM and DELETE ... USING in a transaction rolled back', async () => {
  await reset();
  await same(`BEGIN`);
  await sameCount(`UPDATE t SET x = u.y, v = '[2,2,2]' FROM u WHERE u.id = t.id AND u.y IS NOT NULL`);
  await sameCount(`DELETE FROM t USING u WHERE u.id = t.id AND u.y IS NULL RETURNING t.id`);
  await same(T);
  await same(`ROLLBACK`);
  await same(T);
});

test('DELETE ... USING fires ON DELETE CASCADE; UPDATE ... FROM checks foreign keys', async () => {
  await both(`CREATE TABLE p (id int PRIMARY KEY, name text);
    CREATE TABLE c (id int PRIMARY KEY, pid int REFERENCES p (id) ON DELETE CASCADE);
    INSERT INTO p VALUES (1, 'a'), (2, 'b'), (3, 'c'); INSERT INTO c VALUES (10, 1), (11, 1), (12, 2), (13, 3)`);
  await sameCount(`DELETE FROM p USING (VALUES ('a'), ('c')) AS k(name) WHERE k.name = p.name RETURNING p.id`);
  await same(`SELECT * FROM c ORDER BY id`);
  await sameCount(`UPDATE c SET pid = k.pid FROM (VALUES (12, 9)) AS k(id, pid) WHERE k.id = c.id`);
  await sameCount(`UPDATE c SET pid = NULL FROM p WHERE p.id = c.pid RETURNING c.id, p.name`);
  await same(`SELECT * FROM c ORDER BY id`);
});
