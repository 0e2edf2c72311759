/**
 * Durable storage of one database in a data directory: every catalog change goes to the
 * write-ahead log before it is applied, commits wait for the log to reach the disk (group
 * commit), and checkpoints write what changed to new files and let the log be cut.
 *
 * Data directory layout:
 *
 *   <dir>/vecgres.pid        lock file: the PID of the process that has the database open
 *   <dir>/vecgres.control    control file: the latest checkpoint (id, redo LSN, files, catalog)
 *   <dir>/base/t<N>.<id>     table N of checkpoint <id> (storage/table.ts writeTo layout)
 *   <dir>/base/t<N>d.<id>    a delta of a table written by checkpoint <id> (Table.writeDelta):
 *                            the table's state is its base file plus its deltas, in order
 *   <dir>/base/i<N>.<id>     index N of checkpoint <id> (the method's save layout)
 *   <dir>/base/i<N>d.<id>    a delta of an index written by checkpoint <id> (VectorIndex.saveDelta):
 *                            the index is its base file plus its deltas, in order
 *   <dir>/base/t<N>c<C>s<K>.<id>  segment K of the vector(n) column C of table N, written by
 *                            checkpoint <id> once the segment was full (its raw rows; the
 *                            buffer cache evicts it and reads it back, storage/buffer_cache.ts)
 *   <dir>/wal/<LSN>.wal      write-ahead log segments, named by their first LSN (16 hex digits)
 *
 * A checkpoint names in the control file, per table and per index, a base file and its deltas;
 * these may be files an earlier checkpoint wrote (nothing changed the relation since).
 * Every file under base/ and the control file use the checkpoint container format
 * (storage/checkpoint.ts: header, CRC-32C of header and payload); log records carry their own
 * LSN and CRC-32C (storage/wal_record.ts) and the logical payloads of storage/redo.ts.
 *
 * Durability: a COMMIT (DDL included: it is transactional) is acknowledged only after the log is fsynced past
 * its record, unless the session set `synchronous_commit = off`, in which case the log is
 * flushed within about 200 ms and a crash may lose the last commits (never half of one).
 *
 * Visibility: with `synchronous_commit = on` a committed transaction's rows stay in flight
 * (invisible to other sessions, their keys taken) until the log is durable past its commit
 * record, as PostgreSQL leaves the proc array only after XLogFlush; so no session ever reads
 * a commit that a crash could undo. {@link Durability.deferCommit} queues the transaction and
 * {@link Durability.publish} finishes the queued ones, in commit order, once a flush covers
 * them. If the flush fails they are never published (nor acknowledged): recovery decides at
 * the next open from what reached the disk. With `off`, as in PostgreSQL, a commit is visible
 * at once and durable within 200 ms. DDL applies to the catalog at once, but its relations stay
 * locked by the transaction (storage/catalog.ts) until its writes are published, so other
 * sessions see committed DDL only once it is durable, as they see rows.
 */
import { assert } from '../common/assert.js';
import { PgError, SQLSTATE } from '../common/errors.js';
import { isOrderedIndex, type OrderedIndex, type VectorIndex } from '../access/am.js';
import { ByteWriter, type CodecValue } from '../storage/codec.js';
import type { Catalog, Change } from '../storage/catalog.js';
import type { Table } from '../storage/table.js';
import { enumTypeToValue } from '../storage/enum_type.js';
import { schemaToValue } from '../storage/schema_def.js';
import type { TxnState } from '../sql/env.js';
import { CheckpointStore, type CheckpointBuilder } from '../storage/checkpoint.js';
import { joinPath, type StorageBackend } from '../storage/fs.js';
import { encodeRedo, indexDefToValue } from '../storage/redo.js';
import { sequenceToValue } from '../storage/sequence.js';
import { viewDefToValue } from '../storage/view.js';
import { Wal } from '../storage/wal.js';
import { bufferCache } from '../storage/buffer_cache.js';
import { KIND_SEGMENT, writeSegmentFile, type SegmentFiles } from '../storage/segment_file.js';
import type { SegmentedRows } from '../storage/segments.js';

