/**
 * Differential tests of pgvector's type system through SQL: the same statements run on
 * vecgres (the Vecgres API) and on PostgreSQL 18 + pgvector 0.8.7 (PGlite). Rows, field
 * names and type OIDs, or the error's SQLSTATE, message, detail, hint and position, must be
 * identical. Values are compared as PostgreSQL's text (`(expr)::text`) where a type's JS form
 * would hide differences.
 *
 * Tables: types x casts, operators x operand types, functions x argument types, aggregates,
 * columns with typmods, ORDER BY; then seeded random expressions (VECGRES_SEED replays).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { db, ours, theirs, check, both } = await openSqlPair();

function report(label: string, mismatches: string[], total: number): void {
  reportMismatches(label, mismatches, total, SEED);
}

/** Typed sample values of every type (SQL expressions). */
const SAMPLES: Record<string, string[]> = {
  vector: ["'[1,2,3]'::vector", "'[0.1,-2.5,1e-3]'::vector", "'[0,0,0]'::vector", "'[1,2]'::vector"],
  halfvec: ["'[1,2,3]'::halfvec", "'[0.1,-2.5,1e-3]'::halfvec", "'[0,0,0]'::halfvec", "'[1,2]'::halfvec"],
  sparsevec: ["'{1:1,2:2,3:3}/3'::sparsevec", "'{2:-2.5}/3'::sparsevec", "'{}/3'::sparsevec", "'{1:1}/2'::sparsevec"],
  bit: ["B'101'", "B'1100'", "'000'::bit(3)", "B'10101010101'"],
  varbit: ["B'101'::varbit", "'11'::bit varying(5)"],
  array: ["ARRAY[1,2,3]", "'{1.5,-2,3}'::real[]", "ARRAY[1.5,2,3]::float8[]", "ARRAY[0.1,2,3]::numeric[]", "'{{1,2},{3,4}}'::int[]", "ARRAY[1,NULL,3]", "ARRAY[1,2]::bigint[]"],
  unknown: ["'[1,2,3]'", "'{1:1}/3'", "'101'"],
};

test('literals of every type: text, JS values and type OIDs', async () => {
  const mismatches: string[] = [];
  let n = 0;
  for (const list of Object.values(SAMPLES)) {
    for (const e of list) {
      n += 2;
      await check(`select ${e} as v`, mismatches);
      await check(`select (${e})::text as v`, mismatches);
    }
  }
  for (const e of ["'[1,2'::vector", "'[1,2]'::halfvec(3)", "'[70000]'::halfvec", "'{1:1}/0'::sparsevec", "'{4:1}/3'::sparsevec(3)", "'102'::bit", "'01'::bit(3)", "'0101'::bit varying(2)", "'{1,2'::real[]", "'{{1},{2,3}}'::int[]", "'[1,2]'::vector(3)", "'[1]'::vector(0)", "'[1]'::halfvec(16001)", "'1'::bit(0)"]) {
    n++;
    await check(`select ${e} as v`, mismatches);
  }
  report('literals', mismatches, n);
});

test('casts between every pair of types, with and without typmods', async () => {
  const targets = ['vector', 'vector(3)', 'halfvec', 'halfvec(3)', 'sparsevec', 'sparsevec(3)', 'real[]', 'double precision[]', 'bit', 'bit(3)', 'bit(5)', 'varbit', 'bit varying(2)', 'text', 'integer[]'];
  const mismatches: string[] = [];
  let n = 0;
  for (const list of Object.values(SAMPLES)) {
    for (const src of list) {
      for (const t of targets) {
        n++;
        await check(`select ((${src})::${t})::text as v`, mismatches);
      }
    }
  }
  for (const e of [
    "'{1,2,3}'::real[]::vector", 'ARRAY[1,2,3]::vector(3)', 'ARRAY[1,2,3]::halfvec(2)', "binary_quantize('[1,-2,3,0.5]'::vector)::bit(6)",
    "'[1,2,3]'::vector::halfvec(3)::sparsevec(3)::vector", "ARRAY[1e40]::numeric[]::vector", "ARRAY[70000]::halfvec", "ARRAY[1,0,0]::sparsevec",
    "'[1,2,3]'::vector::real[]", "'{1:1.5}/2'::sparsevec::halfvec", "ARRAY['[1,2]'::vector,'[3,4]']", "ARRAY[B'1', B'01']", "ARRAY['a','b']",
  ]) {
    n++;
    await check(`select (${e})::text as v`, mismatches);
    await check(`select ${e} as v`, mismatches);
  }
  report('casts', mismatches, n);
});

