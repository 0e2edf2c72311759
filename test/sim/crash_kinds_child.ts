/**
 * The process engine_crash_index_kinds.test.ts kills: seeded transactions on a real data
 * directory whose table carries the index kinds that checkpoint as deltas over several
 * memories. Memories hold 1 MiB (as the partition tests set them), so {@link KINDS_BASE_ROWS}
 * rows of vector(64) make an HNSW index of several partitions (`items_v_hnsw`) and an IVFFlat
 * index whose lists lie in several memories (`items_v_ivf`, inner product, so `<#>` picks it
 * and `<->` the HNSW one); an HNSW index over the sparsevec column `s` (`items_s_hnsw`) keeps
 * its keys in a side heap. After the base rows and the builds, a CHECKPOINT writes the base
 * files; then INSERTs, UPDATEs (of v, of s, of both), DELETEs, rollbacks, CHECKPOINTs (deltas
 * for the three indexes) and VACUUMs run until the process is killed.
 *
 * It reports to the parent over stdout the lines of crash_child.ts (`{"t":n,"ops":...}` before
 * COMMIT of transaction n, `{"a":n}` once it is acknowledged), `{"ready":1}` once the indexes
 * exist and the base checkpoint is written, and `{"ck":deltas,"fileOps":n}` after each CHECKPOINT
 * (the index delta files it wrote, the file operations it took).
 *
 * Usage: node crash_kinds_child.js <dataDir> <seed> <killAtOp>
 * With killAtOp >= 0 the process SIGKILLs itself before the killAtOp-th file operation (write,
 * fsync, rename, unlink, directory fsync; counted from 0 over all its CHECKPOINT statements
 * after `ready`), so the kill lands inside a checkpoint at a chosen step: between a delta's
 * writes, before its fsync, before its rename, before the control file's switch, or while the
 * superseded files are deleted. With -1 it runs until the parent kills it.
 */
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';
import { memories } from '../../src/kernels/memories.js';
import { NodeFs } from '../../src/storage/fs_node.js';
import type { Fd } from '../../src/storage/fs.js';
import type { ChildOp } from './crash_child.js';
import { reloadSetting } from '../support/start_settings.js';

/** Memories of 1 MiB: the parent sets the same, so segment numbers and partitions agree. */
export const KINDS_MEMORY_BYTES = 2 ** 20;
memories.memoryBytesMax = KINDS_MEMORY_BYTES;

/** Dimensions of `v`. */
export const KINDS_DIM = 64;
/** Dimensions of the sparsevec column `s`. */
export const KINDS_SPARSE_DIM = 100;
/** Rows loaded before the indexes are built. */
export const KINDS_BASE_ROWS = 2500;
/** IVFFlat lists (the parent probes them all, so the scan is exact). */
export const KINDS_LISTS = 16;

/** A vector(64) text of integers in [-10, 10], as the database prints it. */
export function kindsVec(p: Prng): string {
  return `[${Array.from({ length: KINDS_DIM }, () => p.int(21) - 10).join(',')}]`;
}

/** A sparsevec(100) text of 1 to 8 integer non-zeros, as the database prints it. */
export function kindsSparse(p: Prng): string {
  const idx = new Set<number>();
  for (let n = 1 + p.int(8); idx.size < n; ) idx.add(1 + p.int(KINDS_SPARSE_DIM));
  return `{${[...idx].sort((a, b) => a - b).map((i) => `${i}:${p.int(19) - 9 || 1}`).join(',')}}/${KINDS_SPARSE_DIM}`;
}

/** The real file system, SIGKILLing this process before its `killAt`-th counted operation. */
class KillingFs extends NodeFs {
  counting = false;
  ops = 0;
  constructor(private readonly killAt: number) {
    super();
  }

  private step(): void {
    if (this.counting && this.ops++ === this.killAt) process.kill(process.pid, 'SIGKILL');
  }

  override write(fd: Fd, buf: Uint8Array, off: number, len: number, position: number): void {
    this.step();
    super.write(fd, buf, off, len, position);
  }

  override fsync(fd: Fd): void {
    this.step();
    super.fsync(fd);
  }

  override fsyncDir(path: string): void {
    this.step();
    super.fsyncDir(path);
  }

  override rename(from: string, to: string): void {
    this.step();
    super.rename(from, to);
  }

  override unlink(path: string): void {
    this.step();
    super.unlink(path);
  }
}

function say(msg: object): void {
  process.stdout.write(`${JSON.stringify(msg)}\n`);
}

