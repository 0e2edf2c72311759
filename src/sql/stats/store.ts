/**
 * Per-database statistics: what ANALYZE gathered per table column (PostgreSQL's
 * pg_statistic), the activity counters of the monitoring views (PostgreSQL's cumulative
 * statistics system: pg_stat_user_tables, pg_stat_user_indexes) and the progress of the index
 * build running now (pg_stat_progress_create_index). One store is shared by all sessions of
 * a database.
 *
 * Nothing here is persisted: after a restart the counters start at zero and the column
 * statistics are gathered again by the automatic analyze, which counts every row present at
 * open as a change since the last (never run) analyze.
 */
import type { Table, Value } from '../../storage/table.js';
import { ObjectIds, type OidAssignment } from '../../storage/object_ids.js';

/** Statistics of one column, as ANALYZE computes them (analyze.c's VacAttrStats results). */
export interface ColumnStats {
  /** Fraction of the sampled rows whose value is NULL (stanullfrac). */
  nullFrac: number;
  /** Average width in bytes of the non-null values (stawidth). */
  avgWidth: number;
  /**
   * Distinct non-null values (stadistinct): > 0 an absolute count, < 0 minus a fraction of
   * the row count (the count grows with the table), 0 unknown.
   */
  nDistinct: number;
  /** Most common values, most common first, and their frequencies over all sampled rows. */
  mcvVals: Value[];
  mcvFreqs: number[];
  /** Histogram bounds of the values not among the MCVs, ascending (empty: none). */
  histogram: Value[];
  /** Correlation of physical row order with value order (-1 .. 1), or null when not computed. */
  correlation: number | null;
  /** False for columns without an ordering (vectors): only nullFrac, avgWidth, nDistinct are set. */
  scalar: boolean;
}

/** One table's ANALYZE results and activity counters. */
export interface TableStats {
  /** Column statistics by column number (null: not analyzed). */
  columns: (ColumnStats | null)[];
  /** Live rows when last analyzed (pg_class.reltuples; -1 never analyzed). */
  reltuples: number;
  /**
   * Heap pages in PostgreSQL's layout when reltuples was set (pg_class.relpages; 0 before):
   * the planner scales reltuples / relpages to the current size (rel_size.ts).
   */
  relpages: number;
  /** Wall-clock milliseconds of the last manual / automatic analyze (null: never). */
  lastAnalyzeMs: number | null;
  lastAutoanalyzeMs: number | null;
  lastVacuumMs: number | null;
  /** Rows inserted, updated or deleted by committed transactions since the last analyze. */
  modsSinceAnalyze: number;
  /** Dead rows left by committed deletes and aborted inserts since the last vacuum. */
  deadRows: number;
  analyzeCount: number;
  autoanalyzeCount: number;
  vacuumCount: number;
  /** Sequential scans started on the table and the visible rows they read. */
  seqScan: number;
  seqTupRead: number;
  lastSeqScanMs: number | null;
  /** Rows inserted by committed transactions since the last VACUUM. */
  insSinceVacuum: number;
  /**
   * Rows inserted / updated / deleted (pg_stat_user_tables.n_tup_ins / n_tup_upd / n_tup_del,
   * n_tup_hot_upd), counted whether the transaction committed or not, as PostgreSQL counts
   * attempted actions.
   */
  tupIns: number;
  tupUpd: number;
  tupHotUpd: number;
  tupDel: number;
}


/** Activity counters of one index (pg_stat_user_indexes). */
export interface IndexStats {
  idxScan: number;
  /** Index entries returned by scans of the index. */
  idxTupRead: number;
  /** Live table rows fetched through the index. */
  idxTupFetch: number;
  lastIdxScanMs: number | null;
}

/** The index build running now, for pg_stat_progress_create_index. */
export interface BuildProgressRow {
  /** Backend-like id of the session that builds (1 for the only build at a time). */
  pid: number;
  table: string;
  index: string;
  /** PostgreSQL's phase text, e.g. 'building index: loading tuples'. */
  phase: string;
  tuplesTotal: number;
  tuplesDone: number;
  /** pg_stat_progress_create_index.command: 'CREATE INDEX' when absent. */
  command?: string;
  /** Brings `tuplesDone` up to date before the view reads it (a build running on other threads). */
  poll?: () => void;
}

