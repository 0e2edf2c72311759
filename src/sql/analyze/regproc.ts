/**
 * regproc and regprocedure input and output over the built-in function table (pg_procs.ts, the
 * pg_proc rows of PostgreSQL 18 + pgvector for the names vecgres implements): regprocin reads
 * a possibly qualified name and takes the one function of that name, regprocedurein a name with
 * its argument types (`sum(int4)`); regprocout prints the name (schema-qualified when it names
 * several functions), regprocedureout the name with the argument types. The search path is
 * pg_catalog then public, as in every vecgres database.
 * Sources: PostgreSQL src/backend/utils/adt/regproc.c (regprocin, regprocedurein,
 * parseNameAndArgTypes, stringToQualifiedNameList), namespace.c FuncnameGetCandidates.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import { PG_PROC_DETAILS, PG_PROC_ROWS } from './pg_procs.js';
import { PG_FUNCTION_NAMES } from './pg_function_names.js';

/** One pg_proc row. */
interface ProcRow {
  readonly oid: number;
  readonly schema: 'pg_catalog' | 'public';
  readonly name: string;
  /** proargtypes. */
  readonly args: readonly number[];
  /** regprocedureout's text. */
  readonly procedure: string;
  /** regprocout's text. */
  readonly proc: string;
}

interface ProcTable {
  readonly byOid: ReadonlyMap<number, ProcRow>;
  readonly byName: ReadonlyMap<string, readonly ProcRow[]>;
}

/** The table, parsed on first use (constant data shared by every database, not scan state). */
let table: ProcTable | null = null;

function procTable(): ProcTable {
  if (table !== null) return table;
  const byOid = new Map<number, ProcRow>();
  const byName = new Map<string, ProcRow[]>();
  const parsed: Omit<ProcRow, 'proc'>[] = [];
  for (const line of PG_PROC_ROWS.split('\n')) {
    const m = /^(\d+) ([cp]) (\S+) (\S*) (.+)$/.exec(line);
    if (m === null) continue;
    parsed.push({
      oid: Number(m[1]), schema: m[2] === 'c' ? 'pg_catalog' : 'public', name: m[3]!,
      args: m[4] === '' ? [] : m[4]!.split(',').map(Number), procedure: m[5]!,
    });
  }
  for (const r of parsed) byName.set(r.name, [...(byName.get(r.name) ?? []), r as ProcRow]);
  for (const r of parsed) {
    // regprocout: the name as regprocedureout quotes it, qualified unless it is unique.
    const quoted = /^("(?:[^"]|"")*"|[^(]*)/.exec(r.procedure)![1]!;
    const row: ProcRow = { ...r, proc: byName.get(r.name)!.length === 1 ? quoted : `${r.schema}.${quoted}` };
    byOid.set(row.oid, row);
    const list = byName.get(r.name)!;
    list[list.indexOf(r as ProcRow)] = row;
  }
  table = { byOid, byName };
  return table;
}

/**
 * The rest of a pg_proc row (pg_procs.ts PG_PROC_DETAILS): its columns from prolang to proacl
 * in pg_proc's order, then the texts of pg_get_function_result, pg_get_function_arguments and
 * pg_get_function_identity_arguments, and the function's comment.
 */
export interface ProcDetails {
  readonly columns: readonly unknown[];
  readonly result: string;
  readonly arguments: string;
  readonly identity: string;
  readonly comment: string | null;
}

/** The index of prosqlbody in {@link ProcDetails.columns} (prolang is 0). */
export const PROSQLBODY = 20;

/** One function of the table, for pg_proc's rows. */
export interface ProcEntry {
  readonly oid: number;
  readonly schema: 'pg_catalog' | 'public';
  readonly name: string;
  /** proargtypes. */
  readonly args: readonly number[];
  readonly details: ProcDetails;
}

/** The details, parsed on first use. */
let details: Map<number, ProcDetails> | null = null;

