/**
 * Server-side authentication: full exchanges with node-postgres' own client code (its SCRAM
 * implementation `pg/lib/crypto/sasl.js`, its MD5 hashing and its message encoder), every byte
 * going through our encoder, pg-protocol's parser, pg-protocol's serializer and our decoder, as
 * on a socket; RFC 7677's test vector; PostgreSQL's errors for malformed SCRAM messages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';
import { AuthExchange, md5Secret, type AuthMethod, type AuthStep } from '../../src/protocol/auth.js';
import { BackendWriter } from '../../src/protocol/backend.js';
import { FrontendDecoder } from '../../src/protocol/frontend.js';
import { buildScramSecret, parseScramSecret, ScramExchange, scramVerifyPlainPassword, type ScramStep } from '../../src/protocol/scram.js';
import { Prng } from '../../src/common/prng.js';
import { SEED } from '../support/seed.js';
import { bytes, int32 } from './helpers.js';

const require = createRequire(import.meta.url);
const sasl = require('pg/lib/crypto/sasl.js');
const pgCrypto = require('pg/lib/crypto/utils.js');

const prng = new Prng(SEED);
/** Seeded "random" bytes: the exchange is reproducible from the printed seed. */
const randomBytes = (n: number) => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = prng.int(256);
  return b;
};
const mockNonce = randomBytes(32);
const SALT = new Uint8Array(Buffer.from('0123456789abcdef'));

/** One server → client message, through our encoder and node-postgres' parser. */
function toClient(step: AuthStep): any {
  assert.ok(step.status !== 'failed', `server failed: ${step.status === 'failed' ? step.error.message : ''}`);
  const w = new BackendWriter();
  if (step.send) w.auth(step.send);
  if (step.status === 'ok') w.authenticationOk();
  const msgs: any[] = [];
  new Parser().parse(Buffer.from(w.take()), (m: any) => msgs.push(m));
  return msgs;
}

/** One client → server message, through pg-protocol's serializer and our decoder. */
function toServer(d: FrontendDecoder, wire: Uint8Array) {
  d.push(wire);
  const m = d.next();
  assert.ok(m && m.type !== 'ProtocolFailure', `decoder: ${JSON.stringify(m)}`);
  return m;
}

/** node-postgres' client side of a login; returns the server's last step. */
async function login(method: AuthMethod, user: string, secret: string | null, password: string): Promise<AuthStep> {
  const a = new AuthExchange({ method, user, secret, randomBytes, mockNonce });
  const d = new FrontendDecoder({ phase: 'auth' });
  let step = a.start();
  let [req] = toClient(step);
  if (req.name === 'authenticationOk') return step;
  if (req.name === 'authenticationCleartextPassword') return a.receive(toServer(d, serialize.password(password)));
  if (req.name === 'authenticationMD5Password') {
    const hashed = await pgCrypto.postgresMd5PasswordHash(user, password, req.salt);
    return a.receive(toServer(d, serialize.password(hashed)));
  }
  assert.equal(req.name, 'authenticationSASL');
  const session = sasl.startSession(req.mechanisms);
  step = a.receive(toServer(d, serialize.sendSASLInitialResponseMessage(session.mechanism, session.response)));
  if (step.status !== 'continue') return step;
  [req] = toClient(step);
  assert.equal(req.name, 'authenticationSASLContinue');
  await sasl.continueSession(session, password, req.data);
  step = a.receive(toServer(d, serialize.sendSCRAMClientFinalMessage(session.response)));
  if (step.status !== 'ok') return step;
  const [fin, ok] = toClient(step);
  assert.equal(fin.name, 'authenticationSASLFinal');
  sasl.finalizeSession(session, fin.data); // throws if the server's signature is wrong
  assert.equal(ok.name, 'authenticationOk');
  return step;
}

function assertFailed(step: AuthStep | ScramStep, code: string, message: string, detail?: string) {
  assert.ok(step.status === 'failed', `expected failure, got ${step.status}`);
  assert.equal(step.error.code, code, step.error.message);
  assert.equal(step.error.message, message);
  assert.equal(step.error.severity, 'FATAL');
  if (detail !== undefined) assert.equal(step.error.detail, detail);
}

