/**
 * What EXPLAIN ANALYZE asks of the plans a statement runs (PostgreSQL's instrument options on
 * the EState): every execution state it makes is instrumented, and each run's state and top
 * node are kept so the output can read the counters of every node, SubPlan and CTE.
 * A SELECT runs one plan; an INSERT, UPDATE or DELETE may run two (the plan that finds or makes
 * the rows, and the statement holding its RETURNING / VALUES subqueries).
 */
import type { Clock } from '../../common/clock.js';
import type { Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import type { PlanNode, PlannedStmt } from '../plan/plan.js';
import { EState, type Instrumentation, type PlanState } from './executor.js';

export class ExplainProbe {
  private readonly runs: { es: EState; top: PlanState | null }[] = [];

  /** `clock` times the nodes (null: TIMING OFF, rows and loops only). */
  constructor(readonly clock: Clock | null) {}

  /** A new instrumented execution state for `stmt`, kept for {@link lookup}. */
  state(env: SqlEnv, stmt: PlannedStmt, params: readonly Value[]): EState {
    const es = new EState(env, stmt, params, this.clock);
    es.instrumenting = true;
    this.runs.push({ es, top: null });
    return es;
  }

  /** Records `top` as the node tree run in `es` (made by {@link state}). */
  ran(es: EState, top: PlanState): void {
    const run = this.runs.find((r) => r.es === es);
    if (run !== undefined) run.top = top;
  }

  /** Each plan node's counters over every recorded run (absent: the node never started). */
  lookup(): (p: PlanNode) => Instrumentation | undefined {
    const map = new Map<PlanNode, Instrumentation>();
    const walk = (st: PlanState): void => {
      map.set(st.plan, st.instr);
      for (const c of st.children) walk(c);
    };
    for (const { es, top } of this.runs) {
      if (top !== null) walk(top);
      for (const sub of es.subPlanStates) walk(sub.state);
      for (const c of es.ctes.values()) walk(c.producer);
    }
    return (p) => map.get(p);
  }
}
