/**
 * VecgresWorker beyond the shared API flows (which vecgres, sessions, template_describe and
 * progress tests run on both classes): values and errors identical to Vecgres's, field by
 * field and class by class; the application's event loop runs (timers fire, other databases
 * answer) while a CREATE INDEX holds the worker thread; close; a data directory open in a
 * worker is refused to a second open in this process; a crashed or terminated thread fails
 * every pending and later call instead of hanging; an idle worker does not keep the process
 * alive.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Vecgres, PgError, type VecgresApi } from '../../src/index.js';
import { VecgresWorker } from '../../src/worker/vecgres_worker.js';
import { SEED } from '../support/seed.js';
import { fillVectorTable } from '../support/vector_table.js';
import { tempDir } from '../support/api_impls.js';

/** Compile-time check: a public member of Vecgres missing from VecgresWorker fails the build (the engine handle aside). */
type MissingOnWorker = Exclude<keyof Vecgres, keyof VecgresWorker | 'database'>;
const noDrift: [MissingOnWorker] extends [never] ? true : MissingOnWorker = true;

/** Every field an error carries, with its class. */
function errorShape(e: unknown): Record<string, unknown> {
  const x = e as PgError;
  return {
    pg: e instanceof PgError,
    name: x.name,
    message: x.message,
    code: x.code,
    severity: x.severity,
    detail: x.detail,
    hint: x.hint,
    position: x.position,
    where: x.where,
  };
}

async function outcome(f: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await f() };
  } catch (e) {
    return { error: errorShape(e) };
  }
}

test('VecgresWorker covers every member of Vecgres', () => {
  assert.equal(noDrift, true);
});

