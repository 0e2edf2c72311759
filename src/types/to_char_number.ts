/**
 * to_char(int4 | int8 | float4 | float8 | numeric, text) and to_number(text, text), as
 * PostgreSQL 18's formatting.c does them (its "NUMBER version part": NUM_cache,
 * NUMDesc_prepare, NUM_processor with NUM_numpart_to_char / NUM_numpart_from_char,
 * int4_to_char ... numeric_to_char, numeric_to_number), in the C locale (NUM_prepare_locale's
 * fallbacks: decimal point `.`, thousands separator `,`, currency symbol ` `, signs `-` `+`).
 *
 * The template patterns (case matters only for RN / rn and TH / th):
 *
 *   9  a digit, blank-padded      0  a digit, zero-padded       . D  the decimal point
 *   , G  a group separator         S  a sign anchored to the number (before or after it)
 *   MI PL SG  minus / plus / either sign at that place         PR  a negative in <angle brackets>
 *   L  the currency symbol         V  multiply by 10^(number of 9s after it)
 *   RN rn  a Roman numeral (1..3999, else 15 #s)                EEEE  scientific notation
 *   TH th  an ordinal suffix       FM  no padding blanks, no trailing zeros
 *   B C SP  keywords that print nothing    "text" \"  literal text; any other character is copied
 *
 * A value wider than the template's digits prints as #s in each digit place. The value is
 * turned into a digit string first (the type's own output, rounded to the template's
 * fraction digits: numeric_round, printf's %.*f with float4 / float8 limited to FLT_DIG / DBL_DIG
 * significant digits); NUM_processor then walks the template and that string together. The
 * walk is reproduced step for step, quirks included (a float template with more fraction
 * digits than the type has ends the text where the digits run out, as the C string did).
 *
 * to_number walks the template over the input the same way, collecting a sign and digits,
 * and reads them with numeric_in under a typmod made of the template's digit counts.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { DBL_DIG, FLT_DIG, pgPrintfFloat } from './float.js';
import { readQuotedText, readTemplateChar, templateCache } from './datetime_format.js';
import {
  Numeric, NumericKind, makeNumericTypmod, numericMul, numericRound, numericToInt, parseNumeric, pow10,
} from './numeric.js';

// ---------------------------------------------------------------------------------------
// Templates (NUM_keywords, parse_format with NUM_FLAG, NUMDesc_prepare)

/** The pattern a keyword stands for (NUM_poz; lower-case spellings share the id except rn and th). */
type NumId = ',' | '.' | '0' | '9' | 'B' | 'C' | 'D' | 'E' | 'FM' | 'G' | 'L' | 'MI' | 'PL' | 'PR' | 'RN' | 'SG' | 'SP' | 'S' | 'TH' | 'V' | 'rn' | 'th';

/** A template node: a pattern, or one character copied (to_char) or skipped (to_number). */
export type NumNode = { readonly kind: 'action'; readonly id: NumId } | { readonly kind: 'char'; readonly ch: string };

// NUMDesc flags.
const F_DECIMAL = 1 << 1;
const F_LDECIMAL = 1 << 2;
const F_ZERO = 1 << 3;
const F_BLANK = 1 << 4;
const F_FILLMODE = 1 << 5;
const F_LSIGN = 1 << 6;
const F_BRACKET = 1 << 7;
const F_MINUS = 1 << 8;
const F_PLUS = 1 << 9;
const F_ROMAN = 1 << 10;
const F_MULTI = 1 << 11;
const F_PLUS_POST = 1 << 12;
const F_MINUS_POST = 1 << 13;
const F_EEEE = 1 << 14;

/** Whether the description has flag `f` (IS_DECIMAL, IS_ZERO, ...). */
function has(num: NumDesc, f: number): boolean {
  return (num.flag & f) !== 0;
}

const LSIGN_PRE = -1;
const LSIGN_POST = 1;
const LSIGN_NONE = 0;

/** What a template says about the number (NUMDesc): digit counts, flags, sign placement. */
interface NumDesc {
  /** 9s and 0s before the decimal point (to_char adds V's digits to it). */
  pre: number;
  /** 9s and 0s after it. */
  post: number;
  /** Where S puts the sign: LSIGN_PRE, LSIGN_POST or LSIGN_NONE. */
  lsign: number;
  flag: number;
  /** `pre` when S was read (S ahead of all digits moves the sign behind them). */
  preLsignNum: number;
  /** 9s after V: the power of ten V multiplies by. */
  multi: number;
  /** 1-based position of the first 0 before the point, and of the last 0. */
  zeroStart: number;
  zeroEnd: number;
  needLocale: boolean;
}

/** A template read once: its nodes and its description (copied before each use, as NUM_cache does). */
export interface NumTemplate {
  readonly nodes: readonly NumNode[];
  readonly desc: Readonly<NumDesc>;
}

