/**
 * A system under benchmark. Each peer builds its own index over the same split and answers the
 * same queries; the runner (bench/hnsw.ts) times them side by side in one process. A new peer
 * (e.g. vecgres through its SQL API) is one more implementation of this interface.
 */
export interface BenchData {
  dim: number;
  /** rows x dim, row-major. */
  base: Float32Array;
  rows: number;
  /** nq x dim, row-major. */
  queries: Float32Array;
  nq: number;
}

export interface BuildReport {
  seconds: number;
  /** Bytes of the index structure (graph + vectors it holds), as the system reports it. */
  indexBytes: number;
  /** How indexBytes was obtained. */
  bytesSource: string;
}

export interface Peer {
  readonly name: string;
  build(data: BenchData, m: number, efConstruction: number): Promise<BuildReport>;
  setEf(ef: number): Promise<void>;
  /** Writes the ids (row indices) of the k nearest to query `qi` at out[outOff ..]; -1 pads. */
  search(qi: number, k: number, out: Int32Array, outOff: number): void | Promise<void>;
  /** Distance computations of the last search, when the peer can count them. */
  lastDistanceCount?(): number;
  dispose(): Promise<void>;
}
