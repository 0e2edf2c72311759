/**
 * Sequences across crashes (power cuts on the fault-injecting backend): seeded trials of
 * nextval (in autocommit, in blocks that commit, roll back or are left open), serial inserts,
 * setval, ALTER SEQUENCE RESTART and CHECKPOINT, then a power cut. After recovery every
 * sequence must (1) still exist with its definition, (2) never hand out a value it handed
 * out to an acknowledged statement before the crash, committed or not (PostgreSQL logs 32
 * values ahead), and (3) a clean close must keep the exact state (`SELECT * FROM s`).
 *
 * VECGRES_SEQ_CRASH_TRIALS=<n> runs more trials; VECGRES_SEED=<s> replays one. The seed and
 * the statements of a failing trial are printed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { Prng } from '../../src/common/prng.js';
import { SEED } from '../support/seed.js';
import { openSmallSegments } from '../support/power_loss.js';

const open = openSmallSegments;

/** Values one statement returned (nextval / RETURNING ids), as bigints. */
function values(rows: Record<string, unknown>[]): bigint[] {
  return rows.flatMap((r) => Object.values(r).filter((v) => typeof v === 'number' || typeof v === 'bigint').map((v) => BigInt(v as number)));
}

test('sequences never repeat a value after a crash, and keep their exact state over a clean close', async () => {
  const trials = Number(process.env['VECGRES_SEQ_CRASH_TRIALS'] ?? 12);
  for (let trial = 0; trial < trials; trial++) {
    const seed = SEED + trial;
    const rng = new Prng(seed);
    const fs = new FaultyFs(new MemoryFs(), { seed });
    let db = await open(fs);
    const done: string[] = [];
    // Handed-out values per sequence since its last durable restart (setval / RESTART move
    // the sequence on purpose, so they start a new set).
    const given = new Map<string, Set<bigint>>([['up', new Set()], ['down', new Set()], ['t_id_seq', new Set()]]);
    const run = async (sql: string, seq: string | null): Promise<void> => {
      done.push(sql);
      try {
        const r = await db.query(sql);
        if (seq !== null) for (const v of values(r.rows as Record<string, unknown>[])) given.get(seq)!.add(v);
      } catch (e) {
        if (typeof (e as { code?: unknown }).code !== 'string') throw e;
      }
    };
    try {
      await db.exec('CREATE SEQUENCE up INCREMENT 3 START 10; CREATE SEQUENCE down INCREMENT -2 MINVALUE -1000000 MAXVALUE 0; CREATE TABLE t (id serial PRIMARY KEY, x int)');
      let inBlock = false;
      const steps = 20 + rng.int(120);
      for (let k = 0; k < steps; k++) {
        const r = rng.int(14);
        const seq = rng.int(2) === 0 ? 'up' : 'down';
        if (r < 6) await run(`SELECT nextval('${seq}')${rng.int(3) === 0 ? `, nextval('${seq}')` : ''}`, seq);
        else if (r < 8) await run(`INSERT INTO t (x) VALUES (${k})${rng.int(2) === 0 ? `, (${k + 1000})` : ''} RETURNING id`, 't_id_seq');
        else if (r === 8 && !inBlock) {
          await run('BEGIN', null);
          inBlock = true;
        } else if (r === 9 && inBlock) {
          await run(rng.int(2) === 0 ? 'COMMIT' : 'ROLLBACK', null);
          inBlock = false;
        } else if (r === 10 && !inBlock) {
          await run('CHECKPOINT', null);
        } else if (r === 11 && !inBlock) {
          const v = rng.int(5000) * (seq === 'up' ? 1 : -1);
          await run(`SELECT setval('${seq}', ${v})`, null);
          given.set(seq, new Set([BigInt(v)]));
        } else if (r === 12 && !inBlock) {
          await run(`ALTER SEQUENCE ${seq} RESTART`, null);
          given.set(seq, new Set());
        } else await run(`SELECT last_value FROM ${seq}`, null);
      }
      // The power cut happens with the block (if any) still open.
      db.database.abandon();
      fs.powerCut();
      db = await open(fs);
      for (const [seq, seen] of given) {
        const r = await db.query(`SELECT nextval('${seq}') AS v`);
        const v = BigInt(r.rows[0]!['v'] as number);
        assert.ok(!seen.has(v), `${seq} handed out ${v} again after the crash`);
        const inc = seq === 'up' ? 3n : seq === 'down' ? -2n : 1n;
        for (const s of seen) assert.ok(inc > 0n ? v > s : v < s, `${seq}: ${v} is not past ${s}, handed out before the crash`);
      }
      const defs = await db.query("SELECT sequencename::text AS s, increment_by, min_value, start_value, max_value = 0 AS max0 FROM pg_sequences ORDER BY 1");
      assert.deepEqual(defs.rows, [
        { s: 'down', increment_by: -2, min_value: -1000000, start_value: 0, max0: true },
        { s: 't_id_seq', increment_by: 1, min_value: 1, start_value: 1, max0: false },
        { s: 'up', increment_by: 3, min_value: 1, start_value: 10, max0: false },
      ]);
      // A clean close keeps the state exactly.
      const before = (await db.query('SELECT * FROM up')).rows;
      await db.close();
      db = await open(fs);
      assert.deepEqual((await db.query('SELECT last_value, is_called FROM up')).rows, before.map((r) => ({ last_value: r['last_value'], is_called: r['is_called'] })));
      assert.equal(db.database.recovery!.records, 0, 'a clean close leaves nothing to replay');
      await db.close();
    } catch (e) {
      console.error(`sequence crash trial failed: VECGRES_SEED=${SEED} trial ${trial} (seed ${seed})\n${done.join('\n')}`);
      throw e;
    }
  }
});

test('a loaded pg_dump script survives a crash: primary keys added by ALTER TABLE, identity columns and sequences replay', async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const script = readFileSync(join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'pg_dump15_pgvector.sql'), 'utf8');
  for (const checkpoint of [false, true]) {
    const fs = new FaultyFs(new MemoryFs(), { seed: 11 });
    let db = await open(fs);
    await db.exec(script);
    await db.exec('RESET search_path');
    if (checkpoint) await db.exec('CHECKPOINT');
    const probes = [
      'SELECT id, title FROM documents ORDER BY id',
      'SELECT id, doc_id, ord FROM chunks ORDER BY id',
      'SELECT * FROM pg_sequences ORDER BY sequencename',
      "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
    ];
    const before = [];
    for (const q of probes) before.push((await db.query(q)).rows);
    db.database.abandon();
    fs.powerCut();
    db = await open(fs);
    const after = [];
    for (const q of probes) after.push((await db.query(q)).rows);
    assert.deepEqual(after, before, `checkpoint: ${checkpoint}`);
    await assert.rejects(db.query("INSERT INTO documents (id, title) VALUES (2, 'dup')"), { code: '23505', message: 'duplicate key value violates unique constraint "documents_pkey"' });
    await assert.rejects(db.query('INSERT INTO chunks (id, doc_id, ord) VALUES (50, 1, 7)'), { code: '428C9' });
    assert.deepEqual((await db.query("INSERT INTO documents (title) VALUES ('new') RETURNING id")).rows, [{ id: 5 }]);
    assert.deepEqual((await db.query("INSERT INTO chunks (doc_id, ord) VALUES (5, 0) RETURNING id")).rows, [{ id: 7 }]);
    await db.close();
  }
});
