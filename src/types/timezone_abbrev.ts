/**
 * The abbreviation a zone's rules give an instant (`CET` / `CEST`, `EST` / `EDT`, `+03` for a
 * zone tzdata gives no letters), as PostgreSQL's to_char prints for the `TZ` pattern. ICU
 * knows a zone's offsets but not tzdata's abbreviations (its short names are per locale:
 * `GMT+1` for Berlin in en-US, `GMT+1` for Dublin's summer in en-GB where tzdata says `IST`),
 * so they come from this table, read from tzdata's rules (the `FORMAT` columns of the
 * `northamerica`, `europe`, `asia`, `australasia`, `africa` and `southamerica` files) for the
 * years since each zone's current names began. An instant before that, an offset the table
 * does not list, or a zone not in it: 0A000, never a guessed name.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { offsetAtUtc, type TimeZone } from './timezone.js';

/** A zone's abbreviations: by offset (seconds east), valid from `sinceUs` (PostgreSQL microseconds). */
interface ZoneAbbrevs {
  sinceUs: bigint;
  /** Offset -> abbreviation; absent offsets print tzdata's numeric form (`+0530`) when `numeric`. */
  names: ReadonlyMap<number, string>;
  numeric: boolean;
}

/** 1997-01-01 00:00 UTC in PostgreSQL microseconds: the European Union's rules of 1996 and later. */
const Y1997 = -94_608_000_000_000n;

const zones = new Map<string, ZoneAbbrevs>();

function def(names: readonly string[], abbrevs: readonly [number, string][], sinceUs = Y1997): void {
  const entry: ZoneAbbrevs = { sinceUs, names: new Map(abbrevs), numeric: abbrevs.length === 0 };
  for (const n of names) zones.set(n.toLowerCase(), entry);
}

