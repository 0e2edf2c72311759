/**
 * Differential: password secrets made by real PostgreSQL (PGlite: CREATE ROLE ... PASSWORD, read
 * back from pg_authid) against ours. Given PostgreSQL's salt, our SCRAM secret must be the same
 * string (same SASLprep, same key derivation), our MD5 secret too, and our server must accept
 * node-postgres' login against PostgreSQL's secret.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { buildScramSecret, parseScramSecret, ScramExchange, scramVerifyPlainPassword } from '../../src/protocol/scram.js';
import { md5Secret } from '../../src/protocol/auth.js';
import { startPglite } from '../support/pglite_start.js';

const require = createRequire(import.meta.url);
const sasl = require('pg/lib/crypto/sasl.js');

const pg = await startPglite({ extensions: {} });
after(() => pg.close());

// ASCII (with a control character, kept as is), characters SASLprep maps (NFKC, non-ASCII
// spaces, mapped-to-nothing), and ones it refuses (prohibited, unassigned in Unicode 3.2), for
// which PostgreSQL hashes the raw bytes.
const PASSWORDS = [
  'pencil', 'tab\there', 'with space', '\u2168 pencil', 'a\u00a0b', 'x\u00ady', 'e\u0301', '\ufb01sh',
  '日本語のパスワード', 'a\u200eb', '\u0221x', 'smile \u{1f600}',
  // refused characters next to mappable ones: the mapping must not happen
  '\u0221\u2168', 'a\u200e\u2168', '\u{1f600}\u00a0',
];

test('SCRAM and MD5 secrets equal PostgreSQL\'s for the same password and salt', async () => {
  for (const [i, password] of PASSWORDS.entries()) {
    const lit = password.replace(/'/g, "''");
    await pg.exec(`set password_encryption = 'scram-sha-256'; create role s${i} password '${lit}'`);
    await pg.exec(`set password_encryption = 'md5'; create role m${i} password '${lit}'`);
    const rows = (await pg.query<{ rolname: string; rolpassword: string }>(
      `select rolname, rolpassword from pg_authid where rolname in ('s${i}', 'm${i}') order by rolname desc`,
    )).rows;
    const [scram, md5] = [rows[0]!.rolpassword, rows[1]!.rolpassword];
    const parsed = parseScramSecret(scram);
    assert.ok(parsed, scram);
    const salt = new Uint8Array(Buffer.from(parsed.saltBase64, 'base64'));
    assert.equal(buildScramSecret(password, salt, parsed.iterations), scram, `SCRAM secret of ${JSON.stringify(password)}`);
    assert.equal(scramVerifyPlainPassword(password, parsed), true);
    assert.equal(scramVerifyPlainPassword(password + 'x', parsed), false);
    assert.equal(md5Secret(password, `m${i}`), md5, `MD5 secret of ${JSON.stringify(password)}`);
  }
});

test('node-postgres logs in against a secret PostgreSQL made', async () => {
  // pg's client applies SASLprep's mappings but not its prohibitions, so only passwords that
  // SASLprep accepts are expected to agree with PostgreSQL (as with libpq).
  for (const password of ['pencil', '\u2168 pencil', 'a\u00a0b', '日本語のパスワード']) {
    await pg.exec(`set password_encryption = 'scram-sha-256'; drop role if exists login_check; create role login_check password '${password}'`);
    const secret = (await pg.query<{ rolpassword: string }>(`select rolpassword from pg_authid where rolname = 'login_check'`)).rows[0]!.rolpassword;
    const x = new ScramExchange({
      user: 'login_check',
      secret: parseScramSecret(secret),
      randomBytes: (n) => new Uint8Array(n).fill(n),
      mockNonce: new Uint8Array(32),
    });
    const session = sasl.startSession(['SCRAM-SHA-256']);
    const first = x.step(new Uint8Array(Buffer.from(session.response)));
    assert.ok(first.status === 'continue');
    await sasl.continueSession(session, password, Buffer.from(first.data).toString());
    const fin = x.step(new Uint8Array(Buffer.from(session.response)));
    assert.equal(fin.status, 'ok', JSON.stringify(password));
    sasl.finalizeSession(session, Buffer.from((fin as { data: Uint8Array }).data).toString());
  }
});
