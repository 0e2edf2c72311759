/**
 * COPY round trips against the oracle for one table: COPY TO in text, CSV (with a header) and
 * binary must give the oracle's bytes, the oracle's output must load back into both with the
 * same rows, and a line the table's types reject must fail as on the oracle and change nothing.
 */
import assert from 'node:assert/strict';
import type { SqlPair } from './sql_pair.js';

const hex = async (b: Blob | undefined): Promise<string | null> => (b === undefined ? null : Buffer.from(await b.arrayBuffer()).toString('hex'));

/**
 * Runs the round trips over `table` (ordered by its `id` column); `rowsSql` reads the rows to
 * compare after each load, `badLine` is a text-format line the load must refuse.
 */
export async function checkCopyRoundTrip(pair: Pick<SqlPair, 'db' | 'oracle' | 'same'>, table: string, rowsSql: string, badLine: string): Promise<void> {
  const { db, oracle, same } = pair;
  for (const f of ['', 'WITH (FORMAT csv, HEADER)', 'WITH (FORMAT binary)']) {
    const sql = `COPY (SELECT * FROM ${table} ORDER BY id) TO '/dev/blob' ${f}`;
    const want = await oracle.query(sql);
    const got = await db.query(sql);
    const bytes = await hex(want.blob);
    // Byte for byte, binary too.
    assert.equal(await hex(got.blob), bytes, sql);
    // The oracle's output loads back into the same rows.
    const into = `COPY ${table} FROM '/dev/blob' ${f.replace(', HEADER', ', HEADER true')}`;
    const blob = () => ({ blob: new Blob([Buffer.from(bytes!, 'hex')]) });
    await oracle.query(into, [], blob());
    await db.query(into, [], blob());
    await same(rowsSql);
  }
  const bad = `COPY ${table} FROM '/dev/blob'`;
  const badBlob = () => ({ blob: new Blob([badLine]) });
  const want = await oracle.tryQuery(bad, [], badBlob());
  await assert.rejects(db.query(bad, [], badBlob()), (e: { code: string; message: string }) => !want.ok && e.code === want.code && e.message === want.message);
  await same(`SELECT count(*) FROM ${table}`);
}
