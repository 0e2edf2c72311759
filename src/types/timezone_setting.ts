/**
 * The values the `TimeZone` setting takes, read as PostgreSQL's check_timezone
 * (commands/variable.c) and pg_tzset (timezone/pgtz.c) read them; these differ from a zone
 * named inside a date/time literal (types/timezone.ts findTimeZone, abbreviations first):
 *
 * - a number (`5`, `-3.5`, `'+02'`): hours EAST of Greenwich (the SQL sign convention), shown
 *   as the POSIX name pg_tzset_offset builds: `<+05>-05`, `<-03:30>+03:30`; below 168 hours;
 * - a zone name, case-insensitive, shown with the zone's own spelling (`europe/berlin` is
 *   `Europe/Berlin`; a link such as `US/Eastern` keeps its name);
 * - else a POSIX TZ string (types/timezone_posix.ts), shown upper-cased as pg_tzset names it:
 *   without rules (`UTC+3`, `<+05>-05`, `+05:30`: hours WEST, its letters the abbreviation) or
 *   with daylight-saving time (`x7y` is `X7Y`, `CET-1CEST,M3.5.0,M10.5.0/3`).
 *
 * `SET TIME ZONE INTERVAL '...'` is read by the SQL layer and arrives here as its offset
 * ({@link offsetZoneName}). Time zone abbreviations (`PDT`, `CEST`) are not zone names: invalid,
 * as in PostgreSQL.
 */
import { ianaZone, type TimeZone } from './timezone.js';
import { parsePosixZone } from './timezone_posix.js';
import { zoneSpelling } from './tzdata.js';

/** A TimeZone setting: the name SHOW prints and the zone it means. */
export interface ZoneSetting {
  name: string;
  zone: TimeZone;
}

/**
 * Names ICU reads as zones that are not tzdata zone files (Java's legacy three-letter IDs):
 * PostgreSQL rejects them, so vecgres does too.
 */
const NOT_ZONE_FILES: ReadonlySet<string> = new Set([
  'act', 'aet', 'agt', 'art', 'ast', 'bet', 'bst', 'cat', 'cnt', 'cst', 'ctt', 'eat', 'ect', 'iet', 'ist',
  'jst', 'mit', 'net', 'nst', 'plt', 'pnt', 'prt', 'pst', 'sst', 'vst', 'cest', 'edt', 'pdt', 'mdt', 'cdt',
]);

/**
 * tzdata's `EST`, `MST` and `HST`: links to America/Panama, America/Phoenix and
 * Pacific/Honolulu since tzdata 2024b (as ICU and PostgreSQL 18 read them), shown in capitals.
 */
const LEGACY_ZONE_LINKS: ReadonlyMap<string, string> = new Map([['est', 'EST'], ['mst', 'MST'], ['hst', 'HST']]);

/** Spelling of the UTC zone files PostgreSQL keeps (`utc` is shown `UTC`). */
const UTC_FILES: ReadonlyMap<string, { name: string; abbrev: string }> = new Map([
  ['utc', { name: 'UTC', abbrev: 'UTC' }], ['etc/utc', { name: 'Etc/UTC', abbrev: 'UTC' }],
  ['uct', { name: 'UCT', abbrev: 'UTC' }], ['etc/uct', { name: 'Etc/UCT', abbrev: 'UTC' }],
  ['universal', { name: 'Universal', abbrev: 'UTC' }], ['etc/universal', { name: 'Etc/Universal', abbrev: 'UTC' }],
  ['zulu', { name: 'Zulu', abbrev: 'UTC' }], ['etc/zulu', { name: 'Etc/Zulu', abbrev: 'UTC' }],
  ['gmt', { name: 'GMT', abbrev: 'GMT' }], ['etc/gmt', { name: 'Etc/GMT', abbrev: 'GMT' }],
  ['gmt0', { name: 'GMT0', abbrev: 'GMT' }], ['etc/gmt0', { name: 'Etc/GMT0', abbrev: 'GMT' }],
  ['gmt+0', { name: 'GMT+0', abbrev: 'GMT' }], ['gmt-0', { name: 'GMT-0', abbrev: 'GMT' }],
  ['etc/gmt+0', { name: 'Etc/GMT+0', abbrev: 'GMT' }], ['etc/gmt-0', { name: 'Etc/GMT-0', abbrev: 'GMT' }],
  ['greenwich', { name: 'Greenwich', abbrev: 'GMT' }], ['etc/greenwich', { name: 'Etc/Greenwich', abbrev: 'GMT' }],
  // tzdata's placeholder zone: UTC, its abbreviation `-00` ("local time unknown").
  ['factory', { name: 'Factory', abbrev: '-00' }],
]);

/** Canonical zone names by lower-cased name (ICU's list; links are not in it). */
let canonical: Map<string, string> | null = null;

