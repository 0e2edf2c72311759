/**
 * Differential tests of COPY against PostgreSQL 18 + pgvector (PGlite) through the embedded
 * API's '/dev/blob' (PGlite's own convention): COPY TO output compared byte for byte in text,
 * CSV and binary formats for every stored type; COPY FROM of PGlite's output gives the same
 * rows; malformed input and bad options fail with PGlite's SQLSTATE, message and CONTEXT;
 * defaults, constraints, indexes and atomicity; a seeded random round trip.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { normalize } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { Prng } from '../../src/common/prng.js';
import { startPglite } from '../support/pglite_start.js';

const pg = await startPglite();
await pg.exec('CREATE EXTENSION vector');
const db = await Vecgres.create();
after(async () => {
  await db.close();
  await pg.close();
});

type Outcome = { ok: true; affected: number | undefined; bytes: string | null } | { ok: false; code: string; message: string; where?: string; hint?: string; detail?: string };

function failure(e: unknown): Outcome {
  const err = e as { code?: string; message: string; where?: string; hint?: string; detail?: string };
  if (typeof err.code !== 'string') throw e;
  const o: Outcome = { ok: false, code: err.code, message: err.message };
  if (err.where !== undefined) o.where = err.where;
  if (err.hint !== undefined) o.hint = err.hint;
  if (err.detail !== undefined) o.detail = err.detail;
  return o;
}

async function blobHex(b: Blob | undefined): Promise<string | null> {
  return b === undefined ? null : Buffer.from(await b.arrayBuffer()).toString('hex');
}

async function theirs(sql: string, data?: Uint8Array | string): Promise<Outcome> {
  try {
    const r = await pg.query(sql, [], data === undefined ? {} : { blob: new Blob([data as BlobPart]) });
    return { ok: true, affected: r.affectedRows, bytes: await blobHex(r.blob) };
  } catch (e) {
    return failure(e);
  }
}

async function ours(sql: string, data?: Uint8Array | string): Promise<Outcome> {
  try {
    const r = await db.query(sql, [], data === undefined ? {} : { blob: new Blob([data as BlobPart]) });
    return { ok: true, affected: r.affectedRows, bytes: await blobHex(r.blob) };
  } catch (e) {
    return failure(e);
  }
}

async function both(sql: string): Promise<void> {
  await pg.exec(sql);
  await db.exec(sql);
}

/** Runs a COPY on both; the outcomes (row count, output bytes, or the error) must be equal. */
async function same(sql: string, data?: Uint8Array | string): Promise<Outcome> {
  const want = await theirs(sql, data);
  const got = await ours(sql, data);
  assert.deepEqual(got, want, `${sql}${data === undefined ? '' : ` <- ${JSON.stringify(typeof data === 'string' ? data : Buffer.from(data).toString('hex'))}`}`);
  return want;
}

async function sameRows(sql: string): Promise<void> {
  const want = (await pg.query(sql, [], { rowMode: 'array' })).rows;
  const got = (await db.query(sql, [], { rowMode: 'array' })).rows;
  assert.deepEqual(normalize(got), normalize(want), sql);
}

const ALL_TYPES = `CREATE TABLE %s (
  i2 smallint, i4 integer, i8 bigint, f4 real, f8 double precision, n numeric, b boolean,
  t text, vc varchar(12), c char(3), by bytea, jb jsonb, js json, u uuid,
  v vector(3), h halfvec(3), s sparsevec(5), bt bit(4), vb varbit)`;

await both(ALL_TYPES.replace('%s', 'everything'));
await both(`INSERT INTO everything VALUES
  (1, 2, 3, 1.5, 2.25, 10.50, true, 'plain', 'abc', 'x', '\\x00ff', '{"a": [1, 2]}', '{"b":1}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '[1,2,3]', '[1,2,3]', '{1:1,5:2}/5', '1010', '101'),
  (-32768, -2147483648, -9223372036854775808, -0, 1e300, -0.001, false, E'tab\\there', 'new\nline', 'q"', '\\x', '[]', '"x"', '00000000-0000-0000-0000-000000000000', '[-1.5,0,1e-7]', '[0.5,-2,65504]', '{}/5', '0000', ''),
  (32767, 2147483647, 9223372036854775807, 'NaN', '-Infinity', 'NaN', NULL, E'back\\\\slash,comma"quote', '', '', '\\xdeadbeef', '{"k": "v\\tw"}', '[1, 2]', NULL, NULL, NULL, NULL, NULL, NULL),
  (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (0, 0, 0, 3.4e38, 5e-324, 123456789012345678901234567890.123, true, E'\\\\N', '\\.', 'a,b', '\\x5c', 'null', 'null', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '[0,0,0]', '[0,0,0]', '{2:-1.5}/5', '1111', '1'),
  (7, 7, 7, 7, 7, 7, true, 'ünïcödé ✓ 😀', E'cr\\rlf', 'é', '\\x00', '{}', '{}', NULL, '[3,2,1]', '[3,2,1]', '{3:3}/5', '0001', '0')`);

