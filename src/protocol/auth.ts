/**
 * Server-side authentication as a pure state machine over protocol messages (PostgreSQL's
 * `auth.c` ClientAuthentication / CheckPasswordAuth / CheckPWChallengeAuth, `auth-sasl.c`,
 * `crypt.c`): `trust`, `password` (cleartext), `md5` and `scram-sha-256`. The server feeds it the
 * frontend messages that arrive after the StartupMessage and encodes the {@link AuthRequest}s it
 * returns; the exchange ends with `ok` (send AuthenticationOk) or `failed` (send the FATAL error,
 * close). No I/O, no clock; randomness comes from the injected source.
 *
 * Stored secrets are PostgreSQL's pg_authid.rolpassword forms: a SCRAM secret
 * (`SCRAM-SHA-256$...`), an MD5 hash (`md5` + 32 hex digits of md5(password || user)), or, for a
 * server configured from plain passwords, the password itself. An unknown user (secret null)
 * goes through the same motions and fails with the same 28P01 message as a wrong password.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { PgError } from '../common/errors.js';
import type { AuthRequest } from './backend.js';
import { PG_MAX_SASL_MESSAGE_LENGTH } from './constants.js';
import { protoErr } from './errors.js';
import type { FrontendMessage } from './frontend.js';
import { MessageReader } from './reader.js';
import {
  parseScramSecret,
  SCRAM_SHA_256,
  ScramExchange,
  scramVerifyPlainPassword,
  type RandomBytes,
} from './scram.js';

export type AuthMethod = 'trust' | 'password' | 'md5' | 'scram-sha-256';
export const AUTH_METHODS: readonly AuthMethod[] = ['trust', 'password', 'md5', 'scram-sha-256'];

export interface AuthOptions {
  method: AuthMethod;
  /** Role name from the StartupMessage. */
  user: string;
  /** The role's stored secret, or null when there is no such role. */
  secret: string | null;
  randomBytes: RandomBytes;
  /** Per-server secret for mock SCRAM salts (see {@link ScramExchange}); 32 random bytes. */
  mockNonce: Uint8Array;
}

/** One step: what to send, and whether the exchange goes on. */
export type AuthStep =
  | { status: 'continue'; send: AuthRequest }
  /** Authenticated: send `send` (SASLFinal) if present, then AuthenticationOk. */
  | { status: 'ok'; send?: AuthRequest }
  /** Send `error` (severity FATAL) and close the connection. */
  | { status: 'failed'; error: PgError };