// name, id: in NUM_keywords' order; a keyword is looked for among those with the template's
// character first, in this order (index_seq_search), so SG and SP come before S.
const KEYWORDS: readonly (readonly [string, NumId])[] = [
  [',', ','], ['.', '.'], ['0', '0'], ['9', '9'], ['B', 'B'], ['C', 'C'], ['D', 'D'], ['EEEE', 'E'], ['FM', 'FM'], ['G', 'G'],
  ['L', 'L'], ['MI', 'MI'], ['PL', 'PL'], ['PR', 'PR'], ['RN', 'RN'], ['SG', 'SG'], ['SP', 'SP'], ['S', 'S'], ['TH', 'TH'], ['V', 'V'],
  ['b', 'B'], ['c', 'C'], ['d', 'D'], ['eeee', 'E'], ['fm', 'FM'], ['g', 'G'], ['l', 'L'], ['mi', 'MI'], ['pl', 'PL'], ['pr', 'PR'],
  ['rn', 'rn'], ['sg', 'SG'], ['sp', 'SP'], ['s', 'S'], ['th', 'th'], ['v', 'V'],
];

const BY_FIRST = new Map<string, (readonly [string, NumId])[]>();
for (const k of KEYWORDS) {
  const list = BY_FIRST.get(k[0][0]!);
  if (list === undefined) BY_FIRST.set(k[0][0]!, [k]);
  else list.push(k);
}

function syntaxError(message: string, detail?: string): PgError {
  return new PgError(SQLSTATE.syntax_error, message, detail === undefined ? {} : { detail });
}

/** isspace() of the C locale. */
function isCSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
}

/**
 * NUMDesc_prepare: records a pattern in the description, refusing the combinations
 * PostgreSQL refuses (42601), in template order.
 */
function prepare(num: NumDesc, id: NumId): void {
  if (has(num, F_EEEE) && id !== 'E') throw syntaxError('"EEEE" must be the last pattern used');
  switch (id) {
    case '9':
      if (has(num, F_BRACKET)) throw syntaxError('"9" must be ahead of "PR"');
      if (has(num, F_MULTI)) {
        num.multi++;
        break;
      }
      if (has(num, F_DECIMAL)) num.post++;
      else num.pre++;
      break;
    case '0':
      if (has(num, F_BRACKET)) throw syntaxError('"0" must be ahead of "PR"');
      if (!has(num, F_ZERO) && !has(num, F_DECIMAL)) {
        num.flag |= F_ZERO;
        num.zeroStart = num.pre + 1;
      }
      if (!has(num, F_DECIMAL)) num.pre++;
      else num.post++;
      num.zeroEnd = num.pre + num.post;
      break;
    case 'B':
      if (num.pre === 0 && num.post === 0 && !has(num, F_ZERO)) num.flag |= F_BLANK;
      break;
    case 'D':
    case '.':
      if (id === 'D') {
        num.flag |= F_LDECIMAL;
        num.needLocale = true;
      }
      if (has(num, F_DECIMAL)) throw syntaxError('multiple decimal points');
      if (has(num, F_MULTI)) throw syntaxError('cannot use "V" and decimal point together');
      num.flag |= F_DECIMAL;
      break;
    case 'FM':
      num.flag |= F_FILLMODE;
      break;
    case 'S':
      if (has(num, F_LSIGN)) throw syntaxError('cannot use "S" twice');
      if (has(num, F_PLUS) || has(num, F_MINUS) || has(num, F_BRACKET)) throw syntaxError('cannot use "S" and "PL"/"MI"/"SG"/"PR" together');
      if (!has(num, F_DECIMAL)) {
        num.lsign = LSIGN_PRE;
        num.preLsignNum = num.pre;
        num.needLocale = true;
        num.flag |= F_LSIGN;
      } else if (num.lsign === LSIGN_NONE) {
        num.lsign = LSIGN_POST;
        num.needLocale = true;
        num.flag |= F_LSIGN;
      }
      break;
    case 'MI':
      if (has(num, F_LSIGN)) throw syntaxError('cannot use "S" and "MI" together');
      num.flag |= F_MINUS;
      if (has(num, F_DECIMAL)) num.flag |= F_MINUS_POST;
      break;
    case 'PL':
      if (has(num, F_LSIGN)) throw syntaxError('cannot use "S" and "PL" together');
      num.flag |= F_PLUS;
      if (has(num, F_DECIMAL)) num.flag |= F_PLUS_POST;
      break;
    case 'SG':
      if (has(num, F_LSIGN)) throw syntaxError('cannot use "S" and "SG" together');
      num.flag |= F_MINUS | F_PLUS;
      break;
    case 'PR':
      if (has(num, F_LSIGN) || has(num, F_PLUS) || has(num, F_MINUS)) throw syntaxError('cannot use "PR" and "S"/"PL"/"MI"/"SG" together');
      num.flag |= F_BRACKET;
      break;
    case 'RN':
    case 'rn':
      if (has(num, F_ROMAN)) throw syntaxError('cannot use "RN" twice');
      num.flag |= F_ROMAN;
      break;
    case 'L':
    case 'G':
      num.needLocale = true;
      break;
    case 'V':
      if (has(num, F_DECIMAL)) throw syntaxError('cannot use "V" and decimal point together');
      num.flag |= F_MULTI;
      break;
    case 'E':
      if (has(num, F_EEEE)) throw syntaxError('cannot use "EEEE" twice');
      if (has(num, F_BLANK) || has(num, F_FILLMODE) || has(num, F_LSIGN) || has(num, F_BRACKET) || has(num, F_MINUS) || has(num, F_PLUS) || has(num, F_ROMAN) || has(num, F_MULTI)) {
        throw syntaxError('"EEEE" is incompatible with other formats', '"EEEE" may only be used together with digit and decimal point patterns.');
      }
      num.flag |= F_EEEE;
      break;
    default:
      break;
  }
  if (has(num, F_ROMAN) && (num.flag & ~(F_ROMAN | F_FILLMODE)) !== 0) {
    throw syntaxError('"RN" is incompatible with other formats', '"RN" may only be used together with "FM".');
  }
}