/** A fresh table entry (nothing analyzed, all counters zero). */
function newTableStats(table: Table): TableStats {
  return {
    columns: table.def.columns.map(() => null),
    reltuples: -1,
    relpages: 0,
    lastAnalyzeMs: null,
    lastAutoanalyzeMs: null,
    lastVacuumMs: null,
    modsSinceAnalyze: 0,
    deadRows: 0,
    analyzeCount: 0,
    autoanalyzeCount: 0,
    vacuumCount: 0,
    seqScan: 0,
    seqTupRead: 0,
    lastSeqScanMs: null,
    insSinceVacuum: 0,
    tupIns: 0,
    tupUpd: 0,
    tupHotUpd: 0,
    tupDel: 0,
  };
}

export { FIRST_NORMAL_OID } from '../../storage/object_ids.js';

/**
 * The oid-map key of constraint (`c`) or column default (`d`) `name` of table `table`: it starts
 * with a NUL, which no relation name holds.
 */
export function objectKey(kind: 'c' | 'd', table: string, name: string): string {
  return `\0${kind}\0${table}\0${name}`;
}

/** The table a constraint's or default's key belongs to, or null for a relation's key. */
function keyTable(key: string): string | null {
  if (key.charCodeAt(0) !== 0) return null;
  const end = key.indexOf('\0', 3);
  return end < 0 ? null : key.slice(3, end);
}
/**
 * The oids `CREATE EXTENSION vector` takes in a fresh PGlite + pgvector 0.8.7 database: its
 * pg_extension row (16384), types, functions, operators, operator classes and access methods,
 * through 16711; the first table created after it is 16712.
 */
export const VECTOR_EXTENSION_OIDS = 328;

/**
 * The statistics of one database. Entries are keyed by the table object, so a dropped or
 * truncated table (TRUNCATE makes a new one) starts afresh, as PostgreSQL's relfilenode does.
 */
export class StatsStore {
  private readonly tables = new WeakMap<Table, TableStats>();
  private readonly indexes = new Map<string, IndexStats>();
  /** Tables with committed changes since the last statement boundary check (auto-analyze candidates). */
  readonly changed = new Set<Table>();
  /** Bumped by every ANALYZE: cached plans made with older statistics are planned again. */
  generation = 0;
  /** The index build in progress, or null. */
  progress: BuildProgressRow | null = null;
  /** CREATE INDEX CONCURRENTLY builds running now (off the event loop; several sessions may run one). */
  readonly concurrentProgress = new Set<BuildProgressRow>();

  /**
   * @param nowMs wall-clock milliseconds since the Unix epoch (injected: tests use a fixed clock).
   * @param oids the database's object ids (the catalog's: logged and checkpointed with it).
   */
  constructor(readonly nowMs: () => number, private readonly oids: ObjectIds = new ObjectIds()) {}

  /**
   * The oid of relation `name` (table, index or sequence), or of a constraint or column
   * default under a key no relation name takes, from PostgreSQL's first user oid
   * (FirstNormalObjectId, 16384). DDL takes its objects' oids when it runs, in PostgreSQL's
   * order (exec/catalog_describe.ts assignTableOids); anything else on first use. Stored with
   * the catalog (storage/object_ids.ts): the same after a reopen or a crash.
   */
  relOid(name: string): number {
    return this.oids.oidOf(name);
  }

  /**
   * Skips `n` oids: objects PostgreSQL numbers from the same counter that vecgres does not
   * list (a table's array and row types, its TOAST table and index).
   */
  skipOids(n: number): void {
    this.oids.skip(n);
  }

  /** True when `name` has an oid already. */
  hasOid(name: string): boolean {
    return this.oids.peek(name) !== undefined;
  }

  /**
   * Forgets the oids of keys `keys` and of the constraints and defaults of tables `tables` (a
   * DROP, or a CREATE undone: a new object of the same name takes a new oid, as in
   * PostgreSQL). Returns what it forgot, for {@link restoreOids} when the DROP is undone.
   */
  forgetOids(keys: readonly string[], tables: readonly string[] = []): readonly OidAssignment[] {
    const exact = new Set(keys);
    const owners = new Set(tables);
    return this.oids.forget((k) => exact.has(k) || owners.has(keyTable(k) ?? '\0'));
  }

  /** Logs `key`'s oid again (REINDEX: replayed as a DROP and a CREATE, it keeps its oid). */
  reassertOid(key: string): void {
    this.oids.reassert(key);
  }

  /** Puts back oids {@link forgetOids} returned (the DROP was undone). */
  restoreOids(assigned: readonly OidAssignment[]): void {
    this.oids.restore(assigned);
  }

