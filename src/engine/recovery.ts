/**
 * Opening a durable database: load the latest checkpoint, replay the write-ahead log after its
 * redo point, and leave exactly the committed transactions applied (ARIES-style redo of
 * logical records; in-flight transactions are rolled back at the end, as PostgreSQL does with
 * transactions that have no commit record).
 *
 * Replay re-executes each record through the same catalog methods the engine uses at run
 * time, with logging switched off, so rows get the same slot numbers they had before the
 * crash and the checkpointed index files (which name rows by slot) stay valid. Indexes are
 * read back from their checkpoint files, or rebuilt from the table when a method cannot save
 * or the file is missing; replayed inserts and deletes maintain them as at run time.
 *
 * A torn or corrupt record ends replay there with a WARNING (the records after it were never
 * acknowledged: a commit is acknowledged only after every earlier byte is durable). A damaged
 * checkpoint file is an error naming the file: recovery never starts from a partial state.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { isOrderedAm, type IndexAm, type OpClass, type OrderedIndex, type OrderedIndexAm, type VectorIndex } from '../access/am.js';
import { buildOrderedIndex, primaryKeyIndex } from '../sql/exec/ordered_index.js';
import { bug } from '../sql/exec/eval.js';
import { ByteReader, type CodecValue } from '../storage/codec.js';
import type { Catalog, ExtensionRecord, IndexDef } from '../storage/catalog.js';
import { CONTROL_FILE_NAME, CheckpointStore, invalidCheckpoint, type CheckpointReader, type ControlData } from '../storage/checkpoint.js';
import { joinPath, type StorageBackend } from '../storage/fs.js';
import { FILE_SQLSTATE } from '../storage/io_errors.js';
import { decodeRedo, indexDefFromValue, type Redo } from '../storage/redo.js';
import { Table, type ColumnDef } from '../storage/table.js';
import { defaultSequenceDef, sequenceFromValue } from '../storage/sequence.js';
import { viewDefFromValue, type ViewDef } from '../storage/view.js';
import { enumTypeFromValue, type EnumTypeDef } from '../storage/enum_type.js';
import { schemaFromValue, type SchemaDef } from '../storage/schema_def.js';
import { Wal, listSegments, replayStopWarning, segmentName } from '../storage/wal.js';
import type { WalRecord } from '../storage/wal_record.js';
import type { SqlEnv, TxnState } from '../sql/env.js';
import { finishWrites, replayRollbackTo } from '../sql/exec/txn.js';
import { pkeyOf } from '../sql/exec/insert.js';
import {
  addColumnTx, alterSequenceTx, alterViewTx, createViewTx, dropViewTx, alterTableTx, alterEnumTypeTx, commentIndexTx, createEnumTypeTx, createExtensionTx, createIndexTx, createSequenceTx, createTableTx, dropColumnTx, dropEnumTypeTx, createSchemaTx, dropSchemaTx, renameSchemaTx, renameIndexTx, dropExtensionTx, dropIndexTx, dropSequenceTx, dropTableTx, rewriteColumnTx, truncateTx,
} from '../sql/exec/ddl_txn.js';
import { buildIndexOverTable } from '../sql/exec/index_build.js';
import { compileIndexDef, insertIntoIndexes } from '../sql/exec/index_keys.js';
import { Durability, KIND_INDEX, KIND_INDEX_DELTA, KIND_TABLE, KIND_TABLE_DELTA, META_VERSION, META_VERSION_FULL, META_VERSION_TABLE_DELTAS, badMeta, walDir, type CheckpointFiles, type DurabilityOptions, type SegmentFileRef } from './durability.js';
import type { SegmentFiles } from '../storage/buffer_cache.js';

/** What recovery did, for logs, tests and the recovery benchmark. */
export interface RecoveryReport {
  /** Checkpoint loaded (0: none, a new database). */
  checkpointId: number;
  /** Log records replayed after the checkpoint's redo point. */
  records: number;
  /** Bytes of log replayed. */
  walBytes: number;
  /** Transactions rolled back because the log had no commit for them. */
  rolledBack: number;
  /**
   * Indexes read from checkpoint files / rebuilt from their tables (a primary key's B-tree,
   * rebuilt with its table at every open, is not counted).
   */
  indexesLoaded: number;
  indexesRebuilt: number;
  /** WARNINGs to show the user (a torn or corrupt log tail). */
  warnings: PgError[];
}