test(`SCRAM-SHA-256 with node-postgres' client: right password, wrong password, unknown user (seed ${SEED})`, async () => {
  const secret = buildScramSecret('correct horse', SALT);
  assert.match(secret, /^SCRAM-SHA-256\$4096:MDEyMzQ1Njc4OWFiY2RlZg==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/);
  assert.equal((await login('scram-sha-256', 'alice', secret, 'correct horse')).status, 'ok');
  assertFailed(await login('scram-sha-256', 'alice', secret, 'correct horse!'), '28P01', 'password authentication failed for user "alice"');
  assertFailed(await login('scram-sha-256', 'nobody', null, 'correct horse'), '28P01', 'password authentication failed for user "nobody"');
  // a role whose secret is not SCRAM goes through a doomed exchange too
  assertFailed(await login('scram-sha-256', 'alice', md5Secret('correct horse', 'alice'), 'correct horse'), '28P01', 'password authentication failed for user "alice"');
  // non-ASCII passwords: both sides apply SASLprep (U+2168 ROMAN NUMERAL NINE is "IX" after NFKC)
  const ix = buildScramSecret('\u2168 pencil', SALT);
  assert.equal(ix, buildScramSecret('IX pencil', SALT));
  assert.equal((await login('scram-sha-256', 'alice', ix, '\u2168 pencil')).status, 'ok');
  assert.equal((await login('scram-sha-256', 'alice', ix, 'IX pencil')).status, 'ok');
});

test('an unknown user sees a stable salt of its own, indistinguishable in shape from a real one', () => {
  const saltOf = (user: string, secret: string | null) => {
    const x = new ScramExchange({ user, secret: secret === null ? null : parseScramSecret(secret), randomBytes, mockNonce });
    const s = x.step(bytes('n,,n=,r=abc'));
    assert.equal(s.status, 'continue');
    return /,s=([^,]+),i=(\d+)$/.exec(Buffer.from((s as { data: Uint8Array }).data).toString())!.slice(1);
  };
  const [s1, i1] = saltOf('ghost', null);
  assert.deepEqual(saltOf('ghost', null), [s1, i1]);
  assert.notEqual(saltOf('ghost2', null)[0], s1);
  const [real, iReal] = saltOf('alice', buildScramSecret('pw', SALT));
  assert.equal(s1!.length, real!.length);
  assert.equal(i1, iReal);
});

test('MD5 and cleartext with node-postgres\' client', async () => {
  const md5 = md5Secret('s3cret', 'bob');
  assert.equal(md5, 'md5' + (await pgCrypto.md5('s3cretbob')));
  assert.equal((await login('md5', 'bob', md5, 's3cret')).status, 'ok');
  assertFailed(await login('md5', 'bob', md5, 's3cre'), '28P01', 'password authentication failed for user "bob"');
  // a plain stored password works for md5 too
  assert.equal((await login('md5', 'bob', 's3cret', 's3cret')).status, 'ok');
  // md5 configured, SCRAM secret stored (or no such role): PostgreSQL switches to SCRAM
  const scram = buildScramSecret('s3cret', SALT);
  assert.equal((await login('md5', 'bob', scram, 's3cret')).status, 'ok');
  assertFailed(await login('md5', 'ghost', null, 's3cret'), '28P01', 'password authentication failed for user "ghost"');

  for (const secret of ['s3cret', md5, scram]) {
    assert.equal((await login('password', 'bob', secret, 's3cret')).status, 'ok', secret);
    assertFailed(await login('password', 'bob', secret, 'S3cret'), '28P01', 'password authentication failed for user "bob"');
    assertFailed(await login('password', 'bob', secret, ''), '28P01', 'password authentication failed for user "bob"');
  }
  assertFailed(await login('password', 'ghost', null, 'x'), '28P01', 'password authentication failed for user "ghost"');
  assert.equal((await login('trust', 'anyone', null, '')).status, 'ok');
});