/** Checkpoint file kinds (the container's `kind` field). */
export const KIND_TABLE = 16;
export const KIND_INDEX = 17;
export const KIND_TABLE_DELTA = 18;
export const KIND_INDEX_DELTA = 19;
/**
 * Format of the control file's catalog metadata (2: full file names, table deltas; 3: index
 * deltas). Either may carry an optional `oids` map, which older readers ignore and older files
 * lack.
 */
export const META_VERSION = 3;
/** Metadata of full file names and table deltas, no index deltas (read as version 3 without them). */
export const META_VERSION_TABLE_DELTAS = 2;
/** Metadata written before incremental checkpoints (file names without generation suffix). */
export const META_VERSION_FULL = 1;
/**
 * A table's deltas are folded into a new base file once their bytes pass this share of the
 * table's bytes (its base file and its segment files): a checkpoint writes a few changed rows
 * instead of the whole table, and recovery reads at most the base plus this share of the table
 * (and at most {@link DELTA_FILES_MAX} deltas). The segment files count because a base holds
 * only the rows' other columns: for a table of wide vectors the base is a few percent of the
 * table, and each delta carries the vectors of the rows past the last full segment (up to one
 * segment), so against the base alone a large table's base was rewritten every few checkpoints.
 */
export const DELTA_SHARE_MAX = 0.25;
/** A table's deltas are folded into a new base at this many files even when they are small. */
export const DELTA_FILES_MAX = 32;

/**
 * Whether a relation's next change may go to one more delta file rather than a new base: fewer
 * than {@link DELTA_FILES_MAX} deltas so far, and `deltaBytes` (its deltas' bytes) within
 * {@link DELTA_SHARE_MAX} of `baseBytes`. The rule tables and indexes share.
 */
export function deltaWithinBounds(deltaFiles: number, deltaBytes: number, baseBytes: number): boolean {
  return deltaFiles < DELTA_FILES_MAX && deltaBytes <= DELTA_SHARE_MAX * baseBytes;
}
/** How long a commit with synchronous_commit = off may stay unflushed (PostgreSQL's wal_writer_delay x 1). */
export const ASYNC_FLUSH_DELAY_MS = 200;

/** A segment file: segment `seg` of the vector(n) column `col` of a table. */
export interface SegmentFileRef {
  col: number;
  seg: number;
  file: string;
}

/**
 * The checkpoint files holding one table's state: a base file and the deltas after it, in
 * order, and the segment files of its full vector segments (their rows' bytes are left out of
 * the base and deltas).
 */
export interface TableFiles {
  base: string;
  deltas: string[];
  segments: SegmentFileRef[];
  baseBytes: number;
  deltaBytes: number;
  /** {@link Table.changes} when the files were written: equal now means nothing to write. */
  changes: number;
}

/**
 * The checkpoint files holding one index: a base file (a whole save) and the deltas after it,
 * in order; and the state of its table when they were written.
 */
export interface IndexFile {
  file: string;
  deltas: string[];
  baseBytes: number;
  deltaBytes: number;
  table: Table;
  /** The table's {@link Table.changes} and {@link Table.vacuums} at the save. */
  changes: number;
  vacuums: number;
}

/** What the last checkpoint wrote (or recovery read), to tell what the next one must write. */
export interface CheckpointFiles {
  tables: WeakMap<Table, TableFiles>;
  indexes: WeakMap<object, IndexFile>;
}

/** Bytes a checkpoint wrote, by kind (for tests, logs and the scale benchmark). */
export interface CheckpointWriteStats {
  tableBaseFiles: number;
  tableDeltaFiles: number;
  /** Index base files (whole saves) and index delta files written. */
  indexFiles: number;
  indexDeltaFiles: number;
  /** Segment files written (full vector segments that no file held yet). */
  segmentFiles: number;
  /** Files of an earlier checkpoint named again without rewriting. */
  keptFiles: number;
  /** Payload bytes written to table and index files. */
  bytes: number;
  /** Of {@link bytes}, those of index files (base files and deltas). */
  indexBytes: number;
}

