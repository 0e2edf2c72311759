/**
 * Plan nodes: a small tree of typed nodes per SELECT, built by the planner at execution time
 * (so settings such as hnsw.ef_search and enable_indexscan are honoured on every run) and
 * printed by EXPLAIN in PostgreSQL's text format.
 */
import type { Table } from '../../storage/table.js';
import type { IndexAm, VectorIndex } from '../../index/am.js';
import type { IndexDef } from '../../storage/catalog.js';
import type { Expr } from '../analyze/expr.js';

/** ORDER BY <vector column> <operator> <query vector> — the shape an index can serve. */
export interface KnnSpec {
  col: number;
  op: string;
  /** The query vector: constant, parameter, cast or scalar subquery (no column refs). */
  query: Expr;
  /** The ORDER BY expression as a whole (also used to print it). */
  expr: Expr;
}

export type PlanNode =
  | { node: 'Result' }
  | { node: 'SeqScan'; table: Table; filter: Expr | null }
  | { node: 'PkLookup'; table: Table; indexName: string; key: Expr; filter: Expr | null }
  | { node: 'IndexScan'; table: Table; def: IndexDef; am: IndexAm; index: VectorIndex; knn: KnnSpec; filter: Expr | null }
  | { node: 'TopK'; knn: KnnSpec; input: PlanNode }
  | { node: 'Sort'; input: PlanNode }
  | { node: 'Limit'; input: PlanNode }
  /** Aggregation: plain (one group) or hashed by `groupBy`, `having` filtering the groups. */
  | { node: 'Aggregate'; input: PlanNode; groupBy: Expr[]; having: Expr | null }
  /** Set-returning select list (unnest): each input row yields one row per element. */
  | { node: 'ProjectSet'; input: PlanNode }
  /** FROM unnest(array): the array's elements as rows. */
  | { node: 'FunctionScan'; table: Table; fn: Expr; filter: Expr | null }
  | { node: 'VirtualScan'; name: string; filter: Expr | null };
