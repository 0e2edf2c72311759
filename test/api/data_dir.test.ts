/**
 * dumpDataDir / loadDataDir (PGlite's API): a tarball of the data directory that restores
 * the same database on disk or in memory, from a database on disk or in memory; restored
 * databases answer as PostgreSQL + pgvector (PGlite) answers the same script; damaged
 * archives, PGlite's own archives and non-empty target directories are refused before
 * anything is written.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as nodeFs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Vecgres } from '../../src/index.js';
import { oracleForFile } from '../support/pglite.js';
import { normalize } from '../support/sql_pair.js';

const oracle = await oracleForFile();
const tmp = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'vecgres-datadir-'));
after(() => nodeFs.rmSync(tmp, { recursive: true, force: true }));
let dirs = 0;
const newDir = (): string => path.join(tmp, `d${++dirs}`);

/** Every kind of relation: tables of many types, HNSW, IVFFlat and B-tree indexes, sequences, comments. */
const SCHEMA = `
CREATE TABLE dd_docs (id bigserial PRIMARY KEY, title text NOT NULL, meta jsonb, tags text[], made timestamptz,
  price numeric(10,2), emb vector(3), h halfvec(3), s sparsevec(5), b bit(4), u uuid);
CREATE TABLE dd_chunks (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, doc bigint REFERENCES dd_docs (id) ON DELETE CASCADE,
  body varchar(20) UNIQUE, emb vector(3));
CREATE INDEX dd_docs_hnsw ON dd_docs USING hnsw (emb vector_l2_ops) WITH (m = 8, ef_construction = 32);
CREATE INDEX dd_chunks_ivf ON dd_chunks USING ivfflat (emb vector_cosine_ops) WITH (lists = 2);
CREATE INDEX dd_docs_title ON dd_docs (title);
CREATE SEQUENCE dd_seq START 100 INCREMENT 5;
COMMENT ON TABLE dd_docs IS 'the documents';
COMMENT ON COLUMN dd_docs.title IS 'a title';
`;

function rowsScript(from: number, n: number): string {
  const out: string[] = [];
  for (let i = from; i < from + n; i++) {
    out.push(
      `INSERT INTO dd_docs (title, meta, tags, made, price, emb, h, s, b, u) VALUES ('t${i}', '{"k": ${i}, "a": [1, "x"]}', ARRAY['a${i}', 'b'], ` +
        `'2024-0${(i % 9) + 1}-1${i % 10} 12:34:56.789+00', ${i}.5, '[${i % 7},${(i * 3) % 5},${i % 2}]', '[${i % 3},1,2]', '{1:${i},5:1}/5', B'${(i % 16).toString(2).padStart(4, '0')}', ` +
        `'00000000-0000-0000-0000-${String(i).padStart(12, '0')}');`,
      `INSERT INTO dd_chunks (doc, body, emb) VALUES (${i}, 'c${i}', '[1,${i % 4},${(i % 3) + 1}]');`,
    );
  }
  return out.join('\n');
}

const SETUP = `${SCHEMA}\n${rowsScript(1, 40)}\nDELETE FROM dd_docs WHERE id % 7 = 0;\nUPDATE dd_chunks SET body = body || 'u' WHERE id % 5 = 0;\nSELECT nextval('dd_seq'); SELECT nextval('dd_seq');`;

/** Queries whose answers a restored database must give as the oracle does. */
const CHECKS = [
  'SELECT * FROM dd_docs ORDER BY id',
  'SELECT * FROM dd_chunks ORDER BY id',
  "SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'dd_%' ORDER BY indexname",
  "SELECT obj_description('dd_docs'::regclass, 'pg_class') AS t, col_description('dd_docs'::regclass, 2) AS c",
  "SELECT nextval('dd_seq') AS a, nextval('dd_docs_id_seq') AS b",
  'SELECT title FROM dd_docs ORDER BY emb <-> \'[1,1,1]\', id LIMIT 5',
  'SELECT body FROM dd_chunks ORDER BY emb <=> \'[1,2,3]\', id LIMIT 5',
  "SELECT count(*) AS n FROM dd_docs WHERE title > 't3'",
];

/**
 * The IVFFlat index is built on the empty table, so pgvector picks its 2 centers at random
 * (a new draw in every PGlite process) and, at the default probes = 1, PostgreSQL's answer to
 * the k-NN check depended on which list the nearest rows fell in (it uses the index on this
 * never-analyzed table; vecgres scans exactly). Probing every list makes the answer exact on both.
 */
const PROBE_ALL_LISTS = 'SET ivfflat.probes = 2';

let oracleAnswers: unknown[] | null = null;

/** The oracle's answers to CHECKS after SETUP (computed once; the oracle is left clean). */
async function expected(): Promise<unknown[]> {
  if (oracleAnswers !== null) return oracleAnswers;
  await oracle.exec('DROP TABLE IF EXISTS dd_chunks, dd_docs; DROP SEQUENCE IF EXISTS dd_seq;');
  await oracle.exec(SETUP);
  await oracle.exec(PROBE_ALL_LISTS);
  const out: unknown[] = [];
  for (const q of CHECKS) out.push(normalize((await oracle.query(q)).rows));
  await oracle.exec('DROP TABLE IF EXISTS dd_chunks, dd_docs; DROP SEQUENCE IF EXISTS dd_seq; RESET ivfflat.probes;');
  oracleAnswers = out;
  return out;
}

