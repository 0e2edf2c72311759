/**
 * Typed arrays over a SharedArrayBuffer, for per-row state that worker threads read in place:
 * a parallel scan (sql/exec/parallel_knn.ts) passes a table's live-row bitmap, NULL flags and
 * vector norms to its participants in the task's arguments, and structured cloning shares a
 * SharedArrayBuffer instead of copying it, so a query copies none of them. They behave as
 * ordinary typed arrays on the thread that owns them (plain loads and stores; the participants
 * only read, and only while the owner is blocked waiting for them).
 */

/** A zero-filled Uint32Array of `length` elements over shared memory. */
export function sharedU32(length: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(length * 4));
}

/** A zero-filled Uint8Array of `length` elements over shared memory. */
export function sharedU8(length: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(length));
}

/** A zero-filled Float32Array of `length` elements over shared memory. */
export function sharedF32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * 4));
}
