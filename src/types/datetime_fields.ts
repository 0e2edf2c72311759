/**
 * PostgreSQL's date/time field splitter and keyword tables (src/backend/utils/adt/datetime.c:
 * ParseDateTime, datetktbl, deltatktbl, datebsearch), shared by the date/time input routines
 * that decode fields (interval input today).
 *
 * ParseDateTime splits an input string into lower-cased fields, each with a type that says
 * how it looked (digits, a time with colons, a date with delimiters, a word, a signed number
 * or word), skipping white space and any other ASCII punctuation between fields. The decoders
 * then read the fields; how they read them depends on the type, which is why the split has to
 * be PostgreSQL's own: `'1 day,2 hours'` and `'-59 w ago:'` are valid intervals because the
 * comma and the colon are delimiters there, while `'1.w'` is one date-like field.
 */

/** ParseDateTime's field types (DTK_NUMBER, DTK_STRING, DTK_DATE, DTK_TIME, DTK_TZ, DTK_SPECIAL). */
export const enum FieldType {
  /** Digits with at most one decimal point, or a leading decimal point (`12`, `1.5`, `.5`). */
  Number,
  /** Letters only (`day`, `ago`). */
  String,
  /** Digits with two delimiters, or digits and letters (`1-2`, `2024-01-01`, `13.w`, `p1y`). */
  Date,
  /** Digits with colons (`01:02:03.5`). */
  Time,
  /** A sign, then digits with `:`, `.` or `-` (`-5`, `+01:30`, `-1-2`). */
  Tz,
  /** A sign, then letters (`-infinity`). */
  Special,
}

/** One field of a date/time input: its lower-cased text and type. */
export interface DateField {
  readonly text: string;
  readonly type: FieldType;
}

