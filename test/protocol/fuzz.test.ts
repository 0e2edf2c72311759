/**
 * Seeded protocol fuzzing: valid messages (written by node-postgres' encoder) are truncated,
 * bit-flipped, given hostile lengths and counts, stripped of terminators, or replaced by noise,
 * then fed to the decoder in random chunks. Every outcome must be a message or a PostgreSQL error
 * value (never an exception), memory must follow the bytes that arrived (never an announced
 * length), the result must not depend on the chunking, a well-framed broken message must not
 * swallow the next one, and afterwards the decoder must still decode a valid message.
 *
 * Budget: 10,000 cases per run; `VECGRES_FUZZ_CASES=<n>` runs more. `VECGRES_SEED=<n>` replays.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serialize } from 'pg-protocol';
import { FrontendDecoder, type DecoderPhase, type FrontendMessage, type ProtocolFailure } from '../../src/protocol/frontend.js';
import { ScramExchange, buildScramSecret, parseScramSecret } from '../../src/protocol/scram.js';
import { PgError } from '../../src/common/errors.js';
import { Prng } from '../../src/common/prng.js';
import { SEED } from '../support/seed.js';
import { bytes, int16, int32, msg } from './helpers.js';

const CASES = process.env['VECGRES_FUZZ_CASES'] !== undefined ? Number(process.env['VECGRES_FUZZ_CASES']) : 10_000;
const CODES = new Set(['08P01', '22021', '0A000', '28000']);

function randomText(r: Prng, max: number): string {
  const n = r.int(max + 1);
  let s = '';
  for (let i = 0; i < n; i++) {
    const k = r.int(10);
    s += k < 7 ? String.fromCharCode(32 + r.int(95)) : k < 9 ? String.fromCharCode(0xa0 + r.int(0x700)) : '\u{1f600}';
  }
  return s;
}

/** A valid message for the phase, as node-postgres (or the docs, for FunctionCall) writes it. */
function validMessage(r: Prng, phase: DecoderPhase): Uint8Array {
  if (phase === 'startup') {
    const k = r.int(5);
    if (k === 0) return serialize.requestSsl();
    if (k === 1) return serialize.cancel(r.nextU32() | 0, r.nextU32() | 0);
    const opts: Record<string, string> = { user: randomText(r, 10) || 'u' };
    for (let i = r.int(4); i > 0; i--) opts[randomText(r, 8) || 'k'] = randomText(r, 12);
    return serialize.startup(opts);
  }
  if (phase === 'auth') {
    return r.int(2) === 0
      ? serialize.password(randomText(r, 20))
      : serialize.sendSASLInitialResponseMessage('SCRAM-SHA-256', 'n,,n=,r=' + randomText(r, 24));
  }
  switch (r.int(14)) {
    case 0: return serialize.query(randomText(r, 60));
    case 1: return serialize.parse({ name: randomText(r, 5), text: randomText(r, 40), types: Array.from({ length: r.int(4) }, () => r.nextU32() >>> 16) });
    case 2: {
      const values = Array.from({ length: r.int(5) }, () => {
        const k = r.int(3);
        return k === 0 ? null : k === 1 ? randomText(r, 12) : Buffer.from(Array.from({ length: r.int(16) }, () => r.int(256)));
      });
      return serialize.bind({ portal: randomText(r, 4), statement: randomText(r, 4), values, binary: r.int(2) === 0 });
    }
    case 3: return serialize.describe({ type: r.int(2) ? 'S' : 'P', name: randomText(r, 6) });
    case 4: return serialize.execute({ portal: randomText(r, 4), rows: r.int(1000) });
    case 5: return serialize.close({ type: r.int(2) ? 'S' : 'P', name: randomText(r, 6) });
    case 6: return serialize.sync();
    case 7: return serialize.flush();
    case 8: return serialize.end();
    case 9: return serialize.copyData(Buffer.from(randomText(r, 50)));
    case 10: return serialize.copyDone();
    case 11: return serialize.copyFail(randomText(r, 20));
    case 12: return msg('F', int32(r.nextU32()), int16(1), int16(0), int16(1), int32(2), 'ab', int16(0));
    default: return bytes(serialize.query('select 1'), serialize.sync());
  }
}

