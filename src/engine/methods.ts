/**
 * The index methods this build of vecgres offers (PostgreSQL's pg_am). The engine is the one
 * place that knows concrete methods; the SQL layer sees them only through index/am.ts.
 */
import type { IndexAm } from '../index/am.js';

/** Loads the registered index methods, keyed by name (`USING hnsw`). */
export async function loadIndexMethods(): Promise<Map<string, IndexAm>> {
  const methods = new Map<string, IndexAm>();
  const hnsw = (await import('../index/hnsw/index.js')) as { hnswAm: IndexAm };
  methods.set(hnsw.hnswAm.name, hnsw.hnswAm);
  return methods;
}