/**
 * Builds the structure of index `def` over the rows of `table` (CREATE INDEX, or recovery of
 * an index without a usable file). Returns null for an INVALID index (no structure) and for a
 * primary key of a type without a B-tree order.
 */
export function buildIndexStructure(env: SqlEnv, def: IndexDef, table: Table): VectorIndex | OrderedIndex | null {
  if (def.valid === false) return null;
  if (def.primaryKey) return primaryKeyIndex(env, def, table);
  const any = env.methods.get(def.method);
  // B-trees are never saved in checkpoints: rebuilt from the table (sort + bottom-up load).
  if (any !== undefined && isOrderedAm(any)) return buildOrderedIndex(env, any, def, table);
  const am = methodOf(env.methods, def);
  const { dim, opclass } = indexShape(env, am, def, table);
  return buildIndexOverTable(env, am, { name: def.name, table, def, dim, opclass, options: new Map(def.options) });
}

/** The dimension and operator class of a vector index's (single) key. */
function indexShape(env: SqlEnv, am: IndexAm, def: IndexDef, table: Table): { dim: number; opclass: OpClass } {
  const key = def.keys[0]!;
  const opclass = am.opclasses.find((o) => o.name === key.opclass);
  if (opclass === undefined) throw new PgError(SQLSTATE.data_corrupted, `index "${def.name}" names unknown operator class "${key.opclass}"`);
  return { dim: compileIndexDef(env, def, table).keyTypes[0]!.typmod, opclass };
}

function methodOf(methods: ReadonlyMap<string, IndexAm | OrderedIndexAm>, def: IndexDef): IndexAm {
  const am = methods.get(def.method);
  if (am !== undefined && isOrderedAm(am)) bug(`index "${def.name}": ordered method "${def.method}" read as a vector method`);
  if (am === undefined) throw new PgError(SQLSTATE.undefined_object, `access method "${def.method}" does not exist`);
  return am;
}

/** Reads a whole checkpoint file with `read`, closing it on failure and naming it in errors. */
function readFile<T>(r: CheckpointReader, read: (r: CheckpointReader) => T, dispose: (v: T) => void): T {
  let v: T;
  try {
    v = read(r);
  } catch (e) {
    r.close();
    if (e instanceof PgError && e.code === SQLSTATE.data_corrupted && !e.message.includes(r.path)) throw invalidCheckpoint(r.path, e.message);
    throw e;
  }
  try {
    r.finish(); // the payload checksum: nothing read is published before it passes
  } catch (e) {
    dispose(v);
    throw e;
  }
  return v;
}

/**
 * Names the segment files of a table just read (its evicted segments read them on first use,
 * storage/buffer_cache.ts); every evicted segment must have one.
 * @throws PgError XX001 naming the control file for a segment file the checkpoint does not
 *   list, or a segment left out of the table's files that no segment file holds.
 */
function nameSegmentFiles(t: Table, file: string, segments: readonly SegmentFileRef[], source: SegmentFiles, listed: (f: string) => boolean): void {
  const stores = new Map(t.cachedStores().map((x) => [x.col, x.store]));
  for (const s of segments) {
    const st = stores.get(s.col);
    if (st === undefined || s.seg < 0 || s.seg >= st.segments.length || !listed(s.file)) throw badMeta(`table "${t.name}" names segment file "${s.file}" of no segment`);
    if (st.segments[s.seg] !== 0) st.pendingFiles.set(s.seg, s.file);
  }
  for (const store of stores.values()) {
    store.installFiles(source);
    for (let k = 0; k < store.segments.length; k++) {
      if (store.segments[k] === -1 && (store.files[k] ?? null) === null) throw invalidCheckpoint(file, `segment ${k} is in no segment file`);
    }
  }
}