/** parse_format with NUM_FLAG: the nodes of `fmt` and its description. */
function readNumFormat(fmt: string): NumTemplate {
  const desc: NumDesc = { pre: 0, post: 0, lsign: LSIGN_NONE, flag: 0, preLsignNum: 0, multi: 0, zeroStart: 0, zeroEnd: 0, needLocale: false };
  const nodes: NumNode[] = [];
  let i = 0;
  while (i < fmt.length) {
    const key = BY_FIRST.get(fmt[i]!)?.find(([name]) => fmt.startsWith(name, i));
    if (key !== undefined) {
      i += key[0].length;
      nodes.push({ kind: 'action', id: key[1] });
      prepare(desc, key[1]);
      continue;
    }
    if (fmt[i] === '"') {
      i = readQuotedText(fmt, i, (ch) => nodes.push({ kind: 'char', ch }));
      continue;
    }
    const { ch, next } = readTemplateChar(fmt, i);
    nodes.push({ kind: 'char', ch });
    i = next;
  }
  return { nodes, desc };
}

/**
 * Templates read lately (NUM_cache_fetch): to_char or to_number over a table reads its
 * template once, not once per row. A template that fails to read is not kept.
 */
const readNumCached = templateCache(readNumFormat);

/**
 * A number template read into nodes and its description (PostgreSQL's parse_format with
 * NUM_FLAG and NUMDesc_prepare), from a small cache of the templates read lately.
 * @throws PgError 42601 for the pattern combinations PostgreSQL refuses: `multiple decimal
 *   points`, `cannot use "V" and decimal point together`, `"EEEE" is incompatible with other
 *   formats`, `"RN" is incompatible with other formats`, `cannot use "S" twice`, ...
 */
export function parseNumFormat(fmt: string): NumTemplate {
  return readNumCached(fmt);
}

// ---------------------------------------------------------------------------------------
// The C locale's symbols (NUM_prepare_locale: lconv's empty strings fall back to these)

const L_NEGATIVE_SIGN = '-';
const L_POSITIVE_SIGN = '+';
const L_DECIMAL = '.';
const L_THOUSANDS_SEP = ',';
const L_CURRENCY_SYMBOL = ' ';

// ---------------------------------------------------------------------------------------
// to_char: NUM_processor walking the template and the value's digit string

const TH_UPPER = ['ST', 'ND', 'RD', 'TH'];
const TH_LOWER = ['st', 'nd', 'rd', 'th'];

/**
 * get_th: the ordinal ending of the digit string `num` (teens take TH).
 * @throws PgError 22P02 `"<num>" is not a number` when it does not end in a digit (NaN).
 */
function ordinalSuffix(num: string, upper: boolean): string {
  const last = num[num.length - 1];
  if (last === undefined || last < '0' || last > '9') throw new PgError(SQLSTATE.invalid_text_representation, `"${num}" is not a number`);
  const d = num.length > 1 && num[num.length - 2] === '1' ? 0 : last.charCodeAt(0) - 48;
  const i = d >= 1 && d <= 3 ? d - 1 : 3;
  return (upper ? TH_UPPER : TH_LOWER)[i]!;
}

/**
 * NUM_processor for to_char: the template `nodes` applied to `number` (the value's digits,
 * unsigned, with its decimal point; or a Roman numeral; or #s), `outPreSpaces` digit places
 * to blank (or zero-fill) ahead of it, `sign` '+', '-' or '' (none, for Roman numerals).
 */
