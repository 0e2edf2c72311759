/**
 * The seed of a randomized test run. Every random test derives its cases from it and prints
 * it in failure messages; `VECGRES_SEED=<n>` replays a failing run exactly.
 */
export const SEED = process.env['VECGRES_SEED'] !== undefined ? Number(process.env['VECGRES_SEED']) : (Date.now() % 1_000_000_007) >>> 0;
