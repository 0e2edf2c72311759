/**
 * `vecgres dump`: writes a database as a SQL script that PostgreSQL + pgvector loads with
 * `psql -f` (pg_dump's plain format; see sql/dump/dump.ts), to a file or standard output. The
 * database is a data directory, opened as the server opens it (exclusively: stop a `vecgres
 * serve` on it first), or a running `vecgres serve` reached over the wire (cli/dump_remote.ts).
 */
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Vecgres } from '../index.js';
import type { DumpSummary } from '../sql/dump/dump.js';
import { CONTROL_FILE_NAME } from '../storage/checkpoint.js';

/** Thrown when `--data` names no vecgres data directory (opening it would create an empty one). */
export class NotADataDirError extends Error {
  constructor(dir: string) {
    super(`"${dir}" is not a vecgres data directory (it has no ${CONTROL_FILE_NAME})`);
    this.name = 'NotADataDirError';
  }
}

export interface DumpCliOptions {
  /** The data directory to dump; or a server (`host`, `port`, `user`, `dbname`: see cli/dump_remote.ts). */
  data?: string;
  host?: string;
  port?: number;
  user?: string;
  dbname?: string;
  /** Output file (default: standard output). */
  file?: string;
  inserts?: boolean;
  table?: string[];
}

/** Bytes gathered before one write (fewer system calls for many small rows). */
const WRITE_BUFFER_CHARS = 1 << 20;

/** Thrown when the options name both or neither of a data directory and a server. */
export class DumpSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DumpSourceError';
  }
}

/**
 * Runs the dump of a data directory (`o.data`) or of a running server (`o.host` / `o.dbname`,
 * with `o.port`, `o.user`; the password from PGPASSWORD or ~/.pgpass as node-postgres reads
 * them); resolves after the output is written and the database or connection closed.
 * @throws DumpSourceError when neither or both are given; NotADataDirError when `o.data` is not a
 *   data directory; PgError 55006 when a server has it open; NotVecgresServerError for a server
 *   that is not vecgres; the dump's errors (sql/dump/dump.ts).
 */
export async function runDump(o: DumpCliOptions): Promise<void> {
  const remote = o.host !== undefined || o.dbname !== undefined || o.port !== undefined || o.user !== undefined;
  if (o.data !== undefined && remote) throw new DumpSourceError('give either --data or a server (--host, --port, --user, --dbname), not both');
  if (o.data === undefined && !remote) throw new DumpSourceError('give the data directory (--data <dir>) or a running vecgres serve (--host, --port, --user, --dbname)');
  const dumpOpts = { inserts: o.inserts === true, ...(o.table === undefined ? {} : { tables: o.table }) };
  if (o.data === undefined) {
    const { dumpRemote } = await import('./dump_remote.js');
    const summary = await withOutput(o.file, (out) => dumpRemote({
      ...(o.host === undefined ? {} : { host: o.host }), ...(o.port === undefined ? {} : { port: o.port }),
      ...(o.user === undefined ? {} : { user: o.user }), ...(o.dbname === undefined ? {} : { dbname: o.dbname }),
    }, dumpOpts, out));
    report(summary, o.file);
    return;
  }
  if (!existsSync(join(o.data, CONTROL_FILE_NAME))) throw new NotADataDirError(o.data);
  const db = await Vecgres.create(o.data);
  try {
    // Open the output only once the database opened, so a refused open leaves no empty file.
    report(await withOutput(o.file, async (out) => db.dump(out, dumpOpts)), o.file);
  } finally {
    await db.close();
  }
}

function report(summary: DumpSummary, file: string | undefined): void {
  console.error(`vecgres dump: ${summary.tables} table(s), ${summary.rows} row(s), ${summary.indexes} index(es)${file === undefined ? '' : ` written to ${file}`}`);
}

/**
 * Runs `write` with a buffered writer to `file` (standard output when undefined), flushed at the
 * end; the file is opened before `write` starts and closed after it ends, however it ends.
 */
async function withOutput<T>(file: string | undefined, write: (out: (chunk: string) => void) => Promise<T>): Promise<T> {
  const fd = file === undefined ? 1 : openSync(file, 'w');
  try {
    let buf: string[] = [];
    let size = 0;
    const flush = () => {
      if (buf.length === 0) return;
      writeAll(fd, buf.join(''));
      buf = [];
      size = 0;
    };
    const result = await write((chunk) => {
      buf.push(chunk);
      size += chunk.length;
      if (size >= WRITE_BUFFER_CHARS) flush();
    });
    flush();
    return result;
  } finally {
    if (fd > 2) closeSync(fd);
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
