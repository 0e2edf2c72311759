/**
 * PGlite instances for tests, started from a data directory made once per installation
 * instead of by initdb in every test file.
 *
 * A fresh PGlite runs initdb before its first query: about 2 s of the 2.5 s a small test file
 * takes, and the suite starts a few hundred of them. The first call makes two snapshots
 * (initdb'd, and initdb'd with `CREATE EXTENSION vector` run) under `node_modules/.cache`, which
 * `npm ci` clears with the packages they depend on; later instances load one (~0.4 s).
 *
 * The snapshot is taken from a cluster that shut down cleanly and was started again without
 * allocating an oid: PostgreSQL's shutdown checkpoint records the exact next oid (an online
 * checkpoint records it plus the prefetched range), so objects created afterwards get the oids
 * they get on a fresh instance, which the oid tests compare. Only WAL positions differ.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';

const root = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..', '..', '..');
const cacheDir = path.join(root, 'node_modules', '.cache', 'vecgres-tests');

/** The snapshot tarball's path (made if missing; concurrent makers race harmlessly). */
async function snapshot(withVector: boolean): Promise<string> {
  const file = path.join(cacheDir, withVector ? 'pglite-vector.tar' : 'pglite.tar');
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(cacheDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vecgres-pglite-'));
  try {
    const first = await PGlite.create({ dataDir: dir, extensions: { vector } });
    if (withVector) await first.exec('CREATE EXTENSION vector');
    await first.close();
    const again = await PGlite.create({ dataDir: dir, extensions: { vector } });
    const tar = await again.dumpDataDir('none');
    await again.close();
    const tmp = `${file}.${process.pid}`;
    fs.writeFileSync(tmp, Buffer.from(await tar.arrayBuffer()));
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return file;
}

/**
 * A new in-memory PGlite with pgvector loaded, as `PGlite.create({ extensions: { vector } })`
 * makes it, plus `options` (parsers, serializers, ...); `createExtension` also runs
 * `CREATE EXTENSION vector` (its oids as a fresh instance gives them).
 */
export async function startPglite(options: { createExtension?: boolean } & Omit<PGliteOptions, 'dataDir' | 'loadDataDir'> = {}): Promise<PGlite> {
  const { createExtension = false, ...rest } = options;
  const file = await snapshot(createExtension);
  const pg = await PGlite.create({ extensions: { vector }, ...rest, loadDataDir: new Blob([fs.readFileSync(file)]) });
  // CREATE EXTENSION loaded pgvector's library into the session, which defines its settings
  // (hnsw.ef_search, ...); a restarted one loads it on first use, so load it now.
  if (createExtension) {
    await pg.exec(`SELECT '[1]'::vector`);
    // PGlite reads the array types it parses into JS arrays when it starts. A fresh instance
    // started before CREATE EXTENSION, so it returns vector[], halfvec[] and sparsevec[] as
    // text (as vecgres' embedded API does); this one started with them in its catalog.
    const ext = await pg.query<{ typarray: number }>('SELECT typarray FROM pg_type WHERE oid >= 16384 AND typarray <> 0');
    for (const { typarray } of ext.rows) {
      delete pg.parsers[typarray];
      delete pg.serializers[typarray];
    }
  }
  return pg;
}
