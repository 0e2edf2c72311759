/**
 * SELECT execution: plans the query for this execution's parameter values and runs the plan
 * (executor.ts); the rows are the top node's output tuples, in select-list order.
 */
import type { Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import type { PlannedStmt } from '../plan/plan.js';
import { EState, execInitNode, runPlanned } from './executor.js';
import type { ExplainProbe } from './explain_probe.js';
import './nodes/index.js';

/** Rows of a SELECT: one array of values per row, in target-list order, and the plan that made them. */
export interface SelectOutput {
  rows: Value[][];
  stmt: PlannedStmt;
}

/** Executes a planned SELECT with the client's parameter values. */
export function runSelect(env: SqlEnv, stmt: PlannedStmt, params: readonly Value[]): SelectOutput {
  env.lastPlan = stmt.plan;
  const es = new EState(env, stmt, params, null);
  const rows = runPlanned(es, execInitNode(stmt.plan, es));
  return { rows, stmt };
}

/**
 * Runs a planned statement to completion (UPDATE / DELETE scans, INSERT ... SELECT); under
 * EXPLAIN ANALYZE (`probe`) instrumented, its nodes kept for the output.
 */
export function runStatement(env: SqlEnv, stmt: PlannedStmt, params: readonly Value[], probe: ExplainProbe | null = null): { rows: Value[][]; es: EState } {
  const es = probe === null ? new EState(env, stmt, params, null) : probe.state(env, stmt, params);
  const top = execInitNode(stmt.plan, es);
  probe?.ran(es, top);
  const rows = runPlanned(es, top);
  return { rows, es };
}