function numToChar(nodes: readonly NumNode[], num: NumDesc, number: string, outPreSpaces: number, sign: string): string {
  // C's string reads: the NUL past the end is '\0'.
  const at = (i: number): string => (i < number.length ? number[i]! : '\0');
  const out: string[] = [];
  if (num.zeroStart) num.zeroStart--;
  if (has(num, F_EEEE)) return number;

  let signWrote: boolean;
  if (has(num, F_PLUS) || has(num, F_MINUS)) {
    // MI / PL / SG write the sign themselves (PL alone still leaves one to the digits).
    signWrote = !(has(num, F_PLUS) && !has(num, F_MINUS));
  } else {
    if (sign !== '-' && has(num, F_FILLMODE)) num.flag &= ~F_BRACKET;
    signWrote = sign === '+' && has(num, F_FILLMODE) && !has(num, F_LSIGN);
    if (num.lsign === LSIGN_PRE && num.pre === num.preLsignNum) num.lsign = LSIGN_POST;
  }

  let numCount = num.post + num.pre - 1;
  let lastRelevant = -1; // index into number, or -1 for none
  if (has(num, F_FILLMODE) && has(num, F_DECIMAL)) {
    // get_last_relevant_decnum: the last nonzero fraction digit, or the point itself.
    const p = number.indexOf('.');
    if (p >= 0) {
      lastRelevant = p;
      for (let j = p + 1; j < number.length; j++) if (number[j] !== '0') lastRelevant = j;
      // 0s in the template keep their digits, within the digits there are.
      if (num.zeroEnd > outPreSpaces) {
        const lastZero = Math.min(number.length - 1, num.zeroEnd - outPreSpaces);
        if (lastRelevant < lastZero) lastRelevant = lastZero;
      }
    }
  }
  if (!signWrote && outPreSpaces === 0) numCount++;

  let numIn = false;
  let numCurr = 0;
  let np = 0; // number_p

  const addSign = (): void => {
    out.push(sign === '-' ? L_NEGATIVE_SIGN : L_POSITIVE_SIGN);
  };
  // IS_PREDEC_SPACE: a lone 0 before the point prints as a blank ("9.9" of 0.1 is " .1").
  const predecSpace = (): boolean => !has(num, F_ZERO) && np === 0 && at(0) === '0' && num.post !== 0;
  const lastRelevantIsPoint = (): boolean => lastRelevant >= 0 && at(lastRelevant) === '.';

  // NUM_numpart_to_char
  const numpart = (id: NumId): void => {
    if (has(num, F_ROMAN)) return;
    numIn = false;
    if (!signWrote && (numCurr >= outPreSpaces || (has(num, F_ZERO) && num.zeroStart === numCurr)) && (!predecSpace() || lastRelevantIsPoint())) {
      if (has(num, F_LSIGN)) {
        if (num.lsign === LSIGN_PRE) {
          addSign();
          signWrote = true;
        }
      } else if (has(num, F_BRACKET)) {
        out.push(sign === '+' ? ' ' : '<');
        signWrote = true;
      } else if (sign === '+') {
        if (!has(num, F_FILLMODE)) out.push(' ');
        signWrote = true;
      } else if (sign === '-') {
        out.push('-');
        signWrote = true;
      }
    }
    if (id === '9' || id === '0' || id === 'D' || id === '.') {
      if (numCurr < outPreSpaces && (num.zeroStart > numCurr || !has(num, F_ZERO))) {
        if (!has(num, F_FILLMODE)) out.push(' ');
      } else if (has(num, F_ZERO) && numCurr < outPreSpaces && num.zeroStart <= numCurr) {
        out.push('0');
        numIn = true;
      } else {
        if (at(np) === '.') {
          if (!lastRelevantIsPoint() || has(num, F_FILLMODE)) out.push(L_DECIMAL);
        } else if (lastRelevant >= 0 && np > lastRelevant && id !== '0') {
          // a trailing fraction zero under FM: nothing
        } else if (predecSpace()) {
          if (!has(num, F_FILLMODE)) out.push(' ');
          else if (lastRelevantIsPoint()) out.push('0');
        } else {
          // The digit, or the NUL past the end of a short digit string: the text ends there.
          out.push(at(np));
          numIn = true;
        }
        if (np < number.length) np++;
      }
      let end = numCount + (outPreSpaces ? 1 : 0) + (has(num, F_DECIMAL) ? 1 : 0);
      if (lastRelevant >= 0 && lastRelevant === np) end = numCurr;
      if (numCurr + 1 === end) {
        if (signWrote && has(num, F_BRACKET)) out.push(sign === '+' ? ' ' : '>');
        else if (has(num, F_LSIGN) && num.lsign === LSIGN_POST) addSign();
      }
    }
    numCurr++;
  };

  for (const n of nodes) {
    if (n.kind === 'char') {
      out.push(n.ch);
      continue;
    }
    switch (n.id) {
      case '9':
      case '0':
      case '.':
      case 'D':
        numpart(n.id);
        break;
      case ',':
        if (!numIn) {
          if (!has(num, F_FILLMODE)) out.push(' ');
        } else out.push(',');
        break;
      case 'G':
        if (!numIn) {
          if (!has(num, F_FILLMODE)) out.push(' '.repeat(L_THOUSANDS_SEP.length));
        } else out.push(L_THOUSANDS_SEP);
        break;
      case 'L':
        out.push(L_CURRENCY_SYMBOL);
        break;
      case 'RN':
      case 'rn': {
        const r = n.id === 'rn' ? number.slice(np).toLowerCase() : number.slice(np);
        out.push(has(num, F_FILLMODE) ? r : r.padStart(15));
        break;
      }
      case 'th':
      case 'TH':
        if (has(num, F_ROMAN) || at(0) === '#' || sign === '-' || has(num, F_DECIMAL)) break;
        out.push(ordinalSuffix(number, n.id === 'TH'));
        break;
      case 'MI':
        if (sign === '-') out.push('-');
        else if (!has(num, F_FILLMODE)) out.push(' ');
        break;
      case 'PL':
        if (sign === '+') out.push('+');
        else if (!has(num, F_FILLMODE)) out.push(' ');
        break;
      case 'SG':
        out.push(sign === '' ? '\0' : sign);
        break;
      default:
        break;
    }
  }
  const text = out.join('');
  const nul = text.indexOf('\0');
  return nul < 0 ? text : text.slice(0, nul);
}

/** fill_str for a value wider than the template: pre + post #s with the point at its place. */
function overflowDigits(num: NumDesc): string {
  return `${'#'.repeat(num.pre)}.${'#'.repeat(num.post)}`;
}

