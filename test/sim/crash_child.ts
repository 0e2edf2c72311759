/**
 * The process the crash tests kill: runs seeded transactions on a real data directory and
 * reports each one to the parent over stdout, one JSON line per event:
 *   {"t":n,"ops":...}  before COMMIT of transaction n (its effects, for the parent's model)
 *   {"a":n}            after COMMIT of n resolved (acknowledged: it must survive a crash)
 * Rolled-back transactions are not reported (they must leave no trace).
 * Usage: node crash_child.js <dataDir> <seed>
 *        node crash_child.js <dataDir> open   (opens, reports {"opened":rows}, waits to be killed)
 * With VECGRES_CHILD_SEGMENTS=1 (engine_crash_segments.test.ts): memories of 1 MiB (segments of
 * 64 KiB: 2,048 rows), `shared_buffers` of 16 blocks, transactions of up to 60 rows and exact
 * scans, so segment files are written, evicted and read back between the kills; the table has
 * a `halfvec(8)` column `h` holding the row's vector and a `bit(256)` column `b` holding
 * {@link bitsOf} it, so their segment files (2,048 rows of 16 and 32 bytes) are written too.
 */
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';
import { memories } from '../../src/kernels/memories.js';

/** The segment-file mode (see the module comment). */
export const SEGMENTS = process.env['VECGRES_CHILD_SEGMENTS'] === '1';
if (SEGMENTS) memories.memoryBytesMax = 1024 * 1024;

export const CHILD_DIM = 8;

/** One acknowledged change: upsert of [id, vector text, n] or delete of id. */
export type ChildOp = { put: [number, string, number] } | { del: number } | { index: true };

/** The bit(256) value of a vector text of {@link CHILD_DIM} integers in [-20, 20]: each +20 in 32 bits. */
export function bitsOf(v: string): string {
  return (JSON.parse(v) as number[]).map((e) => (e + 20).toString(2).padStart(32, '0')).join('');
}

function vec(p: Prng): string {
  const a: number[] = [];
  for (let i = 0; i < CHILD_DIM; i++) a.push(p.int(41) - 20);
  return `[${a.join(',')}]`;
}

async function main(): Promise<void> {
  const [dir, seedText] = process.argv.slice(2);
  if (seedText === 'open') {
    // Killed at a random moment of its open: recovery must never leave less than it found.
    const db = await Vecgres.create(dir!);
    const n = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM items')).rows[0]!.n;
    process.stdout.write(`${JSON.stringify({ opened: n })}\n`);
    setInterval(() => undefined, 1000);
    return;
  }
  const p = new Prng(Number(seedText));
  // Frequent automatic checkpoints (max_wal_size 2 MB); a small buffer cache with segments.
  const db = await Vecgres.create(dir!, { walSegmentBytes: 64 * 1024, settings: { max_wal_size: 2, ...(SEGMENTS ? { shared_buffers: '128kB' } : {}) } });
  await db.exec(`CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, v vector(8), n int${SEGMENTS ? ', h halfvec(8), b bit(256)' : ''})`);
  // A B-tree on n: logged as a CREATE INDEX, rebuilt from the table at every open.
  await db.exec('CREATE INDEX IF NOT EXISTS items_n_idx ON items (n)');
  const ids = new Set<number>(((await db.query<{ id: number }>('SELECT id FROM items')).rows).map((r) => r.id));
  let nextId = 1;
  for (const id of ids) nextId = Math.max(nextId, id + 1);
  let hasIndex = (await db.query("SELECT indexname FROM pg_indexes WHERE indexname = 'items_v_idx'")).rows.length > 0;
  const pick = (): number | null => {
    if (ids.size === 0) return null;
    const arr = [...ids];
    return arr[p.int(arr.length)]!;
  };
  for (let t = 1; ; t++) {
    const r = p.next();
    if (!SEGMENTS && !hasIndex && ids.size > 20 && r < 0.05) {
      process.stdout.write(`${JSON.stringify({ t, ops: [{ index: true }] })}\n`);
      await db.exec('CREATE INDEX items_v_idx ON items USING hnsw (v vector_l2_ops) WITH (m = 4, ef_construction = 16)');
      hasIndex = true;
      process.stdout.write(`${JSON.stringify({ a: t })}\n`);
      continue;
    }
    if (r < 0.08) {
      await db.exec('CHECKPOINT');
      continue;
    }
    if (SEGMENTS && r < 0.12) {
      // An exact scan: evicts segments and reads them back from their files.
      await db.exec('SET enable_indexscan = off');
      await db.query('SELECT id FROM items ORDER BY v <-> $1 LIMIT 5', [vec(p)]);
      await db.query('SELECT id FROM items ORDER BY h <-> $1 LIMIT 5', [vec(p)]);
      await db.query('SELECT id FROM items ORDER BY b <~> $1 LIMIT 5', [bitsOf(vec(p))]);
      await db.exec('RESET enable_indexscan');
      continue;
    }
    const rollback = p.next() < 0.15;
    const ops: ChildOp[] = [];
    await db.transaction(async (tx) => {
      const n = 1 + p.int(SEGMENTS ? 60 : 6);
      for (let i = 0; i < n; i++) {
        const kind = p.next();
        if (kind < (SEGMENTS ? 0.8 : 0.5) || ids.size < 5) {
          const id = nextId++;
          const v = vec(p);
          const k = p.int(1000);
          if (SEGMENTS) await tx.query('INSERT INTO items (id, v, n, h, b) VALUES ($1, $2, $3, $4, $5)', [id, v, k, v, bitsOf(v)]);
          else await tx.query('INSERT INTO items (id, v, n) VALUES ($1, $2, $3)', [id, v, k]);
          ops.push({ put: [id, v, k] });
          if (!rollback) ids.add(id);
        } else if (kind < 0.8) {
          const id = pick()!;
          const v = vec(p);
          const res = SEGMENTS
            ? await tx.query<{ n: number }>('UPDATE items SET v = $1, n = n + 1, h = $3, b = $4 WHERE id = $2 RETURNING n', [v, id, v, bitsOf(v)])
            : await tx.query<{ n: number }>('UPDATE items SET v = $1, n = n + 1 WHERE id = $2 RETURNING n', [v, id]);
          if (res.rows.length === 1) ops.push({ put: [id, v, res.rows[0]!.n] });
        } else {
          const id = pick()!;
          await tx.query('DELETE FROM items WHERE id = $1', [id]);
          ops.push({ del: id });
          if (!rollback) ids.delete(id);
        }
      }
      if (rollback) {
        await tx.rollback();
        return;
      }
      process.stdout.write(`${JSON.stringify({ t, ops })}\n`);
    });
    if (!rollback) process.stdout.write(`${JSON.stringify({ a: t })}\n`);
  }
}

if (process.argv[1]?.endsWith('crash_child.js')) {
  main().catch((e) => {
    process.stderr.write(`child failed: ${String(e?.stack ?? e)}\n`);
    process.exit(2);
  });
}
