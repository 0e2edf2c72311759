/**
 * The random-query differential run: builds seeded schemas on both engines, generates
 * queries, compares every outcome and tallies, per feature class, how many were compared and
 * how many vecgres refused with 0A000 (allowed: unsupported SQL says so).
 */
import type { Vecgres } from '../../../src/index.js';
import type { Oracle } from '../pglite.js';
import { Rng } from './rng.js';
import { type Schema, type SchemaCapabilities, createIndexSql, createTableSql, generateSchema, insertSql } from './schema.js';
import { FEATURE_CLASSES, type FeatureClass, QueryGenerator } from './generate.js';
import { type Outcome, difference, oursOutcome, theirsOutcome } from './compare.js';

/**
 * The engine under test: vecgres ({@link vecgresUnderTest}), or a second PostgreSQL with other
 * planner settings when the generator itself is checked (every result must be determined by
 * the SQL, whatever plan runs it).
 */
export interface EngineUnderTest {
  /** Runs a setup script; throws on failure (with `.code` for SQL errors). */
  exec(sql: string): Promise<void>;
  /** Runs one query with its parameters and returns its outcome. */
  outcome(sql: string, params: unknown[]): Promise<Outcome>;
}

/** vecgres as the engine under test. */
export function vecgresUnderTest(db: Vecgres): EngineUnderTest {
  return {
    exec: async (sql) => {
      await db.exec(sql);
    },
    outcome: (sql, params) => oursOutcome(db, sql, params),
  };
}

/** A second oracle as the engine under test (the generator's self-check). */
export function oracleUnderTest(oracle: Oracle): EngineUnderTest {
  return { exec: (sql) => oracle.exec(sql), outcome: (sql, params) => theirsOutcome(oracle, sql, params) };
}

export interface RunOptions {
  readonly seed: number;
  /** Number of queries. */
  readonly queries: number;
  /** Queries per schema (a new schema after each batch). */
  readonly queriesPerSchema: number;
  /** Also generate the known-wrong shapes. */
  readonly all: boolean;
}

export interface ClassTally {
  generated: number;
  compared: number;
  unsupported: number;
  mismatched: number;
  /** Queries PostgreSQL itself rejected (their SQLSTATE is compared, but they test less). */
  oracleErrors: number;
}

export interface RunReport {
  readonly tallies: Record<FeatureClass, ClassTally>;
  /** vecgres' 0A000 messages, with how often each came. */
  readonly unsupportedMessages: Map<string, number>;
  /** PostgreSQL's errors, with how often each came. */
  readonly oracleErrorMessages: Map<string, number>;
  /** DDL that vecgres refused with 0A000 and that was therefore left out on both sides. */
  readonly skippedDdl: string[];
  readonly mismatches: string[];
  readonly compared: number;
  readonly total: number;
}