/** Options for {@link Durability.attach}. */
export interface DurabilityOptions {
  /** WAL segment size in bytes (default 16 MiB). */
  segmentBytes?: number;
}

/**
 * The logging and checkpointing half of durable storage (recovery.ts is the reading half).
 * Synchronous except {@link sync}, which awaits the group-commit fsync.
 */
export class Durability {
  private readonly w = new ByteWriter(1024);
  /** LSN just past the latest record a client must not be acknowledged before (commit, DDL). */
  syncLsn = 0;
  /** Records written since open. */
  records = 0;
  private asyncTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Checkpoints completed since open. */
  checkpoints = 0;
  /** A checkpoint was asked for while DDL was in flight: taken once it ends (Database). */
  checkpointWaiting = false;
  /** Committed transactions waiting for their commit record to be durable, in commit order. */
  private readonly unpublished: { lsn: number; txn: TxnState }[] = [];
  /** Finishes the writes of a durable commit (exec/txn.ts finishWrites over a session). */
  publishWrites: ((txn: TxnState) => void) | null = null;
  /** What the latest checkpoint wrote (or recovery read), per table and index. */
  files: CheckpointFiles = { tables: new WeakMap(), indexes: new WeakMap() };
  /** What the latest completed checkpoint wrote. */
  lastCheckpoint: CheckpointWriteStats | null = null;
  /** The buffer cache's dirty bytes right after the latest checkpoint (engine/database.ts). */
  dirtyBytesAtCheckpoint = 0;

  constructor(
    readonly fs: StorageBackend,
    readonly dir: string,
    readonly wal: Wal,
    readonly store: CheckpointStore,
    private readonly catalog: Catalog,
    private readonly indexes: Map<string, VectorIndex | OrderedIndex>,
    /** Redo LSN of the latest checkpoint: the log before it is not needed. */
    public redoLsn: number,
  ) {
    wal.onFlushed = () => this.publish();
  }

  /**
   * Takes over the writes of `txn`, whose commit record was just appended, to finish them
   * when the log is durable past it (synchronous_commit = on). The caller then starts afresh.
   */
  deferCommit(txn: TxnState): void {
    this.unpublished.push({ lsn: this.wal.insertLsn, txn: { inBlock: false, failed: false, implicit: false, xid: txn.xid, writes: txn.writes.slice(), savepoints: [] } });
  }

  /** LSN the latest deferred commit waits for (0 if none waits). */
  get unpublishedLsn(): number {
    return this.unpublished.length === 0 ? 0 : this.unpublished[this.unpublished.length - 1]!.lsn;
  }

  /**
   * Makes visible, oldest first, every deferred commit the log is now durable past. Runs
   * between statements only (after a flush, a group-commit fsync, or before a checkpoint),
   * never inside one: publishing changes rows a running scan might be reading.
   */
  publish(): void {
    const flushed = this.wal.flushedLsn;
    let n = 0;
    while (n < this.unpublished.length && this.unpublished[n]!.lsn <= flushed) {
      this.publishWrites?.(this.unpublished[n]!.txn);
      n++;
    }
    if (n > 0) this.unpublished.splice(0, n);
  }

  /** Bytes of log written since the latest checkpoint's redo point. */
  get walSinceCheckpoint(): number {
    return this.wal.insertLsn - this.redoLsn;
  }

  /** The catalog's change hook: encodes and appends one record (write-ahead: before it applies). */
  log(c: Change): void {
    // A sequence record (nextval's logged-ahead value, setval) is flushed before the statement
    // is acknowledged, as DDL: a value a client was given never comes back after a crash
    // (PostgreSQL's nextval takes an xid so that its commit flushes the record). nextval logs
    // once per 32 values, so most calls wait for nothing.
    this.append(c);
    if (c.kind !== 'insert' && c.kind !== 'insertRows' && c.kind !== 'delete' && c.kind !== 'abort') this.syncLsn = this.wal.insertLsn;
  }