/** md5(s) in lower-case hex. */
export function md5Hex(data: string | Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/** The stored MD5 form PostgreSQL's pg_md5_encrypt makes: `md5` + md5hex(password || user). */
export function md5Secret(password: string, user: string): string {
  return 'md5' + md5Hex(password + user);
}

/** What the client sends for AuthenticationMD5Password: `md5` + md5hex(md5hex(password || user) || salt). */
export function md5Response(md5OfPasswordUser: string, salt: Uint8Array): string {
  return 'md5' + md5Hex(Buffer.concat([Buffer.from(md5OfPasswordUser, 'latin1'), salt]));
}

function isMd5Secret(s: string): boolean {
  return /^md5[0-9a-f]{32}$/.test(s);
}

/** Constant-time equality of two byte strings of any lengths (compares their SHA-256). */
function equalConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** PasswordMessage body: one NUL-terminated string filling the message (auth.c recv_password_packet). */
export function parsePasswordMessage(body: Uint8Array): Uint8Array | PgError {
  const nul = body.indexOf(0);
  if (nul !== body.length - 1) return protoErr.invalidPasswordPacketSize();
  return body.subarray(0, nul);
}

/**
 * SASLInitialResponse body: mechanism name, int32 length (-1: no initial response), data. As in
 * auth-sasl.c, the mechanism is checked against `offered` before the rest is read (08P01 "client
 * selected an invalid SASL authentication mechanism"). Errors are FATAL (authentication).
 */
export function parseSASLInitialResponse(
  body: Uint8Array,
  offered: readonly string[] = [SCRAM_SHA_256],
): { mechanism: string; data: Uint8Array | null } | PgError {
  try {
    const r = new MessageReader(body, 0, body.length);
    const mechanism = r.rawCstring();
    if (!offered.includes(mechanism)) return protoErr.invalidSaslMechanism();
    const n = r.int32();
    const data = n === -1 ? null : r.bytes(n);
    r.finish();
    return { mechanism, data };
  } catch (e) {
    // Errors during authentication end the connection (PostgreSQL promotes them to FATAL).
    if (e instanceof PgError) return new PgError(e.code, e.message, { severity: 'FATAL' });
    throw e;
  }
}

/**
 * One authentication exchange.
 *
 *   const a = new AuthExchange({ method, user, secret, randomBytes, mockNonce });
 *   let step = a.start();                      // send step.send (or AuthenticationOk for trust)
 *   while (step.status === 'continue') step = a.receive(nextMessage);
 */
export class AuthExchange {
  private phase: 'new' | 'password' | 'md5' | 'sasl-initial' | 'sasl' | 'done' = 'new';
  private md5Salt: Uint8Array | null = null;
  private scram: ScramExchange | null = null;

  constructor(private readonly opts: AuthOptions) {}

  /** The first request to the client; `ok` at once for trust. */
  start(): AuthStep {
    const { method, secret } = this.opts;
    switch (method) {
      case 'trust':
        this.phase = 'done';
        return { status: 'ok' };
      case 'password':
        this.phase = 'password';
        return { status: 'continue', send: { type: 'AuthenticationCleartextPassword' } };
      case 'md5':
        // CheckPWChallengeAuth: a role with a SCRAM secret (or no role: password_encryption is
        // scram-sha-256 by default) is asked for SCRAM even where md5 is configured.
        if (secret !== null && !parseScramSecret(secret)) {
          this.phase = 'md5';
          this.md5Salt = this.opts.randomBytes(4);
          return { status: 'continue', send: { type: 'AuthenticationMD5Password', salt: this.md5Salt } };
        }
        return this.startSasl();
      case 'scram-sha-256':
        return this.startSasl();
    }
  }

  private startSasl(): AuthStep {
    this.phase = 'sasl-initial';
    return { status: 'continue', send: { type: 'AuthenticationSASL', mechanisms: [SCRAM_SHA_256] } };
  }

  /** The client's next message. Anything but a 'p' message ends the exchange with 08P01. */
  receive(msg: FrontendMessage): AuthStep {
    const step = this.receiveInner(msg);
    if (step.status !== 'continue') this.phase = 'done';
    return step;
  }

  private receiveInner(msg: FrontendMessage): AuthStep {
    const sasl = this.phase === 'sasl-initial' || this.phase === 'sasl';
    if (msg.type !== 'AuthResponse') {
      const code = msg.type === 'UnexpectedAuthMessage' ? msg.code : 0;
      return { status: 'failed', error: sasl ? protoErr.expectedSasl(code) : protoErr.expectedPassword(code) };
    }
    const user = this.opts.user;
    switch (this.phase) {
      case 'password': {
        const pw = parsePasswordMessage(msg.body);
        if (pw instanceof PgError) return { status: 'failed', error: pw };
        return this.verifyPlain(pw) ? { status: 'ok' } : { status: 'failed', error: protoErr.passwordFailed(user) };
      }
      case 'md5': {
        const pw = parsePasswordMessage(msg.body);
        if (pw instanceof PgError) return { status: 'failed', error: pw };
        const secret = this.opts.secret!;
        const stored = isMd5Secret(secret) ? secret : md5Secret(secret, user);
        const expected = md5Response(stored.slice(3), this.md5Salt!);
        const ok = pw.length > 0 && equalConstantTime(pw, Buffer.from(expected, 'latin1'));
        return ok ? { status: 'ok' } : { status: 'failed', error: protoErr.passwordFailed(user) };
      }
      case 'sasl-initial': {
        if (msg.body.length + 4 > PG_MAX_SASL_MESSAGE_LENGTH) return { status: 'failed', error: protoErr.invalidMessageLength() };
        const init = parseSASLInitialResponse(msg.body);
        if (init instanceof PgError) return { status: 'failed', error: init };
        const secret = this.opts.secret === null ? null : parseScramSecret(this.opts.secret);
        this.scram = new ScramExchange({ user, secret, randomBytes: this.opts.randomBytes, mockNonce: this.opts.mockNonce });
        this.phase = 'sasl';
        return this.scramStep(init.data);
      }
      case 'sasl': {
        if (msg.body.length + 4 > PG_MAX_SASL_MESSAGE_LENGTH) return { status: 'failed', error: protoErr.invalidMessageLength() };
        return this.scramStep(msg.body);
      }
      case 'new':
      case 'done':
        return { status: 'failed', error: protoErr.expectedPassword(0x70) };
    }
  }

  private scramStep(data: Uint8Array | null): AuthStep {
    const s = this.scram!.step(data);
    if (s.status === 'continue') return { status: 'continue', send: { type: 'AuthenticationSASLContinue', data: s.data } };
    if (s.status === 'ok') return { status: 'ok', send: { type: 'AuthenticationSASLFinal', data: s.data } };
    return { status: 'failed', error: s.error };
  }

  /**
   * plain_crypt_verify: a cleartext password against any stored form. An empty password never
   * matches (PostgreSQL: "empty password returned by client").
   */
  private verifyPlain(pw: Uint8Array): boolean {
    const secret = this.opts.secret;
    if (pw.length === 0 || secret === null) return false;
    const scram = parseScramSecret(secret);
    if (scram) return scramVerifyPlainPassword(pw, scram);
    if (isMd5Secret(secret)) {
      const computed = 'md5' + md5Hex(Buffer.concat([pw, Buffer.from(this.opts.user, 'utf8')]));
      return equalConstantTime(Buffer.from(computed, 'latin1'), Buffer.from(secret, 'latin1'));
    }
    return equalConstantTime(pw, Buffer.from(secret, 'utf8'));
  }
}
