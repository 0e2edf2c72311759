/**
 * Building an index structure over a table's rows: the one place CREATE INDEX, TRUNCATE's
 * rebuild and recovery's rebuild of an index missing from the checkpoint go through, so they
 * count rows, skip NULLs and dead rows, and report progress the same way.
 */
import type { IndexAm, OpClass, VectorIndex } from '../../access/am.js';
import type { Table } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';

export interface IndexBuildTarget {
  /** Index name, for progress reports. */
  name: string;
  table: Table;
  /** Column number of the indexed vector column. */
  column: number;
  dim: number;
  opclass: OpClass;
  /** Raw WITH options (validated by `am.parseOptions`). */
  options: ReadonlyMap<string, string>;
}

/**
 * Builds `am`'s structure over every live row of `t.table` whose vector is not NULL.
 * @throws PgError from `am.parseOptions` (22023) for invalid options.
 */
export function buildIndexOverTable(env: SqlEnv, am: IndexAm, t: IndexBuildTarget): VectorIndex {
  const { table, column } = t;
  const parsed = am.parseOptions(t.options, t.dim);
  let rowCount = 0;
  for (let r = 0; r < table.slots; r++) if (table.isLive(r) && table.vectorPtr(column, r) !== 0) rowCount++;
  const report = env.engine.onIndexBuildProgress;
  return am.build({
    dim: t.dim,
    opclass: t.opclass,
    options: parsed,
    rowCount,
    seed: env.seed,
    forEachRow(fn) {
      for (let r = 0; r < table.slots; r++) {
        if (!table.isLive(r)) continue;
        const v = table.get(column, r);
        if (v !== null) fn(r, v as Float32Array);
      }
    },
    ...(report === undefined ? {} : { onProgress: (p) => report({ index: t.name, ...p }) }),
  });
}
