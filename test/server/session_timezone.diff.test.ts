/**
 * The TimeZone startup option over the wire: node-postgres connecting with
 * `options: '-c TimeZone=America/New_York'` gets the ParameterStatus and the text PostgreSQL
 * (PGlite behind pglite-socket, set to the same zone) sends, and a SET reports the new zone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { connectPeerPair } from './peer_pair.js';
import { startServer } from './helpers.js';

/** Every value as the text the server sent (no Date parsing). */
const raw = { getTypeParser: () => (v: string) => v };

test('node-postgres with -c TimeZone=America/New_York sees PostgreSQL\'s text and ParameterStatus', async () => {
  const peers = await connectPeerPair();
  const s = await startServer();
  const mine = new pg.Client({ ...s.conn, options: '-c TimeZone=America/New_York' });
  const reported: string[] = [];
  (mine as unknown as { connection: { on(e: string, f: (m: { parameterName: string; parameterValue: string }) => void): void } }).connection.on('parameterStatus', (m) => {
    if (m.parameterName === 'TimeZone') reported.push(m.parameterValue);
  });
  try {
    await mine.connect();
    await peers.theirs.query("SET TimeZone = 'America/New_York'");
    assert.deepEqual(reported, ['America/New_York']);
    const sqls = [
      "SELECT timestamptz '2026-03-08 06:59:59+00' AS a, timestamptz '2026-03-08 07:00+00' AS b, timestamptz '2026-11-01 05:30+00' AS c, timestamptz '2026-11-01 06:30+00' AS d",
      "SELECT timestamptz '2026-03-08 02:30' AS gap, timestamptz '2026-11-01 01:30' AS overlap, (timestamptz '2026-03-07 12:00' + interval '1 day') AS day",
      "SELECT to_char(timestamptz '2026-07-01 12:00+00', 'YYYY-MM-DD HH24:MI TZ OF') AS c, date_trunc('day', timestamptz '2026-07-01 02:00+00') AS t",
      "SELECT ARRAY[timestamptz '2026-07-01 12:00+00'] AS arr, current_setting('TimeZone') AS z",
    ];
    for (const sql of sqls) {
      const want = await peers.theirs.query({ text: sql, types: raw });
      const got = await mine.query({ text: sql, types: raw });
      assert.deepEqual(got.rows, want.rows, sql);
      // The extended protocol too (a parameter read in the session's zone).
      const p = await mine.query({ text: 'SELECT $1::timestamptz AS t', values: ['2026-07-01 12:00'], types: raw });
      const q = await peers.theirs.query({ text: 'SELECT $1::timestamptz AS t', values: ['2026-07-01 12:00'], types: raw });
      assert.deepEqual(p.rows, q.rows);
    }
    await mine.query("SET TimeZone = 'Asia/Kolkata'");
    assert.deepEqual(reported, ['America/New_York', 'Asia/Kolkata']);
    const r = await mine.query({ text: "SELECT timestamptz '2026-07-01 12:00+00' AS t", types: raw });
    assert.equal(r.rows[0].t, '2026-07-01 17:30:00+05:30');
  } finally {
    await mine.end().catch(() => undefined);
    await s.close();
    await peers.close();
  }
});