const FORMATS = [
  '',
  'WITH (FORMAT text)',
  'WITH (FORMAT csv)',
  'WITH (FORMAT binary)',
  'WITH (FORMAT csv, HEADER)',
  'WITH (FORMAT text, HEADER true)',
  "WITH (FORMAT csv, DELIMITER '|', NULL 'NULL', QUOTE '''', ESCAPE '\\')",
  "WITH (FORMAT csv, FORCE_QUOTE *)",
  "WITH (FORMAT csv, FORCE_QUOTE (t, vc))",
  "WITH (DELIMITER ',', NULL '')",
  'CSV HEADER',
  'BINARY',
];

test('COPY TO: every type, every format, byte for byte', async () => {
  for (const f of FORMATS) await same(`COPY everything TO '/dev/blob' ${f}`);
  await same(`COPY everything (v, t, i4) TO '/dev/blob' WITH (FORMAT csv)`);
  await same(`COPY (SELECT v, h, s, t FROM everything WHERE i4 > 0 ORDER BY i4) TO '/dev/blob' WITH (FORMAT binary)`);
  await same(`COPY (SELECT t FROM everything ORDER BY i4) TO '/dev/blob' WITH (FORMAT csv)`);
  await sameRows(`SELECT ARRAY[true, false]::text, true::text`);
  for (const f of ['', 'CSV', 'BINARY']) {
    await same(`COPY (SELECT ARRAY[true, false] AS b, ARRAY[1.5::real, NULL] AS r, ARRAY['a b', 'c"d', NULL] AS t, ARRAY[1, 2]::bigint[] AS i, ARRAY['[1,2]'::vector] AS v, 1 = 1 AS yes) TO '/dev/blob' ${f}`);
  }
  // No rows: header and trailer in one piece. (PGlite's blob of an empty result keeps bytes of
  // an earlier COPY, so the expectation is cut from its output of the whole table.)
  const full = await theirs(`COPY everything TO '/dev/blob' BINARY`);
  assert.ok(full.ok && full.bytes !== null);
  const empty = await ours(`COPY (SELECT 1 WHERE false) TO '/dev/blob' BINARY`);
  assert.deepEqual(empty, { ok: true, affected: 0, bytes: full.bytes.slice(0, 38) + full.bytes.slice(-4) });
  // TO STDOUT through the embedded API: a result without a blob, as PGlite.
  await same(`COPY everything TO STDOUT`);
  // Last: PGlite's next blob after this one starts with stale bytes of it.
  await same(`COPY (SELECT i4 * 2 AS x, t || '!' FROM everything ORDER BY i4) TO '/dev/blob' CSV HEADER`);
});

test('COPY FROM: PGlite output loads into the same rows, every format', async () => {
  for (const f of FORMATS) {
    const out = await theirs(`COPY everything TO '/dev/blob' ${f}`);
    assert.ok(out.ok && out.bytes !== null);
    const data = Buffer.from(out.bytes, 'hex');
    await both(`DROP TABLE IF EXISTS copy_in; ${ALL_TYPES.replace('%s', 'copy_in')}`);
    await same(`COPY copy_in FROM '/dev/blob' ${f.replace('FORCE_QUOTE *', 'FORCE_NOT_NULL (t)').replace('FORCE_QUOTE (t, vc)', 'FORCE_NULL (t, vc)')}`, data);
    await sameRows(`SELECT * FROM copy_in ORDER BY i4 NULLS FIRST, t`);
    await same(`COPY copy_in TO '/dev/blob' BINARY`);
  }
});

