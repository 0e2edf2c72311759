/**
 * What the crash-recovery tests share: a database on a fault-injecting file system with small
 * log segments (so a few statements cross segment boundaries), and a power loss.
 */
import { Vecgres } from '../../src/index.js';
import type { FaultyFs } from '../../src/storage/fs_faulty.js';

/** Opens (or recovers) database `db` on `fs`, with 4 KiB log segments. */
export async function openSmallSegments(fs: FaultyFs): Promise<Vecgres> {
  return Vecgres.create('db', { storage: fs, walSegmentBytes: 4096 });
}

/** Power loss: unsynced bytes vanish, the process state is dropped. */
export function powerLoss(db: Vecgres, fs: FaultyFs): void {
  db.database.abandon();
  fs.powerCut();
}
