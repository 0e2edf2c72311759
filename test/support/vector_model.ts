/**
 * A table `t (id, v vector(16))` and its model in memory, for storage tests that check every
 * answer against the model: seeded random 16-d vectors of small integers (their squared L2
 * distances are exact in float32), their literals, the loader and the exact top-10.
 */
import type { Vecgres } from '../../src/index.js';
import type { Prng } from '../../src/common/prng.js';

/** Dimensions of the model's vectors. */
export const DIM = 16;

/** A vector of DIM integers in [-10, 10]. */
export function randVec(p: Prng): number[] {
  return Array.from({ length: DIM }, () => p.int(21) - 10);
}

/** The vector's text literal, `[a,b,...]`. */
export function lit(v: readonly number[]): string {
  return `[${v.join(',')}]`;
}

/** Squared L2 distance of two DIM-vectors. */
export function l2sq(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < DIM; i++) s += (a[i]! - b[i]!) ** 2;
  return s;
}

/** Inserts rows `from .. from + n - 1` with random vectors into `t`, 500 per statement, and into `model`. */
export async function load(db: Vecgres, model: Map<number, number[]>, p: Prng, from: number, n: number): Promise<void> {
  for (let start = from; start < from + n; start += 500) {
    const vals: string[] = [];
    for (let i = start; i < Math.min(from + n, start + 500); i++) {
      const v = randVec(p);
      model.set(i, v);
      vals.push(`(${i}, '${lit(v)}')`);
    }
    await db.query(`INSERT INTO t VALUES ${vals.join(',')}`);
  }
}

/** The exact top-10 squared L2 distances over the model. */
export function exactTop(model: Map<number, number[]>, q: number[]): number[] {
  return [...model.values()].map((v) => l2sq(v, q)).sort((a, b) => a - b).slice(0, 10);
}