test('COPY of time columns: TO byte for byte and FROM PGlite output, every format; bad time fields fail as PostgreSQL', async () => {
  const times = 'CREATE TABLE %s (id int, t time, t0 time(0), ta time[])';
  await both(times.replace('%s', 'times'));
  await both(`INSERT INTO times VALUES (1, '12:34:56.789', '12:34:56.789', '{01:02,NULL,24:00}'), (2, '24:00', '23:59:59.6', '{}'),
    (3, NULL, NULL, NULL), (4, '00:00:00.000001', '00:00', '{allballs}')`);
  for (const f of FORMATS.filter((x) => !x.includes('FORCE_QUOTE ('))) {
    const out = await same(`COPY times TO '/dev/blob' ${f}`);
    assert.ok(out.ok && out.bytes !== null);
    await both(`DROP TABLE IF EXISTS times_in; ${times.replace('%s', 'times_in')}`);
    await same(`COPY times_in FROM '/dev/blob' ${f.replace('FORCE_QUOTE *', 'FORCE_NOT_NULL (t)')}`, Buffer.from(out.bytes, 'hex'));
    await sameRows('SELECT * FROM times_in ORDER BY id');
  }
  await same('COPY times_in FROM \'/dev/blob\'', '9\t25:00\t\\N\t\\N\n');
  await same('COPY times_in FROM \'/dev/blob\'', '9\t12:34 xyz\t\\N\t\\N\n');
  await same('COPY times_in FROM \'/dev/blob\'', '9\t1:02 PM\t12:00:00.5\t{1234,123456.5}\n');
  await sameRows('SELECT * FROM times_in ORDER BY id');
});

test('binary COPY FROM applies each column typmod as the receive functions do', async () => {
  // Wider values sent in binary into narrower columns: varchar_recv / bpchar_recv check the
  // length (22001 unless only spaces are cut; char(n) pads), interval_recv keeps the fields,
  // numeric_recv, timestamp_recv and time_recv round.
  await both(`CREATE TABLE tm_src (id int, t text, iv interval, n numeric, ts timestamp)`);
  await both(`INSERT INTO tm_src VALUES (1, 'ab', '1 day 05:06:07.891', 1.2345, '2024-01-01 10:00:00.6'), (2, 'abc   ', '7', 2, '2024-01-01')`);
  await both(`CREATE TABLE tm_dst (id int, t varchar(3), iv interval day, n numeric(5,2), ts timestamp(0))`);
  await both(`CREATE TABLE tm_chr (id int, t char(3), iv interval(1), n numeric, ts timestamp)`);
  await both(`CREATE TABLE tm_short (id int, t varchar(2), iv interval, n numeric, ts timestamp)`);
  const out = await same(`COPY tm_src TO '/dev/blob' BINARY`);
  assert.ok(out.ok && out.bytes !== null);
  const data = Buffer.from(out.bytes, 'hex');
  // Arrays: array_recv hands the column's typmod to each element (and names both element types).
  await both(`CREATE TABLE tm_asrc (id int, n numeric[], iv interval[], t text[])`);
  await both(`INSERT INTO tm_asrc VALUES (1, '{1.25,2}', '{1 day 02:00}', '{a}')`);
  await both(`CREATE TABLE tm_adst (id int, n numeric(3,1)[], iv interval day[], t text[])`);
  await both(`CREATE TABLE tm_avc (id int, n numeric[], iv interval[], t varchar(2)[])`);
  const arrays = await same(`COPY tm_asrc TO '/dev/blob' BINARY`);
  assert.ok(arrays.ok && arrays.bytes !== null);
  await same(`COPY tm_adst FROM '/dev/blob' BINARY`, Buffer.from(arrays.bytes, 'hex'));
  await sameRows('SELECT id, n::text, iv::text, t::text FROM tm_adst');
  await same(`COPY tm_avc FROM '/dev/blob' BINARY`, Buffer.from(arrays.bytes, 'hex'));
  // The same through text: array_in hands its typmod to each element's input function too.
  await both('TRUNCATE tm_adst');
  await both(`CREATE TABLE tm_ts (id int, ts timestamp(0)[])`);
  await same(`COPY tm_adst FROM '/dev/blob'`, '2\t{1.25,NULL}\t{"1 day 02:00"}\t{a}\n');
  await sameRows('SELECT id, n::text, iv::text, t::text FROM tm_adst');
  await same(`COPY tm_avc FROM '/dev/blob'`, '2\t{1.25}\t{}\t{abc}\n');
  await same(`COPY tm_ts FROM '/dev/blob' CSV`, '1,"{""2024-01-01 10:00:00.6""}"\n');
  await sameRows('SELECT id, ts::text FROM tm_ts');
  for (const table of ['tm_dst', 'tm_chr', 'tm_short']) {
    await same(`COPY ${table} FROM '/dev/blob' BINARY`, data);
    await sameRows(`SELECT id, t, t::text, iv::text, n::text, ts::text FROM ${table} ORDER BY id`);
  }
});

