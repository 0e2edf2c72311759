/** Shared helpers for the protocol codec tests. */
import assert from 'node:assert/strict';
import {
  FrontendDecoder,
  type FrontendDecoderOptions,
  type FrontendMessage,
  type ProtocolFailure,
} from '../../src/protocol/frontend.js';

/** Bytes from a mix of numbers (single bytes), strings (latin1) and byte arrays. */
export function bytes(...parts: (number | string | Uint8Array | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') for (const c of Buffer.from(p, 'latin1')) out.push(c);
    else for (const c of p) out.push(c);
  }
  return new Uint8Array(out);
}

export function int32(v: number): number[] {
  return [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
}

export function int16(v: number): number[] {
  return [(v >>> 8) & 255, v & 255];
}

/** A typed message: type byte, int32 length (body + 4), body. */
export function msg(type: string, ...body: (number | string | Uint8Array | number[])[]): Uint8Array {
  const b = bytes(...body);
  return bytes(type, int32(b.length + 4), b);
}

/** Decodes everything in `input` fed as one chunk; returns all results. */
export function decodeAll(input: Uint8Array, opts: FrontendDecoderOptions = { phase: 'ready' }): (FrontendMessage | ProtocolFailure)[] {
  const d = new FrontendDecoder(opts);
  d.push(input);
  const out: (FrontendMessage | ProtocolFailure)[] = [];
  for (let m; (m = d.next()); ) out.push(m);
  return out;
}

/** Decodes exactly one message from `input` and checks nothing else is left. */
export function decodeOne(input: Uint8Array, opts: FrontendDecoderOptions = { phase: 'ready' }): FrontendMessage | ProtocolFailure {
  const all = decodeAll(input, opts);
  assert.equal(all.length, 1, `expected one result, got ${JSON.stringify(all.map((m) => m.type))}`);
  return all[0]!;
}

/** Asserts a failure with this SQLSTATE and message text; returns it. */
export function expectFailure(m: FrontendMessage | ProtocolFailure | null, code: string, message: string, fatal?: boolean): ProtocolFailure {
  assert.ok(m !== null && m.type === 'ProtocolFailure', `expected a failure, got ${JSON.stringify(m)}`);
  assert.equal(m.error.code, code);
  assert.equal(m.error.message, message);
  if (fatal !== undefined) assert.equal(m.fatal, fatal);
  return m;
}