  private append(c: Change): void {
    this.w.reset();
    const { type, xid } = encodeRedo(c, this.w);
    this.wal.append(type, xid, this.w.finish());
    this.records++;
  }

  /**
   * Waits until the log is durable up to `lsn` (group commit: concurrent callers share one
   * fsync). With `synchronous` false it returns at once and schedules a flush within 200 ms.
   * @throws PgError for a failed write or fsync (58030, 53100...); the log is then unusable.
   */
  async sync(lsn: number, synchronous: boolean): Promise<void> {
    if (this.closed) return;
    if (this.wal.flushedLsn >= lsn) {
      this.publish(); // a segment switch may have made it durable
      return;
    }
    if (!synchronous) {
      if (this.asyncTimer === null) {
        this.asyncTimer = setTimeout(() => {
          this.asyncTimer = null;
          if (!this.closed && this.wal.failed === null) this.wal.flushAsync().catch(() => undefined);
        }, ASYNC_FLUSH_DELAY_MS);
        this.asyncTimer.unref();
      }
      return;
    }
    await this.wal.flushAsync(lsn);
    this.publish();
  }

  /**
   * Writes a checkpoint: flushes the log (write-ahead), writes what changed since the last
   * one to new files (incremental: an unchanged table or index keeps its files, a changed table
   * or index gets a delta or a new base file, see {@link writeTable} and {@link writeIndex}),
   * switches the control file to them, then removes log segments before the redo point.
   * Synchronous, so the state written is exactly the state at the redo LSN.
   * @throws PgError for I/O failures (53100 disk full, 42501...): the previous checkpoint and
   *   the log stay in force and the database stays usable.
   */
  checkpoint(snapshot = false): void {
    if (this.wal.failed !== null) throw this.wal.failed;
    const redo = this.wal.insertLsn;
    this.wal.flush();
    // Every commit before redo is durable now: its rows must reach the checkpoint finished,
    // or recovery would take them for a transaction in flight and roll them back.
    this.publish();
    // A checkpoint holds tables, not the catalog as it was before a transaction's uncommitted
    // DDL: while one is in flight it waits (taken when the transaction ends), so that every
    // DDL record of an unfinished transaction is replayed, and undone, from the log.
    if (this.catalog.ddlInFlight) {
      // A snapshot of an in-memory database has no log that could undo that DDL.
      if (snapshot) throw snapshotWithDdlInFlight();
      this.checkpointWaiting = true;
      return;
    }
    this.checkpointWaiting = false;
    const b = this.store.begin(redo);
    const stats: CheckpointWriteStats = { tableBaseFiles: 0, tableDeltaFiles: 0, indexFiles: 0, indexDeltaFiles: 0, segmentFiles: 0, keptFiles: 0, bytes: 0, indexBytes: 0 };
    const filing: SegmentedRows[] = [];
    const next: CheckpointFiles = { tables: new WeakMap(), indexes: new WeakMap() };
    const written: Table[] = [];
    const savedIndexes: VectorIndex[] = [];
    try {
      const tables: CodecValue[] = [];
      let n = 0;
      for (const name of this.catalog.allTableNames()) {
        const t = this.catalog.peekTable(name)!;
        const f = this.writeTable(b, t, `t${++n}`, stats, filing);
        if (f !== this.files.tables.get(t)) written.push(t);
        next.tables.set(t, f);
        tables.push({
          name, file: f.base, deltas: f.deltas,
          ...(f.segments.length === 0 ? {} : {
            segCols: Int32Array.from(f.segments, (x) => x.col), segNums: Int32Array.from(f.segments, (x) => x.seg), segFiles: f.segments.map((x) => x.file),
          }),
        });
      }
      const indexes: CodecValue[] = [];
      n = 0;
      for (const d of this.catalog.allIndexes()) {
        const idx = this.indexes.get(d.name);
        let f: IndexFile | null = null;
        if (idx !== undefined && !isOrderedIndex(idx) && idx.save !== undefined) {
          f = this.writeIndex(b, idx, this.catalog.peekTable(d.table)!, `i${++n}`, stats);
          if (f !== this.files.indexes.get(idx)) savedIndexes.push(idx);
          next.indexes.set(idx, f);
        }
        indexes.push({ def: indexDefToValue(d), file: f?.file ?? null, ...(f === null || f.deltas.length === 0 ? {} : { deltas: f.deltas }) });
      }
      // Each sequence as it stands; its next nextval logs again (sequencesCheckpointed), so
      // replay from this checkpoint never repeats a value handed out after it.
      const sequences: CodecValue[] = this.catalog.allSequences().map((q) => sequenceToValue(q.def, q.state));
      if (!snapshot) this.catalog.sequencesCheckpointed();
      const extensions: CodecValue[] = this.catalog.allExtensions().map((e) => [e.name, e.version]);
      const oids = this.catalog.oids.toValue();
      // Views and types are written only when there are some, so a database without any writes
      // what it did before them.
      const views = this.catalog.allViews().map(viewDefToValue);
      const types: CodecValue[] = this.catalog.peekEnumTypes().map(enumTypeToValue);
      const schemas: CodecValue[] = this.catalog.peekSchemas().map(schemaToValue);
      b.commit({
        version: META_VERSION, nextXid: this.catalog.nextXid, tables, indexes, sequences, extensions, oids,
        ...(views.length === 0 ? {} : { views }),
        ...(types.length === 0 ? {} : { types }),
        ...(schemas.length === 0 ? {} : { schemas }),
      });
    } catch (e) {
      if (snapshot) {
        for (const st of filing) st.pendingFiles.clear();
        throw e;
      }
      b.abort();
      // Failed before the control file named the new files: changes stay tracked against the
      // previous ones. Failed after (removing the old generation): the new files are in force.
      if (this.store.latest?.checkpointId !== b.checkpointId) {
        for (const st of filing) st.pendingFiles.clear();
        throw e;
      }
      this.installed(written, savedIndexes, next, stats, filing);
      throw e;
    }
    if (snapshot) {
      // The files are a copy for someone else: the database's own segments, tables and
      // sequences go on as if this checkpoint had never been taken.
      for (const st of filing) st.pendingFiles.clear();
      this.lastCheckpoint = stats;
      return;
    }
    this.installed(written, savedIndexes, next, stats, filing);
    this.redoLsn = redo;
    this.checkpoints++;
    this.wal.removeSegmentsBefore(redo);
  }

