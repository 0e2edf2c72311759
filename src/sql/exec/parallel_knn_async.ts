/**
 * Parallel exact k-NN scans that do not block the event loop (the wire server's other
 * connections, an application's other callers): a statement run by the engine's awaiting
 * runner (engine/database.ts `runScript` / `runPortal`, SqlEnv.awaitable) whose plan has a
 * Gather Merge over an exact scan runs the participants of that scan while the main thread
 * serves others, with the engine's wait mechanism ("undo, await, run again", the one a row lock
 * and CREATE INDEX CONCURRENTLY use):
 *
 * 1. First run: the scan (exec/parallel_knn_leader.ts `runParallelKnn`) prepares its shared
 *    block, bitmap and buffers as the synchronous scan does, then starts the participants off
 *    the event loop ({@link startAsyncScan}: the pool's workers through `WorkerPool.runAsync`
 *    when the pool is free, and the leader, one chunk per turn of the event loop, so it takes
 *    its share too) and the statement throws a {@link ScanWait}: it is undone (a read has
 *    nothing to undo; a statement that wrote before its scan is rolled back to its start).
 * 2. The engine awaits the scan (engine/lock_wait.ts `waitForScan`: a cancel or
 *    statement_timeout stops the participants and fails the statement with 57014).
 * 3. Second run: the statement runs again from the start; the scan finds the participants'
 *    results in its session's {@link AsyncScans} under the same {@link ScanKey} and merges them
 *    exactly as the synchronous scan merges its own (so the answer is the serial scan's, byte
 *    for byte: exec/parallel_knn.ts).
 *
 * Why a rerun never uses a stale result: the key holds everything the participants' results
 * depend on: the table (the object: DROP, TRUNCATE and rewrites make a new one), its change
 * counter (`Table.changes`: every insert, delete, commit and rollback of a row moves it, so
 * the rows and their visibility are as they were), the column, the reader's transaction id
 * (0 when no row of the table is in flight: every reader sees the same rows then), k,
 * the kernel and its error model, the query's bytes and the bitmap of rows a WHERE clause
 * passed (compared word for word). A result whose key differs is never used; the statement
 * then starts another scan (at most {@link ASYNC_SCANS_PER_STATEMENT} per statement, after
 * which scans run synchronously: a scan under a rescanning join does not loop).
 *
 * What the participants read stays valid while they run: the leader's shared block and buffers
 * are freed only when every participant stopped, and the column's segments are held against
 * eviction (SegmentedRows.hold) until then. Rows appended meanwhile lie past the slots they
 * were given. A row another session deletes or a table it drops or truncates meanwhile changes
 * the key, so such a result is discarded.
 *
 * Results are dropped when the statement ends (engine/database.ts), so nothing outlives it.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { WorkerContext, WorkerPool } from '../../kernels/workers.js';
import { LockWait } from '../../storage/row_locks.js';
import type { Table } from '../../storage/table.js';
import type { KnnTaskArgs, KnnTaskResult } from './parallel_knn.js';
import { CTL_ABORT, KNN_SCAN_TASK, KnnParticipant } from './parallel_knn.js';
import { BitString } from '../../types/bit.js';

/** Scans a statement may wait for; later ones in the same statement run synchronously. */
export const ASYNC_SCANS_PER_STATEMENT = 4;

/**
 * Tests only: while set, a started scan is not reported settled before this promise resolves
 * (its statement stays waiting), so a test holds a scan open deterministically.
 */
export const scanTestHooks: { gate: Promise<void> | null } = { gate: null };

/** Everything a scan's result depends on (see the module comment). */
export interface ScanKey {
  table: Table;
  changes: number;
  col: number;
  xid: number;
  k: number;
  /** The kernel, error model and query scalars ({@link KnnTaskArgs} fields), as JSON. */
  kernel: string;
  /** The query vector's bytes. */
  query: Uint8Array;
  /** The rows a WHERE clause passed (bitmap words), or null without one. */
  visit: Uint32Array | null;
}