/** Asserts that `db` answers CHECKS as the oracle did (this advances both sequences once). */
async function assertSameAsOracle(db: Vecgres, what: string): Promise<void> {
  const want = await expected();
  await db.exec(PROBE_ALL_LISTS);
  for (let i = 0; i < CHECKS.length; i++) {
    const got = normalize((await db.query(CHECKS[i]!)).rows);
    assert.deepEqual(got, want[i], `${what}: ${CHECKS[i]}`);
  }
}

async function build(dataDir?: string): Promise<Vecgres> {
  const db = await Vecgres.create(dataDir === undefined ? {} : { dataDir });
  await db.exec(SETUP);
  return db;
}

test('an in-memory database round-trips through memory and through a directory', async () => {
  const src = await build();
  const dump = await src.dumpDataDir();
  assert.ok(dump instanceof Blob);
  assert.equal(dump.type, 'application/x-gzip');
  if (typeof File !== 'undefined') assert.equal((dump as File).name, 'vecgres.tar.gz');
  const mem = await Vecgres.create({ loadDataDir: dump });
  await assertSameAsOracle(mem, 'in memory from memory');
  await mem.close();
  const dir = newDir();
  const disk = await Vecgres.create({ dataDir: dir, loadDataDir: dump });
  await assertSameAsOracle(disk, 'on disk from memory');
  await disk.close();
  // The restored directory is an ordinary data directory: it reopens (sequences went on).
  const again = await Vecgres.create(dir);
  const n = await again.query<{ a: number }>("SELECT nextval('dd_seq') AS a");
  assert.equal(n.rows[0]!.a, 115); // 100 and 105 in SETUP, 110 in the checks
  await again.close();
  await assertSameAsOracle(src, 'the source');
  await src.close();
});

test('a database on disk round-trips, uncompressed, and keeps working after the dump', async () => {
  const dir = newDir();
  const src = await build(dir);
  const dump = await src.dumpDataDir('none');
  assert.equal(dump.type, 'application/x-tar');
  if (typeof File !== 'undefined') assert.equal((dump as File).name, `${path.basename(dir)}.tar`);
  // The source is unchanged and writable after the dump.
  await src.query("INSERT INTO dd_docs (title) VALUES ('after')");
  const mem = await Vecgres.create({ loadDataDir: dump });
  await assertSameAsOracle(mem, 'in memory from disk');
  await mem.close();
  const dir2 = newDir();
  const disk = await Vecgres.create({ dataDir: dir2, loadDataDir: dump });
  await assertSameAsOracle(disk, 'on disk from disk');
  await disk.close();
  await src.close();
  const reopened = await Vecgres.create(dir);
  assert.equal((await reopened.query("SELECT count(*)::int AS n FROM dd_docs WHERE title = 'after'")).rows[0]!['n'], 1);
  await reopened.close();
});

test('open transactions are not in the restored copy; their DDL is refused in memory and logged on disk', async () => {
  for (const onDisk of [false, true]) {
    const db = await Vecgres.create(onDisk ? { dataDir: newDir() } : {});
    await db.exec("CREATE TABLE dd_t (id int PRIMARY KEY); INSERT INTO dd_t VALUES (1)");
    const s = await db.connect();
    await s.query('BEGIN');
    await s.query('INSERT INTO dd_t VALUES (2)');
    const dump = await db.dumpDataDir();
    const copy = await Vecgres.create({ loadDataDir: dump });
    assert.deepEqual((await copy.query('SELECT id FROM dd_t ORDER BY id')).rows, [{ id: 1 }]);
    await copy.close();
    await s.query('CREATE TABLE dd_u (x int)');
    if (onDisk) {
      const copy2 = await Vecgres.create({ loadDataDir: await db.dumpDataDir() });
      assert.deepEqual((await copy2.query('SELECT id FROM dd_t ORDER BY id')).rows, [{ id: 1 }]);
      await assert.rejects(copy2.query('SELECT * FROM dd_u'), { code: '42P01' });
      await copy2.close();
    } else {
      await assert.rejects(db.dumpDataDir(), { code: '55000', message: 'cannot dump the data directory while a transaction has uncommitted DDL' });
    }
    await s.query('ROLLBACK');
    await s.release();
    await db.close();
  }
});

/** True when `dir` is missing or empty. */
function emptyOrMissing(dir: string): boolean {
  return !nodeFs.existsSync(dir) || nodeFs.readdirSync(dir).length === 0;
}

