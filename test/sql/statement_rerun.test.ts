/**
 * The rerun journal of sql/exec/statement_rerun.ts on its own, against a model sequence: a
 * statement's runs are cut at random "waits", another session draws values in between, and the
 * statement's calls may change from run to run. Properties: the final run's nextval values are
 * never values another session got and never repeat; a rerun that makes the first run's calls
 * gets the first run's values in the same order (also across several waits); a repeated setval
 * is not applied again, a changed one is; the random stream and the settings are put back.
 * Seeded (`VECGRES_SEED`); `VECGRES_RERUN_CASES` runs more cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { StatementRerun } from '../../src/sql/exec/statement_rerun.js';
import type { SqlEnv } from '../../src/sql/env.js';
import type { Sequence } from '../../src/storage/sequence.js';
import { SEED } from '../support/seed.js';

const CASES = Number(process.env['VECGRES_RERUN_CASES'] ?? 300);

/** A fake session: only what StatementRerun touches (the random stream, settings marks). */
function fakeEnv(seed: number): { env: SqlEnv; settings: Map<string, string> } {
  const settings = new Map<string, string>();
  const env = {
    random: new Prng(seed),
    settings: {
      mark: () => new Map(settings),
      rollbackToMark: (m: unknown) => {
        settings.clear();
        for (const [k, v] of m as Map<string, string>) settings.set(k, v);
      },
    },
  } as unknown as SqlEnv;
  return { env, settings };
}

/** A model sequence: `next` is the value the next nextval hands out; increment `step`. */
class ModelSeq {
  next: bigint;
  constructor(start: bigint, readonly step: bigint) {
    this.next = start;
  }
  draw(): bigint {
    const v = this.next;
    this.next += this.step;
    return v;
  }
}

test(`the rerun journal replays nextval values and never hands one out twice (seed ${SEED})`, () => {
  const p = new Prng(SEED);
  for (let c = 0; c < CASES; c++) {
    const { env } = fakeEnv(c);
    const r = new StatementRerun();
    const seqs = [new ModelSeq(1n, 1n), new ModelSeq(1000n, -3n)];
    const keys = [{} as Sequence, {} as Sequence];
    const raw = {};
    const params: unknown[] = [];
    // The statement's calls: which sequence each nextval draws from.
    let calls = Array.from({ length: 1 + p.int(40) }, () => p.int(2));
    const others = new Set<bigint>();
    let firstRun: bigint[] | null = null;
    const waits = p.int(4);
    for (let run = 0; ; run++) {
      r.begin(env, raw, params, 0n);
      const last = run === waits;
      const stop = last ? calls.length : p.int(calls.length + 1);
      const got: bigint[] = [];
      for (let i = 0; i < stop; i++) got.push(r.nextval(keys[calls[i]!]!, () => seqs[calls[i]!]!.draw()));
      if (run === 0) firstRun = got;
      else if (calls.length > 0) {
        // The same calls as the first run up to where it stopped: its values, in order.
        const same = Math.min(got.length, firstRun!.length);
        assert.deepEqual(got.slice(0, same), firstRun!.slice(0, same), `case ${c} run ${run} (seed ${SEED})`);
      }
      if (last) {
        assert.equal(new Set(got.map(String)).size, got.length, `no value twice in the final run: case ${c} (seed ${SEED})`);
        for (const v of got) assert.ok(!others.has(v), `value ${v} was another session's: case ${c} (seed ${SEED})`);
        break;
      }
      r.undo(env);
      // Another session draws meanwhile.
      for (let k = p.int(3); k > 0; k--) others.add(seqs[p.int(2)]!.draw());
      // Sometimes the rerun goes another way from some point on (new calls): compare no more.
      if (p.int(4) === 0) {
        const cut = p.int(calls.length + 1);
        calls = [...calls.slice(0, cut), ...Array.from({ length: p.int(10) }, () => p.int(2))];
        firstRun = firstRun!.slice(0, cut);
      }
    }
    r.clear();
  }
});

test('the rerun journal: setval replayed once, a changed setval applied, values after it replayed', () => {
  const { env } = fakeEnv(1);
  const r = new StatementRerun();
  const key = {} as Sequence;
  const seq = new ModelSeq(1n, 1n);
  const applied: bigint[] = [];
  const setval = (v: bigint): void => r.setval(key, v, true, () => {
    applied.push(v);
    seq.next = v + 1n;
  });
  const raw = {};
  const params: unknown[] = [];
  r.begin(env, raw, params, 5n);
  assert.equal(r.nextval(key, () => seq.draw()), 1n);
  setval(100n);
  assert.equal(r.nextval(key, () => seq.draw()), 101n);
  r.undo(env);
  seq.draw(); // another session takes 102
  // The same calls: the setval is not applied again, the values come back; the start time too.
  assert.equal(r.begin(env, raw, params, 9n), 5n);
  assert.equal(r.nextval(key, () => seq.draw()), 1n);
  setval(100n);
  assert.equal(r.nextval(key, () => seq.draw()), 101n);
  assert.equal(r.nextval(key, () => seq.draw()), 103n);
  assert.deepEqual(applied, [100n]);
  r.undo(env);
  // Another setval this time: applied; the values recorded after the old one are dropped.
  r.begin(env, raw, params, 9n);
  assert.equal(r.nextval(key, () => seq.draw()), 1n);
  setval(200n);
  assert.equal(r.nextval(key, () => seq.draw()), 201n);
  assert.deepEqual(applied, [100n, 200n]);
  r.undo(env);
  r.begin(env, raw, params, 9n);
  assert.equal(r.nextval(key, () => seq.draw()), 1n);
  setval(200n);
  assert.equal(r.nextval(key, () => seq.draw()), 201n);
  assert.deepEqual(applied, [100n, 200n]);
  r.clear();
  // Another statement (or the same one after clear) starts afresh.
  assert.equal(r.begin(env, raw, params, 11n), 11n);
  assert.equal(r.nextval(key, () => seq.draw()), 202n);
});

test('the rerun journal: the random stream, settings and clock readings of the first run', () => {
  const { env, settings } = fakeEnv(7);
  const r = new StatementRerun();
  const raw = {};
  const params: unknown[] = [];
  settings.set('a', '1');
  r.begin(env, raw, params, 0n);
  const drawn = [env.random.nextU32(), env.random.nextU32()];
  r.settingChanging(env);
  settings.set('a', '2');
  let now = 10n;
  assert.equal(r.clock(() => now++), 10n);
  r.undo(env);
  assert.equal(settings.get('a'), '1');
  r.begin(env, raw, params, 0n);
  assert.deepEqual([env.random.nextU32(), env.random.nextU32()], drawn);
  assert.equal(r.clock(() => now++), 10n);
  assert.equal(r.clock(() => now++), 11n);
  r.clear();
  // A different statement is no rerun: the stream goes on.
  r.begin(env, {}, params, 0n);
  assert.notDeepEqual([env.random.nextU32(), env.random.nextU32()], drawn);
});