  /**
   * Table `from` renamed `to`: it keeps its oid, and its constraints and defaults theirs (a
   * NOT NULL constraint, whose name vecgres derives from the table's, under its new name).
   */
  renameTableOids(from: string, to: string): void {
    const notNull = `${from}_`;
    this.oids.rekey((k) => {
      if (k === from) return to;
      if (keyTable(k) !== from) return null;
      let rest = k.slice(3 + from.length + 1);
      if (k[1] === 'c' && rest.startsWith(notNull) && rest.endsWith('_not_null')) rest = `${to}_${rest.slice(notNull.length)}`;
      return objectKey(k[1] as 'c' | 'd', to, rest);
    });
  }

  /** Objects renamed: each `[from, to]` key pair moves its oid (a renamed object keeps it). */
  moveOids(moves: readonly (readonly [string, string])[]): void {
    if (moves.length === 0) return;
    const to = new Map(moves);
    this.oids.rekey((k) => to.get(k) ?? null);
  }

  /** The entry of `table`, created on first use. */
  table(table: Table): TableStats {
    let s = this.tables.get(table);
    if (s === undefined) {
      s = newTableStats(table);
      this.tables.set(table, s);
    }
    return s;
  }

  /** The entry of `table` if it has one (no entry is created). */
  peekTable(table: Table): TableStats | undefined {
    return this.tables.get(table);
  }

  /** The counters of index `name`, created on first use. */
  index(name: string): IndexStats {
    let s = this.indexes.get(name);
    if (s === undefined) {
      s = { idxScan: 0, idxTupRead: 0, idxTupFetch: 0, lastIdxScanMs: null };
      this.indexes.set(name, s);
    }
    return s;
  }

  /** Forgets an index's counters (DROP INDEX / DROP TABLE). */
  dropIndex(name: string): void {
    this.indexes.delete(name);
  }

  /**
   * Counts one row write of `table` when its transaction (or subtransaction) ends, by
   * PostgreSQL's rules (pgstat_relation.c, AtEOXact_PgStat_Relations): inserts, updates and
   * deletes are counted whether or not it `committed`; a commit makes the deleted and the
   * updated-away versions dead and counts the changes toward the next automatic ANALYZE; an
   * abort makes the inserted versions (an UPDATE's new one too) dead. An UPDATE arrives as its
   * two halves (`update` set on both) and is counted once, on the delete half.
   */
  countWrite(table: Table, w: { kind: 'insert' | 'delete'; update?: true; hot?: boolean }, committed: boolean): void {
    const s = this.table(table);
    if (w.kind === 'insert') {
      if (w.update === undefined) {
        s.tupIns++;
        s.insSinceVacuum++;
        if (committed) s.modsSinceAnalyze++;
      }
      if (!committed) s.deadRows++;
    } else if (w.update !== undefined) {
      s.tupUpd++;
      if (w.hot === true) s.tupHotUpd++;
      if (committed) {
        s.deadRows++;
        s.modsSinceAnalyze++;
      }
    } else {
      s.tupDel++;
      if (committed) {
        s.deadRows++;
        s.modsSinceAnalyze++;
      }
    }
    if (committed) this.changed.add(table);
  }

  /** Counts a sequential scan of `table` that read `tuples` visible rows (nodeSeqscan). */
  countSeqScan(table: Table, tuples: number): void {
    const s = this.table(table);
    s.seqScan++;
    s.seqTupRead += tuples;
    s.lastSeqScanMs = this.nowMs();
  }

  /** Counts one scan of index `name` that returned `read` entries and fetched `fetched` live rows. */
  countIndexScan(name: string, read: number, fetched: number): void {
    const s = this.index(name);
    s.idxScan++;
    s.idxTupRead += read;
    s.idxTupFetch += fetched;
    s.lastIdxScanMs = this.nowMs();
  }

  /** Adds entries read / rows fetched to index `name` after its scan was counted. */
  countIndexTuples(name: string, read: number, fetched: number): void {
    const s = this.index(name);
    s.idxTupRead += read;
    s.idxTupFetch += fetched;
  }

  /**
   * After recovery: the rows of every table count as changes since the last (never run here)
   * analyze, so the automatic analyze gathers the statistics a restart did not keep.
   */
  noteRecovered(tables: readonly Table[]): void {
    for (const t of tables) {
      const s = this.table(t);
      s.modsSinceAnalyze = Math.max(s.modsSinceAnalyze, t.liveCount);
      this.changed.add(t);
    }
  }

}
