/**
 * A data directory as one tar archive (the embedded API's dumpDataDir / loadDataDir, as PGlite
 * has them), and the checks that keep a bad archive from becoming a database.
 *
 * Archive layout (POSIX ustar, written and parsed by the `nanotar` package; gzip is applied
 * by the caller, index.ts):
 *
 *   vecgres.manifest   first entry: JSON {format, version, files: [{path, size, crc32c}]}
 *   vecgres.control    the control file (storage/checkpoint.ts)
 *   base/<file>        checkpoint files the control file names (engine/durability.ts)
 *   wal/<segment>.wal  log segments from the control file's redo point on (may be none)
 *
 * The manifest lists every other entry with its size and CRC-32C, so a damaged, truncated or
 * spliced archive is refused before a single byte reaches the target directory: the checkpoint
 * files carry their own checksums too, but the log's tail is allowed to be torn (recovery stops
 * there with a WARNING), and a missing file would only be found by recovery after the write.
 *
 * The lock file (vecgres.pid) and temporary files (*.tmp) are never archived.
 */
import { createTar, parseTar, type ParsedTarFileItem } from 'nanotar';
import { PgError, SQLSTATE } from '../common/errors.js';
import { CONTROL_FILE_NAME } from './checkpoint.js';
import { crc32c } from './crc32c.js';
import { joinPath, type StorageBackend } from './fs.js';
import { FILE_SQLSTATE, withIo } from './io_errors.js';

/** Name of the manifest entry, always the archive's first. */
export const ARCHIVE_MANIFEST_NAME = 'vecgres.manifest';
/** The manifest's `format` field: what tells a vecgres archive from any other tarball. */
export const ARCHIVE_FORMAT = 'vecgres-data-directory';
/** The manifest's `version` field; an archive of a later version is refused. */
export const ARCHIVE_VERSION = 1;
/** The subdirectories of a data directory that an archive holds, besides the control file. */
const ARCHIVED_DIRS = ['base', 'wal'] as const;

/** One file of a data directory: its path relative to the directory ('/'-separated) and bytes. */
export interface ArchiveFile {
  path: string;
  data: Uint8Array;
}

interface ManifestEntry {
  path: string;
  size: number;
  crc32c: number;
}

/** XX001 `invalid data directory archive: <what>`. */
function badArchive(what: string): PgError {
  return new PgError(SQLSTATE.data_corrupted, `invalid data directory archive: ${what}`, {
    hint: 'The archive must be the unchanged output of dumpDataDir().',
  });
}

/**
 * Reads the files of data directory `dir` that make up a database: the control file, the
 * checkpoint files and the log segments (not the lock file, not temporary files). Synchronous,
 * so nothing changes them while they are read: the caller takes the checkpoint (and flushes
 * the log) just before.
 * @throws PgError mapped I/O errors (58P01, 42501, 58030...).
 */
export function readDataDirFiles(fs: StorageBackend, dir: string): ArchiveFile[] {
  const out: ArchiveFile[] = [{ path: CONTROL_FILE_NAME, data: readWhole(fs, joinPath(dir, CONTROL_FILE_NAME)) }];
  for (const sub of ARCHIVED_DIRS) {
    const d = joinPath(dir, sub);
    if (!fs.exists(d)) continue;
    for (const name of withIo('list', d, () => fs.list(d))) {
      if (name.endsWith('.tmp')) continue;
      out.push({ path: `${sub}/${name}`, data: readWhole(fs, joinPath(d, name)) });
    }
  }
  return out;
}

function readWhole(fs: StorageBackend, path: string): Uint8Array {
  const fd = withIo('open', path, () => fs.open(path, 'read'));
  try {
    const n = withIo('stat', path, () => fs.size(fd));
    const buf = new Uint8Array(n);
    const got = withIo('read', path, () => fs.read(fd, buf, 0, n, 0));
    if (got !== n) throw new PgError(SQLSTATE.data_corrupted, `could not read file "${path}": read ${got} of ${n}`);
    return buf;
  } finally {
    fs.close(fd);
  }
}

