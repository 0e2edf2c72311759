/**
 * Seeded property test of the timestamp / timestamptz / date text input and output
 * (types/datetime.ts) against PostgreSQL 18 (PGlite, TimeZone UTC): random ISO date-times with
 * fractions, zones, BC years, out-of-range fields and garbage spliced in; the output text, or
 * the error's SQLSTATE, must agree. Inputs this parser refuses with 0A000 (forms PostgreSQL
 * reads and it does not) are counted, and must stay a minority.
 * VECGRES_DATETIME_CASES=<n> runs more cases.
 */
import { UTC_ZONE } from '../../src/types/timezone.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oracleForFile } from '../support/pglite.js';
import { SEED } from '../support/seed.js';
import { Rng } from '../support/random_query/rng.js';
import { parseTimestamp, formatTimestamp, parseDate, formatDate } from '../../src/types/datetime.js';

const oracle = await oracleForFile();

function randomInput(rng: Rng): string {
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(0, xs.length - 1)]!;
  if (rng.chance(0.05)) return pick(['infinity', '-infinity', 'epoch', ' Infinity ', 'garbage', '', '2020-13-01', '2021-02-29', '2024-02-29']);
  const y = rng.chance(0.1) ? rng.int(1, 9999) : rng.chance(0.05) ? rng.int(10000, 300000) : rng.int(1900, 2100);
  const mo = rng.chance(0.05) ? rng.int(0, 13) : rng.int(1, 12);
  const d = rng.chance(0.05) ? rng.int(0, 32) : rng.int(1, 28);
  let s = `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  if (rng.chance(0.8)) {
    const h = rng.chance(0.05) ? 24 : rng.int(0, 23);
    s += `${pick([' ', 'T', '  '])}${String(h).padStart(2, '0')}:${String(rng.chance(0.03) ? 60 : rng.int(0, 59)).padStart(2, '0')}`;
    if (rng.chance(0.8)) s += `:${String(rng.chance(0.03) ? 60 : rng.int(0, 59)).padStart(2, '0')}`;
    if (rng.chance(0.5)) s += `.${String(rng.int(0, 999999)).padStart(6, '0').slice(0, rng.int(1, 6))}`;
    if (rng.chance(0.5)) s += pick(['Z', '+00', '-05', '+05:30', '+0530', ' UTC', '+14', '-16', '+01:02:03', ' GMT']);
  }
  if (rng.chance(0.05)) s += pick([' BC', ' AD']);
  if (rng.chance(0.03)) {
    const at = rng.int(0, s.length);
    s = s.slice(0, at) + pick(['x', ':', '-', '.', '/']) + s.slice(at);
  }
  return s;
}

type Outcome = { ok: true; text: string | null } | { ok: false; code: string };

function ours(fn: () => string): Outcome {
  try {
    return { ok: true, text: fn() };
  } catch (e) {
    return { ok: false, code: (e as { code: string }).code };
  }
}

test(`timestamp, timestamptz and date text I/O agree with PostgreSQL (seed ${SEED})`, async () => {
  const rng = new Rng(SEED);
  const n = Number(process.env['VECGRES_DATETIME_CASES'] ?? 300);
  const mismatches: string[] = [];
  let refused = 0;
  let compared = 0;
  for (let i = 0; i < n; i++) {
    const input = randomInput(rng);
    for (const type of ['timestamptz', 'timestamp', 'date'] as const) {
      const got = ours(() => (type === 'date' ? formatDate(parseDate(input)) : formatTimestamp(parseTimestamp(input, type, UTC_ZONE), type, UTC_ZONE)));
      if (!got.ok && got.code === '0A000') {
        refused++;
        continue;
      }
      const r = await oracle.tryText(`$1::${type}`, [input]);
      const want: Outcome = r.ok ? { ok: true, text: r.text } : { ok: false, code: r.code };
      compared++;
      if (JSON.stringify(want) !== JSON.stringify(got)) mismatches.push(`${JSON.stringify(input)}::${type}: PostgreSQL ${JSON.stringify(want)}, vecgres ${JSON.stringify(got)}`);
    }
  }
  console.log(`datetime I/O: ${compared} compared, ${refused} refused with 0A000, ${mismatches.length} differ`);
  assert.equal(mismatches.length, 0, `${mismatches.length} of ${compared} differ (VECGRES_SEED=${SEED}):\n${mismatches.slice(0, 15).join('\n')}`);
  assert.ok(refused < compared / 4, `${refused} refused with 0A000 against ${compared} compared`);
});

test('a zone word ends at punctuation other than - / . + (ParseDateTime), as PostgreSQL reads it', async () => {
  // `x:11` was read as the POSIX zone `X:11` (eleven hours west): PostgreSQL's word is `x`.
  const inputs = [
    '6248-12-27  13:14x:11', '2024-01-01 13:14 x:11', '2024-01-01 13:14 UTC:11', '2024-01-01 13:14 pst:30', '2024-01-01 13:14 x_7',
    '2024-01-01 13:14 utc_x', '2024-01-01 13:14 est:', '2024-01-01 13:14 z:', '2024-01-01 13:14 x11', '2024-01-01 13:14 x7:30y',
    '2024-01-01 13:14 America/New_York', '2024-01-01 13:14 Europe/Paris',
  ];
  const mismatches: string[] = [];
  for (const input of inputs) {
    for (const type of ['timestamptz', 'timestamp', 'date'] as const) {
      const got = ours(() => (type === 'date' ? formatDate(parseDate(input)) : formatTimestamp(parseTimestamp(input, type, UTC_ZONE), type, UTC_ZONE)));
      if (!got.ok && got.code === '0A000') continue;
      const r = await oracle.tryText(`$1::${type}`, [input]);
      const want: Outcome = r.ok ? { ok: true, text: r.text } : { ok: false, code: r.code };
      if (JSON.stringify(want) !== JSON.stringify(got)) mismatches.push(`${JSON.stringify(input)}::${type}: PostgreSQL ${JSON.stringify(want)}, vecgres ${JSON.stringify(got)}`);
    }
  }
  assert.deepEqual(mismatches, []);
});

test('a zone, am / pm, at and allballs after a date as PostgreSQL reads them (DecodeDateTime)', async () => {
  // A zone after a date alone was 0A000; `10:00 pm` was 22007 where PostgreSQL reads 22:00.
  const inputs = [
    '2024-01-01 est', '2024-01-01 est:', '2024-01-01 +05', '2024-01-01 -03:30', '2024-01-01 z', '2024-01-01 America/New_York',
    '2024-01-01 x7', '2024-07-01 cest', '2024-01-01 nosuch', '2024-01-01 nosuch/zone',
    '2024-01-01 12:00 am', '2024-01-01 12:30 pm', '2024-01-01 1:05 pm', '2024-01-01 1:05 AM', '2024-01-01T10:00 pm', '2024-01-01 pm',
    '2024-01-01 am', '2024-01-01 13:00 pm', '2024-01-01 24:00 pm', '2024-13-01 13:00 pm', '2024-01-01 11:00 pm BC', '2024-02-30 1:00 pm',
    '2024-01-01 at', '2024-01-01 10:00 at', '2024-01-01 allballs', '2024-01-01 10:00 allballs', '2024-01-01 10:00 t', '2024-01-01 10:00 jan',
  ];
  const mismatches: string[] = [];
  for (const input of inputs) {
    for (const type of ['timestamptz', 'timestamp', 'date'] as const) {
      const got = ours(() => (type === 'date' ? formatDate(parseDate(input)) : formatTimestamp(parseTimestamp(input, type, UTC_ZONE), type, UTC_ZONE)));
      const r = await oracle.tryText(`$1::${type}`, [input]);
      const want: Outcome = r.ok ? { ok: true, text: r.text } : { ok: false, code: r.code };
      if (JSON.stringify(want) !== JSON.stringify(got)) mismatches.push(`${JSON.stringify(input)}::${type}: PostgreSQL ${JSON.stringify(want)}, vecgres ${JSON.stringify(got)}`);
    }
  }
  assert.deepEqual(mismatches, []);
});