interface Meta {
  nextXid: number;
  /** Full file names (generation suffix included), deltas in the order they apply. */
  tables: { name: string; file: string; deltas: string[]; segments: SegmentFileRef[] }[];
  /** An index's base file and its deltas (full names, in the order they apply). */
  indexes: { def: IndexDef; file: string | null; deltas: string[] }[];
  /** Sequences (sequence.ts sequenceToValue), or `[name, last issued]` pairs of old checkpoints. */
  sequences: CodecValue[];
  /**
   * Installed extensions; null in checkpoints written before extension records existed (the
   * record is then derived from the tables: catalog.resolveLegacyExtensions).
   */
  extensions: ExtensionRecord[] | null;
  /** The object id map (storage/object_ids.ts toValue), or null in a checkpoint older than it. */
  oids: CodecValue | null;
  /** Views (storage/view.ts viewDefToValue), in creation order; none in older checkpoints. */
  views: ViewDef[];
  /** Enum types (storage/enum_type.ts); none in a checkpoint older than them. */
  types: EnumTypeDef[];
  /** User schemas (storage/schema_def.ts); none in a checkpoint older than them. */
  schemas: SchemaDef[];
}

/**
 * The control file's metadata. Version 1 (before incremental checkpoints) names files without
 * their generation suffix, all of checkpoint `checkpointId`; version 2 names them in full;
 * version 3 adds index deltas.
 */
function parseMeta(v: CodecValue, checkpointId: number): Meta {
  const o = v as Record<string, CodecValue> | null;
  if (o === null || typeof o !== 'object' || (o['version'] !== META_VERSION && o['version'] !== META_VERSION_TABLE_DELTAS && o['version'] !== META_VERSION_FULL)) throw badMeta('unsupported version');
  const full = (f: string): string => (o['version'] === META_VERSION_FULL ? `${f}.${checkpointId.toString(16)}` : f);
  try {
    return {
      nextXid: o['nextXid'] as number,
      tables: (o['tables'] as Record<string, CodecValue>[]).map((t) => {
        const deltas = (t['deltas'] ?? []) as string[];
        if (typeof t['name'] !== 'string' || typeof t['file'] !== 'string' || !Array.isArray(deltas) || deltas.some((d) => typeof d !== 'string')) throw new Error('bad table entry');
        const cols = t['segCols'] ?? new Int32Array(0);
        const nums = t['segNums'] ?? new Int32Array(0);
        const segFiles = (t['segFiles'] ?? []) as string[];
        if (!(cols instanceof Int32Array) || !(nums instanceof Int32Array) || !Array.isArray(segFiles) || cols.length !== nums.length || cols.length !== segFiles.length || segFiles.some((f) => typeof f !== 'string')) {
          throw new Error('bad segment list');
        }
        const segments = segFiles.map((file, i) => ({ col: cols[i]!, seg: nums[i]!, file }));
        return { name: t['name'], file: full(t['file']), deltas, segments };
      }),
      indexes: (o['indexes'] as Record<string, CodecValue>[]).map((x) => {
        const deltas = (x['deltas'] ?? []) as string[];
        if (!Array.isArray(deltas) || deltas.some((d) => typeof d !== 'string') || (deltas.length > 0 && x['file'] === null)) throw new Error('bad index entry');
        return { def: indexDefFromValue(x['def']!), file: x['file'] === null ? null : full(x['file'] as string), deltas };
      }),
      sequences: o['sequences'] as CodecValue[],
      extensions: o['extensions'] === undefined ? null : (o['extensions'] as CodecValue[]).map((e) => {
        const [name, version] = e as [string, string];
        if (typeof name !== 'string' || typeof version !== 'string') throw new Error('bad extension entry');
        return { name, version };
      }),
      oids: o['oids'] ?? null,
      views: ((o['views'] ?? []) as CodecValue[]).map(viewDefFromValue),
      types: ((o['types'] ?? []) as CodecValue[]).map(enumTypeFromValue),
      schemas: ((o['schemas'] ?? []) as CodecValue[]).map(schemaFromValue),
    };
  } catch (e) {
    throw badMeta(e instanceof Error ? e.message : String(e));
  }
}

