/**
 * The executor's node table: which state class runs each plan node kind (PostgreSQL's
 * ExecInitNode switch). A new node is a plan variant in plan/plan.ts, a state class in its
 * own file here, and one line below.
 */
import { registerNode } from '../executor.js';
import { AggState } from './agg.js';
import { AppendState } from './append.js';
import { CatalogViewScanState } from './catalog_view_scan.js';
import { CteScanState } from './cte_scan.js';
import { FunctionScanState } from './function_scan.js';
import { GatherMergeState } from './gather_merge.js';
import { GatherState } from './gather.js';
import { PartialAggState } from './partial_agg.js';
import { FinalizeAggState } from './finalize_agg.js';
import { HashState } from './hash.js';
import { HashJoinState } from './hash_join.js';
import { IndexScanState } from './index_scan.js';
import { BtreeIndexScanState } from './btree_index_scan.js';
import { BitmapCombineState, BitmapIndexScanState } from './bitmap_index_scan.js';
import { BitmapHeapScanState } from './bitmap_heap_scan.js';
import { LimitState } from './limit.js';
import { LockRowsState } from './lock_rows.js';
import { MaterialState } from './material.js';
import { NestLoopState } from './nest_loop.js';
import { PkScanState } from './pk_scan.js';
import { ProjectSetState } from './project_set.js';
import { RecursiveUnionState } from './recursive_union.js';
import { ResultState } from './result.js';
import { SeqScanState } from './seq_scan.js';
import { SetOpState } from './set_op.js';
import { SortState } from './sort.js';
import { SubqueryScanState } from './subquery_scan.js';
import { TopKState } from './top_k.js';
import { UniqueState } from './unique.js';
import { ValuesScanState } from './values_scan.js';
import { WindowAggState } from './window_agg.js';
import { WorkTableScanState } from './work_table_scan.js';

registerNode('Result', (p, es) => new ResultState(p, es));
registerNode('SeqScan', (p, es) => new SeqScanState(p, es));
registerNode('VirtualScan', (p, es) => new CatalogViewScanState(p, es));
registerNode('PkLookup', (p, es) => new PkScanState(p, es));
registerNode('IndexScan', (p, es) => new IndexScanState(p, es));
registerNode('BtreeIndexScan', (p, es) => new BtreeIndexScanState(p, es));
registerNode('BitmapIndexScan', (p, es) => new BitmapIndexScanState(p, es));
registerNode('BitmapAnd', (p, es) => new BitmapCombineState(p, es));
registerNode('BitmapOr', (p, es) => new BitmapCombineState(p, es));
registerNode('BitmapHeapScan', (p, es) => new BitmapHeapScanState(p, es));
registerNode('TopK', (p, es) => new TopKState(p, es));
registerNode('GatherMerge', (p, es) => new GatherMergeState(p, es));
registerNode('ValuesScan', (p, es) => new ValuesScanState(p, es));
registerNode('FunctionScan', (p, es) => new FunctionScanState(p, es));
registerNode('SubqueryScan', (p, es) => new SubqueryScanState(p, es));
registerNode('CteScan', (p, es) => new CteScanState(p, es));
registerNode('WorkTableScan', (p, es) => new WorkTableScanState(p, es));
registerNode('RecursiveUnion', (p, es) => new RecursiveUnionState(p, es));
registerNode('NestLoop', (p, es) => new NestLoopState(p, es));
registerNode('HashJoin', (p, es) => new HashJoinState(p, es));
registerNode('Hash', (p, es) => new HashState(p, es));
registerNode('Material', (p, es) => new MaterialState(p, es));
registerNode('Sort', (p, es) => new SortState(p, es));
registerNode('Limit', (p, es) => new LimitState(p, es));
registerNode('LockRows', (p, es) => new LockRowsState(p, es));
registerNode('Agg', (p, es) => (p.split === 'partial' ? new PartialAggState(p, es) : p.split === 'finalize' ? new FinalizeAggState(p, es) : new AggState(p, es)));
registerNode('Gather', (p, es) => new GatherState(p, es));
registerNode('ProjectSet', (p, es) => new ProjectSetState(p, es));
registerNode('Unique', (p, es) => new UniqueState(p, es));
registerNode('Append', (p, es) => new AppendState(p, es));
registerNode('SetOp', (p, es) => new SetOpState(p, es));
registerNode('WindowAgg', (p, es) => new WindowAggState(p, es));

/** Imported for its registrations. */
export const NODES_REGISTERED = true;
