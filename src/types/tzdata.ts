/**
 * tzdata's abbreviations (`CET` / `CEST`, `MSK`, `+03`, `LMT`): what a zone called each of its
 * periods, as PostgreSQL reads them from its compiled tz files. ICU (types/timezone.ts) knows
 * a zone's offsets but not these names (its short names are per locale: `GMT+1` for Berlin in
 * en-US), so they come from the IANA database as moment-timezone packs it
 * (`moment-timezone/data/packed/latest.json`, maintained with every tzdata release; only the
 * data file is read, never the library). It is loaded on first use.
 *
 * A zone's history here is a list of periods: each ends at `untilsMs[i]` (milliseconds since
 * 1970-01-01 UTC; the last never ends), has an offset (seconds EAST of UTC) and an
 * abbreviation. Before a zone's first transition it keeps its first period (local mean time,
 * `LMT`), as PostgreSQL does.
 */
import { createRequire } from 'node:module';

/** One zone's periods (see the module comment). */
export interface ZoneHistory {
  /** End of each period, ms since 1970-01-01 UTC; the last is Infinity. */
  untilsMs: Float64Array;
  /** Offset of each period, seconds east of UTC. */
  offsetsSec: Int32Array;
  /** Abbreviation of each period (upper case letters, or tzdata's numeric `+0530`). */
  abbrevs: string[];
  /** {@link abbrevInZone}'s answers by upper-cased abbreviation (bounded by the zone's few names and the words asked). */
  meanings: Map<string, ZoneAbbrevMeaning | null>;
}

/** moment-timezone's packed file: zones `Name|abbrs|offsets|indices|untils|population`, links `Target|Alias`. */
interface PackedData {
  version: string;
  zones: string[];
  links: string[];
}

/** Packed zone text by lower-cased name (links included), loaded once. */
let packed: Map<string, string> | null = null;
/** Unpacked histories by lower-cased name. Bounded by the number of zones (about 600 names). */
const unpacked = new Map<string, ZoneHistory | null>();
let dataVersion = '';
/** Zone and link names as tzdata spells them, by lower-cased name (`est5edt` is `EST5EDT`). */
const spellings = new Map<string, string>();

function load(): Map<string, string> {
  if (packed !== null) return packed;
  const data = createRequire(import.meta.url)('moment-timezone/data/packed/latest.json') as PackedData;
  const m = new Map<string, string>();
  for (const z of data.zones) {
    const name = z.slice(0, z.indexOf('|'));
    m.set(name.toLowerCase(), z);
    spellings.set(name.toLowerCase(), name);
  }
  for (const l of data.links) {
    const [target, alias] = l.split('|') as [string, string];
    const z = m.get(target.toLowerCase());
    if (z !== undefined && !m.has(alias.toLowerCase())) {
      m.set(alias.toLowerCase(), z);
      spellings.set(alias.toLowerCase(), alias);
    }
  }
  dataVersion = data.version;
  packed = m;
  return m;
}

/** The zone or link `name` (any case) as tzdata spells it (PostgreSQL's file name), or null. */
export function zoneSpelling(name: string): string | null {
  load();
  return spellings.get(name.toLowerCase()) ?? null;
}

/** The tzdata release the abbreviations come from (`2026f`). */
export function tzdataVersion(): string {
  load();
  return dataVersion;
}

/** moment-timezone's base-60 digits: 0-9, a-z, A-X. */
function digit(c: number): number {
  if (c > 96) return c - 87;
  if (c > 64) return c - 29;
  return c - 48;
}

/** A base-60 number with an optional sign and fraction (moment-timezone's unpackBase60). */
function base60(s: string): number {
  let i = 0;
  let sign = 1;
  if (s.charCodeAt(0) === 45) {
    i = 1;
    sign = -1;
  }
  const dot = s.indexOf('.');
  const end = dot < 0 ? s.length : dot;
  let out = 0;
  for (; i < end; i++) out = out * 60 + digit(s.charCodeAt(i));
  if (dot >= 0) {
    let mult = 1;
    for (let j = dot + 1; j < s.length; j++) {
      mult /= 60;
      out += digit(s.charCodeAt(j)) * mult;
    }
  }
  return out * sign;
}

