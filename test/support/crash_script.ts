/**
 * The body of a random crash script (transactional DDL and ALTER TABLE crash tests): runs
 * `len` statements from `next` on session `s` (CHECKPOINT on `other`, so it never waits on
 * `s`'s own block), keeping `snapshot()` of the state each time `s` is idle outside a block,
 * which is exactly what recovery must bring back; errors with a SQLSTATE are part of the
 * script, anything else is a bug and rethrows. Then it makes whatever `s`'s open transaction
 * logged durable (another session's DDL flushes the log), ready for a power cut.
 * @returns the state recovery must restore and the statements run (for the failure message).
 */
import type { VecgresSession } from '../../src/index.js';

export async function runCrashScript<T>(
  s: VecgresSession,
  other: VecgresSession,
  len: number,
  next: () => string,
  snapshot: () => Promise<T>,
): Promise<{ expected: T; done: string[] }> {
  const done: string[] = [];
  let expected = await snapshot();
  for (let k = 0; k < len; k++) {
    const sql = next();
    done.push(sql);
    try {
      if (sql === 'CHECKPOINT') await other.query(sql);
      else await s.query(sql);
    } catch (e) {
      if (typeof (e as { code?: unknown }).code !== 'string') throw e;
    }
    const idle = (await s.query('SELECT 1').then(() => true, () => false)) && !(await inBlock(s));
    if (idle) expected = await snapshot();
  }
  await other.query('CREATE TABLE flushed (x int)');
  await other.query('DROP TABLE flushed');
  return { expected, done };
}

/** True when session `s` is inside a transaction block (SAVEPOINT is refused outside one). */
export async function inBlock(s: VecgresSession): Promise<boolean> {
  try {
    await s.query('SAVEPOINT probe');
    await s.query('RELEASE probe');
    return true;
  } catch {
    return false;
  }
}
