/**
 * The application queries of the SQL benchmark (bench/sql.ts): what applications and the seed
 * articles on pgvector write around vector search, over
 *
 *   documents (id int PRIMARY KEY, title text, category int, created int)
 *   chunks    (id int PRIMARY KEY, doc_id int, ord int, body text, embedding vector(d))
 *
 * with an HNSW index on chunks.embedding (vector_cosine_ops). Every ORDER BY that is not meant
 * for the vector index ends in a unique column, so an exact query has one right answer (the
 * runner checks that PostgreSQL's plan for it does not use the vector index). Queries
 * whose ORDER BY the index can serve are `approx`: their rows are checked by recall against the
 * exact answer, not row by row.
 */

/** What a query is run with: its text and parameters for parameter set `i`. */
export interface QueryCtx {
  dim: number;
  chunks: number;
  docs: number;
  /** Outer rows of the LATERAL query. */
  lateralDocs: number;
  /** A held-out GloVe vector (not in the table) as pgvector text, for parameter set i. */
  vec(i: number): string;
  /** A chunk id in the table, for parameter set i (set 0 is chunk 1, as in the seed). */
  chunk(i: number): number;
  /** A category, for parameter set i. */
  category(i: number): number;
}

export interface AppQuery {
  name: string;
  /** One line on what it asks. */
  what: string;
  /**
   * `exact`: both engines must return the same rows in the same order. `approx`: an index may
   * answer it, so each engine's rows are compared by recall with PostgreSQL's exact answer
   * (PGlite under SET enable_indexscan = off), on the first `key` columns.
   */
  kind: 'exact' | 'approx';
  key?: number;
  /** Parameter sets it has (default: as many as the runner uses); 1 for a query without parameters. */
  sets?: number;
  make(c: QueryCtx, i: number): { sql: string; params: unknown[] };
}

/**
 * Distance under which EXISTS finds a chunk: on 100,000 100-d GloVe rows, 800 to 4,700 chunks of
 * a held-out word are this close (measured on five), so a category holds some tens of them.
 */
const NEAR = 0.6;

