/**
 * Tasks for the worker pool's tests (workers.test.ts): each is exported and defined with
 * defineTask, as production tasks are.
 */
import { PgError, SQLSTATE } from '../../src/common/errors.js';
import { defineTask } from '../../src/kernels/workers.js';
import { kernelsOf } from '../../src/kernels/fast.js';
import { threadId } from 'node:worker_threads';

/** Sums `count` float32 at byte offset `ptr` of memory `mem`, and reports who ran it. */
export function sumRange(a: { mem: number; ptr: number; count: number }, ctx: { memory(id: number): import('../../src/kernels/arena.js').Arena; worker: number }): { sum: number; worker: number; thread: number; threadMemoryBytes: number } {
  const arena = ctx.memory(a.mem);
  const f = arena.f32();
  let sum = 0;
  for (let i = 0; i < a.count; i++) sum += f[(a.ptr >>> 2) + i]!;
  return { sum, worker: ctx.worker, thread: threadId, threadMemoryBytes: arena.memoryBytes };
}
export const SUM_RANGE = defineTask(import.meta.url, 'sumRange', sumRange);

/** Writes the squared L2 distance (the memory's SIMD kernel) from the vector at `q` to the one at `v` into float32 at `out`. */
export function l2Into(a: { mem: number; q: number; v: number; dim: number; out: number }, ctx: { memory(id: number): import('../../src/kernels/arena.js').Arena }): number {
  const arena = ctx.memory(a.mem);
  const d = kernelsOf(arena).l2sq(a.q, a.v, a.dim);
  arena.f32()[a.out >>> 2] = d;
  return d;
}
export const L2_INTO = defineTask(import.meta.url, 'l2Into', l2Into);

/** Throws per `a.kind` in participant `a.at` (a PgError, a TypeError, an allocation, an exit, a heap exhausted). */
export function fail(a: { kind: string; at: number }, ctx: { worker: number; memory(id: number): import('../../src/kernels/arena.js').Arena }): number {
  if (ctx.worker !== a.at) return ctx.worker;
  if (a.kind === 'pg') throw new PgError(SQLSTATE.division_by_zero, 'division by zero', { detail: `participant ${ctx.worker}` });
  if (a.kind === 'type') return (null as unknown as { x: number }).x;
  if (a.kind === 'alloc') return ctx.memory(0).alloc(64, 'test');
  if (a.kind === 'exit') process.exit(3);
  if (a.kind === 'heap') {
    // Fills the heap until V8 stops the thread (a pool with a small resourceLimits heap).
    const hold: number[][] = [];
    for (;;) hold.push(new Array<number>(100_000).fill(ctx.worker + 0.5));
  }
  return -1;
}
export const FAIL = defineTask(import.meta.url, 'fail', fail);
