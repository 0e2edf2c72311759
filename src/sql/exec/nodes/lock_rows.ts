/**
 * LockRows (PostgreSQL's nodeLockRows.c): SELECT ... FOR UPDATE / NO KEY UPDATE / SHARE / KEY
 * SHARE. For each input tuple, locks the row of every marked table (its row id is a column of
 * the tuple) for the transaction, held until it ends (storage/row_locks.ts), and emits the
 * tuple. A row another in-flight transaction holds in a conflicting mode (or has deleted or
 * updated) is:
 * - waited for (no policy): the node throws LockWait, the statement is undone and runs again
 *   once that transaction ended (engine/lock_wait.ts), seeing the row's newest version;
 * - skipped (SKIP LOCKED), with the locks this tuple already took kept, as PostgreSQL keeps them;
 * - an error (NOWAIT): 55P03 `could not obtain lock on row in relation "t"`.
 * The statement's transaction gets an id on the first lock, as PostgreSQL's FOR UPDATE does.
 */
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { LockWait, rowLockNotAvailable } from '../../../storage/row_locks.js';
import { evalExpr } from '../eval.js';
import { ensureXid } from '../txn.js';
import { PlanState, execInitNode, execProcNode, execReScan, type EState } from '../executor.js';

type LockRowsPlan = Extract<PlanNode, { node: 'LockRows' }>;

export class LockRowsState extends PlanState {
  constructor(readonly p: LockRowsPlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.input, es)];
  }

  next(): Value[] | null {
    const env = this.es.env;
    const locks = env.catalog.rowLocks;
    for (;;) {
      const row = execProcNode(this.children[0]!);
      if (row === null) return null;
      const xid = ensureXid(env);
      let skip = false;
      for (const m of this.p.marks) {
        const rowId = evalExpr(m.ctid, row, this.es) as number | null;
        if (rowId === null) continue;
        const holder = locks.conflicting(m.table, rowId, xid, m.strength);
        if (holder !== 0 && locks.inFlight(holder)) {
          if (m.wait === 'skip') {
            skip = true;
            break;
          }
          if (m.wait === 'error') throw rowLockNotAvailable(m.table.name);
          throw new LockWait(holder, m.table.name, rowId);
        }
        locks.acquire(m.table, rowId, xid, m.strength);
      }
      if (!skip) return row;
    }
  }

  rescan(): void {
    execReScan(this.children[0]!);
  }
}