export const QUERIES: readonly AppQuery[] = [
  {
    name: 'knn',
    what: 'single-table k-NN: top 10 by cosine (the HNSW index)',
    kind: 'approx',
    key: 1,
    make: (c, i) => ({ sql: 'SELECT id, embedding <=> $1 AS dist FROM chunks ORDER BY embedding <=> $1 LIMIT 10', params: [c.vec(i)] }),
  },
  {
    name: 'exact_topk',
    what: 'exact top 10 by L2 distance (no index has <->: a full scan)',
    kind: 'exact',
    make: (c, i) => ({ sql: 'SELECT id, embedding <-> $1 AS dist FROM chunks ORDER BY embedding <-> $1, id LIMIT 10', params: [c.vec(i)] }),
  },
  {
    name: 'cross_join',
    what: "the seed's cross join: the 10 chunks nearest chunk b, b joined by id",
    kind: 'approx',
    key: 1,
    make: (c, i) => ({
      sql: `SELECT a.id, a.embedding <=> b.embedding AS dist FROM chunks a, chunks b WHERE b.id = ${c.chunk(i)} ORDER BY a.embedding <=> b.embedding LIMIT 10`,
      params: [],
    }),
  },
  {
    name: 'scalar_subquery',
    what: "the seed's fix: the query vector from a scalar subquery (an InitPlan)",
    kind: 'approx',
    key: 1,
    make: (c, i) => ({
      sql:
        'SELECT id, embedding <=> (SELECT embedding FROM chunks WHERE id = $1) AS dist FROM chunks ' +
        'ORDER BY embedding <=> (SELECT embedding FROM chunks WHERE id = $1) LIMIT 10',
      params: [c.chunk(i)],
    }),
  },
  {
    name: 'subquery_filter',
    what: 'a scalar subquery in WHERE: the exact top 10 by L2 outside the document of the best match',
    kind: 'exact',
    make: (c, i) => ({
      sql:
        'SELECT id, doc_id, embedding <-> $1 AS dist FROM chunks WHERE doc_id <> (SELECT doc_id FROM chunks ORDER BY embedding <-> $1, id LIMIT 1) ' +
        'ORDER BY embedding <-> $1, id LIMIT 10',
      params: [c.vec(i)],
    }),
  },
  {
    name: 'join_documents',
    what: 'top 10 chunks joined to their documents',
    kind: 'approx',
    key: 1,
    make: (c, i) => ({
      sql: 'SELECT c.id, d.id AS doc, d.title, c.embedding <=> $1 AS dist FROM chunks c JOIN documents d ON d.id = c.doc_id ORDER BY c.embedding <=> $1 LIMIT 10',
      params: [c.vec(i)],
    }),
  },
  {
    name: 'join_filter',
    what: 'top 10 chunks of the documents in one category (1 in 20), a filter on the joined table',
    kind: 'approx',
    key: 1,
    make: (c, i) => ({
      sql:
        'SELECT c.id, d.title, c.embedding <=> $1 AS dist FROM chunks c JOIN documents d ON d.id = c.doc_id ' +
        'WHERE d.category = $2 ORDER BY c.embedding <=> $1 LIMIT 10',
      params: [c.vec(i), c.category(i)],
    }),
  },
  {
    name: 'cte_rerank',
    what: "the seeds' re-rank: top 100 by Hamming distance on binary_quantize in a CTE, re-ranked by cosine",
    kind: 'exact',
    make: (c, i) => ({
      sql:
        `WITH coarse AS (SELECT id, embedding FROM chunks ORDER BY binary_quantize(embedding)::bit(${c.dim}) <~> ` +
        `(SELECT binary_quantize(embedding)::bit(${c.dim}) FROM chunks WHERE id = $1), id LIMIT 100) ` +
        'SELECT id, embedding <=> (SELECT embedding FROM chunks WHERE id = $1) AS dist FROM coarse ' +
        'ORDER BY embedding <=> (SELECT embedding FROM chunks WHERE id = $1), id LIMIT 10',
      params: [c.chunk(i)],
    }),
  },
  {
    name: 'lateral_top1',
    what: 'CROSS JOIN LATERAL: for each of the first 1,000 documents (--lateral-docs), the chunk of another document nearest its first chunk',
    kind: 'approx',
    key: 2,
    sets: 1,
    make: (c) => ({
      sql:
        'SELECT f.doc_id, n.id, n.dist FROM chunks f CROSS JOIN LATERAL (SELECT x.id, x.embedding <=> f.embedding AS dist FROM chunks x ' +
        `WHERE x.doc_id <> f.doc_id ORDER BY x.embedding <=> f.embedding LIMIT 1) n WHERE f.ord = 0 AND f.doc_id <= ${c.lateralDocs} ORDER BY f.doc_id`,
      params: [],
    }),
  },
  {
    name: 'distinct_on',
    what: 'DISTINCT ON (doc_id): the best chunk of each document, then the 10 best documents',
    kind: 'exact',
    make: (c, i) => ({
      sql:
        'SELECT doc_id, id, dist FROM (SELECT DISTINCT ON (doc_id) doc_id, id, embedding <=> $1 AS dist FROM chunks ' +
        'ORDER BY doc_id, embedding <=> $1, id) best ORDER BY dist, doc_id LIMIT 10',
      params: [c.vec(i)],
    }),
  },
  {
    name: 'window_rank',
    what: 'row_number() OVER (PARTITION BY doc_id ORDER BY distance): 2 best chunks per document, the 20 best of those',
    kind: 'exact',
    make: (c, i) => ({
      sql:
        'SELECT doc_id, id, rn, dist FROM (SELECT doc_id, id, embedding <=> $1 AS dist, ' +
        'row_number() OVER (PARTITION BY doc_id ORDER BY embedding <=> $1, id) AS rn FROM chunks) ranked ' +
        'WHERE rn <= 2 ORDER BY dist, id LIMIT 20',
      params: [c.vec(i)],
    }),
  },
  {
    name: 'group_by_join',
    what: 'GROUP BY over a join: chunks per category and the best distance in each',
    kind: 'exact',
    make: (c, i) => ({
      sql:
        'SELECT d.category, count(*) AS chunks, min(c.embedding <=> $1) AS best FROM chunks c JOIN documents d ON d.id = c.doc_id ' +
        'GROUP BY d.category ORDER BY d.category',
      params: [c.vec(i)],
    }),
  },
  {
    name: 'in_subquery',
    // By L2, which the cosine index cannot order by: under `ORDER BY embedding <=> $1, id`
    // PostgreSQL 18 runs the HNSW scan under an Incremental Sort, an approximate answer.
    what: 'exact top 10 by L2 among the chunks of one category, IN (subquery)',
    kind: 'exact',
    make: (c, i) => ({
      sql:
        'SELECT id, embedding <-> $1 AS dist FROM chunks WHERE doc_id IN (SELECT id FROM documents WHERE category = $2) ' +
        'ORDER BY embedding <-> $1, id LIMIT 10',
      params: [c.vec(i), c.category(i)],
    }),
  },
  {
    name: 'exists',
    what: `documents of one category with a chunk within cosine distance ${NEAR}, EXISTS (correlated)`,
    kind: 'exact',
    make: (c, i) => ({
      sql:
        'SELECT d.id, d.title FROM documents d WHERE d.category = $2 AND EXISTS ' +
        `(SELECT 1 FROM chunks c WHERE c.doc_id = d.id AND c.embedding <=> $1 < ${NEAR}) ORDER BY d.id`,
      params: [c.vec(i), c.category(i)],
    }),
  },
  {
    // Under OR the EXISTS is no semi join: a SubPlan per document, or (as PostgreSQL plans it)
    // a hashed `doc_id = ANY (SELECT ...)` over the chunks read once.
    name: 'exists_or',
    what: `documents of one category or with a chunk within cosine distance ${NEAR}, EXISTS under OR`,
    kind: 'exact',
    make: (c, i) => ({
      sql:
        'SELECT count(*) FROM documents d WHERE d.category = $2 OR EXISTS ' +
        `(SELECT 1 FROM chunks c WHERE c.doc_id = d.id AND c.embedding <=> $1 < ${NEAR})`,
      params: [c.vec(i), c.category(i)],
    }),
  },
];
