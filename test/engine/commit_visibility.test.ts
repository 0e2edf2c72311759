/**
 * With synchronous_commit = on no session sees a commit before its commit record is durable
 * (PostgreSQL leaves the proc array only after XLogFlush); with off, as PostgreSQL, it is
 * visible at once. After a failed log write or fsync, reads keep working and writes fail with
 * the error until the database is reopened. The group-commit fsync is held by a gate, so each
 * interleaving is forced, not timed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { PgError } from '../../src/common/errors.js';
import type { Database } from '../../src/engine/database.js';
import type { Session } from '../../src/engine/session.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { errnoError, type Fd } from '../../src/storage/fs.js';
import { Prng } from '../../src/common/prng.js';

/** A backend whose asynchronous (group-commit) fsyncs wait until the test opens the gate. */
class GatedFs extends FaultyFs {
  private held: { fd: Fd; resolve: () => void; reject: (e: unknown) => void }[] = [];
  closed = false;

  override fsyncAsync(fd: Fd): Promise<void> {
    if (!this.closed) return super.fsyncAsync(fd);
    return new Promise((resolve, reject) => this.held.push({ fd, resolve, reject }));
  }

  /** fsyncs waiting at the gate. */
  get waiting(): number {
    return this.held.length;
  }

  /** Completes the held fsyncs (or fails them with EIO) and lets later ones through. */
  open_(fail = false): void {
    this.closed = false;
    const h = this.held;
    this.held = [];
    for (const w of h) {
      if (fail) w.reject(errnoError('EIO', 'fsync'));
      else {
        try {
          this.fsync(w.fd);
          w.resolve();
        } catch (e) {
          w.reject(e);
        }
      }
    }
  }
}

async function setup(): Promise<{ db: Vecgres; fs: GatedFs; mem: MemoryFs }> {
  const mem = new MemoryFs();
  const fs = new GatedFs(mem, { seed: 1 });
  const db = await Vecgres.create('db', { storage: fs, walSegmentBytes: 1 << 20 });
  await db.exec("CREATE TABLE t (id int PRIMARY KEY, e vector(2)); CREATE INDEX ON t USING hnsw (e vector_l2_ops); INSERT INTO t VALUES (0, '[0,0]')");
  return { db, fs, mem };
}

function count(d: Database, s: Session): number {
  return Number(d.execute('SELECT count(*) AS n FROM t', [], s)[0]!.rows[0]![0]);
}

/** What a reader sees of row `id`, through the primary key, a sequential scan and the index. */
function sees(d: Database, s: Session, id: number): [boolean, boolean, boolean] {
  const key = d.execute('SELECT id FROM t WHERE id = $1', [id], s)[0]!.rows.length > 0;
  const scan = d.execute('SELECT id FROM t', [], s)[0]!.rows.some((r) => r[0] === id);
  d.execute('SET enable_seqscan = off', [], s);
  const near = d.execute(`SELECT id FROM t ORDER BY e <-> '[${id},${id}]' LIMIT 1`, [], s)[0]!.rows[0]?.[0] === id;
  d.execute('RESET enable_seqscan', [], s);
  return [key, scan, near];
}

test('synchronous_commit = on: other sessions see a commit only once it is durable, 16 committers in one group', async () => {
  const { db, fs } = await setup();
  const d = db.database;
  const reader = d.openSession();
  const writers = Array.from({ length: 16 }, () => d.openSession());
  fs.closed = true;
  const acks: Promise<void>[] = [];
  let acked = 0;
  for (let i = 0; i < writers.length; i++) {
    d.execute(`INSERT INTO t VALUES (${i + 1}, '[${i + 1},${i + 1}]')`, [], writers[i]!);
    acks.push(d.sync(writers[i]!).then(() => void acked++));
    assert.equal(count(d, reader), 1, `writer ${i}: a commit not yet durable is visible`);
  }
  // Let the group commit reach the gate; the commits stay invisible while it is held.
  while (fs.waiting === 0) await new Promise((r) => setImmediate(r));
  assert.equal(count(d, reader), 1);
  assert.deepEqual(sees(d, reader, 5), [false, false, false]);
  // A writer's own commit: also invisible to a third session, also through the key.
  // (The insert would wait for the key's writer, which the synchronous call cannot: 55P03.)
  assert.throws(() => d.execute("INSERT INTO t VALUES (3, '[9,9]')", [], reader), (e: PgError) => e.code === '55P03');
  assert.equal(acked, 0);
  fs.open_();
  await Promise.all(acks);
  assert.equal(acked, 16);
  assert.equal(count(d, reader), 17);
  assert.deepEqual(sees(d, reader, 5), [true, true, true]);
  await db.close();
});

