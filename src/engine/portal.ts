/**
 * Prepared statements and portals: the extended-query half of the narrow waist (PostgreSQL's
 * exec_parse_message / exec_bind_message / exec_execute_message, PGlite's execProtocol). The
 * wire server calls these for Parse / Bind / Execute; the embedded API calls them for a query
 * with parameters. Both reach the engine through {@link Database.prepare},
 * {@link bindPortal} and {@link Database.executePortal}.
 *
 *   const stmt = db.prepare('SELECT id FROM items WHERE id > $1', [], session);
 *   stmt.paramTypes  // ['int8'], stmt.fields: [{ name: 'id', dataTypeID: 20, ... }]
 *   const portal = bindPortal(stmt, decodeParams(stmt, wireValues, formats));
 *   db.executePortal(portal, 100, session)  // { rows (<= 100), suspended, tag: 'SELECT 100' }
 */
import { UTC_ZONE } from '../types/timezone.js';
import { PgError, SQLSTATE, pgErr } from '../common/errors.js';
import { parseSql, type RawStatement } from '../sql/parser/parse.js';
import type { SqlEnv } from '../sql/env.js';
import { TYPE_OID, valueToText, type SqlType, typeOid } from '../sql/analyze/types.js';
import type { Value } from '../storage/table.js';
import { describeStatement, type PreparedCache, type ResultField, type StatementResult } from '../sql/exec/statement.js';
import { typeIoByOid, typeIoByName } from '../types/type_io.js';
import { hasEnumElements } from '../types/enum_value.js';
import { PgArray } from '../types/pgarray.js';
import { formatArray } from '../sql/analyze/arrays.js';
import { wallClockUs } from '../types/datetime_funcs.js';
import type { PreparedStatement } from '../sql/exec/prepared.js';

export type { PreparedStatement } from '../sql/exec/prepared.js';

/** A bound statement (PostgreSQL's portal): parameter values, and the result once it ran. */
export interface Portal {
  readonly statement: PreparedStatement;
  /** Parameter values: text (converted by the statement's types at execution) or decoded values. */
  readonly params: readonly unknown[];
  /** Per result column: 0 text, 1 binary (the server's business; the engine only keeps them). */
  readonly resultFormats: readonly number[];
  /** The statement's result once executed; its rows are handed out in batches. */
  result: StatementResult | null;
  /** Rows handed out so far. */
  sent: number;
}

/** One Execute's worth of a portal. */
export interface PortalBatch {
  /** The rows of this batch (at most the row limit). */
  rows: Value[][];
  /** Result columns (empty for a statement without rows). */
  fields: readonly ResultField[];
  /** True when rows remain (PortalSuspended); false when the statement is complete. */
  suspended: boolean;
  /** The command tag as CommandComplete carries it (`SELECT 3`, `INSERT 0 1`), '' for an empty query. */
  tag: string;
  /** NOTICEs and WARNINGs the statement raised (on the batch that ran it). */
  notices: PgError[];
}

/**
 * Parses `sql` (one statement at most) and describes it; see {@link Database.prepare}.
 * A statement whose parameter types the client declared gets its own analysis-cache key,
 * since parse trees are shared by SQL text and another Parse may declare other types.
 */
export function prepareStatement(env: SqlEnv, sql: string, paramOids: ArrayLike<number>, cache: PreparedCache): PreparedStatement {
  const stmts = parseScript(sql);
  if (stmts.length > 1) throw new PgError(SQLSTATE.syntax_error, 'cannot insert multiple commands into a prepared statement');
  const declared: SqlType[] = [];
  for (let i = 0; i < paramOids.length; i++) declared.push(typeOfOid(paramOids[i]!));
  // Parse's statement start: when pg_prepared_statements says it was prepared.
  const made = { sql, fromSql: false, prepareTimeUs: wallClockUs(env.clock), plans: { generic: 0, custom: 0 } };
  if (stmts.length === 0) return { ...made, raw: null, paramTypes: declared, paramOids: Array.from(paramOids), fields: null };
  let raw = stmts[0]!;
  if (declared.some((t) => t !== 'unknown')) raw = { stmt: { [raw.tag]: raw.stmt[raw.tag] }, tag: raw.tag };
  const d = describeStatement(env, raw, declared, cache);
  const paramOidsOut = d.paramTypes.map((t) => oidOfType(t));
  return { ...made, raw, paramTypes: d.paramTypes, paramOids: paramOidsOut, fields: d.fields };
}

/**
 * The statements of `sql`; none for a string of only white space (PostgreSQL answers it with
 * EmptyQueryResponse, where the parser library refuses an empty string).
 */
export function parseScript(sql: string): RawStatement[] {
  return /^\s*$/.test(sql) ? [] : parseSql(sql);
}

/** The analyzer's types by OID (its TYPE_OID table, the OIDs RowDescription reports). */
const TYPE_BY_OID: ReadonlyMap<number, SqlType> = new Map(
  (Object.entries(TYPE_OID) as [SqlType, number][]).filter(([t]) => t !== 'unknown').map(([t, oid]) => [oid, t]),
);

/** 0 (unspecified) and 705 (unknown) leave a parameter to inference. */
function typeOfOid(oid: number): SqlType {
  if (oid === 0 || oid === 705) return 'unknown';
  const t = TYPE_BY_OID.get(oid);
  if (t === undefined) throw pgErr.featureNotSupported(`parameter type with OID ${oid}`);
  return t;
}

function oidOfType(t: SqlType): number {
  return t === 'unknown' ? 705 : typeOid(t);
}

