/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677), server side, as PostgreSQL's `auth-scram.c` implements it:
 * the stored secret `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (base64 fields),
 * the client-first / server-first / client-final / server-final exchange without channel
 * binding (gs2 flag 'n' or 'y'; 'p', tls-server-end-point over TLS, is not offered yet), a
 * server nonce of 18 random bytes in base64, and PostgreSQL's leniency and error texts.
 *
 * Key derivation (RFC 5802 §3):
 *   SaltedPassword = PBKDF2-HMAC-SHA-256(SASLprep(password), salt, iterations)
 *   ClientKey = HMAC(SaltedPassword, "Client Key"); StoredKey = SHA-256(ClientKey)
 *   ServerKey = HMAC(SaltedPassword, "Server Key")
 *   AuthMessage = client-first-bare "," server-first "," client-final-without-proof
 *   ClientProof = ClientKey XOR HMAC(StoredKey, AuthMessage)
 *   the server checks SHA-256(ClientProof XOR HMAC(StoredKey, AuthMessage)) == StoredKey
 *   (constant time) and answers v=base64(HMAC(ServerKey, AuthMessage)).
 *
 * Unknown users (no secret) and users whose secret is not SCRAM go through the same exchange
 * with a mock salt derived from the user name and a server secret, and fail at the end exactly
 * as a wrong password does, so the exchange never tells whether a user exists.
 */
import { createHash, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import saslprepLib from '@mongodb-js/saslprep';
import { PgError } from '../common/errors.js';
import { protoErr } from './errors.js';

/** PostgreSQL's SCRAM_DEFAULT_ITERATIONS (scram_iterations' default). */
export const SCRAM_ITERATIONS_DEFAULT = 4096;
/** PostgreSQL's SCRAM_DEFAULT_SALT_LEN. */
export const SCRAM_SALT_BYTES = 16;
/** PostgreSQL's SCRAM_RAW_NONCE_LEN: random bytes in the server nonce (base64: 24 characters). */
export const SCRAM_NONCE_BYTES = 18;
const KEY_BYTES = 32;
export const SCRAM_SHA_256 = 'SCRAM-SHA-256';

/** A parsed SCRAM secret. */
export interface ScramSecret {
  iterations: number;
  /** The salt as stored (base64), sent to the client as is. */
  saltBase64: string;
  storedKey: Uint8Array;
  serverKey: Uint8Array;
}

/** A source of cryptographically strong random bytes (node:crypto's randomBytes in a server). */
export type RandomBytes = (n: number) => Uint8Array;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict base64 decoding (PostgreSQL's pg_b64_decode refuses what Node's decoder skips); null if invalid. */
function b64decode(s: string): Uint8Array | null {
  if (!BASE64.test(s)) return null;
  return new Uint8Array(Buffer.from(s, 'base64'));
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}

/**
 * The password bytes PBKDF2 hashes: SASLprep (RFC 4013) of the UTF-8 text, or the raw bytes when
 * they are not valid UTF-8 or SASLprep refuses them (prohibited or unassigned characters), as
 * PostgreSQL's pg_saslprep + caller fall back. Pure ASCII is used as is (pg_saslprep's shortcut,
 * which also keeps ASCII control characters that strict SASLprep would refuse).
 */
export function scramPasswordBytes(password: string | Uint8Array): Uint8Array {
  let bytes = typeof password === 'string' ? new TextEncoder().encode(password) : password;
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) { ascii = false; break; }
  if (ascii) return bytes;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bytes; // not UTF-8: hash the raw bytes
  }
  try {
    bytes = new TextEncoder().encode(saslprepLib(text));
  } catch {
    // prohibited or unassigned code points: PostgreSQL proceeds with the original password
  }
  return bytes;
}

function hmac(key: Uint8Array, data: string | Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(data).digest());
}

function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

/** SaltedPassword, ClientKey-derived StoredKey and ServerKey for a password (RFC 5802 §3). */
export function scramKeys(password: string | Uint8Array, salt: Uint8Array, iterations: number): { storedKey: Uint8Array; serverKey: Uint8Array } {
  const salted = new Uint8Array(pbkdf2Sync(scramPasswordBytes(password), salt, iterations, KEY_BYTES, 'sha256'));
  return { storedKey: sha256(hmac(salted, 'Client Key')), serverKey: hmac(salted, 'Server Key') };
}

/**
 * A SCRAM secret for a password, as PostgreSQL stores it in pg_authid.rolpassword
 * (pg_be_scram_build_secret): `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`.
 * @param salt random bytes (PostgreSQL uses 16).
 */
export function buildScramSecret(password: string | Uint8Array, salt: Uint8Array, iterations = SCRAM_ITERATIONS_DEFAULT): string {
  const { storedKey, serverKey } = scramKeys(password, salt, iterations);
  return `${SCRAM_SHA_256}$${iterations}:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`;
}

/** Parses a SCRAM secret (parse_scram_secret); null when it is not one or is malformed. */
export function parseScramSecret(secret: string): ScramSecret | null {
  const m = /^SCRAM-SHA-256\$([^:$]+):([^$]+)\$([^:]+):(.+)$/.exec(secret);
  if (!m) return null;
  if (!/^-?\d+$/.test(m[1]!)) return null;
  const iterations = Number(m[1]);
  if (!Number.isSafeInteger(iterations) || iterations <= 0 || iterations > 0x7fffffff) return null;
  const salt = b64decode(m[2]!);
  const storedKey = b64decode(m[3]!);
  const serverKey = b64decode(m[4]!);
  if (!salt || storedKey?.length !== KEY_BYTES || serverKey?.length !== KEY_BYTES) return null;
  return { iterations, saltBase64: m[2]!, storedKey, serverKey };
}

/** scram_verify_plain_password: does `password` match the secret (constant-time on the key)? */
export function scramVerifyPlainPassword(password: string | Uint8Array, secret: ScramSecret): boolean {
  const salt = b64decode(secret.saltBase64)!;
  const { serverKey } = scramKeys(password, salt, secret.iterations);
  return timingSafeEqual(serverKey, secret.serverKey);
}

/** What one step of the exchange yields. */
export type ScramStep =
  | { status: 'continue'; data: Uint8Array }
  | { status: 'ok'; data: Uint8Array }
  | { status: 'failed'; error: PgError };

/** printable = %x21-2B / %x2D-7E (RFC 5802): ASCII without controls, space and comma. */
function isScramPrintable(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || c === 0x2c) return false;
  }
  return true;
}

/** auth-scram.c sanitize_char: a printable character quoted, else its byte in hex. */
function sanitizeChar(s: string, i: number): string {
  if (i >= s.length) return '0x00';
  const c = s.charCodeAt(i);
  return c >= 0x21 && c <= 0x7e ? `'${s[i]}'` : `0x${c.toString(16).padStart(2, '0')}`;
}

/**
 * A cursor over a SCRAM message (bytes as latin1 characters, so each character is one byte and
 * the HMAC input is the exact bytes received). Reads throw PgError (08P01), caught by the caller.
 */
class AttrReader {
  pos = 0;
  constructor(readonly s: string) {}

  /** read_attr_value: `attr=value`, up to the next comma or the end. */
  attr(attr: string): string {
    if (this.s[this.pos] !== attr) {
      throw protoErr.malformedScram(`Expected attribute "${attr}" but found "${sanitizeChar(this.s, this.pos)}".`);
    }
    this.pos++;
    if (this.s[this.pos] !== '=') throw protoErr.malformedScram(`Expected character "=" for attribute "${attr}".`);
    this.pos++;
    return this.value();
  }

  /** read_any_attr: any `ALPHA=value`; returns [attr, value]. */
  anyAttr(): [string, string] {
    if (this.pos >= this.s.length) throw protoErr.malformedScram('Attribute expected, but found end of string.');
    const a = this.s[this.pos]!;
    if (!/^[A-Za-z]$/.test(a)) {
      throw protoErr.malformedScram(`Attribute expected, but found invalid character "${sanitizeChar(this.s, this.pos)}".`);
    }
    this.pos++;
    if (this.s[this.pos] !== '=') throw protoErr.malformedScram(`Expected character "=" for attribute "${a}".`);
    this.pos++;
    return [a, this.value()];
  }

  private value(): string {
    let end = this.s.indexOf(',', this.pos);
    const next = end < 0 ? this.s.length : end + 1;
    if (end < 0) end = this.s.length;
    const v = this.s.slice(this.pos, end);
    this.pos = next;
    return v;
  }

  get atEnd(): boolean {
    return this.pos >= this.s.length;
  }
}

export interface ScramExchangeOptions {
  /** Role name from the startup packet (SCRAM's own n= is ignored, as PostgreSQL does). */
  user: string;
  /** The role's parsed SCRAM secret, or null: unknown role, or a secret of another kind. */
  secret: ScramSecret | null;
  randomBytes: RandomBytes;
  /**
   * A per-server secret (PostgreSQL's mock authentication nonce, 32 bytes) from which mock
   * salts are derived, so a probe sees the same salt for the same unknown user every time.
   */
  mockNonce: Uint8Array;
  /**
   * Makes the server's nonce part; by default base64 of {@link SCRAM_NONCE_BYTES} bytes from
   * `randomBytes`, as PostgreSQL does. Tests inject RFC 7677's fixed nonce here.
   */
  nonce?: () => string;
}

/**
 * One SCRAM-SHA-256 exchange: feed it the client's SASL payloads, send what it returns.
 *
 *   const x = new ScramExchange({ user, secret, randomBytes, mockNonce });
 *   x.step(clientFirst)  → { status: 'continue', data: server-first }   (AuthenticationSASLContinue)
 *   x.step(clientFinal)  → { status: 'ok', data: server-final }         (AuthenticationSASLFinal)
 *                        or { status: 'failed', error: 28P01 }         (wrong password or unknown user)
 *
 * Malformed payloads fail with PostgreSQL's 08P01 / 0A000 texts (severity FATAL). Pure: no I/O,
 * randomness only from the injected source.
 */
export class ScramExchange {
  private state: 'init' | 'salt-sent' | 'done' = 'init';
  private readonly doomed: boolean;
  private readonly iterations: number;
  private readonly saltBase64: string;
  private readonly storedKey: Uint8Array;
  private readonly serverKey: Uint8Array;
  private cbindFlag = '';
  private clientFirstBare = '';
  private clientNonce = '';
  private serverNonce = '';
  private serverFirst = '';

  constructor(private readonly opts: ScramExchangeOptions) {
    if (opts.secret) {
      this.doomed = false;
      this.iterations = opts.secret.iterations;
      this.saltBase64 = opts.secret.saltBase64;
      this.storedKey = opts.secret.storedKey;
      this.serverKey = opts.secret.serverKey;
    } else {
      // mock_scram_secret: a deterministic salt, default iterations, keys that match nothing.
      this.doomed = true;
      this.iterations = SCRAM_ITERATIONS_DEFAULT;
      const digest = createHash('sha256').update(opts.user, 'utf8').update(opts.mockNonce).digest();
      this.saltBase64 = b64(new Uint8Array(digest.subarray(0, SCRAM_SALT_BYTES)));
      this.storedKey = new Uint8Array(KEY_BYTES);
      this.serverKey = new Uint8Array(KEY_BYTES);
    }
  }

  /**
   * The next step for the client's SASL payload (`null` when SASLInitialResponse carried none:
   * the server then sends an empty challenge and the client-first comes in a SASLResponse).
   */
  step(input: Uint8Array | null): ScramStep {
    try {
      return this.stepOrThrow(input);
    } catch (e) {
      if (e instanceof PgError) {
        this.state = 'done';
        return { status: 'failed', error: e };
      }
      throw e;
    }
  }

  private stepOrThrow(input: Uint8Array | null): ScramStep {
    if (input === null) {
      if (this.state !== 'init') throw protoErr.malformedScram('The message is empty.');
      return { status: 'continue', data: new Uint8Array(0) };
    }
    if (input.length === 0) throw protoErr.malformedScram('The message is empty.');
    if (input.indexOf(0) >= 0) throw protoErr.malformedScram('Message length does not match input length.');
    const text = Buffer.from(input.buffer, input.byteOffset, input.length).toString('latin1');
    switch (this.state) {
      case 'init': {
        this.readClientFirst(text);
        this.serverNonce = this.opts.nonce ? this.opts.nonce() : b64(this.opts.randomBytes(SCRAM_NONCE_BYTES));
        this.serverFirst = `r=${this.clientNonce}${this.serverNonce},s=${this.saltBase64},i=${this.iterations}`;
        this.state = 'salt-sent';
        return { status: 'continue', data: latin1(this.serverFirst) };
      }
      case 'salt-sent': {
        this.state = 'done';
        const { finalNonce, proof, withoutProof } = this.readClientFinal(text);
        if (finalNonce !== this.clientNonce + this.serverNonce) throw protoErr.scramInvalidResponse('Nonce does not match.');
        const authMessage = latin1(`${this.clientFirstBare},${this.serverFirst},${withoutProof}`);
        // verify_client_proof, computed even for a doomed exchange so timing does not tell.
        const signature = hmac(this.storedKey, authMessage);
        const clientKey = new Uint8Array(KEY_BYTES);
        for (let i = 0; i < KEY_BYTES; i++) clientKey[i] = proof[i]! ^ signature[i]!;
        const ok = timingSafeEqual(sha256(clientKey), this.storedKey);
        if (!ok || this.doomed) return { status: 'failed', error: protoErr.passwordFailed(this.opts.user) };
        const serverSignature = hmac(this.serverKey, authMessage);
        return { status: 'ok', data: latin1(`v=${b64(serverSignature)}`) };
      }
      case 'done':
        throw protoErr.malformedScram('The message is empty.');
    }
  }

  /** read_client_first_message. */
  private readClientFirst(s: string): void {
    const r = new AttrReader(s);
    const flag = s[0] ?? '';
    this.cbindFlag = flag;
    if (flag === 'n' || flag === 'y') {
      r.pos = 1;
      if (s[1] !== ',') throw protoErr.malformedScram(`Comma expected, but found character "${sanitizeChar(s, 1)}".`);
      r.pos = 2;
    } else if (flag === 'p') {
      throw protoErr.malformedScram(
        'The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message includes channel binding data.',
      );
    } else {
      throw protoErr.malformedScram(`Unexpected channel-binding flag "${sanitizeChar(s, 0)}".`);
    }
    if (s[r.pos] === 'a') throw protoErr.scramAuthzid();
    if (s[r.pos] !== ',') {
      throw protoErr.malformedScram(`Unexpected attribute "${sanitizeChar(s, r.pos)}" in client-first-message.`);
    }
    r.pos++;
    this.clientFirstBare = s.slice(r.pos);
    if (s[r.pos] === 'm') throw protoErr.scramExtension();
    r.attr('n'); // ignored: the role comes from the startup packet
    this.clientNonce = r.attr('r');
    if (!isScramPrintable(this.clientNonce)) throw protoErr.scramNonPrintableNonce();
    while (!r.atEnd) r.anyAttr(); // optional extensions, ignored
  }

  /** read_client_final_message. */
  private readClientFinal(s: string): { finalNonce: string; proof: Uint8Array; withoutProof: string } {
    const r = new AttrReader(s);
    const binding = r.attr('c');
    if (!((binding === 'biws' && this.cbindFlag === 'n') || (binding === 'eSws' && this.cbindFlag === 'y'))) {
      throw protoErr.scramChannelBindingAttr();
    }
    const finalNonce = r.attr('r');
    let proofAt: number;
    let attr: string;
    let value: string;
    do {
      proofAt = r.pos - 1;
      [attr, value] = r.anyAttr();
    } while (attr !== 'p');
    const proof = b64decode(value);
    if (proof === null || proof.length !== KEY_BYTES) throw protoErr.malformedScram('Malformed proof in client-final-message.');
    if (!r.atEnd) throw protoErr.malformedScram('Garbage found at the end of client-final-message.');
    return { finalNonce, proof, withoutProof: s.slice(0, proofAt) };
  }
}

function latin1(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'latin1'));
}
