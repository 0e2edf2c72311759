/**
 * FunctionScan (PostgreSQL's nodeFunctionscan.c) for `unnest(array)`,
 * `generate_series(start, stop [, step])`, the json set-returning functions
 * (types/json_srf.ts, one or two columns) and the text ones (regexp_matches, ...,
 * analyze/builtin_functions.ts TEXT_SRFS) in FROM: the arguments are evaluated per (re)scan
 * (a LATERAL call sees the current outer row through executor parameters); a series is
 * produced one value at a time without materializing it, a json function's rows all at once
 * (PostgreSQL materializes them in a tuplestore too).
 */
import { own } from '../../../common/own.js';
import { PgError, SQLSTATE } from '../../../common/errors.js';
import type { Value } from '../../../storage/table.js';
import type { PgArray } from '../../../types/pgarray.js';
import type { PlanNode } from '../../plan/plan.js';
import { evalExpr } from '../eval.js';
import { PlanState, type EState } from '../executor.js';
import { JSON_SRFS } from '../../../types/json_srf.js';
import { TEXT_SRFS } from '../../analyze/builtin_functions.js';

type FunctionPlan = Extract<PlanNode, { node: 'FunctionScan' }>;

export class FunctionScanState extends PlanState {
  private started_ = false;
  private elems: readonly Value[] = [];
  private i = 0;
  /** generate_series: next value, stop, step (bigint for int8 series). */
  private cur: number | bigint = 0;
  private stop: number | bigint = 0;
  private step: number | bigint = 1;
  private series = false;
  private empty = false;
  /** WITH ORDINALITY: rows produced so far by unnest / generate_series. */
  private ord = 0;
  /** A json function's rows (null for unnest and generate_series). */
  private rows: Value[][] | null = null;

  constructor(readonly p: FunctionPlan, es: EState) {
    super(p, es);
  }

  private start(): void {
    this.started_ = true;
    this.ord = 0;
    const args = this.p.args.map((a) => evalExpr(a, null, this.es));
    const srf = own(JSON_SRFS, this.p.fname);
    if (srf !== undefined) {
      // Strict: a NULL argument yields no rows.
      this.rows = args[0] === null ? [] : (srf.rows(args[0] as string) as Value[][]);
      this.i = 0;
      return;
    }
    if (this.p.fname === 'unnest' && args.length > 1) {
      // unnest(a, b, ...): the arrays side by side, the shorter ones padded with NULLs (a NULL
      // array reads as an empty one), as ROWS FROM runs one unnest per array.
      const arrs = args.map((a) => (a === null ? [] : ((a as PgArray).elems as readonly Value[])));
      const n = Math.max(...arrs.map((a) => a.length));
      const rows: Value[][] = new Array(n);
      for (let i = 0; i < n; i++) rows[i] = arrs.map((a) => (i < a.length ? (a[i] ?? null) : null));
      this.rows = rows;
      this.i = 0;
      return;
    }
    if (this.p.fname === 'unnest' || TEXT_SRFS.has(this.p.fname)) {
      // A text set-returning function's argument is the call computing its rows as an array.
      const a = args[0] as PgArray | null;
      this.elems = a === null ? [] : (a.elems as readonly Value[]);
      this.i = 0;
      return;
    }
    this.series = true;
    if (args.some((v) => v === null)) {
      this.empty = true;
      return;
    }
    const big = args.some((v) => typeof v === 'bigint');
    const conv = (v: Value): number | bigint => (big ? BigInt(v as number | bigint) : (v as number));
    this.cur = conv(args[0]!);
    this.stop = conv(args[1]!);
    this.step = args.length > 2 ? conv(args[2]!) : big ? 1n : 1;
    if (this.step === 0 || this.step === 0n) throw new PgError(SQLSTATE.invalid_parameter_value, 'step size cannot equal zero');
    this.empty = false;
  }

  private produce(): Value | undefined {
    if (!this.series) return this.i < this.elems.length ? (this.elems[this.i++] ?? null) : undefined;
    if (this.empty) return undefined;
    const up = this.step > 0;
    if (up ? this.cur > this.stop : this.cur < this.stop) return undefined;
    const v = this.cur;
    this.cur = typeof v === 'bigint' ? v + (this.step as bigint) : v + (this.step as number);
    return typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  next(): Value[] | null {
    if (!this.started_) this.start();
    if (this.rows !== null) {
      while (this.i < this.rows.length) {
        const r = this.rows[this.i++]!;
        // WITH ORDINALITY: the row's number, from 1.
        const row = this.p.ordinality === true ? [...r, this.i] : r;
        if (this.qualPasses(this.p.qual, row)) return row;
      }
      return null;
    }
    for (;;) {
      const v = this.produce();
      if (v === undefined) return null;
      const row: Value[] = this.p.ordinality === true ? [v, ++this.ord] : [v];
      if (!this.qualPasses(this.p.qual, row)) continue;
      return row;
    }
  }

  rescan(): void {
    this.started_ = false;
    this.rows = null;
  }
}