test('synchronous_commit = off: a commit is visible at once, before it is durable (as PostgreSQL)', async () => {
  const { db, fs } = await setup();
  const d = db.database;
  const a = d.openSession();
  const reader = d.openSession();
  d.execute('SET synchronous_commit = off', [], a);
  fs.closed = true;
  d.execute("INSERT INTO t VALUES (1, '[1,1]')", [], a);
  await d.sync(a); // returns at once
  assert.equal(count(d, reader), 2);
  fs.open_();
  await db.close();
});

test('a script reads its own commits; a checkpoint publishes commits waiting for their flush', async () => {
  const { db, fs, mem } = await setup();
  const d = db.database;
  const a = d.openSession();
  const reader = d.openSession();
  fs.closed = true;
  const r = d.execute("INSERT INTO t VALUES (1, '[1,1]'); SELECT count(*) FROM t", [], a);
  assert.equal(Number(r[1]!.rows[0]![0]), 2, 'the second statement sees the first one\'s commit');
  d.execute("INSERT INTO t VALUES (2, '[2,2]')", [], a);
  const ack = d.sync(a);
  assert.equal(count(d, reader), 2);
  // A later statement of the same session first makes its own commit durable.
  assert.equal(count(d, a), 3);
  assert.equal(count(d, reader), 3);
  d.execute("INSERT INTO t VALUES (3, '[3,3]')", [], a);
  d.execute('CHECKPOINT', [], reader);
  assert.equal(count(d, reader), 4);
  fs.open_();
  await ack;
  d.abandon();
  fs.powerCut();
  const again = await Vecgres.create('db', { storage: new FaultyFs(mem, { seed: 2 }) });
  assert.equal((await again.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]!.n, 4);
  await again.close();
});

test('a failed fsync: the commit is never visible nor acknowledged; reads keep working, writes fail until reopened', async () => {
  const { db, fs, mem } = await setup();
  const d = db.database;
  const a = d.openSession();
  const reader = d.openSession();
  fs.closed = true;
  d.execute("INSERT INTO t VALUES (1, '[1,1]')", [], a);
  const ack = d.sync(a);
  while (fs.waiting === 0) await new Promise((r) => setImmediate(r));
  fs.open_(true);
  await assert.rejects(ack, { code: '58030', message: /^could not fsync file "db\/wal\/[0-9A-F]{16}\.wal": Input\/output error$/ });
  for (const s of [reader, a]) {
    assert.equal(count(d, s), 1);
    await d.sync(s); // a reader waits for nothing
    assert.throws(() => d.execute("INSERT INTO t VALUES (7, '[7,7]')", [], s), { code: '58030' });
    assert.equal(count(d, s), 1);
  }
  // Through the embedded API as well.
  assert.deepEqual((await db.query('SELECT count(*)::int AS n FROM t')).rows, [{ n: 1 }]);
  await assert.rejects(db.query("INSERT INTO t VALUES (8, '[8,8]')"), { code: '58030' });
  assert.deepEqual((await db.query('SELECT id FROM t ORDER BY id')).rows, [{ id: 0 }]);
  d.abandon();
  fs.powerCut();
  const again = await Vecgres.create('db', { storage: new FaultyFs(mem, { seed: 2 }) });
  assert.ok([1, 2].includes((await again.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]!.n));
  await again.query("INSERT INTO t VALUES (9, '[9,9]')");
  await again.close();
});

test('a full disk at commit: SELECT count(*) keeps working (no 53100), writes fail with 53100 until reopened', async () => {
  const mem = new MemoryFs();
  const fs = new FaultyFs(mem, { seed: 5 });
  let db = await Vecgres.create('db', { storage: fs });
  await db.exec("CREATE TABLE t (id int PRIMARY KEY, e vector(2)); INSERT INTO t VALUES (1, '[1,1]')");
  fs.spaceLeftBytes = 0;
  const full = (e: PgError): boolean => e.code === '53100' && /^could not write to file "db\/wal\/[0-9A-F]{16}\.wal": No space left on device$/.test(e.message);
  await assert.rejects(db.query("INSERT INTO t VALUES (2, '[2,2]')"), full);
  assert.deepEqual((await db.query('SELECT count(*)::int AS n FROM t')).rows, [{ n: 1 }]);
  assert.deepEqual((await db.query("SELECT id FROM t ORDER BY e <-> '[2,2]' LIMIT 1")).rows, [{ id: 1 }]);
  await assert.rejects(db.query("INSERT INTO t VALUES (3, '[3,3]')"), full);
  await assert.rejects(db.exec('CREATE TABLE u (id int)'), full);
  assert.deepEqual((await db.query('SELECT count(*)::int AS n FROM t')).rows, [{ n: 1 }]);
  await db.close(); // no checkpoint over a failed log; the disk has room again
  fs.spaceLeftBytes = Infinity;
  db = await Vecgres.create('db', { storage: fs });
  await db.query("INSERT INTO t VALUES (4, '[4,4]')");
  assert.deepEqual((await db.query('SELECT id FROM t ORDER BY id')).rows, [{ id: 1 }, { id: 4 }]);
  await db.close();
});

