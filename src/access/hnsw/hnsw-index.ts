/** The VectorIndex object of one HNSW index (what CREATE INDEX ... USING hnsw returns). */
import type { IndexScan, OpClass, ScanOptions, VectorIndex, VectorKey } from '../am.js';
import { insertVector } from './insert.js';
import { HnswScan } from './scan.js';
import type { HnswState } from './state.js';
import { vacuumHnsw } from './vacuum.js';
import { saveHnsw } from './persist.js';
import type { ByteSink } from '../../storage/stream.js';

export class HnswIndex implements VectorIndex {
  readonly method = 'hnsw';
  readonly dim: number;
  readonly opclass: OpClass;

  constructor(readonly state: HnswState) {
    this.dim = state.dim;
    this.opclass = state.opclass;
  }

  /** Indexed rows including tombstones not yet vacuumed. */
  get size(): number {
    return this.state.graph.count - this.state.unlinkedCount;
  }

  /** aminsert: `vec` (dim elements of the opclass's type) is copied into the graph. */
  insert(rowId: number, vec: VectorKey): void {
    const st = this.state;
    const sc = st.pool.acquire(st.graph.count + 1);
    try {
      insertVector(st, sc, rowId, vec);
    } finally {
      st.pool.release(sc);
    }
  }

  /** Marks the row's node deleted; it keeps routing searches until vacuum (as pgvector). */
  delete(rowId: number): void {
    const node = this.state.nodeOf(rowId);
    if (node < 0 || this.state.graph.isDeleted(node)) return;
    this.state.graph.markDeleted(node);
    this.state.deletedCount++;
  }

  /** Writes the graph to a checkpoint file (persist.ts). */
  save(sink: ByteSink): void {
    saveHnsw(this.state, sink);
  }

  /** amvacuumcleanup: unlinks deleted nodes and repairs their neighbours' lists (vacuum.ts). */
  vacuum(): void {
    vacuumHnsw(this.state);
  }

  beginScan(q: VectorKey, opts: ScanOptions): IndexScan {
    return new HnswScan(this.state, q, opts);
  }

  /** Bytes of the graph (records, upper lists, header); scratch areas are not counted. */
  sizeBytes(): number {
    return this.state.graph.sizeBytes();
  }

  dispose(): void {
    this.state.pool.dispose();
    this.state.graph.dispose();
  }
}
