/**
 * Catalog queries ORMs send to read a schema back, against PostgreSQL + pgvector (PGlite):
 * Drizzle Kit's index query (keys by `indkey[pos - 1]`, options by `indoption[...]`, operator
 * classes joined from pg_opclass on `oid = ANY (indclass)`, which needs pg_opclass's B-tree
 * rows) and its column query (serial detection by comparing the default with `'nextval(''' ||
 * pg_get_serial_sequence(...)::regclass || '''::regclass)'`, which needs a regclass
 * concatenated as its name). Also reg* values in `||`, concat, concat_ws, format and the json
 * builders, which print through their output function, as PostgreSQL; pg_index.indoption's
 * DESC / NULLS FIRST bits. Prisma's introspection queries (columns, whose join keeps relations
 * with `reltype > 0`, foreign keys, enums, tables, constraints, views, extensions).
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
await both(`CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN')`);
await both(`CREATE TABLE "User" (id serial PRIMARY KEY, email text NOT NULL UNIQUE, role "Role" NOT NULL DEFAULT 'USER',
  created timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, price numeric(10,2), CONSTRAINT pos CHECK (price > 0))`);
await both(`CREATE TABLE "Post" (id text PRIMARY KEY, "authorId" int REFERENCES "User"(id) ON DELETE CASCADE ON UPDATE CASCADE, embedding vector(3), tags text[])`);
await both(`CREATE INDEX "Post_authorId_idx" ON "Post" ("authorId")`);
await both(`CREATE VIEW "ActiveUser" AS SELECT id, email FROM "User" WHERE role = 'USER'`);

test("ORMs' catalog queries read the schema back as on PostgreSQL", async () => {
  await checkAll('ORM introspection', [
    // Drizzle Kit: indexes (column_name is coalesce(name, text): name, as select_common_type
    // keeps the first arm's type. The query joins every operator class of a multi-column index
    // to each key and keeps one per key by DISTINCT ON: ordered by opcname too here, so that
    // the one kept does not depend on the join order).
    `SELECT DISTINCT ON (t.relname, ic.relname, k.i) t.relname as table_name, ic.relname AS indexname, k.i AS index_order,
       i.indisunique as is_unique, am.amname as method, ic.reloptions as with,
       coalesce(a.attname, (('{' || pg_get_expr(i.indexprs, i.indrelid) || '}')::text[])[k.i]) AS column_name,
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
    // Prisma's introspection (schema engine): columns (pg_class.reltype > 0 keeps tables and
    // views), foreign keys, enums, tables, check constraints, views (the definition's text left
    // out: vecgres keeps a view's query as written), extensions.
    [`SELECT oid.namespace, info.table_name, info.column_name, format_type(att.atttypid, att.atttypmod) as formatted_type, info.numeric_precision, info.numeric_scale, info.numeric_precision_radix, info.datetime_precision, info.data_type, info.udt_schema as type_schema_name, info.udt_name as full_data_type, pg_get_expr(attdef.adbin, attdef.adrelid) AS column_default, info.is_nullable, info.is_identity, info.character_maximum_length, col_description(att.attrelid, ordinal_position) AS description FROM information_schema.columns info JOIN pg_attribute att ON att.attname = info.column_name JOIN ( SELECT pg_class.oid, relname, pg_namespace.nspname as namespace FROM pg_class JOIN pg_namespace on pg_namespace.oid = pg_class.relnamespace AND pg_namespace.nspname = ANY ( $1 ) WHERE reltype > 0 ) as oid on oid.oid = att.attrelid AND relname = info.table_name AND namespace = info.table_schema LEFT OUTER JOIN pg_attrdef attdef ON attdef.adrelid = att.attrelid AND attdef.adnum = att.attnum AND table_schema = namespace WHERE table_schema = ANY ( $1 ) ORDER BY namespace, table_name, ordinal_position`, [['public']]],
    [`SELECT con.oid as "con_id", att2.attname as "child_column", cl.relname as "parent_table", att.attname as "parent_column", con.confdeltype, con.confupdtype, rel_ns.nspname as "referenced_schema_name", conname as constraint_name, child, parent, table_name, namespace, condeferrable, condeferred FROM (SELECT ns.nspname AS "namespace", unnest(con1.conkey) AS "parent", unnest(con1.confkey) AS "child", cl.relname AS table_name, ns.nspname AS schema_name, generate_subscripts(con1.conkey, 1) AS colidx, con1.oid, con1.confrelid, con1.conrelid, con1.conname, con1.confdeltype, con1.confupdtype, con1.condeferrable AS condeferrable, con1.condeferred AS condeferred FROM pg_class cl join pg_constraint con1 on con1.conrelid = cl.oid join pg_namespace ns on cl.relnamespace = ns.oid WHERE ns.nspname = ANY ( $1 ) and con1.contype = 'f' ORDER BY colidx) con JOIN pg_attribute att on att.attrelid = con.confrelid and att.attnum = con.child JOIN pg_class cl on cl.oid = con.confrelid JOIN pg_attribute att2 on att2.attrelid = con.conrelid and att2.attnum = con.parent JOIN pg_class rel_cl on con.confrelid = rel_cl.oid JOIN pg_namespace rel_ns on rel_cl.relnamespace = rel_ns.oid ORDER BY namespace, table_name, constraint_name, con_id, con.colidx`, [['public']]],
    [`SELECT t.typname as name, e.enumlabel as value, n.nspname as namespace FROM pg_type t JOIN pg_enum e ON t.oid = e.enumtypid JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ANY ( $1 ) ORDER BY e.enumsortorder`, [['public']]],
    [`SELECT tbl.relname AS table_name, namespace.nspname as namespace, (tbl.relhassubclass and tbl.relkind = 'p') as is_partition, (tbl.relhassubclass and tbl.relkind = 'r') as has_subclass, tbl.relrowsecurity as has_row_level_security, reloptions, obj_description(tbl.oid, 'pg_class') as description FROM pg_class AS tbl INNER JOIN pg_namespace AS namespace ON namespace.oid = tbl.relnamespace WHERE ( (tbl.relkind = 'r' AND tbl.relispartition = 'f') OR tbl.relkind = 'p') AND namespace.nspname = ANY ( $1 ) ORDER BY namespace, table_name`, [['public']]],
    [`SELECT rel.relname AS table_name, con.conname AS constraint_name, pg_get_constraintdef(con.oid) AS constraint_definition, schema.nspname AS namespace, con.contype::text AS constraint_type, con.condeferrable AS is_deferrable, con.condeferred AS is_deferred FROM pg_constraint con INNER JOIN pg_class AS rel ON rel.oid = con.conrelid INNER JOIN pg_namespace AS schema ON schema.oid = rel.relnamespace WHERE schema.nspname = ANY ( $1 ) AND con.contype IN ('c', 'x') ORDER BY namespace, table_name, constraint_type, constraint_name`, [['public']]],
    [`SELECT viewname AS view_name, definition IS NOT NULL AS view_sql, schemaname as namespace, obj_description(class.oid, 'pg_class') AS description FROM pg_catalog.pg_views views INNER JOIN pg_catalog.pg_namespace ns ON views.schemaname = ns.nspname INNER JOIN pg_catalog.pg_class class ON class.relnamespace = ns.oid AND class.relname = views.viewname WHERE schemaname = ANY ( $1 )`, [['public']]],
    [`SELECT extname, extversion, nspname FROM pg_extension ext JOIN pg_namespace ns ON ns.oid = ext.extnamespace ORDER BY extname`, [['public']]],
    [`SELECT EXISTS(SELECT 1 FROM pg_namespace WHERE nspname = $1[1]), version(), current_setting('server_version_num')::integer >= 100000`, [['public']]],
    [`SELECT namespace.nspname AS schema, classes.relname AS table_name, NULL AS is_partition FROM pg_class classes JOIN pg_namespace namespace ON namespace.oid = classes.relnamespace WHERE classes.relkind IN ('r', 'p') AND namespace.nspname = ANY ( $1 ) ORDER BY 1, 2`, [['public']]],
  ]);
});

test("Sequelize's describeTable: column comments through pg_statio_all_tables, enum labels as name[]", async () => {
  await both(`COMMENT ON COLUMN "User".email IS 'login'`);
  await both(`CREATE TABLE plain (id int)`);
  // Sequelize 6's describeTableQuery. "special" must be name[] (1003): node-postgres leaves it
  // the string '{USER,ADMIN}', which Sequelize parses; as text[] it would arrive as an array.
  const describe = (table: string) => `SELECT pk.constraint_type as "Constraint",c.column_name as "Field", c.column_default as "Default",
    c.is_nullable as "Null", (CASE WHEN c.udt_name = 'hstore' THEN c.udt_name ELSE c.data_type END) || (CASE WHEN c.character_maximum_length IS NOT NULL
    THEN '(' || c.character_maximum_length || ')' ELSE '' END) as "Type", (SELECT array_agg(e.enumlabel) FROM pg_catalog.pg_type t JOIN pg_catalog.pg_enum e
    ON t.oid=e.enumtypid WHERE t.typname=c.udt_name) AS "special", (SELECT pgd.description FROM pg_catalog.pg_statio_all_tables AS st INNER JOIN
    pg_catalog.pg_description pgd on (pgd.objoid=st.relid) WHERE c.ordinal_position=pgd.objsubid AND c.table_name=st.relname) AS "Comment"
    FROM information_schema.columns c LEFT JOIN (SELECT tc.table_schema, tc.table_name, cu.column_name, tc.constraint_type FROM
    information_schema.TABLE_CONSTRAINTS tc JOIN information_schema.KEY_COLUMN_USAGE  cu ON tc.table_schema=cu.table_schema and
    tc.table_name=cu.table_name and tc.constraint_name=cu.constraint_name and tc.constraint_type='PRIMARY KEY') pk ON pk.table_schema=c.table_schema
    AND pk.table_name=c.table_name AND pk.column_name=c.column_name WHERE c.table_name = '${table}' AND c.table_schema = 'public'`;
  await checkAll('sequelize', [
    `${describe('User')} ORDER BY c.ordinal_position`,
    `${describe('users')} ORDER BY c.ordinal_position`,
    `SELECT relid::regclass, schemaname, relname, heap_blks_read, heap_blks_hit, idx_blks_read, idx_blks_hit, toast_blks_read, toast_blks_hit,
       tidx_blks_read, tidx_blks_hit FROM pg_statio_user_tables ORDER BY relname`,
    `SELECT relname FROM pg_statio_all_tables WHERE schemaname = 'public' ORDER BY 1`,
    `INSERT INTO pg_statio_user_tables (relid) VALUES (1)`,
    `SELECT array_agg(typname ORDER BY typname), array_agg(typtype) AS t, array_agg(typname::text ORDER BY 1) AS x FROM pg_type WHERE oid IN (16, 23)`,
    `SELECT (SELECT array_agg(enumlabel ORDER BY enumsortorder) FROM pg_enum) AS labels, (SELECT typname FROM pg_type WHERE oid = 16) AS one`,
  ]);
});

test('COALESCE, CASE, GREATEST / LEAST, NULLIF and casts over name report the type PostgreSQL gives them', async () => {
  // node-postgres parses name and text alike, but name[] it leaves a string (text[] becomes an
  // array); RowDescription's type is what an ORM's describe step reads.
  await checkAll('name arms', [
    `SELECT coalesce(typname, 'x'), coalesce('x', typname), coalesce(NULL, typname), coalesce(typname, 'x'::text), coalesce(typname::text, typname) FROM pg_type WHERE oid = 23`,
    `SELECT CASE WHEN typlen > 0 THEN typname ELSE 'a' END, CASE WHEN typlen > 0 THEN typname END, CASE typlen WHEN 4 THEN typname ELSE 'b' END,
       CASE WHEN typlen > 0 THEN typname ELSE 'a'::text END, CASE WHEN typlen > 0 THEN 'x'::text ELSE typname END FROM pg_type WHERE oid = 23`,
    `SELECT greatest(typname, 'zz'), least(typname, 'a'), greatest('a'::text, typname), nullif(typname, 'a'), nullif('a', typname), nullif(NULL, typname) FROM pg_type WHERE oid = 23`,
    `SELECT 'a'::name, typname::name, 'a'::pg_catalog.name, '{a,b}'::name[], coalesce(current_user, 'x'), coalesce(current_schema(), current_user) FROM pg_type WHERE oid = 23`,
  ]);
});
