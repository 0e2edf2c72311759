/**
 * CREATE INDEX CONCURRENTLY (PostgreSQL's DefineIndex with `concurrent`, adapted to one writer
 * thread): the build runs while other sessions read and write the table, and the statement's
 * session waits for it without blocking the event loop.
 *
 * The statement runs twice, through the engine's wait mechanism (engine/database.ts
 * `runScript` / `runPortal`, which a row lock wait also uses):
 *
 * 1. First run ({@link startConcurrentBuild}): the build snapshot is the table's slot count
 *    (its row high-water mark; rows are append-only, an UPDATE appends a version). The method's
 *    `buildAsync` reads every live row below it synchronously, then links off the event loop
 *    (HNSW: the pool's workers, access/hnsw/parallel.ts `linkAsync`). The index name is taken
 *    and the table held against DDL and VACUUM (`Catalog.startConcurrentBuild`: they wait for
 *    the build's end, as PostgreSQL's ShareUpdateExclusiveLock makes them, through the engine's
 *    lock wait: engine/lock_wait.ts), while rows of it may be read and written. The statement throws a {@link BuildWait}; the engine awaits the build
 *    (engine/lock_wait.ts `waitForBuild`: cancel and statement_timeout end it with 57014).
 * 2. Second run ({@link finishConcurrentBuild}), in one synchronous step on the main thread:
 *    rows below the snapshot that died meanwhile (a committed DELETE, the old version of an
 *    UPDATE, a rolled-back INSERT) become tombstones, every live row version appended since the
 *    snapshot is inserted (uncommitted ones too, as PostgreSQL's validation inserts them:
 *    visibility filters them at scan time), then the index is created and committed as a
 *    plain CREATE INDEX's (one logged createIndex record). Nothing can interleave inside the
 *    step, so no row is missed: PostgreSQL needs its second scan and its waits for older
 *    snapshots because its writers run in parallel with the validation; here they cannot.
 *
 * Until the second run the index exists for nobody: the planner cannot use it, and it is not
 * in pg_index (PostgreSQL shows it there with indisvalid = false while it builds).
 *
 * A build that fails once its definition passed CREATE INDEX's checks (an error reading a
 * row's key, a dimension the method refuses, 53200, a cancel or statement_timeout, a UNIQUE
 * B-tree over duplicate keys: 23505) leaves an INVALID index, as PostgreSQL's does (it
 * committed the catalog entry in its first transaction): {@link leaveInvalidIndex} commits the
 * definition with `valid: false` and no structure (PostgreSQL's indisvalid and indisready
 * false: never planned, not maintained by writes, no uniqueness enforced), then the statement
 * fails with the build's error. DROP INDEX removes it, REINDEX builds it valid, dumps leave it
 * out (pg_dump does), and it is logged and checkpointed like any definition. A crash during
 * the build leaves no index (nothing was logged yet; PostgreSQL would leave an INVALID one);
 * a crash after the final commit record recovers the whole index (recovery rebuilds an index
 * the last checkpoint lacks from the table).
 *
 * A session that cannot await (the synchronous `execute` / `executePortal`), a method without
 * `buildAsync` (IVFFlat, B-tree) and a build inside a failed pool build as plain CREATE INDEX
 * (a failure of that build leaves an INVALID index too: {@link buildOrLeaveInvalid}).
 *
 * A plain CREATE INDEX goes the same way ({@link ConcurrentBuild.plain}) when its session can
 * await and the method would build on worker threads ({@link buildsOffThread}): the two runs
 * and the catch-up are the same, but the first run takes PostgreSQL's SHARE lock on the table
 * for the statement's transaction (Catalog.lockRelation 'share', held to the transaction's
 * end, as after any CREATE INDEX), so others read it while their writes wait for the lock
 * (storage/row_locks.ts LockWait on the transaction), the calling thread joins the build
 * between other work, and, outside a transaction block, the statement's transaction stays open
 * between the two runs (sql/exec/statement.ts) so that the lock holds until it commits. The
 * catch-up then only meets rows that died meanwhile (an in-flight transaction that rolled back).
 * A failed plain build leaves no index (its statement fails, its transaction rolls back).
 */
import type { AsyncBuild, IndexAm, VectorIndex } from '../../access/am.js';
import { assert } from '../../common/assert.js';
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { IndexDef } from '../../storage/catalog.js';
import { LockWait } from '../../storage/row_locks.js';
import type { Table } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import type { BuildProgressRow } from '../stats/store.js';
import { createIndexTx } from './ddl_txn.js';
import { parallelMinBytes, prepareBuild, type IndexBuildTarget } from './index_build.js';
import { vectorKey } from './index_keys.js';
import { endTransaction, ensureXid } from './txn.js';

