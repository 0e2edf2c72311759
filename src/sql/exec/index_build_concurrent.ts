/**
 * CREATE INDEX CONCURRENTLY (PostgreSQL's DefineIndex with `concurrent`, adapted to one writer
 * thread), for every method: the build runs while other sessions read and write the table,
 * and the statement's session waits for it without blocking the event loop.
 *
 * The statement runs twice, through the engine's wait mechanism (engine/database.ts
 * `runScript` / `runPortal`, which a row lock wait also uses):
 *
 * 1. First run ({@link beginBuild}, through {@link startConcurrentBuild} for vector methods and
 *    {@link startOrderedConcurrentBuild} for the B-tree): the index's definition is committed
 *    as INVALID in a transaction of its own, as PostgreSQL's first transaction commits its
 *    catalog entry with indisvalid and indisready false (from here pg_index lists it so, the
 *    planner never uses it, writes do not maintain it, and the engine makes the commit durable
 *    before it waits: a crash during the build leaves it INVALID). The build snapshot is the
 *    table's slot count (its row high-water mark; rows are append-only, an UPDATE appends a
 *    version). The method's `buildAsync` reads the live rows below it, in ranges between other
 *    work, and does the rest off the event loop: HNSW links on the pool's workers
 *    (access/hnsw/parallel.ts `linkAsync`), IVFFlat runs its k-means and its assignment there
 *    (access/ivfflat/build-async.ts), the B-tree sorts in slices on the calling thread
 *    (access/btree/build.ts `buildBtreeAsync`: its comparators are JavaScript functions). The
 *    name is taken and the table held against DDL and VACUUM (`Catalog.startConcurrentBuild`:
 *    they wait for the build's end, as PostgreSQL's ShareUpdateExclusiveLock makes them,
 *    through the engine's lock wait: engine/lock_wait.ts), while rows of it may be read and
 *    written. The statement throws a {@link BuildWait}; the engine awaits the build
 *    (engine/lock_wait.ts `waitForBuild`: cancel and statement_timeout end it with 57014).
 * 2. Second run ({@link finishConcurrentBuild}), in one synchronous step on the main thread:
 *    rows below the snapshot that died meanwhile (a committed DELETE, the old version of an
 *    UPDATE, a rolled-back INSERT) become tombstones, every live row version appended since the
 *    snapshot is inserted (uncommitted ones too, as PostgreSQL's validation inserts them:
 *    visibility filters them at scan time), a UNIQUE B-tree checks its keys (a duplicate
 *    written during the build fails it with 23505, as PostgreSQL's validation does), then the
 *    INVALID definition becomes valid with the structure (logged as REINDEX logs it: the index
 *    dropped and created again, so recovery rebuilds it from the table). Nothing can
 *    interleave inside the step, so no row is missed: PostgreSQL needs its second scan and its
 *    waits for older snapshots because its writers run in parallel with the validation; here
 *    they cannot.
 *
 * A build that fails (an error reading a row's key, a dimension the method refuses, 53200, a
 * cancel or statement_timeout, the session's close, a UNIQUE B-tree over duplicate keys:
 * 23505) leaves the INVALID index, as PostgreSQL's does: no structure, never planned, not
 * maintained by writes, no uniqueness enforced; TRUNCATE makes it valid unless it is UNIQUE
 * (dml.ts, as PostgreSQL's reindex_relation without constraint checks).
 * DROP INDEX removes it, REINDEX builds it valid, dumps leave it out (pg_dump does), and it is
 * logged and checkpointed like any definition. A crash after the final commit record recovers
 * the whole index (recovery rebuilds an index the last checkpoint lacks from the table).
 *
 * A session that cannot await (the synchronous `execute` / `executePortal`) and a build inside
 * a failed pool build as plain CREATE INDEX (a failure of that build leaves an INVALID index
 * too: {@link buildOrLeaveInvalid}).
 *
 * A plain CREATE INDEX goes the same way ({@link ConcurrentBuild.plain}) when its session can
 * await and the method would build on worker threads ({@link buildsOffThread}: HNSW and
 * IVFFlat): the two runs and the catch-up are the same, but nothing is committed before the
 * build; the first run takes PostgreSQL's SHARE lock on the table for the statement's
 * transaction (Catalog.lockRelation 'share', held to the transaction's end, as after any
 * CREATE INDEX), so others read it while their writes wait for the lock (storage/row_locks.ts
 * LockWait on the transaction), the calling thread joins the build between other work, and,
 * outside a transaction block, the statement's transaction stays open between the two runs
 * (sql/exec/statement.ts) so that the lock holds until it commits. The catch-up then only
 * meets rows that died meanwhile (an in-flight transaction that rolled back). A failed plain
 * build leaves no index (its statement fails, its transaction rolls back).
 */