/** The #s EEEE prints for NaN and the infinities: ` #.###...` (sign, point, e, exponent sign and digits). */
function eeeeOverflow(num: NumDesc): string {
  const s = '#'.repeat(num.pre + num.post + 6).split('');
  s[0] = ' ';
  s[num.pre + 1] = '.';
  return s.join('');
}

/**
 * The padding and digits of an unsigned digit string `digits` (with or without its point):
 * blanks ahead when it is narrower than the template, #s when wider.
 */
function place(num: NumDesc, digits: string): { number: string; outPreSpaces: number } {
  const p = digits.indexOf('.');
  const preLen = p >= 0 ? p : digits.length;
  if (preLen < num.pre) return { number: digits, outPreSpaces: num.pre - preLen };
  if (preLen > num.pre) return { number: overflowDigits(num), outPreSpaces: 0 };
  return { number: digits, outPreSpaces: 0 };
}

/** int_to_roman: 1..3999 in Roman numerals (upper case), else 15 #s. */
function intToRoman(n: number): string {
  if (n > 3999 || n < 1) return '#'.repeat(15);
  const ones = ['', 'I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX'];
  const tens = ['', 'X', 'XX', 'XXX', 'XL', 'L', 'LX', 'LXX', 'LXXX', 'XC'];
  const hundreds = ['', 'C', 'CC', 'CCC', 'CD', 'D', 'DC', 'DCC', 'DCCC', 'CM'];
  return 'M'.repeat(Math.floor(n / 1000)) + hundreds[Math.floor(n / 100) % 10]! + tens[Math.floor(n / 10) % 10]! + ones[n % 10]!;
}

const INT32_MAX = 2147483647;

/** C's rint: to the nearest integer, a tie to even. */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The byte length of a text (VARSIZE_ANY_EXHDR). */
function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** NUM_TOCHAR_prepare's check: an empty template gives an empty text. */
function tooShortOrLong(fmt: string): boolean {
  const len = byteLength(fmt);
  return len <= 0 || len >= Math.floor((2147483647 - 4) / 8);
}

/** A description to change (the cached one stays as read). */
function descOf(fmt: string): { nodes: readonly NumNode[]; num: NumDesc } {
  const t = parseNumFormat(fmt);
  return { nodes: t.nodes, num: { ...t.desc } };
}

/** A signed decimal string split into its sign ('+' or '-') and digits. */
function splitSign(s: string): { sign: string; digits: string } {
  return s[0] === '-' ? { sign: '-', digits: s.slice(1) } : { sign: '+', digits: s };
}

/** numeric_out_sci: `d.ddde±XX` with `scale` fraction digits, the significand rounded half away from zero. */
function numericOutSci(x: Numeric, scale: number): string {
  if (x.kind === NumericKind.NaN) return 'NaN';
  if (x.kind === NumericKind.PosInf) return 'Infinity';
  if (x.kind === NumericKind.NegInf) return '-Infinity';
  const rscale = Math.max(scale, 0);
  const digits = x.u === 0n ? 0 : (x.u < 0n ? -x.u : x.u).toString().length;
  const exponent = x.u === 0n ? 0 : digits - x.scale - 1;
  const s = x.scale + exponent;
  const significand = s >= 0 ? Numeric.unchecked(x.u, s) : Numeric.unchecked(x.u * pow10(-s), 0);
  const ae = Math.abs(exponent);
  return `${numericRound(significand, rscale).toString()}e${exponent < 0 ? '-' : '+'}${ae < 10 ? '0' + ae : String(ae)}`;
}

/** An integer's unsigned digits padded with `post` fraction zeros (int4_to_char / int8_to_char). */
function intDigits(num: NumDesc, value: bigint | number): string {
  const digits = String(value < 0 ? -value : value);
  return num.post ? `${digits}.${'0'.repeat(num.post)}` : digits;
}

function bigintOutOfRange(): PgError {
  return new PgError(SQLSTATE.numeric_value_out_of_range, 'bigint out of range');
}

/**
 * to_char(int4, text) (int4_to_char). V multiplies in 32-bit arithmetic as PostgreSQL's C
 * does: 10^n past int4 saturates to 2147483647 and the product wraps around (what the
 * reference build PGlite gives; the C conversion is undefined there).
 * @throws PgError 42601 for a refused template (see {@link parseNumFormat}); 22P02 for TH of a
 *   value that has no digits.
 */
export function toCharInt4(value: number, fmt: string): string {
  if (tooShortOrLong(fmt)) return '';
  const { nodes, num } = descOf(fmt);
  if (has(num, F_ROMAN)) return numToChar(nodes, num, intToRoman(value), 0, '');
  if (has(num, F_EEEE)) {
    const s = pgPrintfFloat(value, 'e', num.post, true);
    return numToChar(nodes, num, s[0] === '+' ? ' ' + s.slice(1) : s, 0, '');
  }
  let v = value;
  if (has(num, F_MULTI)) {
    const p = 10 ** num.multi;
    v = Math.imul(value, p >= 2147483648 ? INT32_MAX : p);
    num.pre += num.multi;
  }
  return finishInt(nodes, num, v);
}

function finishInt(nodes: readonly NumNode[], num: NumDesc, v: number | bigint): string {
  const sign = v < 0 ? '-' : '+';
  const digits = intDigits(num, v);
  const { number, outPreSpaces } = place(num, digits);
  return numToChar(nodes, num, number, outPreSpaces, sign);
}