/** PostgreSQL's MAXDATEFIELDS: fields an input may have. */
const MAX_DATE_FIELDS = 25;
/** PostgreSQL's TOKMAXLEN: characters of a keyword that are compared. */
const TOKMAXLEN = 10;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** C's ispunct in the C locale: printable ASCII that is neither a letter, a digit nor a space. */
function isPunct(c: number): boolean {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

function lower(c: number): string {
  return String.fromCharCode(c >= 65 && c <= 90 ? c + 32 : c);
}

/**
 * ParseDateTime: `input` split into fields as PostgreSQL splits it, or null where PostgreSQL
 * returns DTERR_BAD_FORMAT (a character that is not ASCII, a sign followed by neither a digit
 * nor a letter, more than 25 fields, or fields longer than the `bufLen`-byte work buffer the
 * caller gives PostgreSQL's routine: 256 for interval input).
 */
export function parseDateTimeFields(input: string, bufLen: number): DateField[] | null {
  const fields: DateField[] = [];
  const n = input.length;
  /** Bytes used in PostgreSQL's work buffer (each field's characters and its terminator). */
  let used = 0;
  let cp = 0;
  const at = (i: number): number => (i < n ? input.charCodeAt(i) : 0);
  while (cp < n) {
    const c = at(cp);
    if (isSpace(c)) {
      cp++;
      continue;
    }
    if (fields.length >= MAX_DATE_FIELDS) return null;
    let text = '';
    let type: FieldType;
    // APPEND_CHAR: the work buffer keeps one byte for the field's terminator.
    const append = (ch: string): boolean => {
      if (used + 1 >= bufLen) return false;
      used++;
      text += ch;
      return true;
    };
    if (isDigit(c)) {
      if (!append(input[cp++]!)) return null;
      while (isDigit(at(cp))) if (!append(input[cp++]!)) return null;
      const d = at(cp);
      if (d === 58 /* : */) {
        type = FieldType.Time;
        if (!append(input[cp++]!)) return null;
        while (isDigit(at(cp)) || at(cp) === 58 || at(cp) === 46) if (!append(input[cp++]!)) return null;
      } else if (d === 45 /* - */ || d === 47 /* / */ || d === 46 /* . */) {
        const delim = d;
        if (!append(input[cp++]!)) return null;
        if (isDigit(at(cp))) {
          type = delim === 46 ? FieldType.Number : FieldType.Date;
          while (isDigit(at(cp))) if (!append(input[cp++]!)) return null;
          // Only matching delimiters make a three-part date.
          if (at(cp) === delim) {
            type = FieldType.Date;
            if (!append(input[cp++]!)) return null;
            while (isDigit(at(cp)) || at(cp) === delim) if (!append(input[cp++]!)) return null;
          }
        } else {
          type = FieldType.Date;
          while (isAlpha(at(cp)) || isDigit(at(cp)) || at(cp) === delim) if (!append(lower(at(cp++)))) return null;
        }
      } else {
        type = FieldType.Number;
      }
    } else if (c === 46 /* . */) {
      if (!append('.')) return null;
      cp++;
      while (isDigit(at(cp))) if (!append(input[cp++]!)) return null;
      type = FieldType.Number;
    } else if (isAlpha(c)) {
      type = FieldType.String;
      if (!append(lower(at(cp++)))) return null;
      while (isAlpha(at(cp))) if (!append(lower(at(cp++)))) return null;
      // A word that runs into `-`, `/` or `.`, or into a digit or `+` when it is not a keyword
      // of datetktbl, is a date or a time zone name (`Jan-01`, `America/New_York`, `GMT+8`).
      const d = at(cp);
      let isDate = d === 45 || d === 47 || d === 46;
      if (!isDate && (d === 43 /* + */ || isDigit(d))) isDate = dateKeyword(text) === undefined;
      if (isDate) {
        type = FieldType.Date;
        do {
          if (!append(lower(at(cp++)))) return null;
        } while (cp < n && (at(cp) === 43 || at(cp) === 45 || at(cp) === 47 || at(cp) === 95 || at(cp) === 46 || at(cp) === 58 || isAlpha(at(cp)) || isDigit(at(cp))));
      }
    } else if (c === 43 /* + */ || c === 45 /* - */) {
      if (!append(input[cp++]!)) return null;
      while (isSpace(at(cp)) && cp < n) cp++;
      if (isDigit(at(cp))) {
        type = FieldType.Tz;
        if (!append(input[cp++]!)) return null;
        while (isDigit(at(cp)) || at(cp) === 58 || at(cp) === 46 || at(cp) === 45) if (!append(input[cp++]!)) return null;
      } else if (isAlpha(at(cp))) {
        type = FieldType.Special;
        if (!append(lower(at(cp++)))) return null;
        while (isAlpha(at(cp))) if (!append(lower(at(cp++)))) return null;
      } else {
        return null;
      }
    } else if (isPunct(c)) {
      // Other punctuation only separates fields.
      cp++;
      continue;
    } else {
      return null;
    }
    used++; // the field's terminator
    fields.push({ text, type });
  }
  return fields;
}

/** Kinds of datetktbl and deltatktbl entries (datetime.h's token types) that decoders tell apart. */
export type KeywordKind = 'reserved' | 'month' | 'ignore' | 'ampm' | 'adbc' | 'units' | 'dow' | 'dtzmod' | 'isotime' | 'ago';

/** A keyword: its kind and value (a unit's DTK code name, a month's number, a reserved word's meaning). */
export interface Keyword {
  readonly kind: KeywordKind;
  readonly value: string;
}

const kw = (kind: KeywordKind, value = ''): Keyword => ({ kind, value });

/** datetktbl: the keywords of date/time input. */
const DATE_KEYWORDS: ReadonlyMap<string, Keyword> = new Map<string, Keyword>([
  ['+infinity', kw('reserved', 'late')], ['-infinity', kw('reserved', 'early')], ['ad', kw('adbc', 'ad')],
  ['allballs', kw('reserved', 'zulu')], ['am', kw('ampm', 'am')], ['apr', kw('month', '4')], ['april', kw('month', '4')],
  ['at', kw('ignore')], ['aug', kw('month', '8')], ['august', kw('month', '8')], ['bc', kw('adbc', 'bc')],
  ['d', kw('units', 'day')], ['dec', kw('month', '12')], ['december', kw('month', '12')], ['dow', kw('units', 'dow')],
  ['doy', kw('units', 'doy')], ['dst', kw('dtzmod')], ['epoch', kw('reserved', 'epoch')], ['feb', kw('month', '2')],
  ['february', kw('month', '2')], ['fri', kw('dow', '5')], ['friday', kw('dow', '5')], ['h', kw('units', 'hour')],
  ['infinity', kw('reserved', 'late')], ['isodow', kw('units', 'isodow')], ['isoyear', kw('units', 'isoyear')],
  ['j', kw('units', 'julian')], ['jan', kw('month', '1')], ['january', kw('month', '1')], ['jd', kw('units', 'julian')],
  ['jul', kw('month', '7')], ['julian', kw('units', 'julian')], ['july', kw('month', '7')], ['jun', kw('month', '6')],
  ['june', kw('month', '6')], ['m', kw('units', 'month')], ['mar', kw('month', '3')], ['march', kw('month', '3')],
  ['may', kw('month', '5')], ['mm', kw('units', 'minute')], ['mon', kw('dow', '1')], ['monday', kw('dow', '1')],
  ['nov', kw('month', '11')], ['november', kw('month', '11')], ['now', kw('reserved', 'now')], ['oct', kw('month', '10')],
  ['october', kw('month', '10')], ['on', kw('ignore')], ['pm', kw('ampm', 'pm')], ['s', kw('units', 'second')],
  ['sat', kw('dow', '6')], ['saturday', kw('dow', '6')], ['sep', kw('month', '9')], ['sept', kw('month', '9')],
  ['september', kw('month', '9')], ['sun', kw('dow', '0')], ['sunday', kw('dow', '0')], ['t', kw('isotime')],
  ['thu', kw('dow', '4')], ['thur', kw('dow', '4')], ['thurs', kw('dow', '4')], ['thursday', kw('dow', '4')],
  ['today', kw('reserved', 'today')], ['tomorrow', kw('reserved', 'tomorrow')], ['tue', kw('dow', '2')],
  ['tues', kw('dow', '2')], ['tuesday', kw('dow', '2')], ['wed', kw('dow', '3')], ['wednesday', kw('dow', '3')],
  ['weds', kw('dow', '3')], ['y', kw('units', 'year')], ['yesterday', kw('reserved', 'yesterday')],
]);

/** deltatktbl: the unit words of interval input (and EXTRACT), `@` and `ago`. */
const DELTA_KEYWORDS: ReadonlyMap<string, Keyword> = (() => {
  const m = new Map<string, Keyword>([['@', kw('ignore')], ['ago', kw('ago')]]);
  const units: Record<string, string[]> = {
    century: ['c', 'cent', 'centuries', 'century'],
    day: ['d', 'day', 'days'],
    decade: ['dec', 'decade', 'decades', 'decs'],
    hour: ['h', 'hour', 'hours', 'hr', 'hrs'],
    minute: ['m', 'min', 'mins', 'minute', 'minutes'],
    microsecond: ['microsecon', 'us', 'usec', 'usecond', 'useconds', 'usecs'],
    millennium: ['mil', 'millennia', 'millennium', 'mils'],
    millisecond: ['millisecon', 'ms', 'msec', 'msecond', 'mseconds', 'msecs'],
    month: ['mon', 'mons', 'month', 'months'],
    quarter: ['qtr', 'quarter'],
    second: ['s', 'sec', 'second', 'seconds', 'secs'],
    timezone: ['timezone'],
    timezone_hour: ['timezone_h'],
    timezone_minute: ['timezone_m'],
    week: ['w', 'week', 'weeks'],
    year: ['y', 'year', 'years', 'yr', 'yrs'],
  };
  for (const [unit, words] of Object.entries(units)) for (const w of words) m.set(w, kw('units', unit));
  return m;
})();

/** datebsearch's match: only the first TOKMAXLEN characters count (`microseconds` is `microsecon`). */
function lookup(table: ReadonlyMap<string, Keyword>, token: string): Keyword | undefined {
  return table.get(token.length > TOKMAXLEN ? token.slice(0, TOKMAXLEN) : token);
}

/** DecodeSpecial's table lookup: the datetktbl keyword `token` (lower case) names, if any. */
export function dateKeyword(token: string): Keyword | undefined {
  return lookup(DATE_KEYWORDS, token);
}

/** DecodeUnits' table lookup: the deltatktbl keyword `token` (lower case) names, if any. */
export function deltaKeyword(token: string): Keyword | undefined {
  return lookup(DELTA_KEYWORDS, token);
}
