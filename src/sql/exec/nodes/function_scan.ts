/**
 * FunctionScan (PostgreSQL's nodeFunctionscan.c) for `unnest(array)`,
 * `generate_series(start, stop [, step])`, the json set-returning functions
 * (types/json_srf.ts, one or two columns), the text ones (regexp_matches, ...,
 * analyze/builtin_functions.ts TEXT_SRFS), generate_subscripts and functions returning one value in FROM: the arguments are evaluated per (re)scan
 * (a LATERAL call sees the current outer row through executor parameters); a series is
 * produced one value at a time without materializing it, a json function's rows all at once
 * (PostgreSQL materializes them in a tuplestore too).
 */
import { own } from '../../../common/own.js';
import type { Value } from '../../../storage/table.js';
import type { PgArray } from '../../../types/pgarray.js';
import type { PlanNode } from '../../plan/plan.js';
import { evalExpr } from '../eval.js';
import { PlanState, type EState } from '../executor.js';
import { JSON_SRFS } from '../../../types/json_srf.js';
import { isWholeSetSrf } from '../../analyze/builtin_functions.js';
import { seriesValues, type SeriesValue } from '../../../types/series.js';
import { timeZoneOrError } from '../../../types/timezone.js';
import type { Jsonb } from '../../../types/jsonb.js';
import { jsonRecordRows } from '../json_populate.js';
import { regCatalog } from '../catalog_describe.js';

type FunctionPlan = Extract<PlanNode, { node: 'FunctionScan' }>;

export class FunctionScanState extends PlanState {
  private started_ = false;
  private elems: readonly Value[] = [];
  private i = 0;
  /** generate_series: its values, one at a time (null for the other functions). */
  private series: Iterator<Value> | null = null;
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
    if (this.p.recordColumns !== undefined) {
      // A NULL document: no rows from a recordset function; one row of NULLs from a record one
      // (PostgreSQL's NULL composite result read as a row).
      const doc = args[args.length - 1];
      const cols = this.p.recordColumns;
      this.rows = doc === null ? (this.p.fname.endsWith('recordset') ? [] : [cols.map(() => null)])
        : jsonRecordRows(this.p.fname, doc as Jsonb | string, cols, this.es.zone, regCatalog(this.es.env));
      this.i = 0;
      return;
    }
    if (this.p.scalar === true) {
      // A function returning one value: one row, NULL included.
      this.elems = [args[0] ?? null];
      this.i = 0;
      return;
    }
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
    if (this.p.fname === 'unnest' || isWholeSetSrf(this.p.fname)) {
      // A text set-returning function's or generate_subscripts' argument is the call computing
      // its rows as an array.
      const a = args[0] as PgArray | null;
      this.elems = a === null ? [] : (a.elems as readonly Value[]);
      this.i = 0;
      return;
    }
    // generate_series: the plan's series type; a timestamptz series steps in the session's
    // zone, or in the zone given as its fourth argument.
    const zone = args.length > 3 ? (args[3] === null ? null : timeZoneOrError(args[3] as string, this.es.zone)) : this.es.zone;
    const a = args as SeriesValue[];
    this.series = zone === null ? [][Symbol.iterator]() : seriesValues(this.p.seriesType ?? 'int4', a[0]!, a[1]!, a[2], zone);
  }

  private produce(): Value | undefined {
    if (this.series === null) return this.i < this.elems.length ? (this.elems[this.i++] ?? null) : undefined;
    this.es.interrupts.tick();
    const r = this.series.next();
    return r.done === true ? undefined : r.value;
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
    this.series = null;
  }
}
