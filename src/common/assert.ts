/**
 * Invariant checks. A failed assert is a bug in vecgres, never a user error: user errors are
 * {@link PgError}s. Keep asserts off the innermost loops; check at boundaries.
 */
export class AssertionError extends Error {
  constructor(message: string) {
    super(`assertion failed: ${message}`);
    this.name = 'AssertionError';
  }
}

export function assert(cond: unknown, message = 'invariant violated'): asserts cond {
  if (!cond) throw new AssertionError(message);
}

/** For exhaustive switches: the compiler proves `x` is never reached. */
export function unreachable(x: never, what = 'value'): never {
  throw new AssertionError(`unexpected ${what}: ${String(x)}`);
}