async function main(): Promise<void> {
  const [dir, seedText, killText] = process.argv.slice(2);
  const p = new Prng(Number(seedText));
  const fs = new KillingFs(Number(killText ?? -1));
  const db = await Vecgres.create(dir!, { storage: fs, walSegmentBytes: 64 * 1024 });
  let t = 0;
  await db.exec(`CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, v vector(${KINDS_DIM}), s sparsevec(${KINDS_SPARSE_DIM}))`);
  const ids = new Set<number>(((await db.query<{ id: number }>('SELECT id FROM items')).rows).map((r) => r.id));
  let nextId = 1;
  for (const id of ids) nextId = Math.max(nextId, id + 1);
  // The base rows (again, if a kill before `ready` cut the load short): batches of 500.
  while (ids.size < KINDS_BASE_ROWS) {
    const ops: ChildOp[] = [];
    const vals: string[] = [];
    for (let i = 0; i < 500; i++) {
      const id = nextId++;
      const v = kindsVec(p);
      const s = kindsSparse(p);
      vals.push(`(${id}, '${v}', '${s}')`);
      ops.push({ put: [id, `${v}|${s}`, 0] });
      ids.add(id);
    }
    say({ t: ++t, ops });
    await db.exec(`INSERT INTO items VALUES ${vals.join(',')}`);
    say({ a: t });
  }
  // The sparsevec index first: built after the partitioned one, its first partition went to
  // that index's memory, which its keys (not in the size estimate) overflowed (53200).
  await db.exec(`CREATE INDEX IF NOT EXISTS items_s_hnsw ON items USING hnsw (s sparsevec_l2_ops) WITH (m = 16, ef_construction = 64);
    CREATE INDEX IF NOT EXISTS items_v_hnsw ON items USING hnsw (v vector_l2_ops) WITH (m = 4, ef_construction = 16);
    CREATE INDEX IF NOT EXISTS items_v_ivf ON items USING ivfflat (v vector_ip_ops) WITH (lists = ${KINDS_LISTS})`);
  await db.exec('CHECKPOINT'); // the base files the later checkpoints write deltas over
  reloadSetting(db, 'max_wal_size', '2'); // automatic checkpoints too
  say({ ready: 1 });
  const pick = (): number => {
    const arr = [...ids];
    return arr[p.int(arr.length)]!;
  };
  for (;;) {
    const r = p.next();
    if (r < 0.1) {
      const ops = fs.ops;
      fs.counting = true;
      await db.exec('CHECKPOINT');
      fs.counting = false;
      say({ ck: db.database.durability!.lastCheckpoint?.indexDeltaFiles ?? 0, fileOps: fs.ops - ops });
      continue;
    }
    if (r < 0.13) {
      await db.exec('VACUUM items');
      continue;
    }
    t++;
    const rollback = p.next() < 0.1;
    const ops: ChildOp[] = [];
    const gone = new Set<number>();
    await db.transaction(async (tx) => {
      for (let i = 1 + p.int(6); i > 0; i--) {
        const kind = p.next();
        if (kind < 0.35 || ids.size < 100) {
          const id = nextId++;
          const v = kindsVec(p);
          const s = kindsSparse(p);
          await tx.query('INSERT INTO items VALUES ($1, $2, $3)', [id, v, s]);
          ops.push({ put: [id, `${v}|${s}`, 0] });
          if (!rollback) ids.add(id);
        } else if (kind < 0.85) {
          const id = pick();
          if (gone.has(id)) continue;
          const what = p.int(3); // v, s or both
          const v = kindsVec(p);
          const s = kindsSparse(p);
          const [set, params] = what === 0 ? ['v = $2', [id, v]] : what === 1 ? ['s = $2', [id, s]] : ['v = $2, s = $3', [id, v, s]];
          const res = await tx.query<{ v: string; s: string }>(`UPDATE items SET ${set} WHERE id = $1 RETURNING v::text AS v, s::text AS s`, params);
          ops.push({ put: [id, `${res.rows[0]!.v}|${res.rows[0]!.s}`, 0] });
        } else {
          const id = pick();
          if (gone.has(id)) continue;
          await tx.query('DELETE FROM items WHERE id = $1', [id]);
          ops.push({ del: id });
          gone.add(id);
        }
      }
      if (rollback) {
        await tx.rollback();
        return;
      }
      say({ t, ops });
    });
    if (!rollback) {
      for (const id of gone) ids.delete(id);
      say({ a: t });
    }
  }
}

if (process.argv[1]?.endsWith('crash_kinds_child.js')) {
  main().catch((e) => {
    process.stderr.write(`child failed: ${String(e?.stack ?? e)}\n`);
    process.exit(2);
  });
}
