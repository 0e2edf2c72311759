/**
 * Building an index structure over a table's rows: the one place CREATE INDEX, TRUNCATE's
 * rebuild and recovery's rebuild of an index missing from the checkpoint go through, so they
 * count rows, skip NULLs and dead rows, and report progress the same way.
 */
import type { BuildInput, IndexAm, OpClass, VectorIndex } from '../../access/am.js';
import type { IndexDef } from '../../storage/catalog.js';
import type { Table } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import { compileIndexDef, vectorKey } from './index_keys.js';
import type { BuildProgressRow } from '../stats/store.js';
import { PgError, SQLSTATE } from '../../common/errors.js';

export interface IndexBuildTarget {
  /** Index name, for progress reports. */
  name: string;
  table: Table;
  /** The definition (keys, predicate): rows get their key through {@link vectorKey}. */
  def: IndexDef;
  dim: number;
  opclass: OpClass;
  /** Raw WITH options (validated by `am.parseOptions`). */
  options: ReadonlyMap<string, string>;
  /** Where the build's NOTICEs go (CREATE INDEX's statement result); dropped when absent. */
  notices?: PgError[];
}

/**
 * Builds `am`'s structure over every live row of `t.table` that the index holds: its key is
 * not NULL and it passes the index's predicate.
 * @throws PgError from `am.parseOptions` (22023) for invalid options; from a key expression
 *   or the predicate evaluated on a row; 57014 when the statement times out or is canceled
 *   while rows are read (checked per row, env.interrupts).
 */
export function buildIndexOverTable(env: SqlEnv, am: IndexAm, t: IndexBuildTarget): VectorIndex {
  const { input, progress } = prepareBuild(env, am, t);
  // pg_stat_progress_create_index shows this build while it runs: builds are synchronous, so
  // another session reads it from inside the progress callback (engine.onIndexBuildProgress).
  env.stats.progress = progress;
  try {
    return am.build(input);
  } finally {
    env.stats.progress = null;
  }
}

/**
 * What `am.build` / `am.buildAsync` are given for `t` (rows read from `t.table` as they are
 * when `forEachRow` runs: live rows whose key is not NULL and that pass the predicate), and
 * the progress row the build updates.
 * @throws PgError from `am.parseOptions` (22023) and from a key expression or the predicate
 *   evaluated on a row while counting; 57014 when the statement times out or is canceled.
 */
export function prepareBuild(env: SqlEnv, am: IndexAm, t: IndexBuildTarget): { input: BuildInput; progress: BuildProgressRow } {
  const { table, def } = t;
  const parsed = am.parseOptions(t.options, t.dim);
  let rowCount = 0;
  const column = def.keys[0]!.column;
  if (compileIndexDef(env, def, table).simple && table.def.columns[column]!.type === 'vector' && table.packedColumn(column) === null) {
    // A float32 vector column answers NULL from its pointer array without making a view.
    for (let r = 0; r < table.slots; r++) if (table.isLive(r) && !table.vectorIsNull(column, r)) rowCount++;
  } else {
    // Keys are computed twice (count, then build) rather than held: an expression key is a
    // new vector per row, and the count only sizes the build's preallocation and progress.
    for (let r = 0; r < table.slots; r++) {
      if (!table.isLive(r)) continue;
      env.interrupts.tick();
      if (vectorKey(env, def, table, r) !== null) rowCount++;
    }
  }
  const report = env.engine.onIndexBuildProgress;
  const rowIdEnd = table.slots;
  const progress: BuildProgressRow = { pid: 1, table: table.name, index: t.name, phase: 'initializing', tuplesTotal: rowCount, tuplesDone: 0 };
  const input: BuildInput = {
    dim: t.dim,
    opclass: t.opclass,
    options: parsed,
    rowCount,
    seed: env.seed,
    parallelWorkers: Number(env.settings.get('max_parallel_maintenance_workers')),
    ...parallelMinBytes(env),
    forEachRow(fn) {
      for (let r = 0; r < table.slots; r++) {
        if (!table.isLive(r)) continue;
        // statement_timeout and cancel (57014): the method frees its half-built structure
        // when this throws, and nothing was put in the catalog yet.
        env.interrupts.tick();
        const v = vectorKey(env, def, table, r);
        if (v !== null) fn(r, v);
      }
    },
    // Reads between other sessions' statements (CREATE INDEX CONCURRENTLY): no interrupt
    // checks here, the waiting session handles cancel and statement_timeout.
    forEachRowIn(from, to, fn) {
      const end = Math.min(to, rowIdEnd, table.slots);
      for (let r = from; r < end; r++) {
        if (!table.isLive(r)) continue;
        const v = vectorKey(env, def, table, r);
        if (v !== null) fn(r, v);
      }
    },
    rowIdEnd,
    onNotice: (n) => {
      t.notices?.push(new PgError(SQLSTATE.successful_completion, n.message, { severity: 'NOTICE', ...(n.detail === undefined ? {} : { detail: n.detail }), ...(n.hint === undefined ? {} : { hint: n.hint }) }));
    },
    onProgress: (p) => {
      progress.phase = p.phase;
      progress.tuplesTotal = p.tuplesTotal;
      progress.tuplesDone = p.tuplesDone;
      report?.({ index: t.name, ...p });
    },
  };
  return { input, progress };
}

/**
 * `parallelMinBytes` of a build: PostgreSQL's `min_parallel_table_scan_size` (pages of 8 kB),
 * the size from which PostgreSQL gives an index build any worker.
 */
export function parallelMinBytes(env: SqlEnv): { parallelMinBytes: number } {
  return { parallelMinBytes: Number(env.settings.get('min_parallel_table_scan_size')) * 8192 };
}