/**
 * Opens (creating if new) the database in `dir` on `fs` into the empty catalog and index map
 * of `env`, and returns the logging half with a report. Afterwards the catalog logs through
 * the returned {@link Durability}.
 *
 * A failed open changes nothing on disk: the control file, the checkpoint files and the log
 * are only read until the whole state is rebuilt in memory; only then is the torn log tail cut,
 * the leftovers of an interrupted checkpoint removed and an abort record logged for each
 * transaction rolled back. A directory is new only when it has no control file, no checkpoint
 * file and no log segment; a new database gets its control file (checkpoint 0) before its
 * first log record, as initdb writes pg_control.
 * @throws PgError 58P01 `could not open file "<dir>/vecgres.control"` when checkpoint files or
 *   log segments exist without a control file; XX001 naming the file for a damaged checkpoint
 *   or control file, or for a log that lacks the redo point (each with a hint); mapped I/O
 *   errors (42501, 53100, 58030...).
 */
export function recover(fs: StorageBackend, dir: string, env: SqlEnv, opts: DurabilityOptions = {}): { durability: Durability; report: RecoveryReport } {
  const catalog: Catalog = env.catalog;
  const report: RecoveryReport = { checkpointId: 0, records: 0, walBytes: 0, rolledBack: 0, indexesLoaded: 0, indexesRebuilt: 0, warnings: [] };
  catalog.onChange = null;
  const store = new CheckpointStore(fs, dir);
  // Nothing on disk changes until everything was read and replayed: a failed open leaves the
  // directory as it was, so restoring a file or freeing disk space lets the next open succeed.
  let control = readControlOrExplain(store, dir);
  if (control === null) {
    const found = [...store.listFiles().map((f) => `base/${f}`), ...walSegmentNames(fs, dir)];
    if (found.length > 0) throw missingControl(dir, found);
    control = store.initialize(emptyMeta());
  }
  const pending = new Map<number, TxnState>();
  const txnOf = (xid: number): TxnState => {
    let t = pending.get(xid);
    if (t === undefined) pending.set(xid, (t = { inBlock: false, failed: false, implicit: false, xid, writes: [], savepoints: [] }));
    return t;
  };
  report.checkpointId = control.checkpointId;
  const redoLsn = control.redoLsn;
  const meta = parseMeta(control.meta, control.checkpointId);
  catalog.nextXid = Math.max(catalog.nextXid, meta.nextXid);
  // What each relation's files hold, so the first checkpoint after the open rewrites only
  // what replay or later statements change.
  const files: CheckpointFiles = { tables: new WeakMap(), indexes: new WeakMap() };
  const loaded: Table[] = [];
  try {
    for (const { name, file, deltas, segments } of meta.tables) {
      const base = store.readFile(file, KIND_TABLE);
      const baseBytes = base.length;
      const t = readFile(base, (r) => Table.readFrom(r), (t) => t.dispose());
      loaded.push(t);
      let deltaBytes = 0;
      for (const d of deltas) {
        // A delta applies in place: a damaged one fails the whole open (the table is disposed).
        const r = store.readFile(d, KIND_TABLE_DELTA);
        deltaBytes += r.length;
        readFile(r, (src) => t.applyDelta(src), () => undefined);
      }
      if (deltas.length > 0) t.releaseDeadRows();
      if (t.name !== name) throw invalidCheckpoint(file, `holds table "${t.name}", expected "${name}"`);
      nameSegmentFiles(t, file, segments, { fs, dir: store.dir }, (f) => store.hasFile(f));
      t.markCheckpointed();
      files.tables.set(t, { base: file, deltas, segments, baseBytes, deltaBytes, changes: t.changes });
    }
  } catch (e) {
    for (const t of loaded) t.dispose();
    throw e;
  }
  // Enum types before tables: a table's enum values are swapped for their labels' interned ones.
  for (const d of meta.types) catalog.adoptEnumType(d);
  for (const t of loaded) catalog.adoptTable(t);
  for (const v of meta.sequences) adoptSequence(catalog, v);
  if (meta.extensions === null) catalog.extensionsKnown = false;
  else for (const e of meta.extensions) catalog.adoptExtension(e);
  for (const v of meta.views) catalog.adoptView(v);
  for (const d of meta.schemas) catalog.adoptSchema(d);
  // A checkpoint written before oids were stored has none: its objects are numbered on first
  // use, in a deterministic order, as they always were.
  if (meta.oids !== null) {
    try {
      catalog.oids.restoreValue(meta.oids);
    } catch (e) {
      throw badMeta(e instanceof Error ? e.message : String(e));
    }
  }
  for (const { def, file, deltas } of meta.indexes) {
    const table = catalog.getTable(def.table);
    if (table === undefined) throw badMeta(`index "${def.name}" of missing table "${def.table}"`);
    catalog.createIndex(def);
    // An INVALID index has no structure; the primary key's B-tree is built from the table.
    if (def.valid === false) continue;
    let idx: VectorIndex | OrderedIndex | null = null;
    const maybe = env.methods.get(def.method);
    const am = maybe !== undefined && isOrderedAm(maybe) ? null : methodOf(env.methods, def);
    if (file !== null && am !== null && am.load !== undefined) {
      const { dim, opclass } = indexShape(env, am, def, table);
      const options = am.parseOptions(new Map(def.options), dim);
      const base = store.readFile(file, KIND_INDEX);
      const baseBytes = base.length;
      const loadedIdx = readFile(base, (r) => am.load!({ dim, opclass, options, seed: env.seed, source: r }), (i) => i.dispose());
      let deltaBytes = 0;
      try {
        for (const d of deltas) {
          // A delta applies in place: a damaged one fails the whole open (the index is disposed).
          if (loadedIdx.applyDelta === undefined) throw badMeta(`index "${def.name}" has deltas its method cannot read`);
          const r = store.readFile(d, KIND_INDEX_DELTA);
          deltaBytes += r.length;
          readFile(r, (src) => loadedIdx.applyDelta!(src), () => undefined);
        }
      } catch (e) {
        loadedIdx.dispose();
        throw e;
      }
      idx = loadedIdx;
      files.indexes.set(loadedIdx, { file, deltas, baseBytes, deltaBytes, table, changes: table.changes, vacuums: table.vacuums });
      report.indexesLoaded++;
    } else {
      idx = buildIndexStructure(env, def, table);
      if (!def.primaryKey) report.indexesRebuilt++;
    }
    if (idx !== null) env.indexes.set(def.name, idx);
  }
  // Transactions in flight at the checkpoint: their rows carry xmin/xmax. Deletes go first so
  // that an abort (newest first) gives an updated row's key back after the new version left.
  for (const name of catalog.tableNames()) {
    const t = catalog.getTable(name)!;
    if (t.pendingRows === 0) continue;
    for (let r = 0; r < t.slots; r++) {
      const mx = t.xmax[r]!;
      if (mx !== 0 && t.isLive(r)) txnOf(mx).writes.push({ kind: 'delete', table: t, rowId: r, pkey: keyOf(t, r) });
    }
    for (let r = 0; r < t.slots; r++) {
      const mn = t.xmin[r]!;
      if (mn !== 0 && t.isLive(r)) txnOf(mn).writes.push({ kind: 'insert', table: t, rowId: r, pkey: keyOf(t, r) });
    }
  }

  const columnCount = (name: string): number => {
    const t = catalog.getTable(name);
    if (t === undefined) throw new PgError(SQLSTATE.data_corrupted, `log record for unknown table "${name}"`);
    return t.def.columns.length;
  };
  let maxXid = 0;
  const walOpts = {
    segmentBytes: opts.segmentBytes,
    redoLsn,
    onRecord: (rec: WalRecord) => {
      if (rec.xid > maxXid) maxXid = rec.xid;
      const redo = decodeRedo(rec.type, rec.xid, new ByteReader(rec.payload), columnCount);
      apply(env, redo, txnOf, pending, report);
    },
  };
  const replayed = Wal.replay(fs, walDir(dir), walOpts);
  const { records, endLsn, stop } = replayed;
  report.records = records;
  report.walBytes = endLsn - redoLsn;
  if (stop !== null) report.warnings.push(replayStopWarning(stop));
  // No commit record: never acknowledged, rolled back (newest transaction first).
  const left = [...pending.values()].sort((a, b) => b.xid - a.xid);
  const rolledBackXids = left.map((t) => t.xid); // finishWrites resets each state's xid
  for (const t of left) finishWrites(env, t, false);
  report.rolledBack = left.length;
  catalog.nextXid = Math.max(catalog.nextXid, maxXid + 1);
  // An old database's vector extension record, from the tables as replay left them.
  catalog.resolveLegacyExtensions();
  // Everything is read: now cut the torn log tail (the records after it were never
  // acknowledged) and remove the leftovers of an interrupted checkpoint. Wal.start opens its
  // segment before changing anything, so from the first change on only the clean-up itself
  // can fail, and what it removes is garbage.
  const wal = Wal.start(fs, walDir(dir), replayed, walOpts);
  store.sweep();
  const durability = new Durability(fs, dir, wal, store, catalog, env.indexes, redoLsn);
  durability.files = files;
  // The transactions rolled back above get an abort record, durably, before anything new is
  // logged: otherwise the next replay would find their row changes still in flight when a
  // later transaction changes the same rows (a delete of a row "being deleted" is 40001).
  for (const xid of rolledBackXids) durability.log({ kind: 'abort', xid });
  if (rolledBackXids.length > 0) wal.flush();
  catalog.onChange = (c) => durability.log(c);
  return { durability, report };
}