const OPERATORS = ['<->', '<#>', '<=>', '<+>', '<~>', '<%>', '+', '-', '*', '||', '=', '<>', '<', '<=', '>', '>='];

test('operators over every pair of operand types', async () => {
  const operands = [
    SAMPLES['vector']![0]!, SAMPLES['vector']![1]!, SAMPLES['vector']![3]!, SAMPLES['halfvec']![0]!, SAMPLES['halfvec']![1]!, SAMPLES['sparsevec']![0]!,
    SAMPLES['sparsevec']![2]!, SAMPLES['bit']![0]!, SAMPLES['bit']![1]!, SAMPLES['varbit']![0]!, "'[3,2,1]'", '1', "'{1,2,3}'::real[]",
  ];
  const mismatches: string[] = [];
  let n = 0;
  for (const op of OPERATORS) {
    for (const a of operands) {
      for (const b of operands) {
        n++;
        await check(`select (${a} ${op} ${b})::text as v`, mismatches);
      }
    }
  }
  report('operators', mismatches, n);
});

const FUNCTIONS: [string, number][] = [
  ['l2_distance', 2], ['inner_product', 2], ['cosine_distance', 2], ['l1_distance', 2], ['hamming_distance', 2], ['jaccard_distance', 2],
  ['vector_dims', 1], ['vector_norm', 1], ['l2_norm', 1], ['l2_normalize', 1], ['binary_quantize', 1], ['pg_column_size', 1],
];

test('functions over every argument type, overloads and missing overloads', async () => {
  const args = [
    SAMPLES['vector']![0]!, SAMPLES['vector']![2]!, SAMPLES['vector']![3]!, SAMPLES['halfvec']![1]!, SAMPLES['halfvec']![2]!, SAMPLES['sparsevec']![0]!,
    SAMPLES['sparsevec']![2]!, SAMPLES['bit']![0]!, SAMPLES['bit']![3]!, SAMPLES['varbit']![0]!, "'[3,2,1]'", "'[1,2,3]'::vector(3)",
  ];
  const mismatches: string[] = [];
  let n = 0;
  for (const [f, arity] of FUNCTIONS) {
    for (const a of args) {
      if (arity === 1) {
        n++;
        await check(`select (${f}(${a}))::text as v`, mismatches);
        continue;
      }
      for (const b of args) {
        n++;
        await check(`select (${f}(${a}, ${b}))::text as v`, mismatches);
      }
    }
  }
  for (const a of [...SAMPLES['vector']!, ...SAMPLES['halfvec']!, SAMPLES['sparsevec']![0]!]) {
    for (const [s, c] of [[1, 2], [2, 5], [0, 1], [-1, 3], [4, 1], [1, 0], [3, -1]]) {
      n++;
      await check(`select (subvector(${a}, ${s}, ${c}))::text as v`, mismatches);
    }
  }
  for (const e of ["l2_norm('[1,2]'::vector)", "vector_norm('[1,2]'::halfvec)", "l2_distance('[1,2]', '[3,4]')", "vector_dims('{1:1}/3'::sparsevec)", "l2_normalize('[0,0]'::vector)", "binary_quantize('[1,-1]'::halfvec)::bit(4)", "vector_dims(NULL::halfvec)", "l2_distance(NULL, '[1,2]'::halfvec)"]) {
    n++;
    await check(`select ${e} as v`, mismatches);
  }
  report('functions', mismatches, n);
});