function canonicalSpelling(name: string): string {
  if (canonical === null) {
    canonical = new Map();
    for (const z of Intl.supportedValuesOf('timeZone')) canonical.set(z.toLowerCase(), z);
  }
  // Links (`US/Eastern`, `EST5EDT`) are not in ICU's list: tzdata's own spelling.
  return canonical.get(name.toLowerCase()) ?? zoneSpelling(name) ?? name;
}

/** A number as strtod reads the whole text (check_timezone's "numeric hours" form). */
const HOURS = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/**
 * The name pg_tzset_offset gives a fixed offset (`<+02>-02`, `<-03:30>+03:30`).
 * @param eastSec seconds east of Greenwich.
 */
export function offsetZoneName(eastSec: number): string {
  let abs = Math.abs(eastSec);
  let text = String(Math.floor(abs / 3600)).padStart(2, '0');
  abs %= 3600;
  if (abs !== 0) {
    text += `:${String(Math.floor(abs / 60)).padStart(2, '0')}`;
    abs %= 60;
    if (abs !== 0) text += `:${String(abs).padStart(2, '0')}`;
  }
  return eastSec >= 0 ? `<+${text}>-${text}` : `<-${text}>+${text}`;
}

/** A fixed zone `eastSec` east, named as pg_tzset_offset names it. */
function offsetSetting(eastSec: number): ZoneSetting {
  const name = offsetZoneName(eastSec);
  return { name, zone: { kind: 'fixed', offsetSec: eastSec, abbrev: name.slice(1, name.indexOf('>')) } };
}

/** pg_tzset_offset's limit: the POSIX name it builds must parse, so hours stay below 168. */
const OFFSET_HOURS_MAX = 167;

/**
 * check_timezone's number of hours east as seconds (C's conversion to long truncates:
 * `15.9999999` is 15:59:59), or null when pg_tzset_offset refuses it (168 hours or more).
 */
function hoursOffsetSec(text: string): number | null {
  const east = Math.trunc(Number(text) * 3600);
  return Number.isFinite(east) && Math.abs(east) < (OFFSET_HOURS_MAX + 1) * 3600 ? east : null;
}

/**
 * The DETAIL PostgreSQL gives a refused TimeZone value, when it gives one: a number of hours
 * out of pg_tzset_offset's range is `UTC timezone offset is out of range.`
 */
export function zoneSettingErrorDetail(text: string): string | undefined {
  // strtod also reads `inf` and `infinity`.
  const outOfRange = (HOURS.test(text) && hoursOffsetSec(text) === null) || /^\s*[+-]?inf(inity)?\s*$/i.test(text);
  return outOfRange ? 'UTC timezone offset is out of range.' : undefined;
}

/**
 * Reads a value of the TimeZone setting (see the module comment). Returns null for a value
 * PostgreSQL would not accept (its caller raises `invalid value for parameter "TimeZone"`).
 */
export function zoneSetting(text: string): ZoneSetting | null {
  if (HOURS.test(text)) {
    const east = hoursOffsetSec(text);
    return east === null ? null : offsetSetting(east);
  }
  // tzload reads `:name` as the zone file `name` (one colon), never as a POSIX string.
  if (text.startsWith(':')) return zoneFileSetting(text.slice(1));
  // pg_tzset: a zone file first (`EST5EDT` and `Etc/GMT+5` are files), then a POSIX TZ string.
  const file = zoneFileSetting(text);
  if (file !== null) return file;
  const posix = parsePosixZone(text);
  return posix === null ? null : { name: text.toUpperCase(), zone: posix };
}

/** The zone file `text` names (the UTC files, legacy links, IANA zones), or null. */
function zoneFileSetting(text: string): ZoneSetting | null {
  const key = text.toLowerCase();
  const utc = UTC_FILES.get(key);
  if (utc !== undefined) return { name: utc.name, zone: { kind: 'fixed', offsetSec: 0, abbrev: utc.abbrev } };
  const legacy = LEGACY_ZONE_LINKS.get(key);
  if (legacy !== undefined) {
    const zone = ianaZone(legacy);
    return zone === null ? null : { name: legacy, zone };
  }
  const file = NOT_ZONE_FILES.has(key) || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(text) ? null : zoneFile(key, text);
  return file === null ? null : { name: canonicalSpelling(text), zone: file };
}

/** The IANA zone `text` (`key` lower-cased), or null, remembered by name. */
function zoneFile(key: string, text: string): TimeZone | null {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const zone = ianaZone(text);
  // Bounded: values come from clients, and a client may send any number of them.
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, zone);
  return zone;
}

/** Zones resolved by lower-cased name (ICU formatters are costly to build). */
const cache = new Map<string, TimeZone | null>();
const CACHE_MAX = 256;
