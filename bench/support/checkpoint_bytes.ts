/**
 * Bytes a CHECKPOINT writes after a batch of UPDATEs of an indexed table (incremental
 * checkpoints: engine/durability.ts, access/hnsw/persist.ts deltas), for the benches that
 * measure them (partitions, sparsevec). The database runs on an in-memory storage backend, so
 * the numbers are the checkpoint's payload bytes, never a disk's speed.
 */
import type { Vecgres } from '../../src/index.js';
import { loadAverage } from './machine.js';

/** What {@link checkpointAfterUpdates} measured. */
export interface CheckpointBytes {
  /** Bytes of the index's base file (its whole save) at the checkpoint before the updates. */
  wholeIndexBytes: number;
  /** Bytes the checkpoint after the updates wrote to index files (a delta or a whole save). */
  indexBytes: number;
  /** Bytes it wrote to table files (bases, deltas and segment files). */
  tableBytes: number;
  /** Whether the index went to a delta file (else a new base file). */
  delta: boolean;
  /** CPU seconds of that checkpoint (this thread). */
  cpuSeconds: number;
}

/**
 * Takes a CHECKPOINT (after which the index `index` of `db` has a base file), runs `update(k)`
 * for k = 0 .. updates - 1 (each one UPDATE statement), takes another CHECKPOINT and returns
 * what that one wrote.
 */
export async function checkpointAfterUpdates(db: Vecgres, index: string, updates: number, update: (k: number) => Promise<void>): Promise<CheckpointBytes> {
  await db.exec('CHECKPOINT');
  const d = db.database.durability!;
  const idx = db.database.indexes.get(index)!;
  const wholeIndexBytes = d.files.indexes.get(idx)!.baseBytes;
  for (let k = 0; k < updates; k++) await update(k);
  const cpu0 = process.cpuUsage();
  await db.exec('CHECKPOINT');
  const cpu = process.cpuUsage(cpu0);
  const st = d.lastCheckpoint!;
  return {
    wholeIndexBytes,
    indexBytes: st.indexBytes,
    tableBytes: st.bytes - st.indexBytes,
    delta: st.indexDeltaFiles > 0,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

/** One report line of {@link CheckpointBytes}. */
export function checkpointLine(updates: number, r: CheckpointBytes): string {
  const mb = (b: number): string => (b / 1e6).toFixed(2);
  return (
    `checkpoint after ${updates} UPDATEs: index ${mb(r.indexBytes)} MB (${r.delta ? 'delta' : 'whole save'}; whole index ${mb(r.wholeIndexBytes)} MB), ` +
    `tables ${mb(r.tableBytes)} MB, ${r.cpuSeconds.toFixed(2)} CPU s; load average ${loadAverage()}`
  );
}
