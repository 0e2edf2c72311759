/**
 * The worker pool (kernels/workers.ts): tasks read and write the shared memories the main
 * thread filled, in place; a memory created after the pool started is sent before the next
 * task; errors come back as PgErrors (SQLSTATE kept, others XX000) after every participant
 * finished; a worker that exits mid-task is an XX000 error, never a hang, and is replaced.
 */
import { spawnSync } from 'node:child_process';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Arena } from '../../src/kernels/arena.js';
import { PgError } from '../../src/common/errors.js';
import { MemorySet } from '../../src/kernels/memories.js';
import { kernelsOf } from '../../src/kernels/fast.js';
import { WorkerPool } from '../../src/kernels/workers.js';
import { Prng } from '../../src/common/prng.js';
import { SEED } from '../support/seed.js';
import { FAIL, L2_INTO, SUM_RANGE } from './workers_tasks.js';

const pool = new WorkerPool(2);
after(() => pool.close());

test('the pool starts its workers', () => {
  assert.equal(pool.size, 2);
});

test('the pool starts its workers under node --input-type=module -e (the flag is not passed on)', () => {
  const url = new URL('../../src/kernels/workers.js', import.meta.url).href;
  const script = `
    import { WorkerPool } from ${JSON.stringify(url)};
    const p = new WorkerPool(2);
    console.log(p.size);
    p.close();
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '2');
});

test(`tasks read a shared memory the main thread wrote, each participant its own range (seed ${SEED})`, () => {
  const set = new MemorySet({ memoryBytesMax: 8 * 2 ** 20 });
  const prng = new Prng(SEED);
  const count = 5000;
  const ptr = set.alloc(count * 4, 'test') >>> 0;
  const a = set.memories[0]!;
  const f = a.f32();
  for (let i = 0; i < count; i++) f[(ptr >>> 2) + i] = prng.int(1000) - 500;
  const parts = 5; // more participants than threads: some threads run several
  const per = count / parts;
  const args = Array.from({ length: parts }, (_, i) => ({ mem: a.id, ptr: ptr + i * per * 4, count: per }));
  const got = pool.runSync<{ sum: number; worker: number; thread: number }>(SUM_RANGE, args, { memories: set.memories });
  // Participants 0 and 3 run on the caller, 1 and 4 on one worker, 2 on the other.
  assert.deepEqual(got.map((g) => g.thread === got[0]!.thread), [true, false, false, true, false]);
  assert.equal(got[1]!.thread, got[4]!.thread);
  assert.notEqual(got[1]!.thread, got[2]!.thread);
  for (let i = 0; i < parts; i++) {
    let want = 0;
    for (let j = 0; j < per; j++) want += f[(ptr >>> 2) + i * per + j]!;
    assert.equal(got[i]!.sum, want, `participant ${i}`);
    assert.equal(got[i]!.worker, i);
  }
});

test('workers write results into the memory with its SIMD kernels; the caller reads them', () => {
  const a = new Arena({ id: 7, maxBytes: 4 * 2 ** 20 });
  const dim = 16;
  const q = a.alloc(dim * 4);
  const vs = [a.alloc(dim * 4), a.alloc(dim * 4), a.alloc(dim * 4)];
  const out = a.alloc(64);
  const f = a.f32();
  for (let i = 0; i < dim; i++) {
    f[(q >>> 2) + i] = i;
    vs.forEach((v, k) => (f[(v >>> 2) + i] = i * (k + 2) - k));
  }
  const got = pool.runSync<number>(L2_INTO, vs.map((v, k) => ({ mem: 7, q, v, dim, out: out + 4 * k })), { memories: [a] });
  const k = kernelsOf(a);
  vs.forEach((v, i) => {
    const want = k.l2sq(q, v, dim);
    assert.equal(got[i], want);
    assert.equal(a.f32()[(out >>> 2) + i], want, `written by participant ${i}`);
  });
});

test('a memory created (and one grown) after the pool started is known before the next task', () => {
  const set = new MemorySet({ memoryBytesMax: 4 * 2 ** 20 });
  const first = set.alloc(1024, 'test');
  pool.runSync(SUM_RANGE, [{ mem: 0, ptr: first >>> 0, count: 4 }, { mem: 0, ptr: first >>> 0, count: 4 }], { memories: set.memories });
  // Fill the first memory so the set adds a second one, then grow it.
  const addrs: number[] = [];
  while (set.memories.length < 2) addrs.push(set.alloc(256 * 1024, 'test'));
  const last = addrs[addrs.length - 1]!;
  const mem = Math.floor(last / 2 ** 32);
  assert.equal(mem, 1);
  const m1 = set.memories[1]!;
  pool.runSync(SUM_RANGE, [0, 1, 2].map(() => ({ mem: 1, ptr: last >>> 0, count: 4 })), { memories: set.memories });
  const before = m1.memoryBytes;
  for (let i = 0; i < 8; i++) set.alloc(256 * 1024, 'test');
  const big = set.alloc(256 * 1024, 'test');
  assert.equal(Math.floor(big / 2 ** 32), 1);
  assert.ok(m1.memoryBytes > before && (big >>> 0) + 400 > before, 'memory 1 grew after the workers saw it');
  m1.f32().fill(2.5, (big >>> 0) >>> 2, ((big >>> 0) >>> 2) + 100);
  const got = pool.runSync<{ sum: number; threadMemoryBytes: number }>(
    SUM_RANGE,
    [0, 1, 2].map(() => ({ mem: 1, ptr: big >>> 0, count: 100 })),
    { memories: set.memories },
  );
  for (const g of got) {
    assert.equal(g.sum, 250);
    assert.equal(g.threadMemoryBytes, m1.memoryBytes);
  }
});

test('a PgError in a worker keeps its SQLSTATE and fields; every participant finished first', () => {
  for (const at of [0, 1, 2]) {
    const err = (() => {
      try {
        pool.runSync(FAIL, [0, 1, 2].map(() => ({ kind: 'pg', at })));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof PgError, `participant ${at}`);
    assert.equal(err.code, '22012');
    assert.equal(err.message, 'division by zero');
    assert.equal(err.detail, `participant ${at}`);
  }
  // The pool still works afterwards.
  assert.deepEqual(pool.runSync(FAIL, [0, 1, 2].map(() => ({ kind: 'none', at: -1 }))), [0, 1, 2]);
});

test('a TypeError or an allocation in a worker becomes an XX000 PgError, never a JS error', () => {
  for (const kind of ['type', 'alloc']) {
    assert.throws(
      () => pool.runSync(FAIL, [0, 1].map(() => ({ kind, at: 1 }))),
      (e: unknown) => e instanceof PgError && e.code === 'XX000' && e.where === 'parallel worker',
      kind,
    );
  }
});

test('a worker that exits during its task is XX000 "lost connection to parallel worker", then replaced', () => {
  assert.throws(
    () => pool.runSync(FAIL, [0, 1, 2].map(() => ({ kind: 'exit', at: 2 }))),
    (e: unknown) => e instanceof PgError && e.code === 'XX000' && e.message === 'lost connection to parallel worker',
  );
  assert.deepEqual(pool.runSync(FAIL, [0, 1, 2].map(() => ({ kind: 'none', at: -1 }))), [0, 1, 2]);
});

test('a worker V8 stops at its heap limit mid-task is XX000 "lost connection to parallel worker", never a hang; then replaced', () => {
  // A test-only pool whose workers have a small heap: the task exhausts it, V8 ends the thread
  // without running its exit handler, and only the caller's probe of the reply channel sees it.
  const small = new WorkerPool(2, { resourceLimits: { maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 4 } });
  try {
    assert.equal(small.size, 2);
    for (const at of [1, 2]) {
      assert.throws(
        () => small.runSync(FAIL, [0, 1, 2].map(() => ({ kind: 'heap', at }))),
        (e: unknown) => e instanceof PgError && e.code === 'XX000' && e.message === 'lost connection to parallel worker',
        `participant ${at}`,
      );
      assert.deepEqual(small.runSync(FAIL, [0, 1, 2].map(() => ({ kind: 'none', at: -1 }))), [0, 1, 2], `after participant ${at}`);
    }
    // Two participants on the dead worker's thread (of five on three threads): both are lost.
    assert.throws(
      () => small.runSync(FAIL, [0, 1, 2, 3, 4].map(() => ({ kind: 'heap', at: 1 }))),
      (e: unknown) => e instanceof PgError && e.code === 'XX000' && e.message === 'lost connection to parallel worker',
    );
    assert.deepEqual(small.runSync(FAIL, [0, 1, 2, 3, 4].map(() => ({ kind: 'none', at: -1 }))), [0, 1, 2, 3, 4]);
  } finally {
    small.close();
  }
});

test('runAsync: a worker V8 stops at its heap limit mid-task rejects with XX000 "lost connection to parallel worker"', async () => {
  const small = new WorkerPool(1, { resourceLimits: { maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 4 } });
  try {
    await assert.rejects(
      small.runAsync(FAIL, [0, 1].map(() => ({ kind: 'heap', at: 1 }))),
      (e: unknown) => e instanceof PgError && e.code === 'XX000' && e.message === 'lost connection to parallel worker',
    );
    assert.deepEqual(await small.runAsync(FAIL, [0, 1].map(() => ({ kind: 'none', at: -1 }))), [0, 1]);
  } finally {
    small.close();
  }
});

test('a worker that died while idle is replaced before the next call, which succeeds', async () => {
  const small = new WorkerPool(1);
  try {
    await (small as unknown as { slots: Array<{ worker: { terminate(): Promise<number> } } | undefined> }).slots[0]!.worker.terminate();
    assert.deepEqual(small.runSync(FAIL, [0, 1].map(() => ({ kind: 'none', at: -1 }))), [0, 1]);
  } finally {
    small.close();
  }
});

test('a pool of no workers runs every participant on the calling thread', () => {
  const none = new WorkerPool(0);
  assert.deepEqual(none.runSync(FAIL, [0, 1, 2].map(() => ({ kind: 'none', at: -1 }))), [0, 1, 2]);
  assert.throws(() => none.runSync(FAIL, [0, 1].map(() => ({ kind: 'pg', at: 1 }))), (e: unknown) => e instanceof PgError && e.code === '22012');
});

test('a call naming only some memories does not lose the others for a later call', () => {
  // A parallel build names only its index's memory; the workers then drop the others, and a
  // parallel scan right after must get them sent again (it once failed: memory 0 not sent).
  const a = new Arena({ id: 21, maxBytes: 4 * 2 ** 20 });
  const b = new Arena({ id: 22, maxBytes: 4 * 2 ** 20 });
  const pa = a.alloc(16);
  const pb = b.alloc(16);
  a.f32().set([1, 2, 3, 4], pa >>> 2);
  b.f32().set([10, 20, 30, 40], pb >>> 2);
  const both = [a, b];
  const sums = (mem: number, ptr: number, memories: Arena[]): number[] =>
    pool.runSync<{ sum: number }>(SUM_RANGE, [0, 1, 2].map(() => ({ mem, ptr, count: 4 })), { memories }).map((r) => r.sum);
  assert.deepEqual(sums(22, pb, both), [100, 100, 100]);
  assert.deepEqual(sums(21, pa, [a]), [10, 10, 10]);
  assert.deepEqual(sums(22, pb, both), [100, 100, 100]);
});

test('runAsync runs every participant on workers while the event loop keeps turning', async () => {
  const set = new MemorySet({ memoryBytesMax: 8 * 2 ** 20 });
  const count = 4000;
  const ptr = set.alloc(count * 4, 'test') >>> 0;
  const a = set.memories[0]!;
  const f = a.f32();
  for (let i = 0; i < count; i++) f[(ptr >>> 2) + i] = (i % 17) - 8;
  const per = count / 4;
  const args = Array.from({ length: 4 }, (_, i) => ({ mem: a.id, ptr: ptr + i * per * 4, count: per }));
  assert.equal(pool.idle, true);
  const events: string[] = [];
  const running = pool.runAsync<{ sum: number; worker: number; thread: number }>(SUM_RANGE, args, { memories: set.memories });
  // The call returned before its tasks finished: the caller's next turn runs first.
  assert.equal(pool.idle, false);
  await assert.rejects(pool.runAsync(SUM_RANGE, args), (e: unknown) => e instanceof PgError && e.code === 'XX000' && e.message === 'no parallel worker is free');
  // A synchronous call meanwhile runs on its caller alone, with the same answers.
  const serial = pool.runSync<{ sum: number; thread: number }>(SUM_RANGE, args, { memories: set.memories });
  assert.ok(serial.every((r) => r.thread === serial[0]!.thread));
  setImmediate(() => events.push('immediate'));
  const got = await running.then((r) => {
    events.push('done');
    return r;
  });
  await new Promise((r) => setImmediate(r));
  assert.ok(events.includes('immediate'));
  assert.equal(pool.idle, true);
  for (let i = 0; i < 4; i++) {
    assert.equal(got[i]!.sum, serial[i]!.sum, `participant ${i}`);
    assert.equal(got[i]!.worker, i);
    assert.notEqual(got[i]!.thread, serial[0]!.thread, 'a worker ran it, not the caller');
  }
});

test('runAsync rejects with a task error or a lost worker and frees the pool', async () => {
  await assert.rejects(pool.runAsync(FAIL, [0, 1, 2].map(() => ({ kind: 'pg', at: 1 }))), (e: unknown) => e instanceof PgError && e.code === '22012' && e.detail === 'participant 1');
  await assert.rejects(pool.runAsync(FAIL, [0, 1].map(() => ({ kind: 'exit', at: 0 }))), (e: unknown) => e instanceof PgError && e.message === 'lost connection to parallel worker');
  assert.equal(pool.idle, true);
  assert.deepEqual(await pool.runAsync(FAIL, [0, 1, 2].map(() => ({ kind: 'none', at: -1 }))), [0, 1, 2]);
  const none = new WorkerPool(0);
  assert.equal(none.idle, false);
  await assert.rejects(none.runAsync(FAIL, [{ kind: 'none', at: -1 }]), (e: unknown) => e instanceof PgError && e.message === 'no parallel worker is free');
});