/** PostgreSQL's pg_stat_progress_create_index phase while the build links (pgvector reports it so). */
const PHASE_BUILD = 'building index: loading tuples';

/**
 * Tests only: while set, a build is not reported settled before this promise resolves (its
 * session's statement stays waiting), so a test holds a build open deterministically.
 */
export const buildTestHooks: { gate: Promise<void> | null } = { gate: null };

/** One CREATE INDEX CONCURRENTLY (or plain CREATE INDEX off the event loop) between its two runs (held by its session: `SqlEnv.concurrentBuild`). */
export class ConcurrentBuild {
  /** The build's result once it settled successfully (owned here until the second run takes it). */
  index: VectorIndex | null = null;
  /** The build's error once it failed. */
  error: unknown = null;
  /** NOTICEs the build raised, returned with the statement's second run. */
  readonly notices: PgError[] = [];
  /** Resolves (never rejects) when the build settled. */
  readonly settled: Promise<void>;
  private canceled = false;
  private ended = false;
  private onCancel: (() => void) | null = null;

  constructor(
    /** The statement's parse node: its second run is recognized by identity. */
    readonly stmt: object,
    readonly env: SqlEnv,
    readonly def: IndexDef,
    readonly table: Table,
    /** The table's slot count when the rows were read: rows from here on are caught up at the end. */
    readonly snapshotSlots: number,
    private readonly build: AsyncBuild,
    readonly progress: BuildProgressRow,
    /** A plain CREATE INDEX: its transaction holds the table's SHARE lock (see the module comment). */
    readonly plain = false,
  ) {
    // The test gate holds the report back, but not past a cancel (which waits for it to settle).
    const gate = buildTestHooks.gate;
    const done = gate === null ? build.done : Promise.race([gate, new Promise<void>((resolve) => {
      this.onCancel = resolve;
    })]).then(() => build.done);
    this.settled = done.then(
      (index) => {
        // Canceled after it finished (close(), a cancel racing the end): nobody will take it.
        if (this.canceled) index.dispose();
        else this.index = index;
      },
      (e: unknown) => {
        this.error = e;
      },
    );
  }

  /** Stops the build; its structure is freed when it settles. */
  cancel(): void {
    this.canceled = true;
    this.build.cancel();
    this.onCancel?.();
    if (this.index !== null) {
      this.index.dispose();
      this.index = null;
    }
  }