function unpack(text: string): ZoneHistory {
  const f = text.split('|');
  const names = f[1]!.split(' ');
  // Minutes WEST of UTC (moment's sign), fractions for local mean time's seconds.
  const offsets = f[2]!.split(' ').map((o) => -Math.round(base60(o) * 60));
  const idx = f[3]!;
  const deltas = f[4] === '' ? [] : f[4]!.split(' ');
  const n = idx.length;
  const untilsMs = new Float64Array(n);
  const offsetsSec = new Int32Array(n);
  const abbrevs: string[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    const k = digit(idx.charCodeAt(i));
    offsetsSec[i] = offsets[k]!;
    abbrevs.push(names[k]!);
    if (i < n - 1) {
      t = Math.round(t + base60(deltas[i]!) * 60_000);
      untilsMs[i] = t;
    } else untilsMs[i] = Infinity;
  }
  return { untilsMs, offsetsSec, abbrevs, meanings: new Map() };
}

/** The history of the IANA zone or link `name` (any case), or null when tzdata has no such zone. */
export function zoneHistory(name: string): ZoneHistory | null {
  const key = name.toLowerCase();
  const hit = unpacked.get(key);
  if (hit !== undefined) return hit;
  const text = load().get(key);
  const h = text === undefined ? null : unpack(text);
  unpacked.set(key, h);
  return h;
}

/** The index of the period in force at `utcMs` (the first whose end is after it). */
export function periodAt(h: ZoneHistory, utcMs: number): number {
  let lo = 0;
  let hi = h.untilsMs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (utcMs < h.untilsMs[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The abbreviation `h` gives the instant `utcMs` whose offset (from ICU) is `offsetSec`, or
 * null when the two sources disagree about the offset there. Past the last transition the
 * data lists, the latest period with that offset names it (a zone's last rules repeat).
 */
export function abbrevAt(h: ZoneHistory, utcMs: number, offsetSec: number): string | null {
  const i = periodAt(h, utcMs);
  if (h.offsetsSec[i] === offsetSec) return h.abbrevs[i]!;
  if (i === h.untilsMs.length - 1) {
    for (let j = i - 1; j >= 0 && j >= i - 4; j--) if (h.offsetsSec[j] === offsetSec) return h.abbrevs[j]!;
  }
  return null;
}

/** What an abbreviation means in one zone (PostgreSQL's pg_timezone_abbrev_is_known). */
export type ZoneAbbrevMeaning = { fixed: true; offsetSec: number } | { fixed: false };

/**
 * Whether the zone uses the abbreviation `abbrev` (case-insensitive) in any period, and if so
 * whether always with one offset (fixed) or with several (read near the instant with
 * {@link abbrevOffsetNear}). Null when the zone never uses it.
 */
export function abbrevInZone(h: ZoneHistory, abbrev: string): ZoneAbbrevMeaning | null {
  const up = abbrev.toUpperCase();
  const hit = h.meanings.get(up);
  if (hit !== undefined) return hit;
  let off: number | null = null;
  let m: ZoneAbbrevMeaning | null = null;
  for (let i = 0; i < h.abbrevs.length; i++) {
    if (h.abbrevs[i] !== up) continue;
    if (off === null) {
      off = h.offsetsSec[i]!;
      m = { fixed: true, offsetSec: off };
    } else if (off !== h.offsetsSec[i]) {
      m = { fixed: false };
      break;
    }
  }
  // Words come from queries: keep at most a few hundred per zone.
  if (h.meanings.size >= 256) h.meanings.clear();
  h.meanings.set(up, m);
  return m;
}

/**
 * The offset (seconds east) the abbreviation had in the zone nearest the instant `utcMs`:
 * the latest period at or before it that used the abbreviation, else the earliest after it
 * (PostgreSQL's pg_interpret_timezone_abbrev). Null when the zone never used it.
 */
export function abbrevOffsetNear(h: ZoneHistory, abbrev: string, utcMs: number): number | null {
  const up = abbrev.toUpperCase();
  const at = periodAt(h, utcMs);
  for (let i = at; i >= 0; i--) if (h.abbrevs[i] === up) return h.offsetsSec[i]!;
  for (let i = at + 1; i < h.abbrevs.length; i++) if (h.abbrevs[i] === up) return h.offsetsSec[i]!;
  return null;
}
