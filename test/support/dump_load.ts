/**
 * Loading a plain-format dump into PGlite: its `exec` cannot read the data of an inline
 * `COPY ... FROM stdin`, and its socket server does not take COPY FROM STDIN, so the script is
 * split at each COPY block and the block's lines are fed through PGlite's `/dev/blob`.
 */
import assert from 'node:assert/strict';
import type { PGlite } from '@electric-sql/pglite';

/**
 * Loads a COPY-form dump into PGlite: SQL between COPY blocks by `exec`, each block through
 * `/dev/blob`. A COPY header may span lines (a quoted table name with a newline): it starts at
 * the last line beginning with `COPY ` before the line that ends with `FROM stdin;`.
 */
export async function loadCopyScript(db: PGlite, script: string): Promise<void> {
  const lines = script.split('\n');
  let sql: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/ FROM stdin;$/.test(lines[i]!)) {
      sql.push(lines[i]!);
      continue;
    }
    sql.push(lines[i]!);
    let start = sql.length - 1;
    while (start > 0 && !sql[start]!.startsWith('COPY ')) start--;
    assert.ok(sql[start]!.startsWith('COPY '), 'FROM stdin; without a COPY');
    const copy = sql.slice(start).join('\n').replace(/ stdin;$/, " '/dev/blob'");
    await db.exec(sql.slice(0, start).join('\n'));
    sql = [];
    const data: string[] = [];
    for (i++; lines[i] !== '\\.'; i++) {
      assert.ok(i < lines.length, 'COPY block without \\.');
      data.push(lines[i]! + '\n');
    }
    await db.query(copy, [], { blob: new Blob([data.join('')]) });
  }
  await db.exec(sql.join('\n'));
}
