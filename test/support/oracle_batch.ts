/**
 * Batched differential testing of the type modules: run one SQL template over many inputs in
 * a single PGlite round trip (errors caught per row in PL/pgSQL), run the same inputs through
 * our functions, and compare text or SQLSTATE + message + detail exactly.
 */
import assert from 'node:assert/strict';
import type { Oracle } from './pglite.js';
import { SEED } from './seed.js';

/** One outcome, in a form both sides can produce: text, or an error code, message and detail. */
export type Outcome = { ok: true; text: string | null } | { ok: false; code: string; message: string; detail: string | null };

/** Runs `fn`, turning a PgError into an error outcome (anything else is a bug and rethrows). */
export function ours(fn: () => string | null): Outcome {
  try {
    return { ok: true, text: fn() };
  } catch (e) {
    const err = e as { code?: string; message: string; detail?: string };
    if (typeof err.code !== 'string') throw e;
    return { ok: false, code: err.code, message: err.message, detail: err.detail ?? null };
  }
}

function hash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h.toString(36);
}

/**
 * Evaluates `template` (with `$x` standing for each text input) for every input in one round
 * trip; the value is compared as PostgreSQL's text output.
 */
export async function oracleBatch(oracle: Oracle, template: string, inputs: readonly string[]): Promise<Outcome[]> {
  const fn = `pg_temp.try_${hash(template)}`;
  await oracle.exec(`
    create or replace function ${fn}(x text) returns json language plpgsql as $f$
    declare c text; m text; d text;
    begin
      return json_build_object('ok', true, 'text', (${template.replaceAll('$x', 'x')})::text);
    exception when others then
      get stacked diagnostics c = returned_sqlstate, m = message_text, d = pg_exception_detail;
      return json_build_object('ok', false, 'code', c, 'message', m, 'detail', nullif(d, ''));
    end $f$`);
  const r = await oracle.query(`select ${fn}(x) as r from unnest($1::text[]) with ordinality as t(x, i) order by i`, [inputs]);
  return r.rows.map((row) => row.r as Outcome);
}

/** Asserts outcome by outcome, naming the input and the seed. */
export function compareBatch(label: string, inputs: readonly string[], expected: Outcome[], actual: Outcome[]): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < inputs.length; i++) {
    assert.deepEqual(actual[i], expected[i], `${label} for input ${JSON.stringify(inputs[i]!.slice(0, 300))} (VECGRES_SEED=${SEED})`);
  }
}

/** Runs `template` on the oracle and `fn` on ours for every input and compares. */
export async function differential(
  oracle: Oracle,
  template: string,
  inputs: readonly string[],
  fn: (x: string) => string | null,
): Promise<void> {
  const expected = await oracleBatch(oracle, template, inputs);
  const actual = inputs.map((x) => ours(() => fn(x)));
  compareBatch(template, inputs, expected, actual);
}

/** `a|b` inputs split in two. */
export function split2(x: string): [string, string] {
  const k = x.indexOf('|');
  return [x.slice(0, k), x.slice(k + 1)];
}

/**
 * Installs `pg_temp.eval_text(q)`, which runs the SQL expression `q` and returns its text, so
 * that inputs can be whole expressions (literals with typmods behave differently from text
 * casts: `'01'::bit(3)` fails where `x::bit(3)` for a text x pads).
 */
export async function installEval(oracle: Oracle): Promise<void> {
  await oracle.exec(`
    create or replace function pg_temp.eval_text(q text) returns text language plpgsql as $f$
    declare r text;
    begin
      execute 'select (' || q || ')::text' into r;
      return r;
    end $f$`);
}
