/**
 * The index methods this build of vecgres offers (PostgreSQL's pg_am). The engine is the one
 * place that knows concrete methods; the SQL layer sees them only through access/am.ts.
 */
import type { IndexAm, OrderedIndexAm } from '../access/am.js';

/** Loads the registered index methods, keyed by name (`USING hnsw`). */
export async function loadIndexMethods(): Promise<Map<string, IndexAm | OrderedIndexAm>> {
  const methods = new Map<string, IndexAm | OrderedIndexAm>();
  const hnsw = (await import('../access/hnsw/index.js')) as { hnswAm: IndexAm };
  methods.set(hnsw.hnswAm.name, hnsw.hnswAm);
  const ivfflat = (await import('../access/ivfflat/index.js')) as { ivfflatAm: IndexAm };
  methods.set(ivfflat.ivfflatAm.name, ivfflat.ivfflatAm);
  const btree = (await import('../access/btree/index.js')) as { btreeAm: OrderedIndexAm };
  methods.set(btree.btreeAm.name, btree.btreeAm);
  const gin = (await import('../access/gin/index.js')) as { ginAm: OrderedIndexAm };
  methods.set(gin.ginAm.name, gin.ginAm);
  return methods;
}
