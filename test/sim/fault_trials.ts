/**
 * What the fault-injection trials (engine_faults*.test.ts) share: the model of acknowledged
 * rows, its comparison, and reopening a database on a faulty backend until recovery finishes.
 */
import { Vecgres } from '../../src/index.js';
import { PgError } from '../../src/common/errors.js';
import { SimulatedCrash, type FaultyFs } from '../../src/storage/fs_faulty.js';

/** Acknowledged rows: key -> value text. */
export type Model = Map<number, string>;

/** Whether two models hold the same keys and values. */
export function sameModel(a: Model, b: Model): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/**
 * Opens database 'db' on `fs`, rebooting after a simulated crash and retrying a failed recovery
 * (injection stops after 4 attempts so recovery can finish); `setup` runs on the opened database.
 * @throws Error naming the seed when recovery fails 21 times or with a non-PostgreSQL error.
 */
export async function openWithRetries(fs: FaultyFs, seed: number, walSegmentBytes: number, setup?: (db: Vecgres) => Promise<void>): Promise<Vecgres> {
  for (let attempt = 0; ; attempt++) {
    try {
      const db = await Vecgres.create('db', { storage: fs, walSegmentBytes });
      if (setup !== undefined) await setup(db);
      return db;
    } catch (e) {
      if (e instanceof SimulatedCrash) fs.reboot();
      else if (!(e instanceof PgError) || attempt > 20) throw new Error(`seed ${seed}: recovery failed: ${String(e)}`);
      if (attempt > 3) fs.setPlan({ seed }); // stop injecting so recovery can finish
    }
  }
}
