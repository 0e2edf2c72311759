/**
 * SELECT execution: plans the query for this execution's parameter values and runs the plan
 * (executor.ts); the rows are the top node's output tuples, in select-list order.
 */
import type { Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import { planChildren, type PlannedStmt, type PlanNode } from '../plan/plan.js';
import { lockStrengthName } from '../analyze/locking.js';
import { preventCommandIfReadOnly, transactionReadOnly } from './txn.js';
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
  checkRowMarks(env, stmt);
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
  checkRowMarks(env, stmt);
  const es = probe === null ? new EState(env, stmt, params, null) : probe.state(env, stmt, params);
  const top = execInitNode(stmt.plan, es);
  probe?.ran(es, top);
  const rows = runPlanned(es, top);
  return { rows, es };
}

/**
 * A SELECT that locks rows (a LockRows node anywhere: FOR UPDATE in a subquery, a CTE or a
 * sub-SELECT too) writes: refused in a read-only transaction, named by the first lock as
 * PostgreSQL's CreateCommandName names it from the plan's first row mark.
 * @throws PgError 25006 `cannot execute SELECT FOR UPDATE in a read-only transaction`.
 */
function checkRowMarks(env: SqlEnv, stmt: PlannedStmt): void {
  if (!transactionReadOnly(env)) return;
  const find = (p: PlanNode): number | null => {
    if (p.node === 'LockRows' && p.marks.length > 0) return p.marks[0]!.strength;
    for (const c of planChildren(p)) {
      const s = find(c);
      if (s !== null) return s;
    }
    return null;
  };
  for (const p of [stmt.plan, ...stmt.ctes.map((c) => c.plan), ...stmt.subPlans.map((s) => s.plan)]) {
    const strength = find(p);
    if (strength !== null) preventCommandIfReadOnly(env, `SELECT ${lockStrengthName(strength)}`);
  }
}