test('COPY FROM: defaults, serials, column lists, HEADER MATCH, escapes', async () => {
  await both(`CREATE TABLE d (id serial PRIMARY KEY, label text DEFAULT 'none', n int NOT NULL DEFAULT 42, v vector(2))`);
  await same(`COPY d (v) FROM '/dev/blob'`, '[1,2]\n[3,4]\n');
  await same(`COPY d (label, v) FROM '/dev/blob' WITH (FORMAT csv, HEADER match)`, 'label,v\n"a,b","[5,6]"\n,\n');
  await same(`COPY d (n, label) FROM '/dev/blob'`, '1\tx\\ty\\\\z\\nw\\101\\x41\\.\n2\t\\N\n3\t\n\\.\nignored after the end marker\n');
  await same(`COPY d (n) FROM '/dev/blob'`, '7\r\n8\r\n');
  await same(`COPY d (n) FROM '/dev/blob' WITH (FORMAT csv)`, '9\r\n10\r\n');
  await same(`COPY d (n, label) FROM '/dev/blob' WITH (FORMAT csv)`, '11,"multi\nline ""quoted"""\n12,""\n13,\n');
  await same(`COPY d (n, label) FROM '/dev/blob' WITH (FORMAT csv, NULL 'X', FORCE_NOT_NULL (label))`, '14,X\n15,\n');
  await same(`COPY d (n, label) FROM '/dev/blob' WITH (FORMAT csv, FORCE_NULL *)`, '16,""\n17,"x"\n');
  await same(`COPY d (n) FROM '/dev/blob'`, '');
  await same(`COPY d (n) FROM '/dev/blob'`, '18');
  await sameRows(`SELECT id, label, n, v::text FROM d ORDER BY id`);
});

test('COPY FROM: malformed input fails as PostgreSQL, and the whole COPY rolls back', async () => {
  await both(`CREATE TABLE m (id int PRIMARY KEY, e vector(3), s text NOT NULL)`);
  const cases: [string, string | Uint8Array][] = [
    ['', '1\t[1,2,3]\n'],
    ['', '1\tx\n'],
    ['', '1\t[1,2,3]\ta\textra\n'],
    ['', '1\t[1,2,3]\ta\n2\t[1,2]\tb\n'],
    ['', '1\t[1,2,3]\ta\n2\t[1,2,3]\tb\nzz\t[1,2,3]\tc\n'],
    ['', '1\t[1,2,3]\ta\n1\t[1,2,3]\tb\n'],
    ['', '1\t[1,2,3]\t\\N\n'],
    ['', '1\t[1,2,3]\ta\rb\n'],
    ['', '1\t[1,2,3]\ta\r\n2\t[1,2,3]\tb\n'],
    ['', `1\t[1,2,${'9'.repeat(150)}]\ta\n`],
    ['WITH (FORMAT csv)', '1,"[1,2,3]",a\n2,"[1,2,3],b\n'],
    ['WITH (FORMAT csv)', '1,"",a\n'],
    ['WITH (FORMAT csv, HEADER match)', 'id,e,x\n'],
    ['WITH (FORMAT csv, HEADER match)', 'id,e\n'],
    ['WITH (FORMAT binary)', 'not binary'],
    ['WITH (FORMAT binary)', Buffer.from('5047434f50590aff0d0a00000000000000000000020000000100', 'hex')],
    ['WITH (FORMAT binary)', Buffer.from('5047434f50590aff0d0a0000000000000000000003000000040000000100000003', 'hex')],
    ['WITH (FORMAT binary)', Buffer.from('5047434f50590aff0d0a0000000000000000000003000000040000000100000006000300000000ffffffff', 'hex')],
  ];
  for (const [opts, data] of cases) {
    const r = await same(`COPY m FROM '/dev/blob' ${opts}`, data);
    assert.equal(r.ok, false, `${opts} ${String(data)}`);
    await sameRows(`SELECT count(*) FROM m`);
  }
});

test('COPY options and targets fail as PostgreSQL', async () => {
  const stmts = [
    `COPY nosuch TO '/dev/blob'`,
    `COPY m (id, nosuch) TO '/dev/blob'`,
    `COPY m (id, id) TO '/dev/blob'`,
    `COPY m TO '/dev/blob' WITH (FORMAT xml)`,
    `COPY m TO '/dev/blob' WITH (FORMAT csv, FORMAT text)`,
    `COPY m TO '/dev/blob' WITH (FORMAT binary, DELIMITER ',')`,
    `COPY m TO '/dev/blob' WITH (FORMAT binary, HEADER)`,
    `COPY m TO '/dev/blob' WITH (DELIMITER 'ab')`,
    `COPY m TO '/dev/blob' WITH (DELIMITER 'a')`,
    `COPY m TO '/dev/blob' WITH (QUOTE '"')`,
    `COPY m TO '/dev/blob' WITH (FORMAT csv, QUOTE ',')`,
    `COPY m TO '/dev/blob' WITH (FORMAT csv, HEADER match)`,
    `COPY m TO '/dev/blob' WITH (FORMAT csv, FORCE_NOT_NULL (id))`,
    `COPY m FROM '/dev/blob' WITH (FORMAT csv, FORCE_QUOTE (id))`,
    `COPY m TO '/dev/blob' WITH (FORMAT csv, FORCE_QUOTE (nosuch))`,
    `COPY m (id) TO '/dev/blob' WITH (FORMAT csv, FORCE_QUOTE (s))`,
    `COPY m (id) FROM '/dev/blob' WITH (FORMAT csv, FORCE_NOT_NULL (s))`,
    `COPY (SELECT 1 AS a) TO '/dev/blob' WITH (FORMAT csv, FORCE_QUOTE (b))`,
    `COPY m TO '/dev/blob' WITH (NULL 'a\tb')`,
    `COPY m TO '/dev/blob' WITH (bogus)`,
    `COPY (SELECT 1) TO '/dev/blob' WITH (HEADER 2)`,
  ];
  for (const s of stmts) {
    const r = await same(s, s.includes('FROM') ? '' : undefined);
    assert.equal(r.ok, false, s);
  }
});

