/**
 * Durable storage of one database in a data directory: every catalog change goes to the
 * write-ahead log before it is applied, commits wait for the log to reach the disk (group
 * commit), and checkpoints write every table and index to new files and let the log be cut.
 *
 * Data directory layout:
 *
 *   <dir>/vecgres.pid        lock file: the PID of the process that has the database open
 *   <dir>/vecgres.control    control file: the latest checkpoint (id, redo LSN, files, catalog)
 *   <dir>/base/t<N>.<id>     table N of checkpoint <id> (storage/table.ts writeTo layout)
 *   <dir>/base/i<N>.<id>     index N of checkpoint <id> (the method's save layout)
 *   <dir>/wal/<LSN>.wal      write-ahead log segments, named by their first LSN (16 hex digits)
 *
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
import { PgError, SQLSTATE } from '../common/errors.js';
import { isOrderedIndex, type OrderedIndex, type VectorIndex } from '../access/am.js';
import { ByteWriter, type CodecValue } from '../storage/codec.js';
import type { Catalog, Change } from '../storage/catalog.js';
import type { TxnState } from '../sql/env.js';
import { CheckpointStore } from '../storage/checkpoint.js';
import { joinPath, type StorageBackend } from '../storage/fs.js';
import { encodeRedo, indexDefToValue } from '../storage/redo.js';
import { sequenceToValue } from '../storage/sequence.js';
import { Wal } from '../storage/wal.js';

/** Checkpoint file kinds (the container's `kind` field). */
export const KIND_TABLE = 16;
export const KIND_INDEX = 17;
/** Format of the control file's catalog metadata. */
export const META_VERSION = 1;
/** How long a commit with synchronous_commit = off may stay unflushed (PostgreSQL's wal_writer_delay x 1). */
export const ASYNC_FLUSH_DELAY_MS = 200;

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
    if (c.kind !== 'insert' && c.kind !== 'delete' && c.kind !== 'abort') this.syncLsn = this.wal.insertLsn;
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
   * Writes a checkpoint: flushes the log (write-ahead), writes every table and index to new
   * files, switches the control file to them, then removes log segments before the redo point.
   * Synchronous, so the state written is exactly the state at the redo LSN.
   * @throws PgError for I/O failures (53100 disk full, 42501...): the previous checkpoint and
   *   the log stay in force and the database stays usable.
   */
  checkpoint(): void {
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
      this.checkpointWaiting = true;
      return;
    }
    this.checkpointWaiting = false;
    const b = this.store.begin(redo);
    try {
      const tables: CodecValue[] = [];
      let n = 0;
      for (const name of this.catalog.allTableNames()) {
        const t = this.catalog.peekTable(name)!;
        const file = `t${++n}`;
        const w = b.file(file, KIND_TABLE);
        t.writeTo(w);
        w.commit();
        tables.push({ name, file });
      }
      const indexes: CodecValue[] = [];
      n = 0;
      for (const d of this.catalog.allIndexes()) {
        const idx = this.indexes.get(d.name);
        let file: string | null = null;
        if (idx !== undefined && !isOrderedIndex(idx) && idx.save !== undefined) {
          file = `i${++n}`;
          const w = b.file(file, KIND_INDEX);
          idx.save(w);
          w.commit();
        }
        indexes.push({ def: indexDefToValue(d), file });
      }
      // Each sequence as it stands; its next nextval logs again (sequencesCheckpointed), so
      // replay from this checkpoint never repeats a value handed out after it.
      const sequences: CodecValue[] = this.catalog.allSequences().map((q) => sequenceToValue(q.def, q.state));
      this.catalog.sequencesCheckpointed();
      b.commit({ version: META_VERSION, nextXid: this.catalog.nextXid, tables, indexes, sequences });
    } catch (e) {
      b.abort();
      throw e;
    }
    this.redoLsn = redo;
    this.checkpoints++;
    this.wal.removeSegmentsBefore(redo);
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

/** Paths of a data directory's parts. */
export function walDir(dataDir: string): string {
  return joinPath(dataDir, 'wal');
}

/** XX001 for control-file metadata that is not what this version writes. */
export function badMeta(what: string): PgError {
  return new PgError(SQLSTATE.data_corrupted, `invalid checkpoint metadata in "vecgres.control": ${what}`);
}