function sameBytes(a: ArrayLike<number> | null, b: ArrayLike<number> | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when results computed for `a` answer `b`. */
export function sameScanKey(a: ScanKey, b: ScanKey): boolean {
  return a.table === b.table && a.changes === b.changes && a.col === b.col && a.xid === b.xid && a.k === b.k
    && a.kernel === b.kernel && sameBytes(a.query, b.query) && sameBytes(a.visit, b.visit);
}

/** One scan running (or run) off the event loop for a statement. */
export class AsyncScan {
  /** The participants' results once settled successfully. */
  results: KnnTaskResult[] | null = null;
  /** The first participant's error once failed. */
  error: unknown = null;
  /** Resolves (never rejects) when every participant stopped and the scan's memory was freed. */
  readonly settled: Promise<void>;
  private stopped = false;
  private onCancel: (() => void) | null = null;

  constructor(
    readonly key: ScanKey,
    /** Rows visible to the statement as the leader counted them (-1: the participants count). */
    readonly scanned: number,
    private readonly abortWord: Int32Array,
    private readonly abortIndex: number,
    run: Promise<KnnTaskResult[]>,
  ) {
    // The test gate holds the report back, but not past a cancel (which waits for it to settle).
    const gate = scanTestHooks.gate;
    const gated = gate === null ? run : Promise.all([run, Promise.race([gate, new Promise<void>((resolve) => {
      this.onCancel = resolve;
    })])]).then(([r]) => r);
    this.settled = gated.then(
      (r) => {
        if (this.stopped) this.error = canceled();
        else this.results = r;
      },
      (e: unknown) => {
        this.error = e;
      },
    );
  }

  /** Stops the participants at their next chunk; {@link settled} resolves once they did. */
  cancel(): void {
    this.stopped = true;
    Atomics.store(this.abortWord, this.abortIndex, 1);
    this.onCancel?.();
  }
}

function canceled(): PgError {
  return new PgError(SQLSTATE.query_canceled, 'canceling statement due to user request');
}

/**
 * The first run's exception: the statement waits for `scan` (the engine awaits it, then runs
 * the statement again). A LockWait, so the engine's wait path carries it; it holds no lock.
 */
export class ScanWait extends LockWait {
  constructor(readonly scan: AsyncScan) {
    super(0, scan.key.table.name, -1);
  }
}

/** A session's scans of the statement it runs (SqlEnv.asyncScans). */
export class AsyncScans {
  private readonly scans: AsyncScan[] = [];

  /** The settled scan whose results answer `key`, or null. */
  find(key: ScanKey): AsyncScan | null {
    for (const s of this.scans) if (sameScanKey(s.key, key)) return s;
    return null;
  }

  /** True while the statement may start one more scan off the event loop. */
  get canStart(): boolean {
    return this.scans.length < ASYNC_SCANS_PER_STATEMENT;
  }

  add(scan: AsyncScan): void {
    this.scans.push(scan);
  }

  /** The statement ended: its results are dropped (every scan settled: the statement waited for it). */
  clear(): void {
    this.scans.length = 0;
  }
}

/**
 * Starts the participants of a scan off the event loop: `args[0]` on the calling thread one
 * chunk per turn of the event loop, `args[1..]` on `pool`'s workers (only when it is free; else
 * the calling thread takes every chunk). `free` runs once every participant stopped. The
 * participants' numbers are set here (their distance buffers); `args` must have been prepared
 * for `args.length` participants.
 */
export function startAsyncScan(
  pool: WorkerPool | null, args: KnnTaskArgs[], ctx: WorkerContext, abortWord: Int32Array, abortIndex: number,
  key: ScanKey, scanned: number, free: () => void,
): AsyncScan {
  const workers = pool !== null && pool.idle ? args.length - 1 : 0;
  const leaderArgs: KnnTaskArgs = { ...args[0]!, participant: 0 };
  delete leaderArgs.check;
  // Without workers the leader takes every chunk from the counter.
  if (workers === 0) leaderArgs.fixedStride = 0;
  const run = async (): Promise<KnnTaskResult[]> => {
    const onWorkers = workers > 0
      ? pool!.runAsync<KnnTaskResult>(KNN_SCAN_TASK, args.slice(1).map((a, i) => ({ ...a, participant: i + 1 })))
      : Promise.resolve([] as KnnTaskResult[]);
    // Awaited below, after the leader's share: handled now so an early failure is not reported
    // as unhandled meanwhile.
    onWorkers.catch(() => undefined);
    let failed: unknown = null;
    let mine: KnnTaskResult | null = null;
    try {
      const leader = new KnnParticipant(leaderArgs, ctx);
      while (!leader.step(1)) await new Promise<void>((resolve) => setImmediate(resolve));
      mine = leader.result();
    } catch (e) {
      failed = e;
    }
    const theirs = await onWorkers.catch((e: unknown) => {
      if (failed === null) failed = e;
      return [] as KnnTaskResult[];
    });
    if (failed !== null) throw failed;
    return [mine!, ...theirs];
  };
  const done = run().finally(free);
  return new AsyncScan(key, scanned, abortWord, abortIndex, done);
}

/** The bytes of a query vector, for a {@link ScanKey} (a bit string's length last). */
export function queryKeyBytes(q: Float32Array | Uint16Array | BitString): Uint8Array {
  if (q instanceof BitString) {
    const out = new Uint8Array(q.bytes.length + 4);
    out.set(q.bytes);
    new DataView(out.buffer).setUint32(q.bytes.length, q.length);
    return out;
  }
  return new Uint8Array(q.buffer, q.byteOffset, q.byteLength).slice();
}

/** The abort word of a scan's shared block (exec/parallel_knn.ts CTL_ABORT). */
export const ABORT_WORD = CTL_ABORT;