test('RFC 7677 test vector (user "user", password "pencil")', () => {
  const salt = new Uint8Array(Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'));
  const secret = parseScramSecret(buildScramSecret('pencil', salt, 4096))!;
  const x = new ScramExchange({ user: 'user', secret, randomBytes, mockNonce, nonce: () => '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0' });
  const first = x.step(bytes('n,,n=user,r=rOprNGfwEbeRWgbNEkqO'));
  assert.ok(first.status === 'continue');
  assert.equal(Buffer.from(first.data).toString(), 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
  const fin = x.step(bytes('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='));
  assert.ok(fin.status === 'ok');
  assert.equal(Buffer.from(fin.data).toString(), 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
  assert.equal(scramVerifyPlainPassword('pencil', secret), true);
  assert.equal(scramVerifyPlainPassword('pencil ', secret), false);
});

test('SCRAM secrets: parse what PostgreSQL stores, refuse what it refuses', () => {
  const s = buildScramSecret('x', SALT, 10000);
  const p = parseScramSecret(s)!;
  assert.equal(p.iterations, 10000);
  assert.equal(p.saltBase64, Buffer.from(SALT).toString('base64'));
  assert.equal(p.storedKey.length, 32);
  for (const bad of ['', 'md5abc', s.replace('SCRAM-SHA-256', 'SCRAM-SHA-1'), s.replace('10000', '1e4'), s.replace(/\$[^:]+:/, '$10000:!!!:'), s.slice(0, -4), 'SCRAM-SHA-256$4096:c2FsdA==$YWJj:YWJj']) {
    assert.equal(parseScramSecret(bad), null, bad);
  }
});

/** The server's answer to a client-first message, and then to a client-final one (if given). */
function scramSteps(clientFirst: Uint8Array | null, clientFinal?: (serverFirst: string) => string) {
  const x = new ScramExchange({ user: 'alice', secret: parseScramSecret(buildScramSecret('pw', SALT)), randomBytes, mockNonce });
  const first = x.step(clientFirst);
  if (first.status !== 'continue' || clientFinal === undefined) return first;
  return x.step(bytes(clientFinal(Buffer.from(first.data).toString())));
}

test('malformed SCRAM messages fail with PostgreSQL\'s errors', () => {
  const malformed = (input: string, detail: string) => assertFailed(scramSteps(bytes(input)), '08P01', 'malformed SCRAM message', detail);
  malformed('x,,n=,r=abc', 'Unexpected channel-binding flag "\'x\'".');
  malformed('n;,n=,r=abc', 'Comma expected, but found character "\';\'".');
  malformed('p=tls-server-end-point,,n=,r=abc', 'The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message includes channel binding data.');
  malformed('n,x,n=,r=abc', 'Unexpected attribute "\'x\'" in client-first-message.');
  malformed('n,,r=abc', 'Expected attribute "n" but found "\'r\'".');
  malformed('n,,n=,r', 'Expected character "=" for attribute "r".');
  malformed('n,,n=,r=abc,1=x', 'Attribute expected, but found invalid character "\'1\'".');
  malformed('n,,n=', 'Expected attribute "r" but found "0x00".');
  assertFailed(scramSteps(bytes('n,a=bob,n=,r=abc')), '0A000', 'client uses authorization identity, but it is not supported');
  assertFailed(scramSteps(bytes('n,,m=ext,n=,r=abc')), '0A000', 'client requires an unsupported SCRAM extension');
  assertFailed(scramSteps(bytes('n,,n=,r=ab\x7fc')), '08P01', 'non-printable characters in SCRAM nonce');
  assertFailed(scramSteps(bytes('n,,n=,r=abc', 0, 'x')), '08P01', 'malformed SCRAM message', 'Message length does not match input length.');
  assertFailed(scramSteps(bytes()), '08P01', 'malformed SCRAM message', 'The message is empty.');
  // no initial response: an empty challenge, then the client-first in the next message
  const none = scramSteps(null);
  assert.ok(none.status === 'continue' && none.data.length === 0);

  const nonceOf = (sf: string) => /^r=([^,]+)/.exec(sf)![1]!;
  const proof = Buffer.alloc(32, 7).toString('base64');
  assertFailed(scramSteps(bytes('n,,n=,r=abc'), (sf) => `c=eSws,r=${nonceOf(sf)},p=${proof}`), '08P01', 'unexpected SCRAM channel-binding attribute in client-final-message');
  assertFailed(scramSteps(bytes('y,,n=,r=abc'), (sf) => `c=biws,r=${nonceOf(sf)},p=${proof}`), '08P01', 'unexpected SCRAM channel-binding attribute in client-final-message');
  assertFailed(scramSteps(bytes('n,,n=,r=abc'), (sf) => `c=biws,r=${nonceOf(sf)}x,p=${proof}`), '08P01', 'invalid SCRAM response', 'Nonce does not match.');
  assertFailed(scramSteps(bytes('n,,n=,r=abc'), (sf) => `c=biws,r=${nonceOf(sf)},p=AAAA`), '08P01', 'malformed SCRAM message', 'Malformed proof in client-final-message.');
  assertFailed(scramSteps(bytes('n,,n=,r=abc'), (sf) => `c=biws,r=${nonceOf(sf)},p=${proof.slice(1)}`), '08P01', 'malformed SCRAM message', 'Malformed proof in client-final-message.');
  assertFailed(scramSteps(bytes('n,,n=,r=abc'), (sf) => `c=biws,r=${nonceOf(sf)},p=${proof},x=1`), '08P01', 'malformed SCRAM message', 'Garbage found at the end of client-final-message.');
  assertFailed(scramSteps(bytes('n,,n=,r=abc'), (sf) => `c=biws,r=${nonceOf(sf)}`), '08P01', 'malformed SCRAM message', 'Attribute expected, but found end of string.');
  // the 'y' flag (client could bind, thinks we cannot) is accepted with its own c= value
  const y = scramSteps(bytes('y,,n=,r=abc'), (sf) => `c=eSws,r=${nonceOf(sf)},p=${proof}`);
  assertFailed(y, '28P01', 'password authentication failed for user "alice"');
});

test('the SASL exchange refuses other mechanisms, other messages and oversized messages', () => {
  const start = () => {
    const a = new AuthExchange({ method: 'scram-sha-256', user: 'alice', secret: null, randomBytes, mockNonce });
    a.start();
    return a;
  };
  assertFailed(start().receive({ type: 'AuthResponse', body: bytes('SCRAM-SHA-256-PLUS\0', int32(3), 'n,,') }), '08P01', 'client selected an invalid SASL authentication mechanism');
  // the mechanism is checked before the rest of the message is read, as in auth-sasl.c
  assertFailed(start().receive({ type: 'AuthResponse', body: bytes('PLAIN\0', int32(99)) }), '08P01', 'client selected an invalid SASL authentication mechanism');
  assertFailed(start().receive({ type: 'UnexpectedAuthMessage', code: 0x51 }), '08P01', 'expected SASL response, got message type 81');
  assertFailed(start().receive({ type: 'AuthResponse', body: bytes('SCRAM-SHA-256\0', int32(2000), new Uint8Array(2000)) }), '08P01', 'invalid message length');
  assertFailed(start().receive({ type: 'AuthResponse', body: bytes('SCRAM-SHA-256\0', int32(9)) }), '08P01', 'insufficient data left in message');
  const pw = new AuthExchange({ method: 'password', user: 'alice', secret: 'pw', randomBytes, mockNonce });
  pw.start();
  assertFailed(pw.receive({ type: 'UnexpectedAuthMessage', code: 0x58 }), '08P01', 'expected password response, got message type 88');
  const pw2 = new AuthExchange({ method: 'password', user: 'alice', secret: 'pw', randomBytes, mockNonce });
  pw2.start();
  assertFailed(pw2.receive({ type: 'AuthResponse', body: bytes('pw') }), '08P01', 'invalid password packet size');
});

test('server nonces come from the injected random source (18 bytes, base64)', () => {
  const x = new ScramExchange({ user: 'u', secret: null, randomBytes: (n) => new Uint8Array(n).fill(0xab), mockNonce });
  const s = x.step(bytes('n,,n=,r=c'));
  assert.ok(s.status === 'continue');
  assert.equal(Buffer.from(s.data).toString().split(',')[0], 'r=c' + Buffer.alloc(18, 0xab).toString('base64'));
  // and the real source works too
  const y = new ScramExchange({ user: 'u', secret: null, randomBytes: (n) => new Uint8Array(nodeRandomBytes(n)), mockNonce });
  assert.equal(y.step(bytes('n,,n=,r=c')).status, 'continue');
});