/** A 32-bit mix of the seed and a counter, so each schema and query has its own stream. */
export function subSeed(seed: number, a: number, b: number): number {
  let h = (seed ^ Math.imul(a + 1, 0x9e3779b1) ^ Math.imul(b + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

/** Probes what DDL vecgres supports, so generated schemas need no 0A000 during setup. */
export async function probeCapabilities(db: EngineUnderTest): Promise<SchemaCapabilities> {
  try {
    await db.exec('CREATE TABLE rq_probe (x numeric)');
    await db.exec('DROP TABLE rq_probe');
    return { numericColumns: true };
  } catch (e) {
    if ((e as { code?: string }).code !== '0A000') throw e;
    return { numericColumns: false };
  }
}

/** The setup script of `schema` as run on both sides (for a failure report). */
export function schemaSql(schema: Schema): string {
  const out: string[] = [`SET TimeZone = '${schema.timeZone}'`];
  for (const t of schema.tables) {
    out.push(createTableSql(t));
    if (t.indexFirst) for (const i of t.indexes) out.push(createIndexSql(t, i));
    out.push(...insertSql(t));
    if (!t.indexFirst) for (const i of t.indexes) out.push(createIndexSql(t, i));
  }
  return out.map((s) => `${s};`).join('\n');
}

/**
 * Creates `schema` on both sides (tables, rows, HNSW indexes). An index vecgres refuses with
 * 0A000 is dropped from the schema on both sides and recorded in `skipped`; any other failure
 * throws.
 */
export async function createSchema(db: EngineUnderTest, oracle: Oracle, schema: Schema, skipped: string[]): Promise<void> {
  const both = async (sql: string) => {
    await oracle.exec(sql);
    await db.exec(sql);
  };
  for (const t of schema.tables) {
    await both(`DROP TABLE IF EXISTS ${t.name}`);
    await both(createTableSql(t));
    const indexes = async () => {
      for (const i of [...t.indexes]) {
        const sql = createIndexSql(t, i);
        try {
          await db.exec(sql);
        } catch (e) {
          if ((e as { code?: string }).code !== '0A000') throw e;
          skipped.push(sql);
          t.indexes = t.indexes.filter((x) => x !== i);
          continue;
        }
        await oracle.exec(sql);
      }
    };
    if (t.indexFirst) await indexes();
    for (const sql of insertSql(t)) await both(sql);
    if (!t.indexFirst) await indexes();
  }
}

/** Runs the whole differential test and returns the tallies and every mismatch found. */
export async function runRandomQueries(db: EngineUnderTest, oracle: Oracle, opts: RunOptions): Promise<RunReport> {
  const tallies = Object.fromEntries(FEATURE_CLASSES.map((c) => [c, { generated: 0, compared: 0, unsupported: 0, mismatched: 0, oracleErrors: 0 }])) as Record<FeatureClass, ClassTally>;
  const unsupportedMessages = new Map<string, number>();
  const oracleErrorMessages = new Map<string, number>();
  const skippedDdl: string[] = [];
  const mismatches: string[] = [];
  const caps = await probeCapabilities(db);
  // The oracle answers exactly: an HNSW index scan orders by pgvector's float32 distances, so
  // PostgreSQL itself may return two rows 1 ulp apart (in float8) in the wrong order when it
  // picks one (an Incremental Sort over an ordered index scan of a cross join did, seed
  // 142758969). Its B-tree scans are exact either way.
  await oracle.exec('SET enable_indexscan = off');
  let compared = 0;
  for (let start = 0, schemaNo = 0; start < opts.queries; start += opts.queriesPerSchema, schemaNo++) {
    const schema = generateSchema(new Rng(subSeed(opts.seed, schemaNo, 0)), caps);
    // Both sides in the schema's zone (timestamptz input without a zone, text output, casts,
    // date_trunc), set before the rows are inserted.
    await oracle.exec(`SET TimeZone = '${schema.timeZone}'`);
    await db.exec(`SET TimeZone = '${schema.timeZone}'`);
    await createSchema(db, oracle, schema, skippedDdl);
    // Tables this small never pay for an index scan, so on every other schema the engine under
    // test is told to avoid sequential scans: its HNSW and primary-key paths then answer, and
    // must agree with PostgreSQL's exact scans (with ef_search 40 >= the 5-40 rows an HNSW
    // search visits every row; indexed columns hold no NULLs, cosine ones no zero vectors).
    await db.exec(schemaNo % 2 === 1 ? 'SET enable_seqscan = off' : 'RESET enable_seqscan');
    const end = Math.min(opts.queries, start + opts.queriesPerSchema);
    for (let i = start; i < end; i++) {
      const q = new QueryGenerator(new Rng(subSeed(opts.seed, schemaNo, i + 1)), schema, { all: opts.all }).next();
      const tally = tallies[q.cls];
      tally.generated++;
      const want = await theirsOutcome(oracle, q.sql, q.params);
      // Every seventh query PostgreSQL answers runs on the engine under test as a prepared
      // statement (PREPARE, EXECUTE, DEALLOCATE): the same rows through that path.
      const got = want.kind === 'rows' && i % 7 === 3 && q.params.length === 0 ? await viaPrepare(db, q.sql) : await db.outcome(q.sql, q.params);
      if (want.kind === 'error') {
        tally.oracleErrors++;
        oracleErrorMessages.set(`${want.code} ${want.message}`, (oracleErrorMessages.get(`${want.code} ${want.message}`) ?? 0) + 1);
      }
      if (got.kind === 'error' && got.code === '0A000') {
        tally.unsupported++;
        unsupportedMessages.set(got.message, (unsupportedMessages.get(got.message) ?? 0) + 1);
        continue;
      }
      compared++;
      tally.compared++;
      const diff = difference(want, got, q.compare);
      if (diff !== null) {
        tally.mismatched++;
        const params = q.params.length === 0 ? '' : `\n  parameters: ${JSON.stringify(q.params)}`;
        mismatches.push(`[seed ${opts.seed}, schema ${schemaNo}, query ${i}, ${q.cls}] ${q.sql}${params}\n  ${diff}`);
      }
    }
  }
  return { tallies, unsupportedMessages, oracleErrorMessages, skippedDdl, mismatches, compared, total: opts.queries };
}

/** The outcome of `sql` run as `PREPARE rq AS sql; EXECUTE rq` (a PREPARE that fails is that error). */
async function viaPrepare(db: EngineUnderTest, sql: string): Promise<Outcome> {
  try {
    await db.exec(`PREPARE rq AS ${sql}`);
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (typeof err.code !== 'string') return { kind: 'crash', error: String(e) };
    return { kind: 'error', code: err.code, message: `PREPARE: ${String(err.message)}` };
  }
  try {
    return await db.outcome('EXECUTE rq', []);
  } finally {
    await db.exec('DEALLOCATE rq');
  }
}

/** The end-of-run summary: per class generated / compared / 0A000 / mismatched, and the top 0A000 messages. */
export function formatReport(r: RunReport, seed: number): string {
  const lines = [`random queries: seed ${seed}, ${r.total} queries, ${r.compared} compared (${((100 * r.compared) / r.total).toFixed(1)}%), ${r.mismatches.length} mismatched`];
  lines.push(`  ${'class'.padEnd(16)}${'generated'.padStart(10)}${'compared'.padStart(10)}${'0A000'.padStart(8)}${'mismatch'.padStart(10)}${'pg error'.padStart(10)}`);
  for (const c of FEATURE_CLASSES) {
    const t = r.tallies[c];
    lines.push(`  ${c.padEnd(16)}${String(t.generated).padStart(10)}${String(t.compared).padStart(10)}${String(t.unsupported).padStart(8)}${String(t.mismatched).padStart(10)}${String(t.oracleErrors).padStart(10)}`);
  }
  const top = [...r.unsupportedMessages].sort((a, b) => b[1] - a[1]).slice(0, 12);
  if (top.length > 0) lines.push(`  0A000 messages: ${top.map(([m, n]) => `${n} x ${m}`).join('; ')}`);
  const errs = [...r.oracleErrorMessages].sort((a, b) => b[1] - a[1]).slice(0, 8);
  if (errs.length > 0) lines.push(`  PostgreSQL errors: ${errs.map(([m, n]) => `${n} x ${m}`).join('; ')}`);
  if (r.skippedDdl.length > 0) lines.push(`  DDL refused with 0A000 (left out on both sides): ${r.skippedDdl.length}, e.g. ${r.skippedDdl[0]}`);
  return lines.join('\n');
}