import { isOrderedIndex, type AsyncBuild, type IndexAm, type OrderedIndex, type OrderedIndexAm, type VectorIndex } from '../../access/am.js';
import { assert } from '../../common/assert.js';
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { IndexDef } from '../../storage/catalog.js';
import { LockWait } from '../../storage/row_locks.js';
import type { Table } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import type { BuildProgressRow } from '../stats/store.js';
import { createIndexTx, reindexTx } from './ddl_txn.js';
import { parallelMinBytes, prepareBuild, type IndexBuildTarget } from './index_build.js';
import { indexKeyValues, vectorKey } from './index_keys.js';
import { checkBuiltUnique, keptValue, prepareOrderedBuild } from './ordered_index.js';
import { endTransaction, ensureXid } from './txn.js';

/** An index structure of either kind (vector or ordered). */
type IndexStructure = VectorIndex | OrderedIndex;

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
  index: IndexStructure | null = null;
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
    private readonly build: AsyncBuild<IndexStructure>,
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
export function canBuildConcurrently(env: SqlEnv, am: IndexAm | OrderedIndexAm): boolean {
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
 * First run of a vector method's build (see {@link beginBuild}): reads the rows below the
 * snapshot and starts the build off the event loop.
 * @throws as {@link beginBuild}; the method's build errors (options, dimensions, a row's key;
 *   53200).
 */
export function startConcurrentBuild(env: SqlEnv, am: IndexAm, stmt: object, target: IndexBuildTarget, plain = false): BuildWait {
  const notices: PgError[] = [];
  const t: IndexBuildTarget = { ...target, notices };
  assert(am.buildAsync !== undefined, 'a concurrent build by a method that has one');
  return beginBuild(env, stmt, t.def, t.table, plain, notices, () => {
    const prepared = prepareBuild(env, am, t);
    if (plain) prepared.input.callerJoins = true;
    env.stats.progress = prepared.progress;
    try {
      return { progress: prepared.progress, build: am.buildAsync!(prepared.input) };
    } finally {
      env.stats.progress = null;
    }
  });
}

/**
 * First run of a B-tree CREATE [UNIQUE] INDEX CONCURRENTLY (see {@link beginBuild}): the rows
 * are read in ranges and sorted in slices (access/btree/build.ts buildBtreeAsync); a UNIQUE
 * one checks the keys at the second run, after the catch-up.
 * @throws as {@link beginBuild}; 22023 from the options.
 */
export function startOrderedConcurrentBuild(env: SqlEnv, am: OrderedIndexAm, stmt: object, def: IndexDef, table: Table): BuildWait {
  assert(am.buildAsync !== undefined, 'a concurrent build by a method that has one');
  return beginBuild(env, stmt, def, table, false, [], () => {
    const input = prepareOrderedBuild(env, am, def, table);
    const progress: BuildProgressRow = { pid: 1, table: table.name, index: def.name, phase: 'initializing', tuplesTotal: input.rowCount, tuplesDone: 0 };
    const report = input.onProgress;
    input.onProgress = (p) => {
      progress.phase = p.phase;
      progress.tuplesTotal = p.tuplesTotal;
      progress.tuplesDone = p.tuplesDone;
      report?.(p);
    };
    return { progress, build: am.buildAsync!(input) };
  });
}

/**
 * First run, for every method: a CREATE INDEX CONCURRENTLY first commits the index's
 * definition as INVALID in a transaction of its own (PostgreSQL's first transaction of
 * DefineIndex: from here other sessions see it in pg_index with indisvalid and indisready
 * false, and a crash or a failed build leaves it so), then `start` reads the rows below the
 * snapshot and starts the build off the event loop; the index name is taken and the table held,
 * and the {@link BuildWait} for the caller to throw is returned.
 * `plain`: a plain CREATE INDEX, whose transaction first takes the table's SHARE lock and
 * commits nothing before the build.
 * @throws PgError 42P07 when the name is taken, 55P03 when another concurrent build holds the
 *   table (or, `plain`, another transaction's DDL); what `start` throws; 57014.
 */
