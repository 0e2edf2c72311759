/**
 * Gather Merge (PostgreSQL's nodeGatherMerge.c) over the exact k-NN scan: when it starts it
 * launches up to the planned workers from the process's pool (kernels/workers.ts; fewer when
 * `max_parallel_workers` or the pool's size allow fewer, none when workers cannot start) and
 * hands the scan below the participants (exec/parallel_knn.ts). The scan's leader merges the
 * participants' candidates and ranks them, so the rows arrive here in ORDER BY order and pass
 * through. EXPLAIN ANALYZE prints `Workers Launched`: the workers that took part.
 */
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { WorkerPool } from '../../../kernels/workers.js';
import { PlanState, execInitNode, execProcNode, execReScan, type EState } from '../executor.js';
import type { TopKState } from './top_k.js';

type GatherMergePlan = Extract<PlanNode, { node: 'GatherMerge' }>;

export class GatherMergeState extends PlanState {
  /** Workers asked for at the first row (-1: not started). */
  private launched = -1;

  constructor(readonly p: GatherMergePlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.input, es)];
  }

  override setBound(n: number): void {
    this.children[0]!.setBound(n);
  }

  next(): Value[] | null {
    if (this.launched < 0) this.launch();
    return execProcNode(this.children[0]!);
  }

  rescan(): void {
    execReScan(this.children[0]!);
  }

  override end(): void {
    const scan = this.children[0] as TopKState;
    this.instr.extra = [['Workers Launched', scan.workersUsed]];
    super.end();
  }

  /** Takes workers from the pool: at most the planned ones and `max_parallel_workers`. */
  private launch(): void {
    const wanted = Math.min(this.p.workers, Number(this.es.env.settings.get('max_parallel_workers')));
    const pool = wanted > 0 ? WorkerPool.shared() : null;
    this.launched = pool === null ? 0 : Math.min(wanted, pool.size);
    (this.children[0] as TopKState).setParallel(this.launched > 0 ? pool : null, 1 + this.launched);
  }
}
