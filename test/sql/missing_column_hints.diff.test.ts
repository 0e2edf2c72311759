/**
 * Missing columns against PGlite (PostgreSQL 18 + pgvector): the error and its "Perhaps you
 * meant to reference the column ..." hint (PostgreSQL's errorMissingColumn fuzzy search), for
 * hand-written cases and for seeded random misspellings of the columns of a few tables, plain,
 * qualified and from subqueries.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { Prng } from '../../src/common/prng.js';

const { checkAll, both } = await openSqlPair();

await both(`CREATE TABLE docs (id int, name text, names text, title text, "Mixed" int, embedding vector(3));
  CREATE TABLE chunks (id int, doc_id int, nam text, body text, ord int);
  CREATE TABLE tags (tag text, doc_id int)`);

test('missing columns: the hint PostgreSQL gives', async () => {
  await checkAll('missing column hints', [
    'SELECT nmae FROM docs',
    'SELECT docs.nmae FROM docs',
    'SELECT d.nmae FROM docs d',
    'SELECT dd.name FROM docs d',
    'SELECT nam FROM docs',
    'SELECT name2 FROM docs, chunks',
    'SELECT nme FROM docs, chunks',
    'SELECT zzzz FROM docs',
    'SELECT a FROM docs',
    'SELECT nm FROM docs',
    'SELECT mixed FROM docs',
    'SELECT "mixed" FROM docs',
    'SELECT (SELECT titel FROM chunks) FROM docs',
    'SELECT id2 FROM docs JOIN chunks USING (id)',
    'SELECT j.nme FROM (docs JOIN chunks USING (id)) j',
    'SELECT nmae FROM docs x JOIN chunks y ON true',
    'SELECT c.nam FROM docs d, chunks c2',
    'SELECT nmae FROM (SELECT * FROM docs) s',
    'SELECT * FROM docs ORDER BY nmae',
    'SELECT count(*) FROM docs GROUP BY nmae',
    'UPDATE docs SET name = nmae',
    'DELETE FROM docs WHERE titel IS NULL',
    'SELECT embeding <-> \'[1,2,3]\' FROM docs',
    'SELECT id FROM docs WHERE doc_i = 1',
    'WITH w AS (SELECT id, body FROM chunks) SELECT bdy FROM w',
    'SELECT tga FROM tags t, LATERAL (SELECT t.tga) x',
  ]);
});

test('missing columns: random misspellings give PostgreSQL\'s error and hint', async () => {
  const rng = new Prng(SEED);
  const tables: [string, string[]][] = [
    ['docs', ['id', 'name', 'names', 'title', 'embedding']],
    ['chunks', ['id', 'doc_id', 'nam', 'body', 'ord']],
    ['tags', ['tag', 'doc_id']],
  ];
  const letters = 'abdeimnorst_';
  const misspell = (w: string): string => {
    let s = w;
    for (let k = 1 + rng.int(3); k > 0; k--) {
      const i = rng.int(s.length + 1);
      const c = letters[rng.int(letters.length)]!;
      const op = rng.int(3);
      s = op === 0 ? s.slice(0, i) + c + s.slice(i) : op === 1 ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + c + s.slice(i + 1);
    }
    return s === '' ? 'x' : s;
  };
  const sqls: string[] = [];
  for (let i = 0; i < 150; i++) {
    const [t1, cols1] = tables[rng.int(tables.length)]!;
    const [t2] = tables[rng.int(tables.length)]!;
    // A misspelling that names a range-table entry (`a`, `x`, a table) is a whole-row reference,
    // not a missing column.
    const relations = ['a', 'b', 'x', ...tables.map(([t]) => t)];
    let col = misspell(cols1[rng.int(cols1.length)]!);
    while (relations.includes(col)) col = misspell(col);
    const shape = rng.int(4);
    if (shape === 0) sqls.push(`SELECT ${col} FROM ${t1}`);
    else if (shape === 1) sqls.push(`SELECT a.${col} FROM ${t1} a, ${t2} b`);
    else if (shape === 2) sqls.push(`SELECT ${col} FROM ${t1} a JOIN ${t2} b ON true`);
    else sqls.push(`SELECT 1 FROM ${t1} WHERE EXISTS (SELECT 1 FROM ${t2} x WHERE ${col} IS NULL)`);
  }
  await checkAll('random misspellings', sqls, undefined, SEED);
});
