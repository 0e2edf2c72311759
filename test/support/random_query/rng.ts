/**
 * The random choices of the random-query generator, over the project's seeded PRNG
 * (xoshiro128**), so one seed always yields the same schema, data and queries.
 */
import { Prng } from '../../../src/common/prng.js';

export class Rng {
  readonly #prng: Prng;

  constructor(seed: number) {
    this.#prng = new Prng(seed);
  }

  /** Uniform integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number {
    return lo + this.#prng.int(hi - lo + 1);
  }

  /** Uniform double in [0, 1). */
  next(): number {
    return this.#prng.next();
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.#prng.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('pick from an empty list');
    return xs[this.#prng.int(xs.length)]!;
  }

  /** One element, chosen with the given relative weights (`[weight, value]` pairs). */
  weighted<T>(xs: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of xs) total += w;
    let r = this.#prng.next() * total;
    for (const [w, x] of xs) {
      r -= w;
      if (r < 0) return x;
    }
    return xs[xs.length - 1]![1];
  }

  /** A random subset of `xs`, each kept with probability `p`, in the original order. */
  subset<T>(xs: readonly T[], p: number): T[] {
    return xs.filter(() => this.chance(p));
  }

  /** A shuffled copy. */
  shuffled<T>(xs: readonly T[]): T[] {
    return this.#prng.shuffle([...xs]);
  }
}