/** A damaged copy of `m`. `keepFrame` damages only the body, leaving type and length intact. */
function mutate(r: Prng, m: Uint8Array, phase: DecoderPhase, keepFrame: boolean): Uint8Array {
  const out = Uint8Array.from(m);
  const bodyStart = phase === 'startup' ? 8 : 5;
  const lo = keepFrame ? Math.min(bodyStart, out.length) : 0;
  // With keepFrame, damage stays inside the first message's body (`m` may hold two messages).
  const hi = keepFrame ? 1 + new DataView(out.buffer).getInt32(1) : out.length;
  const pick = () => lo + r.int(Math.max(1, hi - lo));
  const hostile = [0, 1, 3, 4, 5, 7, 8, 0x7fff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 10000, 10001, 65535, 1 << 30];
  switch (keepFrame ? 2 + r.int(4) : r.int(9)) {
    case 0: // truncate
      return out.subarray(0, r.int(out.length));
    case 1: { // hostile length word
      const v = hostile[r.int(hostile.length)]!;
      const at = phase === 'startup' ? 0 : 1;
      if (out.length >= at + 4) out.set(int32(v), at);
      return out;
    }
    case 2: // flip bytes
      for (let i = 1 + r.int(4); i > 0 && hi > lo; i--) out[pick()] ^= 1 << r.int(8);
      return out;
    case 3: { // hostile 16- or 32-bit value at a random offset (counts, value lengths)
      if (hi - lo >= 4) {
        const at = lo + r.int(hi - lo - 3);
        const v = hostile[r.int(hostile.length)]!;
        if (r.int(2)) out.set(int16(v), at);
        else out.set(int32(v), at);
      }
      return out;
    }
    case 4: { // strip a terminator
      const nuls: number[] = [];
      for (let i = lo; i < hi; i++) if (out[i] === 0) nuls.push(i);
      if (nuls.length) out[nuls[r.int(nuls.length)]!] = 0x41;
      return out;
    }
    case 5: { // random bytes overwrite part of the body
      for (let i = r.int(8); i > 0 && hi > lo; i--) out[pick()] = r.int(256);
      return out;
    }
    case 6: // random type byte
      if (phase !== 'startup' && out.length) out[0] = r.int(256);
      return out;
    case 7: // pure noise
      return Uint8Array.from({ length: r.int(64) }, () => r.int(256));
    default: // a valid message cut in two with noise in between
      return bytes(out.subarray(0, r.int(out.length)), Uint8Array.from({ length: r.int(8) }, () => r.int(256)), out);
  }
}

type Outcome = FrontendMessage | ProtocolFailure;

/** Feeds `input` in random chunks (or whole), draining after each push; checks every invariant. */
function run(d: FrontendDecoder, input: Uint8Array, r: Prng | null): Outcome[] {
  const out: Outcome[] = [];
  let i = 0;
  while (i < input.length) {
    const n = r === null ? input.length : 1 + r.int(Math.min(input.length - i, 1 + r.int(40)));
    d.push(input.subarray(i, i + n));
    i += n;
    for (let m; (m = d.next()); ) {
      out.push(m);
      if (m.type === 'ProtocolFailure') {
        assert.ok(m.error instanceof PgError);
        assert.ok(CODES.has(m.error.code), `unexpected SQLSTATE ${m.error.code}: ${m.error.message}`);
      }
    }
    // Memory follows arrived bytes: never sized by a length the client merely announced.
    assert.ok(d.capacityBytes <= Math.max(16 * 1024, 2 * input.length + 16), `buffer of ${d.capacityBytes} bytes for ${input.length} input bytes`);
  }
  return out;
}

function summary(outs: Outcome[]): string {
  return JSON.stringify(outs.map((m) => (m.type === 'ProtocolFailure' ? `${m.error.code} ${m.error.message} ${m.fatal}` : m.type)));
}

