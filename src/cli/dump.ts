/**
 * `vecgres dump`: opens a data directory and writes it as a SQL script that PostgreSQL +
 * pgvector loads with `psql -f` (pg_dump's plain format; see sql/dump/dump.ts), to a file or
 * standard output. The directory is opened as the server opens it (exclusively): stop a
 * `vecgres serve` on it first.
 */
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Vecgres } from '../index.js';
import { CONTROL_FILE_NAME } from '../storage/checkpoint.js';

/** Thrown when `--data` names no vecgres data directory (opening it would create an empty one). */
export class NotADataDirError extends Error {
  constructor(dir: string) {
    super(`"${dir}" is not a vecgres data directory (it has no ${CONTROL_FILE_NAME})`);
    this.name = 'NotADataDirError';
  }
}

export interface DumpCliOptions {
  data: string;
  /** Output file (default: standard output). */
  file?: string;
  inserts?: boolean;
  table?: string[];
}

/** Bytes gathered before one write (fewer system calls for many small rows). */
const WRITE_BUFFER_CHARS = 1 << 20;

/**
 * Runs the dump; resolves after the output is written and the database closed.
 * @throws NotADataDirError when `o.data` is not a data directory; PgError 55006 when a server
 *   has it open; the dump's errors (sql/dump/dump.ts).
 */
export async function runDump(o: DumpCliOptions): Promise<void> {
  if (!existsSync(join(o.data, CONTROL_FILE_NAME))) throw new NotADataDirError(o.data);
  const db = await Vecgres.create(o.data);
  let fd = -1;
  try {
    // Open the output only once the database opened, so a refused open leaves no empty file.
    fd = o.file === undefined ? 1 : openSync(o.file, 'w');
    let buf: string[] = [];
    let size = 0;
    const flush = () => {
      if (buf.length === 0) return;
      writeAll(fd, buf.join(''));
      buf = [];
      size = 0;
    };
    const summary = db.dump((chunk) => {
      buf.push(chunk);
      size += chunk.length;
      if (size >= WRITE_BUFFER_CHARS) flush();
    }, { inserts: o.inserts === true, ...(o.table === undefined ? {} : { tables: o.table }) });
    flush();
    console.error(`vecgres dump: ${summary.tables} table(s), ${summary.rows} row(s), ${summary.indexes} index(es)${o.file === undefined ? '' : ` written to ${o.file}`}`);
  } finally {
    if (fd > 2) closeSync(fd);
    await db.close();
  }
}

/** Writes all of `text` to `fd`, retrying while the descriptor is non-blocking and full. */
function writeAll(fd: number, text: string): void {
  let bytes = Buffer.from(text, 'utf8');
  while (bytes.length > 0) {
    try {
      const n = writeSync(fd, bytes);
      bytes = bytes.subarray(n);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}