  /** The control file names `next`: changes of the tables and indexes written are tracked from now on. */
  private installed(written: Table[], savedIndexes: VectorIndex[], next: CheckpointFiles, stats: CheckpointWriteStats, filing: SegmentedRows[]): void {
    for (const t of written) t.markCheckpointed();
    for (const idx of savedIndexes) idx.markSaved?.();
    this.files = next;
    this.lastCheckpoint = stats;
    // The segment files are in force: their segments are clean, and the cache may evict
    // down to shared_buffers.
    for (const st of filing) st.installFiles(this.segmentFiles);
    this.dirtyBytesAtCheckpoint = bufferCache.dirtyBytes;
    bufferCache.trim();
  }

  /** Where this database's segment files are (storage/buffer_cache.ts). */
  get segmentFiles(): SegmentFiles {
    return { fs: this.fs, dir: this.store.dir };
  }

  /**
   * Names the segment files of table `t` (named `<name>c<col>s<seg>`) in checkpoint `b`: a full
   * segment that a file already holds keeps its file; a full resident one without a file gets
   * one (pending in the store until the checkpoint is in force, {@link installed}); released
   * segments (VACUUM) are dropped, so their files are deleted with the old generation.
   */
  private writeSegments(b: CheckpointBuilder, t: Table, name: string, stats: CheckpointWriteStats, filing: SegmentedRows[]): SegmentFileRef[] {
    const out: SegmentFileRef[] = [];
    for (const { col, store } of t.cachedStores()) {
      const n = store.completeSegments(t.slots);
      let pending = false;
      for (let k = 0; k < n; k++) {
        const p = store.segments[k]!;
        if (p === 0) continue;
        const have = store.files[k] ?? null;
        if (have !== null) {
          b.keep(have);
          stats.keptFiles++;
          out.push({ col, seg: k, file: have });
          continue;
        }
        assert(p > 0, 'a segment without a file is resident');
        // Listed before the write, so a failure clears whatever this store has pending.
        if (!pending) filing.push(store);
        pending = true;
        const fname = `${name}c${col}s${k}`;
        const w = b.file(fname, KIND_SEGMENT);
        writeSegmentFile(w, store.space.memoryOf(p).u8(), p >>> 0, store.segmentBytes, store.pageBytes);
        stats.bytes += w.length;
        w.commit();
        stats.segmentFiles++;
        const file = b.fileName(fname);
        store.pendingFiles.set(k, file);
        out.push({ col, seg: k, file });
      }
    }
    return out;
  }