const H = 3600;
def(['America/New_York', 'US/Eastern', 'EST5EDT', 'America/Detroit', 'America/Toronto', 'America/Montreal', 'Canada/Eastern'], [[-5 * H, 'EST'], [-4 * H, 'EDT']]);
def(['America/Chicago', 'US/Central', 'CST6CDT', 'America/Winnipeg', 'Canada/Central'], [[-6 * H, 'CST'], [-5 * H, 'CDT']]);
def(['America/Denver', 'US/Mountain', 'MST7MDT', 'America/Edmonton', 'Canada/Mountain', 'America/Boise'], [[-7 * H, 'MST'], [-6 * H, 'MDT']]);
def(['America/Phoenix', 'US/Arizona'], [[-7 * H, 'MST']]);
def(['America/Los_Angeles', 'US/Pacific', 'PST8PDT', 'America/Vancouver', 'Canada/Pacific'], [[-8 * H, 'PST'], [-7 * H, 'PDT']]);
def(['America/Anchorage', 'US/Alaska'], [[-9 * H, 'AKST'], [-8 * H, 'AKDT']]);
def(['Pacific/Honolulu', 'US/Hawaii'], [[-10 * H, 'HST']]);
def(['America/Halifax', 'Canada/Atlantic'], [[-4 * H, 'AST'], [-3 * H, 'ADT']]);
def(['America/St_Johns', 'Canada/Newfoundland'], [[-3.5 * H, 'NST'], [-2.5 * H, 'NDT']]);
def(['Europe/London', 'GB', 'Europe/Belfast'], [[0, 'GMT'], [H, 'BST']]);
def(['Europe/Dublin', 'Eire'], [[0, 'GMT'], [H, 'IST']]);
def(['Europe/Lisbon', 'Portugal', 'WET'], [[0, 'WET'], [H, 'WEST']]);
def([
  'Europe/Berlin', 'Europe/Paris', 'Europe/Madrid', 'Europe/Rome', 'Europe/Amsterdam', 'Europe/Brussels', 'Europe/Vienna',
  'Europe/Stockholm', 'Europe/Oslo', 'Europe/Warsaw', 'Europe/Prague', 'Europe/Zurich', 'Europe/Copenhagen', 'Europe/Budapest',
  'Europe/Belgrade', 'Europe/Luxembourg', 'Poland', 'CET', 'Africa/Ceuta',
], [[H, 'CET'], [2 * H, 'CEST']]);
def(['Europe/Athens', 'Europe/Helsinki', 'Europe/Bucharest', 'Europe/Sofia', 'Europe/Riga', 'Europe/Tallinn', 'Europe/Vilnius', 'Europe/Kiev', 'Europe/Kyiv', 'Africa/Cairo', 'Egypt', 'EET'], [[2 * H, 'EET'], [3 * H, 'EEST']]);
// Moscow's names since 2014-10-26 00:00 UTC (MSK at +04 from 2011, MSK/MSD before).
def(['Europe/Moscow', 'W-SU'], [[3 * H, 'MSK']], 467_596_800_000_000n);
def(['Asia/Kolkata', 'Asia/Calcutta'], [[5.5 * H, 'IST']]);
def(['Asia/Tokyo', 'Japan'], [[9 * H, 'JST']]);
def(['Asia/Seoul', 'ROK'], [[9 * H, 'KST']]);
def(['Asia/Shanghai', 'PRC', 'Asia/Chongqing', 'Asia/Harbin'], [[8 * H, 'CST']]);
def(['Asia/Hong_Kong', 'Hongkong'], [[8 * H, 'HKT']]);
def(['Asia/Karachi'], [[5 * H, 'PKT']]);
def(['Asia/Jerusalem', 'Asia/Tel_Aviv', 'Israel'], [[2 * H, 'IST'], [3 * H, 'IDT']]);
def(['Australia/Sydney', 'Australia/Melbourne', 'Australia/Hobart', 'Australia/Canberra', 'Australia/ACT', 'Australia/NSW', 'Australia/Victoria'], [[10 * H, 'AEST'], [11 * H, 'AEDT']]);
def(['Australia/Brisbane', 'Australia/Queensland'], [[10 * H, 'AEST']]);
def(['Australia/Adelaide', 'Australia/South'], [[9.5 * H, 'ACST'], [10.5 * H, 'ACDT']]);
def(['Australia/Darwin', 'Australia/North'], [[9.5 * H, 'ACST']]);
def(['Australia/Perth', 'Australia/West'], [[8 * H, 'AWST']]);
def(['Pacific/Auckland', 'NZ'], [[12 * H, 'NZST'], [13 * H, 'NZDT']]);
def(['Africa/Johannesburg'], [[2 * H, 'SAST']]);
def(['Africa/Lagos'], [[H, 'WAT']]);
def(['Africa/Nairobi'], [[3 * H, 'EAT']]);
// Zones tzdata names by their offset alone (`-03`, `+0545`).
def([
  'America/Sao_Paulo', 'America/Argentina/Buenos_Aires', 'America/Buenos_Aires', 'America/Bogota', 'America/Lima', 'America/Santiago',
  'America/Caracas', 'Asia/Tehran', 'Iran', 'Asia/Kathmandu', 'Asia/Katmandu', 'Asia/Dubai', 'Asia/Singapore', 'Singapore', 'Asia/Bangkok',
  'Asia/Ho_Chi_Minh', 'Asia/Kabul', 'Asia/Yangon', 'Asia/Dhaka', 'Asia/Tashkent', 'Asia/Riyadh', 'Asia/Baku', 'Asia/Tbilisi',
  'Asia/Yerevan', 'Indian/Maldives', 'Pacific/Chatham', 'NZ-CHAT', 'Pacific/Apia', 'Australia/Lord_Howe', 'Australia/LHI',
  'Pacific/Kiritimati', 'Atlantic/Azores', 'Atlantic/Cape_Verde', 'America/Noronha',
  ...Array.from({ length: 12 }, (_, i) => `Etc/GMT+${i + 1}`), ...Array.from({ length: 14 }, (_, i) => `Etc/GMT-${i + 1}`),
], []);
// Istanbul's names since 2016-09-07 (EET/EEST before).
def(['Europe/Istanbul', 'Turkey', 'Asia/Istanbul'], [], 526_521_600_000_000n);

/** tzdata's numeric abbreviation (`%z`): sign, hours, minutes when not whole. */
function numericAbbrev(eastSec: number): string {
  const abs = Math.abs(eastSec);
  const h = String(Math.floor(abs / 3600)).padStart(2, '0');
  const m = Math.floor((abs % 3600) / 60);
  return `${eastSec < 0 ? '-' : '+'}${h}${m === 0 ? '' : String(m).padStart(2, '0')}`;
}

/**
 * The abbreviation of `zone` at the UTC instant `utcUs` (PostgreSQL microseconds), as
 * PostgreSQL's timestamp2tm sets `tzn`.
 * @throws PgError 0A000 where this table does not know tzdata's name (see the module comment).
 */
export function zoneAbbrevAt(zone: TimeZone, utcUs: bigint): string {
  if (zone.kind === 'fixed') {
    if (zone.abbrev !== undefined) return zone.abbrev;
    return numericAbbrev(zone.offsetSec);
  }
  const entry = zones.get(zone.name.toLowerCase());
  const off = offsetAtUtc(zone, utcUs);
  if (entry !== undefined && utcUs >= entry.sinceUs) {
    const name = entry.names.get(off);
    if (name !== undefined) return name;
    if (entry.numeric) return numericAbbrev(off);
  }
  throw new PgError(SQLSTATE.feature_not_supported, `time zone abbreviation of "${zone.name}" at this date is not supported`);
}