/** The details of function `oid`, or undefined for an oid the table does not hold. */
export function procDetails(oid: number): ProcDetails | undefined {
  if (details === null) {
    details = new Map();
    for (const [k, v] of Object.entries(JSON.parse(PG_PROC_DETAILS) as Record<string, unknown[]>)) {
      const n = v.length;
      details.set(Number(k), { columns: v.slice(0, n - 4), result: v[n - 4] as string, arguments: v[n - 3] as string, identity: v[n - 2] as string, comment: v[n - 1] as string | null });
    }
  }
  return details.get(oid);
}

/** Every function of the table, by oid (pgvector's with schema `public`). */
export function allProcs(): ProcEntry[] {
  return [...procTable().byOid.values()].map((r) => ({ oid: r.oid, schema: r.schema, name: r.name, args: r.args, details: procDetails(r.oid)! }));
}

/** The function with this oid, or undefined. */
export function procByOid(oid: number): ProcEntry | undefined {
  const r = procTable().byOid.get(oid);
  return r === undefined ? undefined : { oid: r.oid, schema: r.schema, name: r.name, args: r.args, details: procDetails(r.oid)! };
}

/**
 * pg_function_is_visible for a function of the table: pg_catalog's always (it is searched
 * first); pgvector's when `public` is on the search path and no pg_catalog function has the
 * same name and argument types.
 */
export function procIsVisible(p: ProcEntry, publicOnPath: boolean): boolean {
  if (p.schema === 'pg_catalog') return true;
  return publicOnPath && !(procTable().byName.get(p.name) ?? []).some((o) => o.schema === 'pg_catalog' && o.args.join(',') === p.args.join(','));
}

/** regprocout: the function's name, `-` for 0, the oid's digits for an oid vecgres does not know. */
export function regprocOut(oid: number): string {
  if (oid === 0) return '-';
  return procTable().byOid.get(oid)?.proc ?? String(oid);
}

/** regprocedureout: `name(argument types)`, `-` for 0, the digits for an unknown oid. */
export function regprocedureOut(oid: number): string {
  if (oid === 0) return '-';
  return procTable().byOid.get(oid)?.procedure ?? String(oid);
}

/** scanner_isspace. */
function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}

/**
 * stringToQualifiedNameList via SplitIdentifierString (regprocin, regclassin): `.`-separated identifiers, white space
 * around each, double quotes keep case and dots (`""` is a quote), unquoted parts folded to
 * lower case.
 * @throws PgError 42602 `invalid name syntax`.
 */
export function qualifiedNameList(s: string): string[] {
  const parts = splitIdentifierString(s, '.');
  if (parts === null) throw new PgError(SQLSTATE.invalid_name, 'invalid name syntax');
  return parts;
}

/**
 * PostgreSQL's SplitIdentifierString (utils/adt/varlena.c): identifiers separated by
 * `separator` (`.` for qualified names, `,` for search_path), white space around each, double
 * quotes keep case and separators (`""` is a quote), unquoted parts folded to lower case.
 * Null for a malformed list (an empty or unterminated part).
 */
export function splitIdentifierString(s: string, separator: '.' | ','): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && isSpace(s[i]!)) i++;
    let part = '';
    if (s[i] === '"') {
      for (i++; ; i++) {
        if (i >= s.length) return null;
        if (s[i] === '"') {
          if (s[i + 1] !== '"') break;
          i++;
        }
        part += s[i];
      }
      i++;
      if (part === '') return null;
    } else {
      const start = i;
      while (i < s.length && s[i] !== separator && !isSpace(s[i]!)) i++;
      part = s.slice(start, i).toLowerCase();
      if (part === '') return null;
    }
    out.push(part);
    while (i < s.length && isSpace(s[i]!)) i++;
    if (i >= s.length) return out;
    if (s[i] !== separator) return null;
    i++;
  }
}

/**
 * The functions a name list may mean (FuncnameGetCandidates over pg_catalog and public).
 * @throws PgError 42601 for more than three parts, 0A000 for a cross-database reference.
 */