  /**
   * Names table `t`'s state in checkpoint `b`: the files of the latest checkpoint when nothing
   * changed it; a delta after them when the changes are small (the deltas' bytes within
   * {@link DELTA_SHARE_MAX} of the base's and the segment files', fewer than {@link DELTA_FILES_MAX} files, and the
   * columns unchanged); else a new base file. Returns the files naming the state as of now.
   */
  private writeTable(b: CheckpointBuilder, t: Table, name: string, stats: CheckpointWriteStats, filing: SegmentedRows[]): TableFiles {
    const prev = this.files.tables.get(t);
    if (prev !== undefined && prev.changes === t.changes) {
      for (const f of [prev.base, ...prev.deltas]) b.keep(f);
      for (const s of prev.segments) b.keep(s.file);
      stats.keptFiles += 1 + prev.deltas.length + prev.segments.length;
      return prev;
    }
    // Full segments first: the base or delta below leaves out the rows they hold.
    const segments = this.writeSegments(b, t, name, stats, filing);
    const useDelta =
      prev !== undefined &&
      !t.layoutChanged &&
      deltaWithinBounds(prev.deltas.length, prev.deltaBytes, prev.baseBytes + segmentFileBytes(t)) &&
      // A delta of more rows than this share of the table would soon be folded anyway.
      t.deltaRows <= DELTA_SHARE_MAX * Math.max(t.slots, 1);
    if (useDelta) {
      const dname = `${name}d`;
      const w = b.file(dname, KIND_TABLE_DELTA);
      t.writeDelta(w);
      const bytes = w.length;
      w.commit();
      for (const f of [prev.base, ...prev.deltas]) b.keep(f);
      stats.keptFiles += 1 + prev.deltas.length;
      stats.tableDeltaFiles++;
      stats.bytes += bytes;
      return { base: prev.base, deltas: [...prev.deltas, b.fileName(dname)], segments, baseBytes: prev.baseBytes, deltaBytes: prev.deltaBytes + bytes, changes: t.changes };
    }
    const w = b.file(name, KIND_TABLE);
    t.writeTo(w);
    const bytes = w.length;
    w.commit();
    stats.tableBaseFiles++;
    stats.bytes += bytes;
    return { base: b.fileName(name), deltas: [], segments, baseBytes: bytes, deltaBytes: 0, changes: t.changes };
  }

