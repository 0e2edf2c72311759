/**
 * Evaluates a scan's qual over a whole table into a {@link RowBitmap}: the allow list a
 * filtered vector search hands to the index (access/am.ts RowFilter) or walks exactly.
 *
 * Fast paths read the table's scalar column arrays directly instead of fetching and
 * evaluating row by row: `col <op> v` and `v <op> col` with v a constant, a parameter or an
 * outer value (evaluated once), `col IN (v, ...)`, and AND / OR of those (AND with other
 * conjuncts evaluates them only on the rows the fast ones kept). Anything else (NOT, whose
 * NULL semantics a set of true rows cannot express, functions of the column, sublinks) is
 * evaluated per visible row with the executor's own evaluator. Every fast path calls the
 * operator's own function, or a plain `===` / `<` where that is the function (integers,
 * booleans, text equality), so the rows are exactly those the qual is true for.
 */
import type { Table, Value } from '../../storage/table.js';
import type { Expr } from '../analyze/expr.js';
import { evalExpr, passes, type EvalCtx } from './eval.js';
import { fetchRow } from './nodes/seq_scan.js';
import { slotsRead } from './executor.js';
import { RowBitmap } from './row_bitmap.js';

/** What {@link buildQualBitmap} returns. */
export interface QualBitmap {
  bitmap: RowBitmap;
  /** Rows set (visible and passing). */
  rows: number;
  /** True when no per-row evaluation was needed. */
  fast: boolean;
}

type Leaf = (n: number) => Uint32Array;

/** A value computed once per scan: a constant, a parameter, an outer value, or a cast of one. */
function isRowFree(e: Expr): boolean {
  switch (e.k) {
    case 'const':
    case 'param':
    case 'execParam':
      return true;
    case 'cast':
      return isRowFree(e.arg);
    default:
      return false;
  }
}

const RAW_TYPES = new Set(['int2', 'int4', 'bool']);

/**
 * The rows of `table` visible to `xid` for which `qual` (bound to the tuple layout `cols`:
 * slot i is table column cols[i]) is true.
 * @throws whatever evaluating the qual throws (PgError), after freeing the bitmap.
 */
export function buildQualBitmap(table: Table, qual: Expr, cols: readonly number[], ctx: EvalCtx, xid: number): QualBitmap {
  const n = table.slots;
  const bitmap = new RowBitmap(n);
  try {
    const words = bitmap.words;
    const compiled = compile(table, qual, cols, ctx);
    let fast = true;
    if (compiled.leaf !== null) {
      bitmap.load(compiled.leaf(words));
      bitmap.restrictToVisible(table, xid);
      if (compiled.rest.length > 0) {
        fast = false;
        const rest: Expr = compiled.rest.length === 1 ? compiled.rest[0]! : { k: 'and', type: 'bool', args: compiled.rest };
        keepPassing(bitmap, table, rest, cols, ctx);
      }
    } else {
      fast = false;
      const live = new Uint32Array(words);
      live.set(table.liveBitmap().subarray(0, words));
      bitmap.load(live);
      bitmap.restrictToVisible(table, xid);
      keepPassing(bitmap, table, qual, cols, ctx);
    }
    return { bitmap, rows: bitmap.count(), fast };
  } catch (e) {
    bitmap.free();
    throw e;
  }
}

/**
 * Clears the bits of the rows of `bitmap` for which `qual` (bound to the tuple layout `cols`)
 * is not true: the per-row part of a filter, evaluated only on the rows a faster part (column
 * arrays, a B-tree bitmap) kept. Bits are cleared after the walk, so `forEach` sees a stable set.
 * @throws whatever evaluating the qual throws (PgError).
 */
export function keepPassing(bitmap: RowBitmap, table: Table, qual: Expr, cols: readonly number[], ctx: EvalCtx): void {
  const row: Value[] = new Array(cols.length);
  const drop: number[] = [];
  // Only the columns the qual reads: the tuple also holds the vector the search orders by,
  // which a jsonb or text filter would otherwise copy out of storage for every row.
  const read = slotsRead([qual]);
  const fetchCols = read === null ? null : read.map((i) => cols[i]!);
  bitmap.forEach((r) => {
    if (fetchCols === null) fetchRow(table, cols, r, row);
    else for (let j = 0; j < fetchCols.length; j++) row[read![j]!] = fetchCols[j]! < 0 ? r : table.get(fetchCols[j]!, r);
    if (!passes(qual, row, ctx)) drop.push(r);
  });
  const v = bitmap.view();
  for (const r of drop) v[r >>> 5] = v[r >>> 5]! & ~(1 << (r & 31));
}