/**
 * Installs a sequence of the checkpoint's metadata. An old checkpoint's `[name, last issued]`
 * (0: none) belongs to a serial column: its definition is the column's default one.
 */
function adoptSequence(catalog: Catalog, v: CodecValue): void {
  if (!Array.isArray(v)) {
    const q = sequenceFromValue(v);
    catalog.adoptSequence(q.def, q.last, q.called);
    return;
  }
  const [name, last] = v as [string, number];
  let owner: { table: string; column: string; type: ColumnDef['type'] } | null = null;
  for (const t of catalog.allTableNames()) {
    const c = catalog.peekTable(t)!.def.columns.find((x) => x.sequence === name);
    if (c !== undefined) owner = { table: t, column: c.name, type: c.type };
  }
  const def = defaultSequenceDef(name, owner?.type === 'int4' ? 'int4' : owner?.type === 'int2' ? 'int2' : 'int8', owner === null ? null : { table: owner.table, column: owner.column });
  catalog.adoptSequence(def, last === 0 ? 1n : BigInt(last), last !== 0);
}

/** The catalog metadata of a new, empty database (checkpoint 0). */
function emptyMeta(): CodecValue {
  return { version: META_VERSION, nextXid: 1, tables: [], indexes: [], sequences: [], extensions: [] };
}

