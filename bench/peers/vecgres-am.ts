/** vecgres at the access-method level: hnswAm.build + beginScan, no SQL in between. */
import type { GucReader, GucValue } from '../../src/common/guc.js';
import type { IndexScan, VectorIndex, VectorKey } from '../../src/access/am.js';
import { floatToHalf } from '../../src/kernels/half.js';
import { hnswAm } from '../../src/access/hnsw/index.js';
import { nowMs } from '../support/timing.js';
import type { BenchData, BuildReport, Peer } from './peer.js';

export class VecgresAmPeer implements Peer {
  readonly name: string;
  private index: VectorIndex | null = null;
  private data: BenchData | null = null;
  private readonly settings = new Map<string, GucValue>([
    ['hnsw.ef_search', 40],
    ['hnsw.iterative_scan', 'off'],
    ['hnsw.max_scan_tuples', 20000],
    ['hnsw.scan_mem_multiplier', 1],
    ['work_mem', 4096],
  ]);
  private readonly gucs: GucReader = { get: (n) => this.settings.get(n)! };
  private readonly ids = new Int32Array(1000);
  private readonly dists = new Float64Array(1000);
  private distances = 0;

  /**
   * @param type the key type: `vector` (float32) or `halfvec` (the rows and queries rounded to
   *   binary16, a halfvec_*_ops graph)
   * @param parallelWorkers workers the build may add (max_parallel_maintenance_workers; 0 =
   *   serial); the name then says how many participants built it
   */
  constructor(
    private readonly metric: 'cosine' | 'l2' | 'ip' | 'l1' = 'cosine',
    private readonly type: 'vector' | 'halfvec' = 'vector',
    private readonly parallelWorkers = 0,
  ) {
    this.name = parallelWorkers > 0 ? `vecgres (${1 + parallelWorkers} participants)` : 'vecgres';
  }

  /** Row or query `i` of `m` as the index's key type. */
  private key(m: Float32Array, i: number, dim: number): VectorKey {
    const v = m.subarray(i * dim, (i + 1) * dim);
    return this.type === 'vector' ? v : Uint16Array.from(v, floatToHalf);
  }

  async build(data: BenchData, m: number, efConstruction: number): Promise<BuildReport> {
    this.data = data;
    const opclass = hnswAm.opclasses.find((o) => o.metric === this.metric && o.kind === this.type)!;
    const options = hnswAm.parseOptions(new Map([['m', String(m)], ['ef_construction', String(efConstruction)]]), data.dim);
    const { dim, base, rows } = data;
    const key = (i: number): VectorKey => this.key(base, i, dim);
    const t = nowMs();
    this.index = hnswAm.build({
      dim,
      opclass,
      options,
      rowCount: rows,
      seed: 42,
      parallelWorkers: this.parallelWorkers,
      forEachRow(fn) {
        for (let i = 0; i < rows; i++) fn(i, key(i));
      },
    });
    const seconds = (nowMs() - t) / 1000;
    return { seconds, indexBytes: this.index.sizeBytes(), bytesSource: 'VectorIndex.sizeBytes()' };
  }

  async setEf(ef: number): Promise<void> {
    this.settings.set('hnsw.ef_search', ef);
  }

  search(qi: number, k: number, out: Int32Array, outOff: number): void {
    const { dim, queries } = this.data!;
    const scan: IndexScan = this.index!.beginScan(this.key(queries, qi, dim), {
      gucs: this.gucs,
      limit: k,
      isLive: () => true,
    });
    const n = scan.next(this.ids.subarray(0, k), this.dists);
    this.distances = scan.stats().distanceComputations;
    scan.close();
    for (let j = 0; j < k; j++) out[outOff + j] = j < n ? this.ids[j]! : -1;
  }

  lastDistanceCount(): number {
    return this.distances;
  }

  async dispose(): Promise<void> {
    this.index?.dispose();
    this.index = null;
  }
}