/**
 * to_char(int8, text) (int8_to_char): EEEE through numeric (no precision lost), V by int8
 * arithmetic.
 * @throws PgError 22003 `bigint out of range` when V's power of ten or the product does not
 *   fit; 42601 / 22P02 as {@link toCharInt4}.
 */
export function toCharInt8(value: bigint | number, fmt: string): string {
  if (tooShortOrLong(fmt)) return '';
  const { nodes, num } = descOf(fmt);
  const v8 = BigInt(value);
  if (has(num, F_ROMAN)) {
    const n = v8 <= 2147483647n && v8 >= -2147483648n ? Number(v8) : INT32_MAX;
    return numToChar(nodes, num, intToRoman(n), 0, '');
  }
  if (has(num, F_EEEE)) {
    const s = numericOutSci(Numeric.fromInt(v8), num.post);
    return numToChar(nodes, num, s[0] !== '-' ? ' ' + s : s, 0, '');
  }
  let v = v8;
  if (has(num, F_MULTI)) {
    // dtoi8(pow(10, multi)), then int8mul.
    const p = 10 ** num.multi;
    if (!(p < 9223372036854775808)) throw bigintOutOfRange();
    v = v8 * BigInt(p);
    if (v > 9223372036854775807n || v < -9223372036854775808n) throw bigintOutOfRange();
    num.pre += num.multi;
  }
  return finishInt(nodes, num, v);
}

/** float4_to_char / float8_to_char: `digits` FLT_DIG or DBL_DIG, `round` Math.fround or identity. */
function toCharFloat(value: number, fmt: string, digits: number, round: (x: number) => number): string {
  if (tooShortOrLong(fmt)) return '';
  const { nodes, num } = descOf(fmt);
  if (has(num, F_ROMAN)) {
    const r = rint(value);
    const n = r === r && r >= -2147483648 && r < 2147483648 ? r : INT32_MAX;
    return numToChar(nodes, num, intToRoman(n), 0, '');
  }
  if (has(num, F_EEEE)) {
    if (value !== value || value === Infinity || value === -Infinity) return numToChar(nodes, num, eeeeOverflow(num), 0, '');
    const s = pgPrintfFloat(value, 'e', num.post, true);
    return numToChar(nodes, num, s[0] === '+' ? ' ' + s.slice(1) : s, 0, '');
  }
  let val = value;
  if (has(num, F_MULTI)) {
    val = round(value * round(Number(`1e${num.multi}`)));
    num.pre += num.multi;
  }
  // At most DBL_DIG (FLT_DIG) significant digits: fewer fraction digits for a wide value.
  const preLen = pgPrintfFloat(Math.abs(val), 'f', 0).length;
  if (preLen >= digits) num.post = 0;
  else if (preLen + num.post > digits) num.post = digits - preLen;
  const { sign, digits: d } = splitSign(pgPrintfFloat(val, 'f', num.post));
  const { number, outPreSpaces } = place(num, d);
  return numToChar(nodes, num, number, outPreSpaces, sign);
}

/**
 * to_char(float4, text) (float4_to_char): the value printed with %.*f, at most FLT_DIG (6)
 * significant digits before and after the point together; NaN and the infinities print as
 * `NaN` / `Infinity` where they fit, #s where not; Roman numerals of the value rounded to even.
 * @throws PgError 42601 / 22P02 as {@link toCharInt4}.
 */
export function toCharFloat4(value: number, fmt: string): string {
  return toCharFloat(value, fmt, FLT_DIG, Math.fround);
}

/**
 * to_char(float8, text) (float8_to_char): as {@link toCharFloat4} with DBL_DIG (15) digits.
 * @throws PgError 42601 / 22P02 as {@link toCharInt4}.
 */
export function toCharFloat8(value: number, fmt: string): string {
  return toCharFloat(value, fmt, DBL_DIG, (x) => x);
}

/**
 * to_char(numeric, text) (numeric_to_char): the value rounded (half away from zero) to the
 * template's fraction digits, every digit exact; EEEE by numeric_out_sci; RN of the value
 * rounded to an integer (#s past int4).
 * @throws PgError 42601 / 22P02 as {@link toCharInt4}.
 */
export function toCharNumeric(value: Numeric, fmt: string): string {
  if (tooShortOrLong(fmt)) return '';
  const { nodes, num } = descOf(fmt);
  if (has(num, F_ROMAN)) {
    let n = INT32_MAX;
    try {
      n = Number(numericToInt(value, 'integer'));
    } catch {
      // NaN, infinity or past int4: numeric_int4_opt_error's error flag.
    }
    return numToChar(nodes, num, intToRoman(n), 0, '');
  }
  if (has(num, F_EEEE)) {
    const s = numericOutSci(value, num.post);
    if (s === 'NaN' || s === 'Infinity' || s === '-Infinity') return numToChar(nodes, num, eeeeOverflow(num), 0, '');
    return numToChar(nodes, num, s[0] !== '-' ? ' ' + s : s, 0, '');
  }
  let val = value;
  if (has(num, F_MULTI)) {
    if (val.kind === NumericKind.Finite) val = Numeric.unchecked(val.u * pow10(num.multi), val.scale);
    num.pre += num.multi;
  }
  const { sign, digits } = splitSign(numericRound(val, num.post).toString());
  const { number, outPreSpaces } = place(num, digits);
  return numToChar(nodes, num, number, outPreSpaces, sign);
}

