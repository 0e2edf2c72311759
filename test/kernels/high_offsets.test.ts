/**
 * Unsigned offsets: vectors stored past 2^31 bytes and near 4 GiB of a memory are written,
 * read back, scanned by the distance kernels (WebAssembly and JavaScript twins) and searched by
 * HNSW, through SQL, with the answers compared to PostgreSQL + pgvector (PGlite).
 *
 * The first memory is pushed up with filler blocks that are never touched, so the operating system
 * does not back them with memory: the test needs well under 100 MB of RAM whatever the offsets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelsOf, jsKernelsOf } from '../../src/kernels/fast.js';
import { memories } from '../../src/kernels/memories.js';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair, normalize } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

/** The first of the process's memories: tables and indexes go there while it has room. */
const arena = memories.memories[0]!;
const fast = kernelsOf(arena);
const jsFast = jsKernelsOf(arena);

const GIB = 2 ** 30;
const pair = await openSqlPair();
const { db } = pair;
// Whatever the machine, this test may use the whole 4 GiB address range (filler blocks are
// never touched, so they cost no memory).
await db.exec("SET vecgres.memory_limit = '4GB'");

/**
 * Moves every later allocation to at least `offset` bytes: fills the free blocks below the top
 * (the allocator reuses them first), then the space up to `offset`.
 */
function fillTo(offset: number): void {
  for (const size of [2 ** 20, 2 ** 14, 64]) {
    while (arena.freeBytes >= size) {
      const top = arena.topBytes;
      const p = arena.alloc(size);
      if (p >= top) {
        arena.free(p, size);
        break;
      }
    }
  }
  if (arena.topBytes < offset) arena.alloc(offset - arena.topBytes);
}

function literal(v: Float32Array): string {
  return `[${Array.from(v).join(',')}]`;
}

async function stage(label: string, minOffset: number, seed: number): Promise<void> {
  const prng = new Prng(seed);
  const dim = 12;
  const rows = 120;
  const t = `hi_${label}`;
  const vecs: Float32Array[] = [];
  for (let i = 0; i < rows; i++) {
    const v = new Float32Array(dim);
    for (let k = 0; k < dim; k++) v[k] = prng.int(19) - 9;
    vecs.push(v);
  }
  await pair.both(`CREATE TABLE ${t} (id integer PRIMARY KEY, v vector(${dim}), h halfvec(${dim}), u vector)`);
  const values = vecs.map((v, i) => `(${i}, '${literal(v)}', '${literal(v)}', '${literal(v.subarray(0, 1 + (i % dim)))}')`);
  await pair.both(`INSERT INTO ${t} VALUES ${values.join(', ')}`);

  // The rows really are above the offset: find them through the table's accessors.
  const table = db.database.catalog.getTable(t)!;
  const col = table.columnIndex('v');
  const ptr = table.vectorPtr(col, rows - 1);
  assert.ok(ptr >= minOffset, `${label}: row stored at ${ptr}, expected at least ${minOffset} (seed ${seed})`);
  assert.ok(table.packedColumn(table.columnIndex('h'))!.ptr(rows - 1) >= minOffset);
  assert.ok(table.vectorPtr(table.columnIndex('u'), rows - 1) >= minOffset);
  assert.deepEqual(Array.from(table.get(col, rows - 1) as Float32Array), Array.from(vecs[rows - 1]!));

  // Kernels at these pointers: the WebAssembly build and the JavaScript twin agree exactly on
  // small integers, and with the values computed here in float64.
  for (let i = 0; i < rows; i += 17) {
    const a = table.vectorPtr(col, i);
    const b = table.vectorPtr(col, (i * 7 + 3) % rows);
    let l2 = 0;
    let dot = 0;
    for (let k = 0; k < dim; k++) {
      const x = vecs[i]![k]!;
      const y = vecs[(i * 7 + 3) % rows]![k]!;
      l2 += (x - y) * (x - y);
      dot += x * y;
    }
    assert.equal(fast.l2sq(a, b, dim), l2);
    assert.equal(jsFast.l2sq(a, b, dim), l2);
    assert.equal(fast.dot(a, b, dim), dot);
    assert.equal(jsFast.dot(a, b, dim), dot);
    const hp = table.packedColumn(table.columnIndex('h'))!.ptr((i * 7 + 3) % rows);
    assert.equal(fast.halfL2sq(a, hp, dim), l2);
    assert.equal(jsFast.halfL2sq(a, hp, dim), l2);
  }

  // Exact k-NN (sequential scans) and the values they print, against pgvector.
  for (let q = 0; q < 4; q++) {
    const qv = vecs[prng.int(rows)]!;
    for (const [col, op] of [['v', '<->'], ['v', '<=>'], ['h', '<#>'], ['u', '<->']] as const) {
      const cast = col === 'h' ? 'halfvec' : 'vector';
      const qq = col === 'u' ? `'[${qv[0]}]'` : `'${literal(qv)}'::${cast}`;
      const where = col === 'u' ? ' WHERE vector_dims(u) = 1' : '';
      await pair.same(`SELECT id, ${col} ${op} ${qq} AS d FROM ${t}${where} ORDER BY ${col} ${op} ${qq}, id LIMIT 7`);
    }
  }

  // HNSW built and searched up here: with ef_search above the row count the search visits the
  // whole connected graph, so its top 10 must be the exact top 10 (ties broken alike by id).
  await db.exec(`CREATE INDEX ${t}_v ON ${t} USING hnsw (v vector_l2_ops); SET hnsw.ef_search = 400; SET enable_seqscan = off`);
  for (let q = 0; q < 5; q++) {
    const qv = new Float32Array(dim);
    for (let k = 0; k < dim; k++) qv[k] = prng.next() * 18 - 9;
    const sql = `SELECT v <-> '${literal(qv)}' AS d FROM ${t} ORDER BY v <-> '${literal(qv)}' LIMIT 10`;
    const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`);
    assert.match(plan.rows.map((r) => r['QUERY PLAN']).join('\n'), /Index Scan using/);
    const got = await db.query(sql);
    const want = await pair.oracle.query(sql);
    assert.deepEqual(normalize(got.rows), normalize(want.rows), `${label} hnsw query ${q} (seed ${seed})`);
  }
  // Inserts after the build grow the graph up here too.
  const more = Array.from({ length: 40 }, (_, i) => `(${rows + i}, '${literal(vecs[i]!.map((x) => x + 0.5))}', NULL, NULL)`);
  await pair.both(`INSERT INTO ${t} VALUES ${more.join(', ')}`);
  const sql = `SELECT v <-> '${literal(vecs[3]!)}' AS d FROM ${t} ORDER BY v <-> '${literal(vecs[3]!)}' LIMIT 10`;
  assert.deepEqual(normalize((await db.query(sql)).rows), normalize((await pair.oracle.query(sql)).rows));
  await db.exec('RESET hnsw.ef_search; RESET enable_seqscan');
}

test('vectors, kernels and HNSW past 2^31 bytes', async () => {
  fillTo(2 * GIB + 4096);
  await stage('2g', 2 * GIB, SEED);
});

test('vectors, kernels and HNSW near 4 GiB', async () => {
  fillTo(4 * GIB - 48 * 2 ** 20);
  await stage('4g', 4 * GIB - 48 * 2 ** 20, SEED + 1);
});