/** Names (`wal/<segment>`) of the log segments in data directory `dir`, without changing anything. */
function walSegmentNames(fs: StorageBackend, dir: string): string[] {
  const w = walDir(dir);
  return fs.exists(w) ? listSegments(fs, w).map((s) => `wal/${segmentName(s)}`) : [];
}

/**
 * Reads the control file; a damaged one is XX001 naming it (from the checkpoint reader) with
 * a hint saying what to do, as PostgreSQL's "incorrect checksum in control file".
 */
function readControlOrExplain(store: CheckpointStore, dir: string): ControlData | null {
  try {
    return store.readLatest();
  } catch (e) {
    if (e instanceof PgError && e.code === SQLSTATE.data_corrupted && e.hint === undefined) {
      e.hint = `Restore "${CONTROL_FILE_NAME}" from a copy of data directory "${dir}"; nothing has been changed. The database cannot be opened without it.`;
    }
    throw e;
  }
}

/**
 * 58P01 for a data directory that holds checkpoint files or log segments but no control file:
 * it is a damaged database, never a new one (PostgreSQL: `could not open file
 * "global/pg_control": No such file or directory`). `found` names what is there.
 */
function missingControl(dir: string, found: string[]): PgError {
  const shown = found.length > 4 ? `${found.slice(0, 4).join(', ')} and ${found.length - 4} more` : found.join(', ');
  return new PgError(FILE_SQLSTATE.undefined_file, `could not open file "${joinPath(dir, CONTROL_FILE_NAME)}": No such file or directory`, {
    detail: `The data directory holds ${shown} but no control file, so it is not a new database.`,
    hint: `Restore "${CONTROL_FILE_NAME}" from a copy of data directory "${dir}"; nothing has been changed. To create a new database, use an empty directory.`,
  });
}

