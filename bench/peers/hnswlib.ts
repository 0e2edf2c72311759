/** hnswlib-node (C++ hnswlib) with the same m, ef_construction and metric, single-threaded. */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { nowMs } from '../support/timing.js';
import type { BenchData, BuildReport, Peer } from './peer.js';

export class HnswlibPeer implements Peer {
  readonly name = 'hnswlib-node';
  private index: hnswlib.HierarchicalNSW | null = null;
  /** Queries converted to number[] up front: the conversion is not hnswlib's search cost. */
  private queries: number[][] = [];

  constructor(private readonly metric: 'cosine' | 'l2' | 'ip' = 'cosine') {}

  async build(data: BenchData, m: number, efConstruction: number): Promise<BuildReport> {
    const { dim, base, rows } = data;
    const index = new hnswlib.HierarchicalNSW(this.metric, dim);
    index.initIndex(rows, m, efConstruction, 100);
    const t = nowMs();
    for (let i = 0; i < rows; i++) index.addPoint(Array.from(base.subarray(i * dim, (i + 1) * dim)), i);
    const seconds = (nowMs() - t) / 1000;
    this.index = index;
    this.queries = [];
    for (let q = 0; q < data.nq; q++) this.queries.push(Array.from(data.queries.subarray(q * dim, (q + 1) * dim)));
    // hnswlib's saved file is its level-0 block, upper lists and header: its index proper
    // (in memory it also keeps a label map and a mutex per element, not counted here).
    const dir = mkdtempSync(join(tmpdir(), 'vecgres-bench-'));
    const file = join(dir, 'index.bin');
    index.writeIndexSync(file);
    const indexBytes = statSync(file).size;
    rmSync(dir, { recursive: true, force: true });
    return { seconds, indexBytes, bytesSource: 'saved index file size' };
  }

  async setEf(ef: number): Promise<void> {
    this.index!.setEf(ef);
  }

  search(qi: number, k: number, out: Int32Array, outOff: number): void {
    const r = this.index!.searchKnn(this.queries[qi]!, k);
    // hnswlib returns nearest first for searchKnn.
    for (let j = 0; j < k; j++) out[outOff + j] = j < r.neighbors.length ? r.neighbors[j]! : -1;
  }

  async dispose(): Promise<void> {
    this.index = null;
    this.queries = [];
  }
}