test('columns of every type: typmod checks on INSERT, NULLs, ORDER BY, distances, aggregates, pg_column_size', async () => {
  await both('DROP TABLE IF EXISTS tt');
  const mismatches: string[] = [];
  let n = 0;
  const run = async (sql: string, params?: unknown[]) => {
    n++;
    await check(sql, mismatches, params);
  };
  await run('CREATE TABLE tt (id int PRIMARY KEY, v vector(3), h halfvec(3), s sparsevec(5), b bit(4), vb bit varying(6), hu halfvec, su sparsevec, bu varbit)');
  await run("INSERT INTO tt VALUES (1, '[1,2,3]', '[1,2,3]', '{1:1,5:2}/5', '1010', '11', '[1,2]', '{1:1}/2', '1') RETURNING *");
  await run("INSERT INTO tt VALUES (2, '[0.1,-2,3]', '[0.1,-2,3]', '{2:0.5}/5', B'0110', B'101', '[1,2,3,4]', '{3:1}/9', B'0101') RETURNING id, h, s, b, vb");
  await run("INSERT INTO tt VALUES (3, '[3,2,1.5]', '[3,2,1.5]'::vector, '[0,1.5,1,0,0]'::vector, '0011', '', '[5]'::vector, '{}/1', '')");
  await run('INSERT INTO tt (id) VALUES (4)');
  await run("INSERT INTO tt VALUES (5, ARRAY[1,1,1], ARRAY[2.5,2,2], ARRAY[0,0,0,0,2], '1111', '111111', '{1,2}'::real[], ARRAY[1,0], B'1')");
  await run("INSERT INTO tt (id, h) VALUES (6, '[1,2]')");
  await run("INSERT INTO tt (id, h) VALUES (6, '[1,2]'::halfvec)");
  await run("INSERT INTO tt (id, s) VALUES (6, '{1:1}/4')");
  await run("INSERT INTO tt (id, b) VALUES (6, '101')");
  await run("INSERT INTO tt (id, b) VALUES (6, B'10101')");
  await run("INSERT INTO tt (id, vb) VALUES (6, B'1010101')");
  await run("INSERT INTO tt (id, h) VALUES (6, '[70000,1,1]')");
  await run("INSERT INTO tt (id, h) VALUES (6, '{1:1,2:2,3:4}/3'::sparsevec)");
  await run("INSERT INTO tt (id, v) VALUES (6, '[1,2,3]'::halfvec)");
  await run("INSERT INTO tt (id, v) VALUES (6, 'abc')");
  await run("INSERT INTO tt (id, b) VALUES (6, '[1,2]'::vector)");
  await run('INSERT INTO tt (id, b, vb) VALUES ($1, $2, $3) RETURNING b, vb', [7, '1100', '10']);
  await run('SELECT * FROM tt ORDER BY id');
  for (const col of ['v', 'h', 's', 'b', 'vb', 'hu', 'su', 'bu']) {
    await run(`SELECT id, ${col} FROM tt ORDER BY ${col}, id`);
    await run(`SELECT id, ${col} FROM tt ORDER BY ${col} DESC, id`);
    await run(`SELECT id, pg_column_size(${col}) AS size FROM tt ORDER BY id`);
    await run(`SELECT id FROM tt WHERE ${col} IS NULL ORDER BY id`);
  }
  for (const [col, q] of [['v', "'[1,1,1]'"], ['h', "'[1,1,1]'"], ['s', "'{1:1,2:1}/5'"], ['h', "'[1,1,1]'::vector"], ['v', "'[1,1,1]'::halfvec"]]) {
    for (const op of ['<->', '<#>', '<=>', '<+>']) {
      await run(`SELECT id, (${col} ${op} ${q})::text AS d FROM tt ORDER BY ${col} ${op} ${q}, id LIMIT 3`);
      await run(`SELECT id FROM tt ORDER BY ${col} ${op} ${q} LIMIT 4`);
    }
  }
  // Equal distances: PostgreSQL's bounded heap sort returns tied rows in an order of its own,
  // so the bit queries break ties by id (vector data above has no ties).
  for (const op of ['<~>', '<%>']) {
    await run(`SELECT id, (b ${op} B'1110')::text AS d FROM tt ORDER BY b ${op} B'1110', id LIMIT 3`);
    await run(`SELECT id FROM tt ORDER BY b ${op} '1110', id LIMIT 5`);
    await run(`SELECT id FROM tt ORDER BY bu ${op} '1', id LIMIT 5`);
  }
  await run("SELECT id FROM tt WHERE h = '[1,2,3]' OR s < '{1:1}/5' OR b > B'0100' ORDER BY id");
  await run("SELECT id FROM tt WHERE h <-> '[1,2,3]' < 3 ORDER BY id");
  await run("SELECT id, (binary_quantize(v)::bit(3) <~> b::bit(3))::text AS d FROM tt ORDER BY id");
  await run('SELECT avg(v)::text AS a, sum(v)::text AS s, avg(h)::text AS ah, sum(h)::text AS sh, count(v) AS c, count(*) AS n FROM tt');
  await run('SELECT avg(v) AS a, sum(h) AS s FROM tt WHERE id > 100');
  await run('SELECT avg(hu) FROM tt');
  await run('SELECT sum(s) FROM tt');
  await run('SELECT avg(b) FROM tt');
  await run('SELECT avg(v) FROM tt WHERE avg(v) IS NULL');
  await run('SELECT avg(v::halfvec)::text AS a, sum(h::vector)::text AS b, vector_dims(avg(v)) AS d FROM tt');
  await run("SELECT l2_distance(h, '[1,1,1]')::text AS d, vector_dims(hu) AS n, l2_norm(su)::text AS m, subvector(hu, 1, 1)::text AS sv FROM tt ORDER BY id");
  await run("CREATE INDEX ON tt USING hnsw (h vector_l2_ops)");
  await run("CREATE INDEX ON tt USING hnsw (v bit_hamming_ops)");
  await run("CREATE INDEX ON tt USING hnsw (h)");
  report('columns', mismatches, n);

  // HNSW over sparsevec builds as pgvector's (the indexes are tested in
  // index_expr_partial.diff.test.ts and test/access/hnsw-sparsevec.test.ts).
  await db.query('CREATE INDEX tt_s_hnsw ON tt USING hnsw (s sparsevec_cosine_ops)');
  await db.query('DROP INDEX tt_s_hnsw');
});

