/**
 * Seeded random-query differential test against PostgreSQL 18 + pgvector 0.8.7 (PGlite), in
 * the manner of SQLancer and sqlsmith: queries over three small tables with NULLs, built from
 * joins of every kind, subqueries in FROM, VALUES, generate_series, LATERAL, scalar / EXISTS /
 * IN subqueries (correlated or not), WHERE conjunctions, GROUP BY with aggregates, vector
 * distances in select lists and ORDER BY, and LIMIT. Every query orders its output by all of
 * its columns, so the rows must match exactly; a failing query makes both sides fail with
 * the same SQLSTATE. A mismatch prints the seed (VECGRES_SEED replays it) and the queries.
 * VECGRES_RANDOM_QUERIES sets the number of queries (default 1,000).
 */
import { test } from 'node:test';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair, reportMismatches, type SqlOutcome } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { ours, theirs, both } = await openSqlPair();
const COUNT = Number(process.env['VECGRES_RANDOM_QUERIES'] ?? 1000);

const rng = new Prng(SEED);
const maybeNull = (s: string, p = 6): string => (rng.int(p) === 0 ? 'NULL' : s);

await both(`CREATE TABLE r1 (id int PRIMARY KEY, a int, b int, t text, v vector(2))`);
await both(`CREATE TABLE r2 (id int PRIMARY KEY, r1id int, c int, v vector(2))`);
await both(`CREATE TABLE r3 (k int, t text)`);
{
  const r1: string[] = [];
  for (let i = 1; i <= 12; i++) {
    r1.push(`(${i}, ${maybeNull(String(rng.int(7)))}, ${maybeNull(String(rng.int(5) - 2))}, ${maybeNull(`'${'pqrs'[rng.int(4)]}'`)}, ${maybeNull(`'[${rng.int(9) - 4},${rng.int(9) - 4}]'`)})`);
  }
  await both(`INSERT INTO r1 VALUES ${r1.join(', ')}`);
  const r2: string[] = [];
  for (let i = 1; i <= 15; i++) r2.push(`(${i}, ${maybeNull(String(1 + rng.int(14)))}, ${maybeNull(String(rng.int(9)))}, ${maybeNull(`'[${rng.int(5)},${rng.int(5) - 2}]'`)})`);
  await both(`INSERT INTO r2 VALUES ${r2.join(', ')}`);
  const r3: string[] = [];
  for (let i = 1; i <= 8; i++) r3.push(`(${maybeNull(String(rng.int(7)))}, ${maybeNull(`'${'pqrs'[rng.int(4)]}'`)})`);
  await both(`INSERT INTO r3 VALUES ${r3.join(', ')}`);
}

/** A FROM item: its SQL, its alias, and its columns by type. */
interface Item {
  sql: string;
  alias: string;
  ints: string[];
  texts: string[];
  vecs: string[];
}

const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;

function baseItem(alias: string, outer: Item[]): Item {
  const col = (cs: string[]): string[] => cs.map((c) => `${alias}.${c}`);
  switch (rng.int(outer.length > 0 ? 8 : 7)) {
    case 0:
    case 1:
      return { sql: `r1 ${alias}`, alias, ints: col(['id', 'a', 'b']), texts: col(['t']), vecs: col(['v']) };
    case 2:
    case 3:
      return { sql: `r2 ${alias}`, alias, ints: col(['id', 'r1id', 'c']), texts: [], vecs: col(['v']) };
    case 4:
      return { sql: `r3 ${alias}`, alias, ints: col(['k']), texts: col(['t']), vecs: [] };
    case 5:
      return { sql: `(SELECT id, a + 1 AS a1, t FROM r1 WHERE id % 3 <> ${rng.int(3)}) ${alias}`, alias, ints: col(['id', 'a1']), texts: col(['t']), vecs: [] };
    case 6:
      return rng.int(2) === 0
        ? { sql: `(VALUES (1, 'p'), (2, NULL), (NULL, 'q'), (4, 's')) ${alias}(n, s)`, alias, ints: col(['n']), texts: col(['s']), vecs: [] }
        : { sql: `generate_series(0, ${rng.int(5)}) ${alias}(g)`, alias, ints: col(['g']), texts: [], vecs: [] };
    default: {
      const o = pick(outer);
      const oi = pick(o.ints);
      return {
        sql: `LATERAL (SELECT count(*) AS n, max(c) AS m FROM r2 WHERE r2.r1id = ${oi}) ${alias}`,
        alias, ints: col(['n', 'm']), texts: [], vecs: [],
      };
    }
  }
}

function intExpr(items: Item[], depth = 0): string {
  const ints = items.flatMap((i) => i.ints);
  const c = pick(ints);
  switch (rng.int(depth > 0 ? 4 : 7)) {
    case 0:
      return c;
    case 1:
      return `${c} + ${rng.int(4)}`;
    case 2:
      return `coalesce(${c}, ${rng.int(3)})`;
    case 3:
      return `${c} * ${pick(ints)}`;
    case 4:
      return `(SELECT count(*) FROM r3 WHERE r3.k = ${c})`;
    case 5:
      return `(SELECT max(r2.c) FROM r2 WHERE r2.r1id = ${c})`;
    default:
      return `(SELECT min(id) FROM r1 WHERE r1.a > ${rng.int(5)})`;
  }
}

