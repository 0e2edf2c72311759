import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { same, both } = await openSqlPair();
await both(`CREATE TABLE ci_items (id bigserial PRIMARY KEY, category text, embedding vector(3), e2 vector);
  INSERT INTO ci_items (category, embedding, e2) VALUES ('a', '[1,2,3]', '[1,2]'), ('b', '[4,5,6]', NULL)`);

test('CREATE INDEX reports the first error PostgreSQL + pgvector reports', async () => {
  // Options are validated before columns and operator classes.
  await same('CREATE INDEX ON ci_items USING hnsw (embedding) WITH (m = 1)');
  await same('CREATE INDEX ON ci_items USING hnsw (nocol vector_l2_ops) WITH (m = 1)');
  await same('CREATE INDEX ON ci_items USING hnsw (embedding foo_ops) WITH (m = 1)');
  await same('CREATE INDEX ON ci_items USING hnsw (category vector_l2_ops) WITH (m = 1)');
  await same('CREATE INDEX ON ci_items USING hnsw (embedding vector_l2_ops) WITH (m = 16, m = 16)');
  await same('CREATE INDEX ON ci_items USING hnsw (embedding vector_l2_ops) WITH (foo = 1)');
  await same('CREATE INDEX ON ci_items USING hnsw (embedding vector_l2_ops) WITH (m = 16, ef_construction = 16)');
  await same('CREATE INDEX ON ci_items USING hnsw (e2 vector_l2_ops)');
  await same('CREATE INDEX ON ci_items USING hnsw (embedding)');
  await same('CREATE INDEX ON ci_items USING nosuch (embedding vector_l2_ops)');
});