/**
 * Converts a Bind message's parameter values for `stmt`: text-format values to strings (the
 * statement's types convert them at execution, as the types' input functions), binary ones
 * through the type registry's receive function of the parameter's type.
 * @param formats Bind's format codes (zero codes: all text; one: for all; else one each).
 * @throws PgError 08P01 when the count differs from the statement's parameters; 22021 for
 *   text that is not UTF-8; 22P03 `incorrect binary data format in bind parameter n`; 0A000
 *   for a binary parameter of a type without a receive function; the receive function's errors.
 */
export function decodeParams(stmt: PreparedStatement, name: string, values: readonly (Uint8Array | null)[], formats: ArrayLike<number>): unknown[] {
  const types = stmt.paramTypes;
  if (values.length !== types.length) {
    throw new PgError(
      SQLSTATE.protocol_violation,
      `bind message supplies ${values.length} parameters, but prepared statement "${name}" requires ${types.length}`,
    );
  }
  const out: unknown[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === null) {
      out[i] = null;
      continue;
    }
    const format = formats.length === 0 ? 0 : formats.length === 1 ? formats[0]! : formats[i]!;
    if (format === 0) {
      out[i] = decodeText(v);
      continue;
    }
    if (format !== 1) throw new PgError(SQLSTATE.protocol_violation, `unsupported format code: ${format}`);
    // An enum type's parameter arrives as its label (enum_recv), read by enum_in at execution.
    const io = typeIoByOid(stmt.paramOids[i]!) ?? (hasEnumElements(types[i]!) ? typeIoByName(types[i]!) : undefined);
    if (io === undefined) throw pgErr.featureNotSupported(`binary format for parameter $${i + 1} of type ${types[i]}`);
    try {
      out[i] = io.recv(v, -1);
      // An array of an enum type arrives as its labels: handed on as the array's text, read by
      // array_in over enum_in at execution.
      if (out[i] instanceof PgArray && hasEnumElements(io.name)) out[i] = formatArray(out[i] as PgArray, (x) => x as string);
      // A date, time, timetz or timestamp arrives as days / microseconds; a JS number parameter means epoch
      // milliseconds (PGlite's Date serializer), so hand these on as their exact text.
      if (io.name === 'date' || io.name === 'time' || io.name === 'timetz' || io.name === 'timestamp' || io.name === 'timestamptz') out[i] = valueToText(out[i] as Value, io.name, UTC_ZONE);
    } catch (e) {
      if (e instanceof PgError && e.code === SQLSTATE.invalid_binary_representation && e.message === 'incorrect binary data format') {
        throw new PgError(SQLSTATE.invalid_binary_representation, `incorrect binary data format in bind parameter ${i + 1}`);
      }
      throw e;
    }
  }
  return out;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function decodeText(b: Uint8Array): string {
  let s: string;
  try {
    s = utf8Strict.decode(b);
  } catch {
    throw new PgError(SQLSTATE.character_not_in_repertoire, 'invalid byte sequence for encoding "UTF8"');
  }
  rejectNul(s);
  return s;
}

/**
 * PostgreSQL verifies a parameter's text in the client encoding, where a NUL byte is invalid
 * (pg_verify_mbstr): 22021. Without this a stored string could hold a NUL that PostgreSQL can
 * neither store nor load from a dump.
 */
function rejectNul(v: unknown): void {
  if (typeof v === 'string') {
    if (v.includes('\0')) throw new PgError(SQLSTATE.character_not_in_repertoire, 'invalid byte sequence for encoding "UTF8": 0x00');
  } else if (Array.isArray(v)) {
    // Only strings and nested arrays can hold a NUL: a 1,536-d number[] costs a typeof each.
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x === 'string' || Array.isArray(x)) rejectNul(x);
    }
  }
}

/**
 * A portal over `stmt` with these parameter values (JS values or text) and result formats.
 * @throws PgError 22021 for a text parameter (or array element) with a NUL character.
 */
export function bindPortal(stmt: PreparedStatement, params: readonly unknown[], resultFormats: readonly number[] = []): Portal {
  for (const p of params) rejectNul(p);
  return { statement: stmt, params, resultFormats, result: null, sent: 0 };
}

/** The next at most `maxRows` rows of an executed portal (all when `maxRows` <= 0). */
export function nextBatch(portal: Portal, maxRows: number): PortalBatch {
  const r = portal.result;
  if (r === null) return { rows: [], fields: [], suspended: false, tag: '', notices: [] };
  const notices = portal.sent === 0 ? r.notices : [];
  const left = r.rows.length - portal.sent;
  const n = maxRows > 0 && maxRows < left ? maxRows : left;
  const rows = portal.sent === 0 && n === r.rows.length ? r.rows : r.rows.slice(portal.sent, portal.sent + n);
  portal.sent += n;
  const suspended = portal.sent < r.rows.length;
  return { rows, fields: r.fields, suspended, tag: suspended ? '' : commandTag(r, n), notices };
}

/**
 * PostgreSQL's command tag for a statement's result: `SELECT n` (n the rows of the last
 * batch, as PortalRun reports), `INSERT 0 n`, `UPDATE n`, `DELETE n`, `COPY n`,
 * `FETCH n` and `MOVE n` (the rows moved over), else the command.
 */
export function commandTag(r: StatementResult, rows: number): string {
  switch (r.command) {
    case 'SELECT':
      return `SELECT ${rows}`;
    case 'INSERT':
      return `INSERT 0 ${r.affectedRows}`;
    case 'UPDATE':
    case 'DELETE':
    case 'COPY':
      return `${r.command} ${r.affectedRows}`;
    case 'FETCH':
    case 'MOVE':
      return `${r.command} ${r.moved ?? 0}`;
    default:
      return r.command;
  }
}