test('a directory that is not empty is refused and left alone', async () => {
  const src = await Vecgres.create();
  await src.exec('CREATE TABLE dd_x (a int); INSERT INTO dd_x VALUES (7)');
  const dump = await src.dumpDataDir();
  await src.close();
  const dir = newDir();
  nodeFs.mkdirSync(dir);
  nodeFs.writeFileSync(path.join(dir, 'keep.txt'), 'mine');
  await assert.rejects(Vecgres.create({ dataDir: dir, loadDataDir: dump }), (e: { code?: string; message?: string }) => {
    assert.equal(e.code, '58P02');
    assert.equal(e.message, `directory "${dir}" exists but is not empty`);
    return true;
  });
  assert.deepEqual(nodeFs.readdirSync(dir), ['keep.txt']);
  // An existing empty directory is fine.
  const empty = newDir();
  nodeFs.mkdirSync(empty);
  const db = await Vecgres.create({ dataDir: empty, loadDataDir: dump });
  assert.deepEqual((await db.query('SELECT a FROM dd_x')).rows, [{ a: 7 }]);
  await db.close();
});

test('damaged archives are refused with XX001 and nothing is written', async () => {
  const src = await Vecgres.create();
  await src.exec("CREATE TABLE dd_y (a int, v vector(2)); INSERT INTO dd_y SELECT g, ARRAY[g, g]::vector FROM generate_series(1, 50) g");
  const tar = new Uint8Array(await (await src.dumpDataDir('none')).arrayBuffer());
  const gz = new Uint8Array(await (await src.dumpDataDir('gzip')).arrayBuffer());
  await src.close();
  assert.equal(gunzipSync(gz).length, tar.length); // the same archive (its mtimes differ)
  const damaged: { what: string; bytes: Uint8Array }[] = [];
  // Inside each entry (ustar: a 512-byte header, its size in octal at offset 124, the data
  // padded to 512): the first byte of its name and the first, middle and last of its data.
  let entries = 0;
  let dataEnd = 0;
  for (let h = 0; h + 512 <= tar.length && tar[h] !== 0; entries++) {
    const size = Number.parseInt(new TextDecoder().decode(tar.subarray(h + 124, h + 135)), 8);
    const flips = [h, ...(size > 0 ? [h + 512, h + 512 + (size >> 1), h + 511 + size] : [])];
    for (const off of flips) {
      const b = tar.slice();
      b[off] ^= 0x41;
      damaged.push({ what: `entry ${entries}: byte ${off} flipped`, bytes: b });
    }
    if (size > 0) dataEnd = h + 512 + size;
    h += 512 + Math.ceil(size / 512) * 512;
  }
  assert.ok(entries >= 4, `${entries} entries`); // manifest, control file, table, log segment
  for (const cut of [100, 600, 1536, Math.floor(dataEnd / 2), dataEnd - 1]) damaged.push({ what: `cut at ${cut}`, bytes: tar.slice(0, cut) });
  const gzBad = gz.slice();
  gzBad[Math.floor(gz.length / 2)] ^= 0xff;
  damaged.push({ what: 'gzip byte flipped', bytes: gzBad });
  damaged.push({ what: 'gzip cut', bytes: gz.slice(0, gz.length - 10) });
  damaged.push({ what: 'garbage', bytes: new TextEncoder().encode('not a tarball at all, just some text'.repeat(40)) });
  damaged.push({ what: 'empty', bytes: new Uint8Array(0) });
  damaged.push({ what: 'a gzipped non-tar', bytes: gzipSync(new TextEncoder().encode('hello')) });
  for (const { what, bytes } of damaged) {
    const dir = newDir();
    await assert.rejects(Vecgres.create({ dataDir: dir, loadDataDir: new Blob([bytes as Uint8Array<ArrayBuffer>]) }).then(() => assert.fail(`${what}: loaded`)), (e: { code?: string; message?: string }) => {
      assert.equal(e.code, 'XX001', `${what}: ${e.message}`);
      assert.match(e.message!, /^invalid data directory archive: /, what);
      return true;
    });
    assert.ok(emptyOrMissing(dir), `${what}: nothing may be written`);
    await assert.rejects(Vecgres.create({ loadDataDir: new Blob([bytes as Uint8Array<ArrayBuffer>]) }), { code: 'XX001' }, what);
  }
  // The intact archive loads.
  const db = await Vecgres.create({ loadDataDir: new Blob([tar]) });
  assert.deepEqual((await db.query('SELECT count(*)::int AS n, sum(a)::int AS s FROM dd_y')).rows, [{ n: 50, s: 1275 }]);
  await db.close();
});

test("PGlite's own archive is refused with 0A000 naming it", async () => {
  const tar = await oracle.dumpDataDir('none');
  const gz = new Blob([gzipSync(new Uint8Array(await tar.arrayBuffer()))]);
  for (const dump of [tar, gz]) {
    const dir = newDir();
    await assert.rejects(Vecgres.create({ dataDir: dir, loadDataDir: dump }), (e: { code?: string; message?: string }) => {
      assert.equal(e.code, '0A000');
      assert.equal(e.message, 'loading a PostgreSQL data directory archive is not supported');
      return true;
    });
    assert.ok(emptyOrMissing(dir));
    await assert.rejects(Vecgres.create({ loadDataDir: dump }), { code: '0A000' });
  }
});
