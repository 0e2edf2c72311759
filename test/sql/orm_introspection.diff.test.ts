/**
 * Catalog queries ORMs send to read a schema back, against PostgreSQL + pgvector (PGlite):
 * Drizzle Kit's index query (keys by `indkey[pos - 1]`, options by `indoption[...]`, operator
 * classes joined from pg_opclass on `oid = ANY (indclass)`, which needs pg_opclass's B-tree
 * rows) and its column query (serial detection by comparing the default with `'nextval(''' ||
 * pg_get_serial_sequence(...)::regclass || '''::regclass)'`, which needs a regclass
 * concatenated as its name). Also reg* values in `||`, concat, concat_ws, format and the json
 * builders, which print through their output function, as PostgreSQL; pg_index.indoption's
 * DESC / NULLS FIRST bits.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { checkAll, both } = await openSqlPair();

await both(`CREATE TABLE users (id serial PRIMARY KEY, name text, email varchar(100), age int, big bigserial, emb vector(3), tags text[], born date)`);
await both(`CREATE UNIQUE INDEX users_email ON users (email DESC NULLS LAST)`);
await both(`CREATE INDEX users_lower ON users (lower(name), age) WHERE age > 3`);
await both(`CREATE INDEX users_emb ON users USING hnsw (emb vector_cosine_ops)`);
await both(`CREATE INDEX users_tags ON users USING gin (tags)`);
await both(`CREATE INDEX users_born ON users (born NULLS FIRST, big)`);

test("ORMs' catalog queries read the schema back as on PostgreSQL", async () => {
  await checkAll('ORM introspection', [
    // Drizzle Kit: indexes (column_name cast to text here: vecgres reports coalesce(name, text)
    // as text, where PostgreSQL's select_common_type keeps name; the values are the same. The
    // query joins every operator class of a multi-column index to each key and keeps one per key
    // by DISTINCT ON: ordered by opcname too here, so that the one kept does not depend on the
    // join order).
    `SELECT DISTINCT ON (t.relname, ic.relname, k.i) t.relname as table_name, ic.relname AS indexname, k.i AS index_order,
       i.indisunique as is_unique, am.amname as method, ic.reloptions as with,
       coalesce(a.attname, (('{' || pg_get_expr(i.indexprs, i.indrelid) || '}')::text[])[k.i])::text AS column_name,
       CASE WHEN pg_get_expr(i.indexprs, i.indrelid) IS NOT NULL THEN 1 ELSE 0 END AS is_expression,
       i.indoption[k.i-1] & 1 = 1 AS descending, i.indoption[k.i-1] & 2 = 2 AS nulls_first,
       pg_get_expr(i.indpred, i.indrelid) as where, opc.opcname
     FROM pg_class t LEFT JOIN pg_index i ON t.oid = i.indrelid LEFT JOIN pg_class ic ON ic.oid = i.indexrelid
     CROSS JOIN LATERAL (SELECT pos - 1, i.indkey[pos - 1] FROM generate_series(1, i.indnatts) AS pos) AS k(i, attnum)
     LEFT JOIN pg_attribute AS a ON a.attrelid = t.oid AND a.attnum = k.attnum LEFT JOIN pg_am AS am ON ic.relam = am.oid
     JOIN pg_opclass opc ON opc.oid = ANY(i.indclass)
     WHERE ic.relname NOT LIKE 'pg_%' AND t.relname = 'users' ORDER BY t.relname, ic.relname, k.i, opc.opcname`,
    // Drizzle Kit: columns, with serial detection.
    `SELECT a.attrelid::regclass::text, a.attname, a.attndims as array_dimensions,
       CASE WHEN a.atttypid = ANY ('{int,int8,int2}'::regtype[]) AND EXISTS (SELECT FROM pg_attrdef ad WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum
         AND pg_get_expr(ad.adbin, ad.adrelid) = 'nextval(''' || (pg_get_serial_sequence (a.attrelid::regclass::text, a.attname))::regclass || '''::regclass)')
       THEN CASE a.atttypid WHEN 'int'::regtype THEN 'serial' WHEN 'int8'::regtype THEN 'bigserial' WHEN 'int2'::regtype THEN 'smallserial' END
       ELSE format_type(a.atttypid, a.atttypmod) END AS data_type
     FROM pg_attribute a WHERE a.attrelid = '"public"."users"'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    `SELECT opc.opcname, opc.opcfamily, opc.opcintype::regtype, opc.opcdefault FROM pg_index i JOIN pg_opclass opc ON opc.oid = ANY (i.indclass)
     WHERE i.indrelid = 'users'::regclass ORDER BY i.indexrelid::regclass::text, 1`,
    `SELECT opcname, opcfamily, opcintype::regtype, opckeytype FROM pg_opclass WHERE opcmethod = 403 AND opcname IN ('int4_ops', 'text_ops', 'uuid_ops', 'timestamptz_ops', 'array_ops') ORDER BY 1`,
    `SELECT 'users'::regclass || 'x', 'int4'::regtype || '!', 'x' || 'public'::regnamespace, 'a' || 'now()'::regprocedure`,
    `SELECT concat('a', 'users'::regclass, 'int4'::regtype), concat_ws('-', 'users'::regclass, 1), format('%s %I %L', 'users'::regclass, 'users'::regclass::text, 'users'::regclass)`,
    `SELECT to_jsonb('users'::regclass), jsonb_build_object('t', 'users'::regclass), json_build_array('users'::regclass, 'int4'::regtype)`,
    `SELECT 'a' || 16384::oid`,
  ]);
});