test('parameters of every type', async () => {
  const mismatches: string[] = [];
  const cases: [string, unknown[]][] = [
    ['select $1::halfvec::text as v', ['[1,2.5]']],
    ['select $1::sparsevec::text as v', ['{1:2}/4']],
    ['select $1::bit(4)::text as v', ['101']],
    ['select $1::varbit::text as v', ['101']],
    ['select $1::halfvec(3)::text as v', ['[1,2]']],
    ["select ($1 <-> '[1,2]'::halfvec)::text as v", ['[2,2]']],
    ["select ($1 <~> B'101')::text as v", ['111']],
    ["select ($1 <#> '{1:1}/2'::sparsevec)::text as v", ['{1:3,2:1}/2']],
  ];
  for (const [sql, params] of cases) await check(sql, mismatches, params);
  report('parameters', mismatches, cases.length);
  // Arrays and typed arrays where PGlite would serialise them itself.
  const r = await db.query<{ h: string; a: string }>("select $1::halfvec as h, ($2::real[])::vector::text as a", [[1, 2.5], [1, 2]]);
  assert.deepEqual(r.rows, [{ h: '[1,2.5]', a: '[1,2]' }]);
});

// ---------------------------------------------------------------------------------------------
// Random expressions
// ---------------------------------------------------------------------------------------------

const ELEMS = ['0', '1', '-1', '2.5', '0.1', '-3', '1e-3', '100', '0.5', '-0.25', '7', '1e4'];

function randomDense(rng: Prng, dim: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < dim; i++) out.push(rng.int(4) === 0 ? '0' : ELEMS[rng.int(ELEMS.length)]!);
  return out;
}

/** A typed leaf: a literal of `type` with 3 dimensions (sometimes 2, to reach dimension errors). */
function leaf(rng: Prng, type: string): string {
  const dim = rng.int(10) === 0 ? 2 : 3;
  const d = randomDense(rng, dim);
  switch (type) {
    case 'vector':
    case 'halfvec':
      return `'[${d.join(',')}]'::${type}`;
    case 'sparsevec': {
      const parts = d.map((x, i) => (x === '0' ? '' : `${i + 1}:${x}`)).filter((p) => p !== '');
      return `'{${parts.join(',')}}/${dim}'::sparsevec`;
    }
    default: {
      let s = '';
      const len = rng.int(10) === 0 ? 5 : 6;
      for (let i = 0; i < len; i++) s += rng.int(2);
      return `B'${s}'`;
    }
  }
}