test('values, notices and errors are identical on Vecgres and VecgresWorker, class by class', async () => {
  const noticesOf = new Map<string, unknown[]>();
  const open = async (name: string, create: (o: { onNotice: (n: PgError) => void }) => Promise<VecgresApi>): Promise<VecgresApi> => {
    const seen: unknown[] = [];
    noticesOf.set(name, seen);
    return create({ onNotice: (n) => seen.push(['db', n instanceof PgError, errorShape(n)]) });
  };
  const local = await open('local', (o) => Vecgres.create(o));
  const remote = await open('remote', (o) => VecgresWorker.create(o));
  const script = async (db: VecgresApi, seen: unknown[]): Promise<unknown[]> => {
    const out: unknown[] = [];
    const own = (n: PgError): void => void seen.push(['query', n instanceof PgError, errorShape(n)]);
    out.push(
      await outcome(() =>
        db.exec(
          "CREATE TABLE v (id bigserial PRIMARY KEY, e vector(3), h halfvec(2), s sparsevec(4), b bit(3), ts timestamptz, d date, iv interval, j jsonb, n numeric, by bytea, a real[], t text UNIQUE, big bigint)",
        ),
      ),
    );
    out.push(
      await outcome(() =>
        db.query(
          "INSERT INTO v (e, h, s, b, ts, d, iv, j, n, by, a, t, big) VALUES ($1, '[1,2]', '{1:1.5,4:2}/4', B'101', '2024-02-29 12:34:56.789+00', '2024-01-01', '1 day 02:03:04', $2, 12345.678901234567890, '\\x00ff', '{1.5,NULL,3}', 'x', 9223372036854775807), (NULL, NULL, NULL, NULL, '1999-12-31 23:59:59.5-08', NULL, NULL, 'null', 'NaN', NULL, '{}', 'y', 5) RETURNING id",
          [new Float32Array([1, 2.5, -3]), { k: [1, 'two', null], n: { m: true } }],
        ),
      ),
    );
    for (const vectorFormat of ['text', 'float32array'] as const) {
      for (const rowMode of ['object', 'array'] as const) {
        out.push(await outcome(() => db.query('SELECT * FROM v ORDER BY id', [], { vectorFormat, rowMode })));
      }
    }
    const copy = await db.query("COPY v (id, e, t) TO '/dev/blob'");
    out.push(copy.blob instanceof Blob, await copy.blob?.text());
    out.push(await outcome(() => db.query("COPY v (id, t) FROM '/dev/blob'", [], { blob: new Blob(['7\tz\n8\tw\n']) })));
    // Errors with a detail (23505), a hint (42883), a position (42703), a CONTEXT (COPY's line).
    out.push(await outcome(() => db.query("INSERT INTO v (t) VALUES ('x')")));
    out.push(await outcome(() => db.query('SELECT nosuch_fn(1)')));
    out.push(await outcome(() => db.query('SELECT id, nosuch FROM v')));
    out.push(await outcome(() => db.query("COPY v (id, e) FROM '/dev/blob'", [], { blob: new Blob(['9\t[1,2]\n']) })));
    out.push(await outcome(() => db.query('SELECT $1::vector(2)', [[1, 2, 3]])));
    // Notices: the database's onNotice, and a query's own.
    out.push(await outcome(() => db.query('COMMIT')));
    out.push(await outcome(() => db.query('ROLLBACK', [], { onNotice: own })));
    out.push(await outcome(() => db.exec('DROP TABLE IF EXISTS nope; SELECT 1 AS one', { onNotice: own })));
    // A handler that throws fails its call with what it threw; later notices of the call are not delivered.
    let calls = 0;
    const throwing = (): void => {
      calls++;
      throw new Error('handler failed');
    };
    out.push(await outcome(() => db.exec('COMMIT; ROLLBACK; SELECT 1 AS one', { onNotice: throwing })), calls);
    out.push(await outcome(() => db.describeQuery('SELECT e <-> $1 AS d, big FROM v WHERE t = $2')));
    out.push(await outcome(() => db.transaction(async (tx) => [await tx.sql`SELECT count(*)::int AS c FROM v WHERE id > ${0}`, tx.closed])));
    let dumped = '';
    out.push(await outcome(async () => db instanceof Vecgres ? db.dump((c) => (dumped += c)) : (db as VecgresWorker).dump((c) => (dumped += c))));
    out.push(dumped);
    return out;
  };
  const want = await script(local, noticesOf.get('local')!);
  const got = await script(remote, noticesOf.get('remote')!);
  // Plain deepStrictEqual: prototypes too (Float32Array, Date, Uint8Array, PgError-shaped errors).
  assert.deepStrictEqual(got, want);
  assert.deepStrictEqual(noticesOf.get('remote'), noticesOf.get('local'));
  assert.ok((noticesOf.get('local') ?? []).length >= 3, 'the script raises notices');
  // The rows hold the shapes the module comment of index.ts promises.
  const rows = (((want[2] as { ok: { rows: Record<string, unknown>[] } }).ok).rows);
  assert.equal(typeof rows[0]!['big'], 'bigint');
  assert.ok(rows[0]!['ts'] instanceof Date);
  assert.ok((((want[4] as { ok: { rows: Record<string, unknown>[] } }).ok).rows)[0]!['e'] instanceof Float32Array);
  await local.close();
  await remote.close();
});