function predicate(items: Item[]): string {
  const ints = items.flatMap((i) => i.ints);
  const texts = items.flatMap((i) => i.texts);
  switch (rng.int(9)) {
    case 0:
      return `${pick(ints)} ${pick(['=', '<', '>=', '<>'])} ${rng.int(6)}`;
    case 1:
      return `${pick(ints)} IS ${pick(['', 'NOT '])}NULL`;
    case 2:
      return `${pick(ints)} = ${pick(ints)}`;
    case 3:
      return `${pick(ints)} IN (SELECT r2.c FROM r2 WHERE r2.c IS NOT NULL)`;
    case 4:
      return `${pick(ints)} NOT IN (SELECT k FROM r3 WHERE k IS NOT NULL)`;
    case 5:
      return `EXISTS (SELECT 1 FROM r2 WHERE r2.r1id = ${pick(ints)})`;
    case 6:
      return `NOT EXISTS (SELECT 1 FROM r3 WHERE r3.k = ${pick(ints)})`;
    case 7:
      return texts.length > 0 ? `${pick(texts)} ${pick(['=', '<>', '<'])} '${'pqrs'[rng.int(4)]}'` : `${pick(ints)} < ${rng.int(8)}`;
    default:
      return `(${pick(ints)} > ${rng.int(4)} OR ${pick(ints)} IS NULL)`;
  }
}

function query(): string {
  const n = 1 + rng.int(3);
  const items: Item[] = [];
  let from = '';
  for (let i = 0; i < n; i++) {
    const it = baseItem(`t${i + 1}`, items);
    if (i === 0) from = it.sql;
    else if (it.sql.startsWith('LATERAL')) from += rng.int(2) === 0 ? `, ${it.sql}` : ` LEFT JOIN ${it.sql} ON true`;
    else {
      const join = pick(['comma', 'inner', 'left', 'right', 'full', 'cross']);
      const on = `${pick(items.flatMap((x) => x.ints))} = ${pick(it.ints)}`;
      from += join === 'comma' ? `, ${it.sql}` : join === 'cross' ? ` CROSS JOIN ${it.sql}` : ` ${join.toUpperCase()} JOIN ${it.sql} ON ${on}${rng.int(3) === 0 ? ` AND ${predicate([...items, it])}` : ''}`;
    }
    items.push(it);
  }
  const where = rng.int(3) === 0 ? '' : ` WHERE ${Array.from({ length: 1 + rng.int(2) }, () => predicate(items)).join(' AND ')}`;
  const vecs = items.flatMap((i) => i.vecs);
  if (rng.int(4) === 0) {
    const g = pick(items.flatMap((i) => i.ints));
    const aggs = [`count(*)`, `sum(${pick(items.flatMap((i) => i.ints))})`, `max(${pick(items.flatMap((i) => i.ints))})`, `count(${pick(items.flatMap((i) => i.ints))})`];
    const having = rng.int(3) === 0 ? ` HAVING count(*) > ${rng.int(3)}` : '';
    return `SELECT ${g} AS g, ${pick(aggs)} AS x, ${pick(aggs)} AS y FROM ${from}${where} GROUP BY ${g}${having} ORDER BY 1, 2, 3`;
  }
  const cols: string[] = [];
  for (let i = 0; i < 1 + rng.int(3); i++) cols.push(`${intExpr(items)} AS c${i}`);
  if (vecs.length > 0 && rng.int(3) === 0) cols.push(`${pick(vecs)} <-> '[1,1]' AS d`);
  const order = cols.map((_, i) => String(i + 1)).join(', ');
  const limit = rng.int(4) === 0 ? ` LIMIT ${1 + rng.int(5)}` : '';
  if (vecs.length > 0 && rng.int(5) === 0) {
    return `SELECT ${cols.join(', ')} FROM ${from}${where} ORDER BY ${pick(vecs)} <-> '[0,1]', ${order}${limit}`;
  }
  return `SELECT ${cols.join(', ')} FROM ${from}${where} ORDER BY ${order}${limit}`;
}

/** Rows must match exactly; errors by SQLSTATE (messages are compared by the hand-written tests). */
function same(a: SqlOutcome, b: SqlOutcome): boolean {
  if (a.ok !== b.ok) return false;
  if (!a.ok || !b.ok) return (a as { code: string }).code === (b as { code: string }).code;
  return JSON.stringify(a.rows) === JSON.stringify(b.rows) && JSON.stringify(a.fields) === JSON.stringify(b.fields);
}

test(`${COUNT} seeded random queries agree with PostgreSQL + pgvector`, async () => {
  const mismatches: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    const sql = query();
    const want = await theirs(sql);
    const got = await ours(sql);
    if (!same(got, want)) mismatches.push(`${sql}\n  pgvector: ${JSON.stringify(want).slice(0, 600)}\n  vecgres:  ${JSON.stringify(got).slice(0, 600)}`);
  }
  reportMismatches('random queries', mismatches, COUNT, SEED);
});
