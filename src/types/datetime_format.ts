/**
 * Date/time template patterns (PostgreSQL's formatting.c: DCH_keywords, DCH_suff and
 * parse_format): a template such as `FMDD Mon YYYY HH24:MI` read into nodes, each a keyword
 * with its FM / TM prefix and TH / th / SP suffix, a space, a separator (ASCII punctuation) or
 * another character (also every character of a double-quoted literal). to_timestamp and to_date
 * read their input by these nodes (types/from_char.ts).
 */

/** How a keyword dates (from_char_set_mode): the Gregorian and ISO-week conventions may not mix. */
export type DateMode = 'none' | 'gregorian' | 'isoweek';

/** One template keyword: its spelling, the field it stands for, whether it reads digits. */
export interface DchKeyword {
  /** As written in the template (error messages quote it: `invalid value "x" for "Mon"`). */
  readonly name: string;
  /** The field, whatever the case of the spelling (`MONTH` for Month, month, MONTH). */
  readonly id: string;
  readonly isDigit: boolean;
  readonly mode: DateMode;
}

/** A template node (FormatNode). */
export type DchNode =
  | { kind: 'action'; key: DchKeyword; fm: boolean; tm: boolean; th: 'TH' | 'th' | null; sp: boolean }
  | { kind: 'space' | 'separator' | 'char'; ch: string };