test("the application's event loop runs while a CREATE INDEX (a parallel build in nested workers) holds the worker thread", async () => {
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const events: string[] = [];
  let firstProgress!: () => void;
  const started = new Promise<void>((resolve) => (firstProgress = resolve));
  const db = await VecgresWorker.create({
    progressGate: { word: gate, index: 't_v' },
    onIndexBuildProgress: (p) => {
      if (p.index === 't_v' && events.length === 0) {
        events.push('build started');
        firstProgress();
      }
    },
  });
  const other = await VecgresWorker.create();
  const here = await Vecgres.create();
  try {
    // 2,200 x 960 float32 keys = 8.4 MB: past the size at which CREATE INDEX builds on several workers.
    const dim = 960;
    const rows = 2200;
    await fillVectorTable(db, rows, dim, SEED);
    await db.exec('SET max_parallel_maintenance_workers = 2');
    const session = await db.connect();
    let built = false;
    const build = db.query('CREATE INDEX t_v ON t USING hnsw (v vector_l2_ops)').then(() => {
      built = true;
      events.push('index built');
    });
    await started;
    // The worker thread now waits at the gate inside the build: everything below happens meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 1));
    events.push('timer fired');
    assert.deepEqual((await here.query('SELECT 2 AS x')).rows, [{ x: 2 }]);
    events.push('database in this thread answered');
    assert.deepEqual((await other.query('SELECT 3 AS x')).rows, [{ x: 3 }]);
    events.push('other worker answered');
    const sameWorker = session.query('SELECT 4 AS x').then((r) => {
      events.push('same worker answered');
      return r.rows;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(built, false, 'the build waits at the gate');
    events.push('gate opened');
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    await build;
    assert.deepEqual(await sameWorker, [{ x: 4 }]);
    assert.deepEqual(events.slice(0, 5), ['build started', 'timer fired', 'database in this thread answered', 'other worker answered', 'gate opened']);
    assert.deepEqual(new Set(events.slice(5)), new Set(['index built', 'same worker answered']));
    // The index the nested workers built answers as the exact scan does.
    const knn = 'SELECT id FROM t ORDER BY v <-> (SELECT v FROM t WHERE id = 1500) LIMIT 10';
    await db.exec('SET enable_indexscan = off');
    const exact = (await db.query<{ id: number }>(knn)).rows.map((r) => r.id);
    await db.exec('RESET enable_indexscan; SET hnsw.ef_search = 400; SET enable_seqscan = off');
    const plan = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${knn}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
    assert.match(plan, /Index Scan using t_v/);
    assert.deepEqual((await db.query<{ id: number }>(knn)).rows.map((r) => r.id), exact);
    await session.release();
  } finally {
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    await db.close();
    await other.close();
    await here.close();
  }
});

test('close: later calls fail as on Vecgres, the data directory is released and holds the data', async () => {
  const dir = tempDir();
  const db = await VecgresWorker.create(dir);
  await db.exec('CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2)');
  const s = await db.connect();
  // Open in the worker: a second open of the directory in this process is refused, as Vecgres refuses it.
  await assert.rejects(Vecgres.create(dir), { code: '55006', message: 'lock file "vecgres.pid" already exists' });
  await assert.rejects(VecgresWorker.create(dir), { code: '55006', message: 'lock file "vecgres.pid" already exists' });
  await db.close();
  await db.close();
  assert.equal(db.closed, true);
  await assert.rejects(db.query('SELECT 1'), /Vecgres is closed/);
  await assert.rejects(s.query('SELECT 1'), /Vecgres is closed/);
  await assert.rejects(db.connect(), /Vecgres is closed/);
  await assert.rejects(db.transaction(async () => 1), /Vecgres is closed/);
  await s.release();
  const again = await Vecgres.create(dir);
  assert.deepEqual((await again.query('SELECT count(*)::int AS n FROM t')).rows, [{ n: 2 }]);
  await again.close();
  // An open that fails in the worker fails create() with the error Vecgres.create throws.
  const file = `${dir}/vecgres.control`;
  const want = await outcome(() => Vecgres.create(file));
  assert.ok('error' in (want as object), 'opening a file as a data directory fails');
  assert.deepStrictEqual(await outcome(() => VecgresWorker.create(file)), want);
  await assert.rejects(VecgresWorker.create({ clock: { now: () => 0 } } as never), /cannot move to a worker thread/);
});

test('a directory the worker creates is known under every spelling (through a symlink) while it is open', async () => {
  const real = tempDir();
  const link = `${tempDir()}/link`;
  symlinkSync(real, link);
  const db = await VecgresWorker.create(`${link}/new`);
  await assert.rejects(Vecgres.create(`${real}/new`), { code: '55006' });
  await db.close();
  const again = await Vecgres.create(`${real}/new`);
  await again.close();
});

for (const how of ['process.exit in the worker', 'terminate()'] as const) {
  test(`a worker thread that dies (${how}) fails pending and later calls with 08006, never hangs; the directory recovers`, async () => {
    const dir = tempDir();
    const db = await VecgresWorker.create(dir);
    await db.exec('CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)');
    const a = await db.connect();
    const b = await db.connect();
    // b waits for a's row lock: a call in flight in the worker when it dies.
    await a.query('BEGIN');
    await a.query('UPDATE t SET id = 2 WHERE id = 1');
    const waiting = b.query('UPDATE t SET id = 3 WHERE id = 1');
    let inTx!: () => void;
    const txOpen = new Promise<void>((resolve) => (inTx = resolve));
    const tx = db.transaction(async (t) => {
      inTx();
      await new Promise((resolve) => setTimeout(resolve, 0));
      return t.query('SELECT 1');
    });
    await txOpen;
    if (how === 'terminate()') void db.thread.terminate();
    else db.exitForTests(3);
    const crash = { code: '08006', message: 'the vecgres worker thread exited unexpectedly', severity: 'FATAL' };
    await assert.rejects(waiting, crash);
    await assert.rejects(tx, crash);
    await assert.rejects(db.query('SELECT 1'), crash);
    await assert.rejects(a.query('SELECT 1'), crash);
    await assert.rejects(db.connect(), crash);
    await assert.rejects(db.describeQuery('SELECT 1'), crash);
    assert.equal(db.closed, true);
    await a.release();
    await db.close();
    // The committed row is there; the open transaction's change is not.
    const again = await Vecgres.create(dir);
    assert.deepEqual((await again.query('SELECT id FROM t')).rows, [{ id: 1 }]);
    await again.close();
  });
}

test('an idle VecgresWorker does not keep the process alive; a call in flight does', () => {
  const url = new URL('../../src/worker/vecgres_worker.js', import.meta.url).href;
  const script = `
    import { VecgresWorker } from ${JSON.stringify(url)};
    const db = await VecgresWorker.create();
    const rows = (await db.query('SELECT 1 AS x')).rows;
    // Never closed, no await: the process must still end once this answer arrives.
    db.query('SELECT 2 AS y').then((r) => console.log(JSON.stringify([rows, r.rows])));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    timeout: 120_000,
  });
  assert.equal(r.signal, null, `the child hung: ${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), JSON.stringify([[{ x: 1 }], [{ y: 2 }]]));
});

test('dumpDataDir through the worker loads into a Vecgres', async () => {
  const w = await VecgresWorker.create();
  try {
    await w.exec("CREATE EXTENSION vector; CREATE TABLE d (id int PRIMARY KEY, e vector(2)); INSERT INTO d VALUES (1, '[1,2]'), (2, '[3,4]')");
    const archive = await w.dumpDataDir('gzip');
    const copy = await Vecgres.create({ loadDataDir: archive });
    try {
      const { rows } = await copy.query<{ id: number; e: string }>('SELECT id, e::text AS e FROM d ORDER BY id');
      assert.deepStrictEqual(rows.map((r) => [r.id, r.e]), [[1, '[1,2]'], [2, '[3,4]']]);
    } finally {
      await copy.close();
    }
  } finally {
    await w.close();
  }
});

test('LISTEN flows give the same callbacks on Vecgres and VecgresWorker: database, sessions, transaction(), unlisten', async () => {
  const flow = async (d: Vecgres | VecgresWorker): Promise<string[]> => {
    const got: string[] = [];
    const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
    const any = (c: string, p: string): void => void got.push(`any ${c} ${p}`);
    d.onNotification(any);
    const stop = await d.listen('Jobs', (p) => got.push(`jobs ${p}`));
    await d.query("NOTIFY jobs, 'one'");
    await d.transaction(async (tx) => {
      await tx.listen('"Other"', (p) => got.push(`Other ${p}`));
      await tx.query(`NOTIFY "Other", 'in tx'`);
      got.push('before commit');
    });
    const s = await d.connect();
    s.onNotification((c, p) => got.push(`session ${c} ${p}`));
    await s.listen('jobs', (p) => got.push(`session jobs ${p}`));
    await d.exec("BEGIN; NOTIFY jobs, 'two'; NOTIFY jobs, 'two'; COMMIT");
    await s.query('BEGIN');
    await d.query("NOTIFY jobs, 'held'");
    await settle();
    got.push('session in a block');
    await s.query('COMMIT');
    await settle();
    await stop();
    await d.query("NOTIFY jobs, 'after stop'");
    d.offNotification(any);
    await d.query(`NOTIFY "Other", 'no any'`);
    await s.release();
    await d.query("NOTIFY jobs, 'after release'");
    await assert.rejects(d.listen('1', () => undefined), (e: unknown) => e instanceof PgError && e.code === '42601');
    await settle();
    return got;
  };
  const local = await Vecgres.create();
  const w = await VecgresWorker.create();
  try {
    const expected = await flow(local);
    assert.ok(expected.includes('jobs one') && expected.includes('session jobs held'), expected.join('\n'));
    assert.deepEqual(await flow(w), expected);
  } finally {
    await local.close();
    await w.close();
  }
});