function keyOf(t: Table, rowId: number): unknown {
  if (t.def.primaryKey.length === 0) return undefined;
  const values = t.def.columns.map((_, c) => t.get(c, rowId));
  return pkeyOf(t, values);
}

function apply(env: SqlEnv, r: Redo, txnOf: (xid: number) => TxnState, pending: Map<number, TxnState>, report: RecoveryReport): void {
  const catalog = env.catalog;
  // DDL of a transaction is undone with it like its rows (sql/exec/ddl_txn.ts); xid 0 is a
  // record of a log written before DDL was transactional, applied as committed.
  const ddlTxn = (xid: number): TxnState | null => (xid === 0 ? null : txnOf(xid));
  switch (r.kind) {
    case 'createTable':
      createTableTx(env, ddlTxn(r.xid), r.def, r.sequences);
      return;
    case 'dropTable':
      dropTableTx(env, ddlTxn(r.xid), r.name);
      return;
    case 'truncate':
      truncateTx(env, ddlTxn(r.xid), r.name);
      return;
    case 'rollbackTo':
      replayRollbackTo(env, txnOf(r.xid), r.undo);
      return;
    case 'insert': {
      const t = catalog.getTable(r.table)!;
      if (r.rowId < t.slots) throw new PgError(SQLSTATE.data_corrupted, `log inserts row ${r.rowId} of "${r.table}" twice`);
      while (t.slots < r.rowId) t.appendDeadSlot(); // a failed insert left a gap
      const rowId = catalog.insertRow(t, r.values, r.pkey, r.xid);
      txnOf(r.xid).writes.push({ kind: 'insert', table: t, rowId, pkey: r.pkey });
      insertIntoIndexes(env, t, rowId);
      return;
    }
    case 'insertRows': {
      const t = catalog.getTable(r.table)!;
      if (r.rowId < t.slots) throw new PgError(SQLSTATE.data_corrupted, `log inserts row ${r.rowId} of "${r.table}" twice`);
      while (t.slots < r.rowId) t.appendDeadSlot();
      const first = catalog.insertRows(t, r.rows, r.pkeys, r.xid);
      const writes = txnOf(r.xid).writes;
      for (let i = 0; i < r.rows.length; i++) writes.push({ kind: 'insert', table: t, rowId: first + i, pkey: r.pkeys[i] });
      for (let i = 0; i < r.rows.length; i++) insertIntoIndexes(env, t, first + i);
      return;
    }
    case 'delete': {
      const t = catalog.getTable(r.table)!;
      if (!t.isLive(r.rowId)) throw new PgError(SQLSTATE.data_corrupted, `log deletes dead row ${r.rowId} of "${r.table}"`);
      catalog.deleteRow(t, r.rowId, r.xid, r.pkey);
      txnOf(r.xid).writes.push({ kind: 'delete', table: t, rowId: r.rowId, pkey: r.pkey });
      return;
    }
    case 'commit':
    case 'abort': {
      const t = pending.get(r.xid);
      if (t !== undefined) {
        finishWrites(env, t, r.kind === 'commit');
        pending.delete(r.xid);
      }
      return;
    }
    case 'createIndex': {
      const table = catalog.getTable(r.def.table);
      if (table === undefined) throw new PgError(SQLSTATE.data_corrupted, `log creates index "${r.def.name}" on unknown table "${r.def.table}"`);
      const idx = buildIndexStructure(env, r.def, table);
      createIndexTx(env, ddlTxn(r.xid), r.def, idx, true);
      if (idx !== null && !r.def.primaryKey) report.indexesRebuilt++;
      return;
    }
    case 'dropIndex':
      dropIndexTx(env, ddlTxn(r.xid), r.name);
      return;
    case 'sequence':
      catalog.setSequence(r.name, r.last, r.called);
      return;
    case 'createSequence':
      createSequenceTx(env, ddlTxn(r.xid), r.def, r.last, r.called);
      return;
    case 'alterSequence':
      alterSequenceTx(env, ddlTxn(r.xid), r.name, r.def, r.last, r.called);
      return;
    case 'dropSequence':
      dropSequenceTx(env, ddlTxn(r.xid), r.name);
      return;
    case 'alterTable':
      alterTableTx(env, ddlTxn(r.xid), r.name, r.def);
      return;
    case 'addColumn':
      addColumnTx(env, ddlTxn(r.xid), r.name, r.column, r.fill);
      return;
    case 'dropColumn':
      dropColumnTx(env, ddlTxn(r.xid), r.name, r.column);
      return;
    case 'rewriteColumn':
      rewriteColumnTx(env, ddlTxn(r.xid), r.name, r.column, r.def, r.values);
      return;
    case 'createExtension':
      createExtensionTx(env, ddlTxn(r.xid), r.ext, true);
      return;
    case 'dropExtension':
      dropExtensionTx(env, ddlTxn(r.xid), r.name, true);
      return;
    case 'commentIndex':
      commentIndexTx(env, ddlTxn(r.xid), r.name, r.comment);
      return;
    case 'createView':
      createViewTx(env, ddlTxn(r.xid), r.def);
      return;
    case 'alterView':
      alterViewTx(env, ddlTxn(r.xid), r.name, r.def);
      return;
    case 'dropView':
      dropViewTx(env, ddlTxn(r.xid), r.name);
      return;
    case 'createType':
      createEnumTypeTx(env, ddlTxn(r.xid), r.def);
      return;
    case 'alterType':
      alterEnumTypeTx(env, ddlTxn(r.xid), r.name, r.def);
      return;
    case 'dropType':
      dropEnumTypeTx(env, ddlTxn(r.xid), r.name);
      return;
    case 'createSchema':
      createSchemaTx(env, ddlTxn(r.xid), r.def);
      return;
    case 'dropSchema':
      dropSchemaTx(env, ddlTxn(r.xid), r.name);
      return;
    case 'renameSchema':
      renameSchemaTx(env, ddlTxn(r.xid), r.name, r.to);
      return;
    case 'renameIndex':
      renameIndexTx(env, ddlTxn(r.xid), r.name, r.to);
      return;
    case 'oids':
      catalog.oids.restore(r.assigned, r.next);
      return;
  }
}