// ---------------------------------------------------------------------------------------
// to_number: NUM_processor reading the input by the template

/** roman_to_int's numeral values (0: not a numeral). */
function romanValue(c: number): number {
  switch (c) {
    case 73: return 1; // I
    case 86: return 5; // V
    case 88: return 10; // X
    case 76: return 50; // L
    case 67: return 100; // C
    case 68: return 500; // D
    case 77: return 1000; // M
    default: return 0;
  }
}

/** IS_VALID_SUB_COMB: IV IX XL XC CD CM. */
function validSubtraction(cur: number, next: number): boolean {
  return (cur === 73 && (next === 86 || next === 88)) || (cur === 88 && (next === 76 || next === 67)) || (cur === 67 && (next === 68 || next === 77));
}

/** UTF-8 character length by its first byte (pg_utf_mblen). */
function utf8Len(b: number): number {
  if ((b & 0x80) === 0) return 1;
  if ((b & 0xe0) === 0xc0) return 2;
  if ((b & 0xf0) === 0xe0) return 3;
  if ((b & 0xf8) === 0xf0) return 4;
  return 1;
}

function isDigitByte(b: number | undefined): boolean {
  return b !== undefined && b >= 48 && b <= 57;
}

/**
 * to_number(text, text) (numeric_to_number): reads a number from `value` by the template:
 * digits for 9 / 0, the point for . / D, a sign for S, MI, PL, SG, PR's `<` or a leading
 * `-` / `+`, a Roman numeral for RN; other template characters each skip one input character,
 * L, TH and the sign patterns skip non-digit characters. The digits are read by numeric_in
 * under the typmod numeric(pre + V's digits + fraction digits read, fraction digits read);
 * with V the result is divided by 10^(V's digits), at power()'s display scale.
 * Returns null for an empty template.
 * @throws PgError 42601 for a refused template; 0A000 `"EEEE" not supported for input`;
 *   22P02 `invalid Roman numeral`, `invalid input syntax for type numeric: "<digits read>"`;
 *   22003 `numeric field overflow` when more digits were read before the point than the
 *   template has.
 */