/** The fast part of a qual (null when none) and the conjuncts left for per-row evaluation. */
function compile(table: Table, qual: Expr, cols: readonly number[], ctx: EvalCtx): { leaf: Leaf | null; rest: Expr[] } {
  const conj = qual.k === 'and' ? qual.args : [qual];
  const leaves: Leaf[] = [];
  const rest: Expr[] = [];
  for (const c of conj) {
    const l = leafOf(table, c, cols, ctx);
    if (l !== null) leaves.push(l);
    else rest.push(c);
  }
  if (leaves.length === 0) return { leaf: null, rest };
  return {
    leaf: (n) => {
      const out = leaves[0]!(n);
      for (let i = 1; i < leaves.length; i++) {
        const b = leaves[i]!(n);
        for (let w = 0; w < n; w++) out[w] = out[w]! & b[w]!;
      }
      return out;
    },
    rest,
  };
}

function leafOf(table: Table, e: Expr, cols: readonly number[], ctx: EvalCtx): Leaf | null {
  if (e.k === 'and' || e.k === 'or') {
    const parts = e.args.map((x) => leafOf(table, x, cols, ctx));
    if (parts.some((p) => p === null)) return null;
    const and = e.k === 'and';
    return (n) => {
      const out = parts[0]!(n);
      for (let i = 1; i < parts.length; i++) {
        const b = parts[i]!(n);
        if (and) for (let w = 0; w < n; w++) out[w] = out[w]! & b[w]!;
        else for (let w = 0; w < n; w++) out[w] = out[w]! | b[w]!;
      }
      return out;
    };
  }
  const column = (x: Expr): readonly Value[] | null => {
    if (x.k !== 'slot') return null;
    const col = cols[x.idx];
    if (col === undefined || col < 0) return null;
    return table.scalarColumn(col);
  };
  if (e.k === 'op2') {
    let vals = column(e.l);
    let other = e.r;
    let colLeft = true;
    if (vals === null) {
      vals = column(e.r);
      other = e.l;
      colLeft = false;
    }
    if (vals === null || !isRowFree(other)) return null;
    const values = vals;
    const fn = e.fn;
    const op = e.op;
    const slotType = (colLeft ? e.l : e.r).type;
    const rawOk = other.type === slotType && (RAW_TYPES.has(slotType) || ((slotType === 'text' || slotType === 'varchar') && (op === '=' || op === '<>')));
    return (n) => {
      const out = new Uint32Array(n);
      const c = evalExpr(other, null, ctx);
      if (c === null) return out;
      const rows = Math.min(values.length, n * 32);
      if (rawOk && (typeof c === 'number' || typeof c === 'string' || typeof c === 'boolean')) {
        const test = rawTest(op, colLeft);
        if (test !== null) {
          for (let r = 0; r < rows; r++) {
            const v = values[r];
            if (v !== null && v !== undefined && test(v as number, c as number)) out[r >>> 5] = out[r >>> 5]! | (1 << (r & 31));
          }
          return out;
        }
      }
      for (let r = 0; r < rows; r++) {
        const v = values[r];
        if (v === null || v === undefined) continue;
        if ((colLeft ? fn(v, c, ctx.zone) : fn(c, v, ctx.zone)) === true) out[r >>> 5] = out[r >>> 5]! | (1 << (r & 31));
      }
      return out;
    };
  }
  if (e.k === 'in' && !e.negate) {
    const values = column(e.arg);
    if (values === null || !e.list.every(isRowFree)) return null;
    const eq = e.eq;
    const list = e.list;
    const raw = list.every((x) => x.type === e.arg.type) && (RAW_TYPES.has(e.arg.type) || e.arg.type === 'text' || e.arg.type === 'varchar');
    return (n) => {
      const out = new Uint32Array(n);
      const items = list.map((x) => evalExpr(x, null, ctx)).filter((x) => x !== null);
      const rows = Math.min(values.length, n * 32);
      if (raw && items.every((x) => typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean')) {
        const set = new Set<Value>(items);
        for (let r = 0; r < rows; r++) {
          const v = values[r];
          if (v !== null && v !== undefined && set.has(v)) out[r >>> 5] = out[r >>> 5]! | (1 << (r & 31));
        }
        return out;
      }
      for (let r = 0; r < rows; r++) {
        const v = values[r];
        if (v === null || v === undefined) continue;
        for (const x of items) {
          if (eq(v, x, ctx.zone) === true) {
            out[r >>> 5] = out[r >>> 5]! | (1 << (r & 31));
            break;
          }
        }
      }
      return out;
    };
  }
  return null;
}

/** `col <op> c` (or `c <op> col`) as a plain comparison, for integer, boolean and text values. */
function rawTest(op: string, colLeft: boolean): ((v: number, c: number) => boolean) | null {
  switch (op) {
    case '=':
      return (v, c) => v === c;
    case '<>':
      return (v, c) => v !== c;
    case '<':
      return colLeft ? (v, c) => v < c : (v, c) => c < v;
    case '<=':
      return colLeft ? (v, c) => v <= c : (v, c) => c <= v;
    case '>':
      return colLeft ? (v, c) => v > c : (v, c) => c > v;
    case '>=':
      return colLeft ? (v, c) => v >= c : (v, c) => c >= v;
    default:
      return null;
  }
}
