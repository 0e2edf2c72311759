/**
 * BitmapIndexScan, BitmapAnd and BitmapOr (PostgreSQL's nodeBitmapIndexscan.c,
 * nodeBitmapAnd.c, nodeBitmapOr.c): they return no tuples; the Bitmap Heap Scan above calls
 * {@link BitmapProducer.multiExec} once per (re)scan for the set of matching row ids.
 */
import type { RowBitmap } from '../../../access/am.js';
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { bug } from '../eval.js';
import { PlanState, execInitNode, type EState } from '../executor.js';
import { evalScanKeys } from './btree_scan_keys.js';

/** A node that produces a bitmap of row ids (PostgreSQL's MultiExecProcNode). */
export interface BitmapProducer {
  /** A new bitmap over `words` 32-bit words of row ids. */
  multiExec(words: number): RowBitmap;
}

function producer(s: PlanState): BitmapProducer {
  return s as unknown as BitmapProducer;
}

export class BitmapIndexScanState extends PlanState implements BitmapProducer {
  constructor(readonly p: Extract<PlanNode, { node: 'BitmapIndexScan' }>, es: EState) {
    super(p, es);
  }

  multiExec(words: number): RowBitmap {
    this.instr.loops++;
    const bm = new Uint32Array(words);
    const keys = evalScanKeys(this.p.quals, this.es);
    if (keys !== null) this.instr.rows += this.p.index.getBitmap(keys, bm);
    this.instr.extra = [['Index Searches', this.instr.loops]];
    return bm;
  }

  next(): Value[] | null {
    return bug('a Bitmap Index Scan returns a bitmap, not tuples');
  }

  rescan(): void {}
}

export class BitmapCombineState extends PlanState implements BitmapProducer {
  constructor(readonly p: Extract<PlanNode, { node: 'BitmapAnd' | 'BitmapOr' }>, es: EState) {
    super(p, es);
    this.children = p.inputs.map((c) => execInitNode(c, es));
  }

  multiExec(words: number): RowBitmap {
    this.instr.loops++;
    const and = this.p.node === 'BitmapAnd';
    let out: RowBitmap | null = null;
    for (const c of this.children) {
      const bm = producer(c).multiExec(words);
      if (out === null) {
        out = bm;
        continue;
      }
      if (and) for (let i = 0; i < words; i++) out[i]! &= bm[i]!;
      else for (let i = 0; i < words; i++) out[i]! |= bm[i]!;
    }
    return out ?? new Uint32Array(words);
  }

  next(): Value[] | null {
    return bug('a BitmapAnd / BitmapOr returns a bitmap, not tuples');
  }

  rescan(): void {}
}

export { producer as bitmapProducer };