export function toNumber(value: string, fmt: string): Numeric | null {
  const len = byteLength(fmt);
  if (len <= 0 || len >= Math.floor(2147483647 / 8)) return null;
  const { nodes, num } = descOf(fmt);
  if (num.zeroStart) num.zeroStart--;
  if (has(num, F_EEEE)) throw new PgError(SQLSTATE.feature_not_supported, '"EEEE" not supported for input');

  const inp = Buffer.from(value, 'utf8');
  const inputLen = inp.length;
  let ip = 0; // inout_p
  const number: string[] = [' ']; // number[0] is the sign
  let np = 1; // number_p
  let readPre = 0;
  let readPost = 0;
  let readDec = false;
  const overload = (): boolean => ip >= inputLen;
  const amount = (s: number): boolean => ip <= inputLen - s;
  const matches = (s: string): boolean => amount(s.length) && inp.toString('latin1', ip, ip + s.length) === s;
  const put = (c: string): void => {
    number[np++] = c;
  };

  // NUM_eat_non_data_chars: skip up to n characters that are not digits, . , + or -.
  const eatNonData = (n: number): void => {
    while (n-- > 0) {
      if (overload()) break;
      if ('0123456789.,+-'.includes(String.fromCharCode(inp[ip]!))) break;
      ip += Math.min(utf8Len(inp[ip]!), inputLen - ip);
    }
  };

  // NUM_numpart_from_char
  const numpart = (id: NumId): void => {
    let isread = false;
    if (overload()) return;
    if (inp[ip] === 32) ip++;
    if (overload()) return;
    if (number[0] === ' ' && (id === '0' || id === '9') && readPre + readPost === 0) {
      if (has(num, F_LSIGN) && num.lsign === LSIGN_PRE) {
        if (matches(L_NEGATIVE_SIGN)) {
          ip += L_NEGATIVE_SIGN.length;
          number[0] = '-';
        } else if (matches(L_POSITIVE_SIGN)) {
          ip += L_POSITIVE_SIGN.length;
          number[0] = '+';
        }
      } else if (inp[ip] === 45 /* - */ || (has(num, F_BRACKET) && inp[ip] === 60 /* < */)) {
        number[0] = '-';
        ip++;
      } else if (inp[ip] === 43 /* + */) {
        number[0] = '+';
        ip++;
      }
    }
    if (overload()) return;
    if (isDigitByte(inp[ip])) {
      if (readDec && readPost === num.post) return;
      put(String.fromCharCode(inp[ip]!));
      if (readDec) readPost++;
      else readPre++;
      isread = true;
    } else if (has(num, F_DECIMAL) && !readDec) {
      const decimal = has(num, F_LDECIMAL) ? L_DECIMAL : '.';
      if (matches(decimal)) {
        ip += decimal.length - 1;
        put('.');
        readDec = true;
        isread = true;
      }
    }
    if (overload()) return;
    // A sign behind the last digit.
    if (number[0] === ' ' && readPre + readPost > 0) {
      if (has(num, F_LSIGN) && isread && ip + 1 < inputLen && !isDigitByte(inp[ip + 1])) {
        const tmp = ip++;
        if (matches(L_NEGATIVE_SIGN)) {
          ip += L_NEGATIVE_SIGN.length - 1;
          number[0] = '-';
        } else if (matches(L_POSITIVE_SIGN)) {
          ip += L_POSITIVE_SIGN.length - 1;
          number[0] = '+';
        }
        if (number[0] === ' ') ip = tmp;
      } else if (!isread && !has(num, F_LSIGN) && (has(num, F_PLUS) || has(num, F_MINUS))) {
        if (inp[ip] === 45 || inp[ip] === 43) number[0] = String.fromCharCode(inp[ip]!);
      }
    }
  };

  // roman_to_int: a Roman numeral in standard form (1..3999) after any blanks, or -1.
  const romanToInt = (): number => {
    while (!overload() && isCSpace(String.fromCharCode(inp[ip]!))) ip++;
    const chars: number[] = [];
    const values: number[] = [];
    while (chars.length < 15 && !overload()) {
      let c = inp[ip]!;
      if (c >= 97 && c <= 122) c -= 32;
      const v = romanValue(c);
      if (v === 0) break;
      chars.push(c);
      values.push(v);
      ip++;
    }
    if (chars.length === 0) return -1;
    let result = 0;
    let repeat = 1;
    let vCount = 0;
    let lCount = 0;
    let dCount = 0;
    let subtracted = false;
    let lastSubtracted = 0;
    const n = chars.length;
    const tooMany = (v: number): boolean => (vCount > 0 && v >= 5) || (lCount > 0 && v >= 50) || (dCount > 0 && v >= 500);
    const count = (c: number): void => {
      if (c === 86) vCount++;
      else if (c === 76) lCount++;
      else if (c === 68) dCount++;
    };
    for (let i = 0; i < n; i++) {
      const cur = chars[i]!;
      const v = values[i]!;
      if (subtracted && v >= lastSubtracted) return -1;
      if (tooMany(v)) return -1;
      count(cur);
      if (i < n - 1) {
        const next = chars[i + 1]!;
        const nv = values[i + 1]!;
        if (v < nv) {
          if (!validSubtraction(cur, next)) return -1;
          if (repeat > 1) return -1;
          if (tooMany(nv)) return -1;
          count(next);
          i++;
          repeat = 1;
          subtracted = true;
          lastSubtracted = v;
          result += nv - v;
        } else {
          if (cur === next) {
            repeat++;
            if (repeat > 3) return -1;
          } else repeat = 1;
          result += v;
        }
      } else result += v;
    }
    return result;
  };

  for (const n of nodes) {
    if (overload()) break;
    if (n.kind === 'char') {
      // Each template character skips one input character, whatever it is.
      ip += Math.min(utf8Len(inp[ip]!), inputLen - ip);
      continue;
    }
    switch (n.id) {
      case '9':
      case '0':
      case '.':
      case 'D':
        numpart(n.id);
        break;
      case ',':
        if (has(num, F_FILLMODE)) continue;
        if (inp[ip] !== 44) continue;
        break;
      case 'G':
        if (has(num, F_FILLMODE)) continue;
        if (matches(L_THOUSANDS_SEP)) ip += L_THOUSANDS_SEP.length - 1;
        else continue;
        break;
      case 'L':
        eatNonData([...L_CURRENCY_SYMBOL].length);
        continue;
      case 'RN':
      case 'rn': {
        const r = romanToInt();
        if (r < 0) throw new PgError(SQLSTATE.invalid_text_representation, 'invalid Roman numeral');
        const s = String(r);
        for (const c of s) put(c);
        num.pre = s.length;
        num.post = 0;
        continue;
      }
      case 'th':
      case 'TH':
        if (has(num, F_ROMAN) || number[0] === '#' || has(num, F_DECIMAL)) continue;
        eatNonData(2);
        continue;
      case 'MI':
        if (inp[ip] === 45) number[0] = '-';
        else {
          eatNonData(1);
          continue;
        }
        break;
      case 'PL':
        if (inp[ip] === 43) number[0] = '+';
        else {
          eatNonData(1);
          continue;
        }
        break;
      case 'SG':
        if (inp[ip] === 45) number[0] = '-';
        else if (inp[ip] === 43) number[0] = '+';
        else {
          eatNonData(1);
          continue;
        }
        break;
      default:
        continue;
    }
    ip++;
  }
  // A trailing point is dropped.
  const text = (number[np - 1] === '.' ? number.slice(0, np - 1) : number.slice(0, np)).join('');
  num.post = readPost;
  const scale = num.post;
  const precision = num.pre + num.multi + scale;
  let result = parseNumeric(text, makeNumericTypmod(precision, scale));
  if (has(num, F_MULTI)) result = numericMul(result, tenToMinus(num.multi));
  return result;
}

/**
 * power(10::numeric, -n) as numeric_power computes it (power_var_int): exact, at the display
 * scale max(16 + n, 0) capped at 1000, and 0 at scale 1000 once it would underflow that.
 */
function tenToMinus(n: number): Numeric {
  if (-n + 1 < -1000) return Numeric.unchecked(0n, 1000);
  const rscale = Math.min(Math.max(16 + n, 0), 1000);
  return Numeric.unchecked(pow10(rscale - n), rscale);
}