function beginBuild(
  env: SqlEnv, stmt: object, def: IndexDef, table: Table, plain: boolean, notices: PgError[],
  start: () => { progress: BuildProgressRow; build: AsyncBuild<IndexStructure> },
): BuildWait {
  assert(env.concurrentBuild === null, 'one concurrent build per session');
  env.catalog.checkConcurrentBuild(table.name);
  // Writers of the table wait from here to the end of the transaction (Catalog.checkWrite).
  if (plain) env.catalog.lockRelation(table.name, ensureXid(env), 'share');
  else commitInvalidIndex(env, def);
  const snapshotSlots = table.slots;
  const { progress, build } = start();
  progress.command = plain ? 'CREATE INDEX' : 'CREATE INDEX CONCURRENTLY';
  progress.pid = env.pid;
  const b = new ConcurrentBuild(stmt, env, def, table, snapshotSlots, build, progress, plain);
  b.notices.push(...notices);
  try {
    env.catalog.startConcurrentBuild(def.name, table.name, () => b.cancel());
  } catch (e) {
    b.cancel();
    throw e;
  }
  if (progress.phase === 'initializing') progress.phase = PHASE_BUILD;
  progress.poll = () => {
    progress.tuplesDone = build.tuplesDone();
  };
  env.stats.concurrentProgress.add(progress);
  env.concurrentBuild = b;
  return new BuildWait(b);
}

/**
 * Commits `def` as an INVALID index (no structure) in a transaction of its own, the
 * statement's, which holds nothing else (CREATE INDEX CONCURRENTLY runs outside transaction
 * blocks); the statement goes on in a new one.
 * @throws what logging the definition throws (42P07).
 */
function commitInvalidIndex(env: SqlEnv, def: IndexDef): void {
  assert(!env.txn.inBlock, 'CREATE INDEX CONCURRENTLY runs outside transaction blocks');
  ensureXid(env);
  createIndexTx(env, env.txn, { ...def, valid: false }, null);
  endTransaction(env, true);
}

/**
 * Second run: catches up the rows written since the snapshot and makes the index valid (a
 * CREATE INDEX CONCURRENTLY: its INVALID definition becomes valid with the structure, logged as
 * REINDEX logs it) or creates it (a plain CREATE INDEX), in one synchronous step (see the
 * module comment). Ends the build's registration in every case. On failure a CONCURRENTLY
 * index stays INVALID (committed at the first run), a plain one leaves nothing.
 * @throws the build's error (57014 canceled, 53200, XX000 lost worker); 53200 when a
 *   caught-up row does not fit; 23505 `could not create unique index` for a UNIQUE B-tree
 *   whose rows repeat a key (the structure is freed in every case).
 */
export function finishConcurrentBuild(env: SqlEnv, b: ConcurrentBuild): IndexStructure {
  b.end();
  const { def, table } = b;
  if (b.error !== null) throw b.error;
  const index = b.index;
  if (index === null) throw new PgError(SQLSTATE.query_canceled, 'canceling statement due to user request');
  b.index = null;
  try {
    assert(env.catalog.peekTable(def.table) === table, 'the table of a concurrent build is held against DDL');
    assert(b.plain || env.catalog.getIndex(def.name)?.valid === false, 'the INVALID definition of a concurrent build is held against DDL');
    b.progress.phase = 'index validation: scanning table';
    // Rows the build read that died since (a tombstone is a no-op for a row it skipped).
    for (let r = 0; r < b.snapshotSlots; r++) if (!table.isLive(r)) index.delete(r);
    // Row versions appended since the snapshot.
    if (isOrderedIndex(index)) {
      for (let r = b.snapshotSlots; r < table.slots; r++) {
        if (!table.isLive(r)) continue;
        const keys = indexKeyValues(env, def, table, r);
        if (keys !== null) index.insert(r, keys.map(keptValue));
      }
      // Duplicates written during the build fail it here (PostgreSQL's validation does too).
      if (def.unique) checkBuiltUnique(env, table, def, index);
    } else {
      for (let r = b.snapshotSlots; r < table.slots; r++) {
        if (!table.isLive(r)) continue;
        const v = vectorKey(env, def, table, r);
        if (v !== null) index.insert(r, v);
      }
    }
    ensureXid(env);
  } catch (e) {
    index.dispose();
    throw e;
  }
  // Both dispose the index themselves when the catalog refuses it.
  if (b.plain) createIndexTx(env, env.txn, def, index);
  else reindexTx(env, env.txn, def.name, index);
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

