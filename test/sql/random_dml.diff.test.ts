/**
 * Seeded random DML differential test: INSERT (VALUES, SELECT, ON CONFLICT DO NOTHING / DO
 * UPDATE), UPDATE (also FROM) and DELETE (also USING), with target aliases, with and without
 * RETURNING, in transactions that commit or roll back (with savepoints) and in data-modifying
 * CTEs, over the random-query
 * test's schemas (NULLs, duplicates, primary keys or none, HNSW indexes, jsonb, integer[],
 * numeric, timestamptz), on vecgres and on PostgreSQL 18 + pgvector (PGlite). After every
 * statement the outcome (RETURNING rows, affected-row count or SQLSTATE) and the whole table
 * must agree; now and then a k-NN query through the HNSW index checks that it followed the
 * writes. See test/support/random_query/dml.ts.
 *
 * VECGRES_RANDOM_DML=<n> runs more or fewer statements (default 300), VECGRES_RANDOM_SEED=<s> (or
 * VECGRES_SEED) replays a run, VECGRES_DIFF_VERBOSE=1 prints every 0A000 and PostgreSQL error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { oracleForFile } from '../support/pglite.js';
import { SEED } from '../support/seed.js';
import { DML_KINDS, runRandomDml } from '../support/random_query/dml.js';
import { probeCapabilities, vecgresUnderTest } from '../support/random_query/run.js';

const env = process.env;
const seed = env['VECGRES_RANDOM_SEED'] !== undefined ? Number(env['VECGRES_RANDOM_SEED']) >>> 0 : SEED;
// 300 statements found the duplicate-vector defect of HNSW (copies unreachable after updates
// that keep the embedding; test/access/hnsw-duplicates.test.ts) at statements 93 and 99 of two
// seeds, so the CI budget reaches past them.
const statements = env['VECGRES_RANDOM_DML'] !== undefined ? Number(env['VECGRES_RANDOM_DML']) : 300;
/**
 * The share of generated statements that must be compared rather than refused (0A000): seeds
 * 1 and 2 compared 99% once data-modifying CTEs landed (93-95% before; `DELETE ... USING`,
 * `UPDATE ... FROM`, target aliases and `SET col = DEFAULT` were refused too before they
 * landed). What stays refused is in the expressions (SIMILAR TO, some IN operands).
 */
const COMPARED_MIN = 0.95;

const oracle = await oracleForFile();

test(`random DML agrees with PostgreSQL + pgvector (seed ${seed}, ${statements} statements)`, async () => {
  const db = await Vecgres.create();
  try {
    const caps = await probeCapabilities(vecgresUnderTest(db));
    const report = await runRandomDml(db, oracle, caps, { seed, statements, perSchema: 60 });
    let generated = 0;
    let compared = 0;
    const lines = [`random DML: seed ${seed}, ${statements} statements, ${report.knnChecks} k-NN checks`];
    for (const k of DML_KINDS) {
      const t = report.tallies[k];
      generated += t.generated;
      compared += t.compared;
      lines.push(`  ${k.padEnd(14)} generated ${t.generated}, compared ${t.compared}, 0A000 ${t.unsupported}, mismatched ${t.mismatched}`);
    }
    const top = [...report.unsupportedMessages].sort((a, b) => b[1] - a[1]).slice(0, env['VECGRES_DIFF_VERBOSE'] !== undefined ? 100 : 8);
    if (top.length > 0) lines.push(`  0A000 messages: ${top.map(([m, n]) => `${n} x ${m}`).join('; ')}`);
    const errs = [...report.oracleErrorMessages].sort((a, b) => b[1] - a[1]).slice(0, env['VECGRES_DIFF_VERBOSE'] !== undefined ? 100 : 8);
    if (errs.length > 0) lines.push(`  PostgreSQL errors: ${errs.map(([m, n]) => `${n} x ${m}`).join('; ')}`);
    console.log(lines.join('\n'));
    assert.equal(report.mismatches.length, 0, `random DML differs (VECGRES_RANDOM_SEED=${seed}):\n${report.mismatches.join('\n')}`);
    // The run stops at a mismatch; without one every statement was generated.
    assert.ok(compared >= COMPARED_MIN * generated, `only ${compared} of ${generated} statements were compared (seed ${seed})`);
  } finally {
    await db.close();
  }
});