test(`fuzz: ${CASES} damaged messages never throw, never over-allocate, and never wedge the decoder (seed ${SEED})`, () => {
  const r = new Prng(SEED);
  const phases: DecoderPhase[] = ['startup', 'auth', 'ready', 'ready', 'ready'];
  const d = new FrontendDecoder();
  const whole = new FrontendDecoder();
  let failures = 0;
  let messages = 0;
  for (let c = 0; c < CASES; c++) {
    const phase = phases[r.int(phases.length)]!;
    const keepFrame = phase === 'ready' && r.int(3) === 0;
    const valid = validMessage(r, phase);
    const input = mutate(r, valid, phase, keepFrame);
    const ctx = () => `case ${c} (seed ${SEED}, phase ${phase}): ${Buffer.from(input).toString('hex')}`;
    try {
      d.reset(phase);
      whole.reset(phase);
      const tail = keepFrame ? serialize.flush() : new Uint8Array(0);
      const chunked = run(d, bytes(input, tail), r);
      const oneChunk = run(whole, bytes(input, tail), null);
      assert.equal(summary(chunked), summary(oneChunk), 'chunking changed the outcome');
      if (keepFrame) {
        // A broken body inside an intact frame costs that message only.
        assert.ok(chunked.length >= 2, summary(chunked));
        assert.deepEqual(chunked.at(-1), { type: 'Flush' });
        assert.ok(chunked[0]!.type !== 'ProtocolFailure' || !chunked[0]!.fatal, summary(chunked));
      }
      const eof = d.end();
      if (eof !== null) assert.equal(eof.error.code, '08P01');
      for (const m of chunked) m.type === 'ProtocolFailure' ? failures++ : messages++;
      // The same decoder, reset for a new connection, decodes a valid message exactly.
      d.reset(phase);
      const fresh = validMessage(r, phase);
      const again = run(d, fresh, r);
      const reference = run(new FrontendDecoder({ phase }), fresh, null);
      assert.equal(summary(again), summary(reference));
      assert.ok(again.length >= 1 && again.every((m) => m.type !== 'ProtocolFailure'), summary(again));
    } catch (e) {
      assert.fail(`${ctx()}\n${(e as Error).stack}`);
    }
  }
  // The mutations must actually produce both outcomes, or the test proves nothing.
  assert.ok(failures > CASES / 4 && messages > CASES / 10, `failures ${failures}, messages ${messages}`);
});

test(`fuzz: damaged SCRAM messages end in a PostgreSQL error or a failed login, never an exception (seed ${SEED})`, () => {
  const r = new Prng(SEED ^ 0x5bd1e995);
  const secret = parseScramSecret(buildScramSecret('pw', new Uint8Array(16)))!;
  const cases = Math.max(1000, CASES / 10);
  for (let c = 0; c < cases; c++) {
    const x = new ScramExchange({ user: 'u', secret: r.int(4) ? secret : null, randomBytes: (n) => new Uint8Array(n).fill(c & 255), mockNonce: new Uint8Array(32) });
    const first = mutate(r, bytes('n,,n=,r=' + randomText(r, 20)), 'ready', false);
    try {
      const s1 = x.step(first);
      if (s1.status !== 'continue') {
        assert.ok(s1.status === 'failed' && s1.error instanceof PgError);
        continue;
      }
      const nonce = /^r=([^,]*)/.exec(Buffer.from(s1.data).toString('latin1'))?.[1] ?? '';
      const fin = mutate(r, bytes(`c=biws,r=${nonce},p=${Buffer.alloc(32, c).toString('base64')}`), 'ready', false);
      const s2 = x.step(fin);
      assert.equal(s2.status, 'failed', 'a random proof must not log in');
      assert.ok(s2.status === 'failed' && ['08P01', '0A000', '28P01'].includes(s2.error.code), s2.status === 'failed' ? s2.error.message : '');
    } catch (e) {
      assert.fail(`SCRAM case ${c} (seed ${SEED}): ${Buffer.from(first).toString('hex')}\n${(e as Error).stack}`);
    }
  }
});