// name, id, is_digit, date mode: in DCH_keywords' order, which the search depends on (a longer
// keyword before its prefixes, `DDD` before `DD` before `D`; matching is case-sensitive).
const KEYWORDS: readonly DchKeyword[] = ([
  ['A.D.', 'A.D.', false, 'none'], ['A.M.', 'A.M.', false, 'none'], ['AD', 'AD', false, 'none'], ['AM', 'AM', false, 'none'],
  ['B.C.', 'A.D.', false, 'none'], ['BC', 'AD', false, 'none'], ['CC', 'CC', true, 'none'],
  ['DAY', 'DAY', false, 'none'], ['DDD', 'DDD', true, 'gregorian'], ['DD', 'DD', true, 'gregorian'], ['DY', 'DY', false, 'none'],
  ['Day', 'DAY', false, 'none'], ['Dy', 'DY', false, 'none'], ['D', 'D', true, 'gregorian'],
  ['FF1', 'FF1', true, 'none'], ['FF2', 'FF2', true, 'none'], ['FF3', 'FF3', true, 'none'], ['FF4', 'FF4', true, 'none'],
  ['FF5', 'FF5', true, 'none'], ['FF6', 'FF6', true, 'none'], ['FX', 'FX', false, 'none'],
  ['HH24', 'HH24', true, 'none'], ['HH12', 'HH', true, 'none'], ['HH', 'HH', true, 'none'],
  ['IDDD', 'IDDD', true, 'isoweek'], ['ID', 'ID', true, 'isoweek'], ['IW', 'IW', true, 'isoweek'], ['IYYY', 'IYYY', true, 'isoweek'],
  ['IYY', 'IYY', true, 'isoweek'], ['IY', 'IY', true, 'isoweek'], ['I', 'I', true, 'isoweek'], ['J', 'J', true, 'none'],
  ['MI', 'MI', true, 'none'], ['MM', 'MM', true, 'gregorian'], ['MONTH', 'MONTH', false, 'gregorian'], ['MON', 'MON', false, 'gregorian'],
  ['MS', 'MS', true, 'none'], ['Month', 'MONTH', false, 'gregorian'], ['Mon', 'MON', false, 'gregorian'], ['OF', 'OF', false, 'none'],
  ['P.M.', 'A.M.', false, 'none'], ['PM', 'AM', false, 'none'], ['Q', 'Q', true, 'none'], ['RM', 'RM', false, 'gregorian'],
  ['SSSSS', 'SSSS', true, 'none'], ['SSSS', 'SSSS', true, 'none'], ['SS', 'SS', true, 'none'],
  ['TZH', 'TZH', false, 'none'], ['TZM', 'TZM', true, 'none'], ['TZ', 'TZ', false, 'none'], ['US', 'US', true, 'none'],
  ['WW', 'WW', true, 'gregorian'], ['W', 'W', true, 'gregorian'],
  ['Y,YYY', 'Y,YYY', true, 'gregorian'], ['YYYY', 'YYYY', true, 'gregorian'], ['YYY', 'YYY', true, 'gregorian'],
  ['YY', 'YY', true, 'gregorian'], ['Y', 'Y', true, 'gregorian'],
  ['a.d.', 'A.D.', false, 'none'], ['a.m.', 'A.M.', false, 'none'], ['ad', 'AD', false, 'none'], ['am', 'AM', false, 'none'],
  ['b.c.', 'A.D.', false, 'none'], ['bc', 'AD', false, 'none'], ['cc', 'CC', true, 'none'],
  ['day', 'DAY', false, 'none'], ['ddd', 'DDD', true, 'gregorian'], ['dd', 'DD', true, 'gregorian'], ['dy', 'DY', false, 'none'],
  ['d', 'D', true, 'gregorian'],
  ['ff1', 'FF1', true, 'none'], ['ff2', 'FF2', true, 'none'], ['ff3', 'FF3', true, 'none'], ['ff4', 'FF4', true, 'none'],
  ['ff5', 'FF5', true, 'none'], ['ff6', 'FF6', true, 'none'], ['fx', 'FX', false, 'none'],
  ['hh24', 'HH24', true, 'none'], ['hh12', 'HH', true, 'none'], ['hh', 'HH', true, 'none'],
  ['iddd', 'IDDD', true, 'isoweek'], ['id', 'ID', true, 'isoweek'], ['iw', 'IW', true, 'isoweek'], ['iyyy', 'IYYY', true, 'isoweek'],
  ['iyy', 'IYY', true, 'isoweek'], ['iy', 'IY', true, 'isoweek'], ['i', 'I', true, 'isoweek'], ['j', 'J', true, 'none'],
  ['mi', 'MI', true, 'none'], ['mm', 'MM', true, 'gregorian'], ['month', 'MONTH', false, 'gregorian'], ['mon', 'MON', false, 'gregorian'],
  ['ms', 'MS', true, 'none'], ['of', 'OF', false, 'none'], ['p.m.', 'A.M.', false, 'none'], ['pm', 'AM', false, 'none'],
  ['q', 'Q', true, 'none'], ['rm', 'RM', false, 'gregorian'],
  ['sssss', 'SSSS', true, 'none'], ['ssss', 'SSSS', true, 'none'], ['ss', 'SS', true, 'none'],
  ['tzh', 'TZH', false, 'none'], ['tzm', 'TZM', true, 'none'], ['tz', 'TZ', false, 'none'], ['us', 'US', true, 'none'],
  ['ww', 'WW', true, 'gregorian'], ['w', 'W', true, 'gregorian'],
  ['y,yyy', 'Y,YYY', true, 'gregorian'], ['yyyy', 'YYYY', true, 'gregorian'], ['yyy', 'YYY', true, 'gregorian'],
  ['yy', 'YY', true, 'gregorian'], ['y', 'Y', true, 'gregorian'],
] as const).map(([name, id, isDigit, mode]) => ({ name, id, isDigit, mode }));

/** The keywords by first character, in table order (DCH_index + index_seq_search). */
const BY_FIRST = new Map<string, DchKeyword[]>();
for (const k of KEYWORDS) {
  const list = BY_FIRST.get(k.name[0]!);
  if (list === undefined) BY_FIRST.set(k.name[0]!, [k]);
  else list.push(k);
}

/** The keyword the template has at `at`, or undefined. */
function keywordAt(fmt: string, at: number): DchKeyword | undefined {
  const list = BY_FIRST.get(fmt[at]!);
  if (list === undefined) return undefined;
  for (const k of list) if (fmt.startsWith(k.name, at)) return k;
  return undefined;
}

