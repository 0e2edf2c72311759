/**
 * Injectable clock. Engine code asks a Clock for time (EXPLAIN ANALYZE timings, progress,
 * now() and current_timestamp) instead of calling Date.now()/performance.now(), so tests can
 * run on a fake one.
 */
export interface Clock {
  /** Monotonic milliseconds with sub-millisecond resolution. */
  nowMs(): number;
  /** Wall-clock milliseconds since the Unix epoch (1970-01-01 UTC), with sub-millisecond resolution. */
  wallMs(): number;
}

export const systemClock: Clock = {
  nowMs: () => performance.now(),
  wallMs: () => performance.timeOrigin + performance.now(),
};

/** A clock that only moves when told to; its wall clock starts at `wallStartMs` (default 2000-01-01 UTC). */
export class ManualClock implements Clock {
  constructor(private t = 0, private readonly wallStartMs = 946_684_800_000) {}
  nowMs(): number { return this.t; }
  wallMs(): number { return this.wallStartMs + this.t; }
  advance(ms: number): void { this.t += ms; }
}