/** Packs data-directory files into an uncompressed tar archive, the manifest first. */
export function packArchive(files: readonly ArchiveFile[], mtimeMs: number): Uint8Array {
  const manifest = {
    format: ARCHIVE_FORMAT,
    version: ARCHIVE_VERSION,
    files: files.map((f): ManifestEntry => ({ path: f.path, size: f.data.length, crc32c: crc32c(f.data, 0, f.data.length) })),
  };
  const attrs = { mtime: mtimeMs, mode: '600' };
  const tar = createTar([{ name: ARCHIVE_MANIFEST_NAME, data: JSON.stringify(manifest), attrs }, ...files.map((f) => ({ name: f.path, data: f.data, attrs }))]);
  return withEndOfArchive(tar);
}

/**
 * `tar` followed by the two zero blocks (1,024 bytes) that end a POSIX tar archive. nanotar's
 * createTar pads to a multiple of 10,240 bytes, which leaves no zero block when the entries
 * fill it exactly, and its parser stops one block before the end: the last entry of such an
 * archive (often an empty WAL segment) was lost. Readers skip the extra zero blocks.
 */
function withEndOfArchive(tar: Uint8Array): Uint8Array {
  const out = new Uint8Array(tar.byteLength + END_OF_ARCHIVE_BYTES);
  out.set(tar);
  return out;
}

/** Two 512-byte zero blocks: the end-of-archive marker of POSIX ustar. */
const END_OF_ARCHIVE_BYTES = 1024;

/** True for a tar archive of a PostgreSQL data directory (PGlite's dumpDataDir writes these). */
function isPostgresDataDir(names: readonly string[]): boolean {
  return names.some((n) => n === 'PG_VERSION' || n === 'global/pg_control' || n.endsWith('/PG_VERSION'));
}

/**
 * Parses and verifies an uncompressed archive of {@link packArchive}: the manifest's format
 * and version, every listed file present once with its size and CRC-32C, nothing else but
 * directory entries, and only paths a data directory has (no `..`, no absolute paths).
 * @throws PgError XX001 `invalid data directory archive: ...` for anything else; 0A000 for
 *   a PostgreSQL (PGlite) data directory archive, which vecgres cannot load.
 */