/** A backend whose group-commit fsyncs take a seeded random number of event-loop turns. */
class SlowFs extends FaultyFs {
  constructor(mem: MemoryFs, private readonly rng: Prng) {
    super(mem, { seed: 1 });
  }

  override async fsyncAsync(fd: Fd): Promise<void> {
    for (let i = this.rng.int(6); i > 0; i--) await new Promise((r) => setImmediate(r));
    this.fsync(fd);
  }
}

const VIS_SEEDS = Number(process.env.VECGRES_VISIBILITY_SEEDS ?? 3);

test(`seeded concurrent writers and readers over a slow fsync: every row a reader sees is durable (${VIS_SEEDS} seeds)`, async () => {
  for (let i = 0; i < VIS_SEEDS; i++) {
    const seed = 900 + i;
    const p = new Prng(seed);
    const fs = new SlowFs(new MemoryFs(), new Prng(seed * 7));
    const db = await Vecgres.create('db', { storage: fs });
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, w int)');
    const d = db.database;
    const wal = d.durability!.wal;
    const lsnOf = new Map<number, number>();
    let nextId = 1;
    let observations = 0;
    const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
    const writer = async (w: number): Promise<void> => {
      const s = d.openSession();
      for (let k = 0; k < 15; k++) {
        const ids = Array.from({ length: 1 + p.int(3) }, () => nextId++);
        if (p.next() < 0.5) d.execute(`INSERT INTO t VALUES ${ids.map((id) => `(${id}, ${w})`).join(', ')}`, [], s);
        else d.execute(`BEGIN; ${ids.map((id) => `INSERT INTO t VALUES (${id}, ${w});`).join(' ')} COMMIT`, [], s);
        for (const id of ids) lsnOf.set(id, s.commitLsn);
        await d.sync(s);
        // Acknowledged: now every session sees it.
        const seen = d.execute(`SELECT count(*) FROM t WHERE id = ${ids[0]}`, [], d.openSession())[0]!.rows[0]![0];
        assert.equal(Number(seen), 1, `seed ${seed}: an acknowledged commit is invisible`);
        for (let j = p.int(3); j > 0; j--) await turn();
      }
    };
    let writing = true;
    const reader = async (): Promise<void> => {
      const s = d.openSession();
      while (writing) {
        const rows = d.execute('SELECT id FROM t', [], s)[0]!.rows;
        const flushed = wal.flushedLsn;
        for (const r of rows) {
          const lsn = lsnOf.get(r[0] as number)!;
          assert.ok(lsn <= flushed, `seed ${seed}: row ${String(r[0])} visible before its commit (${lsn}) was durable (${flushed})`);
          observations++;
        }
        await turn();
      }
    };
    const readers = Array.from({ length: 4 }, () => reader());
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
    writing = false;
    await Promise.all(readers);
    assert.ok(observations > 1000, `seed ${seed}: only ${observations} observations`);
    assert.equal(Number(d.execute('SELECT count(*) FROM t')[0]!.rows[0]![0]), nextId - 1);
    await db.close();
  }
});

test('DROP TABLE and TRUNCATE do not fail on commits that only wait for their fsync (they wait, as PostgreSQL)', async () => {
  const { db, fs } = await setup();
  const d = db.database;
  const a = d.openSession();
  const b = d.openSession();
  await db.exec('CREATE TABLE u (id int PRIMARY KEY)');
  fs.closed = true;
  d.execute('INSERT INTO u VALUES (1)', [], a);
  d.execute("INSERT INTO t VALUES (1, '[1,1]')", [], a);
  const ack = d.sync(a);
  d.execute('TRUNCATE u', [], b);
  d.execute('DROP TABLE t', [], b);
  fs.open_();
  await ack;
  assert.deepEqual(d.execute('SELECT count(*) FROM u', [], b)[0]!.rows, [[0]]);
  // A transaction really in flight still holds the table (PostgreSQL would wait for it).
  d.execute('BEGIN; INSERT INTO u VALUES (2)', [], a);
  assert.throws(() => d.execute('TRUNCATE u', [], b), { code: '55P03' });
  await db.close();
});
