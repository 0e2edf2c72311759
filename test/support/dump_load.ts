/**
 * Loading a plain-format dump into PGlite: its `exec` cannot read the data of an inline
 * `COPY ... FROM stdin`, and its socket server does not take COPY FROM STDIN, so the script is
 * split at each COPY block and the block's lines are fed through PGlite's `/dev/blob`.
 */
import assert from 'node:assert/strict';
import type { PGlite } from '@electric-sql/pglite';

/** Loads a COPY-form dump into PGlite: SQL between COPY blocks by `exec`, each block through `/dev/blob`. */
export async function loadCopyScript(db: PGlite, script: string): Promise<void> {
  const lines = script.split('\n');
  let sql: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(COPY .* FROM) stdin;$/.exec(lines[i]!);
    if (m === null) {
      sql.push(lines[i]!);
      continue;
    }
    await db.exec(sql.join('\n'));
    sql = [];
    const data: string[] = [];
    for (i++; lines[i] !== '\\.'; i++) {
      assert.ok(i < lines.length, 'COPY block without \\.');
      data.push(lines[i]! + '\n');
    }
    await db.query(`${m[1]} '/dev/blob'`, [], { blob: new Blob([data.join('')]) });
  }
  await db.exec(sql.join('\n'));
}