export function unpackArchive(tar: Uint8Array): ArchiveFile[] {
  // nanotar reads `data.buffer` when it has one: hand it a buffer of exactly these bytes, with
  // the end-of-archive blocks added, so that an archive written without them (by vecgres
  // before they were added, when the entries filled its last 10,240 bytes) loads whole.
  const own = withEndOfArchive(tar);
  let entries: ParsedTarFileItem[];
  try {
    entries = parseTar(own) as ParsedTarFileItem[];
  } catch (e) {
    // A size field pointing past the end makes the parser index out of bounds.
    throw badArchive(`not a readable tar archive (${e instanceof Error ? e.message : String(e)})`);
  }
  const files = entries.filter((e) => e.type !== 'directory');
  const names = files.map((e) => e.name.replace(/^\.\//, ''));
  if (isPostgresDataDir(names)) {
    throw new PgError(SQLSTATE.feature_not_supported, 'loading a PostgreSQL data directory archive is not supported', {
      detail: 'The archive holds PG_VERSION: it is a PostgreSQL or PGlite data directory (such as PGlite\'s dumpDataDir() writes), whose format vecgres does not read.',
      hint: 'Move the data with pg_dump --no-owner (plain format) and run the script with exec().',
    });
  }
  if (files.length === 0 || names[0] !== ARCHIVE_MANIFEST_NAME) throw badArchive(`the first entry is not "${ARCHIVE_MANIFEST_NAME}"`);
  let manifest: { format?: unknown; version?: unknown; files?: unknown };
  try {
    manifest = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(files[0]!.data ?? new Uint8Array(0)));
  } catch {
    throw badArchive(`"${ARCHIVE_MANIFEST_NAME}" is not valid JSON`);
  }
  if (manifest === null || typeof manifest !== 'object' || manifest.format !== ARCHIVE_FORMAT) throw badArchive(`"${ARCHIVE_MANIFEST_NAME}" is not a vecgres manifest`);
  if (manifest.version !== ARCHIVE_VERSION) throw badArchive(`unsupported archive version ${String(manifest.version)} (this vecgres reads version ${ARCHIVE_VERSION})`);
  const listed = manifest.files;
  if (!Array.isArray(listed)) throw badArchive('the manifest lists no files');
  const byName = new Map<string, Uint8Array>();
  for (let i = 1; i < files.length; i++) {
    if (byName.has(names[i]!)) throw badArchive(`file "${names[i]}" appears twice`);
    byName.set(names[i]!, files[i]!.data ?? new Uint8Array(0));
  }
  const out: ArchiveFile[] = [];
  for (const m of listed as ManifestEntry[]) {
    if (m === null || typeof m !== 'object' || typeof m.path !== 'string' || !Number.isSafeInteger(m.size) || !Number.isInteger(m.crc32c)) throw badArchive('a manifest entry is malformed');
    if (!isDataDirPath(m.path)) throw badArchive(`the manifest names "${m.path}", which is no data directory file`);
    const data = byName.get(m.path);
    if (data === undefined) throw badArchive(`file "${m.path}" is missing`);
    if (data.length !== m.size) throw badArchive(`file "${m.path}" has ${data.length} bytes, the manifest says ${m.size}`);
    if (crc32c(data, 0, data.length) !== m.crc32c) throw badArchive(`file "${m.path}" is damaged (checksum mismatch)`);
    byName.delete(m.path);
    out.push({ path: m.path, data });
  }
  for (const extra of byName.keys()) throw badArchive(`file "${extra}" is not in the manifest`);
  if (!out.some((f) => f.path === CONTROL_FILE_NAME)) throw badArchive(`"${CONTROL_FILE_NAME}" is missing`);
  return out;
}

/** The control file, or one plain name under base/ or wal/. */
function isDataDirPath(p: string): boolean {
  if (p === CONTROL_FILE_NAME) return true;
  const slash = p.indexOf('/');
  if (slash < 0) return false;
  const dir = p.slice(0, slash);
  const name = p.slice(slash + 1);
  return (ARCHIVED_DIRS as readonly string[]).includes(dir) && /^[A-Za-z0-9_.-]+$/.test(name) && name !== '.' && name !== '..';
}

/**
 * Writes verified archive files into `dir`, which must be missing or empty; each file is
 * fsynced, then the directories. On a failure the files written so far are removed.
 * @throws PgError 58P02 `directory "<dir>" exists but is not empty` (nothing written); mapped
 *   I/O errors (53100 disk full, 42501...).
 */
export function writeDataDirFiles(fs: StorageBackend, dir: string, files: readonly ArchiveFile[]): void {
  if (fs.exists(dir) && withIo('list', dir, () => fs.list(dir)).length > 0) {
    throw new PgError(FILE_SQLSTATE.duplicate_file, `directory "${dir}" exists but is not empty`, {
      hint: 'loadDataDir restores into a new or empty directory; omit dataDir to load into memory.',
    });
  }
  const written: string[] = [];
  try {
    withIo('mkdir', dir, () => fs.mkdir(dir));
    for (const sub of ARCHIVED_DIRS) {
      const d = joinPath(dir, sub);
      withIo('mkdir', d, () => fs.mkdir(d));
    }
    for (const f of files) {
      const p = joinPath(dir, f.path);
      const fd = withIo('create', p, () => fs.open(p, 'create'));
      written.push(p);
      try {
        withIo('write', p, () => fs.write(fd, f.data, 0, f.data.length, 0));
        withIo('fsync', p, () => fs.fsync(fd));
      } finally {
        fs.close(fd);
      }
    }
    for (const sub of ARCHIVED_DIRS) {
      const d = joinPath(dir, sub);
      withIo('fsync', d, () => fs.fsyncDir(d));
    }
    withIo('fsync', dir, () => fs.fsyncDir(dir));
  } catch (e) {
    for (const p of written) {
      try {
        fs.unlink(p);
      } catch {
        // Best effort: the error that stopped the restore is the one to report.
      }
    }
    throw e;
  }
}
