/**
 * Sequences as PostgreSQL keeps them (commands/sequence.c): a definition (pg_sequence: type,
 * start, increment, bounds, cache, cycle) and a state (the sequence relation's one row:
 * last_value, log_cnt, is_called). Values are bigints throughout (a bigint sequence reaches
 * 2^63 - 1); the SQL layer turns them into int8 values.
 *
 * Durability follows PostgreSQL's trick: nextval logs a value {@link SEQ_LOG_VALS} steps
 * ahead and hands out the next 32 values without logging, so after a crash the sequence
 * resumes past every value it may have handed out (committed or not), never repeating one.
 */
import { PgError } from '../common/errors.js';
import type { CodecValue } from './codec.js';

/** Values nextval logs ahead of the one it returns (PostgreSQL's SEQ_LOG_VALS). */
export const SEQ_LOG_VALS = 32;

/** A sequence's data type (pg_sequence.seqtypid). */
export type SequenceType = 'int2' | 'int4' | 'int8';

/** The range of each sequence type. */
export const SEQUENCE_TYPE_RANGE: Record<SequenceType, readonly [bigint, bigint]> = {
  int2: [-32768n, 32767n],
  int4: [-2147483648n, 2147483647n],
  int8: [-9223372036854775808n, 9223372036854775807n],
};

/** The SQL name PostgreSQL's messages give each sequence type (format_type_be). */
export const SEQUENCE_TYPE_NAME: Record<SequenceType, string> = { int2: 'smallint', int4: 'integer', int8: 'bigint' };

/** pg_sequence's row: what CREATE / ALTER SEQUENCE set. */
export interface SequenceDef {
  name: string;
  type: SequenceType;
  start: bigint;
  increment: bigint;
  min: bigint;
  max: bigint;
  cache: bigint;
  cycle: boolean;
  /** OWNED BY table.column (dropped with the table), or null. */
  ownedBy: { table: string; column: string } | null;
}

/** The sequence relation's row (what `SELECT * FROM seq` shows), plus the checkpoint flag. */
export interface SequenceState {
  last: bigint;
  /** log_cnt: values nextval may still hand out before it logs again. */
  logCnt: number;
  called: boolean;
  /**
   * A checkpoint happened since nextval last logged: the next nextval logs again (PostgreSQL
   * compares the page LSN with the redo pointer), so replay from that checkpoint cannot bring
   * back a value handed out after it.
   */
  needsLog: boolean;
}

/** A sequence: its definition and state. */
export interface Sequence {
  def: SequenceDef;
  state: SequenceState;
}

/** The state of a new sequence (or one just restarted at `start`): nothing handed out yet. */
export function freshState(start: bigint): SequenceState {
  return { last: start, logCnt: 0, called: false, needsLog: false };
}

/** The definition of a serial or identity column's sequence (all defaults, type of the column). */
export function defaultSequenceDef(name: string, type: SequenceType, ownedBy: SequenceDef['ownedBy']): SequenceDef {
  const [, max] = SEQUENCE_TYPE_RANGE[type];
  return { name, type, start: 1n, increment: 1n, min: 1n, max, cache: 1n, cycle: false, ownedBy };
}

/**
 * One nextval (nextval_internal): the value handed out, the new state, and the state to log
 * first (null when the 32 logged-ahead values are not used up yet). The log record says where
 * the sequence stands after a crash: `last` = the furthest value fetched ahead, is_called.
 * @throws PgError 2200H when the bound is reached without CYCLE.
 */
export function nextvalStep(seq: Sequence): { value: bigint; state: SequenceState; logLast: bigint | null } {
  const { def, state } = seq;
  const { increment: incby, min: minv, max: maxv, cycle } = def;
  // CACHE is kept and shown but values are fetched one at a time: PostgreSQL's per-session
  // cache of preallocated values only changes which session gets which value.
  const cache = 1;
  let next = state.last;
  let result = next;
  let last = next;
  let rescnt = 0;
  let fetch = cache;
  let log = state.logCnt;
  if (!state.called) {
    rescnt++; // the start value is handed out first
    fetch--;
  }
  let logit = false;
  if (log < fetch || !state.called || state.needsLog) {
    fetch = log = fetch + SEQ_LOG_VALS;
    logit = true;
  }
  while (fetch > 0) {
    if (incby > 0n) {
      if (next + incby > maxv) {
        if (rescnt > 0) break;
        if (!cycle) throw new PgError('2200H', `nextval: reached maximum value of sequence "${def.name}" (${maxv})`);
        next = minv;
      } else next += incby;
    } else if (next + incby < minv) {
      if (rescnt > 0) break;
      if (!cycle) throw new PgError('2200H', `nextval: reached minimum value of sequence "${def.name}" (${minv})`);
      next = maxv;
    } else next += incby;
    fetch--;
    if (rescnt < cache) {
      log--;
      rescnt++;
      last = next;
      if (rescnt === 1) result = next;
    }
  }
  log -= fetch;
  return { value: result, state: { last, logCnt: log, called: true, needsLog: false }, logLast: logit ? next : null };
}

/**
 * setval's checks (do_setval).
 * @throws PgError 22003 when `value` is outside the sequence's bounds.
 */
export function checkSetval(def: SequenceDef, value: bigint): void {
  if (value < def.min || value > def.max) {
    throw new PgError('22003', `setval: value ${value} is out of bounds for sequence "${def.name}" (${def.min}..${def.max})`);
  }
}

/** A sequence as a codec value (checkpoint metadata, DDL log records); bigints stay bigints. */
export function sequenceToValue(def: SequenceDef, state: { last: bigint; called: boolean }): CodecValue {
  return {
    name: def.name, type: def.type, start: def.start, increment: def.increment, min: def.min, max: def.max,
    cache: def.cache, cycle: def.cycle, ownedTable: def.ownedBy?.table ?? null, ownedColumn: def.ownedBy?.column ?? null,
    last: state.last, called: state.called,
  };
}

/**
 * Reads {@link sequenceToValue}'s form.
 * @throws PgError XX001 when it is not one.
 */
export function sequenceFromValue(v: CodecValue): { def: SequenceDef; last: bigint; called: boolean } {
  const o = v as Record<string, CodecValue>;
  const big = (k: string): bigint => {
    const x = o[k];
    if (typeof x === 'bigint') return x;
    if (typeof x === 'number' && Number.isInteger(x)) return BigInt(x);
    throw new PgError('XX001', `invalid sequence definition (${k})`);
  };
  if (o === null || typeof o !== 'object' || typeof o['name'] !== 'string' || !(o['type'] === 'int2' || o['type'] === 'int4' || o['type'] === 'int8')) {
    throw new PgError('XX001', 'invalid sequence definition');
  }
  const ownedTable = o['ownedTable'];
  const ownedColumn = o['ownedColumn'];
  return {
    def: {
      name: o['name'], type: o['type'], start: big('start'), increment: big('increment'), min: big('min'), max: big('max'), cache: big('cache'),
      cycle: o['cycle'] === true,
      ownedBy: typeof ownedTable === 'string' && typeof ownedColumn === 'string' ? { table: ownedTable, column: ownedColumn } : null,
    },
    last: big('last'),
    called: o['called'] === true,
  };
}