  /** Ends the registration (catalog name and table hold, progress row, the session's reference). Idempotent. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.env.catalog.endConcurrentBuild(this.def.name);
    this.env.stats.concurrentProgress.delete(this.progress);
    if (this.env.concurrentBuild === this) this.env.concurrentBuild = null;
  }
}

/**
 * The first run's exception: the statement waits for `build` (engine `runScript` / `runPortal`
 * await it, then run the statement again). A LockWait, so the engine's wait path carries it;
 * it holds no row lock (`holder` 0).
 */
export class BuildWait extends LockWait {
  constructor(readonly build: ConcurrentBuild) {
    super(0, build.table.name, -1);
  }
}

/** True when CREATE INDEX CONCURRENTLY of `am` runs off the event loop in this session. */
export function canBuildConcurrently(env: SqlEnv, am: IndexAm): boolean {
  return env.awaitable && am.buildAsync !== undefined;
}

/**
 * True when a plain CREATE INDEX of `am` over `t` runs off the event loop in this session: it
 * can await, and the method would build on worker threads (am.buildsOnWorkers, from the
 * options and the table's live rows; the build itself then counts the rows).
 * @throws PgError 22023 from the method's option checks.
 */
export function buildsOffThread(env: SqlEnv, am: IndexAm, t: IndexBuildTarget): boolean {
  if (!canBuildConcurrently(env, am) || am.buildsOnWorkers === undefined) return false;
  return am.buildsOnWorkers({
    dim: t.dim, opclass: t.opclass, options: am.parseOptions(t.options, t.dim), rowCount: t.table.liveCount,
    parallelWorkers: Number(env.settings.get('max_parallel_maintenance_workers')), ...parallelMinBytes(env),
  });
}

/**
 * First run: reads the rows below the snapshot and starts the build off the event loop, takes
 * the name and holds the table, and returns the {@link BuildWait} for the caller to throw.
 * `plain`: a plain CREATE INDEX, whose transaction first takes the table's SHARE lock.
 * @throws PgError 42P07 when the name is taken, 55P03 when another concurrent build holds the
 *   table (or, `plain`, another transaction's DDL); the method's build errors (options,
 *   dimensions, a row's key; 53200); 57014.
 */
export function startConcurrentBuild(env: SqlEnv, am: IndexAm, stmt: object, target: IndexBuildTarget, plain = false): BuildWait {
  const notices: PgError[] = [];
  const t: IndexBuildTarget = { ...target, notices };
  assert(am.buildAsync !== undefined && env.concurrentBuild === null, 'one concurrent build per session, by a method that has one');
  const { table, def } = t;
  env.catalog.checkConcurrentBuild(table.name);
  // Writers of the table wait from here to the end of the transaction (Catalog.checkWrite).
  if (plain) env.catalog.lockRelation(table.name, ensureXid(env), 'share');
  const snapshotSlots = table.slots;
  const { progress, build } = buildOrLeaveInvalid(env, !plain, def, () => {
    const prepared = prepareBuild(env, am, t);
    if (plain) prepared.input.callerJoins = true;
    prepared.progress.command = plain ? 'CREATE INDEX' : 'CREATE INDEX CONCURRENTLY';
    prepared.progress.pid = env.pid;
    env.stats.progress = prepared.progress;
    try {
      return { progress: prepared.progress, build: am.buildAsync!(prepared.input) };
    } finally {
      env.stats.progress = null;
    }
  });
  const b = new ConcurrentBuild(stmt, env, def, table, snapshotSlots, build, progress, plain);
  b.notices.push(...notices);
  try {
    env.catalog.startConcurrentBuild(def.name, table.name, () => b.cancel());
  } catch (e) {
    b.cancel();
    throw e;
  }
  progress.phase = PHASE_BUILD;
  progress.poll = () => {
    progress.tuplesDone = build.tuplesDone();
  };
  env.stats.concurrentProgress.add(progress);
  env.concurrentBuild = b;
  return new BuildWait(b);
}

/**
 * Second run: catches up the rows written since the snapshot and creates the index, in one
 * synchronous step (see the module comment). Ends the build's registration in every case.
 * @throws the build's error (57014 canceled, 53200, XX000 lost worker); 53200 when a
 *   caught-up row does not fit (the index is freed, nothing was created).
 */
export function finishConcurrentBuild(env: SqlEnv, b: ConcurrentBuild): VectorIndex {
  b.end();
  const { def, table } = b;
  // CONCURRENTLY leaves an INVALID index on failure; a plain CREATE INDEX leaves nothing.
  const fail: (e: unknown) => never = (e) => {
    if (b.plain) throw e;
    return leaveInvalidIndex(env, def, e);
  };
  if (b.error !== null) fail(b.error);
  const index = b.index;
  if (index === null) fail(new PgError(SQLSTATE.query_canceled, 'canceling statement due to user request'));
  b.index = null;
  try {
    assert(env.catalog.peekTable(def.table) === table, 'the table of a concurrent build is held against DDL');
    b.progress.phase = 'index validation: scanning table';
    // Rows the build read that died since (a tombstone is a no-op for a row it skipped).
    for (let r = 0; r < b.snapshotSlots; r++) if (!table.isLive(r)) index.delete(r);
    // Row versions appended since the snapshot.
    for (let r = b.snapshotSlots; r < table.slots; r++) {
      if (!table.isLive(r)) continue;
      const v = vectorKey(env, def, table, r);
      if (v !== null) index.insert(r, v);
    }
    ensureXid(env);
  } catch (e) {
    index.dispose();
    fail(e);
  }
  // Disposes the index itself when the catalog refuses it.
  createIndexTx(env, env.txn, def, index);
  return index;
}

/**
 * Runs `build` for index `def`; when it is a CREATE INDEX CONCURRENTLY's (`concurrent`) and
 * fails with a PgError, leaves the index INVALID ({@link leaveInvalidIndex}) and rethrows.
 * @throws whatever `build` throws.
 */
export function buildOrLeaveInvalid<T>(env: SqlEnv, concurrent: boolean, def: IndexDef, build: () => T): T {
  if (!concurrent) return build();
  try {
    return build();
  } catch (e) {
    // A LockWait is no failure (the statement runs again), a bug is no build error.
    if (!(e instanceof PgError)) throw e;
    return leaveInvalidIndex(env, def, e);
  }
}

/**
 * A CREATE INDEX CONCURRENTLY's build failed with `error` after its definition passed the
 * checks: commits the definition as an INVALID index (no structure) in the statement's own
 * transaction, which holds nothing else (the statement runs outside any transaction block),
 * then throws `error`; the statement then fails as usual, with nothing left to roll back.
 * PostgreSQL committed the same entry before its build started.
 * @throws `error` (or what logging the definition threw).
 */
export function leaveInvalidIndex(env: SqlEnv, def: IndexDef, error: unknown): never {
  assert(!env.txn.inBlock, 'CREATE INDEX CONCURRENTLY runs outside transaction blocks');
  ensureXid(env);
  createIndexTx(env, env.txn, { ...def, valid: false }, null);
  endTransaction(env, true);
  throw error;
}

