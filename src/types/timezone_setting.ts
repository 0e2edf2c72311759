/**
 * The values the `TimeZone` setting takes, read as PostgreSQL's check_timezone
 * (commands/variable.c) and pg_tzset (timezone/pgtz.c) read them; these differ from a zone
 * named inside a date/time literal (types/timezone.ts findTimeZone, abbreviations first):
 *
 * - a number (`5`, `-3.5`, `'+02'`): hours EAST of Greenwich (the SQL sign convention), shown
 *   as the POSIX name pg_tzset_offset builds: `<+05>-05`, `<-03:30>+03:30`;
 * - a zone name, case-insensitive, shown with the zone's own spelling (`europe/berlin` is
 *   `Europe/Berlin`; a link such as `US/Eastern` keeps its name);
 * - a POSIX zone without rules (`UTC+3`, `<+05>-05`): hours WEST, its letters the abbreviation.
 *
 * `SET TIME ZONE INTERVAL '...'` is read by the SQL layer and arrives here as its offset
 * ({@link offsetZoneName}). Time zone abbreviations (`PDT`, `CEST`) are not zone names: invalid,
 * as in PostgreSQL.
 */
import { ianaZone, type TimeZone } from './timezone.js';

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
  return canonical.get(name.toLowerCase()) ?? name;
}

/** A number as strtod reads the whole text (check_timezone's "numeric hours" form). */
const HOURS = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
/** A POSIX zone without DST rules: letters (or `<...>`) then hours west (`UTC+3`, `<+05>-05`). */
const POSIX_FIXED = /^(?:([A-Za-z]{3,})|<([+-]?[A-Za-z0-9:+-]+)>)([+-]?)(\d{1,2})(?::(\d{2})(?::(\d{2}))?)?$/;

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

/**
 * Reads a value of the TimeZone setting (see the module comment). Returns null for a value
 * PostgreSQL would not accept (its caller raises `invalid value for parameter "TimeZone"`).
 */
export function zoneSetting(text: string): ZoneSetting | null {
  if (HOURS.test(text)) {
    const hours = Number(text);
    // pg_tzset_offset accepts any offset tzparse does: up to a week; PostgreSQL's own limit
    // for display is 15:59:59, so larger ones are refused here.
    if (!Number.isFinite(hours) || Math.abs(hours) >= 16) return null;
    return offsetSetting(Math.round(hours * 3600));
  }
  const key = text.toLowerCase();
  const utc = UTC_FILES.get(key);
  if (utc !== undefined) return { name: utc.name, zone: { kind: 'fixed', offsetSec: 0, abbrev: utc.abbrev } };
  const legacy = LEGACY_ZONE_LINKS.get(key);
  if (legacy !== undefined) {
    const zone = ianaZone(legacy);
    return zone === null ? null : { name: legacy, zone };
  }
  const posix = POSIX_FIXED.exec(text);
  if (posix !== null) {
    const h = Number(posix[4]);
    const m = Number(posix[5] ?? 0);
    const s = Number(posix[6] ?? 0);
    if (h > 24 || m > 59 || s > 59) return null;
    const west = h * 3600 + m * 60 + s;
    const abbrev = posix[1] ?? posix[2]!;
    // `EST5` reads as POSIX; `Etc/GMT+5` (a slash) never reaches here.
    return { name: text, zone: { kind: 'fixed', offsetSec: posix[3] === '-' ? west : -west, abbrev } };
  }
  if (NOT_ZONE_FILES.has(key) || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(text)) return null;
  const hit = cache.get(key);
  if (hit !== undefined) return hit === null ? null : { name: canonicalSpelling(text), zone: hit };
  const zone = ianaZone(text);
  // Bounded: values come from clients, and a client may send any number of them.
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, zone);
  return zone === null ? null : { name: canonicalSpelling(text), zone };
}

/** Zones resolved by lower-cased name (ICU formatters are costly to build). */
const cache = new Map<string, TimeZone | null>();
const CACHE_MAX = 256;