test('COPY to or from a server file is 0A000 (PostgreSQL: superuser or pg_read/write_server_files)', async () => {
  for (const s of [`COPY m FROM '/tmp/vecgres-copy-test'`, `COPY m TO '/tmp/vecgres-copy-test'`, `COPY m TO PROGRAM 'cat'`]) {
    const r = await ours(s);
    assert.equal(r.ok, false);
    assert.equal((r as { code: string }).code, '0A000', s);
  }
  const r = await ours(`COPY m FROM STDIN`);
  assert.equal((r as { code: string }).code, '0A000');
});

test('COPY FROM maintains HNSW and B-tree indexes', async () => {
  await both(`CREATE TABLE ix (id int PRIMARY KEY, cat int, e vector(3))`);
  await both(`CREATE INDEX ON ix USING hnsw (e vector_l2_ops)`);
  await both(`CREATE INDEX ON ix (cat)`);
  let data = '';
  for (let i = 0; i < 200; i++) data += `${i}\t${i % 7}\t[${i % 13},${(i * 7) % 17},${(i * 3) % 11}]\n`;
  await same(`COPY ix FROM '/dev/blob'`, data);
  await sameRows(`SELECT id FROM ix WHERE cat = 3 ORDER BY id`);
  const got = (await db.query(`SELECT id FROM ix ORDER BY e <-> '[1,1,1]', id LIMIT 5`, [], { rowMode: 'array' })).rows;
  const want = (await pg.query(`SELECT id FROM ix ORDER BY e <-> '[1,1,1]', id LIMIT 5`, [], { rowMode: 'array' })).rows;
  assert.deepEqual(got, want);
  // A duplicate key in the middle leaves neither the table nor the indexes changed.
  await same(`COPY ix FROM '/dev/blob'`, '1000\t1\t[1,1,1]\n5\t1\t[1,1,1]\n');
  await sameRows(`SELECT count(*) FROM ix WHERE cat = 1`);
});

