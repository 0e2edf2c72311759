/**
 * Gather (PostgreSQL's nodeGather.c) over a Partial Aggregate of a parallel scan: when it
 * starts it launches up to the planned workers from the process's pool (kernels/workers.ts;
 * fewer when `max_parallel_workers` or the pool's size allow fewer, none when workers cannot
 * start) and hands them to the Partial Aggregate below (exec/nodes/partial_agg.ts), whose rows
 * (one per participant: its transition states) pass through to the Finalize Aggregate above.
 * EXPLAIN ANALYZE prints `Workers Launched`: the workers that took part.
 */
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { WorkerPool } from '../../../kernels/workers.js';
import { PlanState, execInitNode, execProcNode, execReScan, type EState } from '../executor.js';
import type { PartialAggState } from './partial_agg.js';

type GatherPlan = Extract<PlanNode, { node: 'Gather' }>;

export class GatherState extends PlanState {
  /** Workers asked for at the first row (-1: not started). */
  private launched = -1;

  constructor(readonly p: GatherPlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.input, es)];
  }

  next(): Value[] | null {
    if (this.launched < 0) this.launch();
    return execProcNode(this.children[0]!);
  }

  rescan(): void {
    execReScan(this.children[0]!);
  }

  override end(): void {
    this.instr.extra = [['Workers Launched', (this.children[0] as PartialAggState).workersUsed]];
    super.end();
  }

  /** Takes workers from the pool: at most the planned ones and `max_parallel_workers`. */
  private launch(): void {
    const wanted = Math.min(this.p.workers, Number(this.es.env.settings.get('max_parallel_workers')));
    const pool = wanted > 0 ? WorkerPool.shared() : null;
    this.launched = pool === null ? 0 : Math.min(wanted, pool.size);
    (this.children[0] as PartialAggState).setParallel(this.launched > 0 ? pool : null, 1 + this.launched);
  }
}
