/**
 * The abbreviation a zone's rules give an instant (`CET` / `CEST`, `EST` / `EDT`, `+03` where
 * tzdata has no letters, `LMT` before a zone's first transition), as PostgreSQL's to_char
 * prints for the `TZ` pattern. The names come from tzdata (types/tzdata.ts); the offset from
 * ICU (types/timezone.ts), and the name is only printed where both sources agree on the
 * offset at that instant: where they do not (tzdata releases differ), 0A000, never a guess.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { offsetAtUtc, type TimeZone } from './timezone.js';
import { abbrevAt, zoneHistory } from './tzdata.js';
import { posixAbbrevAt } from './timezone_posix.js';

/** Milliseconds from 1970-01-01 to 2000-01-01 (PostgreSQL's epoch). */
const PG_EPOCH_MS = 946_684_800_000;

/** tzdata's numeric abbreviation (`%z`): sign, hours, minutes when not whole. */
function numericAbbrev(eastSec: number): string {
  const abs = Math.abs(eastSec);
  const h = String(Math.floor(abs / 3600)).padStart(2, '0');
  const m = Math.floor((abs % 3600) / 60);
  return `${eastSec < 0 ? '-' : '+'}${h}${m === 0 ? '' : String(m).padStart(2, '0')}`;
}

/** Floor of microseconds to milliseconds, as a number (instants within ±300,000 years fit). */
function utcMs(utcUs: bigint): number {
  let ms = utcUs / 1000n;
  if (utcUs % 1000n < 0n) ms -= 1n;
  return Number(ms) + PG_EPOCH_MS;
}

/**
 * The abbreviation of `zone` at the UTC instant `utcUs` (PostgreSQL microseconds), as
 * PostgreSQL's timestamp2tm sets `tzn`.
 * @throws PgError 0A000 for a zone tzdata does not list, or an instant where tzdata's and
 *   ICU's offsets differ (see the module comment).
 */
export function zoneAbbrevAt(zone: TimeZone, utcUs: bigint): string {
  if (zone.kind === 'fixed') {
    if (zone.abbrev !== undefined) return zone.abbrev;
    return numericAbbrev(zone.offsetSec);
  }
  if (zone.kind === 'abbrev') return zone.abbrev;
  if (zone.kind === 'posix') return posixAbbrevAt(zone, Math.floor((utcMs(utcUs) - PG_EPOCH_MS) / 1000));
  const h = zoneHistory(zone.name);
  if (h !== null) {
    const name = abbrevAt(h, utcMs(utcUs), offsetAtUtc(zone, utcUs));
    if (name !== null) return name;
  }
  throw new PgError(SQLSTATE.feature_not_supported, `time zone abbreviation of "${zone.name}" at this date is not supported`);
}