test('COPY round trip of seeded random rows (text, csv, binary)', async () => {
  const prng = new Prng(SEED);
  const rnd = (): number => prng.next();
  const alphabet = ['a', 'Z', '0', ' ', '\t', '\n', '\r', '\\', '"', "'", ',', '|', '.', 'N', 'é', '✓'];
  const str = (): string => Array.from({ length: Math.floor(rnd() * 8) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
  await both(`CREATE TABLE rr (id int, t text, v vector(4), h halfvec(2), n numeric)`);
  const rows: string[] = [];
  for (let i = 0; i < 60; i++) {
    const t = rnd() < 0.1 ? 'NULL' : `'${str().replace(/'/g, "''")}'`;
    const v = `'[${Array.from({ length: 4 }, () => (Math.round((rnd() - 0.5) * 2000) / 7).toFixed(3)).join(',')}]'`;
    rows.push(`(${i}, ${t}, ${v}, '[${Math.round(rnd() * 100)},${Math.round(rnd() * 100) / 4}]', ${(rnd() * 1e6).toFixed(Math.floor(rnd() * 5))})`);
  }
  await both(`INSERT INTO rr VALUES ${rows.join(', ')}`);
  try {
    for (const f of ['', 'CSV', 'BINARY', "WITH (FORMAT csv, DELIMITER '|', QUOTE '''')"]) {
      const out = await same(`COPY rr TO '/dev/blob' ${f}`);
      assert.ok(out.ok && out.bytes !== null);
      await both(`CREATE TABLE rr2 (id int, t text, v vector(4), h halfvec(2), n numeric)`);
      await same(`COPY rr2 FROM '/dev/blob' ${f}`, Buffer.from(out.bytes, 'hex'));
      await sameRows(`SELECT * FROM rr2 ORDER BY id`);
      await same(`COPY rr2 TO '/dev/blob' ${f}`);
      await both(`DROP TABLE rr2`);
    }
  } catch (e) {
    console.error(`copy random round trip failed with seed ${SEED}`);
    throw e;
  }
});

test('COPY FROM checks CHECK, UNIQUE and FOREIGN KEY constraints and identity columns as PostgreSQL', async () => {
  await both('CREATE TABLE cp (id int PRIMARY KEY, code int UNIQUE, n int CHECK (n > 0))');
  await both('CREATE TABLE cc (id int GENERATED ALWAYS AS IDENTITY, p int REFERENCES cp ON DELETE CASCADE, note text)');
  await same(`COPY cp FROM '/dev/blob'`, '1\t10\t1\n2\t20\t2\n');
  await same(`COPY cp FROM '/dev/blob'`, '3\t30\t3\n4\t40\t-4\n');
  await same(`COPY cp FROM '/dev/blob'`, '5\t10\t5\n');
  await same(`COPY cc (p, note) FROM '/dev/blob'`, '1\ta\n2\tb\n\\N\tc\n');
  await same(`COPY cc (p, note) FROM '/dev/blob'`, '1\td\n9\te\n');
  // COPY writes a GENERATED ALWAYS column it is given (PostgreSQL does not check it there).
  await same(`COPY cc (id, p, note) FROM '/dev/blob'`, '100\t2\tf\n');
  await sameRows('SELECT * FROM cp ORDER BY id');
  await sameRows('SELECT * FROM cc ORDER BY id');
  await both('DELETE FROM cp WHERE id = 1');
  await sameRows('SELECT * FROM cc ORDER BY id');
});

test('COPY FROM text: rows read straight from the bytes and rows that need the general path load as in PostgreSQL (seeded)', async () => {
  const prng = new Prng(SEED ^ 0x5bd1e995);
  const rnd = (k: number): number => prng.int(k);
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
  const num = (): string => {
    const sign = pick(['', '', '-', '+']);
    switch (rnd(7)) {
      case 0: return `${sign}${rnd(1000)}`;
      case 1: return `${sign}${rnd(100000) / 1000}`;
      case 2: return `${sign}${rnd(1000)}e${pick(['', '-', '+'])}${rnd(30)}`;
      case 3: return `${sign}0.${'0'.repeat(rnd(4))}${rnd(1e9)}${rnd(1e9)}`;
      case 4: return `${sign}.${rnd(1000)}`;
      case 5: return `${sign}${rnd(10)}.`;
      default: return String(Math.fround((rnd(2 ** 30) - 2 ** 29) / (1 + rnd(1 << 20))));
    }
  };
  const vec = (dim: number): string => {
    const parts = Array.from({ length: dim }, num);
    const r = rnd(12);
    if (r === 0) return ` [${parts.join(', ')}] `;
    if (r === 1) return '\\N';
    return `[${parts.join(',')}]`;
  };
  const int = (i: number): string => pick([String(i), `+${i}`, `00${i}`, String(i)]);
  await both(`CREATE TABLE cf (id int PRIMARY KEY, b bigint, sm smallint, v vector(3), u vector, t text)`);
  try {
    for (let round = 0; round < 12; round++) {
      let data = '';
      const base = round * 100;
      for (let i = 0; i < 40; i++) {
        const id = base + i;
        const t = pick(['plain', '\\N', 'tab\\there', 'é✓', '', 'a b']);
        data += `${int(id)}\t${pick([String(rnd(1e15)), '-0', '\\N', '12'])}\t${pick(['-32768', '7', '\\N', '+3'])}\t${vec(3)}\t${vec(1 + rnd(4))}\t${t}\n`;
      }
      // Some rounds end with a line PostgreSQL rejects: the whole COPY rolls back, with its CONTEXT.
      const bad = rnd(4);
      if (bad === 1) data += `${base + 99}\t1\t1\t[1,2]\t[1]\tx\n`;
      else if (bad === 2) data += `${base + 99}\t1\t1\t[1,2,1e39]\t[1]\tx\n`;
      else if (bad === 3) data += `${base + 99}\t99999999999999999999\t1\t[1,2,3]\t[1]\tx\n`;
      if (rnd(3) === 0) data = data.replace(/\n/g, '\r\n');
      await same(`COPY cf FROM '/dev/blob'`, data);
      await sameRows(`SELECT id, b, sm, v::text, u::text, t FROM cf ORDER BY id`);
    }
  } catch (e) {
    console.error(`COPY text fast path test failed with seed ${SEED}`);
    throw e;
  }
});

test('COPY FROM text keeps a byte order mark as data, as PostgreSQL does', async () => {
  await both(`CREATE TABLE bom (id int, t text)`);
  await same(`COPY bom (t) FROM '/dev/blob'`, '\uFEFFfirst\n\uFEFFsecond\n');
  await same(`COPY bom (id) FROM '/dev/blob'`, '\uFEFF1\n');
  // Lengths, not the text: a client decoding the value as UTF-8 may drop a leading BOM (PGlite does).
  await sameRows(`SELECT length(t), octet_length(t), t LIKE '%first' FROM bom ORDER BY 1`);
});

test('COPY FROM and multi-row INSERT in batches: a failing row in the middle of a batch leaves the table unchanged, with PostgreSQL\'s SQLSTATE and CONTEXT', async () => {
  await both('CREATE TABLE bt (id int PRIMARY KEY, e vector(3), n int NOT NULL CHECK (n > 0))');
  await both('CREATE INDEX ON bt USING hnsw (e vector_l2_ops)');
  await same(`COPY bt FROM '/dev/blob'`, '0\t[0,0,1]\t1\n100000\t[1,0,0]\t1\n');
  // 2,500 lines: batches of up to 1,000 rows; each case breaks one line in the second or third.
  const lines: string[] = [];
  for (let i = 1; i <= 2500; i++) lines.push(`${i}\t[${i},${-i},${i % 5}]\t${(i % 9) + 1}`);
  const text = (edit: (l: string[]) => void): string => {
    const l = lines.slice();
    edit(l);
    return l.join('\n') + '\n';
  };
  const cases: string[] = [
    text((l) => (l[1699] = l[1199]!)), // duplicate of a row held in the same batch
    text((l) => (l[1699] = l[99]!)), // duplicate of a row of an earlier batch
    text((l) => (l[2299] = '100000\t[1,1,1]\t1')), // duplicate of a committed row
    text((l) => (l[1499] = '1500\t[1,2,3]\t\\N')), // NOT NULL
    text((l) => (l[2299] = '2300\t[1,2,3]\t-1')), // CHECK
    text((l) => (l[1799] = '1800\t[1,2]\t1')), // wrong dimensions
    text((l) => (l[1799] = '1800\t[1,x,3]\t1')), // not a vector
    text((l) => (l[2499] = '2500\t[1,2,3]')), // missing column
  ];
  for (const data of cases) {
    const r = await same(`COPY bt FROM '/dev/blob'`, data);
    assert.equal(r.ok, false);
    await sameRows('SELECT count(*), sum(id) FROM bt');
  }
  // Binary: a duplicate and a bad vector in the middle of a batch.
  const binary = (edit: (ids: number[], dims: number[]) => void): Uint8Array => {
    const ids = Array.from({ length: 2500 }, (_, i) => i + 1);
    const dims = ids.map(() => 3);
    edit(ids, dims);
    const out: number[] = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];
    const dv = new DataView(new ArrayBuffer(4));
    const word = (set: () => void): void => {
      set();
      out.push(dv.getUint8(0), dv.getUint8(1), dv.getUint8(2), dv.getUint8(3));
    };
    for (let i = 0; i < ids.length; i++) {
      const d = dims[i]!;
      out.push(0, 3);
      word(() => dv.setInt32(0, 4));
      word(() => dv.setInt32(0, ids[i]!));
      word(() => dv.setInt32(0, 4 + 4 * d));
      out.push(d >> 8, d & 0xff, 0, 0);
      for (let k = 0; k < d; k++) word(() => dv.setFloat32(0, k === 0 ? ids[i]! : -k));
      word(() => dv.setInt32(0, 4));
      word(() => dv.setInt32(0, (i % 9) + 1));
    }
    out.push(0xff, 0xff);
    return new Uint8Array(out);
  };
  for (const data of [binary((ids) => (ids[1699] = ids[1199]!)), binary((_, dims) => (dims[1799] = 2)), binary((ids) => (ids[2199] = 100000))]) {
    const r = await same(`COPY bt FROM '/dev/blob' WITH (FORMAT binary)`, data);
    assert.equal(r.ok, false);
    await sameRows('SELECT count(*), sum(id) FROM bt');
  }
  assert.equal((await same(`COPY bt FROM '/dev/blob' WITH (FORMAT binary)`, binary(() => {}))).ok, true);
  await both('DELETE FROM bt WHERE id BETWEEN 1 AND 2500');
  // A multi-row INSERT with a duplicate key held in its batch, then one that loads.
  const values = (from: number, to: number, dup: number | null): string => {
    const v: string[] = [];
    for (let i = from; i <= to; i++) v.push(`(${i === dup ? from : i}, '[${i},0,1]', 1)`);
    return `INSERT INTO bt VALUES ${v.join(',')}`;
  };
  for (const sql of [values(1, 1500, 1400), values(1, 1500, null)]) {
    const want = await theirs(sql);
    const got = await ours(sql);
    assert.deepEqual(got, want, sql.slice(0, 80));
    await sameRows('SELECT count(*), sum(id) FROM bt');
  }
  // The index holds exactly the table's rows: its answer is PostgreSQL's exact one (PostgreSQL's
  // own HNSW answer varies between runs, its levels drawn from an unseeded generator, and
  // sometimes misses 699 here; the `, id` key keeps PostgreSQL off its index).
  const want = (await pg.query(`SELECT id FROM bt ORDER BY e <-> '[700.2,0,1]', id LIMIT 3`, [], { rowMode: 'array' })).rows;
  const plan = (await db.query(`EXPLAIN (COSTS OFF) SELECT id FROM bt ORDER BY e <-> '[700.2,0,1]' LIMIT 3`)).rows.map((r) => Object.values(r)[0]).join('\n');
  assert.match(plan, /Index Scan using bt_e_idx/);
  const got = (await db.query(`SELECT id FROM bt ORDER BY e <-> '[700.2,0,1]' LIMIT 3`, [], { rowMode: 'array' })).rows;
  assert.deepEqual(normalize(got), normalize(want));
});

test('COPY FROM a blob of several parts: rows, errors and CONTEXT line numbers as PostgreSQL, wherever the parts split the input', async () => {
  /** `data` cut at `cuts` (byte offsets) into the parts of one Blob. */
  const parts = (data: Uint8Array, cuts: number[]): Blob => {
    const out: Uint8Array[] = [];
    let p = 0;
    for (const c of [...cuts, data.length]) {
      out.push(data.slice(p, c));
      p = c;
    }
    return new Blob(out as Uint8Array<ArrayBuffer>[]);
  };
  const run = async (q: (blob: Blob) => Promise<{ affectedRows?: number }>, blob: Blob): Promise<Outcome> => {
    try {
      return { ok: true, affected: (await q(blob)).affectedRows, bytes: null };
    } catch (e) {
      return failure(e);
    }
  };
  await both('CREATE TABLE mp (id int PRIMARY KEY, t text, v vector(3))');
  const prng = new Prng(SEED ^ 0x51);
  const text = (bad: boolean): Uint8Array => {
    let s = '';
    for (let i = 1; i <= 40; i++) s += `${i}\tü✓${i}\t${bad && i === 31 ? '[1,x,3]' : `[${i},${i / 4},-${i}]`}\n`;
    return new TextEncoder().encode(s);
  };
  const binary = (bad: boolean): Uint8Array => {
    const out: number[] = [...copyBinaryHeaderBytes()];
    const dv = new DataView(new ArrayBuffer(4));
    const word = (set: () => void): void => {
      set();
      out.push(...new Uint8Array(dv.buffer));
    };
    for (let i = 1; i <= 40; i++) {
      out.push(0, 3);
      word(() => dv.setInt32(0, 4));
      word(() => dv.setInt32(0, bad && i === 33 ? 7 : i));
      const t = new TextEncoder().encode(`ü✓${i}`);
      word(() => dv.setInt32(0, t.length));
      out.push(...t);
      word(() => dv.setInt32(0, 16));
      out.push(0, 3, 0, 0);
      for (let k = 0; k < 3; k++) word(() => dv.setFloat32(0, i * (k + 1)));
    }
    out.push(0xff, 0xff);
    return new Uint8Array(out);
  };
  for (const [format, make] of [['', text], ['WITH (FORMAT binary)', binary]] as const) {
    for (const bad of [false, true]) {
      const data = make(bad);
      for (let trial = 0; trial < 4; trial++) {
        const cuts = Array.from({ length: trial }, () => 1 + prng.int(data.length - 1)).sort((a, b) => a - b);
        const sql = `COPY mp FROM '/dev/blob' ${format}`;
        const want = await run((b) => pg.query(sql, [], { blob: b }), parts(data, cuts));
        const got = await run((b) => db.query(sql, [], { blob: b }), parts(data, cuts));
        assert.deepEqual(got, want, `${sql}, parts cut at ${cuts.join(', ')}`);
        await sameRows('SELECT count(*), sum(id), max(t), sum(vector_norm(v)) FROM mp');
        await both('TRUNCATE mp');
      }
    }
  }
});

/** The 19-byte header of binary COPY: signature, flags 0, no extension. */
function copyBinaryHeaderBytes(): number[] {
  return [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];
}