  /**
   * Names index `idx` (of table `t`) in checkpoint `b`: the files of the latest checkpoint when
   * nothing changed it (its table unchanged, no VACUUM); a delta after them when the index can
   * describe its changes ({@link VectorIndex.deltaBytes}) and the deltas stay within the bounds
   * tables have ({@link deltaWithinBounds}, this delta included); else a whole save as a new
   * base. Returns the files naming the index as of now.
   */
  private writeIndex(b: CheckpointBuilder, idx: VectorIndex, t: Table, name: string, stats: CheckpointWriteStats): IndexFile {
    const prev = this.files.indexes.get(idx);
    const same = prev !== undefined && prev.table === t;
    if (same && prev.changes === t.changes && prev.vacuums === t.vacuums) {
      for (const f of [prev.file, ...prev.deltas]) b.keep(f);
      stats.keptFiles += 1 + prev.deltas.length;
      return prev;
    }
    const estimate = same && idx.saveDelta !== undefined ? (idx.deltaBytes?.() ?? -1) : -1;
    if (same && estimate >= 0 && deltaWithinBounds(prev.deltas.length, prev.deltaBytes + estimate, prev.baseBytes)) {
      const dname = `${name}d`;
      const w = b.file(dname, KIND_INDEX_DELTA);
      idx.saveDelta!(w);
      const bytes = w.length;
      w.commit();
      for (const f of [prev.file, ...prev.deltas]) b.keep(f);
      stats.keptFiles += 1 + prev.deltas.length;
      stats.indexDeltaFiles++;
      stats.bytes += bytes;
      stats.indexBytes += bytes;
      return { file: prev.file, deltas: [...prev.deltas, b.fileName(dname)], baseBytes: prev.baseBytes, deltaBytes: prev.deltaBytes + bytes, table: t, changes: t.changes, vacuums: t.vacuums };
    }
    const w = b.file(name, KIND_INDEX);
    idx.save!(w);
    const bytes = w.length;
    w.commit();
    stats.indexFiles++;
    stats.bytes += bytes;
    stats.indexBytes += bytes;
    return { file: b.fileName(name), deltas: [], baseBytes: bytes, deltaBytes: 0, table: t, changes: t.changes, vacuums: t.vacuums };
  }

  /** Final checkpoint (unless the log failed) and close of the log. */
  close(): void {
    if (this.closed) return;
    try {
      if (this.wal.failed === null) this.checkpoint();
    } finally {
      this.closed = true;
      if (this.asyncTimer !== null) clearTimeout(this.asyncTimer);
      this.wal.close();
    }
  }

  /** Stops without writing anything (a simulated crash in tests). */
  abandon(): void {
    this.closed = true;
    if (this.asyncTimer !== null) clearTimeout(this.asyncTimer);
  }
}

/**
 * Writes the state of an in-memory database (its catalog and built indexes, committed rows and
 * the rows of transactions in flight, which recovery of the copy rolls back) as a new data
 * directory `dir` on `fs`: a control file naming one checkpoint, and an empty log. The
 * database itself is left as it was (its segments stay without files, its tables keep their
 * change tracking). Used by dumpDataDir of an in-memory database.
 * @throws PgError 55000 while a transaction has uncommitted DDL; mapped I/O errors.
 */
export function writeSnapshot(fs: StorageBackend, dir: string, catalog: Catalog, indexes: Map<string, VectorIndex | OrderedIndex>): void {
  const store = new CheckpointStore(fs, dir);
  store.readLatest();
  store.initialize({ version: META_VERSION, nextXid: 1, tables: [], indexes: [], sequences: [], extensions: [] });
  const wal = Wal.open(fs, walDir(dir)).wal;
  try {
    new Durability(fs, dir, wal, store, catalog, indexes, 0).checkpoint(true);
  } finally {
    wal.close();
  }
}

function snapshotWithDdlInFlight(): PgError {
  return new PgError(SQLSTATE.object_not_in_prerequisite_state, 'cannot dump the data directory while a transaction has uncommitted DDL', {
    hint: 'Commit or roll back the open transaction first.',
  });
}

/** Paths of a data directory's parts. */
export function walDir(dataDir: string): string {
  return joinPath(dataDir, 'wal');
}

/** XX001 for control-file metadata that is not what this version writes. */
export function badMeta(what: string): PgError {
  return new PgError(SQLSTATE.data_corrupted, `invalid checkpoint metadata in "vecgres.control": ${what}`);
}

/** Bytes of table `t`'s full vector segments (each one a segment file after a checkpoint). */
function segmentFileBytes(t: Table): number {
  let bytes = 0;
  for (const { store } of t.cachedStores()) bytes += store.completeSegments(t.slots) * store.segmentBytes;
  return bytes;
}