function candidates(names: string[]): readonly ProcRow[] {
  if (names.length > 3) throw new PgError(SQLSTATE.syntax_error, `improper qualified name (too many dotted names): ${names.join('.')}`);
  if (names.length === 3 && names[0] !== 'postgres') {
    throw new PgError(SQLSTATE.feature_not_supported, `cross-database references are not implemented: ${names.join('.')}`);
  }
  const name = names[names.length - 1]!;
  const schema = names.length > 1 ? names[names.length - 2]! : null;
  const rows = procTable().byName.get(name);
  if (rows === undefined) {
    // A function PostgreSQL has that vecgres does not implement: say so rather than claim it
    // does not exist.
    if (PG_FUNCTION_NAMES.has(name) && (schema === null || schema === 'pg_catalog')) {
      throw new PgError(SQLSTATE.feature_not_supported, `function ${name} is not supported`);
    }
    return [];
  }
  return schema === null ? rows : rows.filter((r) => r.schema === schema);
}

/**
 * regprocin: `-` is 0 and digits the oid itself (as oidin reads them); else the one function
 * of a possibly qualified name. `strict` false gives null where regprocin fails for a missing
 * or ambiguous name (to_regproc).
 * @throws PgError 42883 `function "x" does not exist`, 42725 `more than one function named
 *   "x"`, 42602 `invalid name syntax`; 0A000 for a function vecgres does not implement.
 */
export function regprocIn(text: string, parseOid: (t: string) => number, strict: boolean): number | null {
  const t = text.trim();
  if (t === '-') return 0;
  if (/^[0-9]+$/.test(t)) return parseOid(text);
  const found = candidates(qualifiedNameList(text));
  if (found.length === 1) return found[0]!.oid;
  if (!strict) return null;
  if (found.length === 0) throw new PgError(SQLSTATE.undefined_function, `function "${text}" does not exist`);
  throw new PgError(SQLSTATE.ambiguous_function, `more than one function named "${text}"`);
}

/**
 * regprocedurein: `-` is 0 and digits the oid; else `name(type, ...)` (parseNameAndArgTypes),
 * each type read by `typeOid` (regtypein), matched exactly against the functions of that name.
 * `strict` false gives null for a missing function (to_regprocedure).
 * @throws PgError 22P02 `expected a left parenthesis` / `expected a right parenthesis` /
 *   `expected a type name` / `improper type name`, 42883 `function "x" does not exist`, and
 *   the type input's errors (42704).
 */
export function regprocedureIn(text: string, parseOid: (t: string) => number, typeOid: (name: string) => number, strict: boolean): number | null {
  const t = text.trim();
  if (t === '-') return 0;
  if (/^[0-9]+$/.test(t)) return parseOid(text);
  const syntax = (m: string) => new PgError(SQLSTATE.invalid_text_representation, m);
  let inQuote = false;
  let open = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') inQuote = !inQuote;
    else if (text[i] === '(' && !inQuote) {
      open = i;
      break;
    }
  }
  if (open < 0) throw syntax('expected a left parenthesis');
  const names = qualifiedNameList(text.slice(0, open));
  let close = text.length - 1;
  while (close > open && isSpace(text[close]!)) close--;
  if (close <= open || text[close] !== ')') throw syntax('expected a right parenthesis');
  const inner = text.slice(open + 1, close);
  const args: number[] = [];
  let p = 0;
  let hadComma = false;
  for (;;) {
    while (p < inner.length && isSpace(inner[p]!)) p++;
    if (p >= inner.length) {
      if (hadComma) throw syntax('expected a type name');
      break;
    }
    const start = p;
    let q = false;
    let depth = 0;
    for (; p < inner.length; p++) {
      const c = inner[p]!;
      if (c === '"') q = !q;
      else if (c === ',' && !q && depth === 0) break;
      else if (!q && (c === '(' || c === '[')) depth++;
      else if (!q && (c === ')' || c === ']')) depth--;
    }
    if (q || depth !== 0) throw syntax('improper type name');
    const typeName = inner.slice(start, p).trimEnd();
    hadComma = p < inner.length;
    if (hadComma) p++;
    args.push(typeOid(typeName));
  }
  const found = candidates(names).find((r) => r.args.length === args.length && r.args.every((a, i) => a === args[i]));
  if (found !== undefined) return found.oid;
  if (!strict) return null;
  throw new PgError(SQLSTATE.undefined_function, `function "${text}" does not exist`);
}