/** ASCII printable, not a letter, digit or space (is_separator_char). */
export function isSeparatorChar(c: string | undefined): boolean {
  if (c === undefined) return false;
  const x = c.charCodeAt(0);
  return x > 0x20 && x < 0x7f && !/[A-Za-z0-9]/.test(c);
}

/** isspace() of the C locale. */
export function isCSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
}

/**
 * Templates read lately (DCH_cache_fetch): to_char or to_timestamp over a table reads its
 * template once, not once per row. The nodes are never changed by their readers.
 */
const readDchCached = templateCache(readDchFormat);

/** Reads a template into nodes (parse_format with DCH_FLAG), from the cache when it was read lately. */
export function parseDchFormat(fmt: string): readonly DchNode[] {
  return readDchCached(fmt);
}

/**
 * `read` with the last `entries` templates it read kept (PostgreSQL's DCH_cache / NUM_cache: 64
 * each), the oldest dropped first. What `read` returns must never change; a template it
 * refuses (throws for) is not kept.
 */
export function templateCache<T>(read: (fmt: string) => T, entries = 64): (fmt: string) => T {
  const cache = new Map<string, T>();
  return (fmt) => {
    let t = cache.get(fmt);
    if (t === undefined) {
      t = read(fmt);
      if (cache.size >= entries) cache.delete(cache.keys().next().value!);
      cache.set(fmt, t);
    }
    return t;
  };
}

function readDchFormat(fmt: string): DchNode[] {
  const nodes: DchNode[] = [];
  let i = 0;
  while (i < fmt.length) {
    let fm = false;
    let tm = false;
    const prefix = fmt.slice(i, i + 2);
    if (prefix === 'FM' || prefix === 'fm') {
      fm = true;
      i += 2;
    } else if (prefix === 'TM' || prefix === 'tm') {
      tm = true;
      i += 2;
    }
    const key = i < fmt.length ? keywordAt(fmt, i) : undefined;
    if (key !== undefined) {
      i += key.name.length;
      const post = fmt.slice(i, i + 2);
      const th = post === 'TH' || post === 'th' ? post : null;
      const sp = post === 'SP';
      if (th !== null || sp) i += 2;
      nodes.push({ kind: 'action', key, fm, tm, th, sp });
      continue;
    }
    if (i >= fmt.length) break;
    const c = fmt[i]!;
    if (c === '"') {
      i = readQuotedText(fmt, i, (ch) => nodes.push({ kind: 'char', ch }));
      continue;
    }
    const { ch, next } = readTemplateChar(fmt, i);
    nodes.push({ kind: isSeparatorChar(ch) ? 'separator' : isCSpace(ch) ? 'space' : 'char', ch });
    i = next;
  }
  return nodes;
}

/**
 * A double-quoted literal of a template (parse_format, shared by the date/time and the number
 * templates): from `fmt[i]`, the opening quote, to the closing one, each character given to
 * `push`, a backslash quoting the next. Returns the index after the closing quote (or the end).
 */
export function readQuotedText(fmt: string, i: number, push: (ch: string) => void): number {
  i++;
  while (i < fmt.length) {
    if (fmt[i] === '"') return i + 1;
    if (fmt[i] === '\\' && i + 1 < fmt.length) i++;
    const ch = String.fromCodePoint(fmt.codePointAt(i)!);
    push(ch);
    i += ch.length;
  }
  return i;
}

/**
 * One template character outside quotes and keywords (a code point), and the index after it;
 * a backslash is special only before a double quote, which it makes literal (parse_format).
 */
export function readTemplateChar(fmt: string, i: number): { ch: string; next: number } {
  if (fmt[i] === '\\' && fmt[i + 1] === '"') i++;
  const ch = String.fromCodePoint(fmt.codePointAt(i)!);
  return { ch, next: i + ch.length };
}