const VEC_TYPES = ['vector', 'halfvec', 'sparsevec'];

/** A random expression of a vector type (`type` or, through casts, another). */
function vecExpr(rng: Prng, type: string, depth: number): string {
  const k = depth <= 0 ? 0 : rng.int(6);
  switch (k) {
    case 1:
      if (type !== 'sparsevec') return `(${vecExpr(rng, type, depth - 1)} ${['+', '-', '*'][rng.int(3)]} ${vecExpr(rng, type, depth - 1)})`;
      return leaf(rng, type);
    case 2:
      return `l2_normalize(${vecExpr(rng, type, depth - 1)})`;
    case 3: {
      const from = VEC_TYPES[rng.int(3)]!;
      return `(${vecExpr(rng, from, depth - 1)})::${type}${rng.int(3) === 0 ? '(3)' : ''}`;
    }
    case 4:
      if (type !== 'sparsevec') return `subvector(${vecExpr(rng, type, depth - 1)} || ${leaf(rng, type)}, ${1 + rng.int(3)}, 3)`;
      return leaf(rng, type);
    default:
      return leaf(rng, type);
  }
}

function scalarExpr(rng: Prng): string {
  const t = VEC_TYPES[rng.int(3)]!;
  const t2 = rng.int(5) === 0 ? VEC_TYPES[rng.int(3)]! : t;
  switch (rng.int(9)) {
    case 0:
    case 1:
      return `${vecExpr(rng, t, 2)} ${['<->', '<#>', '<=>', '<+>'][rng.int(4)]} ${vecExpr(rng, t2, 2)}`;
    case 2:
      return `${['l2_distance', 'inner_product', 'cosine_distance', 'l1_distance'][rng.int(4)]}(${vecExpr(rng, t, 2)}, ${vecExpr(rng, t2, 1)})`;
    case 3:
      return `${vecExpr(rng, t, 2)} ${['=', '<>', '<', '<=', '>', '>='][rng.int(6)]} ${vecExpr(rng, t2, 1)}`;
    case 4:
      return t === 'vector' ? `vector_norm(${vecExpr(rng, t, 2)})` : t === 'halfvec' && rng.int(2) === 0 ? `vector_dims(${vecExpr(rng, t, 2)})` : `l2_norm(${vecExpr(rng, t, 2)})`;
    case 5: {
      const a = t === 'sparsevec' ? 'vector' : t;
      return `binary_quantize(${vecExpr(rng, a, 2)})::bit(${2 + rng.int(5)}) ${['<~>', '<%>'][rng.int(2)]} ${leaf(rng, 'bit')}::bit(${2 + rng.int(5)})`;
    }
    case 6:
      return `${leaf(rng, 'bit')} ${['<~>', '<%>', '=', '<', '||'][rng.int(5)]} ${leaf(rng, 'bit')}`;
    case 7:
      return `(${vecExpr(rng, t === 'sparsevec' ? 'vector' : t, 2)})::real[]`;
    default:
      return vecExpr(rng, t, 3);
  }
}

test('1,200 seeded random expressions agree with pgvector', async () => {
  const rng = new Prng(SEED);
  const mismatches: string[] = [];
  const total = 1200;
  let errors = 0;
  for (let i = 0; i < total; i++) {
    const sql = `select (${scalarExpr(rng)})::text as v`;
    const want = await theirs(sql);
    if (!want.ok) errors++;
    const got = await ours(sql);
    try {
      assert.deepEqual(got, want);
    } catch {
      mismatches.push(`${sql}\n  pgvector: ${JSON.stringify(want)}\n  vecgres:  ${JSON.stringify(got)}`);
    }
  }
  report('random expressions', mismatches, total);
  // Both outcomes must be exercised: values and errors.
  assert.ok(errors > 20 && errors < total - 200, `errors ${errors} of ${total} (VECGRES_SEED=${SEED})`);
});
