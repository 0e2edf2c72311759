/**
 * Benchmark entry: `npm run bench -- <name> [options]`.
 *   hnsw     HNSW vs hnswlib-node vs PGlite + pgvector on GloVe (bench/hnsw.ts)
 *   kernels  distance kernels (bench/kernels.ts)
 *   ingest   bulk insert throughput, WAL bytes per row, recovery and index reopen times (bench/ingest.ts)
 *   sql      application queries (joins, CTE, LATERAL, window functions, ...) vs PGlite + pgvector (bench/sql.ts)
 *   protocol wire codec throughput: DataRow encoding, frontend decoding (bench/protocol.ts)
 *   filtered WHERE <filter> ORDER BY ... LIMIT 10 at every selectivity vs PGlite + pgvector (bench/filtered.ts)
 *   gin      metadata filters (jsonb @>, array &&) beside k-NN: vecgres with and without GIN vs PGlite + pgvector with GIN (bench/gin.ts)
 *   tenants  WHERE tenant = $2 ... LIMIT 10 vs the same query on the tenant's own table, interleaved rounds (bench/tenants.ts)
 *   ivfflat  IVFFlat vs PGlite + pgvector's ivfflat on GloVe, recall@10 / QPS per probes (bench/ivfflat.ts)
 *   sparsevec HNSW over sparsevec vs PGlite + pgvector on synthetic sparse data (bench/sparsevec.ts)
 *   server   16 clients over the wire, 90% k-NN / 10% INSERT, vs pglite-socket and native pgvector (bench/server.ts)
 *   exact    exact top-10 over GloVe, serial vs Gather Merge on 2 (3) participants, vs PGlite + pgvector (bench/exact.ts)
 *   scale    synthetic 1,536-d / 768-d rows (GloVe lifted): load, halfvec HNSW build, recall / QPS, incremental checkpoint bytes, vs hnswlib-node (bench/scale.ts)
 *   cic      CREATE INDEX vs CREATE INDEX CONCURRENTLY: build time, another session's query latency during it (bench/concurrent_build.ts)
 *   partitions HNSW index in partitions (memories capped) vs one graph on the same rows: build time, recall@10 / QPS (bench/partitions.ts)
 *   prune    HNSW neighbour-selection rules: build CPU time and recall@10 per distance computation, vs hnswlib-node (bench/prune.ts)
 *   build    HNSW build on 1 and 2 participants vs hnswlib-node (and native pgvector's parallel build), recall@10 / QPS of each (bench/build.ts)
 *   worker   the same k-NN query on Vecgres and on VecgresWorker: what the thread's round trip adds (bench/worker.ts)
 *   chart    recall@10 / QPS of vecgres HNSW and IVFFlat, hnswlib-node, PGlite + pgvector and native pgvector on the same rows, as one SVG (bench/chart.ts)
 *
 * `npm run bench -- <name> --help` lists a bench's options.
 */
const [name, ...args] = process.argv.slice(2);

async function main(): Promise<void> {
  switch (name) {
    case 'hnsw': {
      const { benchHnsw } = await import('./hnsw.js');
      await benchHnsw(args);
      return;
    }
    case 'kernels': {
      // Loaded by path at run time so this file builds whether or not kernels.ts exists yet.
      const path = './kernels.js';
      const mod = (await import(path)) as { benchKernels(args: string[]): Promise<void> | void };
      await mod.benchKernels(args);
      return;
    }
    case 'ingest': {
      const { benchIngest } = await import('./ingest.js');
      await benchIngest(args);
      return;
    }
    case 'sql': {
      const { benchSql } = await import('./sql.js');
      await benchSql(args);
      return;
    }
    case 'filtered': {
      const { benchFiltered } = await import('./filtered.js');
      await benchFiltered(args);
      return;
    }
    case 'gin': {
      const { benchGin } = await import('./gin.js');
      await benchGin(args);
      return;
    }
    case 'tenants': {
      const { benchTenants } = await import('./tenants.js');
      await benchTenants(args);
      return;
    }
    case 'ivfflat': {
      const { benchIvfflat } = await import('./ivfflat.js');
      await benchIvfflat(args);
      return;
    }
    case 'sparsevec': {
      const { benchSparsevec } = await import('./sparsevec.js');
      await benchSparsevec(args);
      return;
    }
    case 'server': {
      const { benchServer } = await import('./server.js');
      await benchServer(args);
      return;
    }
    case 'exact': {
      const { benchExact } = await import('./exact.js');
      await benchExact(args);
      return;
    }
    case 'partitions': {
      const { benchPartitions } = await import('./partitions.js');
      await benchPartitions(args);
      return;
    }
    case 'prune': {
      const { benchPrune } = await import('./prune.js');
      await benchPrune(args);
      return;
    }
    case 'scale': {
      const { benchScale } = await import('./scale.js');
      await benchScale(args);
      return;
    }
    case 'cic': {
      const { benchConcurrentBuild } = await import('./concurrent_build.js');
      await benchConcurrentBuild(args);
      return;
    }
    case 'build': {
      const { benchBuild } = await import('./build.js');
      await benchBuild(args);
      return;
    }
    case 'worker': {
      const { benchWorker } = await import('./worker.js');
      await benchWorker(args);
      return;
    }
    case 'chart': {
      const { benchChart } = await import('./chart.js');
      await benchChart(args);
      return;
    }
    case 'protocol': {
      const { benchProtocol } = await import('./protocol.js');
      await benchProtocol(args);
      return;
    }
    default:
      console.error('usage: npm run bench -- <hnsw|kernels|ingest|sql|protocol|filtered|tenants|ivfflat|sparsevec|server|scale|exact|build|cic|worker|chart> [options]');
      process.exit(2);
  }
}

await main();
