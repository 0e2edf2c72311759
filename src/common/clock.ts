/**
 * Injectable clock. Engine code asks a Clock for time (EXPLAIN ANALYZE timings, progress)
 * instead of calling Date.now()/performance.now(), so tests can run on a fake one.
 */
export interface Clock {
  /** Monotonic milliseconds with sub-millisecond resolution. */
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => performance.now() };

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  constructor(private t = 0) {}
  nowMs(): number { return this.t; }
  advance(ms: number): void { this.t += ms; }
}
